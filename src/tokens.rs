//! The one tokenizer of billdiff: it cuts clause text into words, numbers, whitespace runs and
//! punctuation, and gives each token the key it is compared by under the ignore options.
//!
//! It owns the token boundaries (what counts as one word, one number) and the comparison keys
//! ([`fold_key`], [`is_ignored`]). It leaves the diffing of token sequences to `redline`, and the
//! anchoring of annotations to the annotate stage, which both build on these tokens so that a
//! change and an anchor never disagree about where a word starts or ends.
//!
//! # Token rules
//!
//! * Tokens cover the input exactly: concatenating every token's text gives back the input, and
//!   `start` is the byte offset of the token in it.
//! * **Space**: a run of whitespace (`char::is_whitespace`, which includes NBSP and newlines).
//! * **Word** / **Number**: a run of letters, digits and combining marks. The run is a Number when
//!   it starts with a digit (`24`, `15a`, `4c`, `18-2`), a Word otherwise (`Verhältnis`,
//!   `COVID-19`). A number glued to letters stays one token because legal numbering (`15a`,
//!   `Article 4c`) is one label, and a redline must never show `15[-a-]{+b+}`.
//! * Inner joiners keep compound words and composite numbers whole, but only between two word
//!   characters, so a trailing hyphen or a closing quote is never swallowed:
//!   * hyphens `-` U+2010 U+2011 between letters or digits: `Anbieter-Nutzer-Verhältnis`,
//!     `онлайн-платформа`, `2-1`, `3-1` of `3-1)`;
//!   * apostrophes `'` U+2019 between letters: `don't`, `l'article` (U+02BC is a letter anyway);
//!   * `.` `,` `/` between digits: `3.5`, `205.2`, `100,000`, `2016/679`. A list written without
//!     spaces (`1,2`) therefore reads as one number; legal text writes `1, 2`.
//!   The en and em dashes are not joiners: `Articles 3–5` is a range of two numbers.
//! * Han ideographs and kana are one Word per character, since those scripts do not separate
//!   words with spaces and a whole sentence as one "word" would make every edit a rewrite.
//! * **Punct**: every other character is a one-character token (quotes, brackets, «», §, dots,
//!   commas), together with any combining marks that follow it.
//!
//! Combining marks are recognised by block (the common combining ranges plus soft hyphen, ZWNJ
//! and ZWJ) rather than by the full Unicode tables, which would need another dependency; most
//! marks of the scripts that matter here (Latin, Cyrillic, Indic vowel signs) are letters for
//! `char::is_alphabetic` anyway. A mark this misses only splits a word, never loses text.

use std::borrow::Cow;

use crate::redline::CompareOptions;

/// What a token is, which decides how it is compared and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum TokenKind {
    /// Letters (with marks and inner hyphens or apostrophes), not starting with a digit.
    Word,
    /// A run starting with a digit, including glued letters and inner `-` `.` `,` `/`.
    Number,
    /// A run of whitespace.
    Space,
    /// Any other single character.
    Punct,
}

/// A slice of the input with its byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
    pub kind: TokenKind,
}

impl Token<'_> {
    /// Byte offset just past the token.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Words and numbers carry the meaning of a clause; similarity counts only these.
    pub fn is_word_like(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Number)
    }
}

/// Cuts `text` into tokens that cover it exactly, in one pass over its characters.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    // Prose averages well over three bytes per token (word plus space), so this rarely regrows.
    let mut tokens = Vec::with_capacity(text.len() / 3 + 1);
    let mut pos = 0;
    while let Some(c) = next_char(text, pos) {
        let start = pos;
        pos += c.len_utf8();
        let kind = if c.is_whitespace() {
            pos = skip_while(text, pos, char::is_whitespace);
            TokenKind::Space
        } else if is_ideograph(c) {
            pos = skip_while(text, pos, is_mark_like);
            TokenKind::Word
        } else if is_word_char(c) {
            pos = scan_word(text, pos, c);
            if c.is_numeric() {
                TokenKind::Number
            } else {
                TokenKind::Word
            }
        } else {
            pos = skip_while(text, pos, is_mark_like);
            TokenKind::Punct
        };
        // `start` and `pos` always sit on char boundaries: they only move by whole chars.
        tokens.push(Token {
            text: &text[start..pos],
            start,
            kind,
        });
    }
    tokens
}

