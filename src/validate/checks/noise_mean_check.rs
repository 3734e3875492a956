//! `noise_mean_check`: the mean of the residuals of a `relationship_check` (see `residuals`)
//! is within `tolerance` of `expected_mean`.
//!
//! Computes: `numpy.mean(y − b0 − Σ slope·x)` with the expected line.
//!
//! ```yaml
//! - check: noise_mean_check
//!   expected_mean: 0.0
//!   tolerance: 0.05
//! ```

use super::eval::{base, fail, within, Eval, Outcome};
use super::residuals::ResidualData;
use super::rules::Rules;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::regression::mean;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Residual mean check (residuals of a `relationship_check`, see module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoiseMeanCheck {
    /// Which relationship_check (0-based among them) the residuals come from;
    /// required only when the spec has several.
    #[serde(default)]
    pub relationship: Option<usize>,

    /// Expected residual mean.
    pub expected_mean: f64,
    /// Allowed |mean − expected|.
    pub tolerance: f64,
}

impl Kind for NoiseMeanCheck {
    const NAME: &'static str = "noise_mean_check";
    type Summary = ResidualData;

    fn rules(&self, c: &mut Rules) {
        c.nonneg("tolerance", self.tolerance);
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[])
    }

    fn summarize(&self, block: &RecordBatch, reqs: &[Requirement]) -> Result<ResidualData, String> {
        ResidualData::read(block, reqs, self.relationship)
    }

    fn evaluate(&self, data: ResidualData, ev: &mut Eval) -> Outcome {
        let kind = Self::NAME;
        let (c, res) = match data.for_check(kind) {
            Ok(r) => r,
            Err(failed) => return *failed,
        };
        if res.is_empty() {
            return fail(c, "no residuals (empty data)");
        }
        let mu = mean(&res);
        ev.metric(kind, "residual_mean", mu);
        let mut c = within(c, self.expected_mean, mu, self.tolerance, "residual mean");
        c.n = Some(res.len() as u64);
        c.method = Some("mean".into());
        Outcome::decided(c)
    }
}
