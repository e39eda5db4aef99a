//! Numbering as printed in bills: the label at the start of a body block (`(1)`, `2-1.`, `3-1)`,
//! `a)`, `aa)`, `а)`), and the type and number of a heading ("Article 18-2.", "§ 3a", "Art 143h",
//! "Статья 205<sup>2</sup>.", "18-2-бап.", "Erster Abschnitt", "РАЗДЕЛ ПЕРВЫЙ", "VIIIa. -").
//!
//! Pure string functions, no tree building (that is `parse::build`). Every function reads the
//! source text as written, so an escaped `3\. April` is never taken for a label.

use crate::model::{ClauseKind, ShortStr};

/// How a body label is written; labels of one style are siblings, a new style nests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelStyle {
    /// `(1)`, `(2a)`, `(3-1)`.
    ParenNumber,
    /// `1.`, `4a.`, `2-1.`, `15.1.`.
    DotNumber,
    /// `1)`, `3-1)`.
    CloseParenNumber,
    /// `(a)`, `(aa)`.
    ParenLetter,
    /// `a)`, `aa)`, `aaa)`, Cyrillic `а)`: the number of repeated letters is part of the style.
    Letter { repeat: u8, cyrillic: bool },
}

/// A label found at the start of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLabel {
    pub style: LabelStyle,
    /// The number or letter as printed, without brackets and dot: `2a`, `3-1`, `aa`, `а`.
    pub number: ShortStr,
    /// Bytes taken by the label and the white space after it.
    pub len: usize,
}

fn is_label_end(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) => c.is_whitespace(),
    }
}

fn skip_ws_len(s: &str) -> usize {
    s.char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map_or(s.len(), |(i, _)| i)
}

/// Reads an insertion-style number at the start of `s`: digits, then any of `-N`, `.N`,
/// `<sup>N</sup>`, and an optional 1-2 letter suffix (`15a`, `2-1`, `15.1`, `205<sup>2</sup>`).
/// Returns the number as printed and its byte length.
pub fn scan_number(s: &str) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = digits(0);
    if i == 0 {
        return None;
    }
    loop {
        if i + 1 < b.len() && (b[i] == b'-' || b[i] == b'.') && b[i + 1].is_ascii_digit() {
            i += 1 + digits(i + 1);
        } else if s[i..].starts_with("<sup>") {
            let n = digits(i + 5);
            if n > 0 && s[i + 5 + n..].starts_with("</sup>") {
                i += 5 + n + 6;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    // Letter suffix, Latin only (`15a`, `15A`, `143h`, `2aa`): Cyrillic letters after a number
    // are words ("1-бап" is handled by the caller), not suffixes.
    let letters = b[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if (1..=2).contains(&letters) {
        let after = &s[i + letters..];
        let boundary = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
        if boundary {
            i += letters;
        }
    }
    Some((&s[..i], i))
}

/// Reads the label at the start of a body block, if it has one.
pub fn body_label(s: &str) -> Option<BodyLabel> {
    scan_body_label(s).map(LabelRef::into_label)
}

/// A body label borrowed from the text it starts: what [`body_label`] reads, without copying
/// the number (for callers that only test for a label, or keep few of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRef<'a> {
    pub style: LabelStyle,
    pub number: &'a str,
    pub len: usize,
}

impl LabelRef<'_> {
    pub fn into_label(self) -> BodyLabel {
        BodyLabel {
            style: self.style,
            number: ShortStr::from(self.number),
            len: self.len,
        }
    }
}

/// [`body_label`] without allocating.
pub fn scan_body_label(s: &str) -> Option<LabelRef<'_>> {
    let first = s.chars().next()?;
    if first == '(' {
        let inner = &s[1..];
        if let Some((num, n)) = scan_number(inner) {
            if inner[n..].starts_with(')') && is_label_end(&inner[n + 1..]) {
                let len = 1 + n + 1;
                return Some(LabelRef {
                    style: LabelStyle::ParenNumber,
                    number: num,
                    len: len + skip_ws_len(&s[len..]),
                });
            }
            return None;
        }
        let (letters, n) = repeated_letters(inner)?;
        if inner[n..].starts_with(')') && is_label_end(&inner[n + 1..]) {
            let len = 1 + n + 1;
            return Some(LabelRef {
                style: LabelStyle::ParenLetter,
                number: letters,
                len: len + skip_ws_len(&s[len..]),
            });
        }
        return None;
    }
    if first.is_ascii_digit() {
        let (num, n) = scan_number(s)?;
        let rest = &s[n..];
        let style = if rest.starts_with('.') {
            LabelStyle::DotNumber
        } else if rest.starts_with(')') {
            LabelStyle::CloseParenNumber
        } else {
            return None;
        };
        // "1.2" inside a number was consumed above, so here the dot/paren ends the label. A
        // label must be followed by white space (a space, U+00A0 or the end of the block).
        if !is_label_end(&rest[1..]) {
            return None;
        }
        let len = n + 1;
        return Some(LabelRef {
            style,
            number: num,
            len: len + skip_ws_len(&s[len..]),
        });
    }
    if first.is_lowercase() {
        let (letters, n) = repeated_letters(s)?;
        if s[n..].starts_with(')') && is_label_end(&s[n + 1..]) {
            let cyrillic = is_cyrillic(first);
            let repeat = letters.chars().count() as u8;
            let len = n + 1;
            return Some(LabelRef {
                style: LabelStyle::Letter { repeat, cyrillic },
                number: letters,
                len: len + skip_ws_len(&s[len..]),
            });
        }
    }
    None
}

