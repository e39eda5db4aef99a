//! One function per subcommand: read → parse → (align → redline) → render → write.
//! The only place besides `main` that uses `anyhow`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::align::{align_bills, AlignConfig, Alignment, Pair};
use crate::annotate::anchor::{anchor_all, Anchored};
use crate::annotate::rules::{compare_flags, default_pack, load_rule_packs, FlagChange, RulePack};
use crate::annotate::{load_annotations, AnnotationSet};
use crate::config::{
    AnnotationConfig, CheckConfig, ColorChoice, CommonConfig, DiffConfig, OutlineConfig,
    OutputFormat, RuleConfig, ScanConfig, ScanFormat, DEFAULT_WIDTH,
};
use crate::model::Bill;
use crate::output;
use crate::parse::parse_bill;
use crate::redline::RedlineConfig;
use crate::render::{annotations, diff, flags};
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
    let rules = if config.rules.paths.is_empty() {
        None
    } else {
        let pack = load_pack(&config.rules)?;
        let flags = pack.scan_bill(&bill);
        Some((pack, flags))
    };
    let overlay = (!config.annotations.paths.is_empty() || rules.is_some()).then(|| {
        annotations::Overlay::new(
            &anchored,
            rules.as_ref().map(|(p, f)| (p, f.as_slice())),
            config.annotations.verbose,
        )
    });
    let text = match config.format {
        OutputFormat::Json => outline::outline_json(&bill, config.depth),
        OutputFormat::Text => {
            let (painter, width) = terminal_settings(&config.common);
            outline::outline_text(&bill, config.depth, width, painter, overlay.as_ref())
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
    // Flags gained, lost and kept, when rules are asked for (`--rules` or `--fail-on`).
    let flagged = if config.rules.paths.is_empty() && config.rules.fail_on.is_none() {
        None
    } else {
        let pack = load_pack(&config.rules)?;
        let (old_flags, new_flags) = std::thread::scope(|scope| {
            let old_job = scope.spawn(|| pack.scan_bill(&old));
            let new_flags = pack.scan_bill(&new);
            (old_job.join().unwrap_or_default(), new_flags)
        });
        let deltas = compare_flags(&old_flags, &new_flags, &scoped);
        Some((pack, deltas, new_flags))
    };
    match config.format {
        OutputFormat::Json => {
            let all: Vec<&Pair> = scoped.pairs.iter().collect();
            let flag_json = flagged
                .as_ref()
                .map(|(pack, deltas, _)| flags::flag_deltas_json(pack, &old, &new, deltas));
            output::stream_stdout(|w| {
                diff::write_diff_json(w, &scoped, &old, &new, &all, flag_json.as_ref())
            })
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
            let overlay = (!config.annotations.paths.is_empty() || flagged.is_some()).then(|| {
                annotations::Overlay::new(
                    &anchored,
                    flagged.as_ref().map(|(p, _, f)| (p, f.as_slice())),
                    config.annotations.verbose,
                )
            });
            let mut text = diff::diff_text(&scoped, &old, &new, &view, overlay.as_ref());
            if let Some((pack, deltas, _)) = &flagged {
                text.push_str(&painter.bold("flags\n"));
                let lines = flags::flag_changes_text(
                    pack,
                    &old,
                    &new,
                    deltas,
                    painter,
                    config.annotations.verbose,
                );
                if lines.is_empty() {
                    text.push_str("no flag gained or lost\n");
                } else {
                    text.push_str(&lines);
                }
            }
            output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
        }
    }
    let alarm = config.rules.fail_on.is_some_and(|t| {
        flagged.as_ref().is_some_and(|(_, deltas, _)| {
            deltas
                .iter()
                .any(|d| d.change == FlagChange::New && d.flag.severity <= t)
        })
    });
    free_in_background((old, new, scoped));
    Ok(if alarm {
        3
    } else if differs {
        1
    } else {
        0
    })
}

/// Frees `value` on a thread of its own. The two versions of a large bill are a few hundred
/// thousand small allocations; the process usually ends right after its output is written, and
/// then need not wait for them to be returned one by one (if it exits first, the system takes
/// the memory back whole).
fn free_in_background<T: Send + 'static>(value: T) {
    // Without a thread to be had, the closure and the value in it are dropped here.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
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
        crate::cli::SchemaKind::Rules => crate::annotate::rules::rules_schema(),
    };
    output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
    Ok(0)
}

/// The rule pack of `config`: its files, or the built-in pack.
pub fn load_pack(config: &RuleConfig) -> Result<RulePack> {
    Ok(if config.paths.is_empty() {
        default_pack()?
    } else {
        load_rule_packs(&config.paths)?
    })
}

pub fn run_scan(path: &Path, config: &ScanConfig) -> Result<ExitStatus> {
    let pack = load_pack(&config.rules)?;
    let bill = load_bill(path)?;
    let flags = pack.scan_bill(&bill);
    let text = match config.format {
        ScanFormat::Json => flags::scan_json(&pack, &bill, &flags),
        ScanFormat::Sarif => flags::scan_sarif(&pack, &bill, &flags),
        ScanFormat::Text => {
            let (painter, width) = terminal_settings(&config.common);
            flags::scan_text(&pack, &bill, &flags, painter, width)
        }
    };
    output::write_stdout(text.as_bytes()).context("cannot write to standard output")?;
    let fail = config
        .rules
        .fail_on
        .is_some_and(|t| flags.iter().any(|f| f.severity <= t));
    Ok(if fail { 1 } else { 0 })
}

