//! Align two clause trees: each old clause is paired with at most one new clause, and every pair
//! is classified (unchanged, modified, renumbered, moved, moved+modified, removed, added, split,
//! merged). Word-level redlines of the changed pairs come from `redline`; rendering is elsewhere.
//!
//! Passes, each near-linear (no stage compares every clause with every clause):
//! 1. heading units (articles, §§): identical subtree text by hash, unique on both sides;
//! 2. heading units left over, by contents: the share of their text in clauses found word for
//!    word in the other unit (clause hashes through an inverted index), when that share is high;
//! 3. heading units still left: candidates from the same id and from an inverted index of
//!    trigram sketches, scored by bag-of-words similarity, assigned greedily best-first;
//! 4. structural units (parts, chapters) by the votes of their matched articles, then by id;
//! 5. children of every matched pair, within the pair: identical subtrees in order, identical
//!    text, then scored candidates;
//! 6. body clauses left over anywhere (a paragraph moved to another article): indexed similarity;
//! 7. split and merged clauses next to a pair, then classification.
//!
//! Redlines of the pairs whose text changed are computed as the pairs are made, on a helper
//! thread (`diff_queue`), and finished by both threads once matching is done.
//!
//! Hashes are taken for every clause; word bags and sketches only for the clauses a similarity
//! pass reads, a small share on an ordinary revision (the bags of body clauses whose subtree
//! changed before the child pass, `prefill_changed_bags`, the others when first read).

use rustc_hash::FxHashMap as HashMap;

use xxhash_rust::xxh3::Xxh3;

use crate::model::{Bill, ClauseIdx, ClauseKind};
use crate::parse::id_number;
use crate::redline::{
    bags_dice, common_sorted, dice_of, word_diff, CompareOptions, Redline, RedlineConfig,
};
use crate::tokens::{for_each_word, lowercase_short};
use diff_queue::{DiffQueue, Done};

mod diff_queue;

/// Settings of one alignment.
#[derive(Debug, Clone, Default)]
pub struct AlignConfig {
    pub compare: CompareOptions,
    /// A clause that was only renumbered counts as unchanged.
    pub ignore_numbering: bool,
    pub redline: RedlineConfig,
}

/// What happened to a clause between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Unchanged,
    Modified,
    Renumbered,
    Moved,
    MovedModified,
    Removed,
    Added,
    Split,
    Merged,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 9] = [
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::Modified,
        ChangeKind::Renumbered,
        ChangeKind::Moved,
        ChangeKind::MovedModified,
        ChangeKind::Split,
        ChangeKind::Merged,
        ChangeKind::Unchanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Unchanged => "unchanged",
            ChangeKind::Modified => "modified",
            ChangeKind::Renumbered => "renumbered",
            ChangeKind::Moved => "moved",
            ChangeKind::MovedModified => "moved-modified",
            ChangeKind::Removed => "removed",
            ChangeKind::Added => "added",
            ChangeKind::Split => "split",
            ChangeKind::Merged => "merged",
        }
    }
}

/// How a pair was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// The same text (with its sub-clauses) on both sides.
    IdenticalText,
    /// The same id (number) and enough shared text.
    Id,
    /// Similar text found through the word index.
    Similarity,
    /// Most of the unit's articles went to the same new unit.
    Contents,
    /// Left over in matched parents with the same number (a rewritten clause).
    Number,
}

impl MatchedBy {
    /// The name in JSON (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::IdenticalText => "identical-text",
            MatchedBy::Id => "id",
            MatchedBy::Similarity => "similarity",
            MatchedBy::Contents => "contents",
            MatchedBy::Number => "number",
        }
    }
}

/// One row of the alignment: an old clause, a new clause, or both.
#[derive(Debug, Clone)]
pub struct Pair {
    pub old: Option<ClauseIdx>,
    pub new: Option<ClauseIdx>,
    pub kind: ChangeKind,
    pub matched_by: Option<MatchedBy>,
    /// Word similarity of the clause's own text, 0..=1 (1 for identical text).
    pub similarity: f32,
    /// The number changed (shown as "Article 4 → Article 5").
    pub renumbered: bool,
    /// The clause has a new parent or a new place among its siblings.
    pub moved: bool,
    /// Further new clauses the old one was split into, or old ones merged into the new one.
    /// (Boxed slices and a boxed redline: a large bill has hundreds of thousands of rows, most
    /// of them unchanged, so the row is kept small.)
    pub split_into: Box<[ClauseIdx]>,
    pub merged_from: Box<[ClauseIdx]>,
    /// Word diff of the own text, for pairs whose text changed.
    pub redline: Option<Box<Redline>>,
}

impl Pair {
    /// The row of an old clause with no partner.
    pub fn removed(old: ClauseIdx) -> Pair {
        Pair::alone(Some(old), None, ChangeKind::Removed)
    }

    /// The row of a new clause with no partner.
    pub fn added(new: ClauseIdx) -> Pair {
        Pair::alone(None, Some(new), ChangeKind::Added)
    }

    fn alone(old: Option<ClauseIdx>, new: Option<ClauseIdx>, kind: ChangeKind) -> Pair {
        Pair {
            old,
            new,
            kind,
            matched_by: None,
            similarity: 0.0,
            renumbered: false,
            moved: false,
            split_into: Box::default(),
            merged_from: Box::default(),
            redline: None,
        }
    }
}

/// The hand-off from alignment to rendering.
#[derive(Debug, Clone)]
pub struct Alignment {
    /// Rows in reading order of the new version (removed clauses where they stood).
    pub pairs: Vec<Pair>,
    pub old_to_new: Vec<Option<ClauseIdx>>,
    pub new_to_old: Vec<Option<ClauseIdx>>,
}

impl Alignment {
    /// The two texts a pair's redline compares: the own text of each side, joined in document
    /// order with the other parts of a split or merge on their side (one line each).
    pub fn pair_texts(pair: &Pair, old: &Bill, new: &Bill) -> (String, String) {
        let side = |bill: &Bill, first: Option<ClauseIdx>, more: &[ClauseIdx]| {
            let mut all: Vec<ClauseIdx> = first.into_iter().chain(more.iter().copied()).collect();
            all.sort_unstable();
            all.iter()
                .map(|&i| bill.clauses[i].full_text())
                .collect::<Vec<_>>()
                .join("\n")
        };
        (
            side(old, pair.old, &pair.merged_from),
            side(new, pair.new, &pair.split_into),
        )
    }

    /// True when no pair is anything but unchanged.
    pub fn is_unchanged(&self) -> bool {
        self.pairs.iter().all(|p| p.kind == ChangeKind::Unchanged)
    }
}

// ------------------------------------------------------------------------------ fingerprints

/// Word id: a hash of the lower-cased word, cut to 32 bits. A collision would only nudge a
/// similarity score; no map of words is needed, so both sides are fingerprinted independently.
fn word_id(word: &str, scratch: &mut String) -> u32 {
    let mut buf = [0u8; 64];
    if let Some(len) = lowercase_short(word, &mut buf) {
        return xxhash_rust::xxh3::xxh3_64(&buf[..len]) as u32;
    }
    scratch.clear();
    scratch.extend(word.chars().flat_map(char::to_lowercase));
    xxhash_rust::xxh3::xxh3_64(scratch.as_bytes()) as u32
}

/// A key for a clause number as it goes into ids (`id_number`), so that numbers compare
/// without building strings; `None` for unnumbered clauses.
fn number_key(number: Option<&str>) -> Option<u64> {
    number.map(|n| {
        if n.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            xxhash_rust::xxh3::xxh3_64(n.as_bytes())
        } else {
            xxhash_rust::xxh3::xxh3_64(id_number(n).as_bytes())
        }
    })
}