/// True when the options take this token out of the comparison entirely: whitespace under
/// `ignore_whitespace` (so `foo(bar)` equals `foo (bar)`), punctuation under
/// `ignore_punctuation`. Ignored tokens still belong to the text; the diff attaches them to the
/// compared token before them.
pub fn is_ignored(token: &Token<'_>, opts: &CompareOptions) -> bool {
    match token.kind {
        TokenKind::Space => opts.ignore_whitespace,
        TokenKind::Punct => opts.ignore_punctuation,
        TokenKind::Word | TokenKind::Number => false,
    }
}

/// The key a token is compared by: lowercased under `ignore_case`, a single space for any
/// whitespace run under `ignore_whitespace`, the text itself otherwise. Borrows unless
/// lowercasing actually changes something, so the common case allocates nothing.
///
/// Lowercasing is `str::to_lowercase`, not full case folding: `STRASSE` and `straße` stay
/// different, which is the safe side for a legal diff.
pub fn fold_key<'a>(token: &Token<'a>, opts: &CompareOptions) -> Cow<'a, str> {
    if token.kind == TokenKind::Space {
        return if opts.ignore_whitespace {
            Cow::Borrowed(" ")
        } else {
            Cow::Borrowed(token.text)
        };
    }
    if opts.ignore_case && token.text.chars().any(changes_when_lowercased) {
        return Cow::Owned(token.text.to_lowercase());
    }
    Cow::Borrowed(token.text)
}

fn changes_when_lowercased(c: char) -> bool {
    let mut lower = c.to_lowercase();
    !(lower.next() == Some(c) && lower.next().is_none())
}

fn next_char(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|rest| rest.chars().next())
}

