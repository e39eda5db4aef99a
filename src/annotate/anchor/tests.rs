use super::*;
use crate::align::{align_bills, AlignConfig};
use crate::annotate::{load_annotation_file, AnnotationSet};
use crate::parse::parse_bill;
use crate::source::Source;

const OLD: &str = "# Law\n\n## Chapter 1. General\n\n### Article 7. Obligations\n\n1. A foreign online platform shall:\n\n   1) comply with the law;\n   2) remove prohibited information within twenty-four hours of receiving a prescription;\n   3) appoint a representative of the platform.\n\n### Article 9. Restriction of access\n\n1. Access to the whole platform shall be restricted by decision of the authorised body.\n\n2. The authorised body shall publish the decision.\n";

const NEW: &str = "# Law\n\n## Chapter 1. General\n\n### Article 7. Obligations\n\n1. A foreign online platform shall:\n\n   1) comply with the law;\n   2) keep a register of complaints of users about the platform;\n   3) remove information with signs of cyberbullying within twenty-four hours of receiving a prescription;\n   4) appoint a representative of the platform.\n\n### Article 9. Publication\n\n1. The authorised body shall publish the decision.\n\n2. The expert group shall publish the decision.\n";

fn bill(text: &str) -> Bill {
    parse_bill(Source::from_text("v.md", text)).unwrap()
}

fn set(annotations: &str) -> AnnotationSet {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    let yaml = format!(
        "organization:\n  name: Test org (illustrative)\nwritten_against: v1\nannotations:\n{annotations}"
    );
    std::fs::write(&path, yaml).unwrap();
    load_annotation_file(&path).unwrap()
}

fn one(clause: &str, exact: &str) -> String {
    format!("  - id: x\n    target:\n      clause: \"{clause}\"\n      exact: \"{exact}\"\n    category: short-removal-deadline\n    severity: high\n    title: T\n")
}

/// State and where it points in the new version: "state new-id [candidates]".
fn state(clause: &str, exact: &str) -> String {
    let (old, new) = (bill(OLD), bill(NEW));
    let a = align_bills(&old, &new, &AlignConfig::default());
    let sets = [set(&one(clause, exact))];
    let refs: Vec<&AnnotationSet> = sets.iter().collect();
    let anchored = anchor_all(&refs, Some((&old, &a)), &new).unwrap();
    let anchor = &anchored[0].anchor;
    let mut out = anchor.state.as_str().to_string();
    if let Some(c) = anchor.clause {
        out.push(' ');
        out.push_str(&new.clauses[c].id);
    }
    for &c in &anchor.candidates {
        out.push_str(&format!(" ?{}", new.clauses[c].id));
    }
    if let Some(f) = &anchor.found {
        out.push_str(&format!(" found={f:?}"));
    }
    out
}

#[test]
fn anchored_when_clause_and_quote_stay() {
    assert_eq!(
        state("art7.p1.sp1", "comply with the law"),
        "anchored art7.p1.sp1"
    );
}

#[test]
fn relocated_when_the_clause_is_renumbered() {
    assert_eq!(
        state("Article 7(1)(3)", "appoint a representative"),
        "relocated art7.p1.sp4"
    );
}

#[test]
fn text_changed_shows_the_words_now_there() {
    assert_eq!(
        state("art7.p1.sp2", "remove prohibited information within twenty-four hours"),
        "text-changed art7.p1.sp3 found=\"remove information with signs of cyberbullying within twenty-four hours\""
    );
}

#[test]
fn ambiguous_when_the_clause_is_gone_and_the_quote_is_in_several_places() {
    assert_eq!(
        state("art9.p2", "shall publish the decision"),
        "ambiguous ?art9.p1 ?art9.p2"
    );
}

#[test]
fn orphaned_when_the_provision_is_gone() {
    assert_eq!(
        state(
            "art9.p1",
            "Access to the whole platform shall be restricted"
        ),
        "orphaned"
    );
}

#[test]
fn a_target_that_matches_nothing_is_an_error() {
    let old = bill(OLD);
    let sets = [set(&one("art99", "x"))];
    let err = anchor_all(&[&sets[0]], None, &old).unwrap_err();
    assert!(
        err.message
            .starts_with("target clause `art99` matches nothing"),
        "{err}"
    );
    let sets = [set(&one("art7.p1.sp1", "words not there"))];
    let err = anchor_all(&[&sets[0]], None, &old).unwrap_err();
    assert!(
        err.message
            .starts_with("quote \"words not there\" is not in Article 7(1)(1)"),
        "{err}"
    );
}

// The quadratic search that `fuzzy_find` replaced (windows compared word by word), kept as
// the oracle for the sliding one.
fn dice_reference(a: &[&str], b: &[&str]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut b_left: Vec<&str> = b.to_vec();
    let mut common = 0;
    for w in a {
        if let Some(pos) = b_left.iter().position(|x| x == w) {
            b_left.swap_remove(pos);
            common += 1;
        }
    }
    (2 * common) as f32 / (a.len() + b.len()) as f32
}

