//! Anchoring: finds where each annotation stands in a version of the bill and says what happened
//! to it. First on the version it was written against (clause by id or citation, confirmed by
//! the quote), then carried through the clause alignment to the version asked about, then
//! checked by the quote (exact, then fuzzy, scored on quote, prefix and suffix).
//!
//! States: `anchored` (same clause, quote intact), `relocated` (renumbered or moved, or found
//! elsewhere by its quote), `text-changed` (clause found, quoted words changed), `ambiguous`
//! (clause gone, quote found in several clauses), `orphaned` (the provision is gone).

use std::collections::HashMap;
use std::ops::Range;

use crate::align::{Alignment, ChangeKind};
use crate::annotate::{AnnotationSet, AnnotationSpec};
use crate::model::{Bill, ClauseIdx};
use crate::redline::dice_of;
use crate::tokens::Tokens;

/// Lowest fuzzy score (0..=1) at which changed quoted words count as found in a clause. The score
/// is 70% on the quote's words (the mean of the Dice coefficient and the share of the quote's
/// words in the window) and 15% each on the words just before and after it (`prefix`, `suffix`).
pub const FUZZY_THRESHOLD: f32 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnchorState {
    Anchored,
    Relocated,
    TextChanged,
    Ambiguous,
    Orphaned,
}

impl AnchorState {
    pub const ALL: [AnchorState; 5] = [
        AnchorState::Anchored,
        AnchorState::Relocated,
        AnchorState::TextChanged,
        AnchorState::Ambiguous,
        AnchorState::Orphaned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnchorState::Anchored => "anchored",
            AnchorState::Relocated => "relocated",
            AnchorState::TextChanged => "text-changed",
            AnchorState::Ambiguous => "ambiguous",
            AnchorState::Orphaned => "orphaned",
        }
    }

    /// States a watch pipeline should look at (`check` exits 1 on them).
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            AnchorState::TextChanged | AnchorState::Ambiguous | AnchorState::Orphaned
        )
    }
}

/// Where one annotation stands in one version.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub state: AnchorState,
    /// The clause in the version the file was written against, and its citation there.
    pub written_clause: ClauseIdx,
    pub written_label: String,
    /// The clause in the version asked about (none when orphaned or ambiguous).
    pub clause: Option<ClauseIdx>,
    /// Clauses of the version asked about that hold the quote (ambiguous).
    pub candidates: Vec<ClauseIdx>,
    /// For text-changed: the words now standing where the quote stood, if found.
    pub found: Option<String>,
    /// Fuzzy score of `found` against the quote.
    pub score: f32,
}

/// An annotation with its anchor.
#[derive(Debug, Clone)]
pub struct Anchored<'a> {
    pub set: &'a AnnotationSet,
    pub spec: &'a AnnotationSpec,
    pub anchor: Anchor,
}

/// An annotation whose target does not exist in the version it was written against.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{location}: {message}")]
pub struct TargetError {
    pub location: String,
    pub message: String,
}

/// Lookups into one version: clauses by id and by normalised citation.
pub struct ClauseIndex<'b> {
    by_id: HashMap<&'b str, ClauseIdx>,
    by_label: HashMap<String, ClauseIdx>,
}