/// Per-clause data the passes compare. Hashes of the own text and of the subtree are taken for
/// every clause up front (cheap); word bags and trigram sketches only for the clauses a
/// similarity pass looks at (`ensure`), which on an ordinary revision is a small share: most
/// clauses pair by hash. Bags and sketches of all clauses sit in one buffer each.
struct Prints<'b> {
    bill: &'b Bill,
    own_hash: Vec<u64>,
    tree_hash: Vec<u64>,
    /// `number_key` of every clause.
    numbers: Vec<Option<u64>>,
    /// Whether each clause is a body clause, neither a unit (`Matcher::is_unit`, matched across
    /// the bill) nor structural: the clauses matched among their parent's children. Kept apart
    /// from the clause records so that the passes over all children read one byte each.
    body: Vec<bool>,
    /// Bytes of the own text (heading included): the weight of a clause in a unit's contents.
    weight: Vec<u32>,
    /// The tree without the clause records (200 bytes and more each, of which the passes that
    /// walk the tree read one field, a cache miss each): the parent of each clause
    /// (`NO_PARENT` for a top-level one) and its children, `child_list[child_start[i]..
    /// child_start[i + 1]]`. Indexes fit in 32 bits: inputs are at most `MAX_INPUT_BYTES`.
    parent: Vec<u32>,
    child_start: Vec<u32>,
    child_list: Vec<u32>,
    /// Where each clause's sorted bag of word ids sits in `bag_words` (`NOT_YET` until
    /// needed). Offsets fit in 32 bits: inputs are at most `MAX_INPUT_BYTES` long.
    bags: Vec<(u32, u32)>,
    bag_words: Vec<u32>,
    /// Where each clause's bottom-k trigram sketch sits in `sketch_values` (`NOT_YET` until
    /// needed: only the indexed similarity passes look at sketches, so the many small sets
    /// of children never pay for them).
    sketches: Vec<(u32, u32)>,
    sketch_values: Vec<u32>,
    /// Bags of whole subtrees, for the heading units that need one.
    tree_bags: HashMap<ClauseIdx, Vec<u32>>,
    scratch: String,
    trigrams: Vec<u32>,
}

/// A bag or sketch not computed yet.
const NOT_YET: (u32, u32) = (u32::MAX, u32::MAX);

/// The parent of a top-level clause in `Prints::parent`.
const NO_PARENT: u32 = u32::MAX;

/// A buffer offset as stored in `Prints` (inputs are far below 4 GiB).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX - 1)
}

/// The heading and the text of a clause, joined as `Clause::full_text` joins them.
fn own_parts(clause: &crate::model::Clause) -> [&str; 2] {
    match &clause.heading {
        Some(h) => [h, &clause.text],
        None => [&clause.text, ""],
    }
}

/// The splitmix64 finaliser: spreads a 64-bit value over all bits.
fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash_text(parts: [&str; 2], opts: &CompareOptions) -> u64 {
    let plain = !opts.ignore_case && !opts.ignore_whitespace && !opts.ignore_punctuation;
    if plain && parts[1].is_empty() {
        return xxhash_rust::xxh3::xxh3_64(parts[0].as_bytes());
    }
    let mut h = Xxh3::new();
    if plain {
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                if part.is_empty() {
                    continue;
                }
                h.update(b"\n");
            }
            h.update(part.as_bytes());
        }
        return h.digest();
    }
    let mut buf = [0u8; 4];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 && part.is_empty() {
            continue;
        }
        let sep = if i > 0 { "\n" } else { "" };
        for c in sep.chars().chain(part.chars()) {
            if opts.ignore_whitespace && c.is_whitespace() {
                continue;
            }
            if opts.ignore_punctuation && !c.is_alphanumeric() && !c.is_whitespace() {
                continue;
            }
            if opts.ignore_case {
                for lc in c.to_lowercase() {
                    h.update(lc.encode_utf8(&mut buf).as_bytes());
                }
            } else {
                h.update(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    h.digest()
}

fn fingerprints<'b>(bill: &'b Bill, opts: &CompareOptions) -> Prints<'b> {
    let n = bill.clauses.len();
    let mut prints = Prints {
        bill,
        own_hash: Vec::with_capacity(n),
        tree_hash: vec![0u64; n],
        numbers: Vec::with_capacity(n),
        body: Vec::with_capacity(n),
        weight: Vec::with_capacity(n),
        parent: Vec::with_capacity(n),
        child_start: Vec::with_capacity(n + 1),
        child_list: Vec::with_capacity(n),
        bags: vec![NOT_YET; n],
        bag_words: Vec::new(),
        sketches: vec![NOT_YET; n],
        sketch_values: Vec::new(),
        tree_bags: HashMap::default(),
        scratch: String::new(),
        trigrams: Vec::new(),
    };
    for clause in &bill.clauses {
        let parts = own_parts(clause);
        prints.own_hash.push(hash_text(parts, opts));
        prints.numbers.push(number_key(clause.number.as_deref()));
        prints
            .body
            .push(!is_unit_kind(clause.kind) && !clause.kind.is_structural());
        let bytes = parts[0].len() + parts[1].len();
        prints.weight.push(u32::try_from(bytes).unwrap_or(u32::MAX));
        prints
            .parent
            .push(clause.parent.map_or(NO_PARENT, |p| p as u32));
        prints.child_start.push(prints.child_list.len() as u32);
        prints
            .child_list
            .extend(clause.children.iter().map(|&c| c as u32));
    }
    prints.child_start.push(prints.child_list.len() as u32);
    // Subtree hashes, children first (they follow their parent in the arena): the own hash and
    // the children's, in order, folded through a 64-bit mixer.
    for idx in (0..n).rev() {
        let mut h = prints.own_hash[idx];
        let children = prints.children(idx);
        for &child in children {
            h = mix64(h.rotate_left(23) ^ prints.tree_hash[child as usize]);
        }
        prints.tree_hash[idx] = mix64(h ^ children.len() as u64);
    }
    prints
}

impl Prints<'_> {
    /// The parent of clause `idx`, from the compact tree.
    fn parent(&self, idx: ClauseIdx) -> Option<ClauseIdx> {
        let p = self.parent[idx];
        (p != NO_PARENT).then_some(p as ClauseIdx)
    }

    /// The children of clause `idx`, from the compact tree.
    fn children(&self, idx: ClauseIdx) -> &[u32] {
        &self.child_list[self.child_start[idx] as usize..self.child_start[idx + 1] as usize]
    }

    /// Computes the bag of a clause, once, and its sketch too when `sketch` is set (once).
    fn ensure(&mut self, idx: ClauseIdx, sketch: bool) {
        let need_bag = self.bags[idx] == NOT_YET;
        let need_sketch = sketch && self.sketches[idx] == NOT_YET;
        if !need_bag && !need_sketch {
            return;
        }
        // The words in reading order, at the end of `bag_words`: they become the bag, or are
        // dropped again when only the sketch was missing.
        let from = self.bag_words.len();
        for part in own_parts(&self.bill.clauses[idx]) {
            let scratch = &mut self.scratch;
            let words = &mut self.bag_words;
            for_each_word(part, |w| words.push(word_id(w, scratch)));
        }
        if need_sketch {
            own_sketch(&self.bag_words[from..], &mut self.trigrams);
            let at = self.sketch_values.len();
            self.sketch_values.extend_from_slice(&self.trigrams);
            self.sketches[idx] = (offset(at), offset(self.sketch_values.len()));
        }
        if need_bag {
            self.bag_words[from..].sort_unstable();
            self.bags[idx] = (offset(from), offset(self.bag_words.len()));
        } else {
            self.bag_words.truncate(from);
        }
    }

    /// `ensure` for a clause and its whole subtree.
    fn ensure_subtree(&mut self, idx: ClauseIdx, sketch: bool) {
        for i in self.bill.subtree(idx) {
            self.ensure(i, sketch);
        }
    }

    /// The sorted bag of word ids of a clause's own text (`ensure` first).
    fn bag(&self, idx: ClauseIdx) -> &[u32] {
        debug_assert!(
            self.bags[idx] != NOT_YET,
            "bag of clause {idx} not computed"
        );
        let (from, to) = self.bags[idx];
        self.bag_words
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// The trigram sketch of a clause's own text (`ensure` with `sketch` first).
    fn own_sketch(&self, idx: ClauseIdx) -> &[u32] {
        debug_assert!(
            self.sketches[idx] != NOT_YET,
            "sketch of clause {idx} not computed"
        );
        let (from, to) = self.sketches[idx];
        &self.sketch_values[from as usize..to as usize]
    }

    /// Fills the subtree bags of the given units (articles left over after the identical-text
    /// pass; the others never need one), and the sketches of their clauses with `sketch`.
    fn fill_tree_bags(&mut self, units: &[ClauseIdx], sketch: bool) {
        for &idx in units {
            if self.tree_bags.contains_key(&idx) {
                if sketch {
                    self.ensure_subtree(idx, true);
                }
                continue;
            }
            self.ensure_subtree(idx, sketch);
            let mut bag = Vec::new();
            for i in self.bill.subtree(idx) {
                bag.extend_from_slice(self.bag(i));
            }
            bag.sort_unstable();
            self.tree_bags.insert(idx, bag);
        }
    }

    /// The contents of a unit: (own-text hash, weight) of every clause in its subtree, sorted,
    /// without empty clauses.
    fn contents(&self, idx: ClauseIdx) -> Vec<(u64, u32)> {
        let mut all: Vec<(u64, u32)> = self
            .bill
            .subtree(idx)
            .filter(|&i| self.weight[i] > 0)
            .map(|i| (self.own_hash[i], self.weight[i]))
            .collect();
        all.sort_unstable();
        all
    }
}

