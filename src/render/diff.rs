//! `billdiff diff` output: the terminal redline (inline or side by side) with comfy-table
//! summaries, and the versioned JSON document (see `docs/json.md`).

use std::collections::BTreeMap;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use super::annotations::{annotation_lines, summary_table, Overlay};
use super::escape::{terminal_safe, terminal_safe_line};
use super::outline::BillJson;
use super::{visible_width, Painter};
use crate::align::{Alignment, ChangeKind, MatchedBy, Pair};
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
        (Some(o), _) => o.label.clone(),
        (None, Some(n)) => n.label.clone(),
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
        let from = o
            .and_then(|o| o.parent)
            .map_or_else(|| "top level".to_string(), |p| old.clauses[p].label.clone());
        let to = n
            .and_then(|n| n.parent)
            .map_or_else(|| "top level".to_string(), |p| new.clauses[p].label.clone());
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
/// than a line), prefixing each with `indent`, and paints each piece.
fn wrap(runs: &[(Look, String)], width: usize, indent: &str, painter: Painter) -> Vec<String> {
    let room = width.saturating_sub(indent.chars().count()).max(20);
    // Split into atoms: (look, word-or-space, is_space); '\n' forces a break.
    let mut lines: Vec<Vec<(Look, String)>> = vec![Vec::new()];
    let mut col = 0usize;
    let text_width = |s: &str| s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let push = |lines: &mut Vec<Vec<(Look, String)>>, look: Look, s: &str| {
        let line = lines.last_mut().expect("at least one line");
        match line.last_mut() {
            Some((l, text)) if *l == look => text.push_str(s),
            _ => line.push((look, s.to_string())),
        }
    };
    for (look, text) in runs {
        let marked = match (painter.color, look) {
            (false, Look::Deleted) => format!("[-{text}-]"),
            (false, Look::Inserted) => format!("{{+{text}+}}"),
            _ => text.clone(),
        };
        for (i, hard_line) in marked.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
                col = 0;
            }
            for word in split_keep_spaces(hard_line) {
                let w = text_width(word);
                let is_space = word.chars().all(char::is_whitespace);
                if is_space {
                    if col == 0 {
                        continue;
                    }
                    if col + w > room {
                        lines.push(Vec::new());
                        col = 0;
                        continue;
                    }
                } else if col > 0 && col + w > room {
                    lines.push(Vec::new());
                    col = 0;
                }
                push(&mut lines, *look, word);
                col += w;
            }
        }
    }
    lines
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
            runs.push((Look::Plain, "  ".repeat(c.depth - base)));
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
    let mut units: BTreeMap<(usize, usize, String), BTreeMap<ChangeKind, usize>> = BTreeMap::new();
    for p in rows {
        if p.kind == ChangeKind::Unchanged {
            continue;
        }
        *by_kind.entry(p.kind).or_insert(0) += 1;
        let key = match (p.new, p.old) {
            (Some(n), _) => {
                let r = new.root_of(n);
                (0, r, new.clauses[r].label.clone())
            }
            (None, Some(o)) => {
                // A removed clause counts under the new unit its old unit became, if any.
                let r = old.root_of(o);
                match alignment_root(r) {
                    Some(nr) => (0, nr, new.clauses[nr].label.clone()),
                    None => (1, r, format!("{} (old)", old.clauses[r].label)),
                }
            }
            (None, None) => continue,
        };
        *units.entry(key).or_default().entry(p.kind).or_insert(0) += 1;
    }
    // New-side units in new order, then units only the old version had.
    let by_unit = units
        .into_iter()
        .map(|((_, _, label), c)| (label, c))
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
    overlay: Option<Overlay<'_, '_>>,
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

#[derive(Serialize)]
struct DiffJson<'a> {
    schema_version: u32,
    old: BillJson<'a>,
    new: BillJson<'a>,
    summary: BTreeMap<&'static str, usize>,
    /// Flags gained, lost and kept (only with `--rules` or `--fail-on`).
    #[serde(skip_serializing_if = "Option::is_none")]
    flags: Option<&'a serde_json::Value>,
    pairs: PairsJson<'a>,
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
    text: std::borrow::Cow<'a, str>,
}

fn clause_ref(bill: &Bill, idx: ClauseIdx) -> ClauseRef<'_> {
    let c = &bill.clauses[idx];
    let bom = bill.source.bom_len;
    ClauseRef {
        id: &c.id,
        label: &c.label,
        kind: c.kind.as_str(),
        span: [c.span.start + bom, c.span.end + bom],
        lines: [c.lines.0, c.lines.1],
    }
}

/// Rounds a similarity to 4 decimals so JSON does not show float noise.
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

/// One pair as JSON (built when serialized, so the whole document never sits in memory).
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
                        text: std::borrow::Cow::Owned(match op.kind {
                            OpKind::Delete => ot[op.old.clone()].to_string(),
                            _ => nt[op.new.clone()].to_string(),
                        }),
                    })
                    .collect(),
            }),
    }
}

/// The `pairs` array, serialized one pair at a time.
struct PairsJson<'a> {
    pairs: &'a [&'a Pair],
    old: &'a Bill,
    new: &'a Bill,
}

impl Serialize for PairsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.pairs.iter().map(|p| pair_json(p, self.old, self.new)))
    }
}

/// Writes the diff as pretty JSON: every pair (unchanged ones too), with redline ops whose byte
/// ranges point into the pair's compared texts (`Alignment::pair_texts`).
pub fn write_diff_json(
    out: &mut dyn std::io::Write,
    alignment: &Alignment,
    old: &Bill,
    new: &Bill,
    pairs: &[&Pair],
    flags: Option<&serde_json::Value>,
) -> std::io::Result<()> {
    let visible = visible_pairs(alignment, old, new, false);
    let summary_counts = summarize(alignment, &visible, old, new);
    let summary = summary_counts
        .by_kind
        .iter()
        .map(|(k, &n)| (k.as_str(), n))
        .collect();
    let doc = DiffJson {
        schema_version: DIFF_SCHEMA_VERSION,
        old: BillJson::new(old),
        new: BillJson::new(new),
        summary,
        flags,
        pairs: PairsJson { pairs, old, new },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// `write_diff_json` into a string (tests, reports).
pub fn diff_json(alignment: &Alignment, old: &Bill, new: &Bill, pairs: &[&Pair]) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_diff_json(&mut buf, alignment, old, new, pairs, None);
    String::from_utf8(buf).unwrap_or_default()
}
