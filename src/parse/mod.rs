//! Parse one bill version (`Source`) into a `Bill`: front matter, then the Markdown body walked
//! with pulldown-cmark's offset iterator into blocks, then blocks into the clause tree.
//!
//! Headings make parts, chapters and articles (`label::classify_heading`); inside them, blocks
//! that start with a printed label (`(1)`, `2-1.`, `3-1)`, `a)`) make paragraphs, sub-paragraphs
//! and points. Labels are read from the source slice at each block, because many of them are not
//! Markdown list syntax at all (see `docs/tricky-cases.md`). Text that is no clause is kept as
//! `LooseText`. Parsing never fails on the Markdown; only unreadable front matter is an error.

mod chunks;
pub mod label;

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::model::{
    Bill, Clause, ClauseIdx, ClauseKind, ClauseText, Diagnostic, FrontMatter, Language, LooseKind,
    LooseText, OwnSpans, Severity, ShortStr,
};
use crate::source::Source;
use label::{body_label, classify_heading, scan_body_label, BodyLabel, HeadingClass, LabelStyle};

/// Front matter that is not valid YAML, or not a mapping.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    FrontMatter(#[from] crate::yaml::YamlError),
    #[error("{location}: {message}")]
    Invalid { location: String, message: String },
}

/// Parses a bill version. The Markdown itself never fails to parse; odd numbering comes back as
/// diagnostics in `Bill::diagnostics`.
pub fn parse_bill(source: Source) -> Result<Bill, ParseError> {
    let front_matter = read_front_matter(&source)?;
    let body_start = front_matter.span.as_ref().map_or(0, |s| s.end);
    let declared = front_matter
        .language
        .as_deref()
        .and_then(Language::from_code);
    // Ids are checked for repeats once at the end (see `IdCheck`); only a bill with custom ids
    // and a repeat is built a second time, with each id looked up as it is given out.
    let mut ids = IdCheck::AtTheEnd(Vec::new());
    let (built, language) = loop {
        match build_tree(&source, body_start, declared, ids) {
            Some(tree) => break tree,
            // `AsGiven` never finds a repeat, so this builds at most twice.
            None => ids = IdCheck::AsGiven(IdRegistry::default()),
        }
    };
    Ok(Bill {
        source,
        front_matter,
        title: built.title,
        language,
        clauses: built.clauses,
        roots: built.roots,
        loose: built.loose,
        diagnostics: built.diagnostics,
    })
}

/// Builds the clause tree of the body; `None` when `ids` is `IdCheck::AtTheEnd` and an id
/// repeats in a bill with custom ids (see `TreeBuilder::settle_repeated_ids`).
fn build_tree(
    source: &Source,
    body_start: usize,
    declared: Option<Language>,
    ids: IdCheck,
) -> Option<(Built, Language)> {
    let mut builder = TreeBuilder::new(source, declared.unwrap_or_default(), ids);
    // Bills have a clause every 130 bytes or more; capacity reserved and never used is never
    // touched, so a generous estimate costs address space only.
    let estimate = source.text.len() / 128 + 16;
    builder.clauses.reserve(estimate);
    crate::memory::advise_huge_pages(&builder.clauses);
    builder.ids.reserve(estimate);
    // Blocks go to the tree builder as they are read, once the language is known.
    let mut gate = LanguageGate {
        builder,
        known: declared.is_some(),
        held: Vec::new(),
    };
    collect_blocks(&source.text, body_start, |block| gate.add(block));
    gate.finish()
}

// ------------------------------------------------------------------------------ front matter

fn read_front_matter(source: &Source) -> Result<FrontMatter, ParseError> {
    let text = &source.text;
    let Some(first_end) = text.find('\n') else {
        return Ok(FrontMatter::default());
    };
    if text[..first_end].trim_end() != "---" {
        return Ok(FrontMatter::default());
    }
    // The closing fence is the next line that is exactly `---` (or `...`).
    let mut pos = first_end + 1;
    let mut close = None;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            close = Some((pos, (end + 1).min(text.len())));
            break;
        }
        pos = end + 1;
    }
    let Some((yaml_end, block_end)) = close else {
        return Err(ParseError::Invalid {
            location: source.locate(0),
            message: "front matter opened with `---` is never closed, expected a line `---`".into(),
        });
    };
    let yaml = &text[first_end + 1..yaml_end];
    let mut fm = FrontMatter {
        span: Some(0..block_end),
        ..FrontMatter::default()
    };
    if yaml.trim().is_empty() {
        return Ok(fm);
    }
    let map: serde_json::Value = crate::yaml::from_str(yaml, &source.display_path(), 2)?;
    let serde_json::Value::Object(map) = map else {
        return Err(ParseError::Invalid {
            location: source.locate(first_end + 1),
            message: "front matter must be a mapping of keys to values".into(),
        });
    };
    let as_text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut extra: Vec<(String, String)> = Vec::new();
    for (key, value) in &map {
        let text = as_text(value);
        match key.to_ascii_lowercase().as_str() {
            "title" => fm.title = Some(text),
            "short_title" | "short-title" | "shorttitle" => fm.short_title = Some(text),
            "jurisdiction" => fm.jurisdiction = Some(text),
            "language" | "lang" => fm.language = Some(text),
            "version" | "version_label" => fm.version = Some(text),
            "date" => fm.date = Some(text),
            "stage" => fm.stage = Some(text),
            "source_url" | "source" | "url" => fm.source_url = Some(text),
            "illustrative" => fm.illustrative = value.as_bool(),
            "note" => fm.note = Some(text),
            _ => extra.push((key.clone(), text)),
        }
    }
    extra.sort();
    fm.extra = extra;
    Ok(fm)
}

// ------------------------------------------------------------------------------------ blocks

/// A leaf block of the Markdown body, on its way from the event walk to the tree builder. Kept
/// small (a heading's strings are boxed, a list marker's number is a source offset).
#[derive(Debug, Clone)]
struct Block {
    kind: BlockKind,
    /// Source bytes of the block's text (for list items: after the list marker).
    range: Range<usize>,
    /// How many lists enclose the block.
    list_depth: usize,
    /// The label carried by the list marker of the item this block opens.
    marker: Option<ItemMarker>,
}

#[derive(Debug, Clone)]
enum BlockKind {
    Heading(Box<HeadingBlock>),
    Text,
    Footnote,
    Other,
}

#[derive(Debug, Clone)]
struct HeadingBlock {
    level: usize,
    text: String,
    custom_id: Option<String>,
}

/// A list item's label (`1.`, `2)`), its number as a slice of the source.
#[derive(Debug, Clone, Copy)]
struct ItemMarker {
    style: LabelStyle,
    number_start: usize,
    number_len: usize,
    /// Bytes taken by the label and the white space after it.
    len: usize,
}

