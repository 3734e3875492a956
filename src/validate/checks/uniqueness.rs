//! `uniqueness`: every non-null value is distinct.
//!
//! Computes: the number of duplicates, non-null values minus distinct ones (pandas:
//! `s.dropna().duplicated().sum()`). Numbers compare by value (`0.0` and `-0.0` are one value);
//! text by its bytes. The distinct values are kept per block and united, so blocks merge
//! exactly.
//!
//! ```yaml
//! - check: uniqueness
//!   column: customer_id
//! ```

use super::data::{numeric, strings};
use super::eval::{base, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// All non-null values distinct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uniqueness {
    /// Column.
    pub column: String,
}

/// Non-null values seen, and the distinct ones (numbers by their bits, text as is).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Distinct {
    n: usize,
    keys: BTreeSet<String>,
}

impl Merge for Distinct {
    fn merge(&mut self, next: Self) {
        self.n += next.n;
        self.keys.extend(next.keys);
    }
}

impl Kind for Uniqueness {
    const NAME: &'static str = "uniqueness";
    type Summary = Distinct;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, false);
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Distinct, String> {
        let keys: Vec<String> = match numeric(block, &self.column) {
            Ok(v) => v
                .into_iter()
                .flatten()
                .map(|x| format!("{:016x}", (x + 0.0).to_bits()))
                .collect(),
            Err(_) => strings(block, &self.column)?.into_iter().flatten().collect(),
        };
        Ok(Distinct {
            n: keys.len(),
            keys: keys.into_iter().collect(),
        })
    }

    fn evaluate(&self, s: Distinct, _ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let (n, distinct) = (s.n, s.keys.len());
        c.n = Some(n as u64);
        c.observed = Some((n - distinct) as f64);
        c.expected = Some(0.0);
        c.passed = distinct == n;
        c.message = format!("{} duplicate value(s)", n - distinct);
        Outcome::decided(c)
    }
}
