//! Clause references as people write them ("Article 5(2)", "art. 5 para 2", "статья 5 пункт 2",
//! "§ 3 Abs. 2 Nr. 2", "18-2-бап 3-тармақ") resolved to clauses of a bill, with the closest
//! candidates when nothing matches; and exact quotes of clauses with a content hash.

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::model::{Bill, ClauseIdx, ClauseKind};
use crate::parse::id_number;

/// Words that name a unit or a level, not a number ("Article", "Abs.", "пункт", "тармақ").
const UNIT_WORDS: &[&str] = &[
    "article",
    "art",
    "artikel",
    "section",
    "sec",
    "s",
    "paragraph",
    "para",
    "par",
    "subparagraph",
    "subpara",
    "sub",
    "item",
    "point",
    "letter",
    "no",
    "nr",
    "number",
    "abs",
    "absatz",
    "satz",
    "buchst",
    "buchstabe",
    "doppelbuchst",
    "dreifachbuchst",
    "nummer",
    "статья",
    "ст",
    "пункт",
    "п",
    "подпункт",
    "пп",
    "часть",
    "ч",
    "абзац",
    "бап",
    "тармақ",
    "тармақша",
    "chapter",
    "ch",
    "глава",
    "part",
    "teil",
];

/// The numbers of a reference, outermost first, in id form: "Article 18-2(3)(2)" gives
/// `["18-2", "3", "2"]`, "§ 3 Abs. 2 Nr. 2 Buchst. a" gives `["3", "2", "2", "a"]`.
pub fn reference_numbers(reference: &str) -> Vec<String> {
    let spaced: String = reference
        .chars()
        .map(|c| match c {
            '(' | ')' | ',' | ';' | '§' | '«' | '»' | '"' => ' ',
            _ => c,
        })
        .collect();
    let mut out = Vec::new();
    for raw in spaced.split_whitespace() {
        let token = raw.trim_end_matches('.').to_lowercase();
        // Kazakh "18-2-бап", "3-тармақ", "2)-тармақша".
        let token = ["-бап", "-тармақша", "-тармақ", "-тарау", "-бөлім"]
            .iter()
            .find_map(|s| token.strip_suffix(s))
            .map(str::to_string)
            .unwrap_or(token);
        let token = token.trim_end_matches(')').to_string();
        if token.is_empty() || UNIT_WORDS.contains(&token.as_str()) {
            continue;
        }
        let numeric = token.chars().next().is_some_and(|c| c.is_ascii_digit());
        let letters = token.chars().count() <= 3 && token.chars().all(char::is_alphabetic);
        if numeric || letters {
            out.push(id_number(&token.replace('^', ".")));
        }
    }
    out
}

/// Why a reference found no clause: the closest citations, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub closest: Vec<String>,
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Resolves a reference: an id, a citation label as printed, or the numbers of a reference
/// written another way (the first number names an article, or a top-level unit).
pub fn resolve(bill: &Bill, reference: &str) -> Result<ClauseIdx, NotFound> {
    let r = reference.trim();
    if let Some(i) = bill.find_id(r) {
        return Ok(i);
    }
    let wanted = norm(r);
    if let Some(i) = bill.clauses.iter().position(|c| norm(&c.label) == wanted) {
        return Ok(i);
    }
    let numbers = reference_numbers(r);
    if let Some((first, rest)) = numbers.split_first() {
        let number_of = |i: ClauseIdx| bill.clauses[i].number.as_deref().map(id_number);
        // Articles first (they are what people cite), then any unit with that number.
        let starts: Vec<ClauseIdx> = (0..bill.clauses.len())
            .filter(|&i| bill.clauses[i].kind == ClauseKind::Article)
            .filter(|&i| number_of(i).as_deref() == Some(first.as_str()))
            .collect();
        for start in starts {
            let mut cur = start;
            let mut ok = true;
            for n in rest {
                match bill.clauses[cur]
                    .children
                    .iter()
                    .find(|&&c| number_of(c).as_deref() == Some(n.as_str()))
                {
                    Some(&c) => cur = c,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                return Ok(cur);
            }
        }
    }
    Err(NotFound {
        closest: closest_labels(bill, r, 5),
    })
}

/// Levenshtein distance on characters, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn closest_labels(bill: &Bill, reference: &str, n: usize) -> Vec<String> {
    let wanted = norm(reference);
    let mut scored: Vec<(usize, usize, &str)> = bill
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let d = distance(&norm(&c.label), &wanted).min(distance(&c.id, &wanted));
            (d, i, c.label.as_str())
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, l)| l.to_string())
        .collect()
}