/// Citation as compared: lower case, single spaces.
pub fn normalize_citation(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'b> ClauseIndex<'b> {
    pub fn new(bill: &'b Bill) -> Self {
        let mut by_id = HashMap::new();
        let mut by_label = HashMap::new();
        for (i, c) in bill.clauses.iter().enumerate() {
            by_id.insert(c.id.as_str(), i);
            by_label.entry(normalize_citation(&c.label)).or_insert(i);
        }
        ClauseIndex { by_id, by_label }
    }

    /// A clause by id, else by citation label.
    pub fn find(&self, reference: &str) -> Option<ClauseIdx> {
        self.by_id
            .get(reference.trim())
            .copied()
            .or_else(|| self.by_label.get(&normalize_citation(reference)).copied())
    }
}

/// Byte ranges of every occurrence of `needle` in `hay`, white space folded on both sides (a
/// quote may span a line break between a clause's heading and text, or between its blocks).
fn occurrences(hay: &str, needle: &str) -> Vec<Range<usize>> {
    let needle = fold_ws(needle);
    if needle.is_empty() {
        return Vec::new();
    }
    hay.match_indices(&needle)
        .map(|(i, m)| i..i + m.len())
        .collect()
}

fn fold_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text quotes are searched in: the clause's heading and own text on one line.
fn quote_text(bill: &Bill, clause: ClauseIdx) -> String {
    bill.clauses[clause].full_text().replace('\n', " ")
}

/// Whether the quote's context matches around `at` in `text` (missing context matches).
fn context_matches(text: &str, at: &Range<usize>, spec: &AnnotationSpec) -> bool {
    let before_ok = spec
        .target
        .prefix
        .as_deref()
        .is_none_or(|p| text[..at.start].trim_end().ends_with(p.trim()));
    let after_ok = spec
        .target
        .suffix
        .as_deref()
        .is_none_or(|s| text[at.end..].trim_start().starts_with(s.trim()));
    before_ok && after_ok
}

fn lower_words(text: &str) -> Vec<(String, Range<usize>)> {
    Tokens::new(text)
        .filter(|t| t.is_word())
        .map(|t| (t.text.to_lowercase(), t.start..t.end()))
        .collect()
}

/// Share of the quote's `q` words found in a window of `w` words that has `common` of them.
fn recall_of(common: usize, q: usize, w: usize) -> f32 {
    if q == 0 {
        return 1.0;
    }
    dice_of(common, q, w) * (q + w) as f32 / (2 * q) as f32
}

/// The multiset intersection of a fixed bag of words (`want`, counts by word id) with a
/// window of `ids` that only moves forward: words entering and leaving update `common`, so a
/// pass over all windows costs the length of the text, not text × window.
struct SlidingBag<'a> {
    ids: &'a [u32],
    want: Vec<u32>,
    have: Vec<u32>,
    lo: usize,
    hi: usize,
    common: usize,
}

impl<'a> SlidingBag<'a> {
    fn new(ids: &'a [u32], bag: &[u32], n_ids: usize) -> Self {
        let mut want = vec![0; n_ids];
        for &x in bag {
            want[x as usize] += 1;
        }
        SlidingBag {
            ids,
            want,
            have: vec![0; n_ids],
            lo: 0,
            hi: 0,
            common: 0,
        }
    }

    /// Moves the window to `lo..hi` (neither end moves back) and returns the words in common.
    fn at(&mut self, lo: usize, hi: usize) -> usize {
        debug_assert!(lo >= self.lo && hi >= self.hi && lo <= hi);
        while self.hi < hi {
            let x = self.ids[self.hi] as usize;
            if self.have[x] < self.want[x] {
                self.common += 1;
            }
            self.have[x] += 1;
            self.hi += 1;
        }
        while self.lo < lo {
            let x = self.ids[self.lo] as usize;
            self.have[x] -= 1;
            if self.have[x] < self.want[x] {
                self.common -= 1;
            }
            self.lo += 1;
        }
        self.common
    }
}

/// How much of a clause of `words` words a quote of `quote` words is searched in: the first
/// `n` words (clauses are short; a very long one is searched in its first part only), with the
/// window lengths to try, each at most `n`. Reworded quotes grow or shrink: windows from half
/// to twice the quote's length, unless the clause is so long that only the quote's own length
/// is affordable.
fn search_extent(words: usize, quote: usize) -> (usize, Vec<usize>) {
    let w = quote.min(words);
    let n = words.min(20_000);
    let lengths: Vec<usize> = if n * w <= 20_000 {
        ((w / 2).max(1)..=(2 * w)).collect()
    } else {
        vec![w]
    };
    (n, lengths.into_iter().filter(|&len| len <= n).collect())
}

