//! `billdiff quote`: the exact text of a clause as it stands in the source, with a citation a
//! journalist can print (bill, version and date, citation, source, content hash), optionally the
//! redline against an older version and the annotations and flags on the clause.

use super::escape::{html, safe_url, terminal_safe};
use crate::model::{Bill, ClauseIdx};
use crate::redline::{OpKind, Redline};

/// What happened to the clause since an older version: a sentence, and the redline when the
/// text changed (the redline with the two texts it indexes).
pub struct Since {
    pub intro: String,
    pub redline: Option<(Redline, String, String)>,
}

impl Since {
    /// The change as plain text with `[-…-]`/`{+…+}` marks.
    pub fn plain(&self) -> String {
        match &self.redline {
            Some((r, o, n)) => format!("{} {}", self.intro, r.render_inline(o, n)),
            None => self.intro.clone(),
        }
    }

    /// The change as HTML with `<del>` and `<ins>`.
    pub fn html(&self) -> String {
        let mut out = html(&self.intro).into_owned();
        if let Some((r, o, n)) = &self.redline {
            out.push(' ');
            for op in &r.ops {
                let old = o.get(op.old.clone()).unwrap_or("");
                let new = n.get(op.new.clone()).unwrap_or("");
                match op.kind {
                    OpKind::Equal => out.push_str(&html(new)),
                    OpKind::Delete => out.push_str(&format!("<del>{}</del>", html(old))),
                    OpKind::Insert => out.push_str(&format!("<ins>{}</ins>", html(new))),
                }
            }
        }
        out
    }
}

/// What a quote shows besides the text.
pub struct QuoteView<'q> {
    pub clause: ClauseIdx,
    /// The quoted bytes (a slice of the source).
    pub text: &'q str,
    pub hash: String,
    pub lines: (u32, u32),
    /// The change since an older version, if asked for.
    pub since: Option<Since>,
    /// One line per annotation or flag on the clause.
    pub notes: Vec<String>,
}

fn citation_parts(bill: &Bill, view: &QuoteView<'_>) -> Vec<String> {
    let fm = &bill.front_matter;
    let clause = &bill.clauses[view.clause];
    let mut version = bill.version_label();
    if let (Some(d), true) = (&fm.date, fm.version.is_some()) {
        version.push_str(&format!(" ({d})"));
    }
    let mut parts = vec![
        bill.display_title(),
        version,
        format!("{} [{}]", clause.label, clause.id),
    ];
    if let Some(url) = &fm.source_url {
        parts.push(url.clone());
    }
    if fm.illustrative == Some(true) {
        parts.push("illustrative text".into());
    }
    parts
}

/// Plain text (terminal-safe).
pub fn quote_text(bill: &Bill, view: &QuoteView<'_>) -> String {
    let mut out = String::new();
    out.push_str(&terminal_safe(view.text));
    out.push_str("\n\n— ");
    out.push_str(&terminal_safe(&citation_parts(bill, view).join(", ")));
    out.push_str(&format!(
        "\n  {}, lines {}–{} · sha256:{}\n",
        terminal_safe(&bill.source.display_path()),
        view.lines.0,
        view.lines.1,
        view.hash
    ));
    if let Some(s) = &view.since {
        out.push_str(&format!("\n{}\n", terminal_safe(&s.plain())));
    }
    for n in &view.notes {
        out.push_str(&format!("⚑ {}\n", terminal_safe(n)));
    }
    out
}

/// Markdown: the text as a block quote, then the citation.
pub fn quote_markdown(bill: &Bill, view: &QuoteView<'_>) -> String {
    let mut out = String::new();
    for line in view.text.lines() {
        out.push_str("> ");
        out.push_str(line.trim_start());
        out.push('\n');
    }
    out.push_str(&format!(
        "\n— {} · `sha256:{}` (lines {}–{})\n",
        citation_parts(bill, view).join(", "),
        view.hash,
        view.lines.0,
        view.lines.1
    ));
    if let Some(s) = &view.since {
        out.push_str(&format!("\n{}\n", s.plain()));
    }
    if !view.notes.is_empty() {
        out.push('\n');
        for n in &view.notes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    out
}

/// An HTML fragment: `<figure>` with the quote (escaped) and its citation.
pub fn quote_html(bill: &Bill, view: &QuoteView<'_>) -> String {
    let cite = bill
        .front_matter
        .source_url
        .as_deref()
        .and_then(safe_url)
        .map(|u| format!(" cite=\"{}\"", html(u)))
        .unwrap_or_default();
    let mut out = format!(
        "<figure class=\"billdiff-quote\">\n<blockquote{cite}><p>{}</p></blockquote>\n",
        html(view.text).replace('\n', "<br>\n")
    );
    out.push_str(&format!(
        "<figcaption>— {} · <code>sha256:{}</code> (lines {}–{})</figcaption>\n",
        html(&citation_parts(bill, view).join(", ")),
        view.hash,
        view.lines.0,
        view.lines.1
    ));
    if let Some(s) = &view.since {
        out.push_str(&format!("<p class=\"since\">{}</p>\n", s.html()));
    }
    if !view.notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for n in &view.notes {
            out.push_str(&format!("<li>{}</li>\n", html(n)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</figure>\n");
    out
}
