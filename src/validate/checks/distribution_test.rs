//! `distribution_test`: goodness of fit of one column to a named distribution.
//!
//! Computes, by `test`: the one-sample Kolmogorov–Smirnov D and p (`scipy.stats.kstest`, exact
//! p for small n as scipy's `method='auto'`), Anderson–Darling A² with estimated parameters
//! for `normal`/`exponential` (`scipy.stats.anderson`, p interpolated), Cramér–von Mises W²
//! (`scipy.stats.cramervonmises`), or a chi-square over pooled bins for a discrete
//! distribution (`scipy.stats.chisquare` on the pmf's expected counts). The effect size is the
//! statistic (`√(χ²/n)` for chisquare), gated with the run's other p-values (see `settings`).
//!
//! ```yaml
//! - check: distribution_test
//!   column: x
//!   distribution: uniform
//!   params: {low: 0, high: 1}
//!   test: ks
//! ```

use super::arrays::{finite_values, numeric_array};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::settings::{is_false, Gate};
use super::summary::Values;
use super::{Figure, Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::anderson::{anderson, AdDist};
use crate::validate::stats::chi2::discrete_gof;
use crate::validate::stats::cvm::cramervonmises;
use crate::validate::stats::distributions::Dist;
use crate::validate::stats::ks::ks_1samp;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Goodness-of-fit test for `distribution_test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum GofTest {
    /// One-sample Kolmogorov–Smirnov (continuous; default).
    #[default]
    Ks,
    /// Anderson–Darling with estimated parameters (normal, exponential).
    Anderson,
    /// One-sample Cramér–von Mises (continuous).
    Cramervonmises,
    /// Chi-square with pooled bins (discrete distributions).
    Chisquare,
}

/// Goodness of fit of one column to a named distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionTest {
    /// Column tested.
    pub column: String,
    /// Distribution name (see `distributions` module doc for names/params).
    pub distribution: String,
    /// Person-named parameters. `anderson` estimates the parameters from the
    /// data and does not use these: with it they may be left out, and when
    /// given they are only checked (as for the other tests), so a typo or an
    /// impossible value is still refused.
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// Which test.
    #[serde(default)]
    pub test: GofTest,
    /// Significance level.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Maximum effect size for the effect-size gate.
    #[serde(default)]
    pub effect_size_max: Option<f64>,
    /// Gate rule.
    #[serde(default)]
    pub gate: Option<Gate>,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

impl DistributionTest {
    /// (test name, statistic, p) of the configured test on the finite values `x`.
    fn test(&self, x: &[f64]) -> Result<(String, f64, f64), String> {
        match self.test {
            GofTest::Anderson => {
                let which = match self.distribution.as_str() {
                    "normal" => Some(AdDist::Normal),
                    "exponential" => Some(AdDist::Exponential),
                    _ => None,
                };
                match which {
                    None => Err("anderson supports normal and exponential only".into()),
                    Some(w) => anderson(x, w)
                        .map(|r| ("anderson".into(), r.statistic, r.pvalue))
                        .map_err(|e| e.to_string()),
                }
            }
            GofTest::Cramervonmises => match Dist::from_params(&self.distribution, &self.params) {
                Ok(Dist::Continuous(dist)) => cramervonmises(x, &dist)
                    .map(|r| ("cramervonmises".into(), r.statistic, r.pvalue))
                    .map_err(|e| e.to_string()),
                Ok(Dist::Discrete(_)) => Err("cramervonmises needs a continuous distribution".into()),
                Err(e) => Err(e.to_string()),
            },
            GofTest::Ks => match Dist::from_params(&self.distribution, &self.params) {
                Ok(Dist::Continuous(dist)) => ks_1samp(x, &dist)
                    .map(|r| ("ks".into(), r.statistic, r.pvalue))
                    .map_err(|e| e.to_string()),
                Ok(Dist::Discrete(_)) => {
                    Err("ks needs a continuous distribution (use test: chisquare)".into())
                }
                Err(e) => Err(e.to_string()),
            },
            GofTest::Chisquare => match Dist::from_params(&self.distribution, &self.params) {
                Ok(Dist::Discrete(dist)) => discrete_gof(x, &dist)
                    .map(|r| ("chisquare".into(), r.statistic, r.pvalue))
                    .map_err(|e| e.to_string()),
                Ok(Dist::Continuous(_)) => Err("chisquare needs a discrete distribution".into()),
                Err(e) => Err(e.to_string()),
            },
        }
    }
}

impl Kind for DistributionTest {
    const NAME: &'static str = "distribution_test";
    type Summary = Values;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, true);
        c.alpha("alpha", self.alpha);
        c.gate(self.gate, self.effect_size_max);
        match (self.test, Dist::parse(&self.distribution, &self.params)) {
            (GofTest::Anderson, _)
                if !matches!(self.distribution.as_str(), "normal" | "exponential") =>
            {
                c.push(
                    "distribution",
                    "anderson supports normal and exponential".into(),
                    "use test: ks",
                );
            }
            (GofTest::Anderson, _) if self.params.is_empty() => {}
            (GofTest::Anderson, Ok(_)) => {}
            (GofTest::Anderson, Err(errs)) => {
                for (p, m) in errs {
                    c.push(
                        &p,
                        m,
                        "anderson estimates the parameters from the data and does not use \
                         `params`: remove `params`, or use test: ks to test these values",
                    );
                }
            }
            (_, Err(errs)) => {
                for (p, m) in errs {
                    c.push(&p, m, "see the distribution table in the docs");
                }
            }
            (GofTest::Chisquare, Ok(Dist::Continuous(_))) => c.push(
                "test",
                "chisquare needs a discrete distribution".into(),
                "use test: ks",
            ),
            (GofTest::Ks | GofTest::Cramervonmises, Ok(Dist::Discrete(_))) => c.push(
                "test",
                "KS/Cramér–von Mises need a continuous distribution".into(),
                "use test: chisquare",
            ),
            _ => {}
        }
    }

    fn skeleton(&self) -> CheckResult {
        let mut c = base(Self::NAME, &[&self.column]);
        c.detail.column = Some(self.column.clone());
        // The test's name as the spec spells it (the requirement's own serde name).
        c.detail.test = serde_json::to_value(self.test)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string));
        c
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Values, String> {
        numeric_array(block, &self.column).map(|a| Values(vec![a]))
    }

    fn evaluate(&self, values: Values, ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let x = match finite_values(&self.column, &values.0, self.drop_non_finite) {
            Ok(x) => x,
            Err(e) => return fail(c, e),
        };
        c.n = Some(x.len() as u64);
        let alpha = self.alpha.unwrap_or(ev.settings.default_alpha);
        c.alpha = Some(alpha);
        match self.test(&x) {
            Err(e) => fail(c, e),
            Ok((method, stat, p)) => {
                c.method = Some(method);
                c.statistic = Some(stat);
                c.p_value = Some(p);
                c.effect_size = Some(if self.test == GofTest::Chisquare {
                    (stat / (x.len() as f64)).sqrt()
                } else {
                    stat
                });
                ev.metric(Self::NAME, "statistic", stat);
                ev.metric(Self::NAME, "p_value", p);
                Outcome::gated(c, alpha, self.effect_size_max, self.gate)
            }
        }
    }

    fn figure(&self, values: &Values) -> Option<Figure> {
        let reference = match self.test {
            GofTest::Anderson => None,
            _ => Dist::from_params(&self.distribution, &self.params).ok(),
        };
        Some(Figure::sample(&self.column, values, reference))
    }
}
