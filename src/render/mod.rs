//! Renderers: values in, bytes out, no I/O. Only this module knows colours, comfy-table and
//! output formats; every piece of third-party text passes through `escape` on its way out.

pub mod annotations;
pub mod diff;
pub mod escape;
pub mod outline;

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
