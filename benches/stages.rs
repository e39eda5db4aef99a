//! Where the time of one `diff --format json` goes, stage by stage, in-process.
//!
//!     cargo bench --bench stages -- OLD.md NEW.md [RUNS]
//!
//! Prints the median over RUNS (default 5) of: reading, parsing (each side on one thread, as the
//! CLI does), aligning (fingerprints, matching, classification, redlines) and writing the JSON to
//! a counting sink; then the live heap after each stage and its peak. Not a test: nothing is asserted. `scripts/bench-speed.py` measures the whole process.

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use billdiff::align::{align_bills, AlignConfig};
use billdiff::parse::parse_bill;
use billdiff::render::diff::write_diff_json;
use billdiff::source::Source;

// The CLI's allocator, so the figures match the binary's, wrapped to count live bytes.
#[global_allocator]
static GLOBAL: Counting = Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// mimalloc with a count of live bytes and their peak (what the program asked for, not RSS).
struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        mimalloc::MiMalloc.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        mimalloc::MiMalloc.realloc(ptr, layout, new_size)
    }
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

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
    // Live heap after each stage and the peak within it, from the first run.
    let mut memory: Vec<(&str, usize, usize)> = Vec::new();
    let mark = |memory: &mut Vec<_>, stage| {
        if memory.len() < 4 {
            let live = LIVE.load(Ordering::Relaxed);
            memory.push((stage, live, PEAK.swap(live, Ordering::Relaxed)));
        }
    };
    for _ in 0..runs {
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        let t0 = Instant::now();
        let (old_src, new_src) = (
            Source::read(&old_path).expect("old file"),
            Source::read(&new_path).expect("new file"),
        );
        let t1 = Instant::now();
        mark(&mut memory, "read");
        // pulldown-cmark's own pass, for comparison with the whole parse.
        let events = std::thread::scope(|s| {
            let job = s.spawn(|| pulldown_events(&old_src.text));
            pulldown_events(&new_src.text) + job.join().expect("pulldown")
        });
        std::hint::black_box(events);
        let tp = Instant::now();
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        let (old, new) = std::thread::scope(|s| {
            let job = s.spawn(|| parse_bill(old_src).expect("old parses"));
            let new = parse_bill(new_src).expect("new parses");
            (job.join().expect("old parser"), new)
        });
        let t2 = Instant::now();
        mark(&mut memory, "parse");
        let alignment = align_bills(&old, &new, &AlignConfig::default());
        let t3 = Instant::now();
        mark(&mut memory, "align");
        // Buffered like the CLI's standard output, counted rather than kept.
        let mut sink = std::io::BufWriter::new(Counted(0));
        let all: Vec<_> = alignment.pairs.iter().collect();
        write_diff_json(&mut sink, &alignment, &old, &new, &all, None).expect("json");
        json_bytes = sink.into_inner().expect("flush").0;
        let t4 = Instant::now();
        mark(&mut memory, "json");
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
    println!("heap (live after the stage, peak within it):");
    for (stage, live, peak) in memory {
        println!("{stage:>6} {:8.1} MiB {:8.1} MiB", mib(live), mib(peak));
    }
}

/// An output that counts the bytes written to it.
#[derive(Debug)]
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
