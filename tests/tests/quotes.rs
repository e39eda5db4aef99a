//! `quote`: exact slices of the source with a checkable hash, in text, Markdown and HTML.

use billdiff::cite::{quote_hash, quote_range};

use crate::{corpus_dir, root};

fn check_every_clause(path: &std::path::Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let bill = billdiff::app::load_bill(path).unwrap();
    let bom = bill.source.bom_len;
    for idx in 0..bill.clauses.len() {
        for recursive in [false, true] {
            let r = quote_range(&bill, idx, recursive);
            let quoted = &bill.source.text[r.clone()];
            let in_file = &bytes[r.start + bom..r.end + bom];
            assert_eq!(
                quoted.as_bytes(),
                in_file,
                "{} {}",
                path.display(),
                bill.clauses[idx].id
            );
            assert_eq!(quote_hash(quoted.as_bytes()), quote_hash(in_file));
            assert!(
                !quoted.trim().is_empty(),
                "{} {}",
                path.display(),
                bill.clauses[idx].id
            );
        }
    }
    bill.clauses.len()
}

#[test]
fn every_quote_is_a_byte_exact_slice_of_its_file() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("bills/kz-child-online-safety")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            n += check_every_clause(&path);
        }
    }
    assert!(n > 300, "{n}");
    if let Some(dir) = corpus_dir() {
        check_every_clause(&dir.join("netzdg/2021-06-28.md"));
        check_every_clause(&dir.join("kz-informatization/2021-12-31.md"));
    }
}

#[test]
fn quote_in_every_format() {
    let bill = "bills/kz-child-online-safety/2022-04-senate.md";
    let old = "bills/kz-child-online-safety/2021-09-15-first-reading.md";
    for (name, args) in [
        (
            "text",
            vec!["quote", bill, "Article 8-2(1)", "--since", old],
        ),
        (
            "md",
            vec![
                "quote",
                bill,
                "art. 7 para 1",
                "--recursive",
                "--format",
                "md",
                "--annotations",
                "annotations",
            ],
        ),
        (
            "html",
            vec!["quote", bill, "art9.p1", "--format", "html", "--since", old],
        ),
        (
            "ru",
            vec![
                "quote",
                "bills/kz-child-online-safety/2022-05-03-signed.ru.md",
                "статья 9 пункт 1",
            ],
        ),
    ] {
        let out = crate::cli::billdiff()
            .current_dir(root())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        insta::assert_snapshot!(
            format!("quote_{name}"),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = crate::cli::billdiff()
        .current_dir(root())
        .args(["quote", bill, "Article 99(1)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("closest: Article 9"), "{err}");
}
