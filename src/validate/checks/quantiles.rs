//! `quantiles`: sample quantiles within `tolerance` of the expected values.
//!
//! Computes: `numpy.quantile(x, p)` with the default `'linear'` method (the value at
//! `h = (n − 1)·p`, interpolated between its neighbours) for each probability key, over the
//! non-null values (NaN/inf an error unless `drop_non_finite`). The effect size is the largest
//! difference. The values are kept: a quantile needs every one.
//!
//! ```yaml
//! - check: quantiles
//!   column: wait_minutes
//!   quantiles: {"0.5": 3.47, "0.9": 11.5}
//!   tolerance: 0.3
//! ```

use super::arrays::{finite_values, numeric_array};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::settings::is_false;
use super::summary::Values;
use super::{Figure, Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Sample quantiles (numpy 'linear' method) within tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantiles {
    /// Column.
    pub column: String,
    /// Probability (as a string key, e.g. "0.5") → expected value.
    pub quantiles: BTreeMap<String, f64>,
    /// Allowed absolute difference.
    pub tolerance: f64,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

impl Kind for Quantiles {
    const NAME: &'static str = "quantiles";
    type Summary = Values;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, true);
        c.nonneg("tolerance", self.tolerance);
        if self.quantiles.is_empty() {
            c.push(
                "quantiles",
                "no quantiles given".into(),
                "e.g. {\"0.5\": 1.0}",
            );
        }
        for k in self.quantiles.keys() {
            match k.parse::<f64>() {
                Ok(p) if (0.0..=1.0).contains(&p) => {}
                _ => c.push(
                    &format!("quantiles.{k}"),
                    format!("quantile key `{k}` is not a probability in [0, 1]"),
                    "keys like 0.5",
                ),
            }
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Values, String> {
        numeric_array(block, &self.column).map(|a| Values(vec![a]))
    }

    fn evaluate(&self, values: Values, ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let mut x = match finite_values(&self.column, &values.0, self.drop_non_finite) {
            Ok(x) => x,
            Err(e) => return fail(c, e),
        };
        if x.is_empty() {
            return fail(c, "no values");
        }
        x.sort_unstable_by(f64::total_cmp);
        c.n = Some(x.len() as u64);
        let mut fails = Vec::new();
        let mut worst = 0.0_f64;
        for (k, e) in &self.quantiles {
            let Ok(p) = k.parse::<f64>() else {
                fails.push(format!("bad quantile key `{k}`"));
                continue;
            };
            if !(0.0..=1.0).contains(&p) {
                fails.push(format!("quantile {p} outside [0, 1]"));
                continue;
            }
            let h = (x.len() as f64 - 1.0) * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(x.len() - 1);
            let v = x[lo] + (h - lo as f64) * (x[hi] - x[lo]);
            ev.metric(Self::NAME, &format!("q{k}"), v);
            worst = worst.max((v - e).abs());
            if (v - e).abs() > self.tolerance {
                fails.push(format!("q{k} = {v:.6}, expected {e} ± {}", self.tolerance));
            }
        }
        c.method = Some("quantile(linear)".into());
        c.tolerance = Some(self.tolerance);
        c.effect_size = Some(worst);
        c.passed = fails.is_empty();
        c.message = if c.passed {
            "quantiles within tolerance".into()
        } else {
            fails.join("; ")
        };
        Outcome::decided(c)
    }

    fn figure(&self, values: &Values) -> Option<Figure> {
        Some(Figure::sample(&self.column, values, None))
    }
}
