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
    let code = c as u32;
    if code < 0x80 {
        c.is_ascii_alphabetic()
    } else if code < 0x800 {
        two_byte().letter[(code - 0x80) as usize]
    } else {
        c.is_alphabetic() || is_mark(c)
    }
}

/// Number of the two-byte characters of UTF-8, U+0080 to U+07FF.
const TWO_BYTE_CHARS: usize = 0x800 - 0x80;

/// Facts about the two-byte characters (Latin-1 and the Latin extensions, Greek, Cyrillic with
/// the Kazakh letters): nearly every non-ASCII letter of the laws billdiff reads. Looked up in
/// a table rather than in the standard library's compressed Unicode tables, from which it is
/// computed once, so it agrees with them exactly.
struct TwoByte {
    /// `is_letter` of each.
    letter: [bool; TWO_BYTE_CHARS],
    /// The lowercase of each when that is one two-byte character (itself if it has no case),
    /// else 0 (`İ` lowercases to two characters).
    lower: [u16; TWO_BYTE_CHARS],
}

fn two_byte() -> &'static TwoByte {
    static TABLE: std::sync::OnceLock<TwoByte> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = TwoByte {
            letter: [false; TWO_BYTE_CHARS],
            lower: [0; TWO_BYTE_CHARS],
        };
        for (k, code) in (0x80u32..0x800).enumerate() {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            table.letter[k] = c.is_alphabetic() || is_mark(c);
            let mut lower = c.to_lowercase();
            if let (Some(l), None) = (lower.next(), lower.next()) {
                if l.len_utf8() == 2 {
                    table.lower[k] = l as u16;
                }
            }
        }
        table
    })
}

/// Writes the lowercase of `word` (as `char::to_lowercase` gives it) into `out` and returns its
/// length, when the word is short and every character is ASCII or a two-byte one whose lowercase
/// is one two-byte character; `None` otherwise, for the caller's general path.
pub fn lowercase_short(word: &str, out: &mut [u8; 64]) -> Option<usize> {
    let b = word.as_bytes();
    if b.len() > out.len() {
        return None;
    }
    let table = two_byte();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            out[i] = c.to_ascii_lowercase();
            i += 1;
        } else if c & 0xE0 == 0xC0 {
            let code = (u32::from(c & 0x1F) << 6) | u32::from(*b.get(i + 1)? & 0x3F);
            let lower = *table.lower.get((code as usize).checked_sub(0x80)?)?;
            if lower == 0 {
                return None;
            }
            out[i] = 0xC0 | (lower >> 6) as u8;
            out[i + 1] = 0x80 | (lower & 0x3F) as u8;
            i += 2;
        } else {
            return None;
        }
    }
    Some(b.len())
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
            end = number_end(text, end);
            TokenKind::Number
        } else if is_letter(c) {
            end = word_end(text, end);
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
/// `Tokens::new(text).filter(Token::is_word)`, found faster (the aligner reads every word of
/// both versions this way).
pub fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    // One pass with the tokenizer's rules: white space and punctuation are skipped a character
    // at a time (no token but a word or a number starts at a letter or a digit, and none of
    // them swallows one), runs of ASCII letters and digits a byte at a time.
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let start = i;
        let (c, len) = char_at(text, i).unwrap_or(('\0', 1));
        i += len;
        if c.is_ascii_digit() {
            i = number_end(text, i);
            f(&text[start..i]);
        } else if is_letter(c) {
            i = word_end(text, i);
            f(&text[start..i]);
        }
    }
}

/// The end of a word token whose first letter ends at `end`: more letters and digits, and
/// joiners followed by a letter. Runs of ASCII letters and digits are skipped a byte at a time.
fn word_end(text: &str, mut end: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            end += 1;
        }
        let Some((d, l)) = char_at(text, end) else {
            return end;
        };
        let joins = is_word_joiner(d) && char_at(text, end + l).is_some_and(|(e, _)| is_letter(e));
        if (!d.is_ascii() && is_letter(d)) || joins {
            end += l;
        } else {
            return end;
        }
    }
}

/// The end of a number token whose first digit ends at `end`: more digits, joiners followed by a
/// digit, then a suffix of one or two ASCII letters not followed by a letter or digit (`15a`).
fn number_end(text: &str, mut end: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some((d, l)) = char_at(text, end) {
        let joins = is_number_joiner(d) && bytes.get(end + l).is_some_and(|b| b.is_ascii_digit());
        if d.is_ascii_digit() || joins {
            end += l;
        } else {
            break;
        }
    }
    let n = bytes[end..]
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if (1..=2).contains(&n) && char_at(text, end + n).is_none_or(|(d, _)| !d.is_alphanumeric()) {
        end += n;
    }
    end
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
    fn word_scan_of_ascii_agrees_with_the_tokenizer() {
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
    fn tables_agree_with_the_standard_library() {
        let mut out = [0u8; 64];
        for code in 0..0x800u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            assert_eq!(is_letter(c), c.is_alphabetic() || is_mark(c), "{c:?}");
            let word = format!("a{c}Z");
            let expect: String = word.chars().flat_map(char::to_lowercase).collect();
            if let Some(len) = lowercase_short(&word, &mut out) {
                assert_eq!(&out[..len], expect.as_bytes(), "{c:?}");
            } else {
                assert_ne!(expect.len(), word.len(), "{c:?} has a short lowercase");
            }
        }
        assert_eq!(lowercase_short("ÄÖÜ СӘЛЕМ", &mut out), Some(17));
        assert_eq!(&out[..17], "äöü сәлем".as_bytes());
        // Three-byte characters and long words take the general path.
        assert_eq!(lowercase_short("ẞ", &mut out), None);
        assert_eq!(lowercase_short(&"a".repeat(65), &mut out), None);
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
