//! The `billdiff` binary: parse flags, run the command, print the error chain once, exit.
//! Exit codes: 0 success / no differences, 1 differences, 2 trouble.

use clap::Parser;

use billdiff::app;
use billdiff::cli::{Cli, Command};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            std::process::exit(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Outline(args) => app::run_outline(&args.bill, &args.to_config()),
        Command::Diff(args) => app::run_diff(&args.old, &args.new, &args.to_config()),
        Command::Check(args) => app::run_check(&args.bill, &args.to_config()),
        Command::Scan(args) => app::run_scan(&args.bill, &args.to_config()),
        Command::Report(args) => app::run_report(args),
        Command::Quote(args) => app::run_quote(args),
        Command::Schema(args) => app::run_schema(args.kind),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("billdiff: {}", one_line(&err));
            std::process::exit(2);
        }
    }
}

/// The error and its causes on one line, without repeating a cause already in the message.
fn one_line(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    billdiff::render::escape::terminal_safe_line(&out)
}

// Many small strings per clause: mimalloc is markedly faster than the system allocator here
// (measured on the 20 MB generated pair, see docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
