//! `billdiff diff` output: the terminal redline (inline or side by side) with comfy-table
//! summaries, and the versioned JSON document (see `docs/json.md`).

use std::collections::BTreeMap;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use serde::Serialize;

use super::annotations::{annotation_lines, summary_table, Overlay};
use super::escape::{terminal_safe, terminal_safe_line};
use super::outline::BillJson;
use super::{visible_width, Painter};
use crate::align::{Alignment, ChangeKind, Pair};
use crate::model::{Bill, ClauseIdx};
use crate::redline::{OpKind, Redline};

/// Version of the diff JSON; bumped on any incompatible change.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// What the text renderer shows.
#[derive(Debug, Clone, Copy)]
pub struct DiffView {
    pub painter: Painter,
    pub width: usize,
    pub context: bool,
    pub side_by_side: bool,
    pub stat: bool,
}

/// The rows worth showing: changed pairs (all pairs with `context`), without the descendants of
/// an added or removed clause (they are shown inside it).
pub fn visible_pairs<'a>(
    alignment: &'a Alignment,
    old: &Bill,
    new: &Bill,
    context: bool,
) -> Vec<&'a Pair> {
    let inside = |bill: &Bill, idx: ClauseIdx, gone: &dyn Fn(ClauseIdx) -> bool| {
        bill.clauses[idx].parent.is_some_and(gone)
    };
    let removed = |i: ClauseIdx| alignment.old_to_new[i].is_none();
    let added = |i: ClauseIdx| alignment.new_to_old[i].is_none();
    alignment
        .pairs
        .iter()
        .filter(|p| context || p.kind != ChangeKind::Unchanged)
        .filter(|p| match p.kind {
            ChangeKind::Removed => !p.old.is_some_and(|o| inside(old, o, &removed)),
            ChangeKind::Added => !p.new.is_some_and(|n| inside(new, n, &added)),
            _ => true,
        })
        .collect()
}

pub fn describe(pair: &Pair, old: &Bill, new: &Bill) -> String {
    let o = pair.old.map(|i| &old.clauses[i]);
    let n = pair.new.map(|i| &new.clauses[i]);
    let mut head = match (o, n) {
        (Some(o), Some(n)) if o.label != n.label => format!("{} → {}", o.label, n.label),
        (Some(o), _) => o.label.to_string(),
        (None, Some(n)) => n.label.to_string(),
        (None, None) => String::new(),
    };
    let mut notes: Vec<String> = Vec::new();
    match pair.kind {
        ChangeKind::Added => notes.push("added".into()),
        ChangeKind::Removed => notes.push("removed".into()),
        ChangeKind::Unchanged => notes.push("unchanged".into()),
        ChangeKind::Split => {
            let parts: Vec<&str> = pair
                .split_into
                .iter()
                .map(|&i| new.clauses[i].label.as_str())
                .collect();
            notes.push(format!("split, also into {}", parts.join(", ")));
        }
        ChangeKind::Merged => {
            let parts: Vec<&str> = pair
                .merged_from
                .iter()
                .map(|&i| old.clauses[i].label.as_str())
                .collect();
            notes.push(format!("merged with {}", parts.join(", ")));
        }
        _ => {}
    }
    if pair.renumbered && pair.old.is_some() && pair.new.is_some() {
        notes.push("renumbered".into());
    }
    if pair.moved {
        let from = o.and_then(|o| o.parent).map_or_else(
            || "top level".to_string(),
            |p| old.clauses[p].label.to_string(),
        );
        let to = n.and_then(|n| n.parent).map_or_else(
            || "top level".to_string(),
            |p| new.clauses[p].label.to_string(),
        );
        if from == to {
            notes.push(format!("moved within {to}"));
        } else {
            notes.push(format!("moved from {from} to {to}"));
        }
    }
    if matches!(pair.kind, ChangeKind::Modified | ChangeKind::MovedModified) {
        if pair.redline.as_ref().is_some_and(|r| r.rewritten) {
            notes.push("rewritten".into());
        } else {
            notes.push("modified".into());
        }
    }
    if pair.redline.as_ref().is_some_and(|r| r.coarse) {
        notes.push("coarse diff: the word diff hit its deadline".into());
    }
    if !notes.is_empty() {
        head.push_str(&format!(" ({})", notes.join("; ")));
    }
    head
}

/// A run of text with one look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Plain,
    Deleted,
    Inserted,
}

/// Breaks styled runs into lines of at most `width` columns (words are not split unless longer
/// than a line), prefixing each with `indent`, and paints each piece. Lines break at spaces and
/// between runs, except before a run that begins with punctuation right after a word: a line
/// never starts with the full stop or comma of the word before (`{+body+}.`, `hält[-,-]`).
fn wrap(runs: &[(Look, String)], width: usize, indent: &str, painter: Painter) -> Vec<String> {
    let mut lines = LineFill {
        room: width.saturating_sub(indent.chars().count()).max(20),
        lines: vec![Vec::new()],
        col: 0,
        word: Vec::new(),
        word_width: 0,
    };
    for (look, text) in runs {
        let punctuation_first = text
            .chars()
            .next()
            .is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
        if !punctuation_first {
            lines.end_word();
        }
        let marked = match (painter.color, look) {
            (false, Look::Deleted) => format!("[-{text}-]"),
            (false, Look::Inserted) => format!("{{+{text}+}}"),
            _ => text.clone(),
        };
        for (i, hard_line) in marked.split('\n').enumerate() {
            if i > 0 {
                lines.end_word();
                lines.new_line();
            }
            for piece in split_keep_spaces(hard_line) {
                if piece.chars().all(char::is_whitespace) {
                    lines.end_word();
                    lines.space(*look, piece);
                } else {
                    lines.word_part(*look, piece);
                }
            }
        }
    }
    lines.end_word();
    lines
        .lines
        .into_iter()
        .map(|line| {
            let mut out = indent.to_string();
            for (look, text) in line {
                let styled = match (painter.color, look) {
                    (true, Look::Deleted) => painter.deleted(&text),
                    (true, Look::Inserted) => painter.inserted(&text),
                    _ => text,
                };
                out.push_str(&styled);
            }
            out.trim_end().to_string()
        })
        .collect()
}

