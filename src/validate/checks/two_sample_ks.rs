//! `two_sample_ks`: two columns of the same dataset follow the same distribution.
//!
//! Computes: the two-sample Kolmogorov–Smirnov D and p (`scipy.stats.ks_2samp`, exact p for
//! small samples as scipy's `method='auto'`) over each column's non-null values (NaN/inf an
//! error unless `drop_non_finite`). The effect size is D. Gated with the run's other p-values.
//!
//! ```yaml
//! - check: two_sample_ks
//!   column: latency_a
//!   other_column: latency_b
//!   effect_size_max: 0.02
//! ```

use super::arrays::{finite_values, numeric_array};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::settings::{is_false, Gate};
use super::summary::{Merge, Read, Values};
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::ks::ks_2samp;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Two-sample KS between two columns of the same dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoSampleKs {
    /// First column.
    pub column: String,
    /// Second column of the same dataset (compared with `column`).
    pub other_column: String,
    /// Significance level.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Maximum D for the effect-size gate.
    #[serde(default)]
    pub effect_size_max: Option<f64>,
    /// Gate rule.
    #[serde(default)]
    pub gate: Option<Gate>,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// Both columns, each read on its own (an error in the first is reported first).
#[derive(Debug, Clone)]
pub struct Pair(Read<Values>, Read<Values>);

impl Merge for Pair {
    fn merge(&mut self, next: Self) {
        self.0.merge(next.0);
        self.1.merge(next.1);
    }
}

impl Kind for TwoSampleKs {
    const NAME: &'static str = "two_sample_ks";
    type Summary = Pair;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, true);
        c.col("other_column", &self.other_column, true);
        c.alpha("alpha", self.alpha);
        c.gate(self.gate, self.effect_size_max);
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column, &self.other_column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Pair, String> {
        let read = |name: &str| Read(numeric_array(block, name).map(|a| Values(vec![a])));
        Ok(Pair(read(&self.column), read(&self.other_column)))
    }

    fn evaluate(&self, pair: Pair, ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let finite = |name: &str, r: Read<Values>, drop: bool| {
            r.0.and_then(|v| finite_values(name, &v.0, drop))
        };
        let a = finite(&self.column, pair.0, self.drop_non_finite);
        let b = finite(&self.other_column, pair.1, self.drop_non_finite);
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return fail(c, e),
        };
        c.n = Some((a.len() + b.len()) as u64);
        let alpha = self.alpha.unwrap_or(ev.settings.default_alpha);
        c.alpha = Some(alpha);
        match ks_2samp(&a, &b) {
            Err(e) => fail(c, e.to_string()),
            Ok(r) => {
                c.method = Some("ks_2samp".into());
                c.statistic = Some(r.statistic);
                c.p_value = Some(r.pvalue);
                c.effect_size = Some(r.statistic);
                ev.metric(Self::NAME, "statistic", r.statistic);
                Outcome::gated(c, alpha, self.effect_size_max, self.gate)
            }
        }
    }
}
