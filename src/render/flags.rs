//! Rule flags: `scan` output as text, JSON and SARIF 2.1.0 (for code-scanning tools), and the
//! flags a new version gains, loses or keeps (`diff --rules`).

use std::collections::BTreeMap;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use serde::Serialize;
use serde_json::json;

use super::escape::{terminal_safe, terminal_safe_line};
use super::outline::BillJson;
use super::Painter;
use crate::annotate::rules::{Flag, FlagChange, FlagDelta, RulePack};
use crate::annotate::Severity;
use crate::model::Bill;

/// Version of the scan JSON.
pub const SCAN_SCHEMA_VERSION: u32 = 1;

/// A flag's clause text with its matched words marked (colour, or `[[…]]` without).
pub fn highlighted(bill: &Bill, flag: &Flag, painter: Painter) -> String {
    let text = bill.clauses[flag.clause].full_text();
    let mut out = String::new();
    let mut at = 0;
    for m in &flag.matches {
        if m.start < at || m.end > text.len() {
            continue;
        }
        out.push_str(&terminal_safe(&text[at..m.start]));
        let hit = terminal_safe(&text[m.clone()]).into_owned();
        if painter.color {
            out.push_str(&painter.accent(&hit));
        } else {
            out.push_str(&format!("[[{hit}]]"));
        }
        at = m.end;
    }
    out.push_str(&terminal_safe(&text[at..]));
    out.replace('\n', " ")
}

fn severity_tag(painter: Painter, s: Severity) -> String {
    let t = s.as_str().to_uppercase();
    match s {
        Severity::High => painter.deleted_plain(&t),
        Severity::Medium => painter.warn(&t),
        _ => painter.dim(&t),
    }
}

fn table(painter: Painter, width: usize) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width.min(u16::MAX as usize) as u16);
    if !painter.color {
        t.force_no_tty();
    }
    t
}

/// Flags by category and severity.
pub fn flag_summary(pack: &RulePack, flags: &[Flag], painter: Painter, width: usize) -> String {
    let mut counts: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for f in flags {
        let row = counts.entry(pack.rules[f.rule].category()).or_default();
        row[f.severity as usize] += 1;
    }
    let mut t = table(painter, width);
    let mut header = vec![Cell::new("flags")];
    header.extend(Severity::ALL.iter().map(|s| Cell::new(s.as_str())));
    t.set_header(header);
    for (category, row) in &counts {
        let mut cells = vec![Cell::new(*category)];
        cells.extend(row.iter().map(|&n| {
            Cell::new(if n == 0 { String::new() } else { n.to_string() })
                .set_alignment(CellAlignment::Right)
        }));
        t.add_row(cells);
    }
    let mut out = t.to_string();
    out.push('\n');
    out
}

/// `scan` as text: every flagged clause with the matched words marked.
pub fn scan_text(
    pack: &RulePack,
    bill: &Bill,
    flags: &[Flag],
    painter: Painter,
    width: usize,
) -> String {
    let mut out = String::new();
    out.push_str(&painter.bold(&terminal_safe_line(&bill.display_title())));
    out.push('\n');
    out.push_str(&painter.dim(&terminal_safe_line(&format!(
        "{} · {} · {} flags from {} rules",
        bill.version_label(),
        bill.source.display_path(),
        flags.len(),
        pack.rules.len()
    ))));
    out.push_str("\n\n");
    for f in flags {
        let rule = &pack.rules[f.rule];
        let clause = &bill.clauses[f.clause];
        out.push_str(&format!(
            "{}  {} {}  [{}]{}\n",
            painter.accent(&terminal_safe_line(&clause.label)),
            severity_tag(painter, f.severity),
            terminal_safe_line(rule.category()),
            terminal_safe_line(rule.id()),
            if f.lowered {
                " (lowered: a safeguard is present)"
            } else {
                ""
            }
        ));
        out.push_str(&format!("  {}\n", terminal_safe_line(&rule.spec.message)));
        let text = highlighted(bill, f, painter);
        for line in super::wrap_plain(&text, width.saturating_sub(2)) {
            out.push_str(&format!("  {line}\n"));
        }
        out.push('\n');
    }
    if flags.is_empty() {
        out.push_str("no flags\n");
    } else {
        out.push_str(&flag_summary(pack, flags, painter, width));
    }
    out
}

#[derive(Serialize)]
struct FlagJson<'a> {
    rule: &'a str,
    category: &'a str,
    severity: Severity,
    lowered: bool,
    message: &'a str,
    clause: ClauseJson<'a>,
    matches: Vec<String>,
}

#[derive(Serialize)]
struct ClauseJson<'a> {
    id: &'a str,
    label: &'a str,
    lines: [usize; 2],
}

