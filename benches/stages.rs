//! Where the time of one `diff --format json` goes, stage by stage, in-process.
//!
//!     cargo bench --bench stages -- OLD.md NEW.md [RUNS]
//!
//! Prints the median over RUNS (default 5) of: reading, parsing (each side on one thread, as the
//! CLI does), aligning (fingerprints, matching, classification, redlines) and writing the JSON to
//! a sink. Not a test: nothing is asserted. `scripts/bench-speed.py` measures the whole process.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use billdiff::align::{align_bills, AlignConfig};
use billdiff::parse::parse_bill;
use billdiff::render::diff::write_diff_json;
use billdiff::source::Source;

// The CLI's allocator, so the figures match the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn pulldown_events(text: &str) -> usize {
    pulldown_cmark::Parser::new_ext(text, billdiff::parse::markdown_options())
        .into_offset_iter()
        .count()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() < 2 {
        eprintln!("usage: cargo bench --bench stages -- OLD.md NEW.md [RUNS]");
        std::process::exit(2);
    }
    let (old_path, new_path) = (PathBuf::from(&args[0]), PathBuf::from(&args[1]));
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut stages: Vec<(&str, Vec<Duration>)> =
        ["read", "pulldown", "parse", "align", "json", "total"]
            .iter()
            .map(|s| (*s, Vec::new()))
            .collect();
    let mut json_bytes = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let (old_src, new_src) = (
            Source::read(&old_path).expect("old file"),
            Source::read(&new_path).expect("new file"),
        );
        let t1 = Instant::now();
        // pulldown-cmark's own pass, for comparison with the whole parse.
        let events = std::thread::scope(|s| {
            let job = s.spawn(|| pulldown_events(&old_src.text));
            pulldown_events(&new_src.text) + job.join().expect("pulldown")
        });
        std::hint::black_box(events);
        let tp = Instant::now();
        let (old, new) = std::thread::scope(|s| {
            let job = s.spawn(|| parse_bill(old_src).expect("old parses"));
            let new = parse_bill(new_src).expect("new parses");
            (job.join().expect("old parser"), new)
        });
        let t2 = Instant::now();
        let alignment = align_bills(&old, &new, &AlignConfig::default());
        let t3 = Instant::now();
        let mut sink = Vec::new();
        let all: Vec<_> = alignment.pairs.iter().collect();
        write_diff_json(&mut sink, &alignment, &old, &new, &all, None).expect("json");
        json_bytes = sink.len();
        let t4 = Instant::now();
        for (slot, d) in stages.iter_mut().zip([
            t1 - t0,
            tp - t1,
            t2 - tp,
            t3 - t2,
            t4 - t3,
            t4 - t0 - (tp - t1),
        ]) {
            slot.1.push(d);
        }
    }
    for (name, times) in stages {
        println!("{name:>6} {:8.1} ms", median(times).as_secs_f64() * 1000.0);
    }
    println!("json output: {:.1} MB", json_bytes as f64 / 1e6);
}
