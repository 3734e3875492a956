//! `sdg spec check SPEC [--json]` (every problem at once, compiler-style) and `sdg spec schema`
//! (the JSON Schema, for LLM servers and editors).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::render::print_json;
use super::term::{err, errln, outln};
use crate::contract::{self, Contract, ContractError};

#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// Check a spec: shape (against the JSON Schema) and meaning (bounds, references, caps).
    Check(CheckArgs),
    /// Print the spec's JSON Schema (draft 2020-12).
    Schema,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The spec file (YAML).
    spec: PathBuf,
    /// Print one JSON object: {"status": "OK"|"INVALID", "diagnostics": [...]}.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: SpecCommand) -> u8 {
    match cmd {
        SpecCommand::Schema => {
            match crate::untrusted::to_json_string_pretty(&crate::spec::schema()) {
                Ok(s) => outln!("{s}"),
                Err(e) => {
                    errln!("error: cannot encode the schema: {e}");
                    return 4;
                }
            }
            0
        }
        SpecCommand::Check(a) => check(a),
    }
}

fn check(a: CheckArgs) -> u8 {
    let result = contract::read(&a.spec).and_then(|text| Contract::from_text(&text, &a.spec));
    match (result, a.json) {
        (Ok(c), true) => {
            print_json(&serde_json::json!({
                "status": "OK",
                "spec": a.spec,
                "name": c.name(),
                "function": c.function(),
                "outputs": c.outputs(),
                "diagnostics": [],
            }));
            0
        }
        (Ok(c), false) => {
            outln!(
                "ok: `{}` is a valid spec ({} outputs, function `{}`)",
                a.spec.display(),
                c.outputs().len(),
                c.function()
            );
            0
        }
        (Err(e), json) => {
            if json {
                let diagnostics = match &e {
                    ContractError::Invalid { diagnostics, .. } => diagnostics.clone(),
                    _ => Vec::new(),
                };
                print_json(&serde_json::json!({
                    "status": "INVALID",
                    "spec": a.spec,
                    "message": e.to_string(),
                    "diagnostics": diagnostics,
                }));
            } else {
                match e.rendered() {
                    Some(r) => err!("{r}"),
                    None => {
                        super::print_chain(&e);
                        if let Some(h) = e.hint() {
                            errln!("hint: {h}");
                        }
                    }
                }
            }
            2
        }
    }
}