pub fn run_quote(args: &crate::cli::QuoteArgs) -> Result<ExitStatus> {
    use crate::cli::QuoteFormatArg;
    use crate::render::quote::{quote_html, quote_markdown, quote_text, QuoteView, Since};
    let annotation_config = args.annotations.to_config();
    let sets = load_annotation_sets(&annotation_config)?;
    let bill = load_bill(&args.bill)?;
    let idx = crate::cite::resolve(&bill, &args.clause).map_err(|nf| {
        anyhow::anyhow!(
            "{}: no clause {:?}, expected an id or a citation; closest: {}",
            bill.source.display_path(),
            args.clause,
            nf.closest.join(", ")
        )
    })?;
    let range = crate::cite::quote_range(&bill, idx, args.recursive);
    let text = &bill.source.text[range.clone()];
    let mut notes = Vec::new();
    let mut since = None;
    if let Some(old_path) = &args.since {
        let old = load_bill(old_path)?;
        let alignment = align_bills(&old, &bill, &AlignConfig::default());
        since = Some(match alignment.new_to_old[idx] {
            None => Since {
                intro: format!("Added since {}.", old.version_label()),
                redline: None,
            },
            Some(o) => {
                let pair = alignment.pairs.iter().find(|p| p.new == Some(idx));
                let was = &old.clauses[o].label;
                match pair.and_then(|p| p.redline.clone().map(|r| (p, r))) {
                    Some((p, r)) => {
                        let (ot, nt) = Alignment::pair_texts(p, &old, &bill);
                        Since {
                            intro: format!("Since {} ({was}):", old.version_label()),
                            redline: Some((*r, ot, nt)),
                        }
                    }
                    None => Since {
                        intro: format!("Unchanged since {} ({was}).", old.version_label()),
                        redline: None,
                    },
                }
            }
        });
    }
    if !sets.is_empty() {
        let (anchored, warnings) = anchor_sets(&sets, &annotation_config, &args.bill, &bill, None)?;
        for w in &warnings {
            eprintln!("warning: {}", crate::render::escape::terminal_safe_line(w));
        }
        for a in anchored.iter().filter(|a| a.anchor.clause == Some(idx)) {
            notes.push(format!(
                "{} {} · {}: {} [{}]",
                a.spec.severity.as_str(),
                a.spec.category.value,
                a.set.file.organization.name,
                a.spec.title,
                a.anchor.state.as_str()
            ));
        }
    }
    if !args.rules.is_empty() {
        let pack = load_rule_packs(&args.rules)?;
        for f in pack.scan_bill(&bill).iter().filter(|f| f.clause == idx) {
            let rule = &pack.rules[f.rule];
            notes.push(format!(
                "{} {} · rule {}: {}",
                f.severity.as_str(),
                rule.category(),
                rule.id(),
                rule.spec.message
            ));
        }
    }
    let view = QuoteView {
        clause: idx,
        text,
        hash: crate::cite::quote_hash(text.as_bytes()),
        lines: bill.source.line_range(&range),
        since,
        notes,
    };
    let out = match args.format {
        QuoteFormatArg::Text => quote_text(&bill, &view),
        QuoteFormatArg::Md => quote_markdown(&bill, &view),
        QuoteFormatArg::Html => quote_html(&bill, &view),
    };
    output::write_stdout(out.as_bytes()).context("cannot write to standard output")?;
    Ok(0)
}

pub fn run_report(args: &crate::cli::ReportArgs) -> Result<ExitStatus> {
    use crate::cli::ReportFormatArg;
    use crate::render::report::{report_html, report_json, report_markdown};
    let annotation_config = args.annotations.to_config();
    let rule_config = RuleConfig {
        paths: args.rules.clone(),
        fail_on: None,
    };
    // Refuse a bad output path before any work is done.
    let mut inputs: Vec<PathBuf> = vec![args.old.clone(), args.new.clone()];
    inputs.extend(crate::annotate::annotation_paths(&annotation_config.paths)?);
    inputs.extend(crate::annotate::annotation_paths(&rule_config.paths)?);
    output::check_output_path(&args.output, &inputs)?;
    let sets = load_annotation_sets(&annotation_config)?;
    let pack = load_pack(&rule_config)?;
    let (old, new) = load_pair(&args.old, &args.new)?;
    let alignment = align_bills(&old, &new, &AlignConfig::default());
    let (anchored, warnings) = anchor_sets(
        &sets,
        &annotation_config,
        &args.new,
        &new,
        Some((&args.old, &old, &alignment)),
    )?;
    for w in &warnings {
        eprintln!("warning: {}", crate::render::escape::terminal_safe_line(w));
    }
    let deltas = compare_flags(&pack.scan_bill(&old), &pack.scan_bill(&new), &alignment);
    let report = crate::report::Report::build(
        &old,
        &new,
        &alignment,
        Some(&pack),
        &deltas,
        &anchored,
        args.date.clone(),
    );
    let text = match args.format {
        ReportFormatArg::Html => report_html(&report),
        ReportFormatArg::Md => report_markdown(&report),
        ReportFormatArg::Json => report_json(&report),
    };
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    output::write_file_atomic(&args.output, text.as_bytes(), &input_refs)?;
    Ok(0)
}