impl ItemMarker {
    fn label(self, text: &str) -> BodyLabel {
        let start = self.number_start;
        BodyLabel {
            style: self.style,
            number: ShortStr::from(&text[start..start + self.number_len]),
            len: self.len,
        }
    }
}

/// The Markdown extensions bills use (public for benchmarks that time pulldown-cmark alone).
pub fn markdown_options() -> Options {
    Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_DEFINITION_LIST
}

/// Reads a list item's marker (`1.`, `2)`) at the item's first byte.
fn item_marker(text: &str, start: usize) -> Option<ItemMarker> {
    let s = text.get(start..)?.trim_start_matches([' ', '\t']);
    let label = scan_body_label(s)?;
    let marker = ItemMarker {
        style: label.style,
        // The number is a slice of `s`, which is a slice of `text`.
        number_start: label.number.as_ptr() as usize - text.as_ptr() as usize,
        number_len: label.number.len(),
        len: label.len,
    };
    matches!(
        label.style,
        LabelStyle::DotNumber | LabelStyle::CloseParenNumber
    )
    .then_some(marker)
}

/// Hands leaf blocks on; knows about the list item whose first block is still to come.
struct BlockSink<'t, F: FnMut(Block)> {
    text: &'t str,
    /// Takes each block.
    emit: F,
    /// How many blocks were handed on.
    n_blocks: usize,
    list_depth: usize,
    /// The label carried by the marker of the item whose first block has not been seen yet.
    pending_marker: Option<ItemMarker>,
    /// Where that item starts.
    pending_item: Option<usize>,
    /// Inline text directly inside a tight list item.
    loose_inline: Option<Range<usize>>,
    /// Open list items: their range and how many blocks existed when they opened.
    open_items: Vec<(Range<usize>, usize)>,
}

impl<F: FnMut(Block)> BlockSink<'_, F> {
    fn push(&mut self, kind: BlockKind, range: Range<usize>) {
        let is_text = matches!(kind, BlockKind::Text);
        if let Some(item_start) = self.pending_item.take() {
            // An item whose marker stands alone on its line ("1." or "*", content below): the
            // marker line is a block of its own, an empty clause when it carries a label.
            let from = item_start
                + (self.text[item_start..].len()
                    - self.text[item_start..]
                        .trim_start_matches([' ', '\t'])
                        .len());
            if from < range.start && self.text[from..range.start].contains('\n') {
                let line_end = self.text[from..]
                    .find('\n')
                    .map_or(self.text.len(), |n| from + n);
                let marker_kind = if self.pending_marker.take().is_some() {
                    BlockKind::Text
                } else {
                    BlockKind::Other
                };
                self.n_blocks += 1;
                (self.emit)(Block {
                    kind: marker_kind,
                    range: from..trim_end_ws(self.text, from, line_end),
                    list_depth: self.list_depth,
                    marker: None,
                });
            }
        }
        let marker = if is_text {
            self.pending_marker.take()
        } else {
            self.pending_marker = None;
            None
        };
        self.n_blocks += 1;
        (self.emit)(Block {
            kind,
            range,
            list_depth: self.list_depth,
            marker,
        });
    }

    fn flush_inline(&mut self) {
        if let Some(range) = self.loose_inline.take() {
            self.push(BlockKind::Text, range);
        }
    }
}

/// The clause arena is reserved for an estimate of the clauses (often twice as many as there
/// turn out to be) and backed this many records at a time as it fills (`memory::populate_next`).
const POPULATE_CLAUSES: usize = 512;

/// Bodies longer than twice this are parsed in pieces of at least this many bytes.
const PIECE_BYTES: usize = 1 << 18;

/// Walks the Markdown events once and hands the leaf blocks to `emit` in order.
fn collect_blocks(text: &str, body_start: usize, emit: impl FnMut(Block)) {
    let mut sink = BlockSink {
        text,
        emit,
        n_blocks: 0,
        list_depth: 0,
        pending_marker: None,
        pending_item: None,
        loose_inline: None,
        open_items: Vec::new(),
    };
    // A leaf block being read: its kind, range, and how many nested Starts are open inside it.
    let mut capture: Option<(BlockKind, Range<usize>, usize)> = None;
    let mut heading_text = String::new();

    let mut on_event = |event: Event<'_>, range: Range<usize>| {
        if range.end <= body_start && range.start < body_start {
            return;
        }
        if let Some((kind, _, open)) = capture.as_mut() {
            match &event {
                Event::Start(_) => *open += 1,
                Event::End(_) if *open > 0 => *open -= 1,
                Event::End(_) => {
                    let (mut kind, range, _) =
                        capture.take().unwrap_or((BlockKind::Other, 0..0, 0));
                    if let BlockKind::Heading(heading) = &mut kind {
                        heading.text = std::mem::take(&mut heading_text);
                    }
                    sink.push(kind, range);
                    return;
                }
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t)
                    if matches!(kind, BlockKind::Heading(_)) =>
                {
                    heading_text.push_str(t);
                }
                Event::SoftBreak | Event::HardBreak if matches!(kind, BlockKind::Heading(_)) => {
                    heading_text.push(' ');
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Paragraph => Some(BlockKind::Text),
                    Tag::Heading { level, id, .. } => {
                        Some(BlockKind::Heading(Box::new(HeadingBlock {
                            level: level as usize,
                            text: String::new(),
                            custom_id: id.map(|s| s.to_string()),
                        })))
                    }
                    Tag::FootnoteDefinition(_) => Some(BlockKind::Footnote),
                    // Deeply indented sub-points (`        aa) …` inside a list item) are
                    // indented code to CommonMark; laws have no code, so read them as text.
                    Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented) => {
                        Some(BlockKind::Text)
                    }
                    Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::Table(_)
                    | Tag::DefinitionList
                    | Tag::MetadataBlock(_) => Some(BlockKind::Other),
                    Tag::List(_) => {
                        sink.flush_inline();
                        sink.list_depth += 1;
                        None
                    }
                    Tag::Item => {
                        sink.flush_inline();
                        sink.pending_marker = item_marker(text, range.start);
                        sink.pending_item = Some(range.start);
                        sink.open_items.push((range.clone(), sink.n_blocks));
                        None
                    }
                    _ => {
                        // Inline containers (emphasis, links) directly in a tight item.
                        if sink.list_depth > 0 {
                            extend(&mut sink.loose_inline, &range);
                        }
                        None
                    }
                };
                if let Some(kind) = kind {
                    sink.flush_inline();
                    capture = Some((kind, range, 0));
                }
            }
            Event::End(TagEnd::List(_)) => {
                sink.flush_inline();
                sink.list_depth = sink.list_depth.saturating_sub(1);
            }
            Event::End(TagEnd::Item) => {
                sink.flush_inline();
                sink.pending_marker = None;
                sink.pending_item = None;
                // An empty item (a lone "-" line) is kept as text too.
                if let Some((item_range, n_blocks)) = sink.open_items.pop() {
                    if sink.n_blocks == n_blocks {
                        sink.push(BlockKind::Other, item_range);
                    }
                }
            }
            Event::End(_) => {}
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::SoftBreak
            | Event::HardBreak
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::TaskListMarker(_) => extend(&mut sink.loose_inline, &range),
            Event::Html(_) | Event::Rule => {
                sink.flush_inline();
                sink.push(BlockKind::Other, range);
            }
        }
    };
    // A long body is parsed piece by piece (see `chunks`): the same events, while pulldown-cmark
    // holds the tree of one piece at a time.
    for piece in chunks::pieces(text, body_start, PIECE_BYTES) {
        let base = piece.start;
        for (event, range) in Parser::new_ext(&text[piece], markdown_options()).into_offset_iter() {
            on_event(event, range.start + base..range.end + base);
        }
    }
    sink.flush_inline();
}

