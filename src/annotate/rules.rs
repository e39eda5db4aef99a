//! Rule packs: YAML rules that flag risky provisions (a 24-hour removal deadline, a ministry's
//! takedown order, a power to block a whole platform) in any version, with the examples each
//! rule must and must not match. This module owns the format, compiling all patterns into one
//! `RegexSet` prefilter, and scanning a bill into `Flag`s; comparing flags across versions and
//! showing them is left to `app` and `render`.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use regex::{Regex, RegexBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::annotate::{AnnotationError, Reference, Severity, TAXONOMY};
use crate::model::{Bill, ClauseIdx, ClauseKind};
use crate::source::Source;
use crate::tokens::Tokens;

/// Compiled size allowed for one pattern: bounds what a hostile rule can cost.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A pattern: a regular expression (Rust `regex` syntax, no look-around) or a plain phrase
/// matched as whole words with any white space between them. Matching ignores case.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub phrase: Option<String>,
}

/// A `patterns` match must be within `words` words of a match of these.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NearSpec {
    pub words: usize,
    pub patterns: Vec<PatternSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Clause,
    Article,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    #[default]
    Suppress,
    Lower,
}

/// A safeguard: when one of these stands in the clause (or its article), the flag is dropped
/// or lowered by one severity level.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlessSpec {
    #[serde(default)]
    pub scope: Scope,
    #[serde(default)]
    pub effect: Effect,
    pub patterns: Vec<PatternSpec>,
}

/// Sentences the rule must and must not flag; `cargo test` runs them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default, rename = "match")]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// One rule as written.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[schemars(with = "String")]
    pub category: Spanned<String>,
    pub severity: Severity,
    #[serde(default)]
    pub languages: Vec<String>,
    pub patterns: Vec<PatternSpec>,
    #[serde(default)]
    pub context: Vec<PatternSpec>,
    #[serde(default)]
    pub near: Option<NearSpec>,
    #[serde(default)]
    pub unless: Option<UnlessSpec>,
    pub message: String,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub examples: Examples,
}

/// A rule pack file as written.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePackFile {
    pub pack: String,
    #[serde(default)]
    pub version: Option<u32>,
    #[serde(default)]
    pub description: Option<String>,
    pub rules: Vec<RuleSpec>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: RuleSpec,
    /// The file the rule came from.
    pub path: PathBuf,
    patterns: Vec<Regex>,
    context: Vec<Regex>,
    near: Option<(usize, Vec<Regex>)>,
    unless: Option<(Scope, Effect, Vec<Regex>)>,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.spec.id.value
    }
    pub fn category(&self) -> &str {
        &self.spec.category.value
    }
}

/// All rules of one or more files, with one combined prefilter over every main pattern.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub rules: Vec<Rule>,
    prefilter: Prefilter,
}

/// One Aho-Corasick automaton over the required literals of every main pattern
/// (lower-cased; matched against the lower-cased clause text), plus the rules with a pattern
/// that has no such literal, which are always candidates. A clause is then checked only
/// against the rules whose literals occur in it.
#[derive(Debug, Clone)]
struct Prefilter {
    automaton: aho_corasick::AhoCorasick,
    /// For each literal, the rule it belongs to.
    owner: Vec<usize>,
    /// Rules that must always be checked.
    always: Vec<usize>,
}

/// Shortest literal worth indexing; shorter ones would make nearly every clause a candidate.
const MIN_LITERAL: usize = 3;

/// Literals one of which every match of `pattern` must contain, lower-cased, or `None` when
/// there is no useful finite set (then the rule is always a candidate).
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .build()
        .parse(pattern)
        .ok()?;
    let lits = required(&hir)?;
    let shortest = lits.iter().map(|l| l.trim().chars().count()).min()?;
    (shortest >= MIN_LITERAL).then_some(lits)
}

/// The best set of literals one of which must occur in any match of `hir`: for a sequence, the
/// member whose shortest literal is longest; for an alternation, the union over its branches.
fn required(hir: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0)
            .ok()
            .map(|t| vec![t.to_lowercase()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(subs) => subs
            .iter()
            .filter_map(required)
            .max_by_key(|set| set.iter().map(|l| l.chars().count()).min().unwrap_or(0)),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for sub in subs {
                all.extend(required(sub)?);
            }
            all.sort();
            all.dedup();
            Some(all)
        }
        _ => None,
    }
}

