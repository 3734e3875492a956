//! `correlation_check`: the correlation between two columns is within `tolerance` of
//! `expected`, and (with `alpha`) significant.
//!
//! Computes: Pearson's r (`scipy.stats.pearsonr`, with the Fisher-z 95 % interval as metrics),
//! Spearman's rho (`scipy.stats.spearmanr`) or Kendall's tau-b (`scipy.stats.kendalltau`), each
//! with its two-sided p. Rows with a null in either column are skipped.
//!
//! ```yaml
//! - check: correlation_check
//!   columns: [x, y]
//!   method: pearson
//!   expected: 0.9
//!   tolerance: 0.05
//! ```

use super::arrays::{numeric_array, paired_values};
use super::eval::{base, fail, within, Eval, Outcome};
use super::rules::Rules;
use super::settings::is_false;
use super::summary::Columns;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::correlation::{kendalltau, pearson_ci, pearsonr, spearmanr};
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Correlation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum CorrMethod {
    /// Pearson's r.
    #[default]
    Pearson,
    /// Spearman's rho.
    Spearman,
    /// Kendall's tau-b.
    Kendall,
}

/// Correlation between two columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrelationCheck {
    /// Exactly two columns.
    pub columns: Vec<String>,
    /// Coefficient.
    #[serde(default)]
    pub method: CorrMethod,
    /// Expected coefficient.
    pub expected: f64,
    /// Allowed |coef − expected|.
    pub tolerance: f64,
    /// If set, additionally require significance (p < alpha).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Drop NaN/inf rows instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

impl CorrelationCheck {
    fn names(&self) -> Vec<&str> {
        self.columns.iter().map(String::as_str).collect()
    }
}

impl Kind for CorrelationCheck {
    const NAME: &'static str = "correlation_check";
    type Summary = Columns;

    fn rules(&self, c: &mut Rules) {
        if self.columns.len() != 2 {
            c.push(
                "columns",
                format!("need exactly 2 columns, got {}", self.columns.len()),
                "columns: [a, b]",
            );
        }
        for (i, n) in self.columns.iter().enumerate() {
            c.col(&format!("columns[{i}]"), n, true);
        }
        if !(-1.0..=1.0).contains(&self.expected) {
            c.push(
                "expected",
                format!("must be in [-1, 1], got {}", self.expected),
                "a correlation coefficient",
            );
        }
        c.nonneg("tolerance", self.tolerance);
        c.alpha("alpha", self.alpha);
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &self.names())
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Columns, String> {
        if self.columns.len() != 2 {
            return Err("correlation_check needs exactly two columns".into());
        }
        self.names()
            .iter()
            .map(|n| numeric_array(block, n).map(|a| vec![a]))
            .collect::<Result<Vec<_>, _>>()
            .map(Columns)
    }

    fn evaluate(&self, cols: Columns, ev: &mut Eval) -> Outcome {
        let names = self.names();
        let c = self.skeleton();
        let data = match paired_values(&names, &cols.0, self.drop_non_finite) {
            Ok(d) => d,
            Err(e) => return fail(c, e),
        };
        let (x, y) = (&data[0], &data[1]);
        let mut c = c;
        c.n = Some(x.len() as u64);
        let res = match self.method {
            CorrMethod::Pearson => pearsonr(x, y),
            CorrMethod::Spearman => spearmanr(x, y),
            CorrMethod::Kendall => kendalltau(x, y),
        };
        let r = match res {
            Ok(r) => r,
            Err(e) => {
                let msg = e
                    .to_string()
                    .replace("`x`", &format!("`{}`", names[0]))
                    .replace("`y`", &format!("`{}`", names[1]));
                return fail(c, msg);
            }
        };
        ev.metric(Self::NAME, "r", r.statistic);
        if self.method == CorrMethod::Pearson {
            if let Ok((lo, hi)) = pearson_ci(r.statistic, x.len(), 0.95) {
                ev.metric(Self::NAME, "ci95_low", lo);
                ev.metric(Self::NAME, "ci95_high", hi);
            }
        }
        let mut c = within(c, self.expected, r.statistic, self.tolerance, "correlation");
        c.method = Some(format!("{:?}", self.method).to_lowercase());
        c.statistic = Some(r.statistic);
        c.p_value = Some(r.pvalue);
        if let Some(a) = self.alpha {
            c.alpha = Some(a);
            if r.pvalue >= a {
                c.passed = false;
                c.message = format!(
                    "correlation {:.6} not significant (p = {:.3e} >= {a})",
                    r.statistic, r.pvalue
                );
            }
        }
        Outcome::decided(c)
    }
}
