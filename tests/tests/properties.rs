//! Invariants of the diff on generated bills: a bill diffed with itself is unchanged; diff(A, B)
//! and diff(B, A) pair the same clauses; every redline rebuilds both texts exactly.

use billdiff::align::{align_bills, AlignConfig, Alignment, ChangeKind};
use billdiff::model::Bill;
use billdiff::parse::parse_bill;
use billdiff::source::Source;
use proptest::prelude::*;

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
    "within",
    "24",
    "shall",
    "may",
    "the",
    "of",
    "а",
    "платформа",
    "удаление",
    "Anbieter",
    "Beschwerde",
    "2-1",
];

/// A bill: articles of paragraphs of sentences, each given as word indices.
type Shape = Vec<Vec<Vec<usize>>>;

fn render(shape: &Shape) -> String {
    let mut md = String::from("# Generated bill\n\n");
    for (a, paragraphs) in shape.iter().enumerate() {
        md.push_str(&format!("## Article {}. Title {}\n\n", a + 1, a % 3));
        for (p, words) in paragraphs.iter().enumerate() {
            let text: Vec<&str> = words.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
            md.push_str(&format!("{}. {}.\n\n", p + 1, text.join(" ")));
        }
    }
    md
}

fn bill(text: &str) -> Bill {
    parse_bill(Source::from_text("gen.md", text)).expect("generated bills parse")
}

fn shape() -> impl Strategy<Value = Shape> {
    prop::collection::vec(
        prop::collection::vec(prop::collection::vec(0usize..200, 1..14), 1..5),
        1..6,
    )
}

/// A second version: some paragraphs edited, dropped or duplicated with an edit.
fn edited(shape: &Shape, edits: &[(usize, usize, usize)]) -> Shape {
    let mut out = shape.clone();
    for &(a, p, w) in edits {
        let a = a % out.len();
        if out[a].is_empty() {
            continue;
        }
        let p = p % out[a].len();
        match w % 4 {
            0 => {
                let len = out[a][p].len();
                out[a][p][w % len] = w;
            }
            1 if out[a].len() > 1 => {
                out[a].remove(p);
            }
            2 => {
                let mut copy = out[a][p].clone();
                copy.push(w);
                out[a].insert(p, copy);
            }
            _ => out[a][p].push(w),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_bill_diffed_with_itself_is_unchanged(s in shape()) {
        let b = bill(&render(&s));
        let a = align_bills(&b, &b, &AlignConfig::default());
        prop_assert!(a.pairs.iter().all(|p| p.kind == ChangeKind::Unchanged));
        prop_assert_eq!(a.pairs.len(), b.clauses.len());
    }

    #[test]
    fn diff_a_b_mirrors_diff_b_a(s in shape(), edits in prop::collection::vec((0usize..10, 0usize..10, 0usize..400), 0..6)) {
        let old = bill(&render(&s));
        let new = bill(&render(&edited(&s, &edits)));
        let ab = align_bills(&old, &new, &AlignConfig::default());
        let ba = align_bills(&new, &old, &AlignConfig::default());
        prop_assert_eq!(&ab.old_to_new, &ba.new_to_old);
        prop_assert_eq!(&ab.new_to_old, &ba.old_to_new);
        let count = |a: &Alignment, k: ChangeKind| a.pairs.iter().filter(|p| p.kind == k).count();
        prop_assert_eq!(count(&ab, ChangeKind::Added), count(&ba, ChangeKind::Removed));
        prop_assert_eq!(count(&ab, ChangeKind::Removed), count(&ba, ChangeKind::Added));
        // Which of two equally long orders counts as "moved" may differ; whether text changed
        // may not.
        let changed = |a: &Alignment| a.pairs.iter().filter(|p| p.redline.is_some()).count();
        prop_assert_eq!(changed(&ab), changed(&ba));
    }

    #[test]
    fn redline_ops_rebuild_both_texts(s in shape(), edits in prop::collection::vec((0usize..10, 0usize..10, 0usize..400), 0..8)) {
        let old = bill(&render(&s));
        let new = bill(&render(&edited(&s, &edits)));
        let a = align_bills(&old, &new, &AlignConfig::default());
        for pair in &a.pairs {
            if let Some(r) = &pair.redline {
                let (old_text, new_text) = Alignment::pair_texts(pair, &old, &new);
                prop_assert_eq!(r.apply(&old_text, &new_text), new_text.clone());
                prop_assert_eq!(r.revert(&old_text), old_text.clone());
                let (mut o, mut n) = (0, 0);
                for op in &r.ops {
                    prop_assert_eq!(op.old.start, o);
                    prop_assert_eq!(op.new.start, n);
                    o = op.old.end;
                    n = op.new.end;
                }
                prop_assert_eq!((o, n), (old_text.len(), new_text.len()));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The aligner's word scan finds exactly the words and numbers the tokenizer finds in
    /// ASCII text.
    #[test]
    fn ascii_word_scan_matches_the_tokenizer(text in "[aZ9'\\-.,/ ;()\n]{0,40}") {
        use billdiff::tokens::{for_each_word, Token, Tokens};
        let mut fast = Vec::new();
        for_each_word(&text, |w| fast.push(w));
        let slow: Vec<&str> = Tokens::new(&text).filter(Token::is_word).map(|t| t.text).collect();
        prop_assert_eq!(fast, slow);
    }

    /// The same for text that mixes ASCII with letters, marks, joiners and spaces from beyond
    /// it, with Latin-1, Cyrillic and Kazakh capitals (the two-byte table) and wider letters.
    #[test]
    fn word_scan_of_mixed_text_matches_the_tokenizer(
        text in "[aZ9'\\-.,/ ;()\n\t\rßäÄЖқҚİẞ中٣§²’\u{2011}\u{00AD}\u{0301}\u{00A0}\u{2003}\u{000B}]{0,40}"
    ) {
        use billdiff::tokens::{for_each_word, Token, Tokens};
        let mut fast = Vec::new();
        for_each_word(&text, |w| fast.push(w));
        let slow: Vec<&str> = Tokens::new(&text).filter(Token::is_word).map(|t| t.text).collect();
        prop_assert_eq!(fast, slow);
    }
}
