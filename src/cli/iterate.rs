//! `sdg iterate SPEC [--max-rounds K] [--seeds 1,2,3]`: while validation fails, the LLM revises
//! the code from the violations; each revision is checked and re-run on the same seeds, every
//! run recorded, and the rounds shown side by side.

use std::path::{Path, PathBuf};

use clap::Args;

use super::llm_args::LlmArgs;
use super::render::{print_error, print_json};
use crate::columns::Format;
use crate::experiments::ExperimentStore;
use crate::pipeline::iterate::{iterate, IterateOptions};
use crate::pipeline::{PipelineError, RunOptions};
use crate::sandbox::RunLimits;

#[derive(Debug, Args)]
pub struct IterateArgs {
    /// The spec (a path, or a name: NAME.yaml here or in specs/).
    spec: String,
    /// LLM revisions at most.
    #[arg(long, value_name = "K", default_value_t = 3)]
    max_rounds: u32,
    /// The pre-declared seeds every round runs on [default: the spec's seed].
    #[arg(long, value_name = "S,S,...", value_delimiter = ',')]
    seeds: Vec<u64>,
    /// Rows per run [default: the spec's].
    #[arg(long, value_name = "N")]
    rows: Option<u64>,
    /// Run round 0 without an approval (the code check still applies).
    #[arg(long)]
    yes: bool,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    llm: LlmArgs,
}

pub fn run(a: IterateArgs, root: &Path, home: PathBuf) -> u8 {
    let spec = match super::resolve_spec(&a.spec) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let client = match a.llm.client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let seeds = if a.seeds.is_empty() {
        match crate::contract::Contract::load(&spec) {
            Ok(c) => vec![c.default_seed()],
            Err(e) => {
                print_error(&PipelineError::from(e), a.json);
                return 2;
            }
        }
    } else {
        a.seeds.clone()
    };
    let opts = IterateOptions {
        run: RunOptions {
            spec,
            code: None,
            rows: a.rows,
            seed: None,
            out: None,
            format: Format::Parquet,
            home,
            source: super::install_source(None),
            limits: RunLimits::default(),
            require_approval: !a.yes,
        },
        seeds,
        max_rounds: a.max_rounds,
        author: a.llm.author(),
    };
    let mut progress = |l: &str| super::progress(l);
    let out = match iterate(&client, &ExperimentStore::new(root), &opts, &mut progress) {
        Ok(o) => o,
        Err(e) => {
            print_error(&e, a.json);
            return e.exit_code();
        }
    };
    if a.json {
        print_json(&out);
    } else {
        println!(
            "{:<6} {:<13} {:<28} {:<46} FAILED CHECKS",
            "ROUND", "CODE", "SEEDS", "EXPERIMENTS"
        );
        for r in &out.rounds {
            let code = if r.code_sha256.is_empty() {
                "-"
            } else {
                &r.code_sha256[..12]
            };
            if let Some(e) = &r.error {
                println!(
                    "{:<6} {:<13} no runs: {}",
                    r.round,
                    code,
                    e.lines().next().unwrap_or("")
                );
                continue;
            }
            let seeds: Vec<String> = r
                .runs
                .iter()
                .map(|s| format!("{}:{}", s.seed, &s.status[..1]))
                .collect();
            let ids: Vec<&str> = r
                .runs
                .iter()
                .filter_map(|s| s.experiment.as_deref())
                .collect();
            let mut failed: Vec<&str> = r
                .runs
                .iter()
                .flat_map(|s| s.failures.iter().map(String::as_str))
                .collect();
            failed.sort_unstable();
            failed.dedup();
            println!(
                "{:<6} {:<13} {:<28} {:<46} {}",
                r.round,
                code,
                seeds.join(" "),
                ids.first().copied().unwrap_or("-"),
                if failed.is_empty() {
                    "-".into()
                } else {
                    failed.join(", ")
                }
            );
        }
        match &out.updated_code {
            Some(p) => eprintln!(
                "sdg: the passing revision was written to {}; review and approve it before `sdg run`",
                p.display()
            ),
            None if out.passed() => eprintln!("sdg: the code already passes on every seed"),
            None => eprintln!("sdg: no round passed on every seed; the code file is unchanged"),
        }
    }
    if out.passed() {
        0
    } else {
        1
    }
}