fn flag_json<'a>(pack: &'a RulePack, bill: &'a Bill, f: &Flag) -> FlagJson<'a> {
    let rule = &pack.rules[f.rule];
    let c = &bill.clauses[f.clause];
    let text = c.full_text();
    FlagJson {
        rule: rule.id(),
        category: rule.category(),
        severity: f.severity,
        lowered: f.lowered,
        message: &rule.spec.message,
        clause: ClauseJson {
            id: &c.id,
            label: &c.label,
            lines: [c.lines.0 as usize, c.lines.1 as usize],
        },
        matches: f
            .matches
            .iter()
            .filter_map(|m| text.get(m.clone()).map(str::to_string))
            .collect(),
    }
}

/// `scan --format json` (schema_version 1).
pub fn scan_json(pack: &RulePack, bill: &Bill, flags: &[Flag]) -> String {
    let doc = json!({
        "schema_version": SCAN_SCHEMA_VERSION,
        "bill": BillJson::new(bill),
        "flags": flags.iter().map(|f| flag_json(pack, bill, f)).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// `scan --format sarif`: SARIF 2.1.0, one result per flag, located at the clause's lines.
pub fn scan_sarif(pack: &RulePack, bill: &Bill, flags: &[Flag]) -> String {
    let level = |s: Severity| match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    };
    let rules: Vec<serde_json::Value> = pack
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": r.category(),
                "shortDescription": { "text": r.spec.message },
                "defaultConfiguration": { "level": level(r.spec.severity) },
                "properties": { "category": r.category(), "severity": r.spec.severity.as_str(), "languages": r.spec.languages },
            })
        })
        .collect();
    let uri = bill.source.display_path().replace('\\', "/");
    let results: Vec<serde_json::Value> = flags
        .iter()
        .map(|f| {
            let rule = &pack.rules[f.rule];
            let c = &bill.clauses[f.clause];
            let (start, end) = c
                .own_spans
                .first()
                .map(|s| bill.source.line_range(s))
                .unwrap_or(c.lines);
            json!({
                "ruleId": rule.id(),
                "ruleIndex": f.rule,
                "level": level(f.severity),
                "message": { "text": format!("{}: {}", c.label, rule.spec.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": start, "endLine": end }
                    },
                    "logicalLocations": [{ "fullyQualifiedName": c.id, "name": c.label, "kind": "clause" }]
                }],
                "properties": { "category": rule.category(), "severity": f.severity.as_str(), "lowered": f.lowered }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "billdiff",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Lines for the diff: "NEW high short-removal-deadline in Article 18-2(3): 'within …'".
pub fn flag_changes_text(
    pack: &RulePack,
    old: &Bill,
    new: &Bill,
    deltas: &[FlagDelta],
    painter: Painter,
    verbose: bool,
) -> String {
    let mut out = String::new();
    for d in deltas {
        if d.change == FlagChange::Kept && !verbose {
            continue;
        }
        let rule = &pack.rules[d.flag.rule];
        let bill = if d.change == FlagChange::Gone {
            old
        } else {
            new
        };
        let clause = &bill.clauses[d.flag.clause];
        let text = clause.full_text();
        let quote = d
            .flag
            .matches
            .first()
            .and_then(|m| text.get(m.clone()))
            .unwrap_or("");
        let tag = match d.change {
            FlagChange::New => painter.deleted_plain("NEW"),
            FlagChange::Gone => painter.inserted_plain("GONE"),
            FlagChange::Kept => painter.dim("KEPT"),
        };
        let place = match (d.change, d.clause_removed) {
            (FlagChange::Gone, true) => format!("({} removed)", clause.label),
            (FlagChange::Gone, false) => format!("in {} (the words are gone)", clause.label),
            _ => format!("in {}", clause.label),
        };
        out.push_str(&terminal_safe_line(&format!(
            "{tag} {} {} {place}: '{quote}'",
            d.flag.severity.as_str(),
            rule.category(),
        )));
        out.push('\n');
    }
    out
}

/// Flag changes for the diff JSON: `[{change, rule, category, severity, clause, matches}]`.
pub fn flag_deltas_json(
    pack: &RulePack,
    old: &Bill,
    new: &Bill,
    deltas: &[FlagDelta],
) -> serde_json::Value {
    serde_json::Value::Array(
        deltas
            .iter()
            .map(|d| {
                let bill = if d.change == FlagChange::Gone {
                    old
                } else {
                    new
                };
                let mut v = serde_json::to_value(flag_json(pack, bill, &d.flag))
                    .unwrap_or(serde_json::Value::Null);
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("change".into(), json!(d.change));
                    obj.insert("clause_removed".into(), json!(d.clause_removed));
                }
                v
            })
            .collect(),
    )
}