impl Prefilter {
    fn build(rules: &[Rule]) -> Result<Prefilter, String> {
        let mut literals = Vec::new();
        let mut owner = Vec::new();
        let mut always = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for p in &rule.patterns {
                match required_literals(p.as_str()) {
                    Some(lits) => {
                        for l in lits {
                            literals.push(l);
                            owner.push(i);
                        }
                    }
                    None => always.push(i),
                }
            }
        }
        always.sort_unstable();
        always.dedup();
        let automaton = aho_corasick::AhoCorasick::new(&literals).map_err(|e| e.to_string())?;
        Ok(Prefilter {
            automaton,
            owner,
            always,
        })
    }

    /// Rules that may fire on `text`, in pack order.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let lower = text.to_lowercase();
        let mut rules = self.always.clone();
        for m in self.automaton.find_overlapping_iter(&lower) {
            rules.push(self.owner[m.pattern().as_usize()]);
        }
        rules.sort_unstable();
        rules.dedup();
        rules
    }
}

/// A rule that fired on a clause.
#[derive(Debug, Clone)]
pub struct Flag {
    pub rule: usize,
    pub clause: ClauseIdx,
    /// After a `lower` safeguard.
    pub severity: Severity,
    pub lowered: bool,
    /// Matched byte ranges in the clause's compared text (`Clause::full_text`).
    pub matches: Vec<Range<usize>>,
}

fn pattern_source(p: &PatternSpec) -> Result<String, String> {
    match (&p.regex, &p.phrase) {
        (Some(r), None) => Ok(r.clone()),
        (None, Some(phrase)) => {
            let words: Vec<String> = phrase.split_whitespace().map(regex::escape).collect();
            if words.is_empty() {
                return Err("empty phrase".into());
            }
            Ok(format!(r"\b{}\b", words.join(r"\s+")))
        }
        _ => Err("a pattern needs exactly one of `regex` or `phrase`".into()),
    }
}

fn compile(p: &PatternSpec) -> Result<Regex, String> {
    let source = pattern_source(p)?;
    RegexBuilder::new(&source)
        .case_insensitive(true)
        .unicode(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let text = e.to_string();
            let first = text.lines().last().unwrap_or(&text).trim().to_string();
            format!("invalid pattern {source:?}: {first}")
        })
}

fn compile_all(ps: &[PatternSpec]) -> Result<Vec<Regex>, String> {
    ps.iter().map(compile).collect()
}

/// Rule files named by `paths` (files, or directories of `*.yaml`/`*.yml`, sorted).
pub fn load_rule_packs(paths: &[PathBuf]) -> Result<RulePack, AnnotationError> {
    let mut files = Vec::new();
    for path in crate::annotate::annotation_paths(paths)? {
        let source = Source::read(&path)?;
        files.push((path, source.text.to_string()));
    }
    compile_pack(files)
}

/// Compiles one rule pack file already in memory; `shown` names it in messages.
pub fn parse_rule_pack_text(text: &str, shown: &str) -> Result<RulePack, AnnotationError> {
    compile_pack(vec![(PathBuf::from(shown), text.to_string())])
}

/// The default pack, compiled into the binary from `annotations/rules/`.
pub fn default_pack() -> Result<RulePack, AnnotationError> {
    compile_pack(
        DEFAULT_PACK
            .iter()
            .map(|(name, text)| {
                (
                    PathBuf::from(format!("annotations/rules/{name}")),
                    text.to_string(),
                )
            })
            .collect(),
    )
}

const DEFAULT_PACK: &[(&str, &str)] = &[
    ("de.yaml", include_str!("../../annotations/rules/de.yaml")),
    ("en.yaml", include_str!("../../annotations/rules/en.yaml")),
    ("kk.yaml", include_str!("../../annotations/rules/kk.yaml")),
    ("ru.yaml", include_str!("../../annotations/rules/ru.yaml")),
];

