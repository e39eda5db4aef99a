//! Making untrusted text safe for a terminal: control characters, escape sequences and bidi
//! overrides are shown visibly escaped instead of being passed through raw.

use std::borrow::Cow;

/// True for characters that must never reach a terminal raw.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' // marks
            | '\u{202A}'..='\u{202E}'            // embeddings and overrides
            | '\u{2066}'..='\u{2069}'            // isolates
            | '\u{FEFF}'
        )
}

/// Escapes control and bidi characters (`\x1b`, `<U+202E>`); tabs become spaces. Newlines are
/// left for the caller, which decides how to break lines.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) || c == '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '\t' {
            out.push(' ');
        } else if is_unsafe(c) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `terminal_safe` for a single line: newlines are escaped too.
pub fn terminal_safe_line(text: &str) -> String {
    terminal_safe(text).replace('\n', "\\n")
}

/// Escapes text for HTML element content and attribute values.
pub fn html(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A URL that may be a link target: only `http(s)` and `mailto`, else `None`.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        .then_some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_overrides_are_visible() {
        assert_eq!(terminal_safe("plain"), "plain");
        assert_eq!(terminal_safe("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(
            terminal_safe("\x1b]8;;http://x\x07link"),
            "\\x1b]8;;http://x\\x07link"
        );
        assert_eq!(terminal_safe("a\rb\x08c"), "a\\x0db\\x08c");
        assert_eq!(terminal_safe("abc\u{202E}def"), "abc<U+202E>def");
        assert_eq!(terminal_safe("\u{9b}31m"), "\\x9b31m");
        assert_eq!(terminal_safe_line("a\nb"), "a\\nb");
    }

    #[test]
    fn html_and_urls() {
        assert_eq!(
            html("<script>x&\"'</script>"),
            "&lt;script&gt;x&amp;&quot;&#39;&lt;/script&gt;"
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(
            safe_url(" https://example.org "),
            Some("https://example.org")
        );
        assert_eq!(safe_url("mailto:a@b.org"), Some("mailto:a@b.org"));
    }
}
