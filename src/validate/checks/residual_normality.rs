//! `residual_normality`: the residuals of a `relationship_check` (see `residuals`) look normal.
//!
//! Computes: Anderson–Darling A² against a normal with estimated mean and std
//! (`scipy.stats.anderson(res, 'norm')`), p interpolated between the critical values (so it is
//! clamped to [0.01, 0.15]). The effect size is A². Gated with the run's other p-values.
//!
//! ```yaml
//! - check: residual_normality
//!   alpha: 0.01
//! ```

use super::eval::{base, fail, Eval, Outcome};
use super::residuals::ResidualData;
use super::rules::Rules;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::anderson::{anderson, AdDist};
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Residual normality (Anderson–Darling, normal, estimated parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidualNormality {
    /// Which relationship_check (0-based among them) the residuals come from;
    /// required only when the spec has several.
    #[serde(default)]
    pub relationship: Option<usize>,

    /// Significance level (interpolated p is within [0.01, 0.15]).
    #[serde(default)]
    pub alpha: Option<f64>,
}

impl Kind for ResidualNormality {
    const NAME: &'static str = "residual_normality";
    type Summary = ResidualData;

    fn rules(&self, c: &mut Rules) {
        c.alpha("alpha", self.alpha);
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[])
    }

    fn summarize(&self, block: &RecordBatch, reqs: &[Requirement]) -> Result<ResidualData, String> {
        ResidualData::read(block, reqs, self.relationship)
    }

    fn evaluate(&self, data: ResidualData, ev: &mut Eval) -> Outcome {
        let (mut c, res) = match data.for_check(Self::NAME) {
            Ok(r) => r,
            Err(failed) => return *failed,
        };
        c.n = Some(res.len() as u64);
        let alpha = self.alpha.unwrap_or(ev.settings.default_alpha);
        c.alpha = Some(alpha);
        match anderson(&res, AdDist::Normal) {
            Err(e) => fail(c, e.to_string()),
            Ok(r) => {
                c.method = Some("anderson".into());
                c.statistic = Some(r.statistic);
                c.effect_size = Some(r.statistic);
                c.p_value = Some(r.pvalue);
                ev.metric(Self::NAME, "statistic", r.statistic);
                Outcome::gated(c, alpha, None, None)
            }
        }
    }
}
