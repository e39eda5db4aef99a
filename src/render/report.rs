//! The annotated report as Markdown, one self-contained HTML file (inline CSS, no scripts, no
//! external fonts or images, a print stylesheet), or JSON. Every piece of third-party text is
//! escaped; annotation comments are Markdown rendered without raw HTML, and only `http(s)` and
//! `mailto` links survive.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::json;

use super::diff::describe;
use super::escape::{html, safe_url};
use crate::align::{Alignment, ChangeKind};
use crate::annotate::anchor::{AnchorState, Anchored};
use crate::annotate::rules::FlagChange;
use crate::model::{Bill, ClauseIdx};
use crate::redline::OpKind;
use crate::report::{Entry, Report};

/// Version of the report JSON.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Text pieces of an entry: (kind, text) with kind equal, del or ins.
fn entry_runs(report: &Report<'_>, e: &Entry<'_>) -> Vec<(OpKind, String)> {
    let (old, new) = (report.old, report.new);
    match (e.pair, e.old, e.new) {
        (Some(p), Some(_), Some(_)) if p.redline.is_some() => {
            let r = p.redline.as_ref().expect("checked");
            let (ot, nt) = Alignment::pair_texts(p, old, new);
            r.ops
                .iter()
                .map(|op| {
                    let text = match op.kind {
                        OpKind::Delete => ot.get(op.old.clone()).unwrap_or(""),
                        _ => nt.get(op.new.clone()).unwrap_or(""),
                    };
                    (op.kind, text.to_string())
                })
                .collect()
        }
        (_, Some(o), None) => vec![(OpKind::Delete, subtree_text(old, o))],
        (_, None, Some(n)) => vec![(OpKind::Insert, subtree_text(new, n))],
        (_, _, Some(n)) => vec![(OpKind::Equal, new.clauses[n].full_text().into_owned())],
        _ => Vec::new(),
    }
}

