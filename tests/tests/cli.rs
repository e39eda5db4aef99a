//! The binary as a user meets it: exit codes, one-line errors naming the file, no panics.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

/// A hermetic `billdiff` command: no colour or width from the environment.
pub fn billdiff() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("billdiff");
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "TERM",
        "PAGER",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RUST_BACKTRACE", "1");
    cmd
}

/// Runs `billdiff ARGS` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = billdiff().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a bad input gives one line on stderr, starting with the message, exit 2, no panic.
fn assert_bad_input(args: &[&str], expect_start: &str) {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 2, "exit code for {args:?}; stderr: {stderr}");
    assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.starts_with(expect_start),
        "stderr {stderr:?} should start with {expect_start:?}"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn unreadable_inputs_give_one_line_naming_the_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let missing = d.join("missing.md").to_string_lossy().into_owned();
    assert_bad_input(
        &["outline", &missing],
        &format!("billdiff: {missing}: cannot read file: no such file"),
    );
    let dir_path = d.to_string_lossy().into_owned();
    assert_bad_input(
        &["outline", &dir_path],
        &format!("billdiff: {dir_path}: is a directory"),
    );
    let empty = write(d, "empty.md", b"");
    assert_bad_input(
        &["outline", &empty],
        &format!("billdiff: {empty}: file is empty"),
    );
    let binary = write(d, "bin.md", b"\x7fELF\x02\x01\x01\x00\x00\x00");
    assert_bad_input(
        &["outline", &binary],
        &format!("billdiff: {binary}:1:8: binary file (NUL byte at byte offset 7)"),
    );
    let latin1 = write(d, "latin1.md", b"# Gesetz\n\n## \xa7 1 Titel\n");
    assert_bad_input(
        &["outline", &latin1],
        &format!("billdiff: {latin1}:3:4: invalid UTF-8 at byte offset 13"),
    );
    let utf16 = write(d, "utf16.md", b"\xff\xfe#\x00 \x00T\x00");
    assert_bad_input(
        &["outline", &utf16],
        &format!("billdiff: {utf16}: UTF-16 text"),
    );
    let bad_front = write(d, "front.md", b"---\ntitle: [unclosed\n---\n# T\n");
    assert_bad_input(&["outline", &bad_front], &format!("billdiff: {bad_front}:"));
    // Both sides of a diff are checked.
    let good = write(d, "good.md", b"## Article 1. A\n\nText.\n");
    assert_bad_input(
        &["diff", &good, &empty],
        &format!("billdiff: {empty}: file is empty"),
    );
}

