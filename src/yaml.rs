//! The only importer of the YAML crate (serde-saphyr): front matter now, annotation files and rule
//! packs later. Maps the crate's errors to one-line `file:line:column: message` errors.
//!
//! serde-saphyr is used rather than the archived serde_yaml; its budgets stop alias bombs and
//! deep nesting before they cost time or stack (see `../shared/STYLE.md`).

use serde::de::DeserializeOwned;

/// A YAML document that could not be read, with its position in the containing file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct YamlError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Deserializes `text`, which starts at 1-based `first_line` of the file `path`.
pub fn from_str<T: DeserializeOwned>(
    text: &str,
    path: &str,
    first_line: usize,
) -> Result<T, YamlError> {
    serde_saphyr::from_str::<T>(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map_or((1, 1), |loc| (loc.line() as usize, loc.column() as usize));
        YamlError {
            path: path.to_string(),
            line: line.max(1) + first_line - 1,
            column: column.max(1),
            message: plain_message(&err.without_snippet().to_string()),
        }
    })
}

/// The crate's message without its own position suffix and without line breaks.
fn plain_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or("invalid YAML").trim();
    let cut = first
        .find(" at line ")
        .map_or(first, |i| &first[..i])
        .trim_end_matches(['.', ':']);
    let mut msg = cut.to_string();
    if let Some(c) = msg.get(..1) {
        let lower = c.to_lowercase();
        msg.replace_range(..1, &lower);
    }
    // The parser's words for the two shapes, in the words of someone writing the file.
    for (said, meant) in [
        (
            "expected mapping start",
            "expected a mapping here (`key: value` lines)",
        ),
        (
            "expected sequence start",
            "expected a list here (`- item` lines)",
        ),
    ] {
        if let Some(rest) = msg.strip_prefix(said) {
            msg = format!("{meant}{rest}");
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_list_where_a_mapping_belongs_is_named_plainly() {
        let err = from_str::<BTreeMap<String, String>>("- a\n- b\n", "a.yaml", 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.yaml:1:1: expected a mapping here (`key: value` lines)"
        );
    }

    #[test]
    fn error_points_into_the_containing_file() {
        let err = from_str::<BTreeMap<String, String>>("a: 1\nb: [\n", "bill.md", 2).unwrap_err();
        assert_eq!(err.path, "bill.md");
        assert!(err.line >= 3, "{err}");
        assert!(!err.message.contains('\n'));
    }
}
