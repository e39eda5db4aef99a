//! The one integration-test binary. Modules: `cli` (the binary's behaviour and errors),
//! `corpus` (every real law in ../shared/corpus parses completely), `snapshots` (golden output
//! of the bundled bills and corpus pairs), `properties` (diff invariants), `truth` (generated
//! pairs with a ground-truth map).

#[path = "tests/annotations.rs"]
mod annotations;
#[path = "tests/cli.rs"]
mod cli;
#[path = "tests/corpus.rs"]
mod corpus;
#[path = "tests/properties.rs"]
mod properties;
#[path = "tests/quotes.rs"]
mod quotes;
#[path = "tests/reports.rs"]
mod reports;
#[path = "tests/rules.rs"]
mod rules;
#[path = "tests/snapshots.rs"]
mod snapshots;

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real-law corpus: `$BILLDIFF_CORPUS`, else `../shared/corpus`. `None` (and a note on
/// stderr) where neither exists, as in a user's clone; CI always has it.
pub fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("BILLDIFF_CORPUS").map(PathBuf::from),
        Some(root().join("../shared/corpus")),
    ];
    for dir in candidates.into_iter().flatten() {
        if dir.is_dir() {
            return Some(dir);
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("the corpus is missing: CI must have ../shared/corpus or $BILLDIFF_CORPUS");
    }
    eprintln!("skipped: no corpus at ../shared/corpus and BILLDIFF_CORPUS is not set");
    None
}

/// Every law version in the corpus, sorted: (law folder, file).
pub fn corpus_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut laws: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    laws.sort();
    for law in laws {
        let mut files: Vec<_> = std::fs::read_dir(&law)
            .expect("law folder readable")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && p.file_name().is_some_and(|n| n != "SOURCE.md")
            })
            .collect();
        files.sort();
        let name = law.file_name().unwrap().to_string_lossy().into_owned();
        out.extend(files.into_iter().map(|f| (name.clone(), f)));
    }
    out
}
