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
    // A hang guard, not a speed check (speed is measured by scripts/): generous on purpose.
    assert!(
        start.elapsed() < Duration::from_secs(30),
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

/// The bundled annotations (written on the first reading) carried to every later version: the
/// expected states are the table in annotations/README.md.
#[test]
fn bundled_annotations_reach_every_state_across_versions() {
    use billdiff::align::{align_bills, AlignConfig};
    use billdiff::annotate::anchor::anchor_all;
    use billdiff::annotate::{load_annotations, AnnotationSet};

    let sets = load_annotations(&[root().join("annotations")]).expect("bundled files load");
    let refs: Vec<&AnnotationSet> = sets.iter().collect();
    let first = billdiff::app::load_bill(Path::new(&bill("2021-09-15-first-reading"))).unwrap();
    let expected: &[(&str, [&str; 3])] = &[
        ("drwca-01", ["anchored", "anchored", "anchored"]),
        (
            "drwca-02",
            ["anchored", "relocated art2.p1.sp6", "relocated art2.p1.sp6"],
        ),
        ("drwca-03", ["text-changed", "text-changed", "text-changed"]),
        ("drwca-04", ["anchored", "text-changed", "text-changed"]),
        ("drwca-05", ["text-changed", "orphaned", "orphaned"]),
        ("drwca-06", ["anchored", "orphaned", "orphaned"]),
        ("drwca-07", ["anchored", "text-changed", "text-changed"]),
        ("drwca-08", ["anchored", "text-changed", "text-changed"]),
        (
            "ocf-01",
            ["anchored", "relocated art2.p1.sp8", "relocated art2.p1.sp8"],
        ),
        (
            "ocf-02",
            [
                "anchored",
                "ambiguous art2.p1.sp6 art7.p1.sp3",
                "ambiguous art2.p1.sp6 art7.p1.sp3",
            ],
        ),
        ("ocf-03", ["anchored", "anchored", "anchored"]),
        ("ocf-04", ["anchored", "anchored", "anchored"]),
        (
            "ocf-05",
            ["anchored", "relocated art9.p2", "relocated art9.p2"],
        ),
        (
            "ocf-06",
            ["relocated art10", "relocated art10", "relocated art10"],
        ),
        ("ocf-07", ["anchored", "text-changed", "text-changed"]),
        ("ocf-08", ["anchored", "orphaned", "orphaned"]),
        ("ocf-09", ["anchored", "anchored", "text-changed"]),
    ];
    let versions = [
        "2022-03-09-second-reading",
        "2022-04-senate",
        "2022-05-03-signed",
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (k, version) in versions.iter().enumerate() {
        let v = billdiff::app::load_bill(Path::new(&bill(version))).unwrap();
        let a = align_bills(&first, &v, &AlignConfig::default());
        let anchored = anchor_all(&refs, Some((&first, &a)), &v).expect("targets exist");
        assert_eq!(anchored.len(), expected.len());
        for (got, (id, states)) in anchored.iter().zip(expected) {
            assert_eq!(got.spec.id.value, *id);
            let mut shown = got.anchor.state.as_str().to_string();
            if got.anchor.state == billdiff::annotate::anchor::AnchorState::Relocated {
                shown.push_str(&format!(" {}", v.clauses[got.anchor.clause.unwrap()].id));
            }
            for &c in &got.anchor.candidates {
                shown.push_str(&format!(" {}", v.clauses[c].id));
            }
            assert_eq!(shown, states[k], "{id} on {version}");
            seen.insert(got.anchor.state);
        }
    }
    assert_eq!(seen.len(), 5, "every state occurs: {seen:?}");
}

#[test]
fn check_and_diff_overlay_snapshots() {
    for version in [
        "2022-03-09-second-reading",
        "2022-04-senate",
        "2022-05-03-signed",
    ] {
        let out = crate::cli::billdiff()
            .current_dir(root())
            .args([
                "check",
                &format!("{BILLS}/{version}.md"),
                "--annotations",
                "annotations",
                "--color",
                "never",
                "--width",
                "140",
            ])
            .output()
            .unwrap();
        insta::assert_snapshot!(
            format!("check_{version}"),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = crate::cli::billdiff()
        .current_dir(root())
        .args([
            "diff",
            &format!("{BILLS}/2022-03-09-second-reading.md"),
            &format!("{BILLS}/2022-04-senate.md"),
            "--annotations",
            "annotations",
            "--color",
            "never",
            "--width",
            "100",
            "--verbose",
        ])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(
        "diff_annotations_second_reading__senate",
        String::from_utf8_lossy(&out.stdout)
    );
}
