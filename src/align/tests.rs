use super::*;
use crate::parse::parse_bill;
use crate::source::Source;
use proptest::strategy::Strategy;

fn bill(text: &str) -> Bill {
    parse_bill(Source::from_text("t.md", text)).expect("parses")
}

/// One line per changed pair: kind, old label → new label, how it was matched.
fn changes(old: &str, new: &str) -> String {
    changes_with(old, new, &AlignConfig::default())
}

fn changes_with(old: &str, new: &str, config: &AlignConfig) -> String {
    let (old, new) = (bill(old), bill(new));
    let a = align_bills(&old, &new, config);
    let mut out = String::new();
    for p in &a.pairs {
        if p.kind == ChangeKind::Unchanged {
            continue;
        }
        let o = p
            .old
            .map_or("-".to_string(), |i| old.clauses[i].label.to_string());
        let n = p
            .new
            .map_or("-".to_string(), |i| new.clauses[i].label.to_string());
        let mut extra = String::new();
        for &s in &p.split_into {
            extra.push_str(&format!(" +{}", new.clauses[s].label));
        }
        for &s in &p.merged_from {
            extra.push_str(&format!(" +{}", old.clauses[s].label));
        }
        let by = p.matched_by.map_or(String::new(), |b| format!(" ({b:?})"));
        out.push_str(&format!("{} {o} -> {n}{extra}{by}\n", p.kind.as_str()));
    }
    out
}

fn check(old: &str, new: &str, expect: &str) {
    let got = changes(old, new);
    assert_eq!(got.trim(), expect.trim(), "\n--- got ---\n{got}");
}

fn article(n: &str, title: &str, body: &str) -> String {
    format!("## Article {n}. {title}\n\n{body}\n\n")
}

/// Distinct sentences so that articles differ from each other as real ones do.
fn body(seed: usize) -> String {
    const WORDS: &[&str] = &[
        "platform",
        "ministry",
        "order",
        "content",
        "removal",
        "court",
        "appeal",
        "citizen",
        "representative",
        "office",
        "access",
        "restriction",
        "fine",
        "register",
        "user",
        "complaint",
        "expert",
        "group",
        "child",
        "bullying",
        "notice",
        "hours",
        "days",
        "report",
    ];
    let mut text = String::new();
    for p in 1..=3 {
        text.push_str(&format!("{p}. The"));
        for k in 0..12 {
            let w = WORDS[(seed * 7 + p * 5 + k * 3 + seed * k) % WORDS.len()];
            text.push_str(&format!(" {w}{}", (seed + k) % 5));
        }
        text.push_str(".\n\n");
    }
    text
}

fn bill_of(articles: &[(&str, &str, usize)]) -> String {
    let mut s = String::from("# Law\n\n");
    for (n, title, seed) in articles {
        s.push_str(&article(n, title, &body(*seed)));
    }
    s
}

#[test]
fn identical_bills_are_all_unchanged() {
    let b = bill_of(&[("1", "A", 1), ("2", "B", 2)]);
    check(&b, &b, "");
}

#[test]
fn inserted_article_numbered_15_1_is_added_and_nothing_else_changes() {
    let old = bill_of(&[("15", "A", 1), ("16", "B", 2)]);
    let new = bill_of(&[("15", "A", 1), ("15-1", "New", 9), ("16", "B", 2)]);
    check(
        &old,
        &new,
        "
added - -> Article 15-1
added - -> Article 15-1(1)
added - -> Article 15-1(2)
added - -> Article 15-1(3)
",
    );
}

#[test]
fn renumbered_tail_is_reported_once_per_article_not_as_modified() {
    let old = bill_of(&[("3", "A", 1), ("4", "B", 2), ("5", "C", 3), ("6", "D", 4)]);
    let new = bill_of(&[
        ("3", "A", 1),
        ("4", "New", 11),
        ("5", "B", 2),
        ("6", "C", 3),
        ("7", "D", 4),
    ]);
    check(
        &old,
        &new,
        "
added - -> Article 4
added - -> Article 4(1)
added - -> Article 4(2)
added - -> Article 4(3)
renumbered Article 4 -> Article 5 (IdenticalText)
renumbered Article 5 -> Article 6 (IdenticalText)
renumbered Article 6 -> Article 7 (IdenticalText)
",
    );
}

