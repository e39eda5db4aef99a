//! Word-level diff of one clause pair (`word_diff`), with a semantic cleanup that makes the
//! result read like a lawyer's redline, a threshold below which a clause counts as rewritten,
//! and a deadline after which a coarser diff is used. Tokenizing is `tokens`' job; choosing the
//! pairs is `align`'s; showing the ops is `render`'s.

use std::borrow::Cow;
use std::ops::Range;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use similar::{Algorithm, DiffOp};

use crate::tokens::{for_each_word, tokenize, Token, TokenKind};

/// What counts as a difference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompareOptions {
    pub ignore_case: bool,
    pub ignore_whitespace: bool,
    pub ignore_punctuation: bool,
}

/// Settings of the word diff.
#[derive(Debug, Clone)]
pub struct RedlineConfig {
    pub compare: CompareOptions,
    /// Time allowed for one pair before a coarser diff is used.
    pub deadline: Duration,
    /// Below this share of common words, the clause is shown as replaced (deleted + inserted).
    pub rewrite_threshold: f32,
}

impl Default for RedlineConfig {
    fn default() -> Self {
        RedlineConfig {
            compare: CompareOptions::default(),
            deadline: Duration::from_secs(2),
            rewrite_threshold: 0.25,
        }
    }
}

/// Texts with more tokens than this on both sides skip the word diff and get the coarse one.
pub const MAX_DIFF_TOKENS: usize = 200_000;

/// Pairs with at most this many tokens in all are diffed without a deadline.
const NO_DEADLINE_TOKENS: usize = 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    Equal,
    Delete,
    Insert,
}

/// One step of the redline, with byte ranges into the old and the new text. A delete has an
/// empty new range where it happens; an insert an empty old range.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RedlineOp {
    pub kind: OpKind,
    pub old: Range<usize>,
    pub new: Range<usize>,
}

/// The word diff of one pair of texts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Redline {
    /// Ops in order; the old ranges of equal and delete ops tile the old text, the new ranges of
    /// equal and insert ops tile the new text.
    pub ops: Vec<RedlineOp>,
    /// Share of words and numbers the texts have in common (1 for equal texts).
    pub similarity: f32,
    /// The texts share too little: shown as one deletion and one insertion.
    pub rewritten: bool,
    /// The deadline or the size limit was hit and a coarser diff was used.
    pub coarse: bool,
}

impl Redline {
    /// Rebuilds the new text from the ops (equal and insert slices of `new`, in order).
    pub fn apply(&self, _old: &str, new: &str) -> String {
        let mut out = String::with_capacity(new.len());
        for op in &self.ops {
            if op.kind != OpKind::Delete {
                out.push_str(new.get(op.new.clone()).unwrap_or(""));
            }
        }
        out
    }

    /// Rebuilds the old text from the ops (equal and delete slices of `old`).
    pub fn revert(&self, old: &str) -> String {
        let mut out = String::with_capacity(old.len());
        for op in &self.ops {
            if op.kind != OpKind::Insert {
                out.push_str(old.get(op.old.clone()).unwrap_or(""));
            }
        }
        out
    }

    /// True when the options found no difference.
    pub fn is_unchanged(&self) -> bool {
        self.ops.iter().all(|op| op.kind == OpKind::Equal)
    }

    /// The redline as plain text with `[-deleted-]` and `{+inserted+}` marks.
    pub fn render_inline(&self, old: &str, new: &str) -> String {
        let mut out = String::new();
        for op in &self.ops {
            match op.kind {
                OpKind::Equal => out.push_str(new.get(op.new.clone()).unwrap_or("")),
                OpKind::Delete => {
                    out.push_str("[-");
                    out.push_str(old.get(op.old.clone()).unwrap_or(""));
                    out.push_str("-]");
                }
                OpKind::Insert => {
                    out.push_str("{+");
                    out.push_str(new.get(op.new.clone()).unwrap_or(""));
                    out.push_str("+}");
                }
            }
        }
        out
    }
}

/// The comparison key of a token under the options; `None` for tokens the options ignore.
fn key<'a>(token: &Token<'a>, opts: &CompareOptions) -> Option<Cow<'a, str>> {
    match token.kind {
        TokenKind::Space if opts.ignore_whitespace => None,
        TokenKind::Punct if opts.ignore_punctuation => None,
        // White space differences inside a text are never worth a redline mark on their own:
        // any run compares equal to any other run.
        TokenKind::Space => Some(Cow::Borrowed(" ")),
        _ if opts.ignore_case => Some(Cow::Owned(token.text.to_lowercase())),
        _ => Some(Cow::Borrowed(token.text)),
    }
}

/// Cheap similarity of two texts for ranking candidates: the Dice coefficient of their bags of
/// words and numbers (case-folded with `ignore_case`). 1.0 for two texts without words.
pub fn similarity(old: &str, new: &str, opts: &CompareOptions) -> f32 {
    let bag = |text: &str| {
        let mut words: Vec<String> = tokenize(text)
            .iter()
            .filter(|t| t.is_word())
            .map(|t| {
                if opts.ignore_case {
                    t.text.to_lowercase()
                } else {
                    t.text.to_string()
                }
            })
            .collect();
        words.sort_unstable();
        words
    };
    bags_dice(&bag(old), &bag(new))
}

/// The Dice coefficient of two sorted bags: twice the common items over all items; 1.0 for two
/// empty bags.
pub(crate) fn bags_dice<T: Ord>(a: &[T], b: &[T]) -> f32 {
    dice_of(common_sorted(a, b), a.len(), b.len())
}

/// The Dice coefficient of two bags of sizes `a` and `b` with `common` items in common (as
/// multisets); 1.0 for two empty bags. Every similarity of bags in the crate is this number.
pub(crate) fn dice_of(common: usize, a: usize, b: usize) -> f32 {
    if a == 0 && b == 0 {
        return 1.0;
    }
    (2 * common) as f32 / (a + b) as f32
}

