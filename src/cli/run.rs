//! `sdg run SPEC`: check the approval, generate a dataset in the sandbox, write it atomically,
//! validate it, and record the run as an immutable experiment.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{numbers, render};
use crate::pipeline::stages::{ExperimentStore, Format, RunLimits};
use crate::pipeline::{self, record, RunOptions};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The spec (a path, or a name: NAME.yaml or NAME.json, here or in specs/).
    spec: String,
    /// The approved code [default: the spec's `code`].
    #[arg(long, value_name = "FILE")]
    code: Option<PathBuf>,
    /// Rows to generate (within the contract's `num_samples` bounds) [default: the spec's].
    #[arg(long, value_name = "N", value_parser = numbers::rows, allow_negative_numbers = true)]
    rows: Option<u64>,
    /// The seed passed to the generator [default: the spec's `seed.default`, else 42].
    #[arg(long, value_name = "S", value_parser = numbers::seed, allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Where to write the dataset [default: out/<name>.<format>].
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Dataset format.
    #[arg(long, value_enum, default_value_t = Format::Parquet)]
    format: Format,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    json: bool,
    /// Fuel (wasm instructions) for the whole run, 1..=2^63-1.
    #[arg(long, value_name = "N", value_parser = numbers::fuel, allow_negative_numbers = true)]
    fuel: Option<u64>,
    /// Linear-memory cap of the guest, in MiB, 1..=4096 (wasm32 addresses 4 GiB at most).
    #[arg(long, value_name = "MIB", value_parser = numbers::memory_mib, allow_negative_numbers = true)]
    memory_mib: Option<u64>,
    /// Install the runtime from this wheel instead of fetching it.
    #[arg(long, value_name = "PATH")]
    wheel: Option<PathBuf>,
    /// Run without an approval (scripted use). The code check still applies, and the record
    /// says the run was unapproved.
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    trust: super::trust_args::TrustArgs,
}

pub fn run(a: RunArgs, home: PathBuf, experiments: &Path) -> u8 {
    let mut limits = RunLimits::default();
    if let Some(f) = a.fuel {
        limits.fuel = f;
    }
    if let Some(m) = a.memory_mib {
        limits.memory_bytes = numbers::mib_to_bytes(m);
    }
    let spec = match super::resolve_spec(&a.spec) {
        Ok(p) => p,
        Err(e) => return e.report(a.json),
    };
    let opts = RunOptions {
        spec,
        code: a.code,
        rows: a.rows,
        seed: a.seed,
        out: a.out,
        format: a.format,
        home,
        source: super::install_source(a.wheel),
        limits,
        require_approval: !a.yes,
        trust: a.trust.options(),
    };
    let mut progress = |l: &str| super::progress(l);
    let result = pipeline::run_staged(&opts, &mut progress).and_then(|staged| {
        let r = &staged.report;
        let extras = record::RecordExtras {
            llm: record::provenance(&r.spec, &r.name, &r.code_text),
            ..Default::default()
        };
        let (report, _) = record::record_run(&ExperimentStore::new(experiments), staged, &extras)?;
        Ok(report)
    });
    match result {
        Ok(report) => {
            if a.json {
                render::print_json(&report);
            } else {
                render::print_report(&report);
            }
            if report.passed() {
                0
            } else {
                1
            }
        }
        Err(e) => {
            let code = e.exit_code();
            render::print_error(&e, a.json);
            code
        }
    }
}