/// One lowercase letter repeated one to three times (`a`, `aa`, `bbb`), Latin or Cyrillic.
fn repeated_letters(s: &str) -> Option<(&str, usize)> {
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    if !(first.is_lowercase() && (first.is_ascii_alphabetic() || is_cyrillic(first))) {
        return None;
    }
    let mut end = first.len_utf8();
    let mut count = 1;
    for (i, c) in chars {
        if c == first && count < 3 {
            count += 1;
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    let next = s[end..].chars().next();
    if next.is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some((&s[..end], end))
}

pub fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// How a heading's type word is cited and what unit it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitWord {
    pub kind: ClauseKind,
    /// Id prefix (`ch`, `sec`, `book`); articles use `art` or `s` (for §).
    pub prefix: &'static str,
}

/// What a heading says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadingClass {
    /// An article or §: its printed type word ("Article", "§", "Art", "Статья", "бап"), number,
    /// and title.
    Article {
        word: String,
        prefix: &'static str,
        number: String,
        title: Option<String>,
    },
    /// A part, chapter, section …: printed type word, number (digits, roman or from an ordinal
    /// word) and title.
    Structural {
        unit: UnitWord,
        word: String,
        number: Option<String>,
        title: Option<String>,
    },
    /// Anything else; kept as an unnumbered unit.
    Unknown,
}

const UNIT_WORDS: &[(&str, ClauseKind, &str)] = &[
    ("buch", ClauseKind::Part, "book"),
    ("teil", ClauseKind::Part, "part"),
    ("part", ClauseKind::Part, "part"),
    ("book", ClauseKind::Part, "book"),
    ("часть", ClauseKind::Part, "part"),
    ("бөлім", ClauseKind::Part, "part"),
    ("kapitel", ClauseKind::Chapter, "ch"),
    ("unterkapitel", ClauseKind::Chapter, "subch"),
    ("chapter", ClauseKind::Chapter, "ch"),
    ("глава", ClauseKind::Chapter, "ch"),
    ("тарау", ClauseKind::Chapter, "ch"),
    ("titel", ClauseKind::Chapter, "title"),
    ("title", ClauseKind::Chapter, "title"),
    ("untertitel", ClauseKind::Section, "subtitle"),
    ("abschnitt", ClauseKind::Section, "sec"),
    ("unterabschnitt", ClauseKind::Section, "subsec"),
    ("section", ClauseKind::Section, "sec"),
    ("division", ClauseKind::Section, "div"),
    ("subdivision", ClauseKind::Section, "subdiv"),
    ("раздел", ClauseKind::Section, "div"),
    ("подраздел", ClauseKind::Section, "subdiv"),
    ("параграф", ClauseKind::Section, "para"),
];

