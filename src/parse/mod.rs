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

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::model::{
    Bill, Clause, ClauseIdx, ClauseKind, Diagnostic, FrontMatter, Language, LooseKind, LooseText,
    Severity,
};
use crate::source::Source;
use label::{body_label, classify_heading, BodyLabel, HeadingClass, LabelStyle};

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
    // Blocks go to the tree builder as they are read. Without a language in the front matter,
    // the first article heading names it: blocks before it wait.
    let stated = front_matter
        .language
        .as_deref()
        .and_then(Language::from_code);
    let mut builder = stated.map(|language| TreeBuilder::new(&source, language));
    let mut waiting: Vec<Block> = Vec::new();
    collect_blocks(&source.text, body_start, |block| match builder.as_mut() {
        Some(b) => b.add(block),
        None => {
            let language = language_of(&block);
            waiting.push(block);
            if let Some(language) = language {
                let b = builder.insert(TreeBuilder::new(&source, language));
                waiting.drain(..).for_each(|w| b.add(w));
            }
        }
    });
    let mut builder = builder.unwrap_or_else(|| TreeBuilder::new(&source, Language::En));
    waiting.drain(..).for_each(|w| builder.add(w));
    let language = builder.language;
    let built = builder.finish();
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

/// A leaf block of the Markdown body.
#[derive(Debug, Clone)]
struct Block {
    kind: BlockKind,
    /// Source bytes of the block's text (for list items: after the list marker).
    range: Range<usize>,
    /// How many lists enclose the block.
    list_depth: usize,
    /// The label carried by the list marker of the item this block opens.
    marker: Option<BodyLabel>,
}

#[derive(Debug, Clone)]
enum BlockKind {
    Heading {
        level: usize,
        text: String,
        custom_id: Option<String>,
    },
    Text,
    Footnote,
    Other,
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
fn item_marker(text: &str, start: usize) -> Option<BodyLabel> {
    let s = text.get(start..)?.trim_start_matches([' ', '\t']);
    let label = body_label(s)?;
    matches!(
        label.style,
        LabelStyle::DotNumber | LabelStyle::CloseParenNumber
    )
    .then_some(label)
}

/// Collects leaf blocks; knows about the list item whose first block is still to come.
struct BlockSink<'t> {
    text: &'t str,
    blocks: Vec<Block>,
    list_depth: usize,
    /// The label carried by the marker of the item whose first block has not been seen yet.
    pending_marker: Option<BodyLabel>,
    /// Where that item starts.
    pending_item: Option<usize>,
    /// Inline text directly inside a tight list item.
    loose_inline: Option<Range<usize>>,
    /// Blocks pushed so far (they are handed on as they come).
    pushed: usize,
    /// Open list items: their range and how many blocks existed when they opened.
    open_items: Vec<(Range<usize>, usize)>,
}