/// Lines being filled by [`wrap`]: the word being read (a word and the punctuation of the next
/// run after it) goes onto the current line when it ends, or starts the next one if it does not
/// fit.
struct LineFill {
    room: usize,
    lines: Vec<Vec<(Look, String)>>,
    col: usize,
    word: Vec<(Look, String)>,
    word_width: usize,
}

impl LineFill {
    fn push(&mut self, look: Look, s: &str) {
        let line = self.lines.last_mut().expect("at least one line");
        match line.last_mut() {
            Some((l, text)) if *l == look => text.push_str(s),
            _ => line.push((look, s.to_string())),
        }
    }

    fn new_line(&mut self) {
        self.lines.push(Vec::new());
        self.col = 0;
    }

    fn word_part(&mut self, look: Look, piece: &str) {
        self.word_width += super::visible_width(piece);
        self.word.push((look, piece.to_string()));
    }

    fn end_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        if self.col > 0 && self.col + self.word_width > self.room {
            self.new_line();
        }
        for (look, piece) in std::mem::take(&mut self.word) {
            self.push(look, &piece);
        }
        self.col += self.word_width;
        self.word_width = 0;
    }

    /// Spaces between words: dropped at the start of a line, and where they would overflow
    /// it (the line breaks there instead).
    fn space(&mut self, look: Look, spaces: &str) {
        let w = super::visible_width(spaces);
        if self.col == 0 {
            return;
        }
        if self.col + w > self.room {
            self.new_line();
            return;
        }
        self.push(look, spaces);
        self.col += w;
    }
}

/// Splits text into words and runs of spaces, keeping both.
fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let sp = c == ' ';
        match in_space {
            Some(prev) if prev != sp => {
                out.push(&s[start..i]);
                start = i;
            }
            _ => {}
        }
        in_space = Some(sp);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Runs for one side of a redline (`Some(true)`: old side, `Some(false)`: new side) or both.
fn redline_runs(
    r: &Redline,
    old_text: &str,
    new_text: &str,
    side: Option<bool>,
) -> Vec<(Look, String)> {
    let mut runs = Vec::new();
    for op in &r.ops {
        match op.kind {
            OpKind::Equal => {
                let text = if side == Some(true) {
                    &old_text[op.old.clone()]
                } else {
                    &new_text[op.new.clone()]
                };
                runs.push((Look::Plain, terminal_safe(text).into_owned()));
            }
            OpKind::Delete if side != Some(false) => {
                runs.push((
                    Look::Deleted,
                    terminal_safe(&old_text[op.old.clone()]).into_owned(),
                ));
            }
            OpKind::Insert if side != Some(true) => {
                runs.push((
                    Look::Inserted,
                    terminal_safe(&new_text[op.new.clone()]).into_owned(),
                ));
            }
            _ => {}
        }
    }
    runs
}

/// Text of a clause and its descendants, each line led by its label, for added/removed blocks.
fn subtree_runs(bill: &Bill, idx: ClauseIdx, look: Look) -> Vec<(Look, String)> {
    let mut runs = Vec::new();
    let base = bill.clauses[idx].depth;
    for (k, i) in bill.subtree(idx).enumerate() {
        let c = &bill.clauses[i];
        if k > 0 {
            runs.push((Look::Plain, "\n".into()));
            runs.push((Look::Plain, "  ".repeat((c.depth - base) as usize)));
            if !c.marker.is_empty() {
                runs.push((Look::Plain, format!("{} ", c.marker)));
            } else if c.heading.is_some() {
                runs.push((Look::Plain, format!("{} ", c.label)));
            }
        }
        let text = c.full_text();
        if !text.is_empty() {
            runs.push((look, terminal_safe(&text).into_owned()));
        }
    }
    runs
}

fn pair_body(pair: &Pair, old: &Bill, new: &Bill, view: &DiffView, indent: &str) -> Vec<String> {
    let painter = view.painter;
    match (pair.old, pair.new, &pair.redline) {
        (Some(o), None, _) => wrap(
            &subtree_runs(old, o, Look::Deleted),
            view.width,
            indent,
            painter,
        ),
        (None, Some(n), _) => wrap(
            &subtree_runs(new, n, Look::Inserted),
            view.width,
            indent,
            painter,
        ),
        (Some(_), Some(_), Some(r)) => {
            let (old_text, new_text) = Alignment::pair_texts(pair, old, new);
            if view.side_by_side {
                let col = (view.width.saturating_sub(indent.len() + 3)) / 2;
                let left = wrap(
                    &redline_runs(r, &old_text, &new_text, Some(true)),
                    col,
                    "",
                    painter,
                );
                let right = wrap(
                    &redline_runs(r, &old_text, &new_text, Some(false)),
                    col,
                    "",
                    painter,
                );
                side_by_side(&left, &right, col, indent)
            } else {
                wrap(
                    &redline_runs(r, &old_text, &new_text, None),
                    view.width,
                    indent,
                    painter,
                )
            }
        }
        (Some(_), Some(n), None) if view.context || pair.kind == ChangeKind::Unchanged => {
            let text = terminal_safe(&new.clauses[n].full_text()).into_owned();
            wrap(&[(Look::Plain, text)], view.width, indent, painter)
        }
        _ => Vec::new(),
    }
}