fn extend(acc: &mut Option<Range<usize>>, range: &Range<usize>) {
    match acc {
        Some(r) => {
            r.start = r.start.min(range.start);
            r.end = r.end.max(range.end);
        }
        None => *acc = Some(range.clone()),
    }
}

/// The language a heading's article word says the bill is in, if the heading is an article.
fn article_language(block: &Block) -> Option<Language> {
    let BlockKind::Heading(heading) = &block.kind else {
        return None;
    };
    let HeadingClass::Article { word, .. } = classify_heading(&heading.text) else {
        return None;
    };
    Some(match word.as_str() {
        "§" | "§§" | "Art" | "Artikel" => Language::De,
        "Статья" | "статья" | "СТАТЬЯ" => Language::Ru,
        "бап" => Language::Kk,
        _ => Language::En,
    })
}

/// Passes blocks to the tree builder once the bill's language is known: from the front matter,
/// else from the first article heading (English when there is none). Blocks before that
/// heading wait in `held`.
struct LanguageGate<'s> {
    builder: TreeBuilder<'s>,
    known: bool,
    held: Vec<Block>,
}

impl LanguageGate<'_> {
    fn add(&mut self, block: Block) {
        if !self.known {
            match article_language(&block) {
                Some(language) => self.release(language),
                None => {
                    self.held.push(block);
                    return;
                }
            }
        }
        self.builder.add(block);
    }

    fn release(&mut self, language: Language) {
        self.known = true;
        self.builder.language = language;
        for block in std::mem::take(&mut self.held) {
            self.builder.add(block);
        }
    }

    /// The tree and its language; `None` when ids checked at the end repeat in a way that only
    /// a second build gets right (see `TreeBuilder::settle_repeated_ids`).
    fn finish(mut self) -> Option<(Built, Language)> {
        if !self.known {
            self.release(Language::En);
        }
        if !self.builder.settle_repeated_ids() {
            return None;
        }
        let language = self.builder.language;
        Some((self.builder.finish(), language))
    }
}

// ------------------------------------------------------------------------------- tree builder

/// What the tree builder hands back.
struct Built {
    clauses: Vec<Clause>,
    roots: Vec<ClauseIdx>,
    loose: Vec<LooseText>,
    title: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

/// One open labelled clause inside the current heading clause.
struct Open {
    style: LabelStyle,
    clause: ClauseIdx,
    list_depth: usize,
}

/// How the tree builder keeps clause ids unique.
///
/// Looking each id up in a table as it is given out costs a cache miss per clause on a large
/// bill (the table is megabytes, touched all over), for ids that seldom repeat. So ids are
/// first only recorded, by hash, and checked all at once at the end by sorting the hashes
/// (`TreeBuilder::settle_repeated_ids`). When some repeat (sgb5 numbers items twice in a few
/// paragraphs), the clauses are gone over again in order, and each repeat gets its `~n` suffix
/// and the clauses built on it their new prefix, as `AsGiven` would have given them. Only a
/// bill with custom ids and a repeat is built a second time with `AsGiven`.
enum IdCheck {
    /// Hashes of the ids given out, checked for repeats at the end.
    AtTheEnd(Vec<u64>),
    /// Every id looked up as it is given out.
    AsGiven(IdRegistry),
}

impl IdCheck {
    fn reserve(&mut self, n: usize) {
        match self {
            IdCheck::AtTheEnd(hashes) => hashes.reserve(n),
            IdCheck::AsGiven(registry) => registry.asked.reserve(n),
        }
    }
}

/// The ids given out so far, with how often each was asked for (an id made unique with `~n`
/// counts as asked for once): the one place the rules for repeated ids live, whether they are
/// applied as each id is given out (`IdCheck::AsGiven`) or after the parse
/// (`TreeBuilder::settle_repeated_ids`).
#[derive(Default)]
struct IdRegistry {
    asked: rustc_hash::FxHashMap<ShortStr, usize>,
}

impl IdRegistry {
    /// Records that a clause asks for `wanted`. `None` when it is the first to: it gets
    /// `wanted`. Else the id it gets instead: `wanted~n` for the first `n`, from the number of
    /// times `wanted` was asked for, that is not taken.
    fn repeat_of(&mut self, wanted: &ShortStr) -> Option<ShortStr> {
        let Some(count) = self.asked.get_mut(wanted) else {
            self.asked.insert(wanted.clone(), 1);
            return None;
        };
        *count += 1;
        let mut n = *count;
        let mut unique = format!("{wanted}~{n}");
        while self.asked.contains_key(unique.as_str()) {
            n += 1;
            unique = format!("{wanted}~{n}");
        }
        let unique = ShortStr::from(unique);
        self.asked.insert(unique.clone(), 1);
        Some(unique)
    }
}

fn id_hash(id: &str) -> u64 {
    #[cfg(test)]
    if tests::FORCE_ID_COLLISIONS.with(std::cell::Cell::get) {
        return 0;
    }
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

struct TreeBuilder<'s> {
    source: &'s Source,
    language: Language,
    clauses: Vec<Clause>,
    roots: Vec<ClauseIdx>,
    loose: Vec<LooseText>,
    title: Option<String>,
    diagnostics: Vec<Diagnostic>,
    /// Open heading clauses with their heading level.
    headings: Vec<(usize, ClauseIdx)>,
    /// Open labelled clauses below the innermost heading clause.
    labels: Vec<Open>,
    ids: IdCheck,
    /// Some heading has an id of its own (`{#…}`), see `settle_repeated_ids`.
    custom_ids: bool,
    /// Spans of continuation text after a clause's first, with the clause they belong to;
    /// joined to `own_spans` by `finish`.
    extra_spans: Vec<(ClauseIdx, Range<usize>)>,
    /// How many children each clause has so far (their lists are made by `finish`).
    child_count: Vec<u32>,
    /// Reused buffers: folded text, and the pieces of a text block.
    scratch: String,
    pieces: Vec<Range<usize>>,
}

impl<'s> TreeBuilder<'s> {
    fn new(source: &'s Source, language: Language, ids: IdCheck) -> Self {
        TreeBuilder {
            source,
            language,
            clauses: Vec::new(),
            roots: Vec::new(),
            loose: Vec::new(),
            title: None,
            diagnostics: Vec::new(),
            headings: Vec::new(),
            labels: Vec::new(),
            ids,
            custom_ids: false,
            extra_spans: Vec::new(),
            child_count: Vec::new(),
            scratch: String::new(),
            pieces: Vec::new(),
        }
    }