/// The `k` keys with the highest scores, ties to the lower key (so the same keys whatever the
/// map's order).
fn top_scored<S: Ord + Copy>(scores: &HashMap<usize, S>, k: usize) -> Vec<usize> {
    let mut ranked: Vec<(S, usize)> = scores.iter().map(|(&key, &s)| (s, key)).collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.iter().take(k).map(|&(_, key)| key).collect()
}

/// `look(items)`, computed in two halves on two threads when there are at least
/// `PARALLEL_UNITS` items: the second half's results follow the first's, as in one call.
fn in_two_halves<T: Send>(
    items: &[ClauseIdx],
    look: impl Fn(&[ClauseIdx]) -> Vec<T> + Sync,
) -> Vec<T> {
    if items.len() < PARALLEL_UNITS {
        return look(items);
    }
    let (first, second) = items.split_at(items.len() / 2);
    std::thread::scope(|scope| {
        let job = scope.spawn(|| look(second));
        let mut out = look(first);
        out.extend(
            job.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        out
    })
}

/// `Prints::ensure` for clauses of both sides: on two threads when there are many (the sides
/// are independent), else in turn.
fn ensure_both(
    old: &mut Prints,
    old_list: &[ClauseIdx],
    new: &mut Prints,
    new_list: &[ClauseIdx],
    sketch: bool,
) {
    ensure_sides(old, old_list, new, new_list, sketch, 4096);
}

/// `Prints::ensure` for clauses of both sides, on two threads from `parallel_from` clauses.
fn ensure_sides(
    old: &mut Prints,
    old_list: &[ClauseIdx],
    new: &mut Prints,
    new_list: &[ClauseIdx],
    sketch: bool,
    parallel_from: usize,
) {
    let run = |prints: &mut Prints, list: &[ClauseIdx]| {
        list.iter().for_each(|&i| prints.ensure(i, sketch));
    };
    if old_list.len() + new_list.len() < parallel_from {
        run(old, old_list);
        run(new, new_list);
        return;
    }
    std::thread::scope(|scope| {
        scope.spawn(|| run(old, old_list));
        run(new, new_list);
    });
}

/// Word bags, before the child pass and on two threads, of the body clauses whose subtree text
/// occurs nowhere on the other side. On an ordinary revision these are the clauses the child
/// and body passes compare by words, and computing their bags in arena order, a side per
/// thread, costs far fewer cache misses than computing each when a pass first reads it (its
/// record, its text and its slot, all somewhere else). Not before the unit passes: those
/// compute the bags of the units they compare together with the sketches they need, which a
/// bag computed alone would have to tokenize again for. Whether a hash occurs on the other
/// side is read from a bit set of that side's subtree hashes: a clause whose hash shares a bit
/// with one there is left to be computed on demand, as any other.
fn prefill_changed_bags(old: &mut Prints, new: &mut Prints) {
    let old_changed = changed_body_clauses(old, &HashBits::new(&new.tree_hash));
    let new_changed = changed_body_clauses(new, &HashBits::new(&old.tree_hash));
    // Worth a thread at a few hundred: the bags are most of the work of the passes after.
    ensure_sides(old, &old_changed, new, &new_changed, false, 256);
}

/// The body clauses of `prints` whose subtree hash is not in `other`.
fn changed_body_clauses(prints: &Prints, other: &HashBits) -> Vec<ClauseIdx> {
    (0..prints.tree_hash.len())
        .filter(|&i| prints.body[i] && !other.may_contain(prints.tree_hash[i]))
        .collect()
}

/// A set of 64-bit hashes that may answer yes for a hash not in it (one bit of sixteen per
/// hash: about one in sixteen wrongly), never no for one in it; small enough to stay in the
/// cache.
struct HashBits {
    words: Vec<u64>,
    mask: u64,
}

impl HashBits {
    fn new(hashes: &[u64]) -> HashBits {
        let bits = (hashes.len() * 16).next_power_of_two().max(64);
        let mut set = HashBits {
            words: vec![0; bits / 64],
            mask: bits as u64 - 1,
        };
        for &h in hashes {
            let bit = h & set.mask;
            set.words[(bit / 64) as usize] |= 1 << (bit % 64);
        }
        set
    }

    fn may_contain(&self, h: u64) -> bool {
        let bit = h & self.mask;
        self.words[(bit / 64) as usize] & (1 << (bit % 64)) != 0
    }
}

/// The `SKETCH_SIZE` smallest hashes of the word trigrams of a text (word ids in reading
/// order), into `out`: a bottom-k MinHash sketch, so candidate pairs come from shared sketch
/// values.
fn own_sketch(words: &[u32], out: &mut Vec<u32>) {
    let mix = |x: u64| mix64(x) as u32;
    out.clear();
    if words.len() < 3 {
        out.extend(words.iter().map(|&w| mix(u64::from(w))));
    } else {
        out.extend(
            words
                .windows(3)
                .map(|w| mix((u64::from(w[0]) << 42) ^ (u64::from(w[1]) << 21) ^ u64::from(w[2]))),
        );
    }
    if out.len() > 4 * SKETCH_SIZE {
        // Long texts: the k smallest first, then only those are sorted.
        out.select_nth_unstable(SKETCH_SIZE * 2);
        out.truncate(SKETCH_SIZE * 2 + 1);
    }
    out.sort_unstable();
    out.dedup();
    out.truncate(SKETCH_SIZE);
}

/// The sketch of a clause, or of its whole subtree for units: the bottom-k of the union of the
/// own sketches (bottom-k sketches merge exactly; trigrams across clause boundaries are left out).
fn sketch(prints: &Prints, idx: ClauseIdx, unit: bool) -> Vec<u32> {
    if !unit {
        return prints.own_sketch(idx).to_vec();
    }
    let mut all: Vec<u32> = prints
        .bill
        .subtree(idx)
        .flat_map(|i| prints.own_sketch(i).iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all.truncate(SKETCH_SIZE);
    all
}

/// Weighted Dice coefficient of two units' contents: the share of their text (in bytes) that
/// sits in clauses found word for word on both sides.
fn contents_similarity(a: &[(u64, u32)], b: &[(u64, u32)]) -> f32 {
    let total: u64 = a.iter().chain(b).map(|&(_, w)| u64::from(w)).sum();
    if total == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0u64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += u64::from(a[i].1.min(b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    (2 * shared) as f32 / total as f32
}

/// How much of `part` is contained in `whole` (multiset containment).
fn containment(part: &[u32], whole: &[u32]) -> f32 {
    if part.is_empty() {
        return 0.0;
    }
    common_sorted(part, whole) as f32 / part.len() as f32
}

// ----------------------------------------------------------------------------------- matcher

struct Matcher<'a> {
    old: &'a Bill,
    new: &'a Bill,
    old_prints: Prints<'a>,
    new_prints: Prints<'a>,
    old_to_new: Vec<Option<ClauseIdx>>,
    new_to_old: Vec<Option<ClauseIdx>>,
    matched_by: Vec<Option<MatchedBy>>,
    /// Where pairs whose text changed go to be diffed while matching goes on.
    diffs: &'a DiffQueue<'a>,
    /// Such pairs not yet handed over to `diffs`.
    to_diff: Vec<(ClauseIdx, ClauseIdx)>,
}

/// A scored candidate pair.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: f32,
    old: ClauseIdx,
    new: ClauseIdx,
    by: MatchedBy,
}

/// Words shared by more clauses than this are not used to find candidates.
const MAX_POSTING: usize = 64;
/// Size of a clause's bottom-k sketch of word trigrams.
const SKETCH_SIZE: usize = 24;
/// Candidates per clause scored after the index lookup.
const MAX_CANDIDATES: usize = 12;
/// Lowest similarity at which two heading units (articles) are paired.
const UNIT_THRESHOLD: f32 = 0.6;
/// Lowest similarity for body clauses within matched parents.
const CHILD_THRESHOLD: f32 = 0.5;
/// Lowest similarity for body clauses paired across the whole bill (moved between articles).
const GLOBAL_THRESHOLD: f32 = 0.85;
/// Clauses shorter than this many words are not paired across articles: short items
/// ("3) the register;") recur everywhere and would pair by chance.
const GLOBAL_MIN_WORDS: usize = 12;
/// Lowest contents similarity (share of text in identical clauses) at which two heading units
/// pair without comparing words.
const CONTENTS_THRESHOLD: f32 = 0.7;
/// Candidates per unit compared by contents.
const CONTENTS_CANDIDATES: usize = 4;
/// Sets at most this large (old × new) are compared pair by pair.
const ALL_PAIRS_LIMIT: usize = 4096;
/// New units by the hashes of their clauses and by number, for the contents pass.
struct ContentsIndex {
    new_free: Vec<ClauseIdx>,
    /// `Prints::contents` of each of `new_free`.
    new_contents: Vec<Vec<(u64, u32)>>,
    /// Clause hash -> positions in `new_free` (each unit once per hash).
    postings: Postings<u64>,
    by_number: Postings<u64>,
}

/// New clauses by sketch value and by number, for a similarity pass.
struct SketchIndex {
    postings: Postings<u32>,
    by_number: Postings<u64>,
}

/// An inverted index: key -> the values pushed with it, in the order pushed. Most keys of the
/// indexes here (a clause hash, a sketch value, a number) come with one value only, and those
/// are kept in the table itself: a list of their own for each was most of the time spent
/// building an index over a large bill.
struct Postings<K> {
    map: HashMap<K, Posting>,
}

enum Posting {
    One(usize),
    Many(Vec<usize>),
}

impl<K: std::hash::Hash + Eq> Postings<K> {
    fn with_capacity(keys: usize) -> Self {
        Postings {
            map: HashMap::with_capacity_and_hasher(keys, Default::default()),
        }
    }

    fn push(&mut self, key: K, value: usize) {
        match self.map.entry(key) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Posting::One(value));
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => match slot.get_mut() {
                Posting::One(first) => {
                    let first = *first;
                    slot.insert(Posting::Many(vec![first, value]));
                }
                Posting::Many(values) => values.push(value),
            },
        }
    }

    /// The values of `key` in the order pushed (none for a key never pushed).
    fn get(&self, key: &K) -> &[usize] {
        match self.map.get(key) {
            None => &[],
            Some(Posting::One(value)) => std::slice::from_ref(value),
            Some(Posting::Many(values)) => values,
        }
    }
}

