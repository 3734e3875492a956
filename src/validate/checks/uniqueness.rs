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

use super::arrays::{numeric_array, text_array, visit_numeric, visit_text};
use super::eval::{base, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// All non-null values distinct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uniqueness {
    /// Column.
    pub column: String,
}

/// Non-null values seen, and the distinct ones: numbers by their bits (`0.0` and `-0.0` are
/// one), text as is.
#[derive(Debug, Clone, PartialEq)]
pub enum Distinct {
    /// A numeric column.
    Numbers { n: usize, keys: HashSet<u64> },
    /// A text column.
    Texts { n: usize, keys: HashSet<String> },
}

impl Distinct {
    fn counts(&self) -> (usize, usize) {
        match self {
            Distinct::Numbers { n, keys } => (*n, keys.len()),
            Distinct::Texts { n, keys } => (*n, keys.len()),
        }
    }
}

impl Merge for Distinct {
    fn merge(&mut self, next: Self) {
        match (self, next) {
            (Distinct::Numbers { n, keys }, Distinct::Numbers { n: m, keys: k }) => {
                *n += m;
                keys.extend(k);
            }
            (Distinct::Texts { n, keys }, Distinct::Texts { n: m, keys: k }) => {
                *n += m;
                keys.extend(k);
            }
            // A column keeps its type in every block.
            _ => {}
        }
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
        if let Ok(a) = numeric_array(block, &self.column) {
            let (mut n, mut keys) = (0, HashSet::new());
            visit_numeric(&a, |v| {
                if let Some(x) = v {
                    n += 1;
                    keys.insert((x + 0.0).to_bits());
                }
            });
            return Ok(Distinct::Numbers { n, keys });
        }
        let a = text_array(block, &self.column)?;
        let (mut n, mut keys) = (0, HashSet::new());
        visit_text(&a, |v| {
            if let Some(s) = v {
                n += 1;
                if !keys.contains(s) {
                    keys.insert(s.to_string());
                }
            }
        });
        Ok(Distinct::Texts { n, keys })
    }

    fn evaluate(&self, s: Distinct, _ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let (n, distinct) = s.counts();
        c.n = Some(n as u64);
        c.observed = Some((n - distinct) as f64);
        c.expected = Some(0.0);
        c.passed = distinct == n;
        c.message = format!("{} duplicate value(s)", n - distinct);
        Outcome::decided(c)
    }
}
