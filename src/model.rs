//! The clause tree of one bill version: `Bill`, `Clause`, `ClauseKind`, ids and labels.
//!
//! Built by `parse`, read by every later stage. Clauses live in one arena (`Bill::clauses`) in
//! document order and refer to each other by index (`ClauseIdx`); the machine id (`ClauseId`,
//! e.g. `art18-2.p3.sp2`) and the citation label ("Article 18-2(3)(2)") are separate strings.

use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

use crate::source::Source;

/// Index of a clause in `Bill::clauses` (document order). Never persisted: use `Clause::id`.
pub type ClauseIdx = usize;

/// What a clause is, as a lawyer would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseKind {
    Part,
    Chapter,
    Section,
    Article,
    Paragraph,
    Subparagraph,
    Item,
    Point,
    Unknown,
}

impl ClauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKind::Part => "part",
            ClauseKind::Chapter => "chapter",
            ClauseKind::Section => "section",
            ClauseKind::Article => "article",
            ClauseKind::Paragraph => "paragraph",
            ClauseKind::Subparagraph => "subparagraph",
            ClauseKind::Item => "item",
            ClauseKind::Point => "point",
            ClauseKind::Unknown => "unknown",
        }
    }

    /// Structural units group articles (parts, chapters, sections); they come from headings.
    pub fn is_structural(self) -> bool {
        matches!(
            self,
            ClauseKind::Part | ClauseKind::Chapter | ClauseKind::Section | ClauseKind::Unknown
        )
    }
}

/// The language a bill is written in; it decides how citation labels are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    De,
    Ru,
    Kk,
}

impl Language {
    pub fn from_code(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Language::En),
            "de" | "deu" | "ger" | "german" => Some(Language::De),
            "ru" | "rus" | "russian" => Some(Language::Ru),
            "kk" | "kaz" | "kz" | "kazakh" => Some(Language::Kk),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Ru => "ru",
            Language::Kk => "kk",
        }
    }
}

/// One unit of the bill: a part, chapter, article, paragraph, sub-paragraph or point.
///
/// A large bill has hundreds of thousands of these, so the record is kept small and needs few
/// allocations: ids, citations, numbers and markers are kept in place ([`ShortStr`]), so is the
/// usual single span of own text ([`OwnSpans`]), the rarely set heading is boxed, line numbers
/// and depth are 32-bit, and the text is usually a shared slice of the source ([`ClauseText`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Clause {
    /// Machine id, unique in the version: `art18-2.p3.sp2`, `s3a.p2.i1.a`, `ch2`.
    pub id: ShortStr,
    /// Citation as people write it: "Article 18-2(3)(2)", "§ 3a Abs. 2 Nr. 1".
    pub label: ShortStr,
    pub kind: ClauseKind,
    /// The number as printed ("18-2", "3a", "205<sup>2</sup>", "a"); `None` for unnumbered units.
    pub number: Option<ShortStr>,
    /// The label as printed at the start of a body clause (`2-1.`, `(3)`, `3-1)`, `aa)`); empty
    /// for heading clauses.
    pub marker: ShortStr,
    /// The heading title ("Removal of information"), for heading clauses that have one.
    pub heading: Option<Box<str>>,
    /// The clause's own text, without its label and without its sub-clauses, whitespace folded.
    pub text: ClauseText,
    /// Byte ranges of the source that make up the clause's own text (heading line first).
    #[serde(skip)]
    pub own_spans: OwnSpans,
    /// Bytes of the whole clause with its sub-clauses, from its first byte to its last.
    pub span: Range<usize>,
    /// First and last line (1-based) of `span`.
    pub lines: (u32, u32),
    /// The clause is marked repealed ("(weggefallen)", "утратила силу", "(repealed)").
    pub repealed: bool,
    #[serde(skip)]
    pub parent: Option<ClauseIdx>,
    #[serde(skip)]
    pub children: Box<[ClauseIdx]>,
    /// Depth in the tree; top-level clauses have depth 0.
    pub depth: u32,
}

