//! `sdg compare A B [--json]`: two experiment records side by side: every validation metric
//! (A, B, B − A) and a two-sample KS test per column of the two datasets.

use std::path::Path;

use clap::Args;

use super::render::{print_error, print_json};
use super::term::outln;
use crate::pipeline::stages::ExperimentStore;
use crate::pipeline::{compare::compare, PipelineError};
use crate::untrusted::terminal_line as line;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first experiment (id or unique prefix).
    a: String,
    /// The second experiment (id or unique prefix).
    b: String,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
}

fn num(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) if x != 0.0 && x.abs() < 1e-4 => format!("{x:.4e}"),
        Some(x) => format!("{x:.6}"),
    }
}

pub fn run(a: CompareArgs, root: &Path) -> u8 {
    let store = ExperimentStore::new(root);
    let result = (|| -> Result<_, PipelineError> {
        let ea = store.load(&a.a)?;
        let eb = store.load(&a.b)?;
        compare(&ea, &eb)
    })();
    let c = match result {
        Ok(c) => c,
        Err(e) => {
            print_error(&e, a.json);
            return e.exit_code();
        }
    };
    if a.json {
        print_json(&c);
        return 0;
    }
    outln!(
        "A: {} {} seed {} rows {}",
        line(&c.a.id),
        line(&c.a.status),
        c.a.seed,
        c.a.rows
    );
    outln!(
        "B: {} {} seed {} rows {}",
        line(&c.b.id),
        line(&c.b.status),
        c.b.seed,
        c.b.rows
    );
    if c.a.dataset_sha256 == c.b.dataset_sha256 {
        outln!("the datasets are identical (same sha256)");
    }
    outln!("\n{:<52} {:>14} {:>14} {:>14}", "METRIC", "A", "B", "B - A");
    for m in &c.metrics {
        outln!(
            "{:<52} {:>14} {:>14} {:>14}",
            line(&m.name),
            num(m.a),
            num(m.b),
            num(m.delta)
        );
    }
    outln!("\ntwo-sample Kolmogorov-Smirnov per column:");
    if let Some(why) = &c.datasets_unavailable {
        outln!("  not run: {}", line(why));
    }
    for col in &c.columns {
        match &col.skipped {
            Some(why) => outln!("  {:<24} skipped: {}", line(&col.column), line(why)),
            None => outln!(
                "  {:<24} D = {:<10} p = {:<12} (n = {} vs {})",
                line(&col.column),
                num(col.statistic),
                col.p_value.map_or("-".into(), |p| format!("{p:.4e}")),
                col.n_a,
                col.n_b
            ),
        }
    }
    0
}
