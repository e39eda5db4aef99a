//! The annotated report of two versions: everything `render/report.rs` needs, gathered once
//! (changed clauses with their redlines, flags gained, lost and kept, annotations and their
//! states). Renderers turn it into Markdown, HTML or JSON without looking anything up.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use crate::align::{Alignment, ChangeKind, Pair};
use crate::annotate::anchor::{AnchorState, Anchored};
use crate::annotate::rules::{Flag, FlagChange, FlagDelta, RulePack};
use crate::model::{Bill, ClauseIdx};
use crate::render::diff::visible_pairs;

/// The index of `pair` in `pairs` when it is an element of it (compared by address).
fn pair_index(pairs: &[Pair], pair: &Pair) -> Option<usize> {
    let size = std::mem::size_of::<Pair>().max(1);
    let offset = (pair as *const Pair as usize).checked_sub(pairs.as_ptr() as usize)?;
    let index = offset / size;
    pairs
        .get(index)
        .filter(|p| offset % size == 0 && std::ptr::eq(*p, pair))
        .map(|_| index)
}

/// One section of the report: a changed or flagged clause.
pub struct Entry<'r> {
    /// Stable anchor for links (`report.html#art18-2.p3`): the new id, or the old id for removed
    /// clauses (prefixed `old-`).
    pub anchor: String,
    pub pair: Option<&'r Pair>,
    /// The clause in the new version, or in the old one when removed.
    pub new: Option<ClauseIdx>,
    pub old: Option<ClauseIdx>,
    /// Flags on the new clause (or gone from the old one).
    pub flags: Vec<&'r FlagDelta>,
    /// Annotations anchored to the new clause.
    pub annotations: Vec<&'r Anchored<'r>>,
}

/// The report: its inputs and the entries in reading order.
pub struct Report<'r> {
    pub old: &'r Bill,
    pub new: &'r Bill,
    pub alignment: &'r Alignment,
    pub pack: Option<&'r RulePack>,
    pub flag_deltas: &'r [FlagDelta],
    pub anchored: &'r [Anchored<'r>],
    /// The date the report was made, only when asked for (else output is byte-identical).
    pub generated: Option<String>,
    pub entries: Vec<Entry<'r>>,
}

