//! Source text of one bill version: reading bytes from disk into checked UTF-8, and mapping byte
//! offsets to `line:column` for every message that points into the file.
//!
//! This is the only module (with `output`) that touches the file system for inputs; everything
//! downstream works on `Source` values.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest input accepted. Real codes are a few MB; this keeps a stray disk image from being
/// read whole into memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The text of one input file with a line index.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it, used in every message.
    pub path: PathBuf,
    /// The whole file, UTF-8, without a leading byte-order mark. Shared with the clause texts
    /// that are slices of it (`model::ClauseText`).
    pub text: Arc<String>,
    /// Byte offset where each line starts; `line_starts[0] == 0`. 32 bits: inputs are limited
    /// to `MAX_INPUT_BYTES`.
    line_starts: Vec<u32>,
    /// Length of a byte-order mark that was stripped (offsets in `text` are shifted by it).
    pub bom_len: usize,
}

/// A 1-based line and column (column counted in characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why an input file could not be read as a bill.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: cannot read file: {reason}")]
    Io { path: String, reason: String },
    #[error("{path}: is a directory, expected a Markdown file")]
    Directory { path: String },
    #[error("{path}: file is empty, expected a Markdown bill")]
    Empty { path: String },
    #[error("{path}: file is larger than {limit} bytes")]
    TooLarge { path: String, limit: u64 },
    #[error(
        "{path}:{at}: binary file (NUL byte at byte offset {offset}), expected UTF-8 Markdown text"
    )]
    Binary {
        path: String,
        at: LineCol,
        offset: usize,
    },
    #[error("{path}: UTF-16 text (byte-order mark {bom}), expected UTF-8: convert it with `iconv -f UTF-16 -t UTF-8`")]
    Utf16 { path: String, bom: &'static str },
    #[error("{path}:{at}: invalid UTF-8 at byte offset {offset}, expected UTF-8 Markdown text")]
    InvalidUtf8 {
        path: String,
        at: LineCol,
        offset: usize,
    },
}

impl Source {
    /// Reads and checks a file. Errors name the path and, where there is one, the position.
    pub fn read(path: &Path) -> Result<Source, ReadError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| ReadError::Io {
            path: shown.clone(),
            reason: io_reason(&e),
        })?;
        if meta.is_dir() {
            return Err(ReadError::Directory { path: shown });
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(ReadError::TooLarge {
                path: shown,
                limit: MAX_INPUT_BYTES,
            });
        }
        let bytes = read_file(path, meta.len()).map_err(|e| ReadError::Io {
            path: shown.clone(),
            reason: io_reason(&e),
        })?;
        Source::from_bytes(path, bytes)
    }

    /// Checks bytes already in memory (tests, fuzzing) the same way as [`Source::read`].
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Source, ReadError> {
        let shown = path.display().to_string();
        if bytes.is_empty() || bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ReadError::Empty { path: shown });
        }
        if bytes.starts_with(&[0xFF, 0xFE]) {
            return Err(ReadError::Utf16 {
                path: shown,
                bom: "FF FE, little-endian",
            });
        }
        if bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(ReadError::Utf16 {
                path: shown,
                bom: "FE FF, big-endian",
            });
        }
        if let Some(offset) = memchr_nul(&bytes) {
            let at = line_col_in_bytes(&bytes, offset);
            return Err(ReadError::Binary {
                path: shown,
                at,
                offset,
            });
        }
        let bom_len = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let text = match String::from_utf8(bytes) {
            Ok(mut text) => {
                text.drain(..bom_len);
                text
            }
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let at = line_col_in_bytes(err.as_bytes(), offset);
                return Err(ReadError::InvalidUtf8 {
                    path: shown,
                    at,
                    offset,
                });
            }
        };
        Ok(Source::new(path.to_path_buf(), text, bom_len))
    }

    /// Wraps text that is already known to be valid (tests, generated input).
    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source::new(path.into(), text.into(), 0)
    }

    fn new(path: PathBuf, text: String, bom_len: usize) -> Source {
        // Longer texts than 4 GiB are refused when read; text given directly (tests) is small.
        let start_of = |i: usize| u32::try_from(i).expect("source text below 4 GiB");
        let mut line_starts = Vec::with_capacity(text.len() / 40 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| start_of(i + 1)));
        Source {
            path,
            text: Arc::new(text),
            line_starts,
            bom_len,
        }
    }

    /// The path as given, for messages.
    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let Ok(offset) = u32::try_from(offset) else {
            return self.line_starts.len();
        };
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1] as usize;
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        LineCol { line, column }
    }

    /// First and last 1-based line of a byte range (an empty range covers its start line).
    pub fn line_range(&self, span: &Range<usize>) -> (u32, u32) {
        // Line numbers fit: a text has fewer lines than bytes, and fewer bytes than 4 GiB.
        let line = |offset| self.line_of(offset) as u32;
        (
            line(span.start),
            line(span.end.saturating_sub(1).max(span.start)),
        )
    }

    /// A cursor for the lines of many spans taken in order of their starts (as clauses come in
    /// document order): the start line is found by walking on from the previous one, the last
    /// line by galloping from the start line, so lines cost no search over the whole text.
    pub fn line_cursor(&self) -> LineCursor<'_> {
        LineCursor {
            starts: &self.line_starts,
            line: 0,
        }
    }

    /// Number of lines in the text.
    pub fn n_lines(&self) -> usize {
        self.line_starts.len()
    }

    /// `path:line:column` for a byte offset.
    pub fn locate(&self, offset: usize) -> String {
        format!("{}:{}", self.display_path(), self.line_col(offset))
    }
}

