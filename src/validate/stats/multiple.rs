//! Multiple-testing adjustments of p-values (Bonferroni, Holm step-down).
//!
//! Adjusted p-values are returned in the input order and capped at 1; Holm's
//! are made monotone (running maximum over the sorted order), as in
//! statsmodels' `multipletests(method='holm')`.

use serde::{Deserialize, Serialize};

/// Which adjustment to apply across all p-value-based checks of a run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MultipleTesting {
    /// No adjustment.
    None,
    /// Multiply by the number of tests.
    Bonferroni,
    /// Holm–Bonferroni step-down (default).
    #[default]
    Holm,
}

/// Bonferroni: `min(1, m·p)`.
pub fn bonferroni(p: &[f64]) -> Vec<f64> {
    let m = p.len() as f64;
    p.iter().map(|v| (v * m).min(1.0)).collect()
}

/// Holm step-down adjusted p-values.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![0.0; m];
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adj);
        out[i] = running;
    }
    out
}

/// Applies `method` to `p`.
pub fn adjust(method: MultipleTesting, p: &[f64]) -> Vec<f64> {
    match method {
        MultipleTesting::None => p.to_vec(),
        MultipleTesting::Bonferroni => bonferroni(p),
        MultipleTesting::Holm => holm(p),
    }
}