impl Clause {
    /// Heading and own text joined, the text compared by the aligner and the redline
    /// (borrowed when there is only one of them).
    pub fn full_text(&self) -> Cow<'_, str> {
        match (&self.heading, self.text.is_empty()) {
            (Some(h), true) => Cow::Borrowed(h),
            (Some(h), false) => Cow::Owned(format!("{h}\n{}", self.text)),
            (None, _) => Cow::Borrowed(&self.text),
        }
    }
}

/// The folded text of a clause. Most clauses are one line of the file with nothing to fold, so
/// their text is that slice of the source, shared rather than copied; the rest have a buffer of
/// their own. Reads as a `&str` (it dereferences to one) and serializes as a string.
#[derive(Clone)]
pub struct ClauseText {
    /// The source text (`Source::text`), or a buffer that holds this text alone.
    buf: Arc<String>,
    start: u32,
    end: u32,
}

impl ClauseText {
    /// A slice of a source text (`Source::text`). The range must fall on character boundaries
    /// (the parser only cuts there); a range that does not is copied, with the cut characters
    /// replaced, rather than panicking. Inputs are limited to far less than 4 GiB; a text
    /// beyond that is copied too.
    pub fn slice(source: &Arc<String>, range: Range<usize>) -> ClauseText {
        let Some(text) = source.get(range.clone()) else {
            debug_assert!(false, "clause text cut inside a character: {range:?}");
            let bytes = source.as_bytes();
            let (start, end) = (range.start.min(bytes.len()), range.end.min(bytes.len()));
            return ClauseText::from(
                String::from_utf8_lossy(&bytes[start..end.max(start)]).into_owned(),
            );
        };
        match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end)) => ClauseText {
                buf: Arc::clone(source),
                start,
                end,
            },
            _ => ClauseText::from(text.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.buf[self.start as usize..self.end as usize]
    }

    /// Appends a line (a line break, then `line`; no break when the text is empty). A shared
    /// slice is copied into a buffer of its own first; an own buffer grows in place.
    pub fn push_line(&mut self, line: &str) {
        let whole = self.start == 0 && self.end as usize == self.buf.len();
        match Arc::get_mut(&mut self.buf) {
            Some(own) if whole && own.len() + line.len() < u32::MAX as usize => {
                if !own.is_empty() {
                    own.push('\n');
                }
                own.push_str(line);
                self.end = own.len() as u32;
            }
            _ => {
                let mut text = String::with_capacity(self.len() + 1 + line.len());
                text.push_str(self.as_str());
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(line);
                *self = ClauseText::from(text);
            }
        }
    }

    /// Whether the text is a slice of `source` rather than a copy.
    pub fn is_slice_of(&self, source: &Arc<String>) -> bool {
        Arc::ptr_eq(&self.buf, source)
    }
}

impl Default for ClauseText {
    /// The empty text, one shared buffer for all (heading clauses have no text of their own).
    fn default() -> Self {
        static EMPTY: OnceLock<Arc<String>> = OnceLock::new();
        ClauseText {
            buf: Arc::clone(EMPTY.get_or_init(|| Arc::new(String::new()))),
            start: 0,
            end: 0,
        }
    }
}

impl From<String> for ClauseText {
    /// A text with a buffer of its own. Text of 4 GiB or more is cut there (inputs are limited
    /// to far less).
    fn from(mut text: String) -> Self {
        let mut end = text.len().min(u32::MAX as usize);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        ClauseText {
            buf: Arc::new(text),
            start: 0,
            end: end as u32,
        }
    }
}