fn unit_word(word: &str) -> Option<UnitWord> {
    let lower = word.to_lowercase();
    UNIT_WORDS
        .iter()
        .find(|(w, _, _)| *w == lower)
        .map(|&(_, kind, prefix)| UnitWord { kind, prefix })
}

/// Splits "5. Title", "3a Title", " - Title", ": Title" into the title, if any.
fn title_after(rest: &str) -> Option<String> {
    let t = rest
        .trim_start_matches(|c: char| c == '.' || c == ':' || c.is_whitespace())
        .trim_start_matches(['-', '–', '—'])
        .trim();
    let t = t.trim_end_matches(['-', '–', '—']).trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Classifies a heading by its inline text (as in the source, `<sup>` kept).
pub fn classify_heading(text: &str) -> HeadingClass {
    let mut t = text.trim();
    // "(XXXX) §§ 2 bis 3f (weggefallen)": the converter's placeholder for a missing number.
    if let Some(rest) = t.strip_prefix("(XXXX)") {
        t = rest.trim_start();
    }
    if let Some(rest) = t.strip_prefix("§§") {
        let rest = rest.trim_start();
        let end = rest.find('(').unwrap_or(rest.len());
        let number = rest[..end].trim().to_string();
        if number.starts_with(|c: char| c.is_ascii_digit()) {
            return HeadingClass::Article {
                word: "§§".into(),
                prefix: "s",
                number,
                title: title_after(&rest[end..]),
            };
        }
    }
    if let Some(rest) = t.strip_prefix('§') {
        return article_after_word(rest, "§", "s");
    }
    let (first_word, after_word) = split_word(t);
    let lower = first_word.to_lowercase();
    let lower = lower.trim_end_matches('.');
    match lower {
        "article" | "art" | "artikel" | "статья" | "article." => {
            let word = first_word.trim_end_matches('.');
            if let HeadingClass::Article { number, title, .. } =
                article_after_word(after_word, word, "art")
            {
                return HeadingClass::Article {
                    word: word.to_string(),
                    prefix: "art",
                    number,
                    title,
                };
            }
        }
        _ => {}
    }
    // Kazakh: "18-2-бап. Title", "1-тарау. Title", "2-бөлім".
    if let Some((number, n)) = scan_number(t) {
        if let Some(rest) = t[n..].strip_prefix('-') {
            let (word, after) = split_word(rest);
            let word_clean = word.trim_end_matches(['.', ':']);
            if word_clean.to_lowercase() == "бап" {
                return HeadingClass::Article {
                    word: "бап".into(),
                    prefix: "art",
                    number: number.to_string(),
                    title: title_after(after),
                };
            }
            if let Some(unit) = unit_word(word_clean) {
                return HeadingClass::Structural {
                    unit,
                    word: word_clean.to_string(),
                    number: Some(number.to_string()),
                    title: title_after(after),
                };
            }
        }
    }
    // "Abschnitt 1 - Title", "Глава 15<sup>1</sup>. Title", "РАЗДЕЛ ПЕРВЫЙ", "Chapter IV".
    if let Some(unit) = unit_word(first_word.trim_end_matches(['.', ':'])) {
        let word = first_word.trim_end_matches(['.', ':']).to_string();
        let rest = after_word.trim_start();
        if let Some((number, n)) = scan_number(rest) {
            return HeadingClass::Structural {
                unit,
                word,
                number: Some(number.to_string()),
                title: title_after(&rest[n..]),
            };
        }
        let (second, after_second) = split_word(rest);
        let second_clean = second.trim_end_matches(['.', ':']);
        if let Some(n) = roman_value(second_clean).or_else(|| ordinal_value(second_clean)) {
            return HeadingClass::Structural {
                unit,
                word,
                number: Some(n.to_string()),
                title: title_after(after_second),
            };
        }
        return HeadingClass::Structural {
            unit,
            word,
            number: None,
            title: title_after(rest),
        };
    }
    // "Erster Abschnitt - Title", "Zweites Buch".
    let (second, after_second) = split_word(after_word.trim_start());
    if let Some(n) = ordinal_value(first_word) {
        if let Some(unit) = unit_word(second.trim_end_matches(['.', ':'])) {
            return HeadingClass::Structural {
                unit,
                word: second.trim_end_matches(['.', ':']).to_string(),
                number: Some(n.to_string()),
                title: title_after(after_second),
            };
        }
    }
    // "Allgemeiner Teil", "Besonderer Teil": a named part without a number.
    if let Some(unit) = unit_word(second.trim_end_matches(['.', ':', '-'])) {
        if after_second
            .trim()
            .trim_matches(['-', '–'])
            .trim()
            .is_empty()
        {
            return HeadingClass::Structural {
                unit,
                word: second.trim_end_matches(['.', ':', '-']).to_string(),
                number: None,
                title: Some(t.trim_end_matches(['-', ' ']).to_string()),
            };
        }
    }
    // Grundgesetz sections: "I. - Die Grundrechte", "VIIIa. -", "X a. - …".
    let roman_end = t
        .char_indices()
        .find(|(_, c)| !matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
        .map_or(t.len(), |(i, _)| i);
    if roman_end > 0 {
        let mut end = roman_end;
        let rest = &t[end..];
        let rest_trim = rest.trim_start_matches(' ');
        let suffix_len = rest_trim
            .chars()
            .next()
            .filter(|c| c.is_ascii_lowercase())
            .map_or(0, |_| 1);
        if suffix_len == 1 && rest_trim[1..].starts_with('.') {
            end = t.len() - rest_trim.len() + 1;
        }
        if t[end..].starts_with('.') {
            let number: String = t[..end].chars().filter(|c| !c.is_whitespace()).collect();
            return HeadingClass::Structural {
                unit: UnitWord {
                    kind: ClauseKind::Section,
                    prefix: "sec",
                },
                word: String::new(),
                number: Some(number),
                title: title_after(&t[end + 1..]),
            };
        }
    }
    HeadingClass::Unknown
}

fn article_after_word(rest: &str, word: &str, prefix: &'static str) -> HeadingClass {
    let rest = rest.trim_start_matches([' ', '\u{a0}', '\t']);
    match scan_number(rest) {
        Some((number, n)) => HeadingClass::Article {
            word: word.to_string(),
            prefix,
            number: number.to_string(),
            title: title_after(&rest[n..]),
        },
        None => HeadingClass::Unknown,
    }
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(s.len(), |(i, _)| i);
    (&s[..end], &s[end..])
}

/// Value of an upper-case roman numeral (`IV`, `XII`), for chapter numbers.
pub fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    let mut total = 0u32;
    let mut prev = 0u32;
    for c in s.chars().rev() {
        let v = match c {
            'I' => 1,
            'V' => 5,
            'X' => 10,
            'L' => 50,
            'C' => 100,
            'D' => 500,
            'M' => 1000,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    Some(total)
}

/// German ("Erster", "Dreiundzwanzigster", "Zweites") and Russian ("ПЕРВЫЙ", "ВТОРАЯ")
/// ordinal words, as used in headings of older codes.
pub fn ordinal_value(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches(['.', ':']);
    const RU: &[(&str, u32)] = &[
        ("перв", 1),
        ("втор", 2),
        ("трет", 3),
        ("четвёрт", 4),
        ("четверт", 4),
        ("пят", 5),
        ("шест", 6),
        ("седьм", 7),
        ("восьм", 8),
        ("девят", 9),
        ("десят", 10),
    ];
    if w.chars().next().is_some_and(is_cyrillic) {
        let stem_end = ["ый", "ой", "ий", "ая", "ья", "ое", "ье"]
            .iter()
            .find_map(|e| w.strip_suffix(e))?;
        return RU.iter().find(|(s, _)| *s == stem_end).map(|&(_, v)| v);
    }
    ["ster", "stes", "ste", "ter", "tes", "te"]
        .iter()
        .filter_map(|e| w.strip_suffix(e))
        .find_map(german_cardinal)
}

fn german_cardinal(stem: &str) -> Option<u32> {
    const UNITS: &[(&str, u32)] = &[
        ("ers", 1),
        ("ein", 1),
        ("zwei", 2),
        ("drit", 3),
        ("drei", 3),
        ("vier", 4),
        ("fünf", 5),
        ("sechs", 6),
        ("sieben", 7),
        ("sieb", 7),
        ("ach", 8),
        ("acht", 8),
        ("neun", 9),
    ];
    const TEENS: &[(&str, u32)] = &[
        ("zehn", 10),
        ("elf", 11),
        ("zwölf", 12),
        ("dreizehn", 13),
        ("vierzehn", 14),
        ("fünfzehn", 15),
        ("sechzehn", 16),
        ("siebzehn", 17),
        ("achtzehn", 18),
        ("neunzehn", 19),
    ];
    const TENS: &[(&str, u32)] = &[
        ("zwanzig", 20),
        ("dreißig", 30),
        ("vierzig", 40),
        ("fünfzig", 50),
    ];
    let lookup = |table: &[(&str, u32)], s: &str| table.iter().find(|(w, _)| *w == s).map(|p| p.1);
    if let Some(v) = lookup(UNITS, stem).or_else(|| lookup(TEENS, stem)) {
        return Some(v);
    }
    if let Some(v) = lookup(TENS, stem) {
        return Some(v);
    }
    let (unit, tens) = stem.split_once("und")?;
    Some(lookup(UNITS, unit)? + lookup(TENS, tens)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(s: &str) -> String {
        match body_label(s) {
            Some(l) => format!("{:?} {} +{}", l.style, l.number, l.len),
            None => "none".into(),
        }
    }

    #[test]
    fn body_labels_in_every_printed_form() {
        let cases = [
            ("(1) Text", "ParenNumber 1 +4"),
            ("(2a) Text", "ParenNumber 2a +5"),
            ("1.\u{a0}Каждый", "DotNumber 1 +4"),
            ("1.  über", "DotNumber 1 +4"),
            ("4a. über", "DotNumber 4a +4"),
            ("2-1. The", "DotNumber 2-1 +5"),
            ("15.1. The", "DotNumber 15.1 +6"),
            ("1) text", "CloseParenNumber 1 +3"),
            ("3-1) text", "CloseParenNumber 3-1 +5"),
            ("a)  der", "Letter { repeat: 1, cyrillic: false } a +4"),
            ("aa) im", "Letter { repeat: 2, cyrillic: false } aa +4"),
            ("bbb) von", "Letter { repeat: 3, cyrillic: false } bbb +5"),
            ("а)\u{a0}в", "Letter { repeat: 1, cyrillic: true } а +5"),
            ("(b) text", "ParenLetter b +4"),
            ("3\\. April 2013", "none"),
            ("7\\.3.2019", "none"),
            ("3.5.2019 trat", "none"),
            ("1.Absatz", "none"),
            ("ab) text", "none"),
            ("and the", "none"),
            ("(weggefallen)", "none"),
            ("24 hours", "none"),
        ];
        for (input, expect) in cases {
            assert_eq!(label(input), expect, "input {input:?}");
        }
    }

    #[test]
    fn insertion_numbers_are_kept_whole() {
        assert_eq!(scan_number("15-1. x"), Some(("15-1", 4)));
        assert_eq!(scan_number("15a x"), Some(("15a", 3)));
        assert_eq!(scan_number("15A x"), Some(("15A", 3)));
        assert_eq!(scan_number("15.1 x"), Some(("15.1", 4)));
        assert_eq!(
            scan_number("205<sup>2</sup>. x"),
            Some(("205<sup>2</sup>", 15))
        );
        assert_eq!(scan_number("143h"), Some(("143h", 4)));
        assert_eq!(scan_number("3 Abs"), Some(("3", 1)));
        assert_eq!(scan_number("5abc"), Some(("5", 1)));
    }

    fn class(s: &str) -> String {
        match classify_heading(s) {
            HeadingClass::Article {
                word,
                prefix,
                number,
                title,
            } => format!(
                "article {word}|{prefix}|{number}|{}",
                title.unwrap_or_default()
            ),
            HeadingClass::Structural {
                unit,
                word,
                number,
                title,
            } => format!(
                "{} {word}|{}|{}|{}",
                unit.kind.as_str(),
                unit.prefix,
                number.unwrap_or_default(),
                title.unwrap_or_default()
            ),
            HeadingClass::Unknown => "unknown".into(),
        }
    }

    #[test]
    fn headings_of_every_corpus_form() {
        let cases = [
            ("Article 5. Title", "article Article|art|5|Title"),
            ("Article 15-1. Removal", "article Article|art|15-1|Removal"),
            ("§ 3a Meldepflicht", "article §|s|3a|Meldepflicht"),
            ("§ 130", "article §|s|130|"),
            ("§ 10 (weggefallen)", "article §|s|10|(weggefallen)"),
            (
                "(XXXX) §§ 2 bis 3f (weggefallen)",
                "article §§|s|2 bis 3f|(weggefallen)",
            ),
            (
                "(XXXX) §§ 114, 115 (weggefallen)",
                "article §§|s|114, 115|(weggefallen)",
            ),
            ("Art 143h", "article Art|art|143h|"),
            ("Art. 5", "article Art|art|5|"),
            (
                "Статья 205<sup>2</sup>. Публичные призывы",
                "article Статья|art|205<sup>2</sup>|Публичные призывы",
            ),
            ("Статья 18-2.", "article Статья|art|18-2|"),
            ("Статья 29", "article Статья|art|29|"),
            (
                "1-бап. Негізгі ұғымдар",
                "article бап|art|1|Негізгі ұғымдар",
            ),
            (
                "1-тарау. Жалпы ережелер",
                "chapter тарау|ch|1|Жалпы ережелер",
            ),
            (
                "Buch 1 - Allgemeiner Teil",
                "part Buch|book|1|Allgemeiner Teil",
            ),
            ("ГЛАВА 15<sup>1</sup>", "chapter ГЛАВА|ch|15<sup>1</sup>|"),
            (
                "Глава 1. Общие положения",
                "chapter Глава|ch|1|Общие положения",
            ),
            ("РАЗДЕЛ ПЕРВЫЙ", "section РАЗДЕЛ|div|1|"),
            ("РАЗДЕЛ 1. ОБЩИЕ", "section РАЗДЕЛ|div|1|ОБЩИЕ"),
            ("Erster Abschnitt", "section Abschnitt|sec|1|"),
            (
                "Dreiundzwanzigster Abschnitt - Urkundenfälschung",
                "section Abschnitt|sec|23|Urkundenfälschung",
            ),
            ("Zweites Kapitel - X", "chapter Kapitel|ch|2|X"),
            ("Untertitel 2 - Y", "section Untertitel|subtitle|2|Y"),
            ("Allgemeiner Teil - ", "part Teil|part||Allgemeiner Teil"),
            (
                "VIIIa. - Die Ausführung",
                "section |sec|VIIIa|Die Ausführung",
            ),
            (
                "X a. - Verteidigungsfall",
                "section |sec|Xa|Verteidigungsfall",
            ),
            ("I. - Die Grundrechte", "section |sec|I|Die Grundrechte"),
            (
                "Chapter 2. Online platforms",
                "chapter Chapter|ch|2|Online platforms",
            ),
            ("Gemeinsame Vorschriften", "unknown"),
            ("Telemediengesetz (TMG)", "unknown"),
        ];
        for (input, expect) in cases {
            assert_eq!(class(input), expect, "input {input:?}");
        }
    }

    #[test]
    fn ordinals_and_roman_numerals() {
        assert_eq!(ordinal_value("Erster"), Some(1));
        assert_eq!(ordinal_value("Siebenter"), Some(7));
        assert_eq!(ordinal_value("Siebter"), Some(7));
        assert_eq!(ordinal_value("Achter"), Some(8));
        assert_eq!(ordinal_value("Dreißigster"), Some(30));
        assert_eq!(ordinal_value("ВТОРОЙ"), Some(2));
        assert_eq!(ordinal_value("Besonderer"), None);
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(roman_value("ABC"), None);
    }
}
