//! Golden output: `outline` of every bundled version, `diff` (text without colour at width 100,
//! and JSON) of consecutive bundled versions and of real corpus pairs.

use crate::cli::run;
use crate::{corpus_dir, root};

const BILL_DIR: &str = "bills/kz-child-online-safety";
const VERSIONS: &[&str] = &[
    "2021-09-15-first-reading",
    "2022-03-09-second-reading",
    "2022-04-senate",
    "2022-05-03-signed",
    "2022-05-03-signed.ru",
];

fn bundled(version: &str) -> String {
    format!("{BILL_DIR}/{version}.md")
}

/// Runs billdiff from the project root, so paths in the output are relative and stable.
fn billdiff_in_root(args: &[&str]) -> (i32, String) {
    let out = crate::cli::billdiff()
        .current_dir(root())
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn outline_of_every_bundled_version() {
    for version in VERSIONS {
        let (code, text) = billdiff_in_root(&[
            "outline",
            &bundled(version),
            "--color",
            "never",
            "--width",
            "100",
        ]);
        assert_eq!(code, 0);
        insta::assert_snapshot!(format!("outline_{version}"), text);
    }
}

#[test]
fn diff_of_consecutive_bundled_versions() {
    for pair in VERSIONS[..4].windows(2) {
        let (old, new) = (bundled(pair[0]), bundled(pair[1]));
        let (code, text) =
            billdiff_in_root(&["diff", &old, &new, "--color", "never", "--width", "100"]);
        assert_eq!(code, 1, "versions differ");
        insta::assert_snapshot!(format!("diff_{}__{}", pair[0], pair[1]), text);
        let (_, json) = billdiff_in_root(&["diff", &old, &new, "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        insta::assert_json_snapshot!(format!("diff_json_{}__{}", pair[0], pair[1]), value);
    }
}

#[test]
fn side_by_side_and_stat_views() {
    let (old, new) = (bundled(VERSIONS[1]), bundled(VERSIONS[2]));
    let (_, text) = billdiff_in_root(&[
        "diff",
        &old,
        &new,
        "--color",
        "never",
        "--width",
        "120",
        "--side-by-side",
        "--only",
        "art9",
    ]);
    insta::assert_snapshot!("diff_side_by_side_art9", text);
    let (_, text) = billdiff_in_root(&[
        "diff", &old, &new, "--color", "never", "--width", "100", "--stat",
    ]);
    insta::assert_snapshot!("diff_stat", text);
}

#[test]
fn diff_of_real_corpus_pairs() {
    let Some(dir) = corpus_dir() else { return };
    let path = |p: &str| dir.join(p).to_string_lossy().into_owned();
    // Paths in the output depend on where the corpus is; snapshot with a stable name.
    let stable = |text: String| text.replace(&dir.to_string_lossy().into_owned(), "<corpus>");
    for (name, old, new) in [
        ("tmg", "tmg/2012-07-02.md", "tmg/2021-08-12.md"),
        ("netzdg", "netzdg/2017-10-01.md", "netzdg/2021-06-28.md"),
    ] {
        let (code, text, _) = run(&[
            "diff",
            &path(old),
            &path(new),
            "--color",
            "never",
            "--width",
            "100",
        ]);
        assert_eq!(code, 1);
        insta::assert_snapshot!(format!("corpus_diff_{name}"), stable(text));
    }
    // Art 93 gains item 4c in August 2012; the rest of the Grundgesetz is unchanged.
    let (code, json, _) = run(&[
        "diff",
        &path("gg/2012-07-02.md"),
        &path("gg/2012-08-06.md"),
        "--format",
        "json",
        "--only",
        "Art 93",
    ]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&stable(json)).expect("valid JSON");
    insta::assert_json_snapshot!("corpus_diff_json_gg_2012_art93", value);
}