#[test]
fn bad_arguments_exit_2() {
    let (code, _, stderr) = run(&["diff", "only-one.md"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(&["outline", "x.md", "--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("possible values: text, json"), "{stderr}");
}

#[test]
fn diff_exit_codes_follow_diff1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = write(
        d,
        "a.md",
        b"## Article 1. A\n\n1. Text one.\n\n2. Text two.\n",
    );
    let b = write(
        d,
        "b.md",
        b"## Article 1. A\n\n1. Text one.\n\n2. Text two, changed.\n",
    );
    assert_eq!(run(&["diff", &a, &a]).0, 0);
    let (code, stdout, _) = run(&["diff", &a, &b]);
    assert_eq!(code, 1);
    assert!(stdout.contains("Text two{+, changed+}."), "{stdout}");
    let (code, stdout, _) = run(&["diff", &a, &b, "--only", "Article 1(1)"]);
    assert_eq!(code, 0, "{stdout}");
    let (code, _, stderr) = run(&["diff", &a, &b, "--only", "Article 9"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no clause with this id or citation"),
        "{stderr}"
    );
}

#[test]
fn closed_stdout_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut big = String::new();
    for i in 1..3000 {
        big.push_str(&format!(
            "## Article {i}. T\n\n1. Text {i} of a long bill.\n\n"
        ));
    }
    let a = write(d, "a.md", big.as_bytes());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("billdiff"))
        .args(["outline", &a])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe as `head -1` would.
    {
        use std::io::{BufRead, BufReader};
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn control_characters_in_bill_text_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hostile = "## Article 1. Evil\x1b[2J title\n\n1. Text with \x1b]8;;http://x\x07link\x1b]8;;\x07, a\rreturn, a back\x08space and \u{202E}reversed.\n";
    let a = write(d, "a.md", hostile.as_bytes());
    let b = write(d, "b.md", hostile.replace("Text", "Words").as_bytes());
    for args in [
        vec!["outline", a.as_str()],
        vec!["diff", a.as_str(), b.as_str(), "--context"],
        vec!["diff", a.as_str(), b.as_str(), "--color", "always"],
    ] {
        let (_, stdout, _) = run(&args);
        for bad in ['\r', '\x08', '\u{202E}', '\x07'] {
            assert!(
                !stdout.contains(bad),
                "{args:?} passed {bad:?} through: {stdout:?}"
            );
        }
        // Our own colour codes are the only escape sequences left.
        let stripped = stdout.replace("\x1b[", "");
        assert!(!stripped.contains('\x1b'), "{args:?}: {stdout:?}");
        assert!(!stdout.contains("\x1b]8"), "{args:?}");
        assert!(stdout.contains("\\x1b"), "{args:?}: {stdout}");
        if args[0] == "diff" {
            assert!(stdout.contains("<U+202E>"), "{args:?}: {stdout}");
        }
    }
}

#[test]
fn output_is_byte_identical_run_to_run_and_across_environments() {
    let bills = crate::root().join("bills/kz-child-online-safety");
    let old = bills.join("2021-09-15-first-reading.md");
    let new = bills.join("2022-04-senate.md");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let annotations = crate::root().join("annotations");
    let annotations = annotations.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["outline", old],
        vec!["outline", old, "--format", "json"],
        vec!["diff", old, new],
        vec!["diff", old, new, "--format", "json"],
        vec![
            "diff",
            old,
            new,
            "--side-by-side",
            "--annotations",
            annotations,
        ],
        vec!["check", new, "--annotations", annotations],
    ];
    for args in commands {
        let first = billdiff().args(&args).output().unwrap().stdout;
        let again = billdiff()
            .args(&args)
            .env("TZ", "Asia/Almaty")
            .env("LANG", "kk_KZ.UTF-8")
            .env("LC_ALL", "de_DE.UTF-8")
            .output()
            .unwrap()
            .stdout;
        assert!(!first.is_empty(), "{args:?}");
        assert!(first == again, "{args:?} differs between runs");
    }
}

/// Runs billdiff and fails if it takes longer than `limit`: a hang guard, not a speed check
/// (speed is measured by the scripts in scripts/), so the limits are generous.
fn run_bounded(args: &[&str], limit: std::time::Duration) -> (i32, String) {
    let start = std::time::Instant::now();
    let out = billdiff().args(args).output().unwrap();
    assert!(
        start.elapsed() < limit,
        "{args:?} took {:?}",
        start.elapsed()
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn hostile_markdown_is_parsed_without_stack_overflow_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let limit = std::time::Duration::from_secs(60);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("line.md", {
            let mut v = b"## Article 1. Long\n\n1. ".to_vec();
            v.extend(std::iter::repeat_n(b"word ".as_slice(), 20_000_000).flatten());
            v
        }),
        (
            "lists.md",
            (0..10_000)
                .flat_map(|i| format!("{}- x\n", "  ".repeat(i % 500 + i / 500)).into_bytes())
                .collect(),
        ),
        (
            "quotes.md",
            format!("{} x\n", ">".repeat(10_000)).into_bytes(),
        ),
        (
            "headings.md",
            (0..100_000)
                .flat_map(|i| format!("## Article {i}. T\n\n").into_bytes())
                .collect(),
        ),
    ];
    for (name, bytes) in cases {
        let path = write(d, name, &bytes);
        let (code, stderr) = run_bounded(&["outline", &path, "--depth", "0"], limit);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("overflow"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn a_pathological_diff_finishes_with_a_coarse_or_rewritten_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two 1 MB clauses with nothing in common, and long runs of one repeated token.
    let old: String = (0..120_000).map(|i| format!("a{i} ")).collect();
    let new: String = (0..120_000).map(|i| format!("b{i} ")).collect();
    let a = write(
        d,
        "a.md",
        format!("## Article 1. T\n\n1. {old}\n").as_bytes(),
    );
    let b = write(
        d,
        "b.md",
        format!("## Article 1. T\n\n1. {new}\n").as_bytes(),
    );
    let (code, _) = run_bounded(
        &["diff", &a, &b, "--stat"],
        std::time::Duration::from_secs(30),
    );
    assert_eq!(code, 1);
    let out = billdiff()
        .args(["diff", &a, &b, "--width", "100"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("rewritten")
            || text.contains("coarse diff")
            || (text.contains("(removed)") && text.contains("(added)")),
        "{}",
        &text[..300.min(text.len())]
    );
    let x = write(
        d,
        "x.md",
        format!("## Article 1. T\n\n1. {}\n", "x ".repeat(500_000)).as_bytes(),
    );
    let y = write(
        d,
        "y.md",
        format!("## Article 1. T\n\n1. {}\n", "x y ".repeat(250_000)).as_bytes(),
    );
    let (code, _) = run_bounded(
        &["diff", &x, &y, "--stat"],
        std::time::Duration::from_secs(30),
    );
    assert_eq!(code, 1);
}

#[test]
fn diff_json_has_one_pair_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Enough pairs for several of the writer's chunks, with texts that need escaping: quotes, a
    // backslash, a tab, ESC, non-ASCII, U+2028.
    let bill = |edit: bool| {
        let mut md = String::from("# A \"big\" bill\n\n");
        for i in 1..2200 {
            let changed = if edit && i % 7 == 0 { " now" } else { "" };
            md.push_str(&format!(
                "## Article {i}. T{changed}\n\nIntro.\n\n1. Text {i} \"quoted\" a\\b\tc \u{1b}[31m \u{430}\u{2028}z{changed}.\n\n2. More {i}.\n\n"
            ));
        }
        md
    };
    let a = write(d, "a.md", bill(false).as_bytes());
    let b = write(d, "b.md", bill(true).as_bytes());
    let (code, json, stderr) = run(&["diff", &a, &b, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let pairs = doc["pairs"].as_array().unwrap();
    assert!(pairs.len() > 6000, "{}", pairs.len());
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), pairs.len() + 2);
    assert!(lines[0].starts_with("{\"schema_version\":1,"));
    assert!(lines[0].ends_with("\"pairs\":["));
    assert_eq!(lines[lines.len() - 1], "]}");
    assert!(json.ends_with("]}\n"));
    for (k, (line, pair)) in lines[1..lines.len() - 1].iter().zip(pairs).enumerate() {
        let object = if k + 1 < pairs.len() {
            line.strip_suffix(',')
                .expect("a comma after all but the last pair")
        } else {
            line
        };
        let value: serde_json::Value = serde_json::from_str(object).expect("a pair per line");
        assert_eq!(&value, pair);
    }
    // (The parser folds the tab and U+2028 to spaces; a heading and its text meet at "\n".)
    assert!(json.contains("\\\"quoted\\\" a\\\\b c \\u001b[31m \u{430} z"));
    assert!(json.contains("now\\n"), "a newline in a text is escaped");
    // The same bytes every run.
    for _ in 0..2 {
        assert!(run(&["diff", &a, &b, "--format", "json"]).1 == json);
    }
}
