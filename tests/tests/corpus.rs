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
        // Each clause's descendants follow it in the arena (`subtree`, `root_of` rely on it):
        // its parent comes before it, and its top-level ancestor is the last root up to it.
        let mut root_subtree = (usize::MAX, 0..0);
        for (i, c) in bill.clauses.iter().enumerate() {
            let mut root = i;
            while let Some(p) = bill.clauses[root].parent {
                assert!(p < root, "{law}: parent after child at clause {i}");
                root = p;
            }
            if root_subtree.0 != root {
                root_subtree = (root, bill.subtree(root));
            }
            if bill.root_of(i) != root || !root_subtree.1.contains(&i) {
                failures.push(format!(
                    "{law}/{}: clause {} is not inside the subtree of its root {}",
                    path.file_name().unwrap().to_string_lossy(),
                    c.id,
                    bill.clauses[root].id
                ));
                break;
            }
        }
        // Coverage of non-blank lines.
        let n_lines = text.lines().count();
        let mut covered = vec![false; n_lines + 2];
        let mut mark = |span: &std::ops::Range<usize>| {
            if span.is_empty() {
                return;
            }
            let (a, b) = bill.source.line_range(span);
            covered[a as usize..=b as usize].fill(true);
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

/// Real amendments the aligner must get right (issue #3).
mod real_pairs {
    use billdiff::align::{align_bills, AlignConfig, Alignment, ChangeKind};
    use billdiff::model::Bill;

    use crate::corpus_dir;

    fn load(rel: &str) -> Option<Bill> {
        let dir = corpus_dir()?;
        Some(billdiff::app::load_bill(&dir.join(rel)).expect("corpus file loads"))
    }

    /// (kind, new id) of the pair that holds the old clause `old_id`.
    fn fate(a: &Alignment, old: &Bill, new: &Bill, old_id: &str) -> (ChangeKind, Option<String>) {
        let o = old.find_id(old_id).expect("old clause exists");
        let p = a
            .pairs
            .iter()
            .find(|p| p.old == Some(o))
            .expect("a pair holds it");
        (p.kind, p.new.map(|n| new.clauses[n].id.to_string()))
    }

    fn kind_of_new(a: &Alignment, new: &Bill, new_id: &str) -> ChangeKind {
        let n = new.find_id(new_id).expect("new clause exists");
        a.pairs
            .iter()
            .find(|p| p.new == Some(n))
            .expect("a pair holds it")
            .kind
    }

    #[test]
    fn tmg_2012_to_2021_pairs_bussgeldvorschriften_by_text_not_number() {
        let (Some(old), Some(new)) = (load("tmg/2012-07-02.md"), load("tmg/2021-08-12.md")) else {
            return;
        };
        let a = align_bills(&old, &new, &AlignConfig::default());
        let o16 = &old.clauses[old.find_id("s16").unwrap()];
        assert_eq!(o16.heading.as_deref(), Some("Bußgeldvorschriften"));
        let (_, to) = fate(&a, &old, &new, "s16");
        assert_eq!(to.as_deref(), Some("s11"));
        assert_eq!(
            new.clauses[new.find_id("s11").unwrap()].heading.as_deref(),
            Some("Bußgeldvorschriften")
        );
        let o11 = &old.clauses[old.find_id("s11").unwrap()];
        assert_eq!(o11.heading.as_deref(), Some("Anbieter-Nutzer-Verhältnis"));
        assert_eq!(fate(&a, &old, &new, "s11"), (ChangeKind::Removed, None));
    }

    #[test]
    fn sgb5_2012_to_2022_moves_4a_to_4b_and_adds_a_new_4a() {
        let (Some(old), Some(new)) = (load("sgb5/2012-07-02.md"), load("sgb5/2022-03-03.md"))
        else {
            return;
        };
        let a = align_bills(&old, &new, &AlignConfig::default());
        let o4a = &old.clauses[old.find_id("s4a").unwrap()];
        assert_eq!(
            o4a.heading.as_deref(),
            Some("Sonderregelungen zum Verwaltungsverfahren")
        );
        let (_, to) = fate(&a, &old, &new, "s4a");
        assert_eq!(to.as_deref(), Some("s4b"));
        let n4a = &new.clauses[new.find_id("s4a").unwrap()];
        assert!(n4a
            .heading
            .as_deref()
            .is_some_and(|h| h.starts_with("Wettbewerb der Krankenkassen")));
        assert_eq!(kind_of_new(&a, &new, "s4a"), ChangeKind::Added);
    }

    #[test]
    fn gg_2012_art_93_gains_item_4c_and_keeps_4a_4b() {
        let (Some(old), Some(new)) = (load("gg/2012-07-02.md"), load("gg/2012-08-06.md")) else {
            return;
        };
        let a = align_bills(&old, &new, &AlignConfig::default());
        for id in ["art93.p1.i4a", "art93.p1.i4b"] {
            assert_eq!(
                fate(&a, &old, &new, id),
                (ChangeKind::Unchanged, Some(id.to_string())),
                "{id}"
            );
        }
        assert!(old.find_id("art93.p1.i4c").is_none());
        assert_eq!(kind_of_new(&a, &new, "art93.p1.i4c"), ChangeKind::Added);
    }
}