#[test]
fn ignore_numbering_hides_a_pure_renumbering() {
    let old = bill_of(&[("3", "A", 1), ("4", "B", 2)]);
    let new = bill_of(&[("3", "A", 1), ("5", "B", 2)]);
    let config = AlignConfig {
        ignore_numbering: true,
        ..AlignConfig::default()
    };
    assert_eq!(changes_with(&old, &new, &config), "");
}

#[test]
fn moved_article_keeps_its_number_and_is_reported_moved() {
    let old = format!(
        "## Chapter 1. One\n\n{}{}## Chapter 2. Two\n\n{}",
        article("1", "A", &body(1)),
        article("2", "B", &body(2)),
        article("3", "C", &body(3))
    );
    let new = format!(
        "## Chapter 1. One\n\n{}## Chapter 2. Two\n\n{}{}",
        article("1", "A", &body(1)),
        article("3", "C", &body(3)),
        article("2", "B", &body(2))
    );
    let old = old.replace("## Article", "### Article");
    let new = new.replace("## Article", "### Article");
    check(&old, &new, "moved Article 2 -> Article 2 (IdenticalText)");
}

#[test]
fn reworded_heading_and_edited_paragraph_pair_by_similarity() {
    let old = bill_of(&[("7", "Removal of information", 5)]);
    let new_body = body(5).replacen("2. The", "2. The new", 1);
    let new = format!(
        "# Law\n\n{}",
        article("7", "Removal of unlawful information", &new_body)
    );
    check(
        &old,
        &new,
        "
modified Article 7 -> Article 7 (Id)
modified Article 7(2) -> Article 7(2) (Id)
",
    );
}

#[test]
fn paragraph_moved_to_another_article_and_edited() {
    let moved = "The platform shall remove the information within twenty-four hours of receiving the order of the authorised body.";
    let old = format!(
        "## Article 1. A\n\n1. First paragraph about registers and offices.\n\n2. {moved}\n\n## Article 2. B\n\n1. Second article text about fines and courts.\n"
    );
    let new = format!(
        "## Article 1. A\n\n1. First paragraph about registers and offices.\n\n## Article 2. B\n\n1. Second article text about fines and courts.\n\n2. {}\n",
        moved.replace("twenty-four hours", "forty-eight hours")
    );
    check(
        &old,
        &new,
        "moved-modified Article 1(2) -> Article 2(2) (Similarity)",
    );
}

#[test]
fn split_paragraph_is_one_row() {
    let old = "## Article 1. A\n\n1. The platform shall appoint a legal representative in the Republic. The representative shall receive orders of the authorised body and answer them.\n";
    let new = "## Article 1. A\n\n1. The platform shall appoint a legal representative in the Republic.\n\n1-1. The representative shall receive orders of the authorised body and answer them.\n";
    check(
        old,
        new,
        "split Article 1(1) -> Article 1(1) +Article 1(1-1) (Similarity)",
    );
}

#[test]
fn splits_and_merges_in_a_long_article_are_each_one_row() {
    // Many siblings, a split near the start and a merge near the end: each neighbour is found
    // by its place among the siblings, and each absorbed clause leaves its own row.
    let filler = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| format!("{i}. Clause {i} keeps its own words about topic number {i}.\n\n"))
            .collect()
    };
    let old = format!(
        "## Article 1. A\n\n{}2. The platform shall appoint a legal representative in the Republic. The representative shall receive orders of the authorised body and answer them.\n\n{}300. The operator shall keep the records.\n\n301. The records shall be kept for five years.\n",
        filler(1, 2),
        filler(3, 300)
    );
    let new = format!(
        "## Article 1. A\n\n{}2. The platform shall appoint a legal representative in the Republic.\n\n2-1. The representative shall receive orders of the authorised body and answer them.\n\n{}300. The operator shall keep the records, which shall be kept for five years.\n",
        filler(1, 2),
        filler(3, 300)
    );
    check(
        &old,
        &new,
        "split Article 1(2) -> Article 1(2) +Article 1(2-1) (Similarity)\nmerged Article 1(300) -> Article 1(300) +Article 1(301) (Similarity)",
    );
}