/// Compiles one validated rule; errors name the rule's position.
fn compile_rule((spec, path, at): &(RuleSpec, PathBuf, String)) -> Result<Rule, AnnotationError> {
    let rule_err = |e: String| AnnotationError::Invalid {
        location: at.clone(),
        message: format!("rule `{}`: {e}", spec.id.value),
    };
    let patterns = compile_all(&spec.patterns).map_err(rule_err)?;
    let context = compile_all(&spec.context).map_err(rule_err)?;
    let near = match &spec.near {
        Some(n) => Some((n.words, compile_all(&n.patterns).map_err(rule_err)?)),
        None => None,
    };
    let unless = match &spec.unless {
        Some(u) => Some((
            u.scope,
            u.effect,
            compile_all(&u.patterns).map_err(rule_err)?,
        )),
        None => None,
    };
    Ok(Rule {
        spec: spec.clone(),
        path: path.clone(),
        patterns,
        context,
        near,
        unless,
    })
}

fn compile_pack(files: Vec<(PathBuf, String)>) -> Result<RulePack, AnnotationError> {
    let mut rules = Vec::new();
    let mut pending: Vec<(RuleSpec, PathBuf, String)> = Vec::new();
    let mut ids = HashSet::new();
    for (path, text) in files {
        let shown = path.display().to_string();
        let file: RulePackFile = crate::yaml::from_str(&text, &shown, 1)?;
        for spec in file.rules {
            let at = format!(
                "{shown}:{}:{}",
                spec.id.referenced.line(),
                spec.id.referenced.column()
            );
            let invalid = |message: String| AnnotationError::Invalid {
                location: at.clone(),
                message,
            };
            if !ids.insert(spec.id.value.clone()) {
                return Err(invalid(format!(
                    "duplicate rule id `{}`, expected ids unique in the pack",
                    spec.id.value
                )));
            }
            if !TAXONOMY.contains(&spec.category.value.as_str()) {
                return Err(AnnotationError::Invalid {
                    location: format!(
                        "{shown}:{}:{}",
                        spec.category.referenced.line(),
                        spec.category.referenced.column()
                    ),
                    message: format!(
                        "unknown category `{}`, expected one of: {}",
                        spec.category.value,
                        TAXONOMY.join(", ")
                    ),
                });
            }
            if spec.patterns.is_empty() {
                return Err(invalid(format!(
                    "rule `{}` has no patterns, expected at least one",
                    spec.id.value
                )));
            }
            pending.push((spec, path.clone(), at));
        }
    }
    // Unicode regexes take a while to compile: use both cores, keep the order (and report the
    // first invalid rule in file order).
    let half = pending.len().div_ceil(2);
    let (first, second) = pending.split_at(half);
    let (a, b) = std::thread::scope(|scope| {
        let job = scope.spawn(|| first.iter().map(compile_rule).collect::<Vec<_>>());
        let b: Vec<_> = second.iter().map(compile_rule).collect();
        (job.join().unwrap_or_default(), b)
    });
    if a.len() != first.len() {
        return Err(AnnotationError::Invalid {
            location: "rule pack".into(),
            message: "compiling the rules failed".into(),
        });
    }
    for rule in a.into_iter().chain(b) {
        rules.push(rule?);
    }
    let prefilter = Prefilter::build(&rules).map_err(|e| AnnotationError::Invalid {
        location: "rule pack".into(),
        message: format!("the patterns together cannot be indexed: {e}"),
    })?;
    Ok(RulePack { rules, prefilter })
}

/// Word index of each byte offset: the number of word starts at or before it.
fn word_starts(text: &str) -> Vec<usize> {
    Tokens::new(text)
        .filter(|t| t.is_word())
        .map(|t| t.start)
        .collect()
}

fn word_at(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset)
}

