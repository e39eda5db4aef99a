//! One function per subcommand: read → parse → (align → redline) → render → write.
//! The only place besides `main` that uses `anyhow`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::align::{align_bills, AlignConfig, Alignment, Pair};
use crate::annotate::anchor::{anchor_all, Anchored};
use crate::annotate::{load_annotations, AnnotationSet};
use crate::config::{
    AnnotationConfig, CheckConfig, ColorChoice, CommonConfig, DiffConfig, OutlineConfig,
    OutputFormat, DEFAULT_WIDTH,
};
use crate::model::Bill;
use crate::output;
use crate::parse::parse_bill;
use crate::redline::RedlineConfig;
use crate::render::{annotations, diff};
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
    let sets = load_annotation_sets(&config.annotations)?;
    let bill = load_bill(path)?;
    let (anchored, warnings) = anchor_sets(&sets, &config.annotations, path, &bill, None)?;
    for w in &warnings {
        eprintln!("warning: {}", crate::render::escape::terminal_safe_line(w));
    }
    let overlay = (!config.annotations.paths.is_empty()).then_some(annotations::Overlay {
        anchored: &anchored,
        verbose: config.annotations.verbose,
    });
    let text = match config.format {
        OutputFormat::Json => outline::outline_json(&bill, config.depth),
        OutputFormat::Text => {
            let (painter, width) = terminal_settings(&config.common);
            outline::outline_text(&bill, config.depth, width, painter, overlay)
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
    let sets = load_annotation_sets(&config.annotations)?;
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
            let (anchored, warnings) = anchor_sets(
                &sets,
                &config.annotations,
                new_path,
                &new,
                Some((old_path, &old, &scoped)),
            )?;
            for w in &warnings {
                eprintln!("warning: {}", crate::render::escape::terminal_safe_line(w));
            }
            let overlay = (!config.annotations.paths.is_empty()).then_some(annotations::Overlay {
                anchored: &anchored,
                verbose: config.annotations.verbose,
            });
            let text = diff::diff_text(&scoped, &old, &new, &view, overlay);
            output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
        }
    }
    Ok(if differs { 1 } else { 0 })
}

/// The version an annotation file was written against: `--against`, a path (relative to the
/// annotation file or the working directory), or a file next to `version_path` whose name, stem,
/// `version` label or date is the file's `written_against`.
fn written_against_path(
    set: &AnnotationSet,
    config: &AnnotationConfig,
    version_path: &Path,
) -> Option<PathBuf> {
    if let Some(against) = &config.against {
        return Some(against.clone());
    }
    let wanted = set.file.written_against.trim();
    let direct = [
        set.path.parent().map(|d| d.join(wanted)),
        Some(PathBuf::from(wanted)),
    ];
    if let Some(p) = direct.into_iter().flatten().find(|p| p.is_file()) {
        return Some(p);
    }
    let dir = match version_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut siblings: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    siblings.sort();
    if let Some(p) = siblings.iter().find(|p| {
        p.file_stem().is_some_and(|s| s == wanted) || p.file_name().is_some_and(|s| s == wanted)
    }) {
        return Some(p.clone());
    }
    siblings.into_iter().find(|p| {
        load_bill(p).is_ok_and(|b| {
            b.front_matter.version.as_deref() == Some(wanted)
                || b.front_matter.date.as_deref() == Some(wanted)
        })
    })
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Loads the annotation files of `config` (errors name the file and position).
pub fn load_annotation_sets(config: &AnnotationConfig) -> Result<Vec<AnnotationSet>> {
    Ok(load_annotations(&config.paths)?)
}

/// Anchors every annotation on `version`, each carried from the version its file was written
/// against. `known` is a version already parsed and aligned to `version` (diff's old side).
/// Returns the anchors and warnings for files whose version could not be found.
pub fn anchor_sets<'a>(
    sets: &'a [AnnotationSet],
    config: &AnnotationConfig,
    version_path: &Path,
    version: &Bill,
    known: Option<(&Path, &Bill, &Alignment)>,
) -> Result<(Vec<Anchored<'a>>, Vec<String>)> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut cache: Vec<(PathBuf, Bill, Alignment)> = Vec::new();
    for set in sets {
        let written = written_against_path(set, config, version_path);
        let anchored = match written {
            None => {
                warnings.push(format!(
                    "{}: written_against {:?} matches no version next to {}; anchoring on {} itself (use --against FILE)",
                    set.path.display(),
                    set.file.written_against,
                    version_path.display(),
                    version_path.display()
                ));
                anchor_all(&[set], None, version)?
            }
            Some(w) if same_path(&w, version_path) => anchor_all(&[set], None, version)?,
            Some(w) => {
                if let Some((p, b, a)) = known.filter(|(p, _, _)| same_path(p, &w)) {
                    let _ = p;
                    anchor_all(&[set], Some((b, a)), version)?
                } else {
                    if !cache.iter().any(|(p, _, _)| same_path(p, &w)) {
                        let bill = load_bill(&w)?;
                        let alignment = align_bills(&bill, version, &AlignConfig::default());
                        cache.push((w.clone(), bill, alignment));
                    }
                    let (_, b, a) = cache
                        .iter()
                        .find(|(p, _, _)| same_path(p, &w))
                        .context("written-against version cache")?;
                    anchor_all(&[set], Some((b, a)), version)?
                }
            }
        };
        out.extend(anchored);
    }
    Ok((out, warnings))
}

pub fn run_check(path: &Path, config: &CheckConfig) -> Result<ExitStatus> {
    if config.annotations.paths.is_empty() {
        bail!("check needs --annotations PATH (an annotation file or a directory of them)");
    }
    let sets = load_annotation_sets(&config.annotations)?;
    let bill = load_bill(path)?;
    let (anchored, warnings) = anchor_sets(&sets, &config.annotations, path, &bill, None)?;
    for w in &warnings {
        eprintln!("warning: {}", crate::render::escape::terminal_safe_line(w));
    }
    let (painter, width) = terminal_settings(&config.common);
    let mut text = String::new();
    text.push_str(
        &painter.bold(&crate::render::escape::terminal_safe_line(&format!(
            "{} annotations on {} ({})",
            anchored.len(),
            bill.version_label(),
            bill.source.display_path()
        ))),
    );
    text.push('\n');
    text.push_str(&annotations::check_table(&anchored, &bill, painter, width));
    text.push_str(&annotations::summary_table(
        &anchored, &bill, painter, width,
    ));
    output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
    let attention = anchored.iter().any(|a| a.anchor.state.needs_attention());
    Ok(if attention { 1 } else { 0 })
}

pub fn run_schema(kind: crate::cli::SchemaKind) -> Result<ExitStatus> {
    let text = match kind {
        crate::cli::SchemaKind::Annotations => crate::annotate::annotation_schema(),
    };
    output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
    Ok(0)
}