/// One deletion of all old text and one insertion of all new text.
fn replaced(old: &str, new: &str, similarity: f32, coarse: bool) -> Redline {
    let mut ops = Vec::new();
    if !old.is_empty() {
        ops.push(RedlineOp {
            kind: OpKind::Delete,
            old: 0..old.len(),
            new: 0..0,
        });
    }
    if !new.is_empty() {
        ops.push(RedlineOp {
            kind: OpKind::Insert,
            old: old.len()..old.len(),
            new: 0..new.len(),
        });
    }
    Redline {
        ops,
        similarity,
        rewritten: true,
        coarse,
    }
}

/// Size of the multiset intersection of two sorted slices (one merge pass).
pub(crate) fn common_sorted<T: Ord>(a: &[T], b: &[T]) -> usize {
    // Without branches on the comparison, which a merge of two bags cannot predict: each step
    // advances the side(s) holding the smaller item.
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let order = a[i].cmp(&b[j]);
        common += usize::from(order.is_eq());
        i += usize::from(order.is_le());
        j += usize::from(order.is_ge());
    }
    common
}

/// A diff step over significant-token indices, before it becomes byte ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    kind: OpKind,
    old: (usize, usize),
    new: (usize, usize),
}

/// Diffs two texts word by word.
pub fn word_diff(old: &str, new: &str, config: &RedlineConfig) -> Redline {
    let (head, tail) = shared_ends(old, new);
    if head == 0 && tail == 0 {
        return diff_middles((old, new), (0, 0), config, 0);
    }
    // Only the middles are tokenized and compared: in a reworded clause of a long law most of
    // the text is the same start and end. Their words count as kept.
    let (old_end, new_end) = (old.len() - tail, new.len() - tail);
    let mut shared = 0;
    for part in [&old[..head], &old[old_end..]] {
        for_each_word(part, |_| shared += 1);
    }
    let middle = diff_middles((old, new), (head, tail), config, shared);
    if middle.rewritten {
        return replaced(old, new, middle.similarity, middle.coarse);
    }
    let mut ops: Vec<RedlineOp> = Vec::with_capacity(middle.ops.len() + 2);
    let mut push = |op: RedlineOp| match ops.last_mut() {
        Some(last) if last.kind == OpKind::Equal && op.kind == OpKind::Equal => {
            last.old.end = op.old.end;
            last.new.end = op.new.end;
        }
        _ if op.old.is_empty() && op.new.is_empty() => {}
        _ => ops.push(op),
    };
    push(RedlineOp {
        kind: OpKind::Equal,
        old: 0..head,
        new: 0..head,
    });
    for op in middle.ops {
        push(RedlineOp {
            kind: op.kind,
            old: op.old.start + head..op.old.end + head,
            new: op.new.start + head..op.new.end + head,
        });
    }
    push(RedlineOp {
        kind: OpKind::Equal,
        old: old_end..old.len(),
        new: new_end..new.len(),
    });
    Redline {
        ops,
        similarity: middle.similarity,
        rewritten: false,
        coarse: middle.coarse,
    }
}

/// Byte lengths of a start and an end that two different texts share and that tokenize alike
/// on both sides: the start is cut where a run of ASCII white space begins after an ASCII
/// character, the end where such a run ends before one. No token looks behind its start, and
/// the token before such a run ends at it, so the tokens of either text are those of its
/// start, its middle and its end in turn. (0, 0) for equal texts.
fn shared_ends(old: &str, new: &str) -> (usize, usize) {
    if old == new {
        return (0, 0);
    }
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let blank = |c: u8| matches!(c, b' ' | b'\n' | b'\t' | b'\r');
    let solid = |c: u8| c.is_ascii() && !blank(c);
    let same_start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let head = (1..same_start)
        .rev()
        .find(|&c| blank(a[c]) && solid(a[c - 1]))
        .unwrap_or(0);
    let (a, b) = (&a[head..], &b[head..]);
    let same_end = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let tail = (1..same_end)
        .rev()
        .find(|&t| solid(a[a.len() - t]) && blank(a[a.len() - t - 1]))
        .unwrap_or(0);
    (head, tail)
}