/// Share of `quote`'s words found in `window`.
fn recall_reference(quote: &[&str], window: &[&str]) -> f32 {
    if quote.is_empty() {
        return 1.0;
    }
    dice_reference(quote, window) * (quote.len() + window.len()) as f32 / (2 * quote.len()) as f32
}

fn fuzzy_find_reference(text: &str, spec: &AnnotationSpec) -> Option<(Range<usize>, f32)> {
    let exact = spec.target.exact.as_deref()?;
    let quote: Vec<String> = lower_words(exact).into_iter().map(|(w, _)| w).collect();
    let words = lower_words(text);
    if quote.is_empty() || words.is_empty() {
        return None;
    }
    let prefix: Vec<String> = spec
        .target
        .prefix
        .as_deref()
        .map(|p| lower_words(p).into_iter().map(|(w, _)| w).collect())
        .unwrap_or_default();
    let suffix: Vec<String> = spec
        .target
        .suffix
        .as_deref()
        .map(|s| lower_words(s).into_iter().map(|(w, _)| w).collect())
        .unwrap_or_default();
    let q: Vec<&str> = quote.iter().map(String::as_str).collect();
    let p: Vec<&str> = prefix.iter().map(String::as_str).collect();
    let s: Vec<&str> = suffix.iter().map(String::as_str).collect();
    let (n, lengths) = search_extent(words.len(), q.len());
    let mut best: Option<(usize, usize, f32)> = None;
    for len in lengths {
        for start in 0..=(n - len) {
            let window: Vec<&str> = words[start..start + len]
                .iter()
                .map(|(x, _)| x.as_str())
                .collect();
            // Dice alone ties a short exact fragment with a longer reworded passage; the share
            // of the quote's words covered breaks the tie toward the whole passage.
            let mut score =
                0.7 * (0.5 * dice_reference(&q, &window) + 0.5 * recall_reference(&q, &window));
            let before: Vec<&str> = words[start.saturating_sub(p.len())..start]
                .iter()
                .map(|(x, _)| x.as_str())
                .collect();
            let after: Vec<&str> = words[start + len..(start + len + s.len()).min(words.len())]
                .iter()
                .map(|(x, _)| x.as_str())
                .collect();
            score += 0.15
                * if p.is_empty() {
                    1.0
                } else {
                    dice_reference(&p, &before)
                };
            score += 0.15
                * if s.is_empty() {
                    1.0
                } else {
                    dice_reference(&s, &after)
                };
            if best.is_none_or(|b| score > b.2) {
                best = Some((start, len, score));
            }
        }
    }
    let (start, len, score) = best?;
    let range = words[start].1.start..words[start + len - 1].1.end;
    Some((range, score))
}

/// Asserts that `fuzzy_find` and the word-by-word search agree on a text and an annotation
/// made of the given words.
fn fuzzy_agrees(
    text: &[usize],
    quote: &[usize],
    prefix: &[usize],
    suffix: &[usize],
) -> Result<(), proptest::test_runner::TestCaseError> {
    const WORDS: [&str; 8] = [
        "the", "The", "platform", "shall", "remove", "24", "hours", "court",
    ];
    let join = |v: &[usize]| v.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
    let yaml = format!(
        "id: x\ntarget:\n  clause: a\n  exact: \"{}\"\n  prefix: \"{}\"\n  suffix: \"{}\"\ncategory: short-removal-deadline\nseverity: high\ntitle: T\n",
        join(quote),
        join(prefix),
        join(suffix)
    );
    let spec: AnnotationSpec = crate::yaml::from_str(&yaml, "a.yaml", 1).unwrap();
    let text = join(text);
    proptest::prop_assert_eq!(fuzzy_find(&text, &spec), fuzzy_find_reference(&text, &spec));
    Ok(())
}

proptest::proptest! {
    /// The sliding search finds the same window with the same score as comparing every window
    /// word by word.
    #[test]
    fn fuzzy_find_matches_the_word_by_word_search(
        text in proptest::collection::vec(0usize..8, 0..60),
        quote in proptest::collection::vec(0usize..8, 1..8),
        prefix in proptest::collection::vec(0usize..8, 0..4),
        suffix in proptest::collection::vec(0usize..8, 0..4),
    ) {
        fuzzy_agrees(&text, &quote, &prefix, &suffix)?;
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
    /// The same on clauses long enough that only the quote's own length is searched.
    #[test]
    fn fuzzy_find_matches_on_long_clauses(
        text in proptest::collection::vec(0usize..8, 2_600..3_000),
        quote in proptest::collection::vec(0usize..8, 8..12),
        prefix in proptest::collection::vec(0usize..8, 0..6),
        suffix in proptest::collection::vec(0usize..8, 0..6),
    ) {
        fuzzy_agrees(&text, &quote, &prefix, &suffix)?;
    }
}
