//! The command line: arguments (clap), one file per command, error rendering.
//!
//! Data goes to stdout (a report, or one JSON object with `--json`); progress and diagnostics go
//! to stderr. Exit codes: 0 PASSED (or generated, until validation lands), 1 validation FAILED,
//! 2 bad input (spec, code, arguments), 3 the sandbox stopped the run (limit or guest error),
//! 4 internal error.

mod code;
mod render;
mod run;
mod runtime;
mod spec;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// sdg — the Synthetic Dataset Generator.
#[derive(Debug, Parser)]
#[command(name = "sdg", version, about, long_about = None)]
pub struct Cli {
    /// Where the runtime and compiled-module cache live [default: $XDG_CACHE_HOME/sdg or ~/.cache/sdg]
    #[arg(long, global = true, env = "SDG_HOME", value_name = "DIR")]
    home: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a dataset from a spec and its approved code, in the sandbox.
    Run(run::RunArgs),
    /// Install, verify or describe the Python-on-WASI runtime.
    #[command(subcommand)]
    Runtime(runtime::RuntimeCommand),
    /// Check generator code against its spec's contract, without running it.
    #[command(subcommand)]
    Code(code::CodeCommand),
    /// Validate an existing dataset file against a spec's requirements.
    Validate(validate::ValidateArgs),
    /// Check a spec, or print the spec format's JSON Schema.
    #[command(subcommand)]
    Spec(spec::SpecCommand),
}

/// Parses arguments, runs the command, returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let home = cli
        .home
        .clone()
        .unwrap_or_else(crate::sandbox::runtime::default_home);
    let code = match cli.command {
        Command::Run(args) => run::run(args, home),
        Command::Runtime(cmd) => runtime::run(cmd, home),
        Command::Spec(cmd) => spec::run(cmd),
        Command::Code(cmd) => code::run(cmd),
        Command::Validate(a) => validate::run(a),
    };
    ExitCode::from(code)
}

/// Prints a progress line to stderr.
pub(crate) fn progress(line: &str) {
    eprintln!("sdg: {line}");
}