/// `word_diff` of the middles of two texts, without their shared start and end of
/// `(head, tail)` bytes, which hold `shared` words (counted as kept in the similarity and in the
/// bag check). Ops are in bytes of the middles.
fn diff_middles<'a>(
    (old_whole, new_whole): (&'a str, &'a str),
    (head, tail): (usize, usize),
    config: &RedlineConfig,
    shared: usize,
) -> Redline {
    let old = &old_whole[head..old_whole.len() - tail];
    let new = &new_whole[head..new_whole.len() - tail];
    let opts = &config.compare;
    let old_tokens = tokenize(old);
    let new_tokens = tokenize(new);
    // Significant tokens: those the options do not ignore, each as the id of its key. Ignored
    // ones ride along with the op before them when ranges are built. The diff compares keys
    // many times over: as small integers (equal keys, equal ids, numbered in order of first
    // appearance, old text first) rather than as strings.
    let mut ids: FxHashMap<Cow<'a, str>, u32> = FxHashMap::default();
    ids.reserve((old_tokens.len() + new_tokens.len()) / 2);
    let mut significant = |tokens: &[Token<'a>]| {
        let mut sig = Vec::with_capacity(tokens.len());
        let mut keys = Vec::with_capacity(tokens.len());
        for (i, token) in tokens.iter().enumerate() {
            if let Some(k) = key(token, opts) {
                let next = ids.len() as u32;
                keys.push(*ids.entry(k).or_insert(next));
                sig.push(i);
            }
        }
        (sig, keys)
    };
    let (old_sig, old_keys) = significant(&old_tokens);
    let (new_sig, new_keys) = significant(&new_tokens);
    let key_count = ids.len();
    let space = ids.get(" ").copied();
    drop(ids);

    // A side with nothing to compare (empty, or only ignored tokens): the texts are equal under
    // the options when both are; else one side replaces the other, unless a shared start or
    // end holds words (then this is an insertion or a deletion between them, scored below).
    let one_side_empty = old_keys.is_empty() != new_keys.is_empty();
    if old_keys.is_empty() && new_keys.is_empty() {
        let ops = if old.is_empty() && new.is_empty() {
            Vec::new()
        } else {
            vec![RedlineOp {
                kind: OpKind::Equal,
                old: 0..old.len(),
                new: 0..new.len(),
            }]
        };
        return Redline {
            ops,
            similarity: 1.0,
            rewritten: false,
            coarse: false,
        };
    }
    if one_side_empty && shared == 0 {
        return replaced(old, new, 0.0, false);
    }
    let mut coarse = false;
    // Texts that share too few words are shown as replaced anyway: skip the word diff. The
    // bags are those of `similarity` (words and numbers, compared by key), as interned ids.
    if old != new && !one_side_empty {
        let bag = |tokens: &[Token<'_>], sig: &[usize], keys: &[u32]| {
            let mut words: Vec<u32> = sig
                .iter()
                .zip(keys)
                .filter(|(&i, _)| tokens[i].is_word())
                .map(|(_, &k)| k)
                .collect();
            words.sort_unstable();
            words
        };
        let (old_bag, new_bag) = (
            bag(&old_tokens, &old_sig, &old_keys),
            bag(&new_tokens, &new_sig, &new_keys),
        );
        let bag_similarity = dice_of(
            common_sorted(&old_bag, &new_bag) + shared,
            old_bag.len() + shared,
            new_bag.len() + shared,
        );
        if bag_similarity < config.rewrite_threshold {
            return replaced(old, new, bag_similarity, false);
        }
    }
    let mut steps: Vec<Step> = if one_side_empty {
        // Only an insertion or only a deletion between the shared start and end.
        vec![Step {
            kind: if old_keys.is_empty() {
                OpKind::Insert
            } else {
                OpKind::Delete
            },
            old: (0, old_keys.len()),
            new: (0, new_keys.len()),
        }]
    } else if old_keys.len() > MAX_DIFF_TOKENS && new_keys.len() > MAX_DIFF_TOKENS {
        coarse = true;
        coarse_steps(&old_keys, &new_keys)
    } else {
        // A deadline too far to represent means no deadline. Short texts need none: their
        // worst case, (N + M)^2 steps, takes milliseconds, and the clock would be read at
        // every step of the search.
        let deadline = if old_keys.len() + new_keys.len() <= NO_DEADLINE_TOKENS {
            None
        } else {
            Instant::now().checked_add(config.deadline)
        };
        let steps = shortest_steps(&old_keys, &new_keys, key_count, space, deadline);
        if deadline.is_some_and(|d| Instant::now() >= d) {
            coarse = true;
        }
        steps
    };
    steps = merge_adjacent(steps);
    let is_word = |tokens: &[Token<'_>], sig: &[usize], i: usize| tokens[sig[i]].is_word();
    let equal_words: usize = shared
        + steps
            .iter()
            .filter(|s| s.kind == OpKind::Equal)
            .map(|s| {
                (s.old.0..s.old.1)
                    .filter(|&i| is_word(&old_tokens, &old_sig, i))
                    .count()
            })
            .sum::<usize>();
    let old_words = shared + old_tokens.iter().filter(|t| t.is_word()).count();
    let new_words = shared + new_tokens.iter().filter(|t| t.is_word()).count();
    let changed = steps.iter().any(|s| s.kind != OpKind::Equal);
    let similarity = if old_words + new_words == 0 {
        if changed {
            0.0
        } else {
            1.0
        }
    } else {
        (2 * equal_words) as f32 / (old_words + new_words) as f32
    };
    if changed {
        if similarity < config.rewrite_threshold {
            return replaced(old, new, similarity, coarse);
        }
        steps = cleanup_semantic(steps, &old_tokens, &old_sig, &new_tokens, &new_sig);
        // The cleanup absorbed every kept word into the change: the clause reads as replaced,
        // and is shown so, like one below the threshold.
        let kept_word = shared > 0
            || steps.iter().any(|s| {
                s.kind == OpKind::Equal
                    && (s.old.0..s.old.1).any(|i| is_word(&old_tokens, &old_sig, i))
            });
        if !kept_word {
            return replaced(old, new, similarity, coarse);
        }
    }
    if let Some(space) = space {
        steps = spaces_out_of_replacements(steps, &old_keys, &new_keys, space);
    }
    let old_side = Side {
        text: old_whole,
        offset: head,
        len: old.len(),
        tokens: &old_tokens,
        sig: &old_sig,
        keys: &old_keys,
    };
    let new_side = Side {
        text: new_whole,
        offset: head,
        len: new.len(),
        tokens: &new_tokens,
        sig: &new_sig,
        keys: &new_keys,
    };
    slide_lone_changes(&mut steps, &old_side, &new_side);
    let ops = to_byte_ops(&steps, &old_side, &new_side);
    Redline {
        ops,
        similarity,
        rewritten: false,
        coarse,
    }
}

/// An edit script from `old` to `new` (key ids below `key_count`; `space` is the key of white
/// space, `None` when it is ignored): similar's Myers over the words and punctuation, a shortest
/// script for them, with white space matched around what they match. The deadline bounds
/// Myers' O(ND) worst case; the cleanup then turns the script into readable phrases.
///
/// This is how a lawyer reads a redline, and how wdiff and git's word diff compare: by words.
/// White space between two matched words is matched too (a run of it at each end of a gap
/// between matches), so a space that appears or goes away still shows; but a run of white
/// space never anchors a match on its own, which would cut a rewritten phrase into confetti.
///
/// Between the common start and end, keys found on one side only are left out of the search,
/// as GNU diff and git's xdiff leave
/// out lines without a match: no common subsequence can hold them, so a longest common
/// subsequence of what remains is one of the whole, and they are deleted or inserted where they
/// stand. In a reworded clause most changed words are such keys, so the search runs over fewer
/// tokens and far fewer differences (Myers costs (N + M) D).
fn shortest_steps(
    old: &[u32],
    new: &[u32],
    key_count: usize,
    space: Option<u32>,
    deadline: Option<Instant>,
) -> Vec<Step> {
    // Words and punctuation, by position. Their common start and end are matched first, as
    // similar would; one-sided keys are left out of the search between them only (left out
    // before, a key that the other side lacks could no longer stop the common start, which
    // would then run on to an earlier match than the common end offers).
    let is_space = |k: u32| Some(k) == space;
    let words =
        |keys: &[u32]| -> Vec<usize> { (0..keys.len()).filter(|&i| !is_space(keys[i])).collect() };
    let (old_words, new_words) = (words(old), words(new));
    let (start, end) = common_ends(old_words.len(), new_words.len(), |i, j| {
        old[old_words[i]] == new[new_words[j]]
    });
    let (old_core, new_core) = (
        &old_words[start..old_words.len() - end],
        &new_words[start..new_words.len() - end],
    );
    let mut sides = vec![0u8; key_count];
    for &i in old_core {
        sides[old[i] as usize] |= 1;
    }
    for &j in new_core {
        sides[new[j] as usize] |= 2;
    }
    let searched = |core: &[usize], keys: &[u32]| -> Vec<usize> {
        core.iter()
            .copied()
            .filter(|&i| sides[keys[i] as usize] == 3)
            .collect()
    };
    let (old_kept, new_kept) = (searched(old_core, old), searched(new_core, new));
    let old_searched: Vec<u32> = old_kept.iter().map(|&i| old[i]).collect();
    let new_searched: Vec<u32> = new_kept.iter().map(|&i| new[i]).collect();
    let ops = similar::capture_diff_slices_deadline(
        Algorithm::Myers,
        &old_searched,
        &new_searched,
        deadline,
    );
    let mut matches: Vec<(usize, usize)> = Vec::with_capacity(start + end + ops.len());
    matches.extend(
        old_words[..start]
            .iter()
            .copied()
            .zip(new_words[..start].iter().copied()),
    );
    for op in &ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            matches.extend((0..len).map(|t| (old_kept[old_index + t], new_kept[new_index + t])));
        }
    }
    matches.extend(
        old_words[old_words.len() - end..]
            .iter()
            .copied()
            .zip(new_words[new_words.len() - end..].iter().copied()),
    );
    // Back to positions in the whole texts, one match at a time, each after the gap before it.
    let mut steps: Vec<Step> = Vec::with_capacity(2 * ops.len() + 2);
    let mut at = (0, 0);
    for (i, j) in matches {
        push_gap(&mut steps, (old, new), (at.0, i), (at.1, j), is_space);
        push_equal_merged(
            &mut steps,
            Step {
                kind: OpKind::Equal,
                old: (i, i + 1),
                new: (j, j + 1),
            },
        );
        at = (i + 1, j + 1);
    }
    push_gap(
        &mut steps,
        (old, new),
        (at.0, old.len()),
        (at.1, new.len()),
        is_space,
    );
    steps
}

