//! `allowed_values`: every non-null value is in the set.
//!
//! Computes: the values outside the set (the column read as text: int64 in decimal, bool as
//! `true`/`false`, string, category; see [`TEXT_KINDS`](super::TEXT_KINDS)), and names up to
//! five of them (the smallest, in byte order). pandas: `~s.dropna().isin(values)`. Counts and
//! the five smallest offenders are kept per block, so blocks merge exactly.
//!
//! ```yaml
//! - check: allowed_values
//!   column: plan
//!   values: [free, pro, enterprise]
//! ```

#[allow(unused_imports)] // the params' doc links to it (and the schema shows that doc)
use super::columns::TEXT_KINDS;
use super::arrays::{text_array, visit_text};
use super::eval::{base, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Offending values a message names.
const NAMED: usize = 5;

/// Every non-null value in the set. The column is read as text (int64, bool,
/// string or category; see [`TEXT_KINDS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedValues {
    /// Column.
    pub column: String,
    /// Allowed values (as strings; numbers are compared by their display).
    pub values: Vec<String>,
}

/// Non-null values, those not allowed, and the smallest distinct ones of those.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Offenders {
    n: usize,
    bad: usize,
    smallest: BTreeSet<String>,
}

impl Offenders {
    fn keep_smallest(&mut self) {
        while self.smallest.len() > NAMED {
            self.smallest.pop_last();
        }
    }
}

impl Merge for Offenders {
    fn merge(&mut self, next: Self) {
        self.n += next.n;
        self.bad += next.bad;
        self.smallest.extend(next.smallest);
        self.keep_smallest();
    }
}

impl Kind for AllowedValues {
    const NAME: &'static str = "allowed_values";
    type Summary = Offenders;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, false);
        c.text_col(
            "allowed_values",
            &self.column,
            "use range_check for a float64 or datetime64 column, or generate the values \
             as int64, string or category",
        );
        if self.values.is_empty() {
            c.push(
                "values",
                "empty list of allowed values".into(),
                "list at least one value",
            );
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Offenders, String> {
        let a = text_array(block, &self.column)?;
        let allowed: BTreeSet<&str> = self.values.iter().map(String::as_str).collect();
        let mut s = Offenders::default();
        visit_text(&a, |v| {
            let Some(v) = v else { return };
            s.n += 1;
            if !allowed.contains(v) {
                s.bad += 1;
                let kept = s.smallest.len() >= NAMED && s.smallest.last().is_some_and(|m| v >= m.as_str());
                if !kept && !s.smallest.contains(v) {
                    s.smallest.insert(v.to_string());
                    s.keep_smallest();
                }
            }
        });
        Ok(s)
    }

    fn evaluate(&self, s: Offenders, _ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        c.n = Some(s.n as u64);
        c.observed = Some(s.bad as f64);
        c.expected = Some(0.0);
        c.passed = s.bad == 0;
        c.message = if c.passed {
            "all values allowed".into()
        } else {
            let sample: Vec<&str> = s.smallest.iter().map(String::as_str).collect();
            format!(
                "{} value(s) not allowed, e.g. {}",
                s.bad,
                sample.join(", ")
            )
        };
        Outcome::decided(c)
    }
}
