//! Annotation files: what rights groups say about provisions, in YAML (`annotations/*.yaml`).
//! This module owns the file format (serde types that also give the JSON Schema), loading with
//! `file:line:column` errors, and validation (unique ids, known categories). Anchoring the
//! annotations to clauses of a version is `anchor`'s job; showing them is `render`'s.

pub mod anchor;
pub mod rules;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::source::Source;

/// Flag categories of `../shared/context/taxonomy.md`; files may declare more.
pub const TAXONOMY: &[&str] = &[
    "short-removal-deadline",
    "executive-takedown-order",
    "whole-platform-blocking",
    "bandwidth-throttling",
    "network-shutdown-powers",
    "local-representative-mandate",
    "data-localisation",
    "user-identification",
    "traceability-encryption",
    "vague-illegality-definition",
    "proactive-monitoring",
    "disproportionate-sanctions",
    "broad-scope-threshold",
    "no-appeal-or-transparency",
    "minors-access-restriction",
];

/// How serious a flagged provision is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// The organisation that wrote a file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// A category declared by the file, beside the taxonomy's.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomCategory {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Where an annotation points: a clause, and optionally a quote in it (the W3C Web Annotation
/// TextQuoteSelector: the exact words, and the words right before and after them).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Clause id (`art7.p1.sp2`) or citation label ("Article 7(1)(2)") in the version the file
    /// was written against.
    #[schemars(with = "String")]
    pub clause: Spanned<String>,
    #[serde(default)]
    pub exact: Option<String>,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
}

/// A source an annotation cites.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub text: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// One note on one provision.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationSpec {
    /// Unique in the file.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub target: Target,
    /// A taxonomy id or a category declared under `categories`.
    #[schemars(with = "String")]
    pub category: Spanned<String>,
    pub severity: Severity,
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

/// An annotation file as written.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationFile {
    pub organization: Organization,
    /// Which bill the notes are about (free text or the bill's folder name).
    #[serde(default)]
    pub bill: Option<String>,
    /// The version the notes were written on: its `version` label, its date, or its file name.
    pub written_against: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub categories: Vec<CustomCategory>,
    pub annotations: Vec<AnnotationSpec>,
}

/// A loaded, validated annotation file.
#[derive(Debug, Clone)]
pub struct AnnotationSet {
    pub path: PathBuf,
    pub file: AnnotationFile,
}

