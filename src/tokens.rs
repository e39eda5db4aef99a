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

/// The character at byte `i` and its length, with a fast path for ASCII.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((b as char, 1));
    }
    text[i..].chars().next().map(|c| (c, c.len_utf8()))
}

/// Splits `text` into tokens covering it exactly.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    tokens.extend(Tokens::new(text));
    tokens
}

/// The tokens of a text, one at a time (no allocation).
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str) -> Self {
        Tokens { text, at: 0 }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.at;
        let (c, len) = char_at(text, start)?;
        let mut end = start + len;
        let kind = if c.is_whitespace() {
            while let Some((d, l)) = char_at(text, end) {
                if !d.is_whitespace() {
                    break;
                }
                end += l;
            }
            TokenKind::Space
        } else if c.is_ascii_digit() {
            while let Some((d, l)) = char_at(text, end) {
                let joins =
                    is_number_joiner(d) && bytes.get(end + l).is_some_and(|b| b.is_ascii_digit());
                if d.is_ascii_digit() || joins {
                    end += l;
                } else {
                    break;
                }
            }
            // A letter suffix of one or two ASCII letters not followed by more letters: `15a`.
            let n = bytes[end..]
                .iter()
                .take(3)
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            if (1..=2).contains(&n)
                && char_at(text, end + n).is_none_or(|(d, _)| !d.is_alphanumeric())
            {
                end += n;
            }
            TokenKind::Number
        } else if is_letter(c) {
            // ASCII letters and digits need no decoding: skip over them first.
            end += bytes[end..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            while let Some((d, l)) = char_at(text, end) {
                let joins =
                    is_word_joiner(d) && char_at(text, end + l).is_some_and(|(e, _)| is_letter(e));
                if is_letter(d) || d.is_ascii_digit() || joins {
                    end += l;
                } else {
                    break;
                }
            }
            TokenKind::Word
        } else {
            TokenKind::Punct
        };
        self.at = end;
        Some(Token {
            text: &text[start..end],
            start,
            kind,
        })
    }
}

/// Calls `f` with every word and number of `text`, in order: the same tokens as
/// `Tokens::new(text).filter(Token::is_word)`, found faster when the text is all ASCII (the
/// aligner reads every word of both versions this way).
pub fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    if text.is_ascii() {
        ascii_words(text, &mut f);
        return;
    }
    // No token but white space contains white space, and none looks behind its start, so the
    // text can be taken one blank-separated run at a time: runs that are all ASCII (most words
    // of a German or an English law) take the fast scan, the others the tokenizer.
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
            .map_or(bytes.len(), |n| start + n);
        if end > start {
            // Cut at ASCII bytes, so on character boundaries.
            let run = &text[start..end];
            if run.is_ascii() {
                ascii_words(run, &mut f);
            } else {
                for token in Tokens::new(run) {
                    if token.is_word() {
                        f(token.text);
                    }
                }
            }
        }
        start = end + 1;
    }
}

/// `for_each_word` for ASCII text: a byte loop with the tokenizer's rules for ASCII.
fn ascii_words<'a>(text: &'a str, f: &mut impl FnMut(&'a str)) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let c = b[i];
        let start = i;
        if c.is_ascii_digit() {
            i += 1;
            loop {
                if i < n && b[i].is_ascii_digit() {
                    i += 1;
                } else if i + 1 < n
                    && matches!(b[i], b'-' | b'.' | b',' | b'/')
                    && b[i + 1].is_ascii_digit()
                {
                    i += 2;
                } else {
                    break;
                }
            }
            // A suffix of one or two letters not followed by more letters or digits: `15a`.
            let k = b[i..]
                .iter()
                .take(3)
                .take_while(|x| x.is_ascii_alphabetic())
                .count();
            if (1..=2).contains(&k) && b.get(i + k).is_none_or(|x| !x.is_ascii_alphanumeric()) {
                i += k;
            }
            f(&text[start..i]);
        } else if c.is_ascii_alphabetic() {
            i += 1;
            loop {
                if i < n && b[i].is_ascii_alphanumeric() {
                    i += 1;
                } else if i + 1 < n
                    && matches!(b[i], b'-' | b'\'')
                    && b[i + 1].is_ascii_alphabetic()
                {
                    i += 2;
                } else {
                    break;
                }
            }
            f(&text[start..i]);
        } else {
            i += 1;
        }
    }
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
    fn ascii_word_scan_agrees_with_the_tokenizer() {
        for text in [
            "within 24 hours, 2-1 and 18-2; don't - stop 24-hour 15a 15abc x15 a1b",
            "3.5% 100,000 1/2 1. 2- -3 a- -b a'b a' 'b 12ab. 7a-b 0x1F",
            "  (1) The operator shall, within 24 hours: remove; 3-1) text;\n\tend",
            "",
            "a",
            "9",
            "...",
        ] {
            let mut fast = Vec::new();
            for_each_word(text, |w| fast.push(w));
            let slow: Vec<&str> = Tokens::new(text)
                .filter(Token::is_word)
                .map(|t| t.text)
                .collect();
            assert_eq!(fast, slow, "input {text:?}");
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