/// The traits that make a text type read, compare, print and serialize as the `&str` its
/// `as_str` gives ([`ClauseText`], [`ShortStr`]).
macro_rules! reads_as_str {
    ($ty:ty) => {
        impl Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $ty {}

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

reads_as_str!(ClauseText);
reads_as_str!(ShortStr);

/// The byte ranges of a clause's own text: nearly always one, kept in place; a clause with
/// continuation text (a lead-in, then points, then a trailing sentence) boxes its list.
/// Reads as a slice of ranges (it dereferences to one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnSpans {
    One(Range<usize>),
    Many(Box<[Range<usize>]>),
}

impl Default for OwnSpans {
    fn default() -> Self {
        OwnSpans::Many(Box::default())
    }
}

impl From<Vec<Range<usize>>> for OwnSpans {
    fn from(mut spans: Vec<Range<usize>>) -> Self {
        match spans.len() {
            1 => OwnSpans::One(spans.swap_remove(0)),
            _ => OwnSpans::Many(spans.into_boxed_slice()),
        }
    }
}

impl Deref for OwnSpans {
    type Target = [Range<usize>];
    fn deref(&self) -> &[Range<usize>] {
        match self {
            OwnSpans::One(span) => std::slice::from_ref(span),
            OwnSpans::Many(spans) => spans,
        }
    }
}

impl<'a> IntoIterator for &'a OwnSpans {
    type Item = &'a Range<usize>;
    type IntoIter = std::slice::Iter<'a, Range<usize>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A short string kept in the record that holds it: ids (`art18-2.p3.sp2`), citations
/// ("§ 3a Abs. 2 Nr. 1"), numbers and markers as printed. Nearly all of them fit in 22 bytes,
/// and a large bill has hundreds of thousands of each, so they are not given an allocation of
/// their own; a longer one is boxed. Reads as a `&str` (it dereferences to one), compares,
/// hashes and serializes as one.
#[derive(Clone)]
pub struct ShortStr(ShortRepr);

/// Longest text a [`ShortStr`] keeps in place (with its length and the variant's tag, the
/// same 24 bytes as a `String`).
const SHORT_INLINE: usize = 22;

#[derive(Clone)]
enum ShortRepr {
    /// `bytes[..len]` is UTF-8: it is only ever filled with whole `&str`s, by `ShortStr::concat`.
    Inline {
        len: u8,
        bytes: [u8; SHORT_INLINE],
    },
    Boxed(Box<str>),
}

impl ShortStr {
    /// The parts joined, without an intermediate `String`.
    pub fn concat(parts: &[&str]) -> ShortStr {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len > SHORT_INLINE {
            let mut text = String::with_capacity(len);
            for p in parts {
                text.push_str(p);
            }
            return ShortStr(ShortRepr::Boxed(text.into_boxed_str()));
        }
        // Each part in at most five moves of 16, 8, 4, 2 and 1 bytes: the parts are a few
        // bytes each, where a call to `memcpy` per part (or a loop per byte) cost more than
        // the copying.
        let mut bytes = [0u8; SHORT_INLINE];
        let mut at = 0;
        for p in parts {
            let src = p.as_bytes();
            let mut from = 0;
            for step in [16, 8, 4, 2, 1] {
                if src.len() & step != 0 {
                    bytes[at..at + step].copy_from_slice(&src[from..from + step]);
                    at += step;
                    from += step;
                }
            }
        }
        ShortStr(ShortRepr::Inline {
            len: len as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            ShortRepr::Inline { len, bytes } => {
                let bytes = &bytes[..usize::from(*len)];
                // SAFETY: `concat`, the only place that builds this variant, fills
                // `bytes[..len]` with whole `&str`s end to end, so it is valid UTF-8; the
                // fields are private and never changed afterwards.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            ShortRepr::Boxed(text) => text,
        }
    }
}

impl Default for ShortStr {
    fn default() -> Self {
        ShortStr::concat(&[])
    }
}

impl From<&str> for ShortStr {
    fn from(text: &str) -> Self {
        ShortStr::concat(&[text])
    }
}

impl From<String> for ShortStr {
    /// Keeps the allocation of a long string; copies a short one in place.
    fn from(text: String) -> Self {
        if text.len() > SHORT_INLINE {
            ShortStr(ShortRepr::Boxed(text.into_boxed_str()))
        } else {
            ShortStr::concat(&[&text])
        }
    }
}

impl std::borrow::Borrow<str> for ShortStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialOrd for ShortStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ShortStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for ShortStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<String> for ShortStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

/// What a piece of text that belongs to no clause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LooseKind {
    /// The `# Title` line.
    Title,
    /// Text before the first clause (enactment formula, metadata lists, status lines).
    Preamble,
    /// Editorial notes ("Сноска. …", "(В редакции …)") kept beside the clause they follow.
    Note,
    /// Footnote definitions.
    Footnote,
    /// Headings that name no unit inside an article, code blocks, tables, HTML blocks, rules.
    Other,
}

/// Text kept outside the clause tree but never dropped.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LooseText {
    pub kind: LooseKind,
    pub text: String,
    pub span: Range<usize>,
    pub lines: (u32, u32),
    /// The clause it stands in or after, if any.
    #[serde(skip)]
    pub parent: Option<ClauseIdx>,
}

/// Bill metadata from the YAML front matter; every field optional.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub short_title: Option<String>,
    pub jurisdiction: Option<String>,
    pub language: Option<String>,
    pub version: Option<String>,
    pub date: Option<String>,
    pub stage: Option<String>,
    pub source_url: Option<String>,
    pub illustrative: Option<bool>,
    pub note: Option<String>,
    /// Other keys as given (sorted by key), so nothing in the front matter is lost.
    pub extra: Vec<(String, String)>,
    /// Bytes of the front-matter block including its `---` fences.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

/// A message about the input that did not stop parsing (duplicate id, unknown numbering).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `path:line:column`.
    pub location: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Note,
}

/// One parsed version of a bill.
#[derive(Debug, Clone)]
pub struct Bill {
    pub source: Source,
    pub front_matter: FrontMatter,
    /// The `# Title` heading text, if the file has one.
    pub title: Option<String>,
    pub language: Language,
    /// All clauses in document order (a parent always comes before its children).
    pub clauses: Vec<Clause>,
    /// Top-level clauses in order.
    pub roots: Vec<ClauseIdx>,
    pub loose: Vec<LooseText>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Bill {
    /// The best title available: front matter, then the `#` heading, then the file name.
    pub fn display_title(&self) -> String {
        self.front_matter
            .title
            .clone()
            .or_else(|| self.title.clone())
            .unwrap_or_else(|| self.source.display_path())
    }

    /// A short version label: front matter `version`, then its date, then the file name.
    pub fn version_label(&self) -> String {
        self.front_matter
            .version
            .clone()
            .or_else(|| self.front_matter.date.clone())
            .unwrap_or_else(|| {
                self.source
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| self.source.display_path())
            })
    }

    /// Finds a clause by its exact id.
    pub fn find_id(&self, id: &str) -> Option<ClauseIdx> {
        self.clauses.iter().position(|c| c.id == id)
    }

    /// The clause and all its descendants, in document order (they are contiguous in the arena).
    pub fn subtree(&self, idx: ClauseIdx) -> Range<ClauseIdx> {
        let depth = self.clauses[idx].depth;
        let end = self.clauses[idx + 1..]
            .iter()
            .position(|c| c.depth <= depth)
            .map_or(self.clauses.len(), |n| idx + 1 + n);
        idx..end
    }

    /// The nearest ancestor (or the clause itself) that is an article.
    pub fn article_of(&self, idx: ClauseIdx) -> Option<ClauseIdx> {
        let mut cur = Some(idx);
        while let Some(i) = cur {
            if self.clauses[i].kind == ClauseKind::Article {
                return Some(i);
            }
            cur = self.clauses[i].parent;
        }
        None
    }

    /// The top-level ancestor of a clause (itself when it is top level): the last top-level
    /// clause at or before it, as a clause's descendants follow it in the arena. Found in the
    /// list of top-level clauses, without reading the records of the ancestors in between.
    pub fn root_of(&self, idx: ClauseIdx) -> ClauseIdx {
        let at = self.roots.partition_point(|&r| r <= idx);
        at.checked_sub(1).map_or(idx, |i| self.roots[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_text_slices_share_the_source_and_copy_on_append() {
        let source = Arc::new("(1) Der Anbieter löscht.\nweiter".to_string());
        let mut text = ClauseText::slice(&source, 4..25);
        assert_eq!(text, "Der Anbieter löscht.");
        assert!(text.is_slice_of(&source));
        assert_eq!(
            serde_json::to_string(&text).unwrap(),
            "\"Der Anbieter löscht.\""
        );
        text.push_line("weiter");
        assert_eq!(text.as_str(), "Der Anbieter löscht.\nweiter");
        assert_eq!(source.as_str(), "(1) Der Anbieter löscht.\nweiter");
        assert!(!text.is_slice_of(&source));
        // Its own buffer now: further lines go in place.
        text.push_line("und so fort");
        assert_eq!(text.as_str(), "Der Anbieter löscht.\nweiter\nund so fort");
        let mut empty = ClauseText::default();
        empty.push_line("erste");
        assert_eq!(empty, ClauseText::from("erste".to_string()));
    }

    #[test]
    fn short_strings_in_place_and_boxed_read_back_exactly() {
        // 22 bytes fit in place, 23 do not; "ä" and "ж" are two bytes, "²" too.
        for text in [
            "",
            "p",
            "art18-2.p3.sp2",
            "§ 3a Abs. 2 Nr. 1 Buc",
            "§ 3a Abs. 2 Nr. 1 Buch",
        ] {
            let short = ShortStr::from(text);
            assert_eq!(short.as_str(), text);
            assert_eq!(ShortStr::from(text.to_string()), short);
            assert_eq!(
                serde_json::to_string(&short).unwrap(),
                serde_json::to_string(text).unwrap()
            );
        }
        assert!(matches!(
            ShortStr::from("§ 3a Abs. 2 Nr. 1 Buc").0,
            ShortRepr::Inline { .. }
        ));
        assert!(matches!(
            ShortStr::from("§ 3a Abs. 2 Nr. 1 Buch").0,
            ShortRepr::Boxed(_)
        ));
        let joined = ShortStr::concat(&["статья 15-1", "(", "ж", ")"]);
        assert_eq!(joined, "статья 15-1(ж)");
        assert_eq!(
            format!("{joined} / {joined:?}"),
            "статья 15-1(ж) / \"статья 15-1(ж)\""
        );
        let set: std::collections::HashSet<ShortStr> = [joined.clone()].into_iter().collect();
        assert!(set.contains("статья 15-1(ж)"));
        let (a, ab) = (ShortStr::from("a"), ShortStr::from("ab"));
        assert!(a < ab);
    }

    proptest::proptest! {
        /// `concat` is `[..].concat()` whatever the lengths and scripts of the parts.
        #[test]
        fn short_str_concat_is_plain_concatenation(parts in proptest::collection::vec("[a-zäöüß§(). 0-9а-яёңғқ²-]{0,12}", 0..5)) {
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            let joined = ShortStr::concat(&refs);
            proptest::prop_assert_eq!(joined.as_str(), parts.concat());
        }
    }

    #[test]
    fn own_spans_read_as_a_slice() {
        #[allow(clippy::single_range_in_vec_init)] // a list of one span, not the numbers 3 to 8
        let one = OwnSpans::from(vec![3..9]);
        assert_eq!(one, OwnSpans::One(3..9));
        assert_eq!(one.len(), 1);
        let many = OwnSpans::from(vec![3..9, 12..20]);
        assert_eq!(many.iter().map(|s| s.end).max(), Some(20));
        assert_eq!((&many).into_iter().count(), 2);
        assert!(OwnSpans::default().is_empty());
    }

    /// Debug builds stop at the bug; release builds copy rather than panic.
    #[test]
    #[cfg_attr(debug_assertions, should_panic(expected = "cut inside a character"))]
    fn clause_text_cut_inside_a_character_is_copied_in_release_builds() {
        let source = Arc::new("aö".to_string());
        assert_eq!(ClauseText::slice(&source, 0..2).as_str(), "a\u{FFFD}");
    }
}
