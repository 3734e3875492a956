//! `relationship_check`: the linear relationship `dependent ≈ intercept + Σ slope·independent`.
//!
//! Computes: with one regressor, `scipy.stats.linregress` (slope, intercept, r, the slope's
//! two-sided p); with several, ordinary least squares (`numpy.linalg.lstsq` with an intercept
//! column; R² from the residual sum of squares). Passes when every slope is within `tolerance`
//! of its expected value, the intercept (when expected) within `intercept_tolerance`, and R²
//! at least `min_r_squared` (when given). The effect size is the largest slope error.
//!
//! ```yaml
//! - check: relationship_check
//!   type: linear_regression
//!   dependent: y
//!   independent: x
//!   expected_slope: 2.0
//!   tolerance: 0.1
//! ```

use super::arrays::{numeric_array, paired_values, rows};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::settings::{is_false, OneOrMany};
use super::summary::Columns;
use super::{Figure, Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::regression::{linregress, ols};
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The model a `relationship_check` fits: ordinary least squares is the only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipModel {
    /// `dependent ≈ intercept + Σ slope·independent`, least squares.
    LinearRegression,
}

/// Linear relationship `dependent ≈ intercept + slope·independent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationshipCheck {
    /// The model fitted (`linear_regression`, the default and only one).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub model: Option<RelationshipModel>,
    /// Regressor column(s).
    pub independent: OneOrMany,
    /// Response column.
    pub dependent: String,
    /// Expected slope (single regressor).
    #[serde(default)]
    pub expected_slope: Option<f64>,
    /// Expected slopes (several regressors, same order).
    #[serde(default)]
    pub expected_slopes: Option<Vec<f64>>,
    /// Allowed |slope − expected|.
    pub tolerance: f64,
    /// Expected intercept.
    #[serde(default)]
    pub expected_intercept: Option<f64>,
    /// Allowed |intercept − expected| (default: `tolerance`).
    #[serde(default)]
    pub intercept_tolerance: Option<f64>,
    /// Minimum R².
    #[serde(default)]
    pub min_r_squared: Option<f64>,
    /// Drop NaN/inf rows instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

impl RelationshipCheck {
    /// The independent columns, then the dependent.
    fn names(&self) -> Vec<&str> {
        let mut names = self.independent.names();
        names.push(&self.dependent);
        names
    }
}

impl Kind for RelationshipCheck {
    const NAME: &'static str = "relationship_check";
    type Summary = Columns;

    fn rules(&self, c: &mut Rules) {
        let names = self.independent.names();
        for (i, n) in names.iter().enumerate() {
            let p = if names.len() == 1 {
                "independent".to_string()
            } else {
                format!("independent[{i}]")
            };
            c.col(&p, n, true);
        }
        c.col("dependent", &self.dependent, true);
        c.nonneg("tolerance", self.tolerance);
        if let Some(t) = self.intercept_tolerance {
            c.nonneg("intercept_tolerance", t);
        }
        match (&self.expected_slope, &self.expected_slopes) {
            (Some(_), None) if names.len() == 1 => {}
            (None, Some(v)) if v.len() == names.len() => {}
            (None, None) => c.push(
                "expected_slope",
                "missing expected_slope / expected_slopes".into(),
                "one slope per independent column",
            ),
            _ => c.push(
                "expected_slopes",
                format!(
                    "need exactly one expected slope per independent column ({})",
                    names.len()
                ),
                "use expected_slope for one column, expected_slopes: [..] for several",
            ),
        }
        if let Some(m) = self.min_r_squared {
            if !(0.0..=1.0).contains(&m) {
                c.push(
                    "min_r_squared",
                    format!("must be in [0, 1], got {m}"),
                    "e.g. 0.5",
                );
            }
        }
    }

    fn skeleton(&self) -> CheckResult {
        let xs = self.independent.names();
        let mut c = base(Self::NAME, &self.names());
        c.detail.expected_slope = match (&self.expected_slope, &self.expected_slopes) {
            (Some(s), None) if xs.len() == 1 => Some(*s),
            (None, Some(v)) if xs.len() == 1 && v.len() == 1 => v.first().copied(),
            _ => None,
        };
        c
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Columns, String> {
        self.names()
            .iter()
            .map(|n| numeric_array(block, n).map(|a| vec![a]))
            .collect::<Result<Vec<_>, _>>()
            .map(Columns)
    }

    fn evaluate(&self, cols: Columns, ev: &mut Eval) -> Outcome {
        let kind = Self::NAME;
        let xs = self.independent.names();
        let names = self.names();
        let mut c = self.skeleton();
        let data = match paired_values(&names, &cols.0, self.drop_non_finite) {
            Ok(d) => d,
            Err(e) => return fail(c, e),
        };
        let Some((y, xcols)) = data.split_last() else {
            return fail(c, "no columns");
        };
        c.n = Some(y.len() as u64);
        let expected: Vec<f64> = match (&self.expected_slope, &self.expected_slopes) {
            (Some(s), None) => vec![*s],
            (None, Some(v)) => v.clone(),
            _ => {
                return fail(
                    c,
                    "give expected_slope (one column) or expected_slopes (several)",
                )
            }
        };
        if expected.len() != xcols.len() {
            return fail(c, "one expected slope per independent column is needed");
        }
        let fit = if xcols.len() == 1 {
            linregress(&xcols[0], y).map(|l| {
                c.p_value = Some(l.pvalue);
                (vec![l.slope], l.intercept, l.rvalue * l.rvalue)
            })
        } else {
            let refs: Vec<&[f64]> = xcols.iter().map(|c| c.as_ref()).collect();
            ols(&refs, y).map(|o| (o.coefficients[1..].to_vec(), o.coefficients[0], o.r_squared))
        };
        let (slopes, intercept, r2) = match fit {
            Ok(f) => f,
            Err(e) => {
                let msg = e
                    .to_string()
                    .replace("`x`", &format!("`{}`", xs.first().copied().unwrap_or("x")))
                    .replace("`y`", &format!("`{}`", self.dependent));
                return fail(c, msg);
            }
        };
        c.method = Some(if xcols.len() == 1 {
            "linregress".into()
        } else {
            "ols".into()
        });
        let mut problems = Vec::new();
        let mut worst = 0.0_f64;
        for (k, (s, e)) in slopes.iter().zip(&expected).enumerate() {
            let d = (s - e).abs();
            worst = worst.max(d);
            ev.metric(
                kind,
                &format!("slope[{}]", xs.get(k).copied().unwrap_or("?")),
                *s,
            );
            if d > self.tolerance {
                problems.push(format!(
                    "slope of `{}` is {s:.6}, expected {e} ± {}",
                    xs.get(k).copied().unwrap_or("?"),
                    self.tolerance
                ));
            }
        }
        ev.metric(kind, "intercept", intercept);
        ev.metric(kind, "r_squared", r2);
        if let Some(b0) = self.expected_intercept {
            let tol = self.intercept_tolerance.unwrap_or(self.tolerance);
            if (intercept - b0).abs() > tol {
                problems.push(format!(
                    "intercept is {intercept:.6}, expected {b0} ± {tol}"
                ));
            }
        }
        if let Some(mr) = self.min_r_squared {
            if r2 < mr {
                problems.push(format!("R² is {r2:.6}, below {mr}"));
            }
        }
        c.expected = expected.first().copied().filter(|_| expected.len() == 1);
        c.observed = slopes.first().copied().filter(|_| slopes.len() == 1);
        c.statistic = c.observed;
        c.detail.observed_slope = c.observed;
        c.tolerance = Some(self.tolerance);
        c.effect_size = Some(worst);
        c.passed = problems.is_empty();
        c.message = if c.passed {
            format!(
                "slope(s) {slopes:.6?} within {} of {expected:?}",
                self.tolerance
            )
        } else {
            problems.join("; ")
        };
        Outcome::decided(c)
    }

    fn figure(&self, cols: &Columns) -> Option<Figure> {
        let [x, y] = cols.0.as_slice() else {
            return None;
        };
        let slope = match (&self.expected_slope, &self.expected_slopes) {
            (Some(s), None) => *s,
            (None, Some(v)) if v.len() == 1 => v[0],
            _ => return None,
        };
        let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
        let points = rows(x)
            .into_iter()
            .zip(rows(y))
            .filter_map(|(a, b)| Some((finite(a)?, finite(b)?)))
            .collect();
        Some(Figure::Scatter {
            x: self.independent.names()[0].to_string(),
            y: self.dependent.clone(),
            points,
            expected: (self.expected_intercept.unwrap_or(0.0), slope),
        })
    }
}