    fn container(&self) -> Option<ClauseIdx> {
        self.headings.last().map(|&(_, idx)| idx)
    }

    /// The folded text of `range` as a new string of exactly its length.
    fn fold(&mut self, range: Range<usize>) -> String {
        let raw = &self.source.text[range];
        fold_into(raw, &mut self.scratch)
            .as_str(raw, &self.scratch)
            .to_string()
    }

    /// The folded text of `range` as a clause's text: a shared slice of the source when folding
    /// changes nothing but the ends, else a string of its own.
    fn clause_text(&mut self, range: Range<usize>) -> ClauseText {
        let raw = &self.source.text[range.clone()];
        match fold_into(raw, &mut self.scratch) {
            Folded::Slice(r) => ClauseText::slice(
                &self.source.text,
                range.start + r.start..range.start + r.end,
            ),
            Folded::Scratch => ClauseText::from(self.scratch.clone()),
        }
    }

    fn add(&mut self, block: Block) {
        let Block {
            kind,
            range,
            list_depth,
            marker,
        } = block;
        match kind {
            BlockKind::Heading(heading) => {
                let HeadingBlock {
                    level,
                    text,
                    custom_id,
                } = *heading;
                self.add_heading(range, level, &text, custom_id);
            }
            BlockKind::Text => self.add_text(range, list_depth, marker),
            BlockKind::Footnote => self.add_loose(LooseKind::Footnote, range),
            BlockKind::Other => self.add_loose(LooseKind::Other, range),
        }
    }

    fn add_loose(&mut self, kind: LooseKind, range: Range<usize>) {
        let parent = self.labels.last().map(|o| o.clause).or(self.container());
        let kind = if kind == LooseKind::Other && parent.is_none() && self.clauses.is_empty() {
            LooseKind::Preamble
        } else {
            kind
        };
        let text = self.fold(range.clone());
        let lines = self.source.line_range(&range);
        self.loose.push(LooseText {
            kind,
            text,
            span: range,
            lines,
            parent,
        });
    }

    fn add_heading(
        &mut self,
        range: Range<usize>,
        level: usize,
        text: &str,
        custom_id: Option<String>,
    ) {
        let text = text.trim();
        if level == 1 && self.title.is_none() && self.clauses.is_empty() {
            self.title = Some(text.to_string());
            self.add_loose(LooseKind::Title, range);
            return;
        }
        let class = classify_heading(text);
        // A heading that names no unit inside an article ("Fußnote", a sub-heading) is text of
        // that article, not a new unit.
        let in_article = self
            .container()
            .is_some_and(|c| self.clauses[c].kind == ClauseKind::Article);
        if class == HeadingClass::Unknown && in_article {
            let article_level = self.headings.last().map_or(0, |h| h.0);
            if level > article_level {
                self.add_loose(LooseKind::Other, range);
                return;
            }
        }
        while let Some(&(top_level, top)) = self.headings.last() {
            let top_is_article = self.clauses[top].kind == ClauseKind::Article;
            if top_level >= level || top_is_article {
                self.headings.pop();
            } else {
                break;
            }
        }
        self.labels.clear();
        let parent = self.container();
        let (kind, number, heading, id_part, label, repealed) = match class {
            HeadingClass::Article {
                word,
                prefix,
                number,
                title,
            } => {
                let repealed = title.as_deref().is_some_and(is_repealed_text);
                let label = article_label(self.language, &word, &number);
                let id_part = ShortStr::concat(&[prefix, &id_number_cow(&number)]);
                (
                    ClauseKind::Article,
                    Some(number),
                    title,
                    id_part,
                    label,
                    repealed,
                )
            }
            HeadingClass::Structural {
                unit,
                word,
                number,
                title,
            } => {
                let label = match (&number, word.is_empty()) {
                    (Some(n), false) if self.language == Language::Kk => {
                        format!("{}-{}", display_number(n), word.to_lowercase())
                    }
                    (Some(n), false) => format!("{} {}", word, display_number(n)),
                    (Some(n), true) => display_number(n),
                    (None, _) => title.clone().unwrap_or_else(|| text.to_string()),
                };
                let own = match &number {
                    Some(n) => ShortStr::concat(&[unit.prefix, &id_number_cow(n)]),
                    None => ShortStr::concat(&[
                        unit.prefix,
                        "-",
                        &slug(title.as_deref().unwrap_or(text)),
                    ]),
                };
                let id_part = match self.structural_parent_id(parent) {
                    Some(p) => ShortStr::concat(&[p, ".", &own]),
                    None => own,
                };
                (unit.kind, number, title, id_part, label, false)
            }
            HeadingClass::Unknown => {
                let own = ShortStr::concat(&["h-", &slug(text)]);
                let id_part = match self.structural_parent_id(parent) {
                    Some(p) => ShortStr::concat(&[p, ".", &own]),
                    None => own,
                };
                (
                    ClauseKind::Unknown,
                    None,
                    Some(text.to_string()),
                    id_part,
                    text.to_string(),
                    false,
                )
            }
        };
        self.custom_ids |= custom_id.is_some();
        let id = custom_id.map_or(id_part, ShortStr::from);
        let idx = self.push_clause(
            parent,
            id,
            ShortStr::from(label),
            kind,
            number.map(ShortStr::from),
            heading,
            ClauseText::default(),
            range,
            repealed,
        );
        self.headings.push((level, idx));
    }

    /// Id of the nearest structural ancestor (structural ids are nested; article ids are not,
    /// because article numbers are unique in a law and survive moves between chapters).
    fn structural_parent_id(&self, parent: Option<ClauseIdx>) -> Option<&str> {
        let mut cur = parent;
        while let Some(i) = cur {
            if self.clauses[i].kind.is_structural() {
                return Some(&self.clauses[i].id);
            }
            cur = self.clauses[i].parent;
        }
        None
    }

