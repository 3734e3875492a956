//! `range_check`: values within `[min, max]` for at least `mostly` of the non-null rows.
//!
//! Computes: the fraction of non-null values inside the closed interval (NaN counts as
//! outside); great_expectations' `expect_column_values_to_be_between(mostly=...)`. Counts are
//! kept per block and added, so blocks merge exactly.
//!
//! ```yaml
//! - check: range_check
//!   column: age
//!   min: 18
//!   max: 99
//!   mostly: 0.999
//! ```

use super::arrays::{numeric_array, visit_numeric};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Values within [min, max] for at least `mostly` of the non-null rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeCheck {
    /// Column.
    pub column: String,
    /// Lower bound (inclusive).
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound (inclusive).
    #[serde(default)]
    pub max: Option<f64>,
    /// Required fraction in range (default 1).
    #[serde(default)]
    pub mostly: Option<f64>,
}

/// Non-null values, and how many of them are in range.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InRange {
    inside: usize,
    total: usize,
}

impl Merge for InRange {
    fn merge(&mut self, next: Self) {
        self.inside += next.inside;
        self.total += next.total;
    }
}

impl RangeCheck {
    fn bounds(&self) -> (f64, f64) {
        (
            self.min.unwrap_or(f64::NEG_INFINITY),
            self.max.unwrap_or(f64::INFINITY),
        )
    }
}

impl Kind for RangeCheck {
    const NAME: &'static str = "range_check";
    type Summary = InRange;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, true);
        if self.min.is_none() && self.max.is_none() {
            c.push("min", "give min and/or max".into(), "e.g. {min: 0, max: 1}");
        }
        if let (Some(a), Some(b)) = (self.min, self.max) {
            if a > b {
                c.push("max", format!("min {a} > max {b}"), "swap them");
            }
        }
        if let Some(m) = self.mostly {
            if !(m > 0.0 && m <= 1.0) {
                c.push("mostly", format!("must be in (0, 1], got {m}"), "e.g. 0.99");
            }
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<InRange, String> {
        let (lo, hi) = self.bounds();
        let a = numeric_array(block, &self.column)?;
        let mut s = InRange::default();
        visit_numeric(&a, |v| {
            if let Some(v) = v {
                s.total += 1;
                s.inside += usize::from(v >= lo && v <= hi);
            }
        });
        Ok(s)
    }

    fn evaluate(&self, s: InRange, ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        if s.total == 0 {
            return fail(c, "no non-null values");
        }
        let (lo, hi) = self.bounds();
        let frac = s.inside as f64 / s.total as f64;
        let mostly = self.mostly.unwrap_or(1.0);
        ev.metric(Self::NAME, "fraction_in_range", frac);
        c.n = Some(s.total as u64);
        c.expected = Some(mostly);
        c.observed = Some(frac);
        c.passed = frac >= mostly;
        c.message = format!(
            "{:.4}% of values in [{lo}, {hi}] (need {:.4}%)",
            frac * 100.0,
            mostly * 100.0
        );
        Outcome::decided(c)
    }
}
