//! `sdg validate DATA --spec SPEC [--json]`: runs the spec's validation requirements over an
//! existing Parquet / Arrow IPC / CSV file (the same code `sdg run` calls after generation).

use std::path::PathBuf;

use clap::Args;

use super::render::{print_error, print_json};
use crate::pipeline::stages::{read_dataset, Contract};
use crate::pipeline::{validate_batch, PipelineError};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The dataset (.parquet, .arrow or .csv).
    data: PathBuf,
    /// The spec whose `validation_requirements` apply.
    #[arg(long, value_name = "SPEC")]
    spec: PathBuf,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(a: ValidateArgs) -> u8 {
    let result = Contract::load(&a.spec)
        .map_err(PipelineError::from)
        .and_then(|c| {
            let batch = read_dataset(&a.data, &crate::pipeline::column_specs(&c))?;
            let rows = batch.num_rows() as u64;
            Ok(validate_batch(&c, &batch, rows))
        });
    match result {
        Ok(report) => {
            if a.json {
                print_json(&report);
            } else {
                super::term::out_styled(&crate::report::render_terminal(
                    &report,
                    super::render::color_stdout(),
                ));
            }
            if report.status == crate::report::Status::Passed {
                0
            } else {
                1
            }
        }
        Err(e) => {
            print_error(&e, a.json);
            e.exit_code()
        }
    }
}