impl RulePack {
    /// Evaluates the pack on one text; `scope_text` gives the article text for article-scoped
    /// safeguards. Returns (rule index, severity, lowered, matches).
    pub fn eval_text(
        &self,
        text: &str,
        scope_text: &dyn Fn() -> String,
    ) -> Vec<(usize, Severity, bool, Vec<Range<usize>>)> {
        let rules = self.prefilter.candidates(text);
        let mut out = Vec::new();
        let mut article: Option<String> = None;
        let mut starts: Option<Vec<usize>> = None;
        for r in rules {
            let rule = &self.rules[r];
            let mut matches: Vec<Range<usize>> = rule
                .patterns
                .iter()
                .flat_map(|p| p.find_iter(text).map(|m| m.range()))
                .collect();
            if matches.is_empty() {
                continue;
            }
            if !rule.context.is_empty() && !rule.context.iter().any(|c| c.is_match(text)) {
                continue;
            }
            if let Some((words, near)) = &rule.near {
                let starts = starts.get_or_insert_with(|| word_starts(text));
                let others: Vec<Range<usize>> = near
                    .iter()
                    .flat_map(|p| p.find_iter(text).map(|m| m.range()))
                    .collect();
                let close = |m: &Range<usize>| {
                    let (a0, a1) = (
                        word_at(starts, m.start),
                        word_at(starts, m.end.saturating_sub(1)),
                    );
                    others.iter().any(|o| {
                        let (b0, b1) = (
                            word_at(starts, o.start),
                            word_at(starts, o.end.saturating_sub(1)),
                        );
                        let gap = if b0 > a1 {
                            b0 - a1
                        } else {
                            a0.saturating_sub(b1)
                        };
                        gap <= *words
                    })
                };
                matches.retain(close);
                if matches.is_empty() {
                    continue;
                }
            }
            let mut severity = rule.spec.severity;
            let mut lowered = false;
            if let Some((scope, effect, safeguards)) = &rule.unless {
                let hit = match scope {
                    Scope::Clause => safeguards.iter().any(|s| s.is_match(text)),
                    Scope::Article => {
                        let a = article.get_or_insert_with(scope_text);
                        safeguards.iter().any(|s| s.is_match(a))
                    }
                };
                if hit {
                    match effect {
                        Effect::Suppress => continue,
                        Effect::Lower => {
                            severity = lower(severity);
                            lowered = true;
                        }
                    }
                }
            }
            matches.sort_by_key(|m| (m.start, m.end));
            matches.dedup();
            out.push((r, severity, lowered, matches));
        }
        out
    }

