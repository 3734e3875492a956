//! `sdg code check SPEC [--code FILE] [--json]`: the static contract check of the generator code,
//! every violation with rule id, position, the source line with carets and a fix hint.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::render::{print_error, print_json};
use super::term::outln;
use crate::pipeline::stages::Contract;
use crate::pipeline::{self, PipelineError};

#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Check the generator code against the spec's contract (no code is run).
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The spec (YAML).
    spec: PathBuf,
    /// The code [default: the spec's `code`].
    #[arg(long, value_name = "FILE")]
    code: Option<PathBuf>,
    /// Print one JSON object: {"status": "CLEAN"|"VIOLATIONS", "violations": [...]}.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: CodeCommand) -> u8 {
    let CodeCommand::Check(a) = cmd;
    let result = Contract::load(&a.spec)
        .map_err(PipelineError::from)
        .and_then(|c| {
            let (path, code) = pipeline::read_code(&c, a.code.as_deref())?;
            pipeline::check_code(&c, &path, &code).map(|()| path)
        });
    match result {
        Ok(path) => {
            if a.json {
                print_json(&serde_json::json!({
                    "status": "CLEAN", "code": path, "violations": [],
                }));
            } else {
                outln!(
                    "ok: `{}` keeps the contract of `{}`",
                    path.display(),
                    a.spec.display()
                );
            }
            0
        }
        Err(PipelineError::CodeCheck {
            path, violations, ..
        }) if a.json => {
            print_json(&serde_json::json!({
                "status": "VIOLATIONS", "code": path, "violations": violations,
            }));
            2
        }
        Err(e) => {
            print_error(&e, a.json);
            e.exit_code()
        }
    }
}