    fn add_text(&mut self, range: Range<usize>, list_depth: usize, mut marker: Option<ItemMarker>) {
        let text = &self.source.text;
        // A block may hold several labelled lines without blank lines between them (a tight
        // list item whose sub-points are lazy continuation lines): split it at such lines.
        let mut pieces = std::mem::take(&mut self.pieces);
        split_at_label_lines(text, range, &mut pieces);
        for (i, piece) in pieces.drain(..).enumerate() {
            let label = match marker.take() {
                Some(m) if i == 0 => Some((m.label(text), 0)),
                _ => body_label(&text[piece.clone()]).map(|l| {
                    let len = l.len;
                    (l, len)
                }),
            };
            match label {
                Some((label, skip)) => {
                    // A label alone on its line ("1." with its points below) keeps the label
                    // as its span, so the line is accounted for.
                    let own = if piece.start + skip >= piece.end {
                        piece.clone()
                    } else {
                        piece.start + skip..piece.end
                    };
                    self.add_labelled(label, own, piece, list_depth);
                }
                None => self.add_unlabelled(piece, list_depth),
            }
        }
        self.pieces = pieces;
    }

    fn add_labelled(
        &mut self,
        label: BodyLabel,
        own: Range<usize>,
        whole: Range<usize>,
        list_depth: usize,
    ) {
        if let Some(pos) = self.labels.iter().position(|o| o.style == label.style) {
            self.labels.truncate(pos);
        }
        let parent = self.labels.last().map(|o| o.clause).or(self.container());
        let under_paragraph = self
            .labels
            .iter()
            .any(|o| self.clauses[o.clause].kind == ClauseKind::Paragraph);
        let kind = match label.style {
            LabelStyle::ParenNumber => ClauseKind::Paragraph,
            LabelStyle::DotNumber if under_paragraph => ClauseKind::Item,
            LabelStyle::DotNumber => ClauseKind::Paragraph,
            LabelStyle::CloseParenNumber => ClauseKind::Subparagraph,
            LabelStyle::ParenLetter | LabelStyle::Letter { .. } => ClauseKind::Point,
        };
        let id_prefix = match kind {
            ClauseKind::Paragraph => "p",
            ClauseKind::Item => "i",
            ClauseKind::Subparagraph => "sp",
            _ => "",
        };
        let number = id_number_cow(&label.number);
        let (id, full_label) = match parent {
            Some(p) => {
                let p = &self.clauses[p];
                (
                    ShortStr::concat(&[&p.id, ".", id_prefix, &number]),
                    body_citation(self.language, Some(&p.label), label.style, &label.number),
                )
            }
            None => (
                ShortStr::concat(&[id_prefix, &number]),
                body_citation(self.language, None, label.style, &label.number),
            ),
        };
        let raw = &self.source.text[own.clone()];
        let (own_text, repealed) = if own == whole && label_only(raw) {
            (ClauseText::default(), false)
        } else {
            let text = self.clause_text(own.clone());
            let repealed = is_repealed_text(&text);
            (text, repealed)
        };
        let marker = printed_marker(label.style, &label.number);
        let idx = self.push_clause(
            parent,
            id,
            full_label,
            kind,
            Some(label.number),
            None,
            own_text,
            own,
            repealed,
        );
        self.clauses[idx].marker = marker;
        self.labels.push(Open {
            style: label.style,
            clause: idx,
            list_depth,
        });
    }

    fn add_unlabelled(&mut self, range: Range<usize>, list_depth: usize) {
        let raw = &self.source.text[range.clone()];
        if is_editorial_note(raw) {
            let parent = self.container();
            let lines = self.source.line_range(&range);
            let text = self.fold(range.clone());
            self.loose.push(LooseText {
                kind: LooseKind::Note,
                text,
                span: range,
                lines,
                parent,
            });
            return;
        }
        // Continuation text belongs to the innermost open clause at the same or a shallower
        // list depth ("(1) Lead-in: 1. … 2. … Trailing sentence." belongs to (1)).
        let target = self
            .labels
            .iter()
            .rev()
            .find(|o| o.list_depth <= list_depth)
            .map(|o| o.clause)
            .or(self.container());
        match target {
            Some(idx) => {
                if self.clauses[idx].text.is_empty() {
                    // The first text of a heading clause: shared with the source if it can be.
                    let text = self.clause_text(range.clone());
                    let clause = &mut self.clauses[idx];
                    clause.repealed |= is_repealed_text(&text);
                    clause.text = text;
                } else {
                    let folded = fold_into(raw, &mut self.scratch).as_str(raw, &self.scratch);
                    self.clauses[idx].text.push_line(folded);
                }
                self.extra_spans.push((idx, range));
            }
            None => self.add_loose(LooseKind::Preamble, range),
        }
    }

    #[allow(clippy::too_many_arguments)] // one call site per clause shape; a struct would only rename them
    fn push_clause(
        &mut self,
        parent: Option<ClauseIdx>,
        id: ShortStr,
        label: ShortStr,
        kind: ClauseKind,
        number: Option<ShortStr>,
        heading: Option<String>,
        text: ClauseText,
        span: Range<usize>,
        repealed: bool,
    ) -> ClauseIdx {
        let idx = self.clauses.len();
        if idx.is_multiple_of(POPULATE_CLAUSES) {
            crate::memory::populate_next(&mut self.clauses, POPULATE_CLAUSES);
        }
        let id = self.unique_id(id, span.start);
        let depth = parent.map_or(0, |p| self.clauses[p].depth + 1);
        self.clauses.push(Clause {
            id,
            label,
            kind,
            number,
            marker: ShortStr::default(),
            heading: heading.map(String::into_boxed_str),
            text,
            own_spans: OwnSpans::One(span.clone()),
            span,
            lines: (0, 0),
            repealed,
            parent,
            // Filled in by `finish`, at their exact length.
            children: Box::default(),
            depth,
        });
        self.child_count.push(0);
        match parent {
            Some(p) => self.child_count[p] += 1,
            None => self.roots.push(idx),
        }
        idx
    }

    /// Gives every clause that has continuation text its whole list of own spans, in order.
    fn attach_extra_spans(&mut self) {
        // Stable: a clause's spans stay in document order.
        self.extra_spans.sort_by_key(|&(idx, _)| idx);
        for group in self.extra_spans.chunk_by(|a, b| a.0 == b.0) {
            let clause = &mut self.clauses[group[0].0];
            let mut spans = Vec::with_capacity(1 + group.len());
            spans.extend(clause.own_spans.iter().cloned());
            spans.extend(group.iter().map(|(_, span)| span.clone()));
            clause.own_spans = OwnSpans::from(spans);
        }
    }

