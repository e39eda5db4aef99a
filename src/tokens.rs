//! The one tokenizer: splits clause text into words, numbers, white space and punctuation, for
//! the word diff (`redline`), the aligner's word bags (`align`) and, later, quote anchoring.
//!
//! Tokens tile the input exactly (their texts concatenate to it), so byte ranges of tokens are
//! byte ranges of the source text.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// Letters (any script), with inner hyphens and apostrophes: `Anbieter-Nutzer-Verhältnis`,
    /// `онлайн-платформа`, `don't`, `қызметі`.
    Word,
    /// A number kept whole: `24`, `2-1`, `18-2`, `3.5`, `100,000`, `18.03.2019`, `15a`.
    Number,
    /// A run of white space.
    Space,
    /// Any other single character: `(`, `«`, `§`, `;`.
    Punct,
}

/// A slice of the input with its kind and byte offset.
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

    /// True for words and numbers, the tokens similarity is counted on.
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Number)
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic() || is_mark(c)
}

/// Combining marks (accents written as separate code points) belong to their letter.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Joiners that keep a word whole when a letter follows: `-`, apostrophes, the soft hyphen.
fn is_word_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '\u{00AD}' | '‑')
}

/// Joiners inside a number when a digit follows: `2-1`, `3.5`, `100,000`, `1/2`.
fn is_number_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | ',' | '/' | '‑')
}

/// Splits `text` into tokens covering it exactly. One pass, no allocation beyond the result.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 4 + 1);
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    let next_char = |at: usize| text[at..].chars().next();
    while let Some((start, c)) = chars.next() {
        let kind;
        let mut end = start + c.len_utf8();
        if c.is_whitespace() {
            kind = TokenKind::Space;
            while let Some(&(i, d)) = chars.peek() {
                if !d.is_whitespace() {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
        } else if c.is_ascii_digit() || c.is_numeric() && c.is_alphanumeric() && !c.is_alphabetic()
        {
            kind = TokenKind::Number;
            while let Some(&(i, d)) = chars.peek() {
                if d.is_ascii_digit() {
                    end = i + 1;
                    chars.next();
                } else if is_number_joiner(d)
                    && next_char(i + d.len_utf8()).is_some_and(|e| e.is_ascii_digit())
                {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            // A letter suffix of one or two ASCII letters not followed by more letters: `15a`.
            let rest = &bytes[end..];
            let n = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            if (1..=2).contains(&n) && next_char(end + n).is_none_or(|d| !d.is_alphanumeric()) {
                for _ in 0..n {
                    chars.next();
                }
                end += n;
            }
        } else if is_letter(c) {
            kind = TokenKind::Word;
            while let Some(&(i, d)) = chars.peek() {
                let joins = is_word_joiner(d) && next_char(i + d.len_utf8()).is_some_and(is_letter);
                if is_letter(d) || d.is_ascii_digit() || joins {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
        } else {
            kind = TokenKind::Punct;
        }
        tokens.push(Token {
            text: &text[start..end],
            start,
            kind,
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        tokenize(text)
            .iter()
            .map(|t| match t.kind {
                TokenKind::Space => "_".to_string(),
                TokenKind::Word => format!("w:{}", t.text),
                TokenKind::Number => format!("n:{}", t.text),
                TokenKind::Punct => format!("p:{}", t.text),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn words_numbers_and_punctuation() {
        let cases = [
            ("within 24 hours", "w:within _ n:24 _ w:hours"),
            (
                "paragraph 2-1 of Article 18-2",
                "w:paragraph _ n:2-1 _ w:of _ w:Article _ n:18-2",
            ),
            ("§ 3a Abs. 2", "p:§ _ n:3a _ w:Abs p:. _ n:2"),
            ("Anbieter-Nutzer-Verhältnis", "w:Anbieter-Nutzer-Verhältnis"),
            (
                "онлайн-платформа «Қазақстан»",
                "w:онлайн-платформа _ p:« w:Қазақстан p:»",
            ),
            ("24 сағат ішінде", "n:24 _ w:сағат _ w:ішінде"),
            ("100,000 users, 3.5%", "n:100,000 _ w:users p:, _ n:3.5 p:%"),
            (
                "от 18.03.2019 № 237-VІ",
                "w:от _ n:18.03.2019 _ p:№ _ n:237 p:- w:VІ",
            ),
            ("3-1) text;", "n:3-1 p:) _ w:text p:;"),
            ("don't - stop", "w:don't _ p:- _ w:stop"),
            ("24-hour", "n:24 p:- w:hour"),
        ];
        for (input, expect) in cases {
            assert_eq!(show(input), expect, "input {input:?}");
        }
    }

    #[test]
    fn tokens_tile_the_input() {
        for text in [
            "",
            " a  b\n\tc ",
            "Статья 205²… x\u{202E}y",
            "a\u{0301}b 1.2.3. -x-",
        ] {
            let tokens = tokenize(text);
            let joined: String = tokens.iter().map(|t| t.text).collect();
            assert_eq!(joined, text);
            let mut at = 0;
            for t in &tokens {
                assert_eq!(t.start, at);
                at = t.end();
            }
        }
    }
}