/// The bytes of a clause as they stand in the source: its own text (from its first byte to the
/// end of its own text), or with `recursive` the clause with all its sub-clauses.
pub fn quote_range(bill: &Bill, idx: ClauseIdx, recursive: bool) -> Range<usize> {
    let c = &bill.clauses[idx];
    let (start, end) = if recursive {
        (c.span.start, c.span.end)
    } else {
        let start = c.own_spans.first().map_or(c.span.start, |s| s.start);
        let end = c
            .own_spans
            .iter()
            .map(|s| s.end)
            .max()
            .unwrap_or(c.span.end);
        (start, end.max(start))
    };
    // A heading's range ends with its line break; a quote does not.
    let text = &bill.source.text;
    let trimmed = text
        .get(start..end)
        .map_or(0, |s| s.len() - s.trim_end().len());
    start..end - trimmed
}

/// First 12 hex digits of the SHA-256 of the quoted bytes, so anyone can check a quote later.
pub fn quote_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_bill;
    use crate::source::Source;

    #[test]
    fn references_in_every_style() {
        let cases = [
            ("Article 5(2)", vec!["5", "2"]),
            ("art. 5 para 2", vec!["5", "2"]),
            ("Article 18-2(3)(2)", vec!["18-2", "3", "2"]),
            ("статья 5 пункт 2", vec!["5", "2"]),
            ("ст. 205.2", vec!["205-2"]),
            ("§ 3 Abs. 2 Nr. 2", vec!["3", "2", "2"]),
            ("§ 3 Abs. 1 Nr. 1 Buchst. a", vec!["3", "1", "1", "a"]),
            ("18-2-бап, 3-тармақ", vec!["18-2", "3"]),
            ("Art 93 Abs. 1 Nr. 4a", vec!["93", "1", "4a"]),
        ];
        for (input, expect) in cases {
            assert_eq!(reference_numbers(input), expect, "{input}");
        }
    }

    #[test]
    fn resolves_ids_labels_and_free_forms_and_suggests_neighbours() {
        let md = "## Article 5. T\n\n1. One.\n\n2. Two:\n\n   1) alpha;\n   2) beta.\n";
        let bill = parse_bill(Source::from_text("b.md", md)).unwrap();
        let id = |r: &str| resolve(&bill, r).map(|i| bill.clauses[i].id.clone());
        assert_eq!(id("art5.p2"), Ok("art5.p2".into()));
        assert_eq!(id("Article 5(2)"), Ok("art5.p2".into()));
        assert_eq!(id("art. 5 para 2"), Ok("art5.p2".into()));
        assert_eq!(id("article 5 (2) (1)"), Ok("art5.p2.sp1".into()));
        let err = id("Article 5(3)").unwrap_err();
        assert!(err.closest.contains(&"Article 5(2)".to_string()), "{err:?}");
    }

    #[test]
    fn quotes_are_slices_with_a_checkable_hash() {
        let md = "## Article 5. T\n\n1. One\n   wrapped.\n\n2. Two.\n";
        let bill = parse_bill(Source::from_text("b.md", md)).unwrap();
        let p1 = bill.find_id("art5.p1").unwrap();
        let r = quote_range(&bill, p1, false);
        assert_eq!(&md[r.clone()], "One\n   wrapped.");
        assert_eq!(quote_hash(md[r].as_bytes()).len(), 12);
        let art = bill.find_id("art5").unwrap();
        assert_eq!(&md[quote_range(&bill, art, false)], "## Article 5. T");
        assert!(md[quote_range(&bill, art, true)].ends_with("2. Two."));
    }
}