#[test]
fn merged_paragraphs_are_one_row() {
    let old = "## Article 1. A\n\n1. The platform shall appoint a legal representative in the Republic.\n\n2. The representative shall receive orders of the authorised body and answer them.\n";
    let new = "## Article 1. A\n\n1. The platform shall appoint a legal representative in the Republic, who shall receive orders of the authorised body and answer them.\n";
    check(
        old,
        new,
        "merged Article 1(1) -> Article 1(1) +Article 1(2) (Similarity)",
    );
}

#[test]
fn article_with_the_same_number_but_other_content_is_not_paired_by_number() {
    // tmg 2012 → 2021: old § 11 was dropped and old § 16 became § 11.
    let old = bill_of(&[
        ("11", "Anbieter-Nutzer-Verhältnis", 1),
        ("16", "Bußgeldvorschriften", 2),
    ]);
    let new = bill_of(&[("11", "Bußgeldvorschriften", 2)]);
    let got = changes(&old, &new);
    assert!(got.contains("removed Article 11 -> -"), "{got}");
    assert!(got.contains("renumbered Article 16 -> Article 11"), "{got}");
}

#[test]
fn renumbered_subparagraphs_after_an_insertion() {
    let old = "## Article 2. Definitions\n\n1. Terms:\n\n   1) platform means a service with users;\n   2) content means any information;\n   3) order means a written act.\n";
    let new = "## Article 2. Definitions\n\n1. Terms:\n\n   1) platform means a service with users;\n   2) messenger means an instant messaging service;\n   3) content means any information;\n   4) order means a written act.\n";
    check(
        old,
        new,
        "
added - -> Article 2(1)(2)
renumbered Article 2(1)(2) -> Article 2(1)(3) (IdenticalText)
renumbered Article 2(1)(3) -> Article 2(1)(4) (IdenticalText)
",
    );
}

