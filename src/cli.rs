//! Command-line flags (clap derive) and their conversion to the clap-free `Config` types.
//! Only this module knows clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{
    AnnotationConfig, CheckConfig, ColorChoice, CommonConfig, DiffConfig, OutlineConfig,
    OutputFormat, RuleConfig, ScanConfig, ScanFormat,
};
use crate::redline::CompareOptions;

const EXIT_CODES: &str = "\
Exit codes:
  0  no differences (diff) / success
  1  differences found (diff)
  2  trouble: a file could not be read or parsed, or bad arguments
  3  diff --fail-on SEVERITY: the new version gains a flag at or above SEVERITY";

const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0  every annotation is anchored or relocated
  1  an annotation is text-changed, ambiguous or orphaned
  2  trouble: an invalid annotation file, a target that matches nothing, an unreadable bill";

#[derive(Debug, Parser)]
#[command(
    name = "billdiff",
    version,
    about = "Diff bills clause by clause: renumbered, moved and reworded provisions, with a word-level redline",
    after_help = EXIT_CODES,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the clause tree the parser read from one bill version
    Outline(OutlineArgs),
    /// Compare two versions of a bill clause by clause
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Validate annotation files and show where each annotation stands on a version
    #[command(after_help = CHECK_EXIT_CODES)]
    Check(CheckArgs),
    /// Flag risky provisions with rule packs (the built-in pack unless --rules is given)
    #[command(after_help = SCAN_EXIT_CODES)]
    Scan(ScanArgs),
    /// Write an annotated report of two versions (HTML, Markdown or JSON)
    Report(ReportArgs),
    /// Quote a clause exactly as it stands in the source, with a citation and a content hash
    Quote(QuoteArgs),
    /// Print the JSON Schema of a file format (for editors with a YAML language server)
    Schema(SchemaArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Html,
    Md,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The older version (Markdown)
    pub old: PathBuf,
    /// The newer version (Markdown)
    pub new: PathBuf,
    #[command(flatten)]
    pub annotations: AnnotationArgs,
    /// Rule pack files or directories (default: the built-in pack)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub rules: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum)]
    pub format: ReportFormatArg,
    /// The file to write (written to a temporary file first, then renamed; never an input)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// The date to print as the report's date (none by default, so output is reproducible)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QuoteFormatArg {
    Text,
    Md,
    Html,
}

#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The bill version (Markdown)
    pub bill: PathBuf,
    /// The clause: an id (art5.p2) or a citation as people write it ("Article 5(2)",
    /// "art. 5 para 2", "статья 5 пункт 2", "§ 3 Abs. 2 Nr. 2")
    pub clause: String,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: QuoteFormatArg,
    /// Quote the clause with all its sub-clauses
    #[arg(long)]
    pub recursive: bool,
    /// An older version: add the redline of the clause since then
    #[arg(long, value_name = "OLD")]
    pub since: Option<PathBuf>,
    #[command(flatten)]
    pub annotations: AnnotationArgs,
    /// Rule pack files or directories whose flags on the clause to list
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub rules: Vec<PathBuf>,
}

const SCAN_EXIT_CODES: &str = "\
Exit codes:
  0  no flag at or above --fail-on (or no --fail-on)
  1  a flag at or above --fail-on
  2  trouble: an unreadable bill or an invalid rule file";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScanFormatArg {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    High,
    Medium,
    Low,
}

impl From<SeverityArg> for crate::annotate::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::High => crate::annotate::Severity::High,
            SeverityArg::Medium => crate::annotate::Severity::Medium,
            SeverityArg::Low => crate::annotate::Severity::Low,
        }
    }
}

/// Rule options shared by scan and diff.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule pack files or directories (default: the built-in pack)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub rules: Vec<PathBuf>,
    /// Fail on a flag of this severity or higher (scan: exit 1 when present; diff: exit 3 when the new version gains one)
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The bill version (Markdown)
    pub bill: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: ScanFormatArg,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// Annotation files (annotations/*.yaml)
    Annotations,
    /// Rule pack files (annotations/rules/*.yaml)
    Rules,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which format
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