/// Whether clauses of this kind are units (`Matcher::is_unit`).
fn is_unit_kind(kind: ClauseKind) -> bool {
    kind == ClauseKind::Article
}

/// From this many units (or old clauses to look up), a similarity pass uses two threads.
const PARALLEL_UNITS: usize = 64;
/// The largest context bonus (`Matcher::context_bonus`): same number, and paired parents.
const MAX_BONUS: f32 = 0.1;

impl<'a> Matcher<'a> {
    /// Articles (and §§) are the units matched across the whole bill.
    fn is_unit(bill: &Bill, idx: ClauseIdx) -> bool {
        is_unit_kind(bill.clauses[idx].kind)
    }

    fn pair(&mut self, old: ClauseIdx, new: ClauseIdx, by: MatchedBy) {
        self.old_to_new[old] = Some(new);
        self.new_to_old[new] = Some(old);
        self.matched_by[old] = Some(by);
        if self.old_prints.own_hash[old] != self.new_prints.own_hash[new] {
            self.to_diff.push((old, new));
            self.diffs.hand_over(&mut self.to_diff, false);
        }
    }

    /// Pairs clauses whose subtree text is identical and unique on both sides.
    fn match_identical(&mut self, old_set: &[ClauseIdx], new_set: &[ClauseIdx]) {
        // Sorted (hash, clause) lists of both sides, walked together: a hash that occurs once
        // on each side makes a pair. No map is built, which matters for the many small sets
        // of children.
        let mut olds: Vec<(u64, ClauseIdx)> = old_set
            .iter()
            .filter(|&&o| self.old_to_new[o].is_none())
            .map(|&o| (self.old_prints.tree_hash[o], o))
            .collect();
        let mut news: Vec<(u64, ClauseIdx)> = new_set
            .iter()
            .filter(|&&n| self.new_to_old[n].is_none())
            .map(|&n| (self.new_prints.tree_hash[n], n))
            .collect();
        olds.sort_unstable();
        news.sort_unstable();
        let (mut i, mut j) = (0, 0);
        while i < olds.len() && j < news.len() {
            let h = olds[i].0.min(news[j].0);
            let oi = olds[i..].iter().take_while(|x| x.0 == h).count();
            let nj = news[j..].iter().take_while(|x| x.0 == h).count();
            if oi == 1 && nj == 1 {
                self.pair(olds[i].1, news[j].1, MatchedBy::IdenticalText);
            }
            i += oi;
            j += nj;
        }
    }

    fn old_bag(&self, idx: ClauseIdx, unit: bool) -> &[u32] {
        match self.old_prints.tree_bags.get(&idx) {
            Some(bag) if unit && !bag.is_empty() => bag,
            _ => self.old_prints.bag(idx),
        }
    }

    fn new_bag(&self, idx: ClauseIdx, unit: bool) -> &[u32] {
        match self.new_prints.tree_bags.get(&idx) {
            Some(bag) if unit && !bag.is_empty() => bag,
            _ => self.new_prints.bag(idx),
        }
    }

    /// Scores a candidate: word similarity, plus a little for the same number and for parents
    /// that are paired with each other.
    fn score(&self, o: ClauseIdx, n: ClauseIdx, unit: bool) -> (f32, MatchedBy) {
        let mut sim = bags_dice(self.old_bag(o, unit), self.new_bag(n, unit));
        if unit {
            // Units compare their whole text; a reworded heading with the same body still pairs.
            let own = bags_dice(self.old_prints.bag(o), self.new_prints.bag(n));
            sim = 0.8 * sim + 0.2 * own;
        }
        let (bonus, by) = self.context_bonus(o, n);
        (sim + bonus, by)
    }

    /// A little extra for the same number and for parents that are paired with each other;
    /// with both, the pair counts as found by id.
    fn context_bonus(&self, o: ClauseIdx, n: ClauseIdx) -> (f32, MatchedBy) {
        let same_number = self.old_prints.numbers[o] == self.new_prints.numbers[n];
        let parents_paired = match (self.old_prints.parent(o), self.new_prints.parent(n)) {
            (Some(op), Some(np)) => self.old_to_new[op] == Some(np),
            (None, None) => true,
            _ => false,
        };
        let bonus = if same_number { MAX_BONUS / 2.0 } else { 0.0 }
            + if parents_paired { MAX_BONUS / 2.0 } else { 0.0 };
        let by = if same_number && parents_paired {
            MatchedBy::Id
        } else {
            MatchedBy::Similarity
        };
        (bonus, by)
    }

