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
}