    /// The id itself when it is new, else the id with the first free `~n` suffix (and a
    /// warning for byte `at`); with `IdCheck::AtTheEnd`, the id itself, recorded for the check.
    fn unique_id(&mut self, id: ShortStr, at: usize) -> ShortStr {
        let registry = match &mut self.ids {
            IdCheck::AtTheEnd(hashes) => {
                hashes.push(id_hash(&id));
                return id;
            }
            IdCheck::AsGiven(registry) => registry,
        };
        let Some(unique) = registry.repeat_of(&id) else {
            return id;
        };
        let warning = self.duplicate_warning(&id, &unique, at);
        self.diagnostics.push(warning);
        unique
    }

    /// For `IdCheck::AtTheEnd`: gives each repeated id its `~n` suffix and warning exactly as
    /// `AsGiven` would have, by going over the clauses again in the order they were made with
    /// `AsGiven`'s rules (only when two hashes are equal). The ids of clauses built on a
    /// renamed one are built on its new id: every id built on another clause's is that id, a
    /// dot and more, and that clause is an ancestor. A custom id (`{#…}`) need not be built
    /// that way, so a bill with custom ids and a repeat returns `false`: it must be built
    /// again with `AsGiven`.
    fn settle_repeated_ids(&mut self) -> bool {
        let IdCheck::AtTheEnd(hashes) = &mut self.ids else {
            return true;
        };
        hashes.sort_unstable();
        if !hashes.windows(2).any(|w| w[0] == w[1]) {
            return true;
        }
        if self.custom_ids {
            return false;
        }
        // The id each clause gets, where it differs from the one it was made with.
        let mut renamed: Vec<Option<ShortStr>> = vec![None; self.clauses.len()];
        let mut warnings = Vec::new();
        let mut registry = IdRegistry::default();
        for idx in 0..self.clauses.len() {
            let made = &self.clauses[idx].id;
            let wanted = match self
                .built_on(idx)
                .and_then(|base| Some((base, renamed[base].as_ref()?)))
            {
                Some((base, new_base)) => {
                    ShortStr::concat(&[new_base, &made[self.clauses[base].id.len()..]])
                }
                None => made.clone(),
            };
            let given = match registry.repeat_of(&wanted) {
                None => wanted,
                Some(unique) => {
                    let at = self.clauses[idx].span.start;
                    warnings.push(self.duplicate_warning(&wanted, &unique, at));
                    unique
                }
            };
            if given != *made {
                renamed[idx] = Some(given);
            }
        }
        for (clause, id) in self.clauses.iter_mut().zip(renamed) {
            if let Some(id) = id {
                clause.id = id;
            }
        }
        self.diagnostics.extend(warnings);
        true
    }

    /// The nearest ancestor of clause `idx` whose id, a dot and more is the clause's id: the
    /// clause its id was built on.
    fn built_on(&self, idx: ClauseIdx) -> Option<ClauseIdx> {
        let id = self.clauses[idx].id.as_bytes();
        let mut cur = self.clauses[idx].parent;
        while let Some(a) = cur {
            let base = self.clauses[a].id.as_bytes();
            if id.len() > base.len() && id.starts_with(base) && id[base.len()] == b'.' {
                return Some(a);
            }
            cur = self.clauses[a].parent;
        }
        None
    }

    /// The warning for a repeated id `id`, called `unique` at byte `at`.
    fn duplicate_warning(&self, id: &str, unique: &str, at: usize) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            location: self.source.locate(at),
            message: format!("duplicate clause id `{id}`, this one is called `{unique}`"),
        }
    }

    fn finish(mut self) -> Built {
        self.attach_extra_spans();
        // Children always follow their parent in the arena, so walking backwards a clause is
        // visited after all its children: its span is final before it widens its parent's,
        // and its list of children (gathered backwards, allocated at its length) is complete.
        let mut children: Vec<Vec<ClauseIdx>> = self
            .child_count
            .iter()
            .map(|&n| Vec::with_capacity(n as usize))
            .collect();
        for idx in (0..self.clauses.len()).rev() {
            let clause = &mut self.clauses[idx];
            // `own_spans[0]` is the span the clause was made with, so this is at least the
            // original end; children have already raised `span.end` to their ends.
            let own_end = clause.own_spans.iter().map(|s| s.end).max().unwrap_or(0);
            let end = own_end.max(clause.span.end);
            clause.span.end = end;
            let mut list = std::mem::take(&mut children[idx]);
            list.reverse();
            clause.children = list.into_boxed_slice();
            if let Some(p) = clause.parent {
                children[p].push(idx);
                let parent = &mut self.clauses[p].span;
                parent.end = parent.end.max(end);
            }
        }
        // Lines, walking forwards: clause starts come in document order, so one cursor serves.
        let mut lines = self.source.line_cursor();
        for clause in &mut self.clauses {
            clause.lines = lines.range(&clause.span);
        }
        Built {
            clauses: self.clauses,
            roots: self.roots,
            loose: self.loose,
            title: self.title,
            diagnostics: self.diagnostics,
        }
    }
}

/// Splits a text block before every line that starts with a label, when the line before ends a
/// sentence or enumeration (`;`, `:`, `,`, `.`): a lazily continued list of sub-points. The
/// pieces go to `pieces` (cleared first).
fn split_at_label_lines(text: &str, range: Range<usize>, pieces: &mut Vec<Range<usize>>) {
    pieces.clear();
    let lead = text[range.clone()].len() - text[range.clone()].trim_start().len();
    let range = range.start + lead..range.end;
    let block = &text[range.clone()];
    let mut piece_start = range.start;
    let mut line_start = 0usize;
    let mut prev_line_end_char: Option<char> = None;
    while line_start < block.len() {
        let line_end = memchr::memchr(b'\n', &block.as_bytes()[line_start..])
            .map_or(block.len(), |n| line_start + n);
        let line = &block[line_start..line_end];
        let trimmed = line.trim_start_matches([' ', '\t']);
        if line_start > 0
            && prev_line_end_char.is_none_or(|c| matches!(c, ';' | ':' | ',' | '.'))
            && scan_body_label(trimmed).is_some()
        {
            let at = range.start + line_start + (line.len() - trimmed.len());
            let end = trim_end_ws(text, piece_start, range.start + line_start);
            if end > piece_start {
                pieces.push(piece_start..end);
            }
            piece_start = at;
        }
        prev_line_end_char = line.trim_end().chars().last();
        line_start = line_end + 1;
    }
    let end = trim_end_ws(text, piece_start, range.end);
    if end > piece_start {
        pieces.push(piece_start..end);
    }
}

