//! Where a long Markdown body can be cut so that each piece parses on its own exactly as it
//! parses inside the whole: before an ATX heading at the start of a line that follows a blank
//! line. There every paragraph, list, block quote, table and HTML block of types 6–7 has ended,
//! so pulldown-cmark sees the same blocks either way, while its event tree only ever holds one
//! piece (on a 20 MB bill that tree is the largest thing in memory).
//!
//! Constructs that can run across such a line, or that link one place of the document to
//! another, make the document one piece: fenced code, HTML blocks of types 1–5 (`<pre>`,
//! `<script>`, `<style>`, `<textarea>`, comments, `<?`, `<!`), link reference definitions and
//! footnotes. Laws rarely have any of them; when in doubt the document is not cut.

use std::ops::Range;

/// Pieces of `text` (covering it exactly, in order) of at least `min_len` bytes each, except
/// the last, never cut before `body_start` (front matter stays whole); one piece when the text
/// is short or holds a construct named above.
pub fn pieces(text: &str, body_start: usize, min_len: usize) -> Vec<Range<usize>> {
    let min_len = min_len.max(1);
    if text.len() < 2 * min_len || !cuttable(text) {
        return std::iter::once(0..text.len()).collect();
    }
    let mut out = Vec::new();
    let mut piece_start = 0;
    // Candidates are lines that start with `#`; a piece is never shorter than `min_len`, so
    // the search skips ahead to where the next cut may be.
    let mut from = body_start;
    loop {
        from = from.max(piece_start + min_len);
        // `#` is rare outside heading lines: find it (a vectorised byte search), then look
        // at the byte before it.
        let Some(found) = text.get(from..).and_then(|rest| rest.find('#')) else {
            break;
        };
        let at = from + found;
        from = at + 1;
        if text.as_bytes()[at - 1] != b'\n' {
            continue;
        }
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let prev_start = text[..at - 1].rfind('\n').map_or(0, |n| n + 1);
        if at > body_start
            && is_atx_heading(&text[at..line_end])
            && text[prev_start..at - 1].trim().is_empty()
        {
            out.push(piece_start..at);
            piece_start = at;
        }
    }
    out.push(piece_start..text.len());
    out
}

/// An ATX heading at column 0: one to six `#` and then a space, a tab or the end of the line.
fn is_atx_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && matches!(
            line.as_bytes().get(hashes),
            None | Some(b' ' | b'\t' | b'\r')
        )
}

/// The line that `at` lies on, and whether only white space precedes `at` on it.
fn line_at(text: &str, at: usize) -> (&str, bool) {
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    (&text[start..end], text[start..at].trim().is_empty())
}

/// False when the text holds a construct that may span a heading line or refer across pieces.
/// One scan for the four bytes such constructs start with, then a look at the few places found.
fn cuttable(text: &str) -> bool {
    let bytes = text.as_bytes();
    let starts_a_line = |at: usize| line_at(text, at).1;
    let mut from = 0;
    while let Some(at) = find_opener(bytes, from) {
        from = at + 1;
        match bytes[at] {
            b'[' => {
                // A footnote reference or definition, or a link reference definition.
                if bytes.get(at + 1) == Some(&b'^') {
                    return false;
                }
                let (line, first) = line_at(text, at);
                if first && line.contains("]:") {
                    return false;
                }
            }
            b'`' | b'~' => {
                let fence = if bytes[at] == b'`' { "```" } else { "~~~" };
                if text[at..].starts_with(fence) && starts_a_line(at) {
                    return false;
                }
            }
            _ => {
                if starts_a_line(at) && opens_html_block_1_to_5(text, at) {
                    return false;
                }
            }
        }
    }
    true
}

/// Whether the `<` at `at` opens an HTML block of types 1-5 (`<pre>`, `<script>`, `<style>`,
/// `<textarea>`, comments, `<?`, `<!`), which may run across blank lines and headings.
fn opens_html_block_1_to_5(text: &str, at: usize) -> bool {
    let lower: String = text[at + 1..]
        .chars()
        .take(9)
        .flat_map(char::to_lowercase)
        .collect();
    lower.starts_with('!')
        || lower.starts_with('?')
        || ["script", "pre", "style", "textarea"]
            .iter()
            .any(|tag| lower.starts_with(tag))
}

/// Whether a byte may open a construct that keeps a document whole.
#[inline]
fn is_opener(b: u8) -> bool {
    (b == b'[') | (b == b'`') | (b == b'~') | (b == b'<')
}

