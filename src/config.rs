//! Settings the library acts on, free of clap: what the CLI flags resolve to.

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

#[derive(Debug, Clone)]
pub struct OutlineConfig {
    pub common: CommonConfig,
    pub format: OutputFormat,
    pub depth: Option<usize>,
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
}

/// Width used when output is not a terminal and no `--width` was given, so output does not
/// depend on the environment.
pub const DEFAULT_WIDTH: usize = 100;
