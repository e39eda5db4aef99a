//! One function per subcommand: read → parse → (align → redline) → render → write.
//! The only place besides `main` that uses `anyhow`.

use std::ops::Range;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::align::{align_bills, AlignConfig, Alignment, Pair};
use crate::config::{
    ColorChoice, CommonConfig, DiffConfig, OutlineConfig, OutputFormat, DEFAULT_WIDTH,
};
use crate::model::Bill;
use crate::output;
use crate::parse::parse_bill;
use crate::redline::RedlineConfig;
use crate::render::diff;
use crate::render::{outline, Painter};
use crate::source::Source;

/// Exit status of a command that ran to the end (trouble is an `Err`, exit code 2).
pub type ExitStatus = i32;

/// Reads and parses one bill version.
pub fn load_bill(path: &Path) -> Result<Bill> {
    let source = Source::read(path)?;
    let bill = parse_bill(source)?;
    Ok(bill)
}

/// Reads and parses two versions on two threads (they are independent); errors name the file.
pub fn load_pair(old_path: &Path, new_path: &Path) -> Result<(Bill, Bill)> {
    std::thread::scope(|scope| {
        let old_job = scope.spawn(|| load_bill(old_path));
        let new = load_bill(new_path);
        let old = old_job
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("{}: parser failed", old_path.display())));
        Ok((old?, new?))
    })
}

/// Whether to colour output and how wide it is, from the settings and the environment.
pub fn terminal_settings(common: &CommonConfig) -> (Painter, usize) {
    let tty = output::stdout_is_terminal();
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some() {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                tty && env("TERM").is_none_or(|t| t != "dumb")
            }
        }
    };
    let width = common.width.unwrap_or_else(|| {
        if tty {
            terminal_width().unwrap_or(DEFAULT_WIDTH)
        } else {
            DEFAULT_WIDTH
        }
    });
    (Painter { color }, width.clamp(40, 1000))
}

fn terminal_width() -> Option<usize> {
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(cols);
    }
    comfy_table::Table::new().width().map(usize::from)
}

pub fn run_outline(path: &Path, config: &OutlineConfig) -> Result<ExitStatus> {
    let bill = load_bill(path)?;
    let text = match config.format {
        OutputFormat::Json => outline::outline_json(&bill, config.depth),
        OutputFormat::Text => {
            let (painter, width) = terminal_settings(&config.common);
            outline::outline_text(&bill, config.depth, width, painter)
        }
    };
    output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
    Ok(0)
}

/// The old and new clause ranges (subtrees) that `--only` keeps.
type Scope = (Option<Range<usize>>, Option<Range<usize>>);

/// Finds a clause by id or by citation label (case and spacing ignored).
pub fn find_clause(bill: &Bill, reference: &str) -> Option<crate::model::ClauseIdx> {
    if let Some(i) = bill.find_id(reference.trim()) {
        return Some(i);
    }
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let wanted = norm(reference);
    bill.clauses.iter().position(|c| norm(&c.label) == wanted)
}

pub fn run_diff(old_path: &Path, new_path: &Path, config: &DiffConfig) -> Result<ExitStatus> {
    let (old, new) = load_pair(old_path, new_path)?;
    let align_config = AlignConfig {
        compare: config.compare,
        ignore_numbering: config.ignore_numbering,
        redline: RedlineConfig {
            compare: config.compare,
            ..RedlineConfig::default()
        },
    };
    let alignment = align_bills(&old, &new, &align_config);
    // `--only`: the pairs whose old or new clause lies in the named subtree.
    let scope: Option<Scope> = match &config.only {
        None => None,
        Some(reference) => {
            let new_hit = find_clause(&new, reference);
            let old_hit = find_clause(&old, reference);
            let (old_root, new_root) = match (old_hit, new_hit) {
                (_, Some(n)) => (alignment.new_to_old[n], Some(n)),
                (Some(o), None) => (Some(o), alignment.old_to_new[o]),
                (None, None) => bail!(
                    "--only {reference:?}: no clause with this id or citation in {} or {}",
                    new.source.display_path(),
                    old.source.display_path()
                ),
            };
            Some((
                old_root.map(|o| old.subtree(o)),
                new_root.map(|n| new.subtree(n)),
            ))
        }
    };
    let in_scope = |p: &&Pair| match &scope {
        None => true,
        Some((old_range, new_range)) => {
            p.old
                .is_some_and(|o| old_range.as_ref().is_some_and(|r| r.contains(&o)))
                || p.new
                    .is_some_and(|n| new_range.as_ref().is_some_and(|r| r.contains(&n)))
        }
    };
    let scoped = match scope {
        None => alignment,
        Some(_) => Alignment {
            pairs: alignment.pairs.iter().filter(in_scope).cloned().collect(),
            old_to_new: alignment.old_to_new,
            new_to_old: alignment.new_to_old,
        },
    };
    let differs = !scoped.is_unchanged();
    match config.format {
        OutputFormat::Json => {
            let all: Vec<&Pair> = scoped.pairs.iter().collect();
            output::stream_stdout(|w| diff::write_diff_json(w, &scoped, &old, &new, &all))
                .context("cannot write to standard output")?;
        }
        OutputFormat::Text => {
            let (painter, width) = terminal_settings(&config.common);
            let view = diff::DiffView {
                painter,
                width,
                context: config.context,
                side_by_side: config.side_by_side,
                stat: config.stat,
            };
            let text = diff::diff_text(&scoped, &old, &new, &view);
            output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
        }
    }
    Ok(if differs { 1 } else { 0 })
}
