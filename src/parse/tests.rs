use super::*;

/// One line per clause: indentation by depth, id, label, kind, own text.
fn tree(markdown: &str) -> String {
    let bill = parse_bill(Source::from_text("t.md", markdown)).expect("parses");
    let mut out = String::new();
    for c in &bill.clauses {
        let head = c.heading.as_deref().unwrap_or("");
        out.push_str(&format!(
            "{}{} | {} | {}{}{} | {}\n",
            "  ".repeat(c.depth),
            c.id,
            c.label,
            c.kind.as_str(),
            if c.repealed { " repealed" } else { "" },
            if head.is_empty() {
                String::new()
            } else {
                format!(" [{head}]")
            },
            c.text
        ));
    }
    for l in &bill.loose {
        out.push_str(&format!(
            "loose {:?} @{}: {}\n",
            l.kind,
            l.parent
                .map_or("-".to_string(), |p| bill.clauses[p].id.clone()),
            l.text
        ));
    }
    out
}

fn check(markdown: &str, expect: &str) {
    let got = tree(markdown);
    assert_eq!(got.trim(), expect.trim(), "\n--- got ---\n{got}");
}

#[test]
fn english_articles_paragraphs_and_subparagraphs() {
    check(
        "---\ntitle: T\nlanguage: en\n---\n# Law\n\n_Draft._\n\n## Chapter 2. Platforms\n\n### Article 18-2. Removal\n\n1. The platform shall:\n\n   1) remove it;\n   2) tell the user;\n   3-1) keep a log.\n\n2-1. Inserted text.\n",
        r"
ch2 | Chapter 2 | chapter [Platforms] | 
  art18-2 | Article 18-2 | article [Removal] | 
    art18-2.p1 | Article 18-2(1) | paragraph | The platform shall:
      art18-2.p1.sp1 | Article 18-2(1)(1) | subparagraph | remove it;
      art18-2.p1.sp2 | Article 18-2(1)(2) | subparagraph | tell the user;
      art18-2.p1.sp3-1 | Article 18-2(1)(3-1) | subparagraph | keep a log.
    art18-2.p2-1 | Article 18-2(2-1) | paragraph | Inserted text.
loose Title @-: # Law
loose Preamble @-: _Draft._
",
    );
}

#[test]
fn german_absatz_nummer_buchstabe() {
    check(
        "## § 3 Umgang mit Beschwerden\n\n(1) Der Anbieter muss:\n\n1.  erstens,\n\n    a)  alpha und\n\n        aa) doppel\n\n    b)  beta;\n\n\n2.  zweitens.\n\nSatz nach der Liste.\n\n(2) (weggefallen)\n\n4a. eingefügt\n",
        r"
s3 | § 3 | article [Umgang mit Beschwerden] | 
  s3.p1 | § 3 Abs. 1 | paragraph | Der Anbieter muss:
Satz nach der Liste.
    s3.p1.i1 | § 3 Abs. 1 Nr. 1 | item | erstens,
      s3.p1.i1.a | § 3 Abs. 1 Nr. 1 Buchst. a | point | alpha und
        s3.p1.i1.a.aa | § 3 Abs. 1 Nr. 1 Buchst. a Doppelbuchst. aa | point | doppel
      s3.p1.i1.b | § 3 Abs. 1 Nr. 1 Buchst. b | point | beta;
    s3.p1.i2 | § 3 Abs. 1 Nr. 2 | item | zweitens.
  s3.p2 | § 3 Abs. 2 | paragraph repealed | (weggefallen)
    s3.p2.i4a | § 3 Abs. 2 Nr. 4a | item | eingefügt
",
    );
}

#[test]
fn russian_points_with_no_break_space_and_superscript_articles() {
    check(
        "#### ГЛАВА 15<sup>1</sup>. КОНФИСКАЦИЯ\n\n##### Статья 104<sup>1</sup>. Конфискация имущества\n\n1.\u{a0}Конфискация имущества есть:\n\nа)\u{a0}денег;\n\nб)\u{a0}ценностей.\n\n(В редакции Федерального закона от 27.07.2006 № 153-ФЗ)\n\n2.\u{a0}Утратил силу.\n",
        r"
ch15-1 | ГЛАВА 15¹ | chapter [КОНФИСКАЦИЯ] | 
  art104-1 | статья 104¹ | article [Конфискация имущества] | 
    art104-1.p1 | статья 104¹, пункт 1 | paragraph | Конфискация имущества есть:
      art104-1.p1.а | статья 104¹, пункт 1, подпункт а) | point | денег;
      art104-1.p1.б | статья 104¹, пункт 1, подпункт б) | point | ценностей.
    art104-1.p2 | статья 104¹, пункт 2 | paragraph repealed | Утратил силу.
loose Note @art104-1: (В редакции Федерального закона от 27.07.2006 № 153-ФЗ)
",
    );
}

#[test]
fn kazakh_informatization_style_subpoints_and_footnotes() {
    check(
        "## РАЗДЕЛ 1. ОБЩИЕ ПОЛОЖЕНИЯ\n\n### Глава 1. ОСНОВНЫЕ\n\n#### Статья 7-1. Компетенция\n\nВ настоящем Законе используются:\n\n1) первое;\n\n2) второе;\n\n3-1) вставка;\n\nСноска. Статья 7-1 с изменениями.\n",
        r"
div1 | РАЗДЕЛ 1 | section [ОБЩИЕ ПОЛОЖЕНИЯ] | 
  div1.ch1 | Глава 1 | chapter [ОСНОВНЫЕ] | 
    art7-1 | статья 7-1 | article [Компетенция] | В настоящем Законе используются:
      art7-1.sp1 | статья 7-1, подпункт 1) | subparagraph | первое;
      art7-1.sp2 | статья 7-1, подпункт 2) | subparagraph | второе;
      art7-1.sp3-1 | статья 7-1, подпункт 3-1) | subparagraph | вставка;
