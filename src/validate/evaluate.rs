//! The runner: every requirement of a spec against a `RecordBatch` → [`ValidationReport`].
//!
//! [`validate`] never panics: a check that cannot be computed is a failed
//! check whose message says why (e.g. "regression undefined: `x` is
//! constant"). p-value checks are gated after a run-wide multiple-testing
//! adjustment (see `checks::settings`). A `row_count` check comparing
//! the batch length with `num_samples` always comes first.
//! Metrics keys are `"<kind>[<index>].<name>"` with the requirement index; the design
//! document's names (`mean_x`, `estimated_slope`, `std_noise`, ...) are added beside them by
//! [`super::document`]. Each kind's own computation is in its file under `checks/`.

use super::checks::eval::base;
use super::checks::ExpectedColumn;
use super::checks::{Eval, Gate, Gated, Metrics, Requirement, ValidationSettings};
use super::result::ValidationReport;
use super::stats::multiple::adjust;
use arrow::record_batch::RecordBatch;
use std::collections::BTreeMap;

/// One requirement over one block: summarized, then evaluated.
fn run_one(
    req: &Requirement,
    index: usize,
    batch: &RecordBatch,
    reqs: &[Requirement],
    metrics: &mut Metrics,
    settings: &ValidationSettings,
) -> super::checks::Outcome {
    let partial = req.summarize(batch, reqs);
    let mut ev = Eval {
        index,
        settings,
        metrics,
    };
    req.evaluate(partial, &mut ev)
}

/// Evaluates every requirement; never panics.
pub fn validate(
    batch: &RecordBatch,
    columns: &[ExpectedColumn],
    num_samples: u64,
    reqs: &[Requirement],
    settings: &ValidationSettings,
) -> ValidationReport {
    let _ = columns; // types are enforced upstream by the contract; kept for API stability
    let mut metrics: Metrics = BTreeMap::new();
    metrics.insert("num_samples".into(), num_samples.into());
    metrics.insert("rows".into(), (batch.num_rows() as u64).into());
    let mut checks = Vec::with_capacity(reqs.len() + 1);
    let rows = batch.num_rows() as u64;
    let mut rc = base("row_count", &[]);
    rc.expected = Some(num_samples as f64);
    rc.observed = Some(rows as f64);
    rc.n = Some(rows);
    rc.passed = rows == num_samples;
    rc.message = format!("{rows} rows (expected {num_samples})");
    checks.push(rc);
    // (index in `checks`, gate) of each p-value check waiting for the adjustment.
    let mut pending: Vec<(usize, Gated)> = Vec::new();
    for (i, req) in reqs.iter().enumerate() {
        let out = run_one(req, i, batch, reqs, &mut metrics, settings);
        if let Some(g) = out.gated {
            pending.push((checks.len(), g));
        }
        checks.push(out.check);
    }
    let raw: Vec<f64> = pending
        .iter()
        .map(|(index, _)| checks[*index].p_value.unwrap_or(0.0))
        .collect();
    let adj = adjust(settings.multiple_testing, &raw);
    for ((index, p), a) in pending.iter().zip(adj) {
        let c = &mut checks[*index];
        c.adjusted_p_value = Some(a);
        let p_ok = a >= p.alpha;
        let e_ok = match (p.effect_size_max, c.effect_size) {
            (Some(mx), Some(e)) => Some(e <= mx),
            _ => None,
        };
        let gate = p.gate.unwrap_or(if p.effect_size_max.is_some() {
            Gate::Either
        } else {
            Gate::PValue
        });
        c.passed = match gate {
            Gate::PValue => p_ok,
            Gate::EffectSize => e_ok.unwrap_or(false),
            Gate::Both => p_ok && e_ok.unwrap_or(false),
            Gate::Either => p_ok || e_ok.unwrap_or(false),
        };
        c.message = format!(
            "{} = {:.6}, p = {:.4e} (adjusted {:.4e}, alpha {}){}",
            c.method.as_deref().unwrap_or("statistic"),
            c.statistic.unwrap_or(f64::NAN),
            c.p_value.unwrap_or(f64::NAN),
            a,
            p.alpha,
            match (p.effect_size_max, c.effect_size) {
                (Some(mx), Some(e)) => format!(", effect size {e:.6} (max {mx}, gate {gate:?})"),
                _ => String::new(),
            }
        );
    }
    super::document::add_document_metrics(&mut metrics, batch, reqs);
    ValidationReport::from_checks(checks, metrics)
}