fn skip_while(text: &str, mut pos: usize, keep: impl Fn(char) -> bool) -> usize {
    while let Some(c) = next_char(text, pos) {
        if !keep(c) {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

/// Extends a word or number that began with `first` (already consumed up to `pos`).
fn scan_word(text: &str, mut pos: usize, first: char) -> usize {
    // The last base character decides whether a joiner may follow (digits for `.`, letters for
    // apostrophes); marks do not change it.
    let mut prev = first;
    loop {
        let Some(rest) = text.get(pos..) else {
            return pos;
        };
        let mut chars = rest.chars();
        let Some(c) = chars.next() else {
            return pos;
        };
        if is_word_char(c) {
            if !is_mark_like(c) {
                prev = c;
            }
            pos += c.len_utf8();
            continue;
        }
        match chars.next() {
            Some(next) if joins(prev, c, next) => {
                pos += c.len_utf8() + next.len_utf8();
                prev = next;
            }
            _ => return pos,
        }
    }
}

/// Whether `joiner` between `prev` and `next` keeps them in one token.
fn joins(prev: char, joiner: char, next: char) -> bool {
    match joiner {
        '-' | '\u{2010}' | '\u{2011}' => is_base_word_char(prev) && is_base_word_char(next),
        '\'' | '\u{2019}' => prev.is_alphabetic() && next.is_alphabetic() && !is_ideograph(next),
        '.' | ',' | '/' => prev.is_numeric() && next.is_numeric(),
        _ => false,
    }
}

fn is_word_char(c: char) -> bool {
    is_base_word_char(c) || is_mark_like(c)
}

fn is_base_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_ideograph(c)
}

/// Combining marks and invisible joiners that belong to the character before them.
fn is_mark_like(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'   // combining diacritics (decomposed umlauts, accents)
        | '\u{0483}'..='\u{0489}' // Cyrillic combining marks
        | '\u{0591}'..='\u{05BD}' // Hebrew points
        | '\u{0610}'..='\u{061A}' // Arabic marks
        | '\u{064B}'..='\u{065F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{00AD}'              // soft hyphen
        | '\u{200C}'
        | '\u{200D}')
}

/// Han ideographs and kana: one word per character.
fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders tokens as `kind:text` joined by `|`, with Space shown as `_`.
    fn render(text: &str) -> String {
        tokenize(text)
            .iter()
            .map(|t| match t.kind {
                TokenKind::Word => format!("W:{}", t.text),
                TokenKind::Number => format!("N:{}", t.text),
                TokenKind::Space => "_".to_string(),
                TokenKind::Punct => format!("P:{}", t.text),
            })
            .collect::<Vec<_>>()
            .join("|")
    }

    fn check(text: &str, expect: &str) {
        assert_eq!(render(text), expect, "tokens of {text:?}");
        assert_covers(text);
    }

    fn assert_covers(text: &str) {
        let tokens = tokenize(text);
        let mut pos = 0;
        for t in &tokens {
            assert_eq!(t.start, pos, "token {t:?} of {text:?}");
            assert!(!t.text.is_empty());
            pos = t.end();
        }
        assert_eq!(pos, text.len());
        assert_eq!(tokens.iter().map(|t| t.text).collect::<String>(), text);
    }

    #[test]
    fn words_spaces_and_punctuation() {
        check(
            "within 24 hours, (a)",
            "W:within|_|N:24|_|W:hours|P:,|_|P:(|W:a|P:)",
        );
        check("  \n\t x", "_|W:x");
        check("", "");
    }

    #[test]
    fn numbers_are_kept_whole() {
        check("2-1 18-2 3.5", "N:2-1|_|N:18-2|_|N:3.5");
        check("100,000 205.2 2016/679", "N:100,000|_|N:205.2|_|N:2016/679");
        check("15a 4c", "N:15a|_|N:4c");
        check("3-1)", "N:3-1|P:)");
        check("Article 5.", "W:Article|_|N:5|P:.");
        check("1, 2", "N:1|P:,|_|N:2");
        check("Art.5", "W:Art|P:.|N:5");
    }

    #[test]
    fn compounds_and_apostrophes_are_one_word() {
        check("Anbieter-Nutzer-Verhältnis", "W:Anbieter-Nutzer-Verhältnis");
        check("онлайн-платформа", "W:онлайн-платформа");
        check("don't l’article", "W:don't|_|W:l’article");
        check("COVID-19", "W:COVID-19");
    }

    #[test]
    fn trailing_joiners_are_punctuation() {
        check("Verhält-\nnis", "W:Verhält|P:-|_|W:nis");
        check("'quoted'", "P:'|W:quoted|P:'");
        check("3.-", "N:3|P:.|P:-");
        check("a--b", "W:a|P:-|P:-|W:b");
    }

    #[test]
    fn cyrillic_and_kazakh_letters_are_words() {
        check(
            "Қазақстан Республикасының заңы",
            "W:Қазақстан|_|W:Республикасының|_|W:заңы",
        );
        check("әғқңөұүһі", "W:әғқңөұүһі");
        check("ß Straße", "W:ß|_|W:Straße");
    }

    #[test]
    fn quotes_brackets_and_section_signs_are_single_punct() {
        check("«закон» § 3", "P:«|W:закон|P:»|_|P:§|_|N:3");
        check("„Gesetz“", "P:„|W:Gesetz|P:“");
        check("...", "P:.|P:.|P:.");
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        // "Verha\u{308}ltnis" is the decomposed spelling of "Verhältnis".
        check("Verha\u{308}ltnis", "W:Verha\u{308}ltnis");
        check("\"\u{301}x", "P:\"\u{301}|W:x");
    }

    #[test]
    fn ideographs_are_one_word_each() {
        check("第5条", "W:第|N:5|W:条");
    }

    #[test]
    fn fold_key_follows_options() {
        let tokens = tokenize("Hours  x");
        let plain = CompareOptions::default();
        let loose = CompareOptions {
            ignore_case: true,
            ignore_whitespace: true,
            ignore_punctuation: true,
        };
        assert_eq!(fold_key(&tokens[0], &plain), "Hours");
        assert_eq!(fold_key(&tokens[0], &loose), "hours");
        assert!(matches!(fold_key(&tokens[2], &loose), Cow::Borrowed(_)));
        assert_eq!(fold_key(&tokens[1], &plain), "  ");
        assert_eq!(fold_key(&tokens[1], &loose), " ");
        assert!(is_ignored(&tokens[1], &loose));
        assert!(!is_ignored(&tokens[1], &plain));
        assert_eq!(fold_key(&tokenize("ЗАҢЫ")[0], &loose), "заңы");
    }

    #[test]
    fn odd_input_is_covered_exactly() {
        for text in [
            "\u{301}",
            "a\u{200D}b",
            "x-",
            "-x",
            "1.",
            ".1",
            "1..2",
            "a''b",
            "\u{FEFF}BOM",
            "tab\tend\r\n",
            "😀👍🏽 emoji",
            "\u{0}\u{7f}",
        ] {
            assert_covers(text);
        }
    }

    #[test]
    fn large_input_is_tokenized() {
        let text = "Der Anbieter-Nutzer-Vertrag gilt ab 1.1.2025, § 15a (3-1). ".repeat(20_000);
        let tokens = tokenize(&text);
        assert_eq!(
            tokens.iter().map(|t| t.text.len()).sum::<usize>(),
            text.len()
        );
    }
}