    /// Pairs candidates best first; ties broken the same way whichever side is called old, so
    /// that diff(A, B) and diff(B, A) pair the same clauses.
    fn assign_best_first(&mut self, mut candidates: Vec<Candidate>) {
        let tie = |c: &Candidate| (c.old.abs_diff(c.new), c.old + c.new, c.old.min(c.new));
        candidates.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| tie(a).cmp(&tie(b)))
        });
        for c in candidates {
            if self.old_to_new[c.old].is_none() && self.new_to_old[c.new].is_none() {
                self.pair(c.old, c.new, c.by);
            }
        }
    }

    /// Finds candidates for every unpaired old clause among the unpaired new ones: all pairs when
    /// the sets are small, else the same number plus an inverted index of rare words. Pairs the
    /// best-scoring candidates first.
    fn match_similar(
        &mut self,
        old_set: &[ClauseIdx],
        new_set: &[ClauseIdx],
        unit: bool,
        threshold: f32,
    ) {
        let old_free: Vec<ClauseIdx> = old_set
            .iter()
            .copied()
            .filter(|&o| self.old_to_new[o].is_none())
            .collect();
        let new_free: Vec<ClauseIdx> = new_set
            .iter()
            .copied()
            .filter(|&n| self.new_to_old[n].is_none())
            .collect();
        if old_free.is_empty() || new_free.is_empty() {
            return;
        }
        // Small sets are scored pair by pair; larger ones go through the sketch index.
        let indexed = old_free.len() * new_free.len() > ALL_PAIRS_LIMIT;
        if unit {
            // The two sides are independent: their subtree bags fill on two threads.
            let (old_prints, new_prints) = (&mut self.old_prints, &mut self.new_prints);
            if old_free.len() + new_free.len() >= PARALLEL_UNITS {
                std::thread::scope(|scope| {
                    scope.spawn(|| old_prints.fill_tree_bags(&old_free, indexed));
                    new_prints.fill_tree_bags(&new_free, indexed);
                });
            } else {
                old_prints.fill_tree_bags(&old_free, indexed);
                new_prints.fill_tree_bags(&new_free, indexed);
            }
        } else {
            ensure_both(
                &mut self.old_prints,
                &old_free,
                &mut self.new_prints,
                &new_free,
                indexed,
            );
        }
        let this = &*self;
        let candidates = if !indexed {
            let mut candidates = Vec::new();
            for &o in &old_free {
                for &n in &new_free {
                    this.push_candidate(o, n, unit, threshold, &mut candidates);
                }
            }
            candidates
        } else {
            // Inverted index over bottom-k sketches of word trigrams: near-identical texts
            // share most sketch values, unrelated ones almost none, whatever the vocabulary.
            let mut postings = Postings::with_capacity(new_free.len() * SKETCH_SIZE);
            for &n in &new_free {
                for v in sketch(&this.new_prints, n, unit) {
                    postings.push(v, n);
                }
            }
            let mut by_number = Postings::with_capacity(new_free.len());
            for &n in &new_free {
                if let Some(num) = this.new_prints.numbers[n] {
                    by_number.push(num, n);
                }
            }
            let index = SketchIndex {
                postings,
                by_number,
            };
            // Old clauses are looked up independently: in two halves on two threads when there
            // are many, the second half's candidates after the first's (the order one thread
            // gives, so the same pairs).
            in_two_halves(&old_free, |olds| {
                this.sketch_candidates(olds, &index, unit, threshold)
            })
        };
        self.assign_best_first(candidates);
    }

    /// Candidates for each of `olds` (in order) among the new clauses that share the most
    /// sketch values with it, or its number.
    fn sketch_candidates(
        &self,
        olds: &[ClauseIdx],
        index: &SketchIndex,
        unit: bool,
        threshold: f32,
    ) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        let mut counts: HashMap<ClauseIdx, usize> = HashMap::default();
        for &o in olds {
            counts.clear();
            for v in sketch(&self.old_prints, o, unit) {
                let list = index.postings.get(&v);
                if list.len() <= MAX_POSTING {
                    for &n in list {
                        *counts.entry(n).or_insert(0) += 1;
                    }
                }
            }
            let mut seen = top_scored(&counts, MAX_CANDIDATES);
            if let Some(num) = self.old_prints.numbers[o] {
                seen.extend(index.by_number.get(&num).iter().take(MAX_CANDIDATES));
            }
            seen.sort_unstable();
            seen.dedup();
            for n in seen {
                self.push_candidate(o, n, unit, threshold, &mut candidates);
            }
        }
        candidates
    }

    /// Scores a pair and keeps it when it reaches `threshold`. Pairs whose bags differ so much
    /// in size that even full overlap could not reach it are not scored (the bound is exact:
    /// the Dice coefficient is at most `2 min / (|a| + |b|)`, the context bonus at most
    /// `MAX_BONUS`, and f32 rounding keeps both sides of the comparison in order).
    fn push_candidate(
        &self,
        o: ClauseIdx,
        n: ClauseIdx,
        unit: bool,
        threshold: f32,
        out: &mut Vec<Candidate>,
    ) {
        let bound = |a: usize, b: usize| dice_of(a.min(b), a, b);
        let mut best = bound(self.old_bag(o, unit).len(), self.new_bag(n, unit).len());
        if unit {
            let own = bound(self.old_prints.bag(o).len(), self.new_prints.bag(n).len());
            best = 0.8 * best + 0.2 * own;
        }
        if best + MAX_BONUS < threshold {
            return;
        }
        let (score, by) = self.score(o, n, unit);
        if score >= threshold {
            out.push(Candidate {
                score,
                old: o,
                new: n,
                by,
            });
        }
    }

    /// Pairs heading units by their contents: the share of their text in clauses found word for
    /// word in the other unit. Cheap (clause hashes, no words) and decisive for the usual
    /// revision, where an article keeps most of its paragraphs; units that share less than
    /// `CONTENTS_THRESHOLD` are left to the word-level pass.
    fn match_contents(&mut self, old_set: &[ClauseIdx], new_set: &[ClauseIdx]) {
        let old_free: Vec<ClauseIdx> = old_set
            .iter()
            .copied()
            .filter(|&o| self.old_to_new[o].is_none())
            .collect();
        let new_free: Vec<ClauseIdx> = new_set
            .iter()
            .copied()
            .filter(|&n| self.new_to_old[n].is_none())
            .collect();
        if old_free.is_empty() || new_free.is_empty() {
            return;
        }
        let new_contents: Vec<Vec<(u64, u32)>> = new_free
            .iter()
            .map(|&n| self.new_prints.contents(n))
            .collect();
        // Inverted index: clause hash -> positions in new_free (each unit once per hash).
        let mut postings = Postings::with_capacity(new_contents.iter().map(Vec::len).sum());
        for (k, contents) in new_contents.iter().enumerate() {
            let mut last = None;
            for &(h, _) in contents {
                if last != Some(h) {
                    postings.push(h, k);
                    last = Some(h);
                }
            }
        }
        let mut by_number = Postings::with_capacity(new_free.len());
        for (k, &n) in new_free.iter().enumerate() {
            if let Some(num) = self.new_prints.numbers[n] {
                by_number.push(num, k);
            }
        }
        let index = ContentsIndex {
            new_free,
            new_contents,
            postings,
            by_number,
        };
        // Old units are looked up independently: in two halves on two threads when there are
        // many, the second half's candidates after the first's (the order one thread gives).
        let this = &*self;
        let candidates = in_two_halves(&old_free, |olds| this.contents_candidates(olds, &index));
        self.assign_best_first(candidates);
    }

    /// Candidates for each of `olds` (in order) among the new units that share the most text
    /// in identical clauses with it, or its number.
    fn contents_candidates(&self, olds: &[ClauseIdx], index: &ContentsIndex) -> Vec<Candidate> {
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut shared: HashMap<usize, u64> = HashMap::default();
        for &o in olds {
            let contents = self.old_prints.contents(o);
            shared.clear();
            let mut last = None;
            for &(h, w) in &contents {
                if last == Some(h) {
                    continue;
                }
                last = Some(h);
                let list = index.postings.get(&h);
                if list.len() <= MAX_POSTING {
                    for &k in list {
                        *shared.entry(k).or_insert(0) += u64::from(w);
                    }
                }
            }
            let mut seen = top_scored(&shared, CONTENTS_CANDIDATES);
            if let Some(num) = self.old_prints.numbers[o] {
                seen.extend(index.by_number.get(&num).iter().take(CONTENTS_CANDIDATES));
            }
            seen.sort_unstable();
            seen.dedup();
            for k in seen {
                let n = index.new_free[k];
                let sim = contents_similarity(&contents, &index.new_contents[k]);
                if sim < CONTENTS_THRESHOLD {
                    continue;
                }
                let (bonus, by) = self.context_bonus(o, n);
                candidates.push(Candidate {
                    score: sim + bonus,
                    old: o,
                    new: n,
                    by,
                });
            }
        }
        candidates
    }

    /// Structural units follow their articles: an old chapter pairs with the new chapter that
    /// received most of its matched articles, else with the one of the same id.
    fn match_structural(&mut self) {
        let old_units: Vec<ClauseIdx> = (0..self.old.clauses.len())
            .filter(|&i| self.old.clauses[i].kind.is_structural())
            .collect();
        let mut votes: Vec<(usize, ClauseIdx, ClauseIdx)> = Vec::new();
        for &o in &old_units {
            let mut tally: HashMap<ClauseIdx, usize> = HashMap::default();
            let mut total = 0;
            for d in self.old.subtree(o).skip(1) {
                if self.old.clauses[d].kind.is_structural() {
                    continue;
                }
                if self.old.clauses[d].kind != ClauseKind::Article {
                    continue;
                }
                total += 1;
                if let Some(n) = self.old_to_new[d] {
                    // The nearest structural ancestor of the new article at the same depth.
                    let mut cur = self.new.clauses[n].parent;
                    while let Some(p) = cur {
                        if self.new.clauses[p].kind.is_structural()
                            && self.new.clauses[p].depth == self.old.clauses[o].depth
                        {
                            *tally.entry(p).or_insert(0) += 1;
                            break;
                        }
                        cur = self.new.clauses[p].parent;
                    }
                }
            }
            if let Some((&n, &count)) = tally.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            {
                if count * 2 > total {
                    votes.push((count, o, n));
                }
            }
        }
        votes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, o, n) in votes {
            if self.old_to_new[o].is_none() && self.new_to_old[n].is_none() {
                self.pair(o, n, MatchedBy::Contents);
            }
        }
        let new_by_id: HashMap<&str, ClauseIdx> = (0..self.new.clauses.len())
            .filter(|&i| self.new.clauses[i].kind.is_structural())
            .map(|i| (self.new.clauses[i].id.as_str(), i))
            .collect();
        for &o in &old_units {
            if self.old_to_new[o].is_some() {
                continue;
            }
            if let Some(&n) = new_by_id.get(self.old.clauses[o].id.as_str()) {
                if self.new_to_old[n].is_none() {
                    self.pair(o, n, MatchedBy::Id);
                }
            }
        }
    }

    /// Aligns the children of every paired clause, top-down.
    fn match_children(&mut self) {
        // Paired parents are visited in old document order; pairs made here are visited later
        // in the same loop because children come after their parents.
        for o in 0..self.old.clauses.len() {
            let Some(n) = self.old_to_new[o] else {
                continue;
            };
            // Identical subtrees: the children pair one to one, in order.
            let (old_from, new_from) = (
                self.old_prints.child_start[o] as usize,
                self.new_prints.child_start[n] as usize,
            );
            let n_children = self.old_prints.children(o).len();
            if self.old_prints.tree_hash[o] == self.new_prints.tree_hash[n]
                && n_children == self.new_prints.children(n).len()
            {
                for i in 0..n_children {
                    let (oc, nc) = (
                        self.old_prints.child_list[old_from + i] as ClauseIdx,
                        self.new_prints.child_list[new_from + i] as ClauseIdx,
                    );
                    if self.old_to_new[oc].is_none()
                        && self.new_to_old[nc].is_none()
                        && self.old_prints.body[oc]
                        && self.new_prints.body[nc]
                    {
                        self.pair(oc, nc, MatchedBy::IdenticalText);
                    }
                }
                continue;
            }
            let old_children: Vec<ClauseIdx> = self
                .old_prints
                .children(o)
                .iter()
                .map(|&c| c as ClauseIdx)
                .filter(|&c| self.old_prints.body[c])
                .collect();
            let new_children: Vec<ClauseIdx> = self
                .new_prints
                .children(n)
                .iter()
                .map(|&c| c as ClauseIdx)
                .filter(|&c| self.new_prints.body[c])
                .collect();
            if old_children.is_empty() || new_children.is_empty() {
                continue;
            }
            self.match_identical(&old_children, &new_children);
            let any_free = |m: &Self| {
                old_children.iter().any(|&c| m.old_to_new[c].is_none())
                    && new_children.iter().any(|&c| m.new_to_old[c].is_none())
            };
            if !any_free(self) {
                continue;
            }
            self.match_similar(&old_children, &new_children, false, CHILD_THRESHOLD);
            if !any_free(self) {
                continue;
            }
            // A clause rewritten beyond recognition keeps its place: same number, same parent.
            // (When one number occurs twice among the new children, the last one is taken.)
            let free_new: HashMap<u64, ClauseIdx> = new_children
                .iter()
                .filter(|&&c| self.new_to_old[c].is_none())
                .filter_map(|&c| self.new_prints.numbers[c].map(|num| (num, c)))
                .collect();
            for &oc in &old_children {
                if self.old_to_new[oc].is_some() {
                    continue;
                }
                let Some(num) = self.old_prints.numbers[oc] else {
                    continue;
                };
                if let Some(&nc) = free_new.get(&num) {
                    if self.new_to_old[nc].is_none()
                        && self.old.clauses[oc].kind == self.new.clauses[nc].kind
                    {
                        self.pair(oc, nc, MatchedBy::Number);
                    }
                }
            }
        }
    }
}

