//! Renderers: values in, bytes out, no I/O. Only this module knows colours, comfy-table and
//! output formats; every piece of third-party text passes through `escape` on its way out.

pub mod annotations;
pub mod diff;
pub mod escape;
pub mod flags;
pub mod outline;
pub mod quote;
pub mod report;

use anstyle::{AnsiColor, Effects, Style};

/// Terminal styling, or none: the one place that decides what a deletion or insertion looks like.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    pub color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{}{}{}", style.render(), text, style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// Deleted words: red and struck through, or `[-…-]` without colour.
    pub fn deleted(&self, text: &str) -> String {
        if self.color {
            self.paint(
                Style::new()
                    .fg_color(Some(AnsiColor::Red.into()))
                    .effects(Effects::STRIKETHROUGH),
                text,
            )
        } else {
            format!("[-{text}-]")
        }
    }

    /// Inserted words: green and underlined, or `{+…+}` without colour.
    pub fn inserted(&self, text: &str) -> String {
        if self.color {
            self.paint(
                Style::new()
                    .fg_color(Some(AnsiColor::Green.into()))
                    .effects(Effects::UNDERLINE),
                text,
            )
        } else {
            format!("{{+{text}+}}")
        }
    }

    /// Red without strike-through, for severity tags.
    pub fn deleted_plain(&self, text: &str) -> String {
        self.paint(
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            text,
        )
    }

    /// Green without underline, for tags.
    pub fn inserted_plain(&self, text: &str) -> String {
        self.paint(
            Style::new().fg_color(Some(AnsiColor::Green.into())).bold(),
            text,
        )
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }

    pub fn accent(&self, text: &str) -> String {
        self.paint(
            Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold(),
            text,
        )
    }

    pub fn warn(&self, text: &str) -> String {
        self.paint(Style::new().fg_color(Some(AnsiColor::Yellow.into())), text)
    }
}

/// Cuts a single line to at most `max` characters, ending with `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Columns a string takes on a terminal, skipping the escape sequences we wrote ourselves (bill
/// text is escaped before it is painted, so every ESC here is ours).
pub fn visible_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            if c.is_ascii_alphabetic() {
                in_escape = false;
            }
            continue;
        }
        if c == '\x1b' {
            in_escape = true;
            continue;
        }
        width += c.width().unwrap_or(0);
    }
    width
}

/// Breaks text at spaces into lines of at most `width` visible columns.
pub fn wrap_plain(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut col = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = visible_width(word);
        if col > 0 && col + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            col = 0;
        }
        if col > 0 {
            line.push(' ');
            col += 1;
        }
        line.push_str(word);
        col += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
