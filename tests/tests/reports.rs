//! `report`: Markdown and JSON snapshots of the bundled versions, third-party text that must not
//! become live HTML, and output paths that must be refused without leaving a file behind.

use std::path::Path;

use crate::cli::billdiff;
use crate::root;

const OLD: &str = "bills/kz-child-online-safety/2021-09-15-first-reading.md";
const NEW: &str = "bills/kz-child-online-safety/2022-04-senate.md";

fn report(args: &[&str]) -> (i32, String) {
    let out = billdiff().current_dir(root()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn markdown_and_json_reports_of_the_bundled_versions() {
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [
        ("md", "report.md"),
        ("json", "report.json"),
        ("html", "report.html"),
    ] {
        let out = dir.path().join(name);
        let out_s = out.to_str().unwrap();
        let (code, stderr) = report(&[
            "report",
            OLD,
            NEW,
            "--annotations",
            "annotations",
            "--format",
            format,
            "-o",
            out_s,
        ]);
        assert_eq!(code, 0, "{stderr}");
        let text = std::fs::read_to_string(&out).unwrap();
        // Byte-identical run to run.
        report(&[
            "report",
            OLD,
            NEW,
            "--annotations",
            "annotations",
            "--format",
            format,
            "-o",
            out_s,
        ]);
        assert_eq!(text, std::fs::read_to_string(&out).unwrap());
        match format {
            "md" => insta::assert_snapshot!("report_md", text),
            "json" => insta::assert_json_snapshot!(
                "report_json",
                serde_json::from_str::<serde_json::Value>(&text).unwrap()
            ),
            _ => {
                assert!(text.contains("id=\"art9.p1\""), "stable anchors");
                assert!(text.contains("<del>") && text.contains("<ins>"));
                assert!(text.contains("@media print"));
                assert!(!text.contains("<script"));
            }
        }
    }
    // --date is the only way a date gets in.
    let out = dir.path().join("dated.md");
    report(&[
        "report",
        OLD,
        NEW,
        "--format",
        "md",
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2022-04-21",
    ]);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("Report generated 2022-04-21"));
}

#[test]
fn third_party_text_never_becomes_live_html() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = "---\ntitle: \"T</title><script>alert(1)</script>\"\nsource_url: \"javascript:alert(2)\"\n---\n# Bill\n\n## Article 1. Removal </style><b>x</b>\n\n1. The platform shall remove content within 24 hours. <!-- hidden --> <img src=x onerror=alert(3)>\n";
    let new = old.replace("24 hours", "48 hours");
    std::fs::write(d.join("old.md"), old).unwrap();
    std::fs::write(d.join("new.md"), new).unwrap();
    let ann = "organization:\n  name: \"<script>alert(4)</script> Org\"\n  url: \"javascript:alert(5)\"\nwritten_against: old.md\nannotations:\n  - id: x1\n    target:\n      clause: art1.p1\n      exact: \"within 24 hours\"\n    category: short-removal-deadline\n    severity: high\n    title: \"<img src=x onerror=alert(6)>\"\n    comment: |\n      Bad <script>alert(7)</script> and <img src=x onerror=alert(8)> and [click](javascript:alert(9)) and ![pic](https://example.org/x.png) but [ok](https://example.org/ok).\n    references:\n      - text: ref\n        url: \"javascript:alert(10)\"\n";
    std::fs::write(d.join("a.yaml"), ann).unwrap();
    let out = d.join("r.html");
    let (code, stderr) = report(&[
        "report",
        d.join("old.md").to_str().unwrap(),
        d.join("new.md").to_str().unwrap(),
        "--annotations",
        d.join("a.yaml").to_str().unwrap(),
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&out).unwrap();
    for live in [
        "<script",
        "<img",
        "javascript:",
        "</style><b>",
        "<!-- hidden",
        "<b>x</b>",
    ] {
        assert!(!html.contains(live), "live markup {live:?} in the report");
    }
    // Event handlers may appear only as escaped text, never inside a tag.
    for tag in html.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or("");
        assert!(
            !inside.contains("onerror"),
            "handler inside a tag: <{inside}>"
        );
    }
    assert!(html.contains("&lt;script&gt;"), "escaped, still readable");
    assert!(
        html.contains("<a href=\"https://example.org/ok\">ok</a>"),
        "safe links survive"
    );
    assert!(!html.contains("example.org/x.png"), "no external image");
}

#[test]
fn bad_output_paths_are_refused_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let missing = d.join("no/such/dir/r.html");
    let (code, stderr) = report(&[
        "report",
        OLD,
        NEW,
        "--format",
        "html",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist"), "{stderr}");
    let (code, stderr) = report(&["report", OLD, NEW, "--format", "md", "-o", NEW]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("refusing to overwrite an input"),
        "{stderr}"
    );
    assert!(std::fs::read_to_string(root().join(NEW))
        .unwrap()
        .starts_with("---"));
    // A read-only directory (skipped when running as a user the permissions do not bind).
    let ro = d.join("ro");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = ro.join("probe");
    if std::fs::write(&probe, b"x").is_err() {
        let (code, stderr) = report(&[
            "report",
            OLD,
            NEW,
            "--format",
            "md",
            "-o",
            ro.join("r.md").to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("cannot write output"), "{stderr}");
        assert_eq!(
            std::fs::read_dir(&ro).unwrap().count(),
            0,
            "no temporary file left"
        );
    } else {
        eprintln!("skipped the read-only check: running with permissions that ignore mode bits");
        std::fs::remove_file(&probe).unwrap();
    }
    let _ = Path::new("");
}
