//! `null_fraction`: the fraction of missing values (Arrow nulls, and NaN in a numeric column)
//! is at most `max`.
//!
//! Computes: `(nulls + NaNs) / rows` (pandas: `df[col].isna().mean()`). Counts are kept per
//! block and added, so blocks merge exactly.
//!
//! ```yaml
//! - check: null_fraction
//!   column: email
//!   max: 0.05
//! ```

use super::arrays::visit_numeric;
use super::data::column;
use arrow::array::Array;
use super::eval::{base, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Fraction of nulls (and NaN) at most `max`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NullFraction {
    /// Column.
    pub column: String,
    /// Maximum fraction.
    pub max: f64,
}

/// Nulls, NaNs and rows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Missing {
    nulls: usize,
    nan: usize,
    rows: usize,
}

impl Merge for Missing {
    fn merge(&mut self, next: Self) {
        self.nulls += next.nulls;
        self.nan += next.nan;
        self.rows += next.rows;
    }
}

impl Kind for NullFraction {
    const NAME: &'static str = "null_fraction";
    type Summary = Missing;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, false);
        if !(0.0..=1.0).contains(&self.max) {
            c.push(
                "max",
                format!("must be in [0, 1], got {}", self.max),
                "a fraction",
            );
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Missing, String> {
        let a = column(block, &self.column)?;
        let (nulls, rows) = (a.null_count(), a.len());
        let mut nan = 0usize;
        visit_numeric(a, |v| nan += usize::from(v.is_some_and(f64::is_nan)));
        Ok(Missing { nulls, nan, rows })
    }

    fn evaluate(&self, s: Missing, ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let frac = if s.rows == 0 {
            0.0
        } else {
            (s.nulls + s.nan) as f64 / s.rows as f64
        };
        ev.metric(Self::NAME, "null_fraction", frac);
        c.n = Some(s.rows as u64);
        c.expected = Some(self.max);
        c.observed = Some(frac);
        c.passed = frac <= self.max;
        c.message = format!("null fraction {frac:.6} (max {})", self.max);
        Outcome::decided(c)
    }
}