/// The first opener byte at or after `from`. Blocks of 32 bytes are tested at once (without
/// branches, so the test compiles to a few vector instructions); laws have few such bytes.
fn find_opener(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut at = from;
    while let Some(block) = bytes.get(at..at + BLOCK) {
        let block: &[u8; BLOCK] = block.try_into().unwrap_or(&[0; BLOCK]);
        let mut hits = 0u8;
        for &b in block {
            hits |= u8::from(is_opener(b));
        }
        if hits != 0 {
            break;
        }
        at += BLOCK;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&b| is_opener(b))
        .map(|n| at + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, min_len: usize) -> Vec<&str> {
        pieces(text, 0, min_len)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn cuts_before_headings_after_blank_lines() {
        let text =
            "# Law\n\n## Article 1\n\n1. a\n2. b\n\n## Article 2\n\ntext\n## Article 3\n\nend\n";
        assert_eq!(
            cut(text, 1),
            vec![
                "# Law\n\n",
                "## Article 1\n\n1. a\n2. b\n\n",
                "## Article 2\n\ntext\n## Article 3\n\nend\n"
            ]
        );
        // Pieces are at least `min_len` long.
        assert_eq!(cut(text, 30).len(), 2);
        assert_eq!(cut(text, 1000), vec![text]);
    }

    #[test]
    fn pieces_cover_the_text() {
        let text = "intro\n\n# A\n\nx\n\n#B not a heading\n\n####### seven\n\n# C\n";
        let ranges = pieces(text, 0, 1);
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(text.len()));
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert_eq!(
            cut(text, 1),
            vec![
                "intro\n\n",
                "# A\n\nx\n\n#B not a heading\n\n####### seven\n\n",
                "# C\n"
            ]
        );
    }

    /// The cut rule walked line by line, as the module doc states it.
    fn reference(text: &str, body_start: usize, min_len: usize) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let (mut piece_start, mut prev_blank, mut at) = (0, false, 0);
        while at < text.len() {
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let line = &text[at..end];
            if prev_blank && at > body_start && at - piece_start >= min_len && is_atx_heading(line)
            {
                out.push(piece_start..at);
                piece_start = at;
            }
            prev_blank = line.trim().is_empty();
            at = end + 1;
        }
        out.push(piece_start..text.len());
        out
    }

    #[test]
    fn the_fast_search_cuts_where_the_line_walk_does() {
        let parts = [
            "# A\n",
            "\n",
            "## B x\n",
            "text\n",
            "  \n",
            "#no\n",
            "###### six\n",
            "####### seven\n",
            "\t\n",
            "#\n",
            "# C\r\n",
        ];
        // Deterministic pseudo-random documents from the parts above.
        let mut seed = 7u64;
        for _ in 0..500 {
            let mut doc = String::new();
            for _ in 0..30 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                doc.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            for min_len in [1, 5, 20] {
                for body_start in [0, 3] {
                    let body_start = body_start.min(doc.len());
                    if doc.len() >= 2 * min_len {
                        assert_eq!(
                            pieces(&doc, body_start, min_len),
                            reference(&doc, body_start, min_len),
                            "{doc:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn front_matter_is_never_cut() {
        let text = "---\ntitle: x\n\n# a YAML comment\n---\n\n# A\n\nx\n";
        let body = text.find("\n\n# A").map(|n| n + 1).unwrap_or(0);
        assert_eq!(
            pieces(text, body, 1)
                .into_iter()
                .map(|r| &text[r])
                .collect::<Vec<_>>(),
            vec!["---\ntitle: x\n\n# a YAML comment\n---\n\n", "# A\n\nx\n"]
        );
    }

    #[test]
    fn constructs_that_span_or_refer_keep_one_piece() {
        for body in [
            "```\n\n# not a heading\n```\n",
            "  ~~~\ncode\n~~~\n",
            "<pre>\n\n# inside pre\n</pre>\n",
            "<!-- comment\n\n# inside\n-->\n",
            "[ref]: https://example.org\n",
            "text[^1]\n\n[^1]: note\n",
            "<SCRIPT>\n",
        ] {
            let text = format!("# A\n\nx\n\n{body}\n# B\n\ny\n\n# C\n\nz\n");
            assert_eq!(pieces(&text, 0, 1).len(), 1, "{body:?}");
        }
    }

    /// `cuttable` as first written: a search per construct over the whole text (the test of
    /// what follows a `<` is shared; the search strategy is what is checked).
    fn cuttable_reference(text: &str) -> bool {
        if text.contains("[^") {
            return false;
        }
        let starts_a_line = |at: usize| line_at(text, at).1;
        for fence in ["```", "~~~"] {
            if text.match_indices(fence).any(|(at, _)| starts_a_line(at)) {
                return false;
            }
        }
        for (at, _) in text.match_indices('[') {
            let (line, first) = line_at(text, at);
            if first && line.contains("]:") {
                return false;
            }
        }
        for (at, _) in text.match_indices('<') {
            if starts_a_line(at) && opens_html_block_1_to_5(text, at) {
                return false;
            }
        }
        true
    }

    proptest::proptest! {
        #[test]
        fn one_scan_agrees_with_a_search_per_construct(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "[", "^", "`", "``", "~", "~~", "<", "pre", "!", "?", "]:", "\n", " ", "  ",
                "text of a law ", "§ 1", "ä", "# ", "Straße und Weg ",
            ]), 0..80)
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(cuttable(&text), cuttable_reference(&text), "{:?}", text);
        }
    }
}
