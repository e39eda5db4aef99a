//! `billdiff outline`: the clause tree as an indented listing or as JSON (schema below).

use serde::Serialize;

use super::annotations::{annotation_lines, summary_table, Overlay};
use super::escape::terminal_safe_line;
use super::{truncate_chars, Painter};
use crate::model::{Bill, ClauseIdx, Diagnostic, FrontMatter};

/// Version of the outline JSON; bumped on any incompatible change (see docs/json.md).
pub const OUTLINE_SCHEMA_VERSION: u32 = 1;

/// Indented listing: citation label, id, kind, heading and the first words of the text.
pub fn outline_text(
    bill: &Bill,
    depth: Option<usize>,
    width: usize,
    painter: Painter,
    overlay: Option<&Overlay<'_, '_>>,
) -> String {
    let mut out = String::new();
    out.push_str(&painter.bold(&terminal_safe_line(&bill.display_title())));
    out.push('\n');
    out.push_str(&painter.dim(&terminal_safe_line(&format!(
        "{} · {} · {} clauses",
        bill.version_label(),
        bill.source.display_path(),
        bill.clauses.len()
    ))));
    out.push_str("\n\n");
    for (idx, clause) in bill.clauses.iter().enumerate() {
        if depth.is_some_and(|d| clause.depth as usize > d) {
            continue;
        }
        let indent = "  ".repeat(clause.depth as usize);
        let label = terminal_safe_line(&clause.label);
        let mut line = format!("{indent}{label}");
        let plain_len = line.chars().count() + clause.id.chars().count() + 4;
        let mut rest = String::new();
        if clause.repealed {
            rest.push_str("(repealed) ");
        }
        if let Some(h) = &clause.heading {
            rest.push_str(h);
            if !clause.text.is_empty() {
                rest.push_str(" — ");
            }
        }
        rest.push_str(&clause.text);
        let rest = terminal_safe_line(&rest);
        let room = width.saturating_sub(plain_len + 2).max(10);
        line = format!(
            "{}  {}  {}",
            painter.accent(&line),
            painter.dim(&format!("[{}]", terminal_safe_line(&clause.id))),
            truncate_chars(&rest, room)
        );
        out.push_str(line.trim_end());
        out.push('\n');
        if let Some(o) = overlay {
            let pad = "  ".repeat(clause.depth as usize + 1);
            for l in annotation_lines(o, idx, &pad, painter) {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    if let Some(o) = overlay {
        if !o.anchored.is_empty() {
            out.push('\n');
            out.push_str(&summary_table(o.anchored, bill, painter, width));
        }
        if let Some((pack, flags)) = o.flags {
            out.push('\n');
            out.push_str(&super::flags::flag_summary(pack, flags, painter, width));
        }
    }
    if !bill.diagnostics.is_empty() {
        out.push('\n');
        for d in &bill.diagnostics {
            out.push_str(&painter.warn(&terminal_safe_line(&format!(
                "warning: {}: {}",
                d.location, d.message
            ))));
            out.push('\n');
        }
    }
    out
}

#[derive(Serialize)]
struct OutlineJson<'a> {
    schema_version: u32,
    bill: BillJson<'a>,
    clauses: Vec<ClauseJson<'a>>,
    loose: Vec<LooseJson<'a>>,
    diagnostics: &'a [Diagnostic],
}

/// Bill metadata as it appears in every JSON output.
#[derive(Serialize)]
pub struct BillJson<'a> {
    pub path: String,
    pub title: String,
    pub version: String,
    pub language: &'static str,
    pub front_matter: &'a FrontMatter,
    pub n_clauses: usize,
}

impl<'a> BillJson<'a> {
    pub fn new(bill: &'a Bill) -> Self {
        BillJson {
            path: bill.source.display_path(),
            title: bill.display_title(),
            version: bill.version_label(),
            language: bill.language.code(),
            front_matter: &bill.front_matter,
            n_clauses: bill.clauses.len(),
        }
    }
}

#[derive(Serialize)]
struct ClauseJson<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'static str,
    number: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    marker: &'a str,
    heading: Option<&'a str>,
    text: &'a str,
    repealed: bool,
    span: [usize; 2],
    lines: [usize; 2],
    children: Vec<ClauseJson<'a>>,
}

#[derive(Serialize)]
struct LooseJson<'a> {
    kind: crate::model::LooseKind,
    parent: Option<&'a str>,
    text: &'a str,
    span: [usize; 2],
    lines: [usize; 2],
}

fn clause_json(bill: &Bill, idx: ClauseIdx, depth: Option<usize>) -> ClauseJson<'_> {
    let c = &bill.clauses[idx];
    let children = if depth.is_some_and(|d| c.depth as usize >= d) {
        Vec::new()
    } else {
        c.children
            .iter()
            .map(|&ch| clause_json(bill, ch, depth))
            .collect()
    };
    ClauseJson {
        id: &c.id,
        label: &c.label,
        kind: c.kind.as_str(),
        number: c.number.as_deref(),
        marker: &c.marker,
        heading: c.heading.as_deref(),
        text: &c.text,
        repealed: c.repealed,
        span: [
            c.span.start + bill.source.bom_len,
            c.span.end + bill.source.bom_len,
        ],
        lines: [c.lines.0 as usize, c.lines.1 as usize],
        children,
    }
}

/// The outline as pretty JSON with a trailing newline.
pub fn outline_json(bill: &Bill, depth: Option<usize>) -> String {
    let doc = OutlineJson {
        schema_version: OUTLINE_SCHEMA_VERSION,
        bill: BillJson::new(bill),
        clauses: bill
            .roots
            .iter()
            .map(|&r| clause_json(bill, r, depth))
            .collect(),
        loose: bill
            .loose
            .iter()
            .map(|l| LooseJson {
                kind: l.kind,
                parent: l.parent.map(|p| bill.clauses[p].id.as_str()),
                text: &l.text,
                span: [
                    l.span.start + bill.source.bom_len,
                    l.span.end + bill.source.bom_len,
                ],
                lines: [l.lines.0 as usize, l.lines.1 as usize],
            })
            .collect(),
        diagnostics: &bill.diagnostics,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
