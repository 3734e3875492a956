//! `noise_std_check`: the standard deviation (ddof = 1) of the residuals of a
//! `relationship_check` (see `residuals`) is within `tolerance` of `expected_std`.
//!
//! Computes: `numpy.std(y − b0 − Σ slope·x, ddof=1)` with the expected line.
//!
//! ```yaml
//! - check: noise_std_check
//!   expected_std: 1.0
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

/// Residual standard deviation check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoiseStdCheck {
    /// Which relationship_check (0-based among them) the residuals come from;
    /// required only when the spec has several.
    #[serde(default)]
    pub relationship: Option<usize>,

    /// Expected residual standard deviation (ddof = 1).
    pub expected_std: f64,
    /// Allowed |std − expected|.
    pub tolerance: f64,
}

impl Kind for NoiseStdCheck {
    const NAME: &'static str = "noise_std_check";
    type Summary = ResidualData;

    fn rules(&self, c: &mut Rules) {
        c.nonneg("tolerance", self.tolerance);
        c.nonneg("expected_std", self.expected_std);
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
        if res.len() < 2 {
            return fail(c, "residual std needs at least 2 rows");
        }
        let mu = mean(&res);
        let sd = (res.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / (res.len() as f64 - 1.0))
            .sqrt();
        ev.metric(kind, "residual_std", sd);
        let mut c = within(c, self.expected_std, sd, self.tolerance, "residual std");
        c.n = Some(res.len() as u64);
        c.method = Some("std(ddof=1)".into());
        Outcome::decided(c)
    }
}
