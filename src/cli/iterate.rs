//! `sdg iterate SPEC [--max-rounds K] [--seeds 1,2,3]`: while validation fails, the LLM revises
//! the code from the violations; each revision is checked and re-run on the same seeds, every
//! run recorded, and the rounds shown side by side.

use std::path::{Path, PathBuf};

use clap::Args;

use super::llm_args::LlmArgs;
use super::render::{print_error, print_json};
use super::term::{errln, outln};
use crate::pipeline::iterate::{iterate, IterateOptions, Round};
use crate::pipeline::stages::{Contract, ExperimentStore, Format, RunLimits};
use crate::pipeline::{PipelineError, RunOptions};
use crate::untrusted::terminal_line as line;

#[derive(Debug, Args)]
pub struct IterateArgs {
    /// The spec (a path, or a name: NAME.yaml or NAME.json, here or in specs/).
    spec: String,
    /// LLM revisions at most, 0..=100.
    #[arg(long, value_name = "K", default_value_t = 3, value_parser = super::numbers::max_rounds, allow_negative_numbers = true)]
    max_rounds: u32,
    /// The pre-declared seeds every round runs on [default: the spec's seed].
    #[arg(long, value_name = "S,S,...", value_delimiter = ',', value_parser = super::numbers::seed, allow_negative_numbers = true)]
    seeds: Vec<u64>,
    /// Rows per run [default: the spec's].
    #[arg(long, value_name = "N", value_parser = super::numbers::rows, allow_negative_numbers = true)]
    rows: Option<u64>,
    /// Run round 0 without an approval (the code check still applies).
    #[arg(long)]
    yes: bool,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    llm: LlmArgs,
    #[command(flatten)]
    trust: super::trust_args::TrustArgs,
}

pub fn run(a: IterateArgs, root: &Path, home: PathBuf) -> u8 {
    let spec = match super::resolve_spec(&a.spec) {
        Ok(p) => p,
        Err(e) => return e.report(a.json),
    };
    let client = match a.llm.client() {
        Ok(c) => c.with_progress(super::new::show_llm_progress()),
        Err(e) => return super::llm_args::report_config_error(&e, a.json),
    };
    let seeds = if a.seeds.is_empty() {
        match Contract::load(&spec) {
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
            trust: a.trust.options(),
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
        print_rounds(&out.rounds);
        match &out.updated_code {
            Some(p) => errln!(
                "sdg: the passing revision was written to {}; review and approve it before `sdg run`",
                line(&p.display().to_string())
            ),
            None if out.passed() => errln!("sdg: the code already passes on every seed"),
            None => errln!("sdg: no round passed on every seed; the code file is unchanged"),
        }
    }
    if out.passed() {
        0
    } else {
        1
    }
}

/// The rounds side by side: per round, its code, seeds passed, and each check's passes over the
/// seeds (`2/3`); then each round's experiment ids.
fn print_rounds(rounds: &[Round]) {
    let mut labels: Vec<&str> = Vec::new();
    for (label, _) in rounds
        .iter()
        .flat_map(|r| r.runs.iter())
        .flat_map(|s| s.checks.iter())
    {
        if !labels.contains(&label.as_str()) {
            labels.push(label);
        }
    }
    let width = |l: &str| l.chars().count().max(5);
    let mut head = format!("{:<6} {:<13} {:<7}", "ROUND", "CODE", "SEEDS");
    for l in &labels {
        head += &format!(" {:<w$}", line(l), w = width(l));
    }
    outln!("{}", head.trim_end());
    for r in rounds {
        let code = r.code_sha256.get(..12).unwrap_or("-");
        if let Some(e) = &r.error {
            outln!(
                "{:<6} {:<13} no runs: {}",
                r.round,
                code,
                line(e.lines().next().unwrap_or(""))
            );
            continue;
        }
        let passed = r.runs.iter().filter(|s| s.status == "PASSED").count();
        let mut line = format!(
            "{:<6} {:<13} {:<7}",
            r.round,
            code,
            format!("{passed}/{}", r.runs.len())
        );
        for l in &labels {
            let (mut ok, mut n) = (0, 0);
            for (_, p) in r
                .runs
                .iter()
                .flat_map(|s| s.checks.iter())
                .filter(|(x, _)| x == l)
            {
                n += 1;
                ok += usize::from(*p);
            }
            let cell = if n == 0 {
                "-".to_string()
            } else {
                format!("{ok}/{n}")
            };
            line += &format!(" {:<w$}", cell, w = width(l));
        }
        outln!("{}", line.trim_end());
    }
    for r in rounds {
        for s in &r.runs {
            let what = s
                .experiment
                .as_deref()
                .unwrap_or_else(|| s.failures.first().map_or("-", String::as_str));
            outln!(
                "round {} seed {}: {} {}",
                r.round,
                s.seed,
                line(&s.status),
                line(what)
            );
        }
    }
}