/// Aligns two versions of a bill.
pub fn align_bills(old: &Bill, new: &Bill, config: &AlignConfig) -> Alignment {
    // Pairs whose text changed are diffed on a helper thread while matching goes on.
    let diffs = DiffQueue::new(old, new, &config.redline);
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| diffs.work());
        // Should matching panic, the queue is closed on the way out, so that the helper
        // returns and the scope can end instead of waiting for it forever.
        let _close = diffs.closer();
        let finish_diffs = || {
            let mut done = diffs.work();
            done.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
            done
        };
        match_and_classify(old, new, config, &diffs, finish_diffs)
    })
}

/// The matching passes, then `build_alignment`.
fn match_and_classify<'a>(
    old: &'a Bill,
    new: &'a Bill,
    config: &AlignConfig,
    diffs: &'a DiffQueue<'a>,
    finish_diffs: impl FnOnce() -> Done,
) -> Alignment {
    // The two sides are independent: fingerprint them on two threads.
    let (old_prints, new_prints) = std::thread::scope(|scope| {
        let old_job = scope.spawn(|| fingerprints(old, &config.compare));
        let new_prints = fingerprints(new, &config.compare);
        let old_prints = old_job
            .join()
            .unwrap_or_else(|_| fingerprints(old, &config.compare));
        (old_prints, new_prints)
    });
    let mut m = Matcher {
        old,
        new,
        old_prints,
        new_prints,
        old_to_new: vec![None; old.clauses.len()],
        new_to_old: vec![None; new.clauses.len()],
        matched_by: vec![None; old.clauses.len()],
        diffs,
        to_diff: Vec::new(),
    };
    let old_units: Vec<ClauseIdx> = (0..old.clauses.len())
        .filter(|&i| Matcher::is_unit(old, i))
        .collect();
    let new_units: Vec<ClauseIdx> = (0..new.clauses.len())
        .filter(|&i| Matcher::is_unit(new, i))
        .collect();
    m.match_identical(&old_units, &new_units);
    let old_left: Vec<ClauseIdx> = old_units
        .iter()
        .copied()
        .filter(|&u| m.old_to_new[u].is_none())
        .collect();
    let new_left: Vec<ClauseIdx> = new_units
        .iter()
        .copied()
        .filter(|&u| m.new_to_old[u].is_none())
        .collect();
    m.match_contents(&old_left, &new_left);
    m.match_similar(&old_left, &new_left, true, UNIT_THRESHOLD);
    m.match_structural();
    // Top-level body clauses (bills without headings) align like children of a common root.
    let old_roots: Vec<ClauseIdx> = old
        .roots
        .iter()
        .copied()
        .filter(|&r| !old.clauses[r].kind.is_structural() && !Matcher::is_unit(old, r))
        .collect();
    let new_roots: Vec<ClauseIdx> = new
        .roots
        .iter()
        .copied()
        .filter(|&r| !new.clauses[r].kind.is_structural() && !Matcher::is_unit(new, r))
        .collect();
    m.match_identical(&old_roots, &new_roots);
    m.match_similar(&old_roots, &new_roots, false, CHILD_THRESHOLD);
    prefill_changed_bags(&mut m.old_prints, &mut m.new_prints);
    m.match_children();
    // Body clauses moved between articles.
    let old_free: Vec<ClauseIdx> = (0..old.clauses.len())
        .filter(|&i| m.old_to_new[i].is_none())
        .collect();
    let new_free: Vec<ClauseIdx> = (0..new.clauses.len())
        .filter(|&i| m.new_to_old[i].is_none())
        .collect();
    // The body pass below goes through the sketch index when its sets are large: their
    // sketches come with the bags, from one reading of the text.
    let indexed = old_free.len() * new_free.len() > ALL_PAIRS_LIMIT;
    ensure_both(
        &mut m.old_prints,
        &old_free,
        &mut m.new_prints,
        &new_free,
        indexed,
    );
    let old_body: Vec<ClauseIdx> = (0..old.clauses.len())
        .filter(|&i| {
            m.old_to_new[i].is_none()
                && !old.clauses[i].kind.is_structural()
                && !Matcher::is_unit(old, i)
                && m.old_prints.bag(i).len() >= GLOBAL_MIN_WORDS
        })
        .collect();
    let new_body: Vec<ClauseIdx> = (0..new.clauses.len())
        .filter(|&i| {
            m.new_to_old[i].is_none()
                && !new.clauses[i].kind.is_structural()
                && !Matcher::is_unit(new, i)
                && m.new_prints.bag(i).len() >= GLOBAL_MIN_WORDS
        })
        .collect();
    m.match_identical(&old_body, &new_body);
    m.match_similar(&old_body, &new_body, false, GLOBAL_THRESHOLD);
    m.match_children();
    // No more pairs: the helper finishes the diffs while the pairs are classified.
    m.diffs.hand_over(&mut m.to_diff, true);
    m.diffs.close();
    build_alignment(m, config, finish_diffs)
}