/// Why an annotation file was refused.
#[derive(Debug, thiserror::Error)]
pub enum AnnotationError {
    #[error(transparent)]
    Read(#[from] crate::source::ReadError),
    #[error(transparent)]
    Yaml(#[from] crate::yaml::YamlError),
    #[error("{location}: {message}")]
    Invalid { location: String, message: String },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

/// Largest annotation file accepted; real files are a few KB.
pub const MAX_ANNOTATION_BYTES: u64 = 8 * 1024 * 1024;

/// The YAML files named by `paths` (files as given; directories: their `*.yaml` and `*.yml`
/// files, sorted, not recursively).
pub fn annotation_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AnnotationError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| AnnotationError::Io {
                path: path.display().to_string(),
                reason: e.to_string().to_lowercase(),
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Loads and validates annotation files and directories.
pub fn load_annotations(paths: &[PathBuf]) -> Result<Vec<AnnotationSet>, AnnotationError> {
    annotation_paths(paths)?
        .iter()
        .map(|p| load_annotation_file(p))
        .collect()
}

/// Loads one file: size limit, UTF-8, YAML (with alias and depth budgets), then validation.
pub fn load_annotation_file(path: &Path) -> Result<AnnotationSet, AnnotationError> {
    let shown = path.display().to_string();
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_file() && meta.len() > MAX_ANNOTATION_BYTES {
            return Err(AnnotationError::Invalid {
                location: shown,
                message: format!(
                    "annotation file is larger than {MAX_ANNOTATION_BYTES} bytes, expected a few kilobytes of YAML"
                ),
            });
        }
    }
    let source = Source::read(path)?;
    let file = parse_annotation_text(&source.text, &shown)?;
    Ok(AnnotationSet {
        path: path.to_path_buf(),
        file,
    })
}

/// Reads and validates the YAML of an annotation file already in memory; `shown` names it in
/// messages.
pub fn parse_annotation_text(text: &str, shown: &str) -> Result<AnnotationFile, AnnotationError> {
    let file: AnnotationFile = crate::yaml::from_str(text, shown, 1)?;
    validate(&file, shown)?;
    Ok(file)
}

fn at(path: &str, loc: &serde_saphyr::Location) -> String {
    format!("{path}:{}:{}", loc.line(), loc.column())
}

fn validate(file: &AnnotationFile, path: &str) -> Result<(), AnnotationError> {
    let mut ids = HashSet::new();
    let declared: HashSet<&str> = file.categories.iter().map(|c| c.id.as_str()).collect();
    for a in &file.annotations {
        if !ids.insert(a.id.value.as_str()) {
            return Err(AnnotationError::Invalid {
                location: at(path, &a.id.referenced),
                message: format!(
                    "duplicate annotation id `{}`, expected ids unique in the file",
                    a.id.value
                ),
            });
        }
        let category = a.category.value.as_str();
        if !TAXONOMY.contains(&category) && !declared.contains(category) {
            return Err(AnnotationError::Invalid {
                location: at(path, &a.category.referenced),
                message: format!(
                    "unknown category `{category}`, expected one of: {} (or declare it under `categories`)",
                    TAXONOMY.join(", ")
                ),
            });
        }
        if a.target.clause.value.trim().is_empty() {
            return Err(AnnotationError::Invalid {
                location: at(path, &a.target.clause.referenced),
                message: "empty `target.clause`, expected a clause id or citation".into(),
            });
        }
        if a.target
            .exact
            .as_deref()
            .is_some_and(|e| e.trim().is_empty())
        {
            return Err(AnnotationError::Invalid {
                location: at(path, &a.id.referenced),
                message: "empty `target.exact`, expected the quoted words or no `exact` key".into(),
            });
        }
    }
    Ok(())
}

/// The JSON Schema of annotation files, for editors with a YAML language server.
pub fn annotation_schema() -> String {
    let schema = schemars::schema_for!(AnnotationFile);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<AnnotationSet, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, text).unwrap();
        load_annotation_file(&path).map_err(|e| {
            e.to_string()
                .replace(&dir.path().display().to_string(), "DIR")
        })
    }

    const GOOD: &str = "organization:\n  name: Org (illustrative)\nwritten_against: v1\nannotations:\n  - id: a1\n    target:\n      clause: art7.p1\n      exact: within 24 hours\n    category: short-removal-deadline\n    severity: high\n    title: T\n";

    #[test]
    fn a_valid_file_loads() {
        let set = load_text(GOOD).unwrap();
        assert_eq!(set.file.annotations.len(), 1);
        assert_eq!(set.file.annotations[0].target.clause.value, "art7.p1");
    }

    #[test]
    fn unknown_keys_are_errors_listing_the_valid_keys() {
        let err = load_text(&GOOD.replace("    title: T\n", "    titel: T\n")).unwrap_err();
        assert!(err.starts_with("DIR/a.yaml:"), "{err}");
        assert!(err.contains("titel"), "{err}");
        assert!(err.contains("title"), "{err}");
    }

    #[test]
    fn duplicate_ids_and_unknown_categories_point_at_the_line() {
        let dup = format!(
            "{GOOD}  - id: a1\n    target:\n      clause: art8\n    category: short-removal-deadline\n    severity: low\n    title: U\n"
        );
        let err = load_text(&dup).unwrap_err();
        assert_eq!(
            err,
            "DIR/a.yaml:12:9: duplicate annotation id `a1`, expected ids unique in the file"
        );
        let err = load_text(&GOOD.replace("short-removal-deadline", "censorship")).unwrap_err();
        assert!(
            err.starts_with("DIR/a.yaml:9:15: unknown category `censorship`, expected one of: short-removal-deadline,"),
            "{err}"
        );
    }

    #[test]
    fn wrong_types_and_syntax_errors_have_positions() {
        let err = load_text(&GOOD.replace("severity: high", "severity: urgent")).unwrap_err();
        assert!(err.starts_with("DIR/a.yaml:10:"), "{err}");
        let err = load_text("organization: [\n").unwrap_err();
        assert!(err.starts_with("DIR/a.yaml:"), "{err}");
    }

    #[test]
    fn schema_names_every_field() {
        let schema = annotation_schema();
        for key in [
            "written_against",
            "organization",
            "exact",
            "prefix",
            "suffix",
            "severity",
        ] {
            assert!(schema.contains(key), "{key}");
        }
        assert!(schema.contains("\"additionalProperties\": false"));
    }
}