/// See [`Source::line_cursor`].
#[derive(Debug, Clone)]
pub struct LineCursor<'s> {
    starts: &'s [u32],
    /// 0-based index of the line the previous span started on.
    line: usize,
}

impl LineCursor<'_> {
    /// `Source::line_range` of `span`; fastest when spans come in order of their starts.
    pub fn range(&mut self, span: &Range<usize>) -> (u32, u32) {
        let first = self.index_of(span.start);
        self.line = first;
        let last = self.index_from(first, span.end.saturating_sub(1).max(span.start));
        (first as u32 + 1, last as u32 + 1)
    }

    /// 0-based line of `offset`, walking on from the cursor (or searching when it lies before).
    fn index_of(&self, offset: usize) -> usize {
        let at = self.starts.get(self.line).map_or(0, |&s| s as usize);
        if offset < at {
            return self.starts.partition_point(|&s| (s as usize) <= offset) - 1;
        }
        self.index_from(self.line, offset)
    }

    /// 0-based line of `offset`, which lies on line `from` or after it: steps doubling from
    /// `from` until past it, then a search within the last step.
    fn index_from(&self, from: usize, offset: usize) -> usize {
        let past = |i: usize| self.starts.get(i).is_none_or(|&s| s as usize > offset);
        let (mut low, mut step) = (from, 1);
        while !past(low + step) {
            low += step;
            step *= 2;
        }
        // Line `low` starts at or before `offset`; line `low + step` after it (or is none).
        let high = (low + step).min(self.starts.len());
        low + self.starts[low..high].partition_point(|&s| (s as usize) <= offset) - 1
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            // The OS message carries "(os error N)"; keep it short and lowercase like ours.
            let text = err.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            text.to_lowercase()
        }
    }
}

/// Reads a whole file into a buffer of its `size` (as the metadata gave it; the buffer grows
/// if the file did), asked for huge pages and backed before it is filled (the text of a large
/// bill is one of the few buffers worth it, see `memory`).
fn read_file(path: &Path, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    crate::memory::prepare_to_fill(&bytes);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

fn line_col_in_bytes(bytes: &[u8], offset: usize) -> LineCol {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    LineCol { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_err(bytes: &[u8]) -> String {
        Source::from_bytes(Path::new("x.md"), bytes.to_vec())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = Source::from_text("a.md", "ab\nСтатья 5\n");
        assert_eq!(src.line_col(0).to_string(), "1:1");
        assert_eq!(src.line_col(3).to_string(), "2:1");
        // "Статья" is 12 bytes, 6 characters.
        assert_eq!(src.line_col(3 + 12).to_string(), "2:7");
        assert_eq!(src.line_range(&(3..5)), (2, 2));
    }

    #[test]
    fn bad_bytes_are_named_with_position() {
        assert_eq!(
            read_err(b""),
            "x.md: file is empty, expected a Markdown bill"
        );
        assert_eq!(
            read_err(b"ab\ncd\xffx"),
            "x.md:2:3: invalid UTF-8 at byte offset 5, expected UTF-8 Markdown text"
        );
        assert!(read_err(b"\xff\xfea\x00").contains("UTF-16"));
        assert!(read_err(b"PK\x03\x04\x00\x00").contains("binary file"));
    }

    #[test]
    fn the_line_cursor_agrees_with_the_search() {
        let text = "a\nbb\n\nccc\n\n\ndddd\ne";
        let src = Source::from_text("a.md", text);
        let spans: Vec<Range<usize>> = (0..=text.len())
            .flat_map(|a| (a..=text.len()).map(move |b| a..b))
            .collect();
        // In order of their starts, and shuffled back and forth.
        let mut cursor = src.line_cursor();
        for span in &spans {
            assert_eq!(cursor.range(span), src.line_range(span), "{span:?}");
        }
        let mut cursor = src.line_cursor();
        for span in spans.iter().rev().step_by(3).chain(spans.iter().step_by(7)) {
            assert_eq!(cursor.range(span), src.line_range(span), "{span:?}");
        }
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let src = Source::from_bytes(Path::new("x.md"), b"\xEF\xBB\xBF# T\n".to_vec()).unwrap();
        assert_eq!(src.text.as_str(), "# T\n");
        assert_eq!(src.bom_len, 3);
    }
}