/// The best window of `text` for the quote: its byte range and score.
pub fn fuzzy_find(text: &str, spec: &AnnotationSpec) -> Option<(Range<usize>, f32)> {
    let exact = spec.target.exact.as_deref()?;
    let words = lower_words(text);
    let quote = lower_words(exact);
    if quote.is_empty() || words.is_empty() {
        return None;
    }
    let prefix = spec
        .target
        .prefix
        .as_deref()
        .map(lower_words)
        .unwrap_or_default();
    let suffix = spec
        .target
        .suffix
        .as_deref()
        .map(lower_words)
        .unwrap_or_default();
    // Words as ids (equal words, equal ids), so that bags are counts.
    fn ids<'w>(list: &'w [(String, Range<usize>)], id_of: &mut HashMap<&'w str, u32>) -> Vec<u32> {
        list.iter()
            .map(|(w, _)| {
                let next = id_of.len() as u32;
                *id_of.entry(w.as_str()).or_insert(next)
            })
            .collect()
    }
    let mut id_of: HashMap<&str, u32> = HashMap::new();
    let text_ids = ids(&words, &mut id_of);
    let (q, p, s) = (
        ids(&quote, &mut id_of),
        ids(&prefix, &mut id_of),
        ids(&suffix, &mut id_of),
    );
    let n_ids = id_of.len();
    let (n, lengths) = search_extent(words.len(), q.len());
    let mut best: Option<(usize, usize, f32)> = None;
    for len in lengths {
        let mut window = SlidingBag::new(&text_ids, &q, n_ids);
        let mut before = SlidingBag::new(&text_ids, &p, n_ids);
        let mut after = SlidingBag::new(&text_ids, &s, n_ids);
        for start in 0..=(n - len) {
            let common = window.at(start, start + len);
            // Dice alone ties a short exact fragment with a longer reworded passage; the share
            // of the quote's words covered breaks the tie toward the whole passage.
            let mut score =
                0.7 * (0.5 * dice_of(common, q.len(), len) + 0.5 * recall_of(common, q.len(), len));
            let (b_lo, b_hi) = (start.saturating_sub(p.len()), start);
            let (a_lo, a_hi) = (start + len, (start + len + s.len()).min(words.len()));
            score += 0.15
                * if p.is_empty() {
                    1.0
                } else {
                    dice_of(before.at(b_lo, b_hi), p.len(), b_hi - b_lo)
                };
            score += 0.15
                * if s.is_empty() {
                    1.0
                } else {
                    dice_of(after.at(a_lo, a_hi), s.len(), a_hi - a_lo)
                };
            if best.is_none_or(|b| score > b.2) {
                best = Some((start, len, score));
            }
        }
    }
    let (start, len, score) = best?;
    let range = words[start].1.start..words[start + len - 1].1.end;
    Some((range, score))
}

/// Quote check inside one clause: `Ok(())` when the quote stands there (or there is none),
/// else the best fuzzy window.
fn quote_in(
    bill: &Bill,
    clause: ClauseIdx,
    spec: &AnnotationSpec,
) -> Result<(), Option<(String, f32)>> {
    let Some(exact) = spec.target.exact.as_deref() else {
        return Ok(());
    };
    let text = quote_text(bill, clause);
    if !occurrences(&text, exact).is_empty() {
        return Ok(());
    }
    Err(fuzzy_find(&text, spec)
        .filter(|(_, score)| *score >= FUZZY_THRESHOLD)
        .map(|(r, score)| (text[r].to_string(), score)))
}