/// Pushes the steps of a gap between matches, keys `old_range` of `old` against `new_range` of
/// `new`: white space that both sides have at its start and at its end is matched, the rest is
/// deleted, then inserted (the order similar gives a replacement). Equal steps join the equal
/// step before them, as everywhere the steps tile both texts.
fn push_gap(
    steps: &mut Vec<Step>,
    (old, new): (&[u32], &[u32]),
    (i, to_i): (usize, usize),
    (j, to_j): (usize, usize),
    is_space: impl Fn(u32) -> bool,
) {
    let (lead, trail) = common_ends(to_i - i, to_j - j, |a, b| {
        is_space(old[i + a]) && is_space(new[j + b])
    });
    let equal = |from: (usize, usize), len: usize| Step {
        kind: OpKind::Equal,
        old: (from.0, from.0 + len),
        new: (from.1, from.1 + len),
    };
    push_equal_merged(steps, equal((i, j), lead));
    push_replacement(steps, (i + lead, to_i - trail), (j + lead, to_j - trail));
    push_equal_merged(steps, equal((to_i - trail, to_j - trail), trail));
}

/// Pushes old keys `i..to_i` replaced by new keys `j..to_j`: a delete, then an insert, each
/// only when not empty.
fn push_replacement(steps: &mut Vec<Step>, (i, to_i): (usize, usize), (j, to_j): (usize, usize)) {
    if to_i > i {
        steps.push(Step {
            kind: OpKind::Delete,
            old: (i, to_i),
            new: (j, j),
        });
    }
    if to_j > j {
        steps.push(Step {
            kind: OpKind::Insert,
            old: (to_i, to_i),
            new: (j, to_j),
        });
    }
}

/// Lengths of the common start and end of two sequences of `n` and `m` items, `same(i, j)`
/// telling whether item `i` of the first equals item `j` of the second; the end is counted
/// after the start, so they do not overlap.
fn common_ends(n: usize, m: usize, same: impl Fn(usize, usize) -> bool) -> (usize, usize) {
    let start = (0..n.min(m)).take_while(|&k| same(k, k)).count();
    let end = (0..n.min(m) - start)
        .take_while(|&k| same(n - 1 - k, m - 1 - k))
        .count();
    (start, end)
}