/// True when `text` is nothing but a label ("1.", "a)").
fn label_only(text: &str) -> bool {
    scan_body_label(text.trim()).is_some_and(|l| l.len >= text.trim().len())
}

fn trim_end_ws(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// Folds white space (line breaks, indentation, NBSP runs) to single spaces and drops Markdown
/// backslash escapes, so the same words give the same text whatever the wrapping.
pub fn fold_text(raw: &str) -> String {
    let mut scratch = String::new();
    match fold_into(raw, &mut scratch) {
        Folded::Slice(range) => raw[range].to_string(),
        Folded::Scratch => scratch,
    }
}

/// Where [`fold_into`] left the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Folded {
    /// The folded text is this slice of the input as it stands (text that needed no folding
    /// but trimming, the common case): nothing was copied.
    Slice(Range<usize>),
    /// The folded text is in the scratch buffer.
    Scratch,
}

impl Folded {
    fn as_str<'a>(&self, raw: &'a str, scratch: &'a str) -> &'a str {
        match self {
            Folded::Slice(range) => &raw[range.clone()],
            Folded::Scratch => scratch,
        }
    }
}

/// Byte classes for [`fold_into`]: bytes that never start white space or an escape, ASCII
/// white space, lead bytes of the few multi-byte spaces (U+0085, U+00A0, U+1680, U+2000…U+200A,
/// U+2028, U+2029, U+202F, U+205F, U+3000), and the backslash.
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const LEAD: u8 = 2;
const BACKSLASH: u8 = 3;

static FOLD_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    t[b' ' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[0x0B] = SPACE;
    t[0x0C] = SPACE;
    t[0xC2] = LEAD;
    t[0xE1] = LEAD;
    t[0xE2] = LEAD;
    t[0xE3] = LEAD;
    t[b'\\' as usize] = BACKSLASH;
    t
};

/// Bytes [`fold_into`] looks at one by one: control bytes (ASCII white space among them), the
/// backslash, and lead bytes of multi-byte spaces (`0xC2`, `0xE1`…`0xE3`; `0xE0` is tested too,
/// to keep the test short; it only sends a few more chunks the slow way).
#[inline]
fn is_special(c: u8) -> bool {
    (c < 0x20) | (c == b'\\') | (c == 0xC2) | (c & 0xFC == 0xE0)
}

/// Bytes looked at in one go by [`chunk_needs_folding`].
const CHUNK: usize = 16;

/// True unless the first `CHUNK` bytes of `bytes` (which has one more) are, inside a run of
/// text, all ordinary bytes or single ASCII spaces before an ordinary byte. Written without
/// branches over a fixed-size array so that it compiles to a few vector instructions.
#[inline]
fn chunk_needs_folding(bytes: &[u8; CHUNK + 1]) -> bool {
    let mut acc = 0u8;
    for k in 0..CHUNK {
        let (c, next) = (bytes[k], bytes[k + 1]);
        let next_ends_run = (next == b' ') | is_special(next);
        acc |= u8::from(is_special(c)) | u8::from((c == b' ') & next_ends_run);
    }
    acc != 0
}

/// Byte length of the white-space character at `i` (a `LEAD` byte, so a character boundary),
/// or 0 when that character is no space (`§`, `–`, `“`).
#[inline]
fn multibyte_space_len(raw: &str, i: usize) -> usize {
    raw[i..]
        .chars()
        .next()
        .filter(|c| c.is_whitespace())
        .map_or(0, char::len_utf8)
}

/// The output of [`fold_into`] while it is built: a slice of the input for as long as the
/// output equals one, copied into the scratch buffer from the first difference on.
struct FoldOut<'a> {
    raw: &'a str,
    scratch: &'a mut String,
    /// Output so far is `raw[start..end]` (while `contiguous`).
    start: usize,
    end: usize,
    contiguous: bool,
    /// Anything written yet.
    any: bool,
}

impl FoldOut<'_> {
    #[inline]
    fn push(&mut self, from: usize, to: usize, space_before: bool) {
        if from == to && !space_before {
            return;
        }
        if !self.any {
            // A space is only ever asked for after some output.
            self.any = true;
            self.start = from;
            self.end = to;
            return;
        }
        if self.contiguous {
            if space_before && from == self.end + 1 && self.raw.as_bytes()[self.end] == b' ' {
                self.end = to;
                return;
            }
            self.scratch.push_str(&self.raw[self.start..self.end]);
            self.contiguous = false;
        }
        if space_before {
            self.scratch.push(' ');
        }
        self.scratch.push_str(&self.raw[from..to]);
    }
}

/// [`fold_text`] without the allocation: folds `raw` into `scratch` (cleared first), or finds
/// that the folded text is a slice of `raw`. Runs of ordinary bytes (and single ASCII spaces
/// between them) are found with a byte table and copied whole.
fn fold_into(raw: &str, scratch: &mut String) -> Folded {
    scratch.clear();
    let b = raw.as_bytes();
    let n = b.len();
    let class = |i: usize| FOLD_CLASS[b[i] as usize];
    let mut out = FoldOut {
        raw,
        scratch,
        start: 0,
        end: 0,
        contiguous: true,
        any: false,
    };
    let mut pending_space = false;
    let mut i = 0;
    while i < n {
        // Between runs: skip white space.
        match class(i) {
            SPACE => {
                pending_space = true;
                i += 1;
                continue;
            }
            LEAD => {
                let len = multibyte_space_len(raw, i);
                if len > 0 {
                    pending_space = true;
                    i += len;
                    continue;
                }
            }
            _ => {}
        }
        // A run of text starts at `i`; single ASCII spaces between ordinary bytes stay in it.
        let mut space = pending_space && out.any;
        pending_space = false;
        let mut from = i;
        'run: loop {
            // A chunk at a time while there is nothing to fold, then byte by byte through (at
            // least) the next chunk.
            while let Some(chunk) = b.get(i..i + CHUNK + 1) {
                if chunk_needs_folding(chunk.try_into().unwrap_or(&[0; CHUNK + 1])) {
                    break;
                }
                i += CHUNK;
            }
            let stop = (i + CHUNK).min(n);
            while i < stop {
                match class(i) {
                    PLAIN => i += 1,
                    SPACE => {
                        if b[i] == b' ' && i + 1 < n && class(i + 1) == PLAIN {
                            i += 2;
                        } else {
                            break 'run;
                        }
                    }
                    LEAD => {
                        if multibyte_space_len(raw, i) > 0 {
                            break 'run;
                        }
                        i += 1;
                    }
                    _ => {
                        // A backslash: before ASCII punctuation it is an escape and is
                        // dropped; the escaped character (even a backslash) is text.
                        if i + 1 < n && b[i + 1].is_ascii_punctuation() {
                            out.push(from, i, space);
                            space = false;
                            from = i + 1;
                            i += 2;
                        } else {
                            i += 1;
                        }
                    }
                }
            }
            if i >= n {
                break;
            }
        }
        out.push(from, i, space);
    }
    if out.contiguous {
        Folded::Slice(out.start..out.end)
    } else {
        Folded::Scratch
    }
}

