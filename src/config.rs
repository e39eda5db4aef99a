//! Settings the library acts on, free of clap: what the CLI flags resolve to.

use std::path::PathBuf;

use crate::redline::CompareOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Settings every command shares.
#[derive(Debug, Clone)]
pub struct CommonConfig {
    pub color: ColorChoice,
    pub width: Option<usize>,
}

/// Annotation files to overlay, and where their version is.
#[derive(Debug, Clone, Default)]
pub struct AnnotationConfig {
    pub paths: Vec<PathBuf>,
    /// The version the files were written against, when it is not found next to the bill.
    pub against: Option<PathBuf>,
    pub verbose: bool,
}

#[derive(Debug, Clone)]
pub struct OutlineConfig {
    pub common: CommonConfig,
    pub format: OutputFormat,
    pub depth: Option<usize>,
    pub annotations: AnnotationConfig,
    pub rules: RuleConfig,
}

/// Rule packs to run and when to fail.
#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    /// Rule files or folders; empty means the built-in pack.
    pub paths: Vec<PathBuf>,
    pub fail_on: Option<crate::annotate::Severity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub common: CommonConfig,
    pub rules: RuleConfig,
    pub format: ScanFormat,
}

#[derive(Debug, Clone)]
pub struct CheckConfig {
    pub common: CommonConfig,
    pub annotations: AnnotationConfig,
}

#[derive(Debug, Clone)]
pub struct DiffConfig {
    pub common: CommonConfig,
    pub format: OutputFormat,
    pub context: bool,
    pub side_by_side: bool,
    pub stat: bool,
    pub only: Option<String>,
    pub compare: CompareOptions,
    pub ignore_numbering: bool,
    pub annotations: AnnotationConfig,
    pub rules: RuleConfig,
}

/// Width used when output is not a terminal and no `--width` was given, so output does not
/// depend on the environment.
pub const DEFAULT_WIDTH: usize = 100;
