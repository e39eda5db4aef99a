//! Annotation files on the command line: `check` exit codes and states on the bundled bill,
//! bad files (each one clear error with a position, exit 2, quickly), the schema.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::cli::run;
use crate::root;

const BILLS: &str = "bills/kz-child-online-safety";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn bill(version: &str) -> String {
    root()
        .join(BILLS)
        .join(format!("{version}.md"))
        .to_string_lossy()
        .into_owned()
}

const HEADER: &str = "organization:\n  name: Test Org (illustrative)\nwritten_against: \"First reading (Mazhilis)\"\nannotations:\n";

fn annotation(id: &str, clause: &str, exact: &str) -> String {
    format!("  - id: {id}\n    target:\n      clause: \"{clause}\"\n      exact: \"{exact}\"\n    category: short-removal-deadline\n    severity: high\n    title: T\n")
}

/// Runs `check` on a file and asserts a one-line error with exit 2, within a few seconds.
fn assert_refused(dir: &Path, text: &str, expect: &str) {
    let path = write(dir, "bad.yaml", text);
    let start = Instant::now();
    let (code, stdout, stderr) = run(&[
        "check",
        &bill("2021-09-15-first-reading"),
        "--annotations",
        &path,
    ]);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"));
    let shown = stderr.replace(&dir.to_string_lossy().into_owned(), "DIR");
    assert!(
        shown.contains(expect),
        "{shown:?} should contain {expect:?}"
    );
}

#[test]
fn bad_annotation_files_are_refused_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = format!(
        "{HEADER}{}",
        annotation("a1", "art7.p1.sp2", "within twenty-four hours")
    );
    // Syntax error.
    assert_refused(d, &format!("{good}  - id: [\n"), "DIR/bad.yaml:");
    // Wrong type.
    assert_refused(
        d,
        &good.replace("severity: high", "severity: [1, 2]"),
        "DIR/bad.yaml:10:",
    );
    assert_refused(
        d,
        &good.replace("severity: high", "severity: urgent"),
        "DIR/bad.yaml:10:15: unknown variant `urgent`, expected one of high, medium, low, info",
    );
    // Unknown key, with the valid ones listed.
    assert_refused(d, &good.replace("    title: T", "    titel: T"), "titel");
    assert_refused(d, &good.replace("    title: T", "    titel: T"), "title");
    // Unknown category.
    assert_refused(
        d,
        &good.replace("short-removal-deadline", "censorship"),
        "DIR/bad.yaml:9:15: unknown category `censorship`",
    );
    // Duplicate id.
    let dup = format!("{good}{}", annotation("a1", "art8", "prescription"));
    assert_refused(d, &dup, "DIR/bad.yaml:12:9: duplicate annotation id `a1`");
    // A target that matches nothing, and a quote that is not in its clause.
    assert_refused(
        d,
        &format!("{HEADER}{}", annotation("a1", "art99", "x")),
        "DIR/bad.yaml:7:15: target clause `art99` matches nothing",
    );
    assert_refused(
        d,
        &format!(
            "{HEADER}{}",
            annotation("a1", "art7.p1.sp2", "within 48 hours")
        ),
        "quote \"within 48 hours\" is not in Article 7(1)(2)",
    );
}

#[test]
fn hostile_yaml_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Billion laughs.
    let mut bomb = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 9].join(", ")
        ));
    }
    assert_refused(d, &bomb, "DIR/bad.yaml");
    // 10,000-deep nesting.
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_refused(d, &deep, "DIR/bad.yaml");
    // A 50 MB file.
    let big = format!("{HEADER}#{}\n", "x".repeat(50 * 1024 * 1024));
    assert_refused(d, &big, "larger than");
}

#[test]
fn check_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kept = write(
        d,
        "kept.yaml",
        &format!(
            "{HEADER}{}",
            annotation("a1", "art7.p1.sp2", "within twenty-four hours")
        ),
    );
    let (code, stdout, stderr) = run(&["check", &bill("2022-04-senate"), "--annotations", &kept]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("anchored"), "{stdout}");
    let gone = write(
        d,
        "gone.yaml",
        &format!(
            "{HEADER}{}",
            annotation(
                "a2",
                "Article 4(1)(4)",
                "takes decisions to restrict access"
            )
        ),
    );
    let (code, stdout, _) = run(&["check", &bill("2022-04-senate"), "--annotations", &gone]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("orphaned Test Org (illustrative): a2"),
        "{stdout}"
    );
    let (code, _, stderr) = run(&["check", &bill("2022-04-senate")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--annotations"), "{stderr}");
}

#[test]
fn schema_is_json_for_editors() {
    let (code, stdout, _) = run(&["schema", "annotations"]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(value["title"], "AnnotationFile");
    assert!(stdout.contains("written_against"));
}
