//! `secrev`: the command-line front door. Flags, configuration and wiring only; everything that
//! can be tested lives in the library crates.

mod args;
mod llm;
mod review_cmd;
mod rules_cmd;
mod scan_cmd;
mod shared;

use clap::Parser;
use std::process::ExitCode;

/// The scan allocates many small short-lived values per file from several threads, the case
/// mimalloc is built for (measured: see README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status: the scan found nothing at or above the failure threshold.
const EXIT_CLEAN: u8 = 0;
/// Exit status: findings at or above the failure threshold.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, configuration or I/O error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        args::Command::Scan(scan) => scan_cmd::run(scan),
        args::Command::Review(review) => review_cmd::run(review),
        args::Command::Rules(rules) => rules_cmd::list(rules),
        args::Command::Rule(rule) => rules_cmd::show(rule),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("secrev: error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
