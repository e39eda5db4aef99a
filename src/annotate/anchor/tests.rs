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
