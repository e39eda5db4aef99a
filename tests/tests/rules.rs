//! The built-in rule pack on real text: the provisions it must flag, the flags a new draft
//! loses, false positives on laws that regulate no platform, and the exit codes of `scan` and
//! `diff --fail-on`.

use billdiff::annotate::rules::{compare_flags, default_pack, Flag, RulePack};
use billdiff::annotate::Severity;
use billdiff::model::Bill;

use crate::cli::run;
use crate::{corpus_dir, root};

fn load(path: &std::path::Path) -> Bill {
    billdiff::app::load_bill(path).expect("loads")
}

fn bundled(version: &str) -> String {
    root()
        .join("bills/kz-child-online-safety")
        .join(format!("{version}.md"))
        .to_string_lossy()
        .into_owned()
}

/// Categories flagged on the clause with this id.
fn categories_on(pack: &RulePack, bill: &Bill, flags: &[Flag], id: &str) -> Vec<String> {
    let idx = bill.find_id(id).unwrap_or_else(|| panic!("{id} exists"));
    let mut cats: Vec<String> = flags
        .iter()
        .filter(|f| f.clause == idx)
        .map(|f| pack.rules[f.rule].category().to_string())
        .collect();
    cats.sort();
    cats.dedup();
    cats
}

#[test]
fn every_rule_passes_its_examples_and_the_pack_covers_the_taxonomy() {
    let pack = default_pack().expect("the built-in pack compiles");
    let failures = billdiff::annotate::rules::check_examples(&pack);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for rule in &pack.rules {
        assert!(
            rule.spec.examples.matches.len() >= 2,
            "{}: two match examples",
            rule.id()
        );
        assert!(
            rule.spec.examples.no_match.len() >= 2,
            "{}: two no_match examples",
            rule.id()
        );
    }
    for category in billdiff::annotate::TAXONOMY {
        for lang in ["en", "ru"] {
            assert!(
                pack.rules.iter().any(
                    |r| r.category() == *category && r.spec.languages.iter().any(|l| l == lang)
                ),
                "no {lang} rule for {category}"
            );
        }
    }
    for category in [
        "short-removal-deadline",
        "executive-takedown-order",
        "whole-platform-blocking",
    ] {
        for lang in ["de", "kk"] {
            assert!(
                pack.rules.iter().any(|r| r.category() == category && r.spec.languages.iter().any(|l| l == lang)),
                "no {lang} rule for {category}"
            );
        }
    }
}

#[test]
fn netzdg_24_hour_removal_duty_is_flagged() {
    let Some(dir) = corpus_dir() else { return };
    let pack = default_pack().unwrap();
    let bill = load(&dir.join("netzdg/2017-10-01.md"));
    let flags = pack.scan_bill(&bill);
    let cats = categories_on(&pack, &bill, &flags, "s3.p2.i2");
    assert!(
        cats.contains(&"short-removal-deadline".to_string()),
        "{cats:?}"
    );
}

#[test]
fn kz_informatization_article_35_point_7_is_flagged() {
    let Some(dir) = corpus_dir() else { return };
    let pack = default_pack().unwrap();
    let bill = load(&dir.join("kz-informatization/2021-12-31.md"));
    let flags = pack.scan_bill(&bill);
    let cats = categories_on(&pack, &bill, &flags, "art35.p7");
    for expected in ["executive-takedown-order", "short-removal-deadline"] {
        assert!(
            cats.contains(&expected.to_string()),
            "{expected} missing from {cats:?}"
        );
    }
}

#[test]
fn the_senate_version_loses_the_whole_platform_blocking_flag() {
    let pack = default_pack().unwrap();
    let old = load(std::path::Path::new(&bundled("2021-09-15-first-reading")));
    let new = load(std::path::Path::new(&bundled("2022-04-senate")));
    let alignment = billdiff::align::align_bills(&old, &new, &Default::default());
    let deltas = compare_flags(&pack.scan_bill(&old), &pack.scan_bill(&new), &alignment);
    let blocking = |change| {
        deltas
            .iter()
            .filter(|d| {
                d.change == change
                    && pack.rules[d.flag.rule].category() == "whole-platform-blocking"
            })
            .count()
    };
    use billdiff::annotate::rules::FlagChange;
    assert!(
        blocking(FlagChange::Gone) >= 1,
        "the first reading's blocking flag is gone"
    );
    assert_eq!(
        blocking(FlagChange::New) + blocking(FlagChange::Kept),
        0,
        "no blocking flag in the Senate version"
    );
}

#[test]
fn no_high_flags_on_laws_that_regulate_no_platform() {
    let Some(dir) = corpus_dir() else { return };
    let pack = default_pack().unwrap();
    for law in ["bgb/2025-11-13.md", "ru-constitution/2023-12-12.md"] {
        let bill = load(&dir.join(law));
        let high: Vec<String> = pack
            .scan_bill(&bill)
            .iter()
            .filter(|f| f.severity == Severity::High)
            .map(|f| {
                format!(
                    "{} {}",
                    pack.rules[f.rule].id(),
                    bill.clauses[f.clause].label
                )
            })
            .collect();
        eprintln!("{law}: {} high-severity flags", high.len());
        assert!(high.is_empty(), "{law}: {high:?}");
    }
}

#[test]
fn scan_and_diff_exit_codes_and_formats() {
    let first = bundled("2021-09-15-first-reading");
    let senate = bundled("2022-04-senate");
    let (code, stdout, _) = run(&["scan", &first, "--color", "never"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("whole-platform-blocking"), "{stdout}");
    assert_eq!(run(&["scan", &first, "--fail-on", "high"]).0, 1);
    let (code, sarif, _) = run(&["scan", &first, "--format", "sarif"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
    let (_, json, _) = run(&["scan", &first, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 1);
    // Senate → first reading gains the blocking power back: exit 3 with --fail-on high.
    let (code, stdout, _) = run(&[
        "diff",
        &senate,
        &first,
        "--fail-on",
        "high",
        "--color",
        "never",
    ]);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("NEW high whole-platform-blocking"),
        "{stdout}"
    );
    // First reading → Senate loses it (and gains new mentions of prescriptions, so the alarm
    // still rings for executive-takedown-order).
    let (code, stdout, _) = run(&[
        "diff",
        &first,
        &senate,
        "--fail-on",
        "high",
        "--color",
        "never",
    ]);
    assert_eq!(code, 3, "{stdout}");
    assert!(
        stdout.contains("GONE high whole-platform-blocking"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("NEW high whole-platform-blocking"),
        "{stdout}"
    );
    // Senate → signed gains no flag: exit 1 for the differences only.
    let signed = bundled("2022-05-03-signed");
    let (code, stdout, _) = run(&[
        "diff",
        &senate,
        &signed,
        "--fail-on",
        "high",
        "--color",
        "never",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("no flag gained or lost"), "{stdout}");
}