    /// Flags every clause of a bill (each clause's own text; safeguards of scope `article`
    /// look at the whole article).
    pub fn scan_bill(&self, bill: &Bill) -> Vec<Flag> {
        let mut flags = Vec::new();
        for (idx, clause) in bill.clauses.iter().enumerate() {
            if clause.kind.is_structural() && clause.kind != ClauseKind::Unknown {
                continue;
            }
            let text = clause.full_text();
            let article_text = || {
                let root = bill.article_of(idx).unwrap_or(idx);
                bill.subtree(root)
                    .map(|i| bill.clauses[i].full_text())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            for (rule, severity, lowered, matches) in self.eval_text(&text, &article_text) {
                flags.push(Flag {
                    rule,
                    clause: idx,
                    severity,
                    lowered,
                    matches,
                });
            }
        }
        flags
    }
}

fn lower(s: Severity) -> Severity {
    match s {
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// What happened to a flag between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagChange {
    New,
    Gone,
    Kept,
}

/// A flag of the new version (new, kept) or of the old one (gone).
#[derive(Debug, Clone)]
pub struct FlagDelta {
    pub change: FlagChange,
    pub flag: Flag,
    /// For gone flags: the old clause was removed (rather than losing the flagged words).
    pub clause_removed: bool,
}

/// Compares the flags of two versions through the clause alignment: a new-version flag whose
/// clause's old counterpart raised the same rule is kept, else new; an old flag not kept is
/// gone. Sorted: new, then gone, then kept, each in document order.
pub fn compare_flags(
    old_flags: &[Flag],
    new_flags: &[Flag],
    alignment: &crate::align::Alignment,
) -> Vec<FlagDelta> {
    let old_set: HashSet<(usize, ClauseIdx)> =
        old_flags.iter().map(|f| (f.rule, f.clause)).collect();
    let mut kept_old: HashSet<(usize, ClauseIdx)> = HashSet::new();
    let mut out = Vec::new();
    for f in new_flags {
        let counterpart = alignment.new_to_old.get(f.clause).copied().flatten();
        let kept = counterpart.is_some_and(|o| old_set.contains(&(f.rule, o)));
        if let (true, Some(o)) = (kept, counterpart) {
            kept_old.insert((f.rule, o));
        }
        out.push(FlagDelta {
            change: if kept {
                FlagChange::Kept
            } else {
                FlagChange::New
            },
            flag: f.clone(),
            clause_removed: false,
        });
    }
    for f in old_flags {
        if kept_old.contains(&(f.rule, f.clause)) {
            continue;
        }
        out.push(FlagDelta {
            change: FlagChange::Gone,
            flag: f.clone(),
            clause_removed: alignment
                .old_to_new
                .get(f.clause)
                .copied()
                .flatten()
                .is_none(),
        });
    }
    out.sort_by_key(|d| (d.change, d.flag.clause, d.flag.rule));
    out
}

/// The JSON Schema of rule pack files.
pub fn rules_schema() -> String {
    let schema = schemars::schema_for!(RulePackFile);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// Runs every rule's examples: `match` sentences must raise the rule, `no_match` ones must not.
/// Returns one line per failure.
pub fn check_examples(pack: &RulePack) -> Vec<String> {
    let mut failures = Vec::new();
    for (i, rule) in pack.rules.iter().enumerate() {
        let fires = |text: &str| {
            let own = text.to_string();
            pack.eval_text(text, &|| own.clone())
                .iter()
                .any(|(r, ..)| *r == i)
        };
        for m in &rule.spec.examples.matches {
            if !fires(m) {
                failures.push(format!("{}: should match: {m}", rule.id()));
            }
        }
        for n in &rule.spec.examples.no_match {
            if fires(n) {
                failures.push(format!("{}: should not match: {n}", rule.id()));
            }
        }
    }
    failures
}

/// Path of a rule's file, for messages.
pub fn rule_location(rule: &Rule) -> String {
    format!(
        "{}:{}:{}",
        rule.path.display(),
        rule.spec.id.referenced.line(),
        rule.spec.id.referenced.column()
    )
}

/// True when `path` names a rule file or folder that exists.
pub fn exists(path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(yaml: &str) -> Result<RulePack, String> {
        compile_pack(vec![(PathBuf::from("r.yaml"), yaml.to_string())]).map_err(|e| e.to_string())
    }

    const RULE: &str = "pack: t\nrules:\n  - id: deadline\n    category: short-removal-deadline\n    severity: high\n    patterns:\n      - regex: 'within\\s+24\\s+hours'\n    near:\n      words: 6\n      patterns:\n        - phrase: remove\n    unless:\n      scope: article\n      effect: lower\n      patterns:\n        - regex: '\\bcourt\\b'\n    message: m\n";

    fn fired(p: &RulePack, text: &str) -> Option<(Severity, String)> {
        let own = text.to_string();
        p.eval_text(text, &|| own.clone())
            .into_iter()
            .next()
            .map(|(_, s, _, m)| (s, text[m[0].clone()].to_string()))
    }

    #[test]
    fn required_literals_for_the_prefilter() {
        let lits = |p: &str| required_literals(p);
        assert_eq!(lits(r"within\s+24"), Some(vec!["within".to_string()]));
        assert_eq!(
            lits(r"\b(Remov\w*|delet\w*)"),
            Some(vec!["delet".to_string(), "remov".to_string()])
        );
        assert_eq!(
            lits(r"\bв\s+течение\s+(суток|\d+)"),
            Some(vec!["течение".to_string()])
        );
        assert_eq!(lits(r"\d+ h"), None);
        assert_eq!(lits(r"(a|bcd)"), None);
    }

    #[test]
    fn near_unless_and_phrases() {
        let p = pack(RULE).unwrap();
        assert_eq!(
            fired(&p, "The platform shall remove it within 24 hours."),
            Some((Severity::High, "within 24 hours".into()))
        );
        assert_eq!(fired(&p, "Within 24 hours the register is updated; later it may remove items of the register."), None);
        assert_eq!(
            fired(
                &p,
                "Remove it WITHIN 24 HOURS unless a court decides otherwise."
            ),
            Some((Severity::Medium, "WITHIN 24 HOURS".into()))
        );
    }

    #[test]
    fn bad_rules_are_refused_with_a_position() {
        let err = pack(&RULE.replace("within\\s+24\\s+hours", "(unclosed")).unwrap_err();
        assert!(
            err.starts_with("r.yaml:3:9: rule `deadline`: invalid pattern"),
            "{err}"
        );
        // A pattern whose compiled form is huge is refused, not run.
        let err =
            pack(&RULE.replace("within\\s+24\\s+hours", "((a{1000}){1000}){1000}")).unwrap_err();
        assert!(err.contains("invalid pattern"), "{err}");
        let err = pack(&RULE.replace("short-removal-deadline", "nonsense")).unwrap_err();
        assert!(err.contains("unknown category `nonsense`"), "{err}");
        let err = pack(&RULE.replace("    message: m\n", "    mesage: m\n")).unwrap_err();
        assert!(err.contains("mesage"), "{err}");
    }
}