fn subtree_text(bill: &Bill, idx: ClauseIdx) -> String {
    bill.subtree(idx)
        .enumerate()
        .map(|(k, i)| {
            let c = &bill.clauses[i];
            if k == 0 || c.marker.is_empty() {
                c.full_text().into_owned()
            } else {
                format!("{} {}", c.marker, c.full_text())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn heading(report: &Report<'_>, e: &Entry<'_>) -> String {
    match e.pair {
        Some(p) if p.kind != ChangeKind::Unchanged => describe(p, report.old, report.new),
        _ => e
            .new
            .map(|n| {
                format!(
                    "{} (flagged or annotated, unchanged)",
                    report.new.clauses[n].label
                )
            })
            .unwrap_or_default(),
    }
}

fn versions_line(bill: &Bill) -> String {
    let fm = &bill.front_matter;
    let mut s = bill.version_label();
    if let (Some(d), true) = (&fm.date, fm.version.is_some()) {
        s.push_str(&format!(", {d}"));
    }
    s
}

/// Markdown text with the characters that would become markup escaped.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("  \n"),
            _ => out.push(c),
        }
    }
    out
}

fn state_note(a: &Anchored<'_>, new: &Bill) -> String {
    match a.anchor.state {
        AnchorState::Relocated => format!(
            "relocated: {} → {}",
            a.anchor.written_label,
            super::annotations::now_at(a, new)
        ),
        s => s.as_str().to_string(),
    }
}

/// The report as Markdown.
pub fn report_markdown(report: &Report<'_>) -> String {
    let (old, new) = (report.old, report.new);
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", md_escape(&new.display_title())));
    out.push_str(&format!(
        "Changes from **{}** to **{}**.\n\n",
        md_escape(&versions_line(old)),
        md_escape(&versions_line(new))
    ));
    for bill in [old, new] {
        if let Some(url) = bill.front_matter.source_url.as_deref().and_then(safe_url) {
            out.push_str(&format!(
                "- {}: <{}>\n",
                md_escape(&bill.version_label()),
                url.replace('>', "%3E")
            ));
        }
    }
    if old.front_matter.illustrative == Some(true) || new.front_matter.illustrative == Some(true) {
        out.push_str("- These bill texts are illustrative, not official texts.\n");
    }
    if let Some(d) = &report.generated {
        out.push_str(&format!("- Report generated {}\n", md_escape(d)));
    }
    out.push_str("\n## Summary\n\n| change | clauses |\n|---|---:|\n");
    for (k, n) in report.changes_by_kind() {
        out.push_str(&format!("| {} | {n} |\n", k.as_str()));
    }
    let flags = report.flags_summary();
    if !flags.is_empty() {
        out.push_str("\n| flags | severity | category | count |\n|---|---|---|---:|\n");
        for ((change, sev, cat), n) in &flags {
            out.push_str(&format!(
                "| {} | {} | {} | {n} |\n",
                change_word(*change),
                sev.as_str(),
                md_escape(cat)
            ));
        }
    }
    let ann = report.annotations_summary();
    if !ann.is_empty() {
        out.push_str("\n| annotations by | state | count |\n|---|---|---:|\n");
        for ((org, state), n) in &ann {
            out.push_str(&format!(
                "| {} | {} | {n} |\n",
                md_escape(org),
                state.as_str()
            ));
        }
    }
    let unplaced = report.unplaced();
    if !unplaced.is_empty() {
        out.push_str("\nAnnotations whose provision is gone or cannot be placed:\n\n");
        for a in unplaced {
            out.push_str(&format!(
                "- **{}** ({}, {}): {} — {}\n",
                md_escape(&a.spec.title),
                md_escape(&a.set.file.organization.name),
                a.anchor.state.as_str(),
                md_escape(&a.anchor.written_label),
                md_escape(&super::annotations::detail(a, new))
            ));
        }
    }
    out.push_str("\n## Contents\n\n");
    for e in &report.entries {
        out.push_str(&format!(
            "- [{}](#{})\n",
            md_escape(&heading(report, e)),
            e.anchor
        ));
    }
    out.push_str("\n## Changes\n");
    for e in &report.entries {
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n### {}\n\n",
            html(&e.anchor),
            md_escape(&heading(report, e))
        ));
        let mut line = String::new();
        for (kind, text) in entry_runs(report, e) {
            let t = md_escape(&text);
            match kind {
                OpKind::Equal => line.push_str(&t),
                OpKind::Delete => line.push_str(&format!("~~{t}~~")),
                OpKind::Insert => line.push_str(&format!("**{t}**")),
            }
        }
        out.push_str(&line);
        out.push_str("\n\n");
        for d in &e.flags {
            if let Some(pack) = report.pack {
                let rule = &pack.rules[d.flag.rule];
                out.push_str(&format!(
                    "- ⚑ {} {} {} (rule `{}`): {}\n",
                    change_word(d.change),
                    d.flag.severity.as_str(),
                    md_escape(rule.category()),
                    md_escape(rule.id()),
                    md_escape(&rule.spec.message)
                ));
            }
        }
        for a in &e.annotations {
            out.push_str(&format!(
                "- ⚑ {} {} — **{}**, {} ({})\n",
                a.spec.severity.as_str(),
                md_escape(&a.spec.category.value),
                md_escape(&a.spec.title),
                md_escape(&a.set.file.organization.name),
                md_escape(&state_note(a, new))
            ));
            if let Some(c) = &a.spec.comment {
                for l in c.lines() {
                    out.push_str(&format!("  > {}\n", md_escape(l)));
                }
            }
        }
    }
    out
}

fn change_word(c: FlagChange) -> &'static str {
    match c {
        FlagChange::New => "new",
        FlagChange::Gone => "gone",
        FlagChange::Kept => "kept",
    }
}

/// Renders annotation Markdown to HTML with raw HTML escaped, images dropped (their alt text
/// kept) and only `http(s)`/`mailto` links.
pub fn comment_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let mut in_image = 0usize;
    let events = parser.filter_map(|event| match event {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            None
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            None
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = safe_url(&dest_url)
                .map(|u| u.to_string())
                .unwrap_or_default();
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url: safe.into(),
                title,
                id,
            }))
        }
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    // Links whose target was refused keep their text but point nowhere.
    out.replace("<a href=\"\">", "<a>")
}