/// Anchors every annotation of `sets` on `version`. `written` is the version the files were
/// written against with the alignment `written → version`, or `None` when `version` is it.
pub fn anchor_all<'a>(
    sets: &[&'a AnnotationSet],
    written: Option<(&Bill, &Alignment)>,
    version: &Bill,
) -> Result<Vec<Anchored<'a>>, TargetError> {
    let version_index = ClauseIndex::new(version);
    let written_index = written.map(|(w, _)| ClauseIndex::new(w));
    let pair_of_old: HashMap<ClauseIdx, usize> = written
        .map(|(_, a)| {
            a.pairs
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.old.map(|o| (o, i)))
                .collect()
        })
        .unwrap_or_default();
    // Quote texts of every clause, built once and only if an annotation's clause is gone.
    let version_texts: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for &set in sets {
        let path = set.path.display().to_string();
        for spec in &set.file.annotations {
            let location = format!(
                "{path}:{}:{}",
                spec.target.clause.referenced.line(),
                spec.target.clause.referenced.column()
            );
            let (w_bill, w_index) = match (written, &written_index) {
                (Some((w, _)), Some(wi)) => (w, wi),
                _ => (version, &version_index),
            };
            let Some(wc) = w_index.find(&spec.target.clause.value) else {
                return Err(TargetError {
                    location,
                    message: format!(
                        "target clause `{}` matches nothing in {} (written_against), expected a clause id like `art7.p1` or a citation like \"Article 7(1)\"",
                        spec.target.clause.value,
                        w_bill.source.display_path()
                    ),
                });
            };
            if let (Some(exact), Err(_)) =
                (spec.target.exact.as_deref(), quote_in(w_bill, wc, spec))
            {
                return Err(TargetError {
                    location,
                    message: format!(
                        "quote {exact:?} is not in {} ({}) of {}, expected words copied from that clause",
                        w_bill.clauses[wc].label,
                        w_bill.clauses[wc].id,
                        w_bill.source.display_path()
                    ),
                });
            }
            let anchor = match written {
                None => Anchor {
                    state: AnchorState::Anchored,
                    written_clause: wc,
                    written_label: w_bill.clauses[wc].label.to_string(),
                    clause: Some(wc),
                    candidates: Vec::new(),
                    found: None,
                    score: 1.0,
                },
                Some((w, alignment)) => carry(
                    spec,
                    w,
                    wc,
                    alignment,
                    &pair_of_old,
                    version,
                    &version_texts,
                ),
            };
            out.push(Anchored { set, spec, anchor });
        }
    }
    Ok(out)
}

/// Carries an annotation from its clause `wc` in `w` to `version`.
fn carry(
    spec: &AnnotationSpec,
    w: &Bill,
    wc: ClauseIdx,
    alignment: &Alignment,
    pair_of_old: &HashMap<ClauseIdx, usize>,
    version: &Bill,
    version_texts: &std::cell::OnceCell<Vec<String>>,
) -> Anchor {
    let base = Anchor {
        state: AnchorState::Orphaned,
        written_clause: wc,
        written_label: w.clauses[wc].label.to_string(),
        clause: None,
        candidates: Vec::new(),
        found: None,
        score: 0.0,
    };
    if let Some(vc) = alignment.old_to_new[wc] {
        let pair = pair_of_old.get(&wc).map(|&i| &alignment.pairs[i]);
        let same_place = w.clauses[wc].id == version.clauses[vc].id
            && w.clauses[wc].label == version.clauses[vc].label
            && !pair.is_some_and(|p| {
                p.moved || matches!(p.kind, ChangeKind::Moved | ChangeKind::MovedModified)
            });
        return match quote_in(version, vc, spec) {
            Ok(()) => Anchor {
                state: if same_place {
                    AnchorState::Anchored
                } else {
                    AnchorState::Relocated
                },
                clause: Some(vc),
                score: 1.0,
                ..base
            },
            Err(found) => Anchor {
                state: AnchorState::TextChanged,
                clause: Some(vc),
                score: found.as_ref().map_or(0.0, |f| f.1),
                found: found.map(|f| f.0),
                ..base
            },
        };
    }
    // The clause is gone: look for the quote anywhere in the new version.
    let Some(exact) = spec.target.exact.as_deref() else {
        return base;
    };
    let mut holders: Vec<ClauseIdx> = Vec::new();
    let mut in_context: Vec<ClauseIdx> = Vec::new();
    let texts = version_texts.get_or_init(|| {
        (0..version.clauses.len())
            .map(|i| quote_text(version, i))
            .collect()
    });
    for (i, text) in texts.iter().enumerate() {
        let hits = occurrences(text, exact);
        if hits.is_empty() {
            continue;
        }
        holders.push(i);
        if hits.iter().any(|h| context_matches(text, h, spec)) {
            in_context.push(i);
        }
    }
    let has_context = spec.target.prefix.is_some() || spec.target.suffix.is_some();
    let chosen = match (holders.len(), in_context.len()) {
        (0, _) => return base,
        (1, _) => Some(holders[0]),
        (_, 1) if has_context => Some(in_context[0]),
        _ => None,
    };
    match chosen {
        Some(vc) => Anchor {
            state: AnchorState::Relocated,
            clause: Some(vc),
            score: 1.0,
            ..base
        },
        None => Anchor {
            state: AnchorState::Ambiguous,
            candidates: holders,
            ..base
        },
    }
}

#[cfg(test)]
mod tests;