/// Common prefix and suffix, one replacement in between: the diff of last resort.
fn coarse_steps<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Step> {
    let (prefix, suffix) = common_ends(old.len(), new.len(), |i, j| old[i] == new[j]);
    let (oe, ne) = (old.len() - suffix, new.len() - suffix);
    let mut steps = vec![Step {
        kind: OpKind::Equal,
        old: (0, prefix),
        new: (0, prefix),
    }];
    steps.push(Step {
        kind: OpKind::Delete,
        old: (prefix, oe),
        new: (prefix, prefix),
    });
    steps.push(Step {
        kind: OpKind::Insert,
        old: (oe, oe),
        new: (prefix, ne),
    });
    steps.push(Step {
        kind: OpKind::Equal,
        old: (oe, old.len()),
        new: (ne, new.len()),
    });
    steps
}

/// Drops empty steps, joins neighbours of one kind, and puts deletions before insertions
/// within each run of changes.
fn merge_adjacent(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    let mut i = 0;
    while i < steps.len() {
        if steps[i].kind == OpKind::Equal {
            push_equal_merged(&mut out, steps[i]);
            i += 1;
            continue;
        }
        // A run of changes: one delete covering the old side, one insert covering the new.
        let start = steps[i];
        let (mut old_end, mut new_end) = (start.old.1, start.new.1);
        let (old_start, new_start) = (start.old.0, start.new.0);
        while i < steps.len() && steps[i].kind != OpKind::Equal {
            old_end = old_end.max(steps[i].old.1);
            new_end = new_end.max(steps[i].new.1);
            i += 1;
        }
        push_replacement(&mut out, (old_start, old_end), (new_start, new_end));
    }
    out
}

/// Moves white space at either end of a replacement out of it, into the equal text around it,
/// where both sides have it: "[-a b -]{+c +}d" reads "[-a b-]{+c+} d". (The cleanup above
/// leaves such ends when it absorbs an equal run whose space was matched on one side of it.)
fn spaces_out_of_replacements(
    steps: Vec<Step>,
    old_keys: &[u32],
    new_keys: &[u32],
    space: u32,
) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(steps.len() + 2);
    let mut i = 0;
    while i < steps.len() {
        let s = steps[i];
        let replaced =
            s.kind == OpKind::Delete && steps.get(i + 1).is_some_and(|t| t.kind == OpKind::Insert);
        if !replaced {
            push_equal_merged(&mut out, s);
            i += 1;
            continue;
        }
        push_gap(
            &mut out,
            (old_keys, new_keys),
            s.old,
            steps[i + 1].new,
            |k| k == space,
        );
        i += 2;
    }
    out
}

/// One text of a diff, whose middle of `len` bytes from `offset` on was tokenized, with the
/// tokens of the middle, the significant ones and their keys.
struct Side<'s, 't> {
    text: &'s str,
    offset: usize,
    len: usize,
    tokens: &'t [Token<'s>],
    sig: &'t [usize],
    keys: &'t [u32],
}

impl Side<'_, '_> {
    /// Byte offset in the middle where its significant token `i` starts (0 for the first, so
    /// that ignored tokens before it go with it; the middle's length past the last one).
    fn middle_byte_at(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.sig.get(i).map_or(self.len, |&t| self.tokens[t].start)
        }
    }

    /// Byte offset in the whole text where significant token `i` of the middle starts.
    fn byte_at(&self, i: usize) -> usize {
        self.offset + self.middle_byte_at(i)
    }

    /// How well a change reads when it starts or ends at byte `at`: at an end of the text,
    /// after the end of a sentence, at white space, at punctuation, inside a phrase.
    fn boundary(&self, at: usize) -> u8 {
        let before = self.text[..at].chars().next_back();
        let after = self.text[at..].chars().next();
        match (before, after) {
            (None, _) | (_, None) => 5,
            (Some(l), Some(r)) if matches!(l, '.' | ';' | ':' | '!' | '?') && r.is_whitespace() => {
                4
            }
            (Some(l), Some(r)) if l.is_whitespace() || r.is_whitespace() => 3,
            (Some(l), Some(r)) if !l.is_alphanumeric() || !r.is_alphanumeric() => 2,
            _ => 0,
        }
    }
}

/// How far a lone insertion or deletion is slid at most, either way.
const MAX_SLIDE: usize = 16;

/// Slides each lone insertion or deletion along the text it repeats to where its ends read
/// best: "begründen{+. Die Behörde erteilt Auskunft+}." is the same change as
/// "begründen.{+ Die Behörde erteilt Auskunft.+}", which reads as the sentence it adds. The
/// place the diff found is kept unless another is strictly better.
fn slide_lone_changes(steps: &mut [Step], old: &Side, new: &Side) {
    for k in 0..steps.len() {
        let s = steps[k];
        let lone = s.kind != OpKind::Equal
            && (k == 0 || steps[k - 1].kind == OpKind::Equal)
            && steps.get(k + 1).is_none_or(|t| t.kind == OpKind::Equal);
        if !lone {
            continue;
        }
        let (side, (a, b)) = if s.kind == OpKind::Insert {
            (new, s.new)
        } else {
            (old, s.old)
        };
        let pick = |st: &Step| {
            if s.kind == OpKind::Insert {
                st.new
            } else {
                st.old
            }
        };
        let floor = if k > 0 { pick(&steps[k - 1]).0 } else { a };
        let ceil = steps.get(k + 1).map_or(b, |t| pick(t).1);
        let keys = side.keys;
        let score = |d: isize| {
            let at = |i: usize| side.byte_at(i.wrapping_add_signed(d));
            side.boundary(at(a)) + side.boundary(at(b))
        };
        let (mut best, mut best_score) = (0isize, score(0));
        let mut r = 0;
        while r < MAX_SLIDE && b + r < ceil && keys[a + r] == keys[b + r] {
            r += 1;
            let d = r as isize;
            let scored = score(d);
            if scored > best_score {
                (best, best_score) = (d, scored);
            }
        }
        let mut l = 0;
        while l < MAX_SLIDE && a > floor + l && keys[a - l - 1] == keys[b - l - 1] {
            l += 1;
            let d = -(l as isize);
            let scored = score(d);
            if scored > best_score {
                (best, best_score) = (d, scored);
            }
        }
        if best == 0 {
            continue;
        }
        let shift = |x: usize| x.wrapping_add_signed(best);
        // The equal text before grows (or shrinks) on both sides, the change moves, the equal
        // text after shrinks (or grows).
        if k > 0 {
            let e = &mut steps[k - 1];
            (e.old.1, e.new.1) = (shift(e.old.1), shift(e.new.1));
        }
        let c = &mut steps[k];
        c.old = (shift(c.old.0), shift(c.old.1));
        c.new = (shift(c.new.0), shift(c.new.1));
        if let Some(e) = steps.get_mut(k + 1) {
            (e.old.0, e.new.0) = (shift(e.old.0), shift(e.new.0));
        }
    }
}