loose Note @art7-1: Сноска. Статья 7-1 с изменениями.
",
    );
}

#[test]
fn kazakh_language_headings() {
    check(
        "## 1-тарау. Жалпы ережелер\n\n### 18-2-бап. Ақпаратты жою\n\n1. Платформа 24 сағат ішінде жояды.\n",
        r"
ch1 | 1-тарау | chapter [Жалпы ережелер] | 
  art18-2 | 18-2-бап | article [Ақпаратты жою] | 
    art18-2.p1 | 18-2-бап, 1-тармақ | paragraph | Платформа 24 сағат ішінде жояды.
",
    );
}

#[test]
fn lazy_continuation_lines_with_labels_are_split() {
    // gen_bill.py writes letter points as continuation lines of a tight list item.
    check(
        "## Article 1. T\n\n1. Lead, the following:\n\n   1) one;\n   2) two;\n      a) alpha;\n      b) beta;\n   3) three.\n",
        r"
art1 | Article 1 | article [T] | 
  art1.p1 | Article 1(1) | paragraph | Lead, the following:
    art1.p1.sp1 | Article 1(1)(1) | subparagraph | one;
    art1.p1.sp2 | Article 1(1)(2) | subparagraph | two;
      art1.p1.sp2.a | Article 1(1)(2)(a) | point | alpha;
      art1.p1.sp2.b | Article 1(1)(2)(b) | point | beta;
    art1.p1.sp3 | Article 1(1)(3) | subparagraph | three.
",
    );
}

#[test]
fn escaped_numbers_in_wrapped_lines_are_text() {
    check(
        "### § 5 Frist\n\n(1) Das Gesetz tritt am\n3\\. April 2013 in Kraft.\n",
        r"
s5 | § 5 | article [Frist] | 
  s5.p1 | § 5 Abs. 1 | paragraph | Das Gesetz tritt am 3. April 2013 in Kraft.
",
    );
}

#[test]
fn repealed_headings_and_ranges() {
    check(
        "### § 10 (weggefallen)\n\n### (XXXX) §§ 2 bis 3f (weggefallen)\n\n### Art 143h\n\nText.\n",
        r"
s10 | § 10 | article repealed [(weggefallen)] | 
s2-to-3f | §§ 2 bis 3f | article repealed [(weggefallen)] | 
art143h | Art 143h | article | Text.
",
    );
}

#[test]
fn custom_ids_and_duplicates() {
    let md = "## Article 5. A {#five}\n\n1. x\n\n## Article 6. B\n\n## Article 6. C\n";
    check(
        md,
        r"
five | Article 5 | article [A] | 
  five.p1 | Article 5(1) | paragraph | x
art6 | Article 6 | article [B] | 
art6~2 | Article 6 | article [C] | 
",
    );
    let bill = parse_bill(Source::from_text("t.md", md)).unwrap();
    assert_eq!(bill.diagnostics.len(), 1);
    assert_eq!(
        bill.diagnostics[0].message,
        "duplicate clause id `art6`, this one is called `art6~2`"
    );
    assert_eq!(bill.diagnostics[0].location, "t.md:7:1");
}

#[test]
fn german_structure_nests_by_heading_level() {
    check(
        "# BGB\n\n## Buch 1 - Allgemeiner Teil\n\n### Abschnitt 1 - Personen\n\n#### Titel 1 - Natürliche Personen\n\n###### § 1 Beginn\n\nDie Rechtsfähigkeit beginnt.\n\n### Abschnitt 2 - Sachen\n\n###### § 90 Begriff\n\nSachen sind Gegenstände.\n",
        r"
book1 | Buch 1 | part [Allgemeiner Teil] | 
  book1.sec1 | Abschnitt 1 | section [Personen] | 
    book1.sec1.title1 | Titel 1 | chapter [Natürliche Personen] | 
      s1 | § 1 | article [Beginn] | Die Rechtsfähigkeit beginnt.
  book1.sec2 | Abschnitt 2 | section [Sachen] | 
    s90 | § 90 | article [Begriff] | Sachen sind Gegenstände.
loose Title @-: # BGB
",
    );
}

#[test]
fn spans_cover_children_and_lines_are_one_based() {
    let md = "## Article 1. T\n\n1. a\n\n2. b\n   1) c\n\n## Article 2. U\n";
    let bill = parse_bill(Source::from_text("t.md", md)).unwrap();
    let art1 = &bill.clauses[bill.find_id("art1").unwrap()];
    assert_eq!(art1.lines, (1, 6));
    assert_eq!(
        &md[art1.span.clone()],
        "## Article 1. T\n\n1. a\n\n2. b\n   1) c"
    );
    let sp = &bill.clauses[bill.find_id("art1.p2.sp1").unwrap()];
    assert_eq!(&md[sp.own_spans[0].clone()], "c");
}

#[test]
fn unreadable_front_matter_is_an_error_with_position() {
    let err = parse_bill(Source::from_text("b.md", "---\ntitle: [x\n---\n# T\n")).unwrap_err();
    assert!(err.to_string().starts_with("b.md:"), "{err}");
    let err = parse_bill(Source::from_text("b.md", "---\ntitle: x\n# T\n")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.md:1:1: front matter opened with `---` is never closed, expected a line `---`"
    );
}