// ------------------------------------------------------------------------------ classification

fn build_alignment(
    mut m: Matcher<'_>,
    config: &AlignConfig,
    finish_diffs: impl FnOnce() -> Done,
) -> Alignment {
    let old = m.old;
    let new = m.new;
    let moved_in_order = order_moves(&m);
    // Bags of every pair whose text changed, for split and merge detection.
    let (changed_old, changed_new): (Vec<ClauseIdx>, Vec<ClauseIdx>) = m
        .old_to_new
        .iter()
        .enumerate()
        .filter_map(|(o, n)| n.map(|n| (o, n)))
        .filter(|&(o, n)| m.old_prints.own_hash[o] != m.new_prints.own_hash[n])
        .unzip();
    ensure_both(
        &mut m.old_prints,
        &changed_old,
        &mut m.new_prints,
        &changed_new,
        false,
    );
    // One row per old clause, plus one per added new clause: no regrowth.
    let n_added = m.new_to_old.iter().filter(|o| o.is_none()).count();
    let mut pairs: Vec<Pair> = Vec::with_capacity(old.clauses.len() + n_added);
    crate::memory::prepare_to_fill(&pairs);
    let mut changed: Vec<usize> = Vec::new();
    for (o, n) in m.old_to_new.iter().enumerate() {
        let Some(n) = *n else { continue };
        let text_changed = m.old_prints.own_hash[o] != m.new_prints.own_hash[n];
        let renumbered = m.old_prints.numbers[o] != m.new_prints.numbers[n];
        let parent_moved = match (m.old_prints.parent(o), m.new_prints.parent(n)) {
            (Some(op), Some(np)) => m.old_to_new[op] != Some(np),
            (None, None) => false,
            _ => true,
        };
        let moved = parent_moved || moved_in_order[o];
        let kind = match (text_changed, moved, renumbered && !config.ignore_numbering) {
            (true, true, _) => ChangeKind::MovedModified,
            (true, false, _) => ChangeKind::Modified,
            (false, true, _) => ChangeKind::Moved,
            (false, false, true) => ChangeKind::Renumbered,
            (false, false, false) => ChangeKind::Unchanged,
        };
        if text_changed {
            changed.push(pairs.len());
        }
        pairs.push(Pair {
            old: Some(o),
            new: Some(n),
            kind,
            matched_by: m.matched_by[o],
            similarity: 1.0,
            renumbered,
            moved,
            split_into: Box::default(),
            merged_from: Box::default(),
            redline: None,
        });
    }
    // Word diffs of the changed pairs: every pair was queued when it was made (`pair`), so
    // they are ready, or nearly. The pairs are in old order, and so is `done` once sorted.
    let mut done = finish_diffs();
    done.sort_unstable_by_key(|&(o, _, _)| o);
    let mut done = done.into_iter().peekable();
    for &i in &changed {
        let (o, n) = (pairs[i].old.unwrap_or(0), pairs[i].new.unwrap_or(0));
        while done.next_if(|d| d.0 < o).is_some() {}
        let r = match done.next_if(|d| d.0 == o && d.1 == n) {
            Some((_, _, r)) => r,
            // Not reachable: every pair whose text changed was queued.
            None => word_diff(
                &old.clauses[o].full_text(),
                &new.clauses[n].full_text(),
                &config.redline,
            ),
        };
        pairs[i].similarity = r.similarity;
        pairs[i].redline = Some(Box::new(r));
    }
    for (o, n) in m.old_to_new.iter().enumerate() {
        if n.is_none() {
            pairs.push(Pair::removed(o));
        }
    }
    for (n, o) in m.new_to_old.iter().enumerate() {
        if o.is_none() {
            pairs.push(Pair::added(n));
        }
    }
    // Reading order: new document order; a removed clause right after the new position of the
    // nearest paired clause before it in the old document (as paired before splits and merges).
    let mut anchor = vec![-1i64; old.clauses.len()];
    let mut last: i64 = -1;
    for (o, slot) in anchor.iter_mut().enumerate() {
        if let Some(n) = m.old_to_new[o] {
            last = n as i64;
        }
        *slot = last;
    }
    let mut old_to_new = std::mem::take(&mut m.old_to_new);
    let mut new_to_old = std::mem::take(&mut m.new_to_old);
    detect_splits_and_merges(
        &m,
        &mut pairs,
        &changed,
        (&mut old_to_new, &mut new_to_old),
        config,
    );
    let pairs = in_reading_order(pairs, &anchor, new.clauses.len());
    Alignment {
        pairs,
        old_to_new,
        new_to_old,
    }
}

/// The pairs in reading order: by new clause; each removed clause after the new clause its
/// `anchor` names (or first, for anchor -1), removed clauses of one anchor in old order. The
/// same order as sorting by the key `(new, 0, 0)` / `(anchor[old], 1, old)`, placed in linear
/// time (every new clause is in at most one pair) and in place: the pairs are moved along the
/// cycles of the permutation rather than into a second vector, which would be as large.
fn in_reading_order(mut pairs: Vec<Pair>, anchor: &[i64], n_new: usize) -> Vec<Pair> {
    const NONE: u32 = u32::MAX;
    let mut by_new = vec![NONE; n_new];
    // (anchor, old, pair) of the pairs without a new clause; (MAX, MAX) for a pair with neither.
    let mut removed: Vec<(i64, usize, u32)> = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        match (p.old, p.new) {
            (_, Some(n)) => by_new[n] = i as u32,
            (Some(o), None) => removed.push((anchor[o], o, i as u32)),
            (None, None) => removed.push((i64::MAX, usize::MAX, i as u32)),
        }
    }
    removed.sort_unstable();
    // `order[k]`: the pair that goes to position k.
    let mut order: Vec<u32> = Vec::with_capacity(pairs.len());
    let mut r = removed.iter().peekable();
    while let Some(&&(_, _, i)) = r.peek().filter(|x| x.0 < 0) {
        order.push(i);
        r.next();
    }
    for (n, &i) in by_new.iter().enumerate() {
        if i != NONE {
            order.push(i);
        }
        while let Some(&&(_, _, i)) = r.peek().filter(|x| x.0 == n as i64) {
            order.push(i);
            r.next();
        }
    }
    order.extend(r.map(|&(_, _, i)| i));
    debug_assert_eq!(order.len(), pairs.len(), "every pair placed once");
    if order.len() != pairs.len() {
        // Not reachable: every pair has a place. Keep the pairs as they are rather than lose one.
        return pairs;
    }
    permute_in_place(&mut pairs, &mut order);
    pairs
}