/// Annotation options shared by outline, diff and check.
#[derive(Debug, Args)]
pub struct AnnotationArgs {
    /// Annotation files or directories of them (YAML)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub annotations: Vec<PathBuf>,
    /// The version the annotation files were written against, if it is not next to the bill
    #[arg(long, value_name = "FILE")]
    pub against: Option<PathBuf>,
    /// Show annotation comments too
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The bill version to check the annotations on (Markdown)
    pub bill: PathBuf,
    #[command(flatten)]
    pub annotations: AnnotationArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// When to use colour: auto follows the terminal and NO_COLOR / CLICOLOR_FORCE
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorArg,
    /// Output width in columns (default: the terminal's, or 100 when not a terminal)
    #[arg(long, global = true)]
    pub width: Option<usize>,
}

#[derive(Debug, Args)]
pub struct OutlineArgs {
    /// The bill version (Markdown)
    pub bill: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Show clauses down to this depth only (0 = top level)
    #[arg(long)]
    pub depth: Option<usize>,
    #[command(flatten)]
    pub annotations: AnnotationArgs,
    /// Rule pack files or directories whose flags to show beside the clauses
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub rules: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older version (Markdown)
    pub old: PathBuf,
    /// The newer version (Markdown)
    pub new: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Also show unchanged clauses
    #[arg(long)]
    pub context: bool,
    /// Show old and new text in two columns
    #[arg(long)]
    pub side_by_side: bool,
    /// Print the summary tables only
    #[arg(long)]
    pub stat: bool,
    /// Restrict the diff to one clause and its sub-clauses (id or citation, e.g. art5 or "Article 5")
    #[arg(long, value_name = "CLAUSE")]
    pub only: Option<String>,
    /// Treat upper and lower case as equal
    #[arg(long)]
    pub ignore_case: bool,
    /// Treat differences in white space as equal
    #[arg(long)]
    pub ignore_whitespace: bool,
    /// Treat differences in punctuation as equal
    #[arg(long)]
    pub ignore_punctuation: bool,
    /// Report a clause that was only renumbered as unchanged
    #[arg(long)]
    pub ignore_numbering: bool,
    #[command(flatten)]
    pub annotations: AnnotationArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl CommonArgs {
    pub fn to_config(&self) -> CommonConfig {
        CommonConfig {
            color: match self.color {
                ColorArg::Auto => ColorChoice::Auto,
                ColorArg::Always => ColorChoice::Always,
                ColorArg::Never => ColorChoice::Never,
            },
            width: self.width,
        }
    }
}

impl AnnotationArgs {
    pub fn to_config(&self) -> AnnotationConfig {
        AnnotationConfig {
            paths: self.annotations.clone(),
            against: self.against.clone(),
            verbose: self.verbose,
        }
    }
}

impl RuleArgs {
    pub fn to_config(&self) -> RuleConfig {
        RuleConfig {
            paths: self.rules.clone(),
            fail_on: self.fail_on.map(Into::into),
        }
    }
}

impl ScanArgs {
    pub fn to_config(&self) -> ScanConfig {
        ScanConfig {
            common: self.common.to_config(),
            rules: self.rules.to_config(),
            format: match self.format {
                ScanFormatArg::Text => ScanFormat::Text,
                ScanFormatArg::Json => ScanFormat::Json,
                ScanFormatArg::Sarif => ScanFormat::Sarif,
            },
        }
    }
}

impl CheckArgs {
    pub fn to_config(&self) -> CheckConfig {
        CheckConfig {
            common: self.common.to_config(),
            annotations: self.annotations.to_config(),
        }
    }
}

impl From<FormatArg> for OutputFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => OutputFormat::Text,
            FormatArg::Json => OutputFormat::Json,
        }
    }
}

impl OutlineArgs {
    pub fn to_config(&self) -> OutlineConfig {
        OutlineConfig {
            common: self.common.to_config(),
            format: self.format.into(),
            depth: self.depth,
            annotations: self.annotations.to_config(),
            rules: RuleConfig {
                paths: self.rules.clone(),
                fail_on: None,
            },
        }
    }
}

impl DiffArgs {
    pub fn to_config(&self) -> DiffConfig {
        DiffConfig {
            common: self.common.to_config(),
            format: self.format.into(),
            context: self.context,
            side_by_side: self.side_by_side,
            stat: self.stat,
            only: self.only.clone(),
            compare: CompareOptions {
                ignore_case: self.ignore_case,
                ignore_whitespace: self.ignore_whitespace,
                ignore_punctuation: self.ignore_punctuation,
            },
            ignore_numbering: self.ignore_numbering,
            annotations: self.annotations.to_config(),
            rules: self.rules.to_config(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