impl BlockSink<'_> {
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
                self.pushed += 1;
                self.blocks.push(Block {
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
        self.pushed += 1;
        self.blocks.push(Block {
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

/// Bodies longer than twice this are parsed in pieces of at least this many bytes.
const PIECE_BYTES: usize = 1 << 18;

/// Walks the Markdown events once and hands the leaf blocks to `emit` in order.
fn collect_blocks(text: &str, body_start: usize, mut emit: impl FnMut(Block)) {
    // A long body is parsed piece by piece (see `chunks`): the same events, while pulldown-cmark
    // holds the tree of one piece at a time.
    let parser = chunks::pieces(text, body_start, PIECE_BYTES)
        .into_iter()
        .flat_map(|piece| {
            let base = piece.start;
            Parser::new_ext(&text[piece], markdown_options())
                .into_offset_iter()
                .map(move |(event, range)| (event, range.start + base..range.end + base))
        });
    let mut sink = BlockSink {
        text,
        blocks: Vec::new(),
        pushed: 0,
        list_depth: 0,
        pending_marker: None,
        pending_item: None,
        loose_inline: None,
        open_items: Vec::new(),
    };
    // A leaf block being read: its kind, range, and how many nested Starts are open inside it.
    let mut capture: Option<(BlockKind, Range<usize>, usize)> = None;
    let mut heading_text = String::new();

    for (event, range) in parser {
        sink.blocks.drain(..).for_each(&mut emit);
        if range.end <= body_start && range.start < body_start {
            continue;
        }
        if let Some((kind, _, open)) = capture.as_mut() {
            match &event {
                Event::Start(_) => *open += 1,
                Event::End(_) if *open > 0 => *open -= 1,
                Event::End(_) => {
                    let (kind, range, _) = capture.take().unwrap_or((BlockKind::Other, 0..0, 0));
                    let kind = match kind {
                        BlockKind::Heading {
                            level, custom_id, ..
                        } => BlockKind::Heading {
                            level,
                            text: std::mem::take(&mut heading_text),
                            custom_id,
                        },
                        other => other,
                    };
                    sink.push(kind, range);
                    continue;
                }
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t)
                    if matches!(kind, BlockKind::Heading { .. }) =>
                {
                    heading_text.push_str(t);
                }
                Event::SoftBreak | Event::HardBreak
                    if matches!(kind, BlockKind::Heading { .. }) =>
                {
                    heading_text.push(' ');
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Paragraph => Some(BlockKind::Text),
                    Tag::Heading { level, id, .. } => Some(BlockKind::Heading {
                        level: level as usize,
                        text: String::new(),
                        custom_id: id.map(|s| s.to_string()),
                    }),
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
                        sink.open_items.push((range.clone(), sink.pushed));
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
                    if sink.pushed == n_blocks {
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
    }
    sink.flush_inline();
    sink.blocks.drain(..).for_each(emit);
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

/// The language an article heading is written in (`None` for other blocks): the first article
/// heading of a bill without a stated language decides how its citations are spelled.
fn language_of(block: &Block) -> Option<Language> {
    let BlockKind::Heading { text, .. } = &block.kind else {
        return None;
    };
    let HeadingClass::Article { word, .. } = classify_heading(text) else {
        return None;
    };
    Some(match word.as_str() {
        "§" | "§§" | "Art" | "Artikel" => Language::De,
        "Статья" | "статья" | "СТАТЬЯ" => Language::Ru,
        "бап" => Language::Kk,
        _ => Language::En,
    })
}

// ------------------------------------------------------------------------------- tree builder

/// Clauses reserved up front at most (beyond, the array grows as usual).
const MAX_RESERVED_CLAUSES: usize = 1 << 20;

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
    ids: rustc_hash::FxHashMap<String, usize>,
}

impl<'s> TreeBuilder<'s> {
    fn new(source: &'s Source, language: Language) -> Self {
        TreeBuilder {
            source,
            language,
            // Every clause starts on a line of its own, so this never regrows (a copy of the
            // largest array of a parse); capacity never written to costs no memory.
            clauses: Vec::with_capacity(source.n_lines().min(MAX_RESERVED_CLAUSES)),
            roots: Vec::new(),
            loose: Vec::new(),
            title: None,
            diagnostics: Vec::new(),
            headings: Vec::new(),
            labels: Vec::new(),
            ids: rustc_hash::FxHashMap::default(),
        }
    }

    fn container(&self) -> Option<ClauseIdx> {
        self.headings.last().map(|&(_, idx)| idx)
    }

    fn add(&mut self, block: Block) {
        match block.kind.clone() {
            BlockKind::Heading {
                level,
                text,
                custom_id,
            } => self.add_heading(&block, level, &text, custom_id),
            BlockKind::Text => self.add_text(&block),
            BlockKind::Footnote => self.add_loose(LooseKind::Footnote, block.range.clone()),
            BlockKind::Other => self.add_loose(LooseKind::Other, block.range.clone()),
        }
    }

    fn add_loose(&mut self, kind: LooseKind, range: Range<usize>) {
        let parent = self.labels.last().map(|o| o.clause).or(self.container());
        let kind = if kind == LooseKind::Other && parent.is_none() && self.clauses.is_empty() {
            LooseKind::Preamble
        } else {
            kind
        };
        let text = fold_text(&self.source.text[range.clone()]);
        let lines = self.source.line_range(&range);
        self.loose.push(LooseText {
            kind,
            text,
            span: range,
            lines,
            parent,
        });
    }

    fn add_heading(&mut self, block: &Block, level: usize, text: &str, custom_id: Option<String>) {
        let text = text.trim();
        if level == 1 && self.title.is_none() && self.clauses.is_empty() {
            self.title = Some(text.to_string());
            self.add_loose(LooseKind::Title, block.range.clone());
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
                self.add_loose(LooseKind::Other, block.range.clone());
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
                let id_part = format!("{prefix}{}", id_number(&number));
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
                    Some(n) => format!("{}{}", unit.prefix, id_number(n)),
                    None => format!("{}-{}", unit.prefix, slug(title.as_deref().unwrap_or(text))),
                };
                let id_part = match self.structural_parent_id(parent) {
                    Some(p) => format!("{p}.{own}"),
                    None => own,
                };
                (unit.kind, number, title, id_part, label, false)
            }
            HeadingClass::Unknown => {
                let own = format!("h-{}", slug(text));
                let id_part = match self.structural_parent_id(parent) {
                    Some(p) => format!("{p}.{own}"),
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
        let id = custom_id.unwrap_or(id_part);
        let idx = self.push_clause(
            parent,
            id,
            label,
            kind,
            number,
            heading,
            String::new(),
            block.range.clone(),
            repealed,
        );
        self.headings.push((level, idx));
    }

    /// Id of the nearest structural ancestor (structural ids are nested; article ids are not,
    /// because article numbers are unique in a law and survive moves between chapters).
    fn structural_parent_id(&self, parent: Option<ClauseIdx>) -> Option<String> {
        let mut cur = parent;
        while let Some(i) = cur {
            if self.clauses[i].kind.is_structural() {
                return Some(self.clauses[i].id.clone());
            }
            cur = self.clauses[i].parent;
        }
        None
    }

    fn add_text(&mut self, block: &Block) {
        let text = &self.source.text;
        let range = block.range.clone();
        // A block may hold several labelled lines without blank lines between them (a tight
        // list item whose sub-points are lazy continuation lines): split it at such lines.
        let mut pieces = split_at_label_lines(text, range);
        let mut marker = block.marker.clone();
        for (i, piece) in pieces.drain(..).enumerate() {
            let label = if i == 0 {
                match marker.take() {
                    Some(m) => Some((m, 0)),
                    None => body_label(&text[piece.clone()]).map(|l| {
                        let len = l.len;
                        (l, len)
                    }),
                }
            } else {
                body_label(&text[piece.clone()]).map(|l| {
                    let len = l.len;
                    (l, len)
                })
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
                    self.add_labelled(label, own, piece, block.list_depth);
                }
                None => self.add_unlabelled(piece, block.list_depth),
            }
        }
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
        let own_id = format!("{id_prefix}{}", id_number(&label.number));
        let (id, full_label) = match parent {
            Some(p) => (
                format!("{}.{own_id}", self.clauses[p].id),
                join_label(
                    self.language,
                    &self.clauses[p].label,
                    &segment_label(self.language, label.style, &label.number),
                ),
            ),
            None => (
                own_id,
                segment_label(self.language, label.style, &label.number),
            ),
        };
        let own_text = if own == whole && label_only(&self.source.text[own.clone()]) {
            String::new()
        } else {
            fold_text(&self.source.text[own.clone()])
        };
        let repealed = is_repealed_text(&own_text);
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
            self.loose.push(LooseText {
                kind: LooseKind::Note,
                text: fold_text(raw),
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
                let folded = fold_text(raw);
                let clause = &mut self.clauses[idx];
                if !clause.text.is_empty() {
                    clause.text.push('\n');
                }
                clause.text.push_str(&folded);
                clause.own_spans.push(range);
                if is_repealed_text(&folded) && clause.text == folded {
                    clause.repealed = true;
                }
            }
            None => self.add_loose(LooseKind::Preamble, range),
        }
    }

    #[allow(clippy::too_many_arguments)] // one call site per clause shape; a struct would only rename them
    fn push_clause(
        &mut self,
        parent: Option<ClauseIdx>,
        id: String,
        label: String,
        kind: ClauseKind,
        number: Option<String>,
        heading: Option<String>,
        text: String,
        span: Range<usize>,
        repealed: bool,
    ) -> ClauseIdx {
        let idx = self.clauses.len();
        let id = self.unique_id(id, span.start);
        let depth = parent.map_or(0, |p| self.clauses[p].depth + 1);
        self.clauses.push(Clause {
            id,
            label,
            kind,
            number,
            marker: String::new(),
            heading,
            text,
            own_spans: vec![span.clone()],
            span,
            lines: (0, 0),
            repealed,
            parent,
            children: Vec::new(),
            depth,
        });
        match parent {
            Some(p) => self.clauses[p].children.push(idx),
            None => self.roots.push(idx),
        }
        idx
    }

    fn unique_id(&mut self, id: String, at: usize) -> String {
        let count = self.ids.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            return id;
        }
        let mut n = *count;
        let mut unique = format!("{id}~{n}");
        while self.ids.contains_key(&unique) {
            n += 1;
            unique = format!("{id}~{n}");
        }
        self.ids.insert(unique.clone(), 1);
        self.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            location: self.source.locate(at),
            message: format!("duplicate clause id `{id}`, this one is called `{unique}`"),
        });
        unique
    }

    fn finish(mut self) -> Built {
        // Spans grow to cover descendants; children always follow their parent in the arena.
        for idx in (0..self.clauses.len()).rev() {
            let own_end = self.clauses[idx]
                .own_spans
                .iter()
                .map(|s| s.end)
                .max()
                .unwrap_or(self.clauses[idx].span.end);
            let child_end = self.clauses[idx]
                .children
                .iter()
                .map(|&c| self.clauses[c].span.end)
                .max()
                .unwrap_or(0);
            let end = own_end.max(child_end);
            let clause = &mut self.clauses[idx];
            clause.span.end = end;
            clause.lines = self.source.line_range(&clause.span);
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
/// sentence or enumeration (`;`, `:`, `,`, `.`): a lazily continued list of sub-points.
fn split_at_label_lines(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let lead = text[range.clone()].len() - text[range.clone()].trim_start().len();
    let range = range.start + lead..range.end;
    let block = &text[range.clone()];
    let mut pieces = Vec::new();
    let mut piece_start = range.start;
    let mut line_start = 0usize;
    let mut prev_line_end_char: Option<char> = None;
    while line_start < block.len() {
        let line_end = block[line_start..]
            .find('\n')
            .map_or(block.len(), |n| line_start + n);
        let line = &block[line_start..line_end];
        let trimmed = line.trim_start_matches([' ', '\t']);
        if line_start > 0
            && prev_line_end_char.is_none_or(|c| matches!(c, ';' | ':' | ',' | '.'))
            && body_label(trimmed).is_some()
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
    pieces
}

/// True when `text` is nothing but a label ("1.", "a)").
fn label_only(text: &str) -> bool {
    body_label(text.trim()).is_some_and(|l| l.len >= text.trim().len())
}

fn trim_end_ws(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// Folds white space (line breaks, indentation, NBSP runs) to single spaces and drops Markdown
/// backslash escapes, so the same words give the same text whatever the wrapping.
pub fn fold_text(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut run_start: Option<usize> = None;
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // White space: ASCII, or one of the few multi-byte spaces (lead bytes C2, E1, E2, E3);
        // other bytes never start a space, so most text is scanned without decoding.
        let space_len = match b {
            b' ' | b'\n' | b'\t' | b'\r' | 0x0B | 0x0C => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => raw[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map_or(0, char::len_utf8),
            _ => 0,
        };
        let escape = b == b'\\' && bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation);
        if space_len == 0 && !escape {
            if run_start.is_none() {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                run_start = Some(i);
            }
            i += 1;
            continue;
        }
        if let Some(start) = run_start.take() {
            out.push_str(&raw[start..i]);
        }
        if escape {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            // The escaped character starts the next run.
            run_start = Some(i + 1);
            i += 2;
        } else {
            pending_space = !out.is_empty();
            i += space_len;
        }
    }
    if let Some(start) = run_start {
        out.push_str(&raw[start..]);
    }
    out
}

fn is_repealed_text(text: &str) -> bool {
    // Only the first words matter; lower-casing a whole paragraph would be wasted work.
    let head: String = text
        .trim()
        .trim_start_matches(['(', '[', '-', '–', ' '])
        .chars()
        .take(16)
        .flat_map(char::to_lowercase)
        .collect();
    [
        "weggefallen",
        "repealed",
        "deleted",
        "утратил",
        "исключен",
        "исключён",
        "күші жойылды",
        "алып тасталды",
    ]
    .iter()
    .any(|w| head.starts_with(w))
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
    let plain = number.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if plain {
        return number.to_string();
    }
    let n = number
        .replace("<sup>", "-")
        .replace("</sup>", "")
        .replace(" bis ", "-to-")
        .replace(" und ", "_")
        .replace(", ", "_");
    n.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '.' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
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
fn printed_marker(style: LabelStyle, number: &str) -> String {
    match style {
        LabelStyle::ParenNumber | LabelStyle::ParenLetter => format!("({number})"),
        LabelStyle::DotNumber => format!("{number}."),
        LabelStyle::CloseParenNumber | LabelStyle::Letter { .. } => format!("{number})"),
    }
}

/// The citation segment a body label adds: `(3)`, `Abs. 3`, `пункт 3`, `3-тармақ`.
fn segment_label(language: Language, style: LabelStyle, number: &str) -> String {
    match language {
        Language::En => format!("({number})"),
        Language::De => match style {
            LabelStyle::ParenNumber => format!("Abs. {number}"),
            LabelStyle::DotNumber | LabelStyle::CloseParenNumber => format!("Nr. {number}"),
            LabelStyle::Letter { repeat: 2, .. } => format!("Doppelbuchst. {number}"),
            LabelStyle::Letter { repeat: 3, .. } => format!("Dreifachbuchst. {number}"),
            LabelStyle::Letter { .. } | LabelStyle::ParenLetter => format!("Buchst. {number}"),
        },
        Language::Ru => match style {
            LabelStyle::ParenNumber => format!("часть {number}"),
            LabelStyle::DotNumber => format!("пункт {number}"),
            LabelStyle::CloseParenNumber | LabelStyle::Letter { .. } => {
                format!("подпункт {number})")
            }
            LabelStyle::ParenLetter => format!("подпункт ({number})"),
        },
        Language::Kk => match style {
            LabelStyle::ParenNumber | LabelStyle::DotNumber => format!("{number}-тармақ"),
            _ => format!("{number}) тармақша"),
        },
    }
}

fn join_label(language: Language, parent: &str, segment: &str) -> String {
    match language {
        Language::En => format!("{parent}{segment}"),
        Language::De => format!("{parent} {segment}"),
        Language::Ru | Language::Kk => format!("{parent}, {segment}"),
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
