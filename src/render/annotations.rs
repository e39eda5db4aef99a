//! Showing anchored annotations: one line per annotation beside its clause (severity colour,
//! organisation, title, state; the comment with `--verbose`), the `check` table, and the summary
//! table of annotations by severity and state.

use std::collections::BTreeMap;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};

use super::escape::terminal_safe_line;
use super::Painter;
use crate::annotate::anchor::{AnchorState, Anchored};
use crate::annotate::rules::{Flag, RulePack};
use crate::annotate::Severity;
use crate::model::{Bill, ClauseIdx};

fn severity_tag(painter: Painter, severity: Severity) -> String {
    let text = severity.as_str().to_uppercase();
    match severity {
        Severity::High => painter.deleted_plain(&text),
        Severity::Medium => painter.warn(&text),
        Severity::Low | Severity::Info => painter.dim(&text),
    }
}

/// Annotations and rule flags to show beside clauses: one overlay model, so a rule hit reads
/// like an annotation whose source is the rule.
pub struct Overlay<'o, 'a> {
    pub anchored: &'o [Anchored<'a>],
    /// Flags of the version shown, with their pack.
    pub flags: Option<(&'o RulePack, &'o [Flag])>,
    pub verbose: bool,
    /// Positions in `anchored` and in the flags, ordered by clause (then position), so that a
    /// clause's lines are found by halving instead of a pass over all of them per clause.
    anchored_by_clause: Vec<(ClauseIdx, usize)>,
    flags_by_clause: Vec<(ClauseIdx, usize)>,
}

impl<'o, 'a> Overlay<'o, 'a> {
    pub fn new(
        anchored: &'o [Anchored<'a>],
        flags: Option<(&'o RulePack, &'o [Flag])>,
        verbose: bool,
    ) -> Self {
        let mut anchored_by_clause: Vec<(ClauseIdx, usize)> = anchored
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.anchor.clause.map(|c| (c, i)))
            .collect();
        anchored_by_clause.sort_unstable();
        let mut flags_by_clause: Vec<(ClauseIdx, usize)> = flags
            .map(|(_, f)| f.iter().enumerate().map(|(i, f)| (f.clause, i)).collect())
            .unwrap_or_default();
        flags_by_clause.sort_unstable();
        Overlay {
            anchored,
            flags,
            verbose,
            anchored_by_clause,
            flags_by_clause,
        }
    }
}

/// The positions listed for `clause` in an index sorted by (clause, position), in order.
fn at_clause(index: &[(ClauseIdx, usize)], clause: ClauseIdx) -> impl Iterator<Item = usize> + '_ {
    let start = index.partition_point(|&(c, _)| c < clause);
    index[start..]
        .iter()
        .take_while(move |&&(c, _)| c == clause)
        .map(|&(_, i)| i)
}