const CSS: &str = "
:root{--ink:#1b1b1b;--muted:#5b5b5b;--del:#a40000;--ins:#0a5d00;--line:#ddd;--high:#a40000;--medium:#8a5a00;--low:#44546a}
body{font:16px/1.5 Georgia,'Times New Roman',serif;color:var(--ink);max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin-bottom:.25rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid var(--line);padding:.2rem .5rem;text-align:left}
del{color:var(--del);text-decoration:line-through;text-decoration-thickness:2px}
ins{color:var(--ins);text-decoration:underline;text-decoration-thickness:2px;font-weight:bold}
.clause{white-space:pre-wrap;overflow-wrap:anywhere}
.meta,.state{color:var(--muted);font-size:.9rem}
.note{border-left:4px solid var(--line);padding:.25rem .75rem;margin:.5rem 0}
.note.high{border-color:var(--high)}.note.medium{border-color:var(--medium)}.note.low,.note.info{border-color:var(--low)}
.sev{font-weight:bold;text-transform:uppercase;font-size:.8rem}
a{color:#0645ad}
@media (max-width:600px){body{font-size:15px;padding:.5rem}table{font-size:.85rem}}
@media print{body{max-width:none;font-size:11pt}a{color:inherit;text-decoration:none}nav{display:none}
 del{color:#000}ins{color:#000}.entry{break-inside:avoid}}
";

/// The report as one self-contained HTML file.
pub fn report_html(report: &Report<'_>) -> String {
    let (old, new) = (report.old, report.new);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(new.language.code());
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        html(&new.display_title())
    ));
    out.push_str(&format!("<h1>{}</h1>\n", html(&new.display_title())));
    out.push_str(&format!(
        "<p class=\"meta\">Changes from <strong>{}</strong> to <strong>{}</strong>.",
        html(&versions_line(old)),
        html(&versions_line(new))
    ));
    for bill in [old, new] {
        if let Some(url) = bill.front_matter.source_url.as_deref().and_then(safe_url) {
            out.push_str(&format!(
                " <a href=\"{}\">{}</a>.",
                html(url),
                html(&bill.version_label())
            ));
        }
    }
    if old.front_matter.illustrative == Some(true) || new.front_matter.illustrative == Some(true) {
        out.push_str(" These bill texts are illustrative, not official texts.");
    }
    if let Some(d) = &report.generated {
        out.push_str(&format!(" Report generated {}.", html(d)));
    }
    out.push_str("</p>\n<h2>Summary</h2>\n<table><tr><th>change</th><th>clauses</th></tr>\n");
    for (k, n) in report.changes_by_kind() {
        out.push_str(&format!("<tr><td>{}</td><td>{n}</td></tr>\n", k.as_str()));
    }
    out.push_str("</table>\n");
    let flags = report.flags_summary();
    if !flags.is_empty() {
        out.push_str(
            "<table><tr><th>flags</th><th>severity</th><th>category</th><th>count</th></tr>\n",
        );
        for ((change, sev, cat), n) in &flags {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{n}</td></tr>\n",
                change_word(*change),
                sev.as_str(),
                html(cat)
            ));
        }
        out.push_str("</table>\n");
    }
    let ann = report.annotations_summary();
    if !ann.is_empty() {
        out.push_str("<table><tr><th>annotations by</th><th>state</th><th>count</th></tr>\n");
        for ((org, state), n) in &ann {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{n}</td></tr>\n",
                html(org),
                state.as_str()
            ));
        }
        out.push_str("</table>\n");
    }
    let unplaced = report.unplaced();
    if !unplaced.is_empty() {
        out.push_str("<p>Annotations whose provision is gone or cannot be placed:</p>\n<ul>\n");
        for a in unplaced {
            out.push_str(&format!(
                "<li><strong>{}</strong> ({}, {}): {}</li>\n",
                html(&a.spec.title),
                html(&a.set.file.organization.name),
                a.anchor.state.as_str(),
                html(&super::annotations::detail(a, new))
            ));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<nav><h2>Contents</h2>\n<ul>\n");
    for e in &report.entries {
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            html(&e.anchor),
            html(&heading(report, e))
        ));
    }
    out.push_str("</ul></nav>\n<h2>Changes</h2>\n");
    for e in &report.entries {
        out.push_str(&format!(
            "<section class=\"entry\" id=\"{}\">\n<h3>{}</h3>\n<p class=\"clause\">",
            html(&e.anchor),
            html(&heading(report, e))
        ));
        for (kind, text) in entry_runs(report, e) {
            let t = html(&text);
            match kind {
                OpKind::Equal => out.push_str(&t),
                OpKind::Delete => out.push_str(&format!("<del>{t}</del>")),
                OpKind::Insert => out.push_str(&format!("<ins>{t}</ins>")),
            }
        }
        out.push_str("</p>\n");
        for d in &e.flags {
            if let Some(pack) = report.pack {
                let rule = &pack.rules[d.flag.rule];
                out.push_str(&format!(
                    "<div class=\"note {}\"><span class=\"sev\">{} {}</span> {} <span class=\"state\">rule {}</span><br>{}</div>\n",
                    d.flag.severity.as_str(),
                    change_word(d.change),
                    d.flag.severity.as_str(),
                    html(rule.category()),
                    html(rule.id()),
                    html(&rule.spec.message)
                ));
            }
        }
        for a in &e.annotations {
            out.push_str(&format!(
                "<div class=\"note {}\"><span class=\"sev\">{}</span> {} — <strong>{}</strong>, {} <span class=\"state\">({})</span>",
                a.spec.severity.as_str(),
                a.spec.severity.as_str(),
                html(&a.spec.category.value),
                html(&a.spec.title),
                html(&a.set.file.organization.name),
                html(&state_note(a, new))
            ));
            if let Some(c) = &a.spec.comment {
                out.push_str(&comment_html(c));
            }
            if !a.spec.references.is_empty() {
                out.push_str("<ul class=\"refs\">");
                for r in &a.spec.references {
                    match r.url.as_deref().and_then(safe_url) {
                        Some(u) => out.push_str(&format!(
                            "<li><a href=\"{}\">{}</a></li>",
                            html(u),
                            html(&r.text)
                        )),
                        None => out.push_str(&format!("<li>{}</li>", html(&r.text))),
                    }
                }
                out.push_str("</ul>");
            }
            out.push_str("</div>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The report as JSON (schema_version 1).
pub fn report_json(report: &Report<'_>) -> String {
    let (old, new) = (report.old, report.new);
    let clause = |b: &Bill, i: Option<ClauseIdx>| {
        i.map(|i| json!({"id": b.clauses[i].id, "label": b.clauses[i].label}))
    };
    let entries: Vec<serde_json::Value> = report
        .entries
        .iter()
        .map(|e| {
            json!({
                "anchor": e.anchor,
                "kind": e.pair.map(|p| p.kind.as_str()),
                "heading": heading(report, e),
                "old": clause(old, e.old),
                "new": clause(new, e.new),
                "text": entry_runs(report, e).iter().map(|(k, t)| json!({"op": k, "text": t})).collect::<Vec<_>>(),
                "flags": e.flags.iter().filter_map(|d| report.pack.map(|p| {
                    let r = &p.rules[d.flag.rule];
                    json!({"change": d.change, "rule": r.id(), "category": r.category(), "severity": d.flag.severity, "message": r.spec.message})
                })).collect::<Vec<_>>(),
                "annotations": e.annotations.iter().map(|a| json!({
                    "id": a.spec.id.value, "organization": a.set.file.organization.name,
                    "severity": a.spec.severity, "category": a.spec.category.value, "title": a.spec.title,
                    "state": a.anchor.state, "comment": a.spec.comment,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "schema_version": REPORT_SCHEMA_VERSION,
        "old": super::outline::BillJson::new(old),
        "new": super::outline::BillJson::new(new),
        "generated": report.generated,
        "summary": {
            "changes": report.changes_by_kind().iter().map(|(k, n)| (k.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "flags": report.flags_summary().iter().map(|((c, s, cat), n)| json!({"change": c, "severity": s, "category": cat, "count": n})).collect::<Vec<_>>(),
            "annotations": report.annotations_summary().iter().map(|((org, st), n)| json!({"organization": org, "state": st, "count": n})).collect::<Vec<_>>(),
        },
        "unplaced_annotations": report.unplaced().iter().map(|a| json!({
            "id": a.spec.id.value, "organization": a.set.file.organization.name, "state": a.anchor.state,
            "written_on": a.anchor.written_label, "title": a.spec.title,
        })).collect::<Vec<_>>(),
        "entries": entries,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
