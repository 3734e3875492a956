//! `moments`: the sample mean, standard deviation (ddof = 1) and skewness (biased, as
//! `scipy.stats.skew`) are each within `tolerance` of the expected values given.
//!
//! Computes: `numpy.mean`, `numpy.std(ddof=1)`, `scipy.stats.skew(bias=True)` of the non-null
//! values (NaN/inf an error unless `drop_non_finite`). The effect size is the largest
//! difference. The values are kept (two-pass moments, the same bits as one pass over the whole
//! column).
//!
//! ```yaml
//! - check: moments
//!   column: wait_minutes
//!   mean: 5.0
//!   std: 5.0
//!   tolerance: 0.2
//! ```

use super::arrays::{finite_values, numeric_array};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::settings::is_false;
use super::summary::Values;
use super::{Figure, Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::regression::mean;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Sample moments within tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Moments {
    /// Column.
    pub column: String,
    /// Expected mean.
    #[serde(default)]
    pub mean: Option<f64>,
    /// Expected standard deviation (ddof = 1).
    #[serde(default)]
    pub std: Option<f64>,
    /// Expected skewness (biased, as scipy.stats.skew).
    #[serde(default)]
    pub skew: Option<f64>,
    /// Allowed absolute difference for each.
    pub tolerance: f64,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

impl Kind for Moments {
    const NAME: &'static str = "moments";
    type Summary = Values;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, true);
        c.nonneg("tolerance", self.tolerance);
        if self.mean.is_none() && self.std.is_none() && self.skew.is_none() {
            c.push(
                "mean",
                "give at least one of mean, std, skew".into(),
                "e.g. {mean: 0, tolerance: 0.1}",
            );
        }
        if let Some(s) = self.std {
            c.nonneg("std", s);
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Values, String> {
        numeric_array(block, &self.column).map(|a| Values(vec![a]))
    }

    fn evaluate(&self, values: Values, ev: &mut Eval) -> Outcome {
        let kind = Self::NAME;
        let mut c = self.skeleton();
        let x = match finite_values(&self.column, &values.0, self.drop_non_finite) {
            Ok(x) => x,
            Err(e) => return fail(c, e),
        };
        if x.len() < 2 {
            return fail(
                c,
                format!("moments need at least 2 values, got {}", x.len()),
            );
        }
        c.n = Some(x.len() as u64);
        let nf = x.len() as f64;
        let mu = mean(&x);
        let m2 = x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / nf;
        let m3 = x.iter().map(|v| (v - mu).powi(3)).sum::<f64>() / nf;
        let sd = (m2 * nf / (nf - 1.0)).sqrt();
        let skew = if m2 > 0.0 {
            m3 / m2.powf(1.5)
        } else {
            f64::NAN
        };
        ev.metric(kind, "mean", mu);
        ev.metric(kind, "std", sd);
        ev.metric(kind, "skew", skew);
        let mut fails = Vec::new();
        let mut worst = 0.0_f64;
        for (name, exp, obs) in [
            ("mean", self.mean, mu),
            ("std", self.std, sd),
            ("skew", self.skew, skew),
        ] {
            if let Some(e) = exp {
                if !obs.is_finite() {
                    fails.push(format!("{name} undefined (constant column)"));
                    continue;
                }
                worst = worst.max((obs - e).abs());
                if (obs - e).abs() > self.tolerance {
                    fails.push(format!(
                        "{name} {obs:.6} differs from {e} by more than {}",
                        self.tolerance
                    ));
                }
            }
        }
        c.method = Some("moments".into());
        c.tolerance = Some(self.tolerance);
        c.effect_size = Some(worst);
        c.passed = fails.is_empty();
        c.message = if c.passed {
            format!(
                "mean {mu:.6}, std {sd:.6}, skew {}",
                if skew.is_finite() {
                    format!("{skew:.6}")
                } else {
                    "undefined".into()
                }
            )
        } else {
            fails.join("; ")
        };
        Outcome::decided(c)
    }

    fn figure(&self, values: &Values) -> Option<Figure> {
        Some(Figure::sample(&self.column, values, None))
    }
}