/// Where an annotation now points, as people cite it.
pub fn now_at(a: &Anchored<'_>, version: &Bill) -> String {
    match (a.anchor.clause, a.anchor.candidates.is_empty()) {
        (Some(c), _) => version.clauses[c].label.to_string(),
        (None, false) => a
            .anchor
            .candidates
            .iter()
            .map(|&c| version.clauses[c].label.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
        (None, true) => "—".to_string(),
    }
}

/// A one-line detail of the state: the old → new citation, the changed words, the candidates.
pub fn detail(a: &Anchored<'_>, version: &Bill) -> String {
    let was = &a.anchor.written_label;
    match a.anchor.state {
        AnchorState::Anchored => "quote intact".to_string(),
        AnchorState::Relocated => format!("{was} → {}", now_at(a, version)),
        AnchorState::TextChanged => match (&a.spec.target.exact, &a.anchor.found) {
            (Some(q), Some(f)) => format!("[-{q}-] {{+{f}+}}"),
            (Some(q), None) => format!("quoted words gone: {q:?}"),
            _ => "text changed".to_string(),
        },
        AnchorState::Ambiguous => format!("{was} is gone; quote found in {}", now_at(a, version)),
        AnchorState::Orphaned => format!("{was} is gone"),
    }
}

/// The lines shown under a clause for the annotations anchored to it and the rules that flag it.
pub fn annotation_lines(
    overlay: &Overlay<'_, '_>,
    clause: ClauseIdx,
    indent: &str,
    painter: Painter,
) -> Vec<String> {
    let mut out = Vec::new();
    for a in at_clause(&overlay.anchored_by_clause, clause).map(|i| &overlay.anchored[i]) {
        out.push(format!(
            "{indent}⚑ {} {} · {}: {} [{}]",
            severity_tag(painter, a.spec.severity),
            terminal_safe_line(&a.spec.category.value),
            terminal_safe_line(&a.set.file.organization.name),
            terminal_safe_line(&a.spec.title),
            a.anchor.state.as_str()
        ));
        if overlay.verbose {
            if let Some(comment) = &a.spec.comment {
                for line in comment.lines() {
                    out.push(format!("{indent}  {}", terminal_safe_line(line)));
                }
            }
        }
    }
    if let Some((pack, flags)) = overlay.flags {
        for f in at_clause(&overlay.flags_by_clause, clause).map(|i| &flags[i]) {
            let rule = &pack.rules[f.rule];
            out.push(format!(
                "{indent}⚑ {} {} · rule {}: {} [flag]",
                severity_tag(painter, f.severity),
                terminal_safe_line(rule.category()),
                terminal_safe_line(rule.id()),
                terminal_safe_line(&rule.spec.message)
            ));
        }
    }
    out
}

fn new_table(painter: Painter, width: usize) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width.min(u16::MAX as usize) as u16);
    if !painter.color {
        table.force_no_tty();
    }
    table
}

/// The `check` table: every annotation and its state on the version.
pub fn check_table(
    anchored: &[Anchored<'_>],
    version: &Bill,
    painter: Painter,
    width: usize,
) -> String {
    let mut table = new_table(painter, width);
    table.set_header(vec![
        "annotation",
        "severity",
        "category",
        "written on",
        "now",
        "state",
    ]);
    for a in anchored {
        table.add_row(vec![
            Cell::new(terminal_safe_line(&format!(
                "{}: {}",
                a.set.file.organization.name, a.spec.id.value
            ))),
            Cell::new(a.spec.severity.as_str()),
            Cell::new(terminal_safe_line(&a.spec.category.value)),
            Cell::new(terminal_safe_line(&a.anchor.written_label)),
            Cell::new(terminal_safe_line(&now_at(a, version))),
            Cell::new(a.anchor.state.as_str()),
        ]);
    }
    let mut out = table.to_string();
    out.push('\n');
    out
}

/// Annotations by severity and state, plus the ones that need a look, listed.
pub fn summary_table(
    anchored: &[Anchored<'_>],
    version: &Bill,
    painter: Painter,
    width: usize,
) -> String {
    let mut counts: BTreeMap<(Severity, AnchorState), usize> = BTreeMap::new();
    for a in anchored {
        *counts.entry((a.spec.severity, a.anchor.state)).or_insert(0) += 1;
    }
    let mut table = new_table(painter, width);
    let mut header = vec![Cell::new("annotations")];
    header.extend(AnchorState::ALL.iter().map(|s| Cell::new(s.as_str())));
    table.set_header(header);
    for severity in Severity::ALL {
        if !counts.keys().any(|(s, _)| *s == severity) {
            continue;
        }
        let mut row = vec![Cell::new(severity.as_str())];
        row.extend(AnchorState::ALL.iter().map(|&st| {
            let n = counts.get(&(severity, st)).copied().unwrap_or(0);
            Cell::new(if n == 0 { String::new() } else { n.to_string() })
                .set_alignment(CellAlignment::Right)
        }));
        table.add_row(row);
    }
    let mut out = table.to_string();
    out.push('\n');
    let attention: Vec<&Anchored<'_>> = anchored
        .iter()
        .filter(|a| a.anchor.state.needs_attention())
        .collect();
    if !attention.is_empty() {
        out.push_str("needs a look:\n");
        for a in attention {
            out.push_str(&format!(
                "  {} {}: {} — {}: {}\n",
                a.anchor.state.as_str(),
                terminal_safe_line(&a.set.file.organization.name),
                terminal_safe_line(&a.spec.id.value),
                terminal_safe_line(&a.spec.title),
                terminal_safe_line(&detail(a, version))
            ));
        }
    }
    out
}