fn side_by_side(left: &[String], right: &[String], col: usize, indent: &str) -> Vec<String> {
    let n = left.len().max(right.len());
    (0..n)
        .map(|i| {
            let l = left.get(i).map_or("", |s| s.as_str());
            let r = right.get(i).map_or("", |s| s.as_str());
            let pad = col.saturating_sub(visible_width(l));
            format!("{indent}{l}{} │ {r}", " ".repeat(pad))
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Counts of visible rows by kind, and by top-level unit of the bill.
pub struct Summary {
    pub by_kind: BTreeMap<ChangeKind, usize>,
    /// Top-level unit label → counts by kind, in document order of the unit.
    pub by_unit: Vec<(String, BTreeMap<ChangeKind, usize>)>,
}

pub fn summarize(alignment: &Alignment, rows: &[&Pair], old: &Bill, new: &Bill) -> Summary {
    let alignment_root = |r: ClauseIdx| alignment.old_to_new[r].map(|n| new.root_of(n));
    let mut by_kind = BTreeMap::new();
    // Keyed by (0, new unit) or (1, old unit): new-side units in new order, then units only the
    // old version had; labelled at the end.
    let mut units: BTreeMap<(usize, usize), BTreeMap<ChangeKind, usize>> = BTreeMap::new();
    for p in rows {
        if p.kind == ChangeKind::Unchanged {
            continue;
        }
        *by_kind.entry(p.kind).or_insert(0) += 1;
        let key = match (p.new, p.old) {
            (Some(n), _) => (0, new.root_of(n)),
            (None, Some(o)) => {
                // A removed clause counts under the new unit its old unit became, if any.
                let r = old.root_of(o);
                match alignment_root(r) {
                    Some(nr) => (0, nr),
                    None => (1, r),
                }
            }
            (None, None) => continue,
        };
        *units.entry(key).or_default().entry(p.kind).or_insert(0) += 1;
    }
    let by_unit = units
        .into_iter()
        .map(|((side, r), c)| match side {
            0 => (new.clauses[r].label.to_string(), c),
            _ => (format!("{} (old)", old.clauses[r].label), c),
        })
        .collect();
    Summary { by_kind, by_unit }
}

/// Most rows of the per-unit table before the rest is folded into one line.
const MAX_UNIT_ROWS: usize = 40;

fn summary_tables(summary: &Summary, view: &DiffView) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(view.width.min(u16::MAX as usize) as u16);
    if !view.painter.color {
        table.force_no_tty();
    }
    table.set_header(vec!["change", "clauses"]);
    for kind in ChangeKind::ALL {
        if let Some(&n) = summary.by_kind.get(&kind) {
            table.add_row(vec![
                Cell::new(kind.as_str()),
                Cell::new(n).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    let total: usize = summary.by_kind.values().sum();
    table.add_row(vec![
        Cell::new("total"),
        Cell::new(total).set_alignment(CellAlignment::Right),
    ]);
    let mut out = table.to_string();
    out.push('\n');
    if summary.by_unit.is_empty() {
        return out;
    }
    let kinds: Vec<ChangeKind> = ChangeKind::ALL
        .into_iter()
        .filter(|k| summary.by_kind.contains_key(k))
        .collect();
    let mut units = Table::new();
    units
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(view.width.min(u16::MAX as usize) as u16);
    if !view.painter.color {
        units.force_no_tty();
    }
    let mut header = vec![Cell::new("unit")];
    header.extend(kinds.iter().map(|k| Cell::new(k.as_str())));
    units.set_header(header);
    for (label, counts) in summary.by_unit.iter().take(MAX_UNIT_ROWS) {
        let mut row = vec![Cell::new(terminal_safe_line(label))];
        row.extend(kinds.iter().map(|k| {
            let n = counts.get(k).copied().unwrap_or(0);
            Cell::new(if n == 0 { String::new() } else { n.to_string() })
                .set_alignment(CellAlignment::Right)
        }));
        units.add_row(row);
    }
    out.push_str(&units.to_string());
    out.push('\n');
    if summary.by_unit.len() > MAX_UNIT_ROWS {
        out.push_str(&format!(
            "… and {} more units with changes (see --format json)\n",
            summary.by_unit.len() - MAX_UNIT_ROWS
        ));
    }
    out
}

/// The terminal report of a diff.
pub fn diff_text(
    alignment: &Alignment,
    old: &Bill,
    new: &Bill,
    view: &DiffView,
    overlay: Option<&Overlay<'_, '_>>,
) -> String {
    let painter = view.painter;
    let mut out = String::new();
    out.push_str(&painter.bold(&terminal_safe_line(&new.display_title())));
    out.push('\n');
    for (side, bill) in [("old", old), ("new", new)] {
        let mut line = format!("{side}: {}", bill.version_label());
        if let Some(d) = &bill.front_matter.date {
            if bill.front_matter.version.is_some() {
                line.push_str(&format!(" · {d}"));
            }
        }
        line.push_str(&format!(" · {}", bill.source.display_path()));
        out.push_str(&painter.dim(&terminal_safe_line(&line)));
        out.push('\n');
    }
    out.push('\n');
    let rows = visible_pairs(alignment, old, new, view.context);
    if !view.stat {
        for pair in &rows {
            let head = terminal_safe_line(&describe(pair, old, new));
            let rule_len = view
                .width
                .saturating_sub(head.chars().count() + 4)
                .min(view.width);
            out.push_str(&painter.accent(&format!("── {head} {}", "─".repeat(rule_len))));
            out.push('\n');
            for line in pair_body(pair, old, new, view, "  ") {
                out.push_str(&line);
                out.push('\n');
            }
            if let (Some(o), Some(n)) = (overlay, pair.new) {
                for line in annotation_lines(o, n, "  ", painter) {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            out.push('\n');
        }
    }
    let summary = summarize(alignment, &rows, old, new);
    if summary.by_kind.is_empty() {
        out.push_str("no differences\n");
    } else {
        out.push_str(&summary_tables(&summary, view));
    }
    if let Some(o) = overlay.filter(|o| !o.anchored.is_empty()) {
        out.push_str(&summary_table(o.anchored, new, painter, view.width));
    }
    out
}

// ----------------------------------------------------------------------------------------- JSON
//
// The diff JSON is written by hand: the header line through serde_json, then one compact line
// per pair from a small writer whose output is byte for byte what serde_json's compact
// serializer gives for the same values (the tests below hold the two side by side), because
// per-field serde calls, escaping every key, dominated the time on large bills.

/// Bytes gathered before they are handed to the output, so the `dyn Write` is hit rarely.
const CHUNK: usize = 1 << 17;

/// Pairs written as one batch (about 100 KB of JSON). With more than two batches, a second
/// thread writes every other batch into a buffer of its own while this one writes the rest, in
/// order. Batches are kept well below the size of a core's cache and their few buffers are
/// reused: on a large bill, buffers that grew to fit batches of 400 KB were a good part of the
/// fresh memory (and page faults) of the whole run.
const BATCH: usize = 256;

/// Appends `s` as a JSON string, escaped exactly as serde_json does: `"` and `\`, the short
/// escapes `\b \t \n \f \r`, other control characters as `\u00XX` (lower-case hex); everything
/// else (all non-ASCII, DEL) as is.
fn json_str(buf: &mut Vec<u8>, s: &str) {
    // 0: copy; b'u': `\u00XX`; otherwise the letter after the backslash.
    const ESCAPE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 0x20 {
            t[i] = b'u';
            i += 1;
        }
        t[0x08] = b'b';
        t[0x09] = b't';
        t[0x0a] = b'n';
        t[0x0c] = b'f';
        t[0x0d] = b'r';
        t[b'"' as usize] = b'"';
        t[b'\\' as usize] = b'\\';
        t
    };
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    // Most strings need no escape: find the first byte that does, eight bytes at a time.
    let first = first_to_escape(bytes);
    buf.extend_from_slice(&bytes[..first]);
    let mut start = first;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let e = ESCAPE[b as usize];
        if e == 0 {
            continue;
        }
        buf.extend_from_slice(&bytes[start..i]);
        if e == b'u' {
            buf.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]);
        } else {
            buf.extend_from_slice(&[b'\\', e]);
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// Index of the first byte JSON must escape (a control character, `"` or `\`), or the length.
fn first_to_escape(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Nonzero exactly when some byte of `w` is zero (the classic bit trick; no false hits
    // for the test as a whole).
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(word);
        // A byte below 0x20: `w - 0x20…` borrows into its high bit while the byte's own high
        // bit is clear.
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        if control | has_zero(w ^ (ONES * b'"' as u64)) | has_zero(w ^ (ONES * b'\\' as u64)) != 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], 0..=0x1f | b'"' | b'\\') {
        i += 1;
    }
    i
}

/// Appends a name of the schema's own (a kind, `as_str` of an enum): quoted, nothing to escape.
fn json_word(buf: &mut Vec<u8>, word: &'static str) {
    debug_assert_eq!(first_to_escape(word.as_bytes()), word.len(), "{word}");
    buf.push(b'"');
    buf.extend_from_slice(word.as_bytes());
    buf.push(b'"');
}

/// Appends an unsigned integer in decimal, two digits at a time.
fn json_usize(buf: &mut Vec<u8>, mut n: usize) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while n >= 100 {
        let d = (n % 100) * 2;
        n /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    if n >= 10 {
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[n * 2..n * 2 + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Appends `[a,b]`.
fn json_range(buf: &mut Vec<u8>, a: usize, b: usize) {
    buf.push(b'[');
    json_usize(buf, a);
    buf.push(b',');
    json_usize(buf, b);
    buf.push(b']');
}

fn json_bool(buf: &mut Vec<u8>, b: bool) {
    buf.extend_from_slice(if b { b"true" } else { b"false" });
}

/// Appends any other value through serde_json's compact serializer (floats).
fn json_serde(buf: &mut Vec<u8>, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *buf, value).map_err(std::io::Error::other)
}

/// Appends a similarity, rounded as `round4` and formatted as serde_json formats an `f32`.
fn json_similarity(buf: &mut Vec<u8>, x: f32) -> std::io::Result<()> {
    let x = round4(x);
    if x.to_bits() == 1.0f32.to_bits() {
        // By far the most common value (every unchanged pair).
        buf.extend_from_slice(b"1.0");
        Ok(())
    } else {
        json_serde(buf, &x)
    }
}

/// Appends a clause reference: `{"id":…,"label":…,"kind":…,"span":[s,e],"lines":[a,b]}`.
fn json_clause_ref(buf: &mut Vec<u8>, bill: &Bill, idx: ClauseIdx) {
    let c = &bill.clauses[idx];
    let bom = bill.source.bom_len;
    buf.extend_from_slice(b"{\"id\":");
    json_str(buf, &c.id);
    buf.extend_from_slice(b",\"label\":");
    json_str(buf, &c.label);
    buf.extend_from_slice(b",\"kind\":");
    json_word(buf, c.kind.as_str());
    buf.extend_from_slice(b",\"span\":");
    json_range(buf, c.span.start + bom, c.span.end + bom);
    buf.extend_from_slice(b",\"lines\":");
    json_range(buf, c.lines.0 as usize, c.lines.1 as usize);
    buf.push(b'}');
}

fn json_clause_refs(buf: &mut Vec<u8>, key: &[u8], bill: &Bill, list: &[ClauseIdx]) {
    if list.is_empty() {
        return;
    }
    buf.extend_from_slice(key);
    buf.push(b'[');
    for (k, &i) in list.iter().enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        json_clause_ref(buf, bill, i);
    }
    buf.push(b']');
}

/// Appends one element of `pairs` as a compact object, keys in schema order; redline op texts
/// are slices of the pair's compared texts (`Alignment::pair_texts`), never copied.
fn json_pair(buf: &mut Vec<u8>, p: &Pair, old: &Bill, new: &Bill) -> std::io::Result<()> {
    buf.extend_from_slice(b"{\"kind\":");
    json_word(buf, p.kind.as_str());
    buf.extend_from_slice(b",\"matched_by\":");
    match p.matched_by {
        Some(by) => json_word(buf, by.as_str()),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"similarity\":");
    json_similarity(buf, p.similarity)?;
    buf.extend_from_slice(b",\"renumbered\":");
    json_bool(buf, p.renumbered);
    buf.extend_from_slice(b",\"moved\":");
    json_bool(buf, p.moved);
    for (key, bill, idx) in [(&b",\"old\":"[..], old, p.old), (b",\"new\":", new, p.new)] {
        buf.extend_from_slice(key);
        match idx {
            Some(i) => json_clause_ref(buf, bill, i),
            None => buf.extend_from_slice(b"null"),
        }
    }
    json_clause_refs(buf, b",\"split_into\":", new, &p.split_into);
    json_clause_refs(buf, b",\"merged_from\":", old, &p.merged_from);
    buf.extend_from_slice(b",\"redline\":");
    match &p.redline {
        None => buf.extend_from_slice(b"null"),
        Some(r) => {
            let (ot, nt) = Alignment::pair_texts(p, old, new);
            buf.extend_from_slice(b"{\"rewritten\":");
            json_bool(buf, r.rewritten);
            buf.extend_from_slice(b",\"coarse\":");
            json_bool(buf, r.coarse);
            buf.extend_from_slice(b",\"ops\":[");
            for (k, op) in r.ops.iter().enumerate() {
                if k > 0 {
                    buf.push(b',');
                }
                buf.extend_from_slice(match op.kind {
                    OpKind::Equal => b"{\"op\":\"equal\",\"old\":",
                    OpKind::Delete => b"{\"op\":\"delete\",\"old\":",
                    OpKind::Insert => b"{\"op\":\"insert\",\"old\":",
                });
                json_range(buf, op.old.start, op.old.end);
                buf.extend_from_slice(b",\"new\":");
                json_range(buf, op.new.start, op.new.end);
                buf.extend_from_slice(b",\"text\":");
                json_str(
                    buf,
                    match op.kind {
                        OpKind::Delete => &ot[op.old.clone()],
                        _ => &nt[op.new.clone()],
                    },
                );
                buf.push(b'}');
            }
            buf.extend_from_slice(b"]}");
        }
    }
    buf.push(b'}');
    Ok(())
}

/// Rounds a similarity to 4 decimals so JSON does not show float noise.
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

/// Appends the header: the document up to and including `"pairs":[` and a newline.
fn json_header(
    buf: &mut Vec<u8>,
    alignment: &Alignment,
    old: &Bill,
    new: &Bill,
    flags: Option<&serde_json::Value>,
) -> std::io::Result<()> {
    let visible = visible_pairs(alignment, old, new, false);
    let summary_counts = summarize(alignment, &visible, old, new);
    let summary: BTreeMap<&str, usize> = summary_counts
        .by_kind
        .iter()
        .map(|(k, &n)| (k.as_str(), n))
        .collect();
    buf.extend_from_slice(b"{\"schema_version\":");
    json_usize(buf, DIFF_SCHEMA_VERSION as usize);
    buf.extend_from_slice(b",\"old\":");
    json_serde(buf, &BillJson::new(old))?;
    buf.extend_from_slice(b",\"new\":");
    json_serde(buf, &BillJson::new(new))?;
    buf.extend_from_slice(b",\"summary\":");
    json_serde(buf, &summary)?;
    if let Some(flags) = flags {
        buf.extend_from_slice(b",\"flags\":");
        json_serde(buf, flags)?;
    }
    buf.extend_from_slice(b",\"pairs\":[\n");
    Ok(())
}

/// Writes the diff as JSON (layout in `docs/json.md`): a header line up to `"pairs":[`, then
/// every pair (unchanged ones too) compact on a line of its own, then `]}`. Redline ops have
/// byte ranges into the pair's compared texts (`Alignment::pair_texts`).
///
/// The document is built in a buffer handed to `out` whenever it holds `CHUNK` bytes, so it
/// never sits in memory whole and `out` sees few, large writes.
pub fn write_diff_json(
    out: &mut dyn std::io::Write,
    alignment: &Alignment,
    old: &Bill,
    new: &Bill,
    pairs: &[&Pair],
    flags: Option<&serde_json::Value>,
) -> std::io::Result<()> {
    write_diff_json_chunked(out, alignment, old, new, pairs, flags, (CHUNK, BATCH))
}

/// `write_diff_json` with chunks of `sizes.0` bytes and batches of `sizes.1` pairs (the tests
/// vary both).
fn write_diff_json_chunked(
    out: &mut dyn std::io::Write,
    alignment: &Alignment,
    old: &Bill,
    new: &Bill,
    pairs: &[&Pair],
    flags: Option<&serde_json::Value>,
    (chunk_len, batch): (usize, usize),
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(chunk_len + (1 << 14));
    json_header(&mut buf, alignment, old, new, flags)?;
    // Pairs `k * batch ..` of batch `k`, each on its line.
    let batch = batch.max(1);
    let n_batches = pairs.len().div_ceil(batch);
    let write_batch = |buf: &mut Vec<u8>, k: usize| -> std::io::Result<()> {
        for i in k * batch..((k + 1) * batch).min(pairs.len()) {
            json_pair(buf, pairs[i], old, new)?;
            buf.extend_from_slice(if i + 1 < pairs.len() { b",\n" } else { b"\n" });
        }
        Ok(())
    };
    let flush = |buf: &mut Vec<u8>, out: &mut dyn std::io::Write| -> std::io::Result<()> {
        if buf.len() >= chunk_len {
            out.write_all(buf)?;
            buf.clear();
        }
        Ok(())
    };
    if n_batches <= 2 {
        for k in 0..n_batches {
            write_batch(&mut buf, k)?;
            flush(&mut buf, out)?;
        }
    } else {
        std::thread::scope(|scope| -> std::io::Result<()> {
            // Odd batches come from the helper in order; at most two wait, and their buffers
            // go back to it once written.
            let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
            let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
            let write_batch = &write_batch;
            scope.spawn(move || {
                for k in (1..n_batches).step_by(2) {
                    let mut odd = empty_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(chunk_len));
                    odd.clear();
                    // Stops when the writer has given up (an output error).
                    if write_batch(&mut odd, k).is_err() || full_tx.send(odd).is_err() {
                        return;
                    }
                }
            });
            for k in 0..n_batches {
                if k % 2 == 0 {
                    write_batch(&mut buf, k)?;
                    flush(&mut buf, out)?;
                    continue;
                }
                match full_rx.recv() {
                    Ok(odd) => {
                        out.write_all(&buf)?;
                        buf.clear();
                        out.write_all(&odd)?;
                        let _ = empty_tx.send(odd);
                    }
                    // The helper is gone (it cannot fail on its own): write the batch here.
                    Err(_) => {
                        write_batch(&mut buf, k)?;
                        flush(&mut buf, out)?;
                    }
                }
            }
            Ok(())
        })?;
    }
    buf.extend_from_slice(b"]}\n");
    out.write_all(&buf)
}

/// `write_diff_json` into a string (tests, reports).
pub fn diff_json(alignment: &Alignment, old: &Bill, new: &Bill, pairs: &[&Pair]) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_diff_json(&mut buf, alignment, old, new, pairs, None);
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    //! The hand-written JSON writer against serde_json: the same bytes as serde_json's compact
    //! serializer for every string, number and pair, and the same document (as values) as the
    //! pretty serde writer it replaced.

    use std::borrow::Cow;
    use std::path::Path;

    use proptest::prelude::*;
    use serde::Serialize;

    use super::*;
    use crate::align::{align_bills, AlignConfig, MatchedBy};
    use crate::parse::parse_bill;
    use crate::source::Source;

    // The serde structs the document used to be written from, kept as the reference.

    #[derive(Serialize)]
    struct DiffJson<'a> {
        schema_version: u32,
        old: BillJson<'a>,
        new: BillJson<'a>,
        summary: BTreeMap<&'static str, usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        flags: Option<&'a serde_json::Value>,
        pairs: Vec<PairJson<'a>>,
    }

    #[derive(Serialize)]
    struct ClauseRef<'a> {
        id: &'a str,
        label: &'a str,
        kind: &'static str,
        span: [usize; 2],
        lines: [usize; 2],
    }

    #[derive(Serialize)]
    struct PairJson<'a> {
        kind: &'static str,
        matched_by: Option<MatchedBy>,
        similarity: f32,
        renumbered: bool,
        moved: bool,
        old: Option<ClauseRef<'a>>,
        new: Option<ClauseRef<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        split_into: Vec<ClauseRef<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        merged_from: Vec<ClauseRef<'a>>,
        redline: Option<RedlineJson<'a>>,
    }

    #[derive(Serialize)]
    struct RedlineJson<'a> {
        rewritten: bool,
        coarse: bool,
        ops: Vec<OpJson<'a>>,
    }

    #[derive(Serialize)]
    struct OpJson<'a> {
        op: OpKind,
        old: [usize; 2],
        new: [usize; 2],
        text: Cow<'a, str>,
    }

    fn clause_ref(bill: &Bill, idx: ClauseIdx) -> ClauseRef<'_> {
        let c = &bill.clauses[idx];
        let bom = bill.source.bom_len;
        ClauseRef {
            id: &c.id,
            label: &c.label,
            kind: c.kind.as_str(),
            span: [c.span.start + bom, c.span.end + bom],
            lines: [c.lines.0 as usize, c.lines.1 as usize],
        }
    }

    fn pair_json<'a>(p: &Pair, old: &'a Bill, new: &'a Bill) -> PairJson<'a> {
        let texts = p
            .redline
            .as_ref()
            .map(|_| Alignment::pair_texts(p, old, new));
        PairJson {
            kind: p.kind.as_str(),
            matched_by: p.matched_by,
            similarity: round4(p.similarity),
            renumbered: p.renumbered,
            moved: p.moved,
            old: p.old.map(|i| clause_ref(old, i)),
            new: p.new.map(|i| clause_ref(new, i)),
            split_into: p.split_into.iter().map(|&i| clause_ref(new, i)).collect(),
            merged_from: p.merged_from.iter().map(|&i| clause_ref(old, i)).collect(),
            redline: p
                .redline
                .as_ref()
                .zip(texts)
                .map(|(r, (ot, nt))| RedlineJson {
                    rewritten: r.rewritten,
                    coarse: r.coarse,
                    ops: r
                        .ops
                        .iter()
                        .map(|op| OpJson {
                            op: op.kind,
                            old: [op.old.start, op.old.end],
                            new: [op.new.start, op.new.end],
                            text: Cow::Owned(match op.kind {
                                OpKind::Delete => ot[op.old.clone()].to_string(),
                                _ => nt[op.new.clone()].to_string(),
                            }),
                        })
                        .collect(),
                }),
        }
    }

    /// The pretty document as the serde writer wrote it.
    fn reference(
        alignment: &Alignment,
        old: &Bill,
        new: &Bill,
        flags: Option<&serde_json::Value>,
    ) -> String {
        let visible = visible_pairs(alignment, old, new, false);
        let doc = DiffJson {
            schema_version: DIFF_SCHEMA_VERSION,
            old: BillJson::new(old),
            new: BillJson::new(new),
            summary: summarize(alignment, &visible, old, new)
                .by_kind
                .iter()
                .map(|(k, &n)| (k.as_str(), n))
                .collect(),
            flags,
            pairs: alignment
                .pairs
                .iter()
                .map(|p| pair_json(p, old, new))
                .collect(),
        };
        serde_json::to_string_pretty(&doc).expect("serializes") + "\n"
    }

    fn str_bytes(s: &str) -> String {
        let mut buf = Vec::new();
        json_str(&mut buf, s);
        String::from_utf8(buf).expect("UTF-8")
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        for c in (0u32..0x100).chain([0x2028, 0x2029, 0xfeff, 0xfffd, 0x1f600, 0x10ffff]) {
            let c = char::from_u32(c).expect("a char");
            for s in [
                c.to_string(),
                format!("abcdefg{c}"),
                format!("abcdefgh{c}ijklmnopq"),
                format!("{c}{c}\u{430}bc{c}"),
            ] {
                assert_eq!(str_bytes(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
        // An escape at every offset of a 40-byte string, and none at all.
        for at in 0..=40 {
            let mut s = "x".repeat(40);
            if at < 40 {
                s.replace_range(at..at + 1, "\"");
            }
            assert_eq!(str_bytes(&s), serde_json::to_string(&s).unwrap());
            let t = s.replace('"', "\u{1}");
            assert_eq!(str_bytes(&t), serde_json::to_string(&t).unwrap());
        }
        assert_eq!(str_bytes(""), "\"\"");
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_does(s in any::<String>()) {
            prop_assert_eq!(str_bytes(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn any_control_heavy_string(s in "[\\x00-\\x20\"\\\\a-zа-я\u{7f}\u{2028}]{0,40}") {
            prop_assert_eq!(str_bytes(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn any_number_and_similarity(n in any::<usize>(), x in any::<f32>()) {
            let mut buf = Vec::new();
            json_usize(&mut buf, n);
            prop_assert_eq!(String::from_utf8(buf).unwrap(), n.to_string());
            let mut buf = Vec::new();
            json_similarity(&mut buf, x).unwrap();
            prop_assert_eq!(
                String::from_utf8(buf).unwrap(),
                serde_json::to_string(&round4(x)).unwrap()
            );
        }
    }

    #[test]
    fn numbers_and_similarities_match_serde_json() {
        let mut n = 1usize;
        let mut cases = vec![0, usize::MAX];
        while let Some(m) = n.checked_mul(10) {
            cases.extend([n - 1, n, n + 1]);
            n = m;
        }
        for n in cases {
            let mut buf = Vec::new();
            json_usize(&mut buf, n);
            assert_eq!(String::from_utf8(buf).unwrap(), n.to_string());
        }
        for x in [
            1.0f32,
            0.0,
            -0.0,
            0.5,
            0.857_14,
            0.999_99,
            1e-7,
            f32::NAN,
            f32::INFINITY,
        ] {
            let mut buf = Vec::new();
            json_similarity(&mut buf, x).unwrap();
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                serde_json::to_string(&round4(x)).unwrap(),
                "{x}"
            );
        }
    }

    /// Lines break at spaces and between runs, but the punctuation a run starts with stays with
    /// the word before it, marked or not.
    #[test]
    fn wrapped_lines_never_start_with_the_punctuation_of_the_word_before() {
        let runs = |last: &str| {
            vec![
                (Look::Plain, "approved by ".to_string()),
                (Look::Deleted, "it".to_string()),
                (Look::Inserted, "the authorised body".to_string()),
                (Look::Plain, last.to_string()),
            ]
        };
        let plain = Painter { color: false };
        // 41 columns hold everything up to "body+}" but not the full stop after it.
        let lines = wrap(&runs(". Then"), 43, "  ", plain);
        assert_eq!(
            lines,
            ["  approved by [-it-]{+the authorised", "  body+}. Then"]
        );
        // A run that starts with a word may still begin the next line.
        let lines = wrap(&runs("representative"), 43, "  ", plain);
        assert_eq!(
            lines,
            [
                "  approved by [-it-]{+the authorised body+}",
                "  representative"
            ]
        );
        // In colour the marks take no room: 33 columns hold the words but not the comma.
        let painted = wrap(&runs(","), 35, "  ", Painter { color: true });
        assert_eq!(painted.len(), 2, "{painted:?}");
        let second = &painted[1];
        assert!(
            second
                .find("body")
                .is_some_and(|at| second.find(',') > Some(at)),
            "{painted:?}"
        );
    }

    /// `matched_by` is written by hand from `MatchedBy::as_str`: the names serde gives.
    #[test]
    fn matched_by_names_match_serde_json() {
        use crate::align::MatchedBy;
        for by in [
            MatchedBy::IdenticalText,
            MatchedBy::Id,
            MatchedBy::Similarity,
            MatchedBy::Contents,
            MatchedBy::Number,
        ] {
            let mut buf = Vec::new();
            json_word(&mut buf, by.as_str());
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                serde_json::to_string(&by).unwrap()
            );
        }
    }

    fn bundled() -> Vec<Bill> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bills/kz-child-online-safety");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("bundled bills")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| parse_bill(Source::read(p).expect("reads")).expect("parses"))
            .collect()
    }

    fn written(
        alignment: &Alignment,
        old: &Bill,
        new: &Bill,
        flags: Option<&serde_json::Value>,
    ) -> String {
        let mut out = Vec::new();
        let all: Vec<&Pair> = alignment.pairs.iter().collect();
        for sizes in [(CHUNK, BATCH), (1, BATCH), (300, 1), (4000, 7), (CHUNK, 2)] {
            let mut again = Vec::new();
            write_diff_json_chunked(&mut again, alignment, old, new, &all, flags, sizes)
                .expect("writes");
            if out.is_empty() {
                out = again;
            } else {
                assert!(out == again, "{sizes:?}");
            }
        }
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn document_matches_the_serde_writer_on_bundled_bills() {
        let bills = bundled();
        let flags =
            serde_json::json!({"gained": [{"rule": "x\u{1}\"y\u{2028}", "clause": "art1"}]});
        let mut pairs_seen = 0;
        for (a, old) in bills.iter().enumerate() {
            for (b, new) in bills.iter().enumerate() {
                let alignment = align_bills(old, new, &AlignConfig::default());
                let flags = ((a + b) % 2 == 1).then_some(&flags);
                let text = written(&alignment, old, new, flags);
                // The same values as the pretty serde document.
                let ours: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
                let theirs: serde_json::Value =
                    serde_json::from_str(&reference(&alignment, old, new, flags)).unwrap();
                assert_eq!(ours, theirs, "versions {a} → {b}");
                // The layout: a header line, one line per pair (serde_json's compact bytes),
                // then `]}`.
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                assert!(lines[0].starts_with("{\"schema_version\":1,\"old\":{"));
                assert!(lines[0].ends_with(",\"pairs\":[\n"), "{}", lines[0]);
                assert_eq!(*lines.last().unwrap(), "]}\n");
                let body = &lines[1..lines.len() - 1];
                assert_eq!(body.len(), alignment.pairs.len());
                for (k, (line, p)) in body.iter().zip(&alignment.pairs).enumerate() {
                    let end = if k + 1 < body.len() { ",\n" } else { "\n" };
                    let compact = serde_json::to_string(&pair_json(p, old, new)).unwrap();
                    assert_eq!(*line, compact + end);
                }
                pairs_seen += body.len();
                // Deterministic (`written` also checks that the chunk size changes nothing).
                assert_eq!(text, written(&alignment, old, new, flags));
            }
        }
        assert!(pairs_seen > 1000, "{pairs_seen}");
    }

    #[test]
    fn no_pairs() {
        let bills = bundled();
        let alignment = align_bills(&bills[0], &bills[1], &AlignConfig::default());
        let mut out = Vec::new();
        write_diff_json(&mut out, &alignment, &bills[0], &bills[1], &[], None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with(",\"pairs\":[\n]}\n"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["pairs"], serde_json::json!([]));
    }

    /// Fails after `left` bytes.
    struct Failing {
        left: usize,
    }

    impl std::io::Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("full"));
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_output_is_an_error() {
        let bills = bundled();
        let alignment = align_bills(&bills[0], &bills[3], &AlignConfig::default());
        let all: Vec<&Pair> = alignment.pairs.iter().collect();
        for left in [0, 10, 5000, 20_000] {
            for sizes in [(1, BATCH), (1, 3)] {
                let mut out = Failing { left };
                let r = write_diff_json_chunked(
                    &mut out, &alignment, &bills[0], &bills[3], &all, None, sizes,
                );
                assert!(r.is_err(), "{left} {sizes:?}");
            }
        }
    }
}