fn is_repealed_text(text: &str) -> bool {
    // Only the first words matter: the first 16 characters, lower-cased as they are compared.
    let head = text.trim().trim_start_matches(['(', '[', '-', '–', ' ']);
    let Some(first) = head.chars().next() else {
        return false;
    };
    let first = if first.is_ascii() {
        first.to_ascii_lowercase()
    } else {
        first.to_lowercase().next().unwrap_or(first)
    };
    let words: &[&str] = match first {
        'w' => &["weggefallen"],
        'r' => &["repealed"],
        'd' => &["deleted"],
        'у' => &["утратил"],
        'и' => &["исключен", "исключён"],
        'к' => &["күші жойылды"],
        'а' => &["алып тасталды"],
        _ => return false,
    };
    words
        .iter()
        .any(|w| lowercase_head_starts_with(head, 16, w))
}

/// Whether the first `n` characters of `text`, lower-cased, start with `word`.
fn lowercase_head_starts_with(text: &str, n: usize, word: &str) -> bool {
    let mut want = word.chars();
    let mut expected = want.next();
    for c in text.chars().take(n) {
        if c.is_ascii() {
            match expected {
                None => return true,
                Some(e) if e == c.to_ascii_lowercase() => expected = want.next(),
                Some(_) => return false,
            }
        } else {
            for l in c.to_lowercase() {
                match expected {
                    None => return true,
                    Some(e) if e == l => expected = want.next(),
                    Some(_) => return false,
                }
            }
        }
    }
    expected.is_none()
}

fn is_editorial_note(raw: &str) -> bool {
    let t = raw.trim();
    if ["Сноска.", "Примечание ИЗПИ", "Примечание РЦПИ", "Ескерту."]
        .iter()
        .any(|p| t.starts_with(p))
    {
        return true;
    }
    // "(В редакции Федерального закона от …)", "(Утратила силу - …)": a whole paragraph in
    // brackets that starts with a word is an editorial note, not a label.
    t.starts_with('(')
        && t.ends_with(')')
        && t[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() && label::is_cyrillic(c))
}

/// Number as it goes into an id: lowercase, superscripts and dots become `-`, ranges readable.
pub fn id_number(number: &str) -> String {
    id_number_cow(number).into_owned()
}

/// [`id_number`], borrowed when the number is already its own id form (`3`, `2-1`, `4a`, `aa`).
fn id_number_cow(number: &str) -> Cow<'_, str> {
    let plain = number
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b.is_ascii_lowercase());
    if plain {
        return Cow::Borrowed(number);
    }
    let n = number
        .replace("<sup>", "-")
        .replace("</sup>", "")
        .replace(" bis ", "-to-")
        .replace(" und ", "_")
        .replace(", ", "_");
    Cow::Owned(
        n.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '.' { '-' } else { c })
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// Number as people read it: `205<sup>2</sup>` becomes `205²`.
pub fn display_number(number: &str) -> String {
    if !number.contains("<sup>") {
        return number.to_string();
    }
    let mut out = String::new();
    let mut rest = number;
    while let Some(start) = rest.find("<sup>") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 5..];
        let end = after.find("</sup>").unwrap_or(after.len());
        out.extend(after[..end].chars().map(superscript));
        rest = after.get(end + 6..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn superscript(c: char) -> char {
    match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        other => other,
    }
}

fn article_label(language: Language, word: &str, number: &str) -> String {
    let n = display_number(number);
    match (language, word) {
        (_, "бап") => format!("{n}-бап"),
        (_, "§" | "§§") => format!("{word} {n}"),
        (Language::Ru, w) => format!("{} {n}", w.to_lowercase()),
        (_, w) => format!("{w} {n}"),
    }
}

/// A body label as printed: `(3)`, `2-1.`, `3-1)`, `(a)`, `aa)`.
fn printed_marker(style: LabelStyle, number: &str) -> ShortStr {
    let (before, after) = match style {
        LabelStyle::ParenNumber | LabelStyle::ParenLetter => ("(", ")"),
        LabelStyle::DotNumber => ("", "."),
        LabelStyle::CloseParenNumber | LabelStyle::Letter { .. } => ("", ")"),
    };
    ShortStr::concat(&[before, number, after])
}

/// What goes before and after the number in the citation segment of a body label: `(3)`,
/// `Abs. 3`, `пункт 3`, `3-тармақ`.
fn segment_affixes(language: Language, style: LabelStyle) -> (&'static str, &'static str) {
    match language {
        Language::En => ("(", ")"),
        Language::De => match style {
            LabelStyle::ParenNumber => ("Abs. ", ""),
            LabelStyle::DotNumber | LabelStyle::CloseParenNumber => ("Nr. ", ""),
            LabelStyle::Letter { repeat: 2, .. } => ("Doppelbuchst. ", ""),
            LabelStyle::Letter { repeat: 3, .. } => ("Dreifachbuchst. ", ""),
            LabelStyle::Letter { .. } | LabelStyle::ParenLetter => ("Buchst. ", ""),
        },
        Language::Ru => match style {
            LabelStyle::ParenNumber => ("часть ", ""),
            LabelStyle::DotNumber => ("пункт ", ""),
            LabelStyle::CloseParenNumber | LabelStyle::Letter { .. } => ("подпункт ", ")"),
            LabelStyle::ParenLetter => ("подпункт (", ")"),
        },
        Language::Kk => match style {
            LabelStyle::ParenNumber | LabelStyle::DotNumber => ("", "-тармақ"),
            _ => ("", ") тармақша"),
        },
    }
}

/// What joins a parent's citation label and a segment.
fn label_joint(language: Language) -> &'static str {
    match language {
        Language::En => "",
        Language::De => " ",
        Language::Ru | Language::Kk => ", ",
    }
}

/// The citation label of a body label: the parent's label (if any), the joint and the segment.
fn body_citation(
    language: Language,
    parent: Option<&str>,
    style: LabelStyle,
    number: &str,
) -> ShortStr {
    let (before, after) = segment_affixes(language, style);
    match parent {
        Some(parent) => ShortStr::concat(&[parent, label_joint(language), before, number, after]),
        None => ShortStr::concat(&[before, number, after]),
    }
}

/// A short ASCII-or-Unicode slug of a heading for ids of unnumbered units.
fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
        if out.chars().count() >= 40 {
            break;
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

#[cfg(test)]
mod tests;