#[test]
fn removed_clause_is_listed_where_it_stood() {
    let old = "## Article 1. A\n\n1. Alpha text stays here.\n\n2. Beta text goes away entirely now.\n\n3. Gamma text stays too.\n";
    let new = "## Article 1. A\n\n1. Alpha text stays here.\n\n3. Gamma text stays too.\n";
    let (o, n) = (bill(old), bill(new));
    let a = align_bills(&o, &n, &AlignConfig::default());
    let order: Vec<String> = a
        .pairs
        .iter()
        .map(|p| {
            format!(
                "{}:{}",
                p.kind.as_str(),
                p.old.map_or("-".into(), |i| o.clauses[i].id.clone())
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "unchanged:art1",
            "unchanged:art1.p1",
            "removed:art1.p2",
            "unchanged:art1.p3"
        ]
    );
}

proptest::proptest! {
    /// Moving items along the cycles of a permutation gives what gathering them does.
    #[test]
    fn permute_in_place_gathers(order in (0u32..300).prop_flat_map(|n| {
        proptest::strategy::Just((0..n).collect::<Vec<u32>>()).prop_shuffle()
    })) {
        let items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
        let gathered: Vec<String> = order.iter().map(|&i| items[i as usize].clone()).collect();
        let mut moved = items.clone();
        let mut scratch = order.clone();
        permute_in_place(&mut moved, &mut scratch);
        proptest::prop_assert_eq!(moved, gathered);
    }
}

/// Pairs handed over in small and large lots, some before and some after the helper starts,
/// all come back diffed once, as `word_diff` diffs them.
#[test]
fn diff_queue_diffs_every_pair_once() {
    let text = |v: usize| {
        let mut t = String::from("# Law\n\n");
        for i in 1..=300 {
            t.push_str(&format!(
                "## Article {i}. Title\n\nThe body {} shall {i} apply.\n\n",
                if i % 3 == 0 { v } else { 0 }
            ));
        }
        t
    };
    let (old, new) = (bill(&text(1)), bill(&text(2)));
    let config = RedlineConfig::default();
    let queue = diff_queue::DiffQueue::new(&old, &new, &config);
    let all: Vec<(ClauseIdx, ClauseIdx)> = (0..old.clauses.len()).map(|i| (i, i)).collect();
    let mut done = std::thread::scope(|scope| {
        let mut pending = all[..10].to_vec();
        queue.hand_over(&mut pending, false);
        assert_eq!(pending.len(), 10, "a small lot waits");
        let helper = scope.spawn(|| queue.work());
        for lot in all[10..].chunks(7) {
            pending.extend_from_slice(lot);
            queue.hand_over(&mut pending, false);
        }
        queue.hand_over(&mut pending, true);
        assert!(pending.is_empty());
        queue.close();
        let mut done = queue.work();
        done.extend(helper.join().unwrap());
        done
    });
    done.sort_by_key(|d| d.0);
    assert_eq!(done.len(), all.len());
    for ((o, n, r), &(eo, en)) in done.iter().zip(&all) {
        assert_eq!((*o, *n), (eo, en));
        let expect = crate::redline::word_diff(
            &old.clauses[eo].full_text(),
            &new.clauses[en].full_text(),
            &config,
        );
        assert_eq!(*r, expect);
    }
}

/// A helper waiting for pairs returns when the closer is dropped, as when matching unwinds.
#[test]
fn diff_queue_closer_releases_the_helper() {
    let b = bill("# Law\n\n## Article 1. T\n\nText.\n");
    let config = RedlineConfig::default();
    let queue = diff_queue::DiffQueue::new(&b, &b, &config);
    let done = std::thread::scope(|scope| {
        let helper = scope.spawn(|| queue.work());
        drop(queue.closer());
        helper.join().unwrap()
    });
    assert!(done.is_empty());
}

/// The compact tree in the fingerprints is the clause tree: same parents, same children in
/// the same order (top-level clauses, nested lists, headings without body, repealed ones).
#[test]
fn compact_tree_is_the_clause_tree() {
    let text = "# Chapter 1\n\n## Article 1. A\n\n1. One:\n   1) sub;\n   2) sub:\n      a) point.\n2. Two.\n\n## Article 2. B\n\n## Article 3. C (repealed)\n\n# Chapter 2\n\n## Article 4. D\n\n(1) x\n\n(2) y\n";
    let bill = bill(text);
    let prints = fingerprints(&bill, &CompareOptions::default());
    assert!(bill.clauses.len() > 10);
    for (i, clause) in bill.clauses.iter().enumerate() {
        assert_eq!(prints.parent(i), clause.parent, "parent of {}", clause.id);
        let children: Vec<ClauseIdx> = prints.children(i).iter().map(|&c| c as ClauseIdx).collect();
        assert_eq!(
            children[..],
            clause.children[..],
            "children of {}",
            clause.id
        );
    }
}

/// The bit set of hashes never says no for a hash in it, and says yes for few others.
#[test]
fn hash_bits_keep_every_member() {
    let members: Vec<u64> = (0..5000u64).map(|i| mix64(i * 2)).collect();
    let set = HashBits::new(&members);
    assert!(members.iter().all(|&h| set.may_contain(h)));
    let wrong = (0..5000u64)
        .filter(|i| set.may_contain(mix64(i * 2 + 1)))
        .count();
    assert!(wrong < 500, "{wrong} of 5000 others said to be members");
    assert!(!HashBits::new(&[]).may_contain(7));
}