/// Pushes a step, joining an equal one to an equal step before it; empty equal steps vanish.
fn push_equal_merged(out: &mut Vec<Step>, s: Step) {
    if s.kind != OpKind::Equal {
        out.push(s);
        return;
    }
    if s.old.0 == s.old.1 && s.new.0 == s.new.1 {
        return;
    }
    match out.last_mut() {
        Some(last) if last.kind == OpKind::Equal => {
            last.old.1 = s.old.1;
            last.new.1 = s.new.1;
        }
        _ => out.push(s),
    }
}

/// Absorbs small equal runs between changes into the changes, so a redline shows phrases, not
/// a confetti of one-word matches (in the spirit of diff-match-patch's cleanupSemantic): an
/// equal run with no word, or of at most two words and fewer than the changed words on both
/// sides of it, becomes part of the change. One pass with a stack and prefix sums of word
/// counts, so the cost stays linear in the number of steps however many changes there are.
fn cleanup_semantic(
    steps: Vec<Step>,
    old_tokens: &[Token<'_>],
    old_sig: &[usize],
    new_tokens: &[Token<'_>],
    new_sig: &[usize],
) -> Vec<Step> {
    /// An equal run, or a change covering an old and a new range.
    #[derive(Clone, Copy)]
    struct Seg {
        changed: bool,
        old: (usize, usize),
        new: (usize, usize),
    }
    let prefix = |tokens: &[Token<'_>], sig: &[usize]| {
        let mut sums = Vec::with_capacity(sig.len() + 1);
        let mut total = 0usize;
        sums.push(0);
        for &i in sig {
            total += usize::from(tokens[i].is_word());
            sums.push(total);
        }
        sums
    };
    let old_words = prefix(old_tokens, old_sig);
    let new_words = prefix(new_tokens, new_sig);
    let count = |sums: &[usize], r: (usize, usize)| {
        let last = sums.len() - 1;
        sums[r.1.min(last)] - sums[r.0.min(last)]
    };
    // A change weighs its deleted and inserted words together.
    let size = |s: &Seg| count(&old_words, s.old) + count(&new_words, s.new);
    let mut segs: Vec<Seg> = Vec::with_capacity(steps.len());
    for st in &steps {
        let changed = st.kind != OpKind::Equal;
        match segs.last_mut() {
            Some(last) if changed && last.changed => {
                last.old.1 = last.old.1.max(st.old.1);
                last.new.1 = last.new.1.max(st.new.1);
            }
            _ => segs.push(Seg {
                changed,
                old: st.old,
                new: st.new,
            }),
        }
    }
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    for seg in segs {
        if !seg.changed {
            out.push(seg);
            continue;
        }
        let mut change = seg;
        while let [.., left, kept] = out.as_slice() {
            let eq_words = count(&old_words, kept.old);
            let absorb = left.changed
                && !kept.changed
                && (eq_words == 0
                    || (eq_words <= 2 && eq_words < size(left) && eq_words < size(&change)));
            if !absorb {
                break;
            }
            change.old.0 = left.old.0;
            change.new.0 = left.new.0;
            out.truncate(out.len() - 2);
        }
        out.push(change);
    }
    let mut result = Vec::with_capacity(out.len() * 2);
    for seg in out {
        if !seg.changed {
            result.push(Step {
                kind: OpKind::Equal,
                old: seg.old,
                new: seg.new,
            });
            continue;
        }
        if seg.old.1 > seg.old.0 {
            result.push(Step {
                kind: OpKind::Delete,
                old: seg.old,
                new: (seg.new.0, seg.new.0),
            });
        }
        if seg.new.1 > seg.new.0 {
            result.push(Step {
                kind: OpKind::Insert,
                old: (seg.old.1, seg.old.1),
                new: seg.new,
            });
        }
    }
    result
}

/// Turns steps over significant tokens into byte ranges over the texts. Each step covers its
/// tokens and the ignored tokens after them (before the next significant token); the first
/// step also covers ignored tokens at the start.
fn to_byte_ops(steps: &[Step], old: &Side, new: &Side) -> Vec<RedlineOp> {
    let mut ops: Vec<RedlineOp> = Vec::with_capacity(steps.len() + 1);
    for s in steps {
        let old_range = old.middle_byte_at(s.old.0)..old.middle_byte_at(s.old.1);
        let new_range = new.middle_byte_at(s.new.0)..new.middle_byte_at(s.new.1);
        let (old_range, new_range) = match s.kind {
            OpKind::Equal => (old_range, new_range),
            OpKind::Delete => (old_range.clone(), new_range.start..new_range.start),
            OpKind::Insert => (old_range.start..old_range.start, new_range),
        };
        if old_range.is_empty() && new_range.is_empty() {
            continue;
        }
        ops.push(RedlineOp {
            kind: s.kind,
            old: old_range,
            new: new_range,
        });
    }
    if ops.is_empty() && (old.len > 0 || new.len > 0) {
        // Only ignored tokens on both sides (e.g. punctuation with ignore_punctuation).
        ops.push(RedlineOp {
            kind: OpKind::Equal,
            old: 0..old.len,
            new: 0..new.len,
        });
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_with(old: &str, new: &str, compare: CompareOptions, expect: &str) {
        let config = RedlineConfig {
            compare,
            ..RedlineConfig::default()
        };
        let r = word_diff(old, new, &config);
        assert_eq!(r.render_inline(old, new), expect);
        assert_tiles(&r, old, new);
    }

    fn check(old: &str, new: &str, expect: &str) {
        check_with(old, new, CompareOptions::default(), expect);
    }

    fn assert_tiles(r: &Redline, old: &str, new: &str) {
        assert_eq!(r.apply(old, new), new, "apply rebuilds new");
        assert_eq!(r.revert(old), old, "revert rebuilds old");
        let mut o = 0;
        let mut n = 0;
        for op in &r.ops {
            assert_eq!(op.old.start, o, "{:?}", r.ops);
            assert_eq!(op.new.start, n, "{:?}", r.ops);
            o = op.old.end;
            n = op.new.end;
        }
        assert_eq!((o, n), (old.len(), new.len()));
    }

    #[test]
    fn replaced_inserted_and_deleted_words() {
        check(
            "remove it within 24 hours of the order",
            "remove it within 48 hours of the order",
            "remove it within [-24-]{+48+} hours of the order",
        );
        check(
            "the ministry shall order removal",
            "the ministry shall, with an expert group, order removal",
            "the ministry shall{+, with an expert group,+} order removal",
        );
        check(
            "access to the whole platform shall be restricted",
            "access shall be restricted",
            "access [-to the whole platform -]shall be restricted",
        );
    }

    #[test]
    fn scripts_and_numbers_stay_whole() {
        check(
            "в течение суток с момента получения предписания",
            "в течение двадцати четырех часов с момента получения предписания",
            "в течение [-суток-]{+двадцати четырех часов+} с момента получения предписания",
        );
        check(
            "платформа 24 сағат ішінде жояды",
            "платформа 48 сағат ішінде жояды",
            "платформа [-24-]{+48+} сағат ішінде жояды",
        );
        check(
            "nach dem Anbieter-Nutzer-Verhältnis gemäß Absatz 2-1",
            "nach dem Anbieter-Nutzer-Verhältnis gemäß Absatz 2-2",
            "nach dem Anbieter-Nutzer-Verhältnis gemäß Absatz [-2-1-]{+2-2+}",
        );
    }

    #[test]
    fn ignore_options() {
        let case = CompareOptions {
            ignore_case: true,
            ..CompareOptions::default()
        };
        check_with("The Ministry", "the ministry", case, "the ministry");
        let ws = CompareOptions {
            ignore_whitespace: true,
            ..CompareOptions::default()
        };
        let r = word_diff(
            "a  b\nc",
            "a b c",
            &RedlineConfig {
                compare: ws,
                ..RedlineConfig::default()
            },
        );
        assert!(r.is_unchanged());
        let punct = CompareOptions {
            ignore_punctuation: true,
            ..CompareOptions::default()
        };
        let r = word_diff(
            "a, b; c",
            "a b c.",
            &RedlineConfig {
                compare: punct,
                ..RedlineConfig::default()
            },
        );
        assert!(r.is_unchanged(), "{:?}", r.ops);
        assert_tiles(&r, "a, b; c", "a b c.");
    }

    #[test]
    fn small_matches_between_changes_are_absorbed() {
        // Without cleanup the shared "the" would split the change in two.
        check(
            "the ministry may order the removal",
            "the expert group shall decide the case",
            "the [-ministry may order the removal-]{+expert group shall decide the case+}",
        );
    }

    #[test]
    fn rewritten_clause_is_one_deletion_and_one_insertion() {
        let config = RedlineConfig::default();
        let old = "Access to the platform is restricted by the ministry.";
        let new = "Users may appeal to a court within ten days.";
        let r = word_diff(old, new, &config);
        assert!(r.rewritten);
        assert_eq!(r.ops.len(), 2);
        assert_eq!(r.render_inline(old, new), format!("[-{old}-]{{+{new}+}}"));
    }

    #[test]
    fn empty_and_equal_texts() {
        let config = RedlineConfig::default();
        assert!(word_diff("", "", &config).ops.is_empty());
        let r = word_diff("same text", "same text", &config);
        assert!(r.is_unchanged());
        assert_eq!(r.similarity, 1.0);
        check("", "new text", "{+new text+}");
        check("old text", "", "[-old text-]");
    }

    #[test]
    fn pathological_input_degrades_quickly() {
        // Nothing in common and many tokens: the deadline (made tiny here) gives a coarse diff.
        let old: String = (0..40_000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..40_000).map(|i| format!("b{i} ")).collect();
        let config = RedlineConfig {
            deadline: Duration::from_millis(50),
            rewrite_threshold: 0.0,
            ..RedlineConfig::default()
        };
        let start = Instant::now();
        let r = word_diff(&old, &new, &config);
        assert!(start.elapsed() < Duration::from_secs(10));
        assert_tiles(&r, &old, &new);
        let repeated = "x ".repeat(50_000);
        let r = word_diff(&repeated, &"y ".repeat(50_000), &config);
        assert_tiles(&r, &repeated, &"y ".repeat(50_000));
    }

    #[test]
    fn many_small_changes_are_cleaned_up_in_linear_time() {
        // Thousands of one-word changes between kept words: the cleanup must not restart from
        // the beginning after each merge.
        let old: String = (0..20_000).map(|i| format!("w{i} p{i} q{i} ")).collect();
        let new: String = (0..20_000).map(|i| format!("w{i} r{i} s{i} ")).collect();
        let start = Instant::now();
        let r = word_diff(&old, &new, &RedlineConfig::default());
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
        assert_tiles(&r, &old, &new);
    }

    #[test]
    fn huge_deadline_and_ignored_only_sides() {
        let config = RedlineConfig {
            deadline: Duration::MAX,
            ..RedlineConfig::default()
        };
        let r = word_diff("a b", "a c", &config);
        assert_tiles(&r, "a b", "a c");
        let ws = RedlineConfig {
            compare: CompareOptions {
                ignore_whitespace: true,
                ..CompareOptions::default()
            },
            rewrite_threshold: 0.0,
            ..RedlineConfig::default()
        };
        let r = word_diff(" ", "x", &ws);
        assert_tiles(&r, " ", "x");
        // Ops applied to other texts do not panic.
        let _ = r.render_inline("", "");
    }

    #[test]
    fn white_space_follows_the_words() {
        // A space that appears or goes away between kept tokens still shows.
        check("a ( b", "a (b", "a ([- -]b");
        check("a (b", "a ( b", "a ({+ +}b");
        // A replacement does not take the spaces around it along.
        check(
            "The head of the branch, representative office or legal entity shall act",
            "The legal representative shall act",
            "The [-head of the branch, representative office or legal entity-]{+legal representative+} shall act",
        );
        // Runs of white space compare equal whatever they hold.
        check("a  b\nc", "a b c", "a b c");
    }

    #[test]
    fn common_start_and_end_are_kept() {
        // The comma that ends both texts stays matched, although an earlier one could be.
        check(
            "den Zugang vermittelt; bei Mediendiensten jede Person, die kontrolliert,",
            "den Zugang vermittelt,",
            "den Zugang vermittelt[-; bei Mediendiensten jede Person, die kontrolliert-],",
        );
        // Long shared starts and ends are not tokenized; the middle is diffed alone.
        let start = "Die Krankenkasse kann in ihrer Satzung bestimmen, ".repeat(20);
        let end = " in Anspruch nehmen.".repeat(20);
        check(
            &format!("{start}Leistungen zur Früherkennung{end}"),
            &format!("{start}Leistungen der Prävention{end}"),
            &format!("{start}Leistungen [-zur Früherkennung-]{{+der Prävention+}}{end}"),
        );
        let r = word_diff(
            &format!("{start}a{end}"),
            &format!("{start}b{end}"),
            &RedlineConfig::default(),
        );
        assert!(!r.rewritten && r.similarity > 0.99, "{r:?}");
    }

    #[test]
    fn lone_changes_slide_to_where_they_read_best() {
        // An added sentence reads as one, with its full stop.
        check(
            "ist dies zu begründen.",
            "ist dies zu begründen. Die in § 4 genannte Behörde erteilt Auskunft.",
            "ist dies zu begründen.{+ Die in § 4 genannte Behörde erteilt Auskunft.+}",
        );
        // Between words, the place the diff found stays.
        check(
            "Where prohibited information is detected",
            "Where information with clear signs is detected",
            "Where [-prohibited -]information {+with clear signs +}is detected",
        );
    }

    /// Length of a longest common subsequence, by the textbook table.
    fn lcs_len(a: &[u32], b: &[u32]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for &x in a {
            let mut diag = 0;
            for (j, &y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        row[b.len()]
    }

    /// Checks that steps cover both key sequences in order and pair equal keys only; returns
    /// the number of matched keys other than `space`.
    fn matched_words(steps: &[Step], old: &[u32], new: &[u32], space: u32) -> usize {
        let (mut i, mut j, mut words) = (0, 0, 0);
        for s in steps {
            assert_eq!((s.old.0, s.new.0), (i, j), "{steps:?}");
            match s.kind {
                OpKind::Equal => {
                    assert_eq!(s.old.1 - s.old.0, s.new.1 - s.new.0);
                    assert_eq!(old[s.old.0..s.old.1], new[s.new.0..s.new.1]);
                    words += old[s.old.0..s.old.1]
                        .iter()
                        .filter(|&&k| k != space)
                        .count();
                }
                OpKind::Delete => assert_eq!(s.new.0, s.new.1),
                OpKind::Insert => assert_eq!(s.old.0, s.old.1),
            }
            (i, j) = (s.old.1, s.new.1);
        }
        assert_eq!((i, j), (old.len(), new.len()));
        words
    }

    proptest::proptest! {
        /// Leaving keys of one side only and white space out of the search still gives a
        /// shortest script for the words: as many matched as a longest common subsequence
        /// holds. Moving spaces out of replacements keeps the script whole.
        #[test]
        fn word_script_is_shortest(
            old in proptest::collection::vec(0u32..7, 0..40),
            new in proptest::collection::vec(0u32..7, 0..40),
        ) {
            let space = 0;
            let steps = shortest_steps(&old, &new, 7, Some(space), None);
            let words = |keys: &[u32]| keys.iter().copied().filter(|&k| k != space).collect::<Vec<_>>();
            proptest::prop_assert_eq!(
                matched_words(&steps, &old, &new, space),
                lcs_len(&words(&old), &words(&new))
            );
            let moved = spaces_out_of_replacements(merge_adjacent(steps), &old, &new, space);
            matched_words(&moved, &old, &new, space);
        }
    }

    #[test]
    fn similarity_of_bags() {
        let o = CompareOptions::default();
        assert_eq!(similarity("a b c", "a b c", &o), 1.0);
        assert_eq!(similarity("a b", "c d", &o), 0.0);
        assert!((similarity("a b c d", "a b c e", &o) - 0.75).abs() < 1e-6);
    }
}
