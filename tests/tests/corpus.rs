//! Every real law in the corpus parses into a complete tree: the number of article/§ clauses
//! matches an independent line scan, and every non-blank line of the file is covered by a
//! clause, by kept non-clause text, or by the front matter.

use billdiff::model::ClauseKind;
use billdiff::parse::parse_bill;
use billdiff::source::Source;

use crate::{corpus_dir, corpus_files};

/// Independent count: Markdown heading lines that name an article or §, by a scan written
/// here rather than with the parser's own functions.
fn count_article_headings(text: &str) -> usize {
    text.lines()
        .filter(|line| {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
                return false;
            }
            let rest = line[hashes..].trim_start();
            // The converter's placeholder, sometimes without a space: "(XXXX)§§ 2354 bis 2359".
            let rest = rest.strip_prefix("(XXXX)").unwrap_or(rest).trim_start();
            let bap = rest.split_once("-бап").is_some_and(|(n, _)| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '-')
            });
            rest.starts_with('§')
                || rest.starts_with("Art ")
                || rest.starts_with("Art. ")
                || rest.starts_with("Article ")
                || rest.starts_with("Статья ")
                || bap
        })
        .count()
}

#[test]
fn every_corpus_law_parses_with_all_articles_and_no_text_lost() {
    let Some(dir) = corpus_dir() else { return };
    let files = corpus_files(&dir);
    assert!(
        files.len() >= 25,
        "expected the whole corpus, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for (law, path) in files {
        let source = Source::read(&path).expect("corpus file reads");
        let text = source.text.clone();
        let bill = parse_bill(source).expect("corpus file parses");
        let articles = bill
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Article)
            .count();
        let expected = count_article_headings(&text);
        if articles != expected {
            failures.push(format!(
                "{law}/{}: {articles} article clauses, line scan finds {expected}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
        // Coverage of non-blank lines.
        let n_lines = text.lines().count();
        let mut covered = vec![false; n_lines + 2];
        let mut mark = |span: &std::ops::Range<usize>| {
            if span.is_empty() {
                return;
            }
            let (a, b) = bill.source.line_range(span);
            covered[a..=b].fill(true);
        };
        for c in &bill.clauses {
            for s in &c.own_spans {
                mark(s);
            }
        }
        for l in &bill.loose {
            mark(&l.span);
        }
        if let Some(fm) = &bill.front_matter.span {
            mark(fm);
        }
        let lost: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(i, line)| !line.trim().is_empty() && !covered[i + 1])
            .map(|(i, _)| i + 1)
            .collect();
        if !lost.is_empty() {
            failures.push(format!(
                "{law}/{}: {} non-blank lines in no clause or kept text, first at line {}: {:?}",
                path.file_name().unwrap().to_string_lossy(),
                lost.len(),
                lost[0],
                text.lines().nth(lost[0] - 1).unwrap_or("")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