impl<'r> Report<'r> {
    pub fn build(
        old: &'r Bill,
        new: &'r Bill,
        alignment: &'r Alignment,
        pack: Option<&'r RulePack>,
        flag_deltas: &'r [FlagDelta],
        anchored: &'r [Anchored<'r>],
        generated: Option<String>,
    ) -> Report<'r> {
        let rows = visible_pairs(alignment, old, new, false);
        let mut entries: Vec<Entry<'r>> = Vec::new();
        let mut seen_new: std::collections::HashSet<ClauseIdx> = Default::default();
        for pair in rows {
            let anchor = match (pair.new, pair.old) {
                (Some(n), _) => new.clauses[n].id.to_string(),
                (None, Some(o)) => format!("old-{}", old.clauses[o].id),
                (None, None) => continue,
            };
            if let Some(n) = pair.new {
                seen_new.insert(n);
            }
            entries.push(Entry {
                anchor,
                pair: Some(pair),
                new: pair.new,
                old: pair.old,
                flags: Vec::new(),
                annotations: Vec::new(),
            });
        }
        // Unchanged clauses that carry a flag or an annotation get an entry too.
        let mut extra: Vec<ClauseIdx> = flag_deltas
            .iter()
            .filter(|d| d.change != FlagChange::Gone)
            .map(|d| d.flag.clause)
            .chain(anchored.iter().filter_map(|a| a.anchor.clause))
            .filter(|n| !seen_new.contains(n))
            .collect();
        extra.sort_unstable();
        extra.dedup();
        // The pair of each new clause (each is in at most one), looked up rather than searched.
        let mut pair_of_new: Vec<Option<&'r Pair>> = vec![None; new.clauses.len()];
        for p in &alignment.pairs {
            if let Some(slot) = p.new.and_then(|n| pair_of_new.get_mut(n)) {
                slot.get_or_insert(p);
            }
        }
        for n in extra {
            entries.push(Entry {
                anchor: new.clauses[n].id.to_string(),
                pair: pair_of_new.get(n).copied().flatten(),
                new: Some(n),
                old: alignment.new_to_old[n],
                flags: Vec::new(),
                annotations: Vec::new(),
            });
        }
        // Reading order of the new version; removed clauses where their pair placed them. A
        // pair's place is its index in `alignment.pairs`, found from its address (the rows
        // borrow from there), not by a search per comparison.
        let position = |e: &Entry<'_>| {
            e.pair
                .and_then(|p| pair_index(&alignment.pairs, p))
                .unwrap_or(usize::MAX)
        };
        entries.sort_by_key(position);
        // The first entry of each old and each new clause, for flags and annotations.
        let mut first_by_old: HashMap<ClauseIdx, usize> = HashMap::default();
        let mut first_by_new: HashMap<ClauseIdx, usize> = HashMap::default();
        for (i, e) in entries.iter().enumerate() {
            if let Some(o) = e.old {
                first_by_old.entry(o).or_insert(i);
            }
            if let Some(n) = e.new {
                first_by_new.entry(n).or_insert(i);
            }
        }
        for d in flag_deltas {
            let target = match d.change {
                FlagChange::Gone => first_by_old.get(&d.flag.clause),
                _ => first_by_new.get(&d.flag.clause),
            };
            if let Some(&i) = target {
                entries[i].flags.push(d);
            }
        }
        for a in anchored {
            if let Some(&i) = a.anchor.clause.and_then(|n| first_by_new.get(&n)) {
                entries[i].annotations.push(a);
            }
        }
        Report {
            old,
            new,
            alignment,
            pack,
            flag_deltas,
            anchored,
            generated,
            entries,
        }
    }

    /// Changes by kind (the rows a reader sees).
    pub fn changes_by_kind(&self) -> BTreeMap<ChangeKind, usize> {
        let mut m = BTreeMap::new();
        for e in &self.entries {
            if let Some(p) = e.pair.filter(|p| p.kind != ChangeKind::Unchanged) {
                *m.entry(p.kind).or_insert(0) += 1;
            }
        }
        m
    }

    /// Flags by (change, severity, category).
    pub fn flags_summary(
        &self,
    ) -> BTreeMap<(FlagChange, crate::annotate::Severity, String), usize> {
        let mut m = BTreeMap::new();
        if let Some(pack) = self.pack {
            for d in self.flag_deltas {
                let cat = pack.rules[d.flag.rule].category().to_string();
                *m.entry((d.change, d.flag.severity, cat)).or_insert(0) += 1;
            }
        }
        m
    }

    /// Annotations by organisation and state.
    pub fn annotations_summary(&self) -> BTreeMap<(String, AnchorState), usize> {
        let mut m = BTreeMap::new();
        for a in self.anchored {
            *m.entry((a.set.file.organization.name.clone(), a.anchor.state))
                .or_insert(0) += 1;
        }
        m
    }

    /// Annotations whose provision could not be placed (orphaned or ambiguous): always listed.
    pub fn unplaced(&self) -> Vec<&Anchored<'r>> {
        self.anchored
            .iter()
            .filter(|a| a.anchor.clause.is_none())
            .collect()
    }

    /// Flags on a clause of the new version.
    pub fn flags_on(&self, clause: ClauseIdx) -> Vec<&Flag> {
        self.flag_deltas
            .iter()
            .filter(|d| d.change != FlagChange::Gone && d.flag.clause == clause)
            .map(|d| &d.flag)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_finds_elements_by_address_only() {
        let pairs: Vec<Pair> = (0..5).map(Pair::removed).collect();
        for (i, p) in pairs.iter().enumerate() {
            assert_eq!(pair_index(&pairs, p), Some(i));
        }
        // An equal pair elsewhere is not an element.
        let copy = pairs[2].clone();
        assert_eq!(pair_index(&pairs, &copy), None);
        assert_eq!(pair_index(&pairs[..2], &pairs[3]), None);
        assert_eq!(pair_index(&pairs[1..], &pairs[0]), None);
    }
}