/// Reorders `items` so that position k holds the item that was at `order[k]` (a permutation),
/// by following its cycles with swaps. `order` is used up (its entries are marked done).
fn permute_in_place<T>(items: &mut [T], order: &mut [u32]) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            if from == DONE {
                break;
            }
            order[at] = DONE;
            let from = from as usize;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Marks paired clauses that changed place among siblings that stayed with the same parent:
/// those outside the longest increasing run of old positions in new order.
fn order_moves(m: &Matcher<'_>) -> Vec<bool> {
    let mut order = SiblingOrder {
        moved: vec![false; m.old.clauses.len()],
        seq: Vec::new(),
        olds: Vec::new(),
    };
    order.visit(m, m.new.roots.iter().copied());
    for n in 0..m.new.clauses.len() {
        let children = m.new_prints.children(n);
        if children.len() >= 2 {
            order.visit(m, children.iter().map(|&c| c as ClauseIdx));
        }
    }
    order.moved
}

/// What `order_moves` keeps while it visits one group of new siblings after another.
struct SiblingOrder {
    /// The answer: old clauses that changed place.
    moved: Vec<bool>,
    /// (old parent, place among the new siblings, old clause) of the paired new siblings.
    seq: Vec<(Option<ClauseIdx>, usize, ClauseIdx)>,
    olds: Vec<ClauseIdx>,
}

impl SiblingOrder {
    fn visit(&mut self, m: &Matcher<'_>, siblings: impl Iterator<Item = ClauseIdx>) {
        self.seq.clear();
        for (place, n) in siblings.enumerate() {
            if let Some(o) = m.new_to_old[n] {
                self.seq.push((m.old_prints.parent(o), place, o));
            }
        }
        if self.seq.len() < 2 {
            return;
        }
        // Runs of siblings that came from one old parent, in new order.
        self.seq.sort_unstable();
        for run in self.seq.chunk_by(|a, b| a.0 == b.0) {
            if run.len() < 2 || run.windows(2).all(|w| w[0].2 < w[1].2) {
                continue;
            }
            self.olds.clear();
            self.olds.extend(run.iter().map(|&(_, _, o)| o));
            let keep = longest_increasing(&self.olds);
            for (i, &o) in self.olds.iter().enumerate() {
                if !keep[i] {
                    self.moved[o] = true;
                }
            }
        }
    }
}

/// Which elements belong to one longest strictly increasing subsequence (O(n log n)).
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // indices into seq
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for i in 0..seq.len() {
        let pos = tails.partition_point(|&t| seq[t] < seq[i]);
        if pos > 0 {
            prev[i] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut keep = vec![false; seq.len()];
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        keep[i] = true;
        cur = prev[i];
    }
    keep
}

/// Neighbours of `idx` (up to three on each side, stopping at the first that does not qualify)
/// whose words are contained in `target` and that, joined to `own`, cover it. Returns them in
/// document order.
fn absorb_neighbours(
    idx: ClauseIdx,
    prints: &Prints,
    target: &[u32],
    own: &[u32],
    free: impl Fn(ClauseIdx) -> bool,
) -> Option<Vec<ClauseIdx>> {
    const COVER: f32 = 0.85;
    let bill = prints.bill;
    let siblings = match bill.clauses[idx].parent {
        Some(p) => &bill.clauses[p].children[..],
        None => &bill.roots[..],
    };
    // Siblings are in document order, so by index: found by halving, not by a walk along
    // them (a walk per modified clause would be quadratic in a long flat list).
    let pos = siblings
        .binary_search(&idx)
        .ok()
        .or_else(|| siblings.iter().position(|&s| s == idx))?;
    // Nearly always the first neighbour on each side is paired or unrelated: nothing is
    // allocated until one qualifies.
    let mut before = siblings[..pos].iter().rev();
    let mut after = siblings[pos + 1..].iter();
    let mut joined: Vec<u32> = Vec::new();
    let mut parts = Vec::new();
    for side in [
        &mut before as &mut dyn Iterator<Item = &ClauseIdx>,
        &mut after,
    ] {
        for &s in side.take(3) {
            if !free(s) || containment(prints.bag(s), target) < COVER {
                break;
            }
            if parts.is_empty() {
                joined.extend_from_slice(own);
            }
            parts.push(s);
            joined.extend_from_slice(prints.bag(s));
            joined.sort_unstable();
            if bags_dice(target, &joined) >= COVER {
                parts.sort_unstable();
                return Some(parts);
            }
        }
    }
    None
}

/// A modified pair whose old text is the new text plus an added neighbour's text is a split;
/// the mirror case is a merge. The added or removed neighbours are folded into the pair.
/// `changed` lists the rows whose text changed (the only ones that can be either); the maps
/// are the old→new and new→old maps, updated so that every part of a split or merge points at
/// the clause on the other side.
fn detect_splits_and_merges(
    m: &Matcher<'_>,
    pairs: &mut Vec<Pair>,
    changed: &[usize],
    (old_to_new, new_to_old): (&mut [Option<ClauseIdx>], &mut [Option<ClauseIdx>]),
    config: &AlignConfig,
) {
    // A new clause can still be absorbed while it has no old partner: it is added and not yet
    // part of a split (absorbing gives it one); the same for old clauses and merges. The maps
    // answer that in constant time, however many splits there are.
    let mut absorbed_any = false;
    for &i in changed {
        let pair = &mut pairs[i];
        let (Some(o), Some(n)) = (pair.old, pair.new) else {
            continue;
        };
        if !matches!(pair.kind, ChangeKind::Modified | ChangeKind::MovedModified) {
            continue;
        }
        let old_bag = m.old_prints.bag(o);
        let new_bag = m.new_prints.bag(n);
        // Split: added new siblings right before or after the new clause whose words come from
        // the old text, until together they cover it.
        if let Some(parts) = absorb_neighbours(n, &m.new_prints, old_bag, new_bag, |s| {
            new_to_old[s].is_none()
        }) {
            absorbed_any = true;
            // The first part in document order heads the row; all parts map to the old clause.
            let mut all = parts;
            all.push(n);
            all.sort_unstable();
            for &p in &all {
                new_to_old[p] = Some(o);
            }
            old_to_new[o] = Some(all[0]);
            pair.new = Some(all[0]);
            pair.kind = ChangeKind::Split;
            pair.split_into = all[1..].into();
            continue;
        }
        if let Some(parts) = absorb_neighbours(o, &m.old_prints, new_bag, old_bag, |s| {
            old_to_new[s].is_none()
        }) {
            absorbed_any = true;
            let mut all = parts;
            all.push(o);
            all.sort_unstable();
            for &p in &all {
                old_to_new[p] = Some(n);
            }
            new_to_old[n] = Some(all[0]);
            pair.old = Some(all[0]);
            pair.kind = ChangeKind::Merged;
            pair.merged_from = all[1..].into();
        }
    }
    if !absorbed_any {
        return;
    }
    // The rows of the absorbed clauses: added or removed ones that now have a partner.
    pairs.retain(|p| {
        !(p.kind == ChangeKind::Added && p.new.is_some_and(|n| new_to_old[n].is_some())
            || p.kind == ChangeKind::Removed && p.old.is_some_and(|o| old_to_new[o].is_some()))
    });
    // The redline of a split compares the old text with all the new parts (and vice versa).
    for pair in pairs.iter_mut() {
        if matches!(pair.kind, ChangeKind::Split | ChangeKind::Merged) {
            let (old_text, new_text) = Alignment::pair_texts(pair, m.old, m.new);
            let r = word_diff(&old_text, &new_text, &config.redline);
            pair.similarity = r.similarity;
            pair.redline = Some(Box::new(r));
        }
    }
}

#[cfg(test)]
mod tests;
