//! The annotated report of two versions: everything `render/report.rs` needs, gathered once
//! (changed clauses with their redlines, flags gained, lost and kept, annotations and their
//! states). Renderers turn it into Markdown, HTML or JSON without looking anything up.

use std::collections::BTreeMap;

use crate::align::{Alignment, ChangeKind, Pair};
use crate::annotate::anchor::{AnchorState, Anchored};
use crate::annotate::rules::{Flag, FlagChange, FlagDelta, RulePack};
use crate::model::{Bill, ClauseIdx};
use crate::render::diff::visible_pairs;

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
                (Some(n), _) => new.clauses[n].id.clone(),
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
        for n in extra {
            entries.push(Entry {
                anchor: new.clauses[n].id.clone(),
                pair: alignment.pairs.iter().find(|p| p.new == Some(n)),
                new: Some(n),
                old: alignment.new_to_old[n],
                flags: Vec::new(),
                annotations: Vec::new(),
            });
        }
        // Reading order of the new version; removed clauses where their pair placed them.
        let position = |e: &Entry<'_>| {
            e.pair
                .and_then(|p| alignment.pairs.iter().position(|q| std::ptr::eq(q, p)))
                .unwrap_or(usize::MAX)
        };
        entries.sort_by_key(position);
        for d in flag_deltas {
            let target = entries.iter_mut().find(|e| match d.change {
                FlagChange::Gone => {
                    e.old == Some(d.flag.clause) && e.new.is_none() || e.old == Some(d.flag.clause)
                }
                _ => e.new == Some(d.flag.clause),
            });
            if let Some(e) = target {
                e.flags.push(d);
            }
        }
        for a in anchored {
            if let Some(e) = entries
                .iter_mut()
                .find(|e| a.anchor.clause.is_some() && e.new == a.anchor.clause)
            {
                e.annotations.push(a);
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
