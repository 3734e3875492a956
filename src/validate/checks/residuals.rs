//! The residuals the noise checks (`noise_mean_check`, `noise_std_check`,
//! `residual_normality`) test: `y − expected_intercept − Σ expected_slope·x` of the spec's
//! single `relationship_check`, or of the one selected by `relationship: <index among
//! relationship_checks>` when there are several. A missing `expected_intercept` counts as 0
//! (subtracting the fitted intercept would force the residual mean to exactly 0 and make
//! `noise_mean_check` vacuous).

use super::arrays::{numeric_array, paired_values};
use super::eval::{base, fail, Outcome};
use super::summary::{Columns, Merge};
use super::{RelationshipCheck, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;

/// What the residuals are computed from: the relationship_check's columns (independent ones,
/// then the dependent), row order, and its expected line.
#[derive(Debug, Clone)]
pub struct ResidualData {
    names: Vec<String>,
    columns: Columns,
    slopes: Vec<f64>,
    intercept: f64,
    drop_non_finite: bool,
}

impl Merge for ResidualData {
    fn merge(&mut self, next: Self) {
        self.columns.merge(next.columns);
    }
}

/// The relationship_check `which` selects (see module doc).
fn relationship(reqs: &[Requirement], which: Option<usize>) -> Result<&RelationshipCheck, String> {
    let rel: Vec<&RelationshipCheck> = reqs
        .iter()
        .filter_map(|r| match r {
            Requirement::RelationshipCheck(r) => Some(r),
            _ => None,
        })
        .collect();
    match (which, rel.as_slice()) {
        (Some(i), list) => list.get(i).copied().ok_or_else(|| {
            format!(
                "relationship: {i} but the spec has {} relationship_check(s)",
                list.len()
            )
        }),
        (None, [one]) => Ok(*one),
        (None, []) => Err("no relationship_check to take residuals from".into()),
        (None, _) => {
            Err("several relationship_checks: say which with `relationship: <index>`".into())
        }
    }
}

impl ResidualData {
    /// Reads what the residuals of block `batch` need.
    pub fn read(
        batch: &RecordBatch,
        reqs: &[Requirement],
        which: Option<usize>,
    ) -> Result<ResidualData, String> {
        let r = relationship(reqs, which)?;
        let xs = r.independent.names();
        let slopes: Vec<f64> = match (&r.expected_slope, &r.expected_slopes) {
            (Some(s), None) => vec![*s],
            (None, Some(v)) => v.clone(),
            _ => return Err("relationship_check needs expected_slope or expected_slopes".into()),
        };
        if slopes.len() != xs.len() {
            return Err("one expected slope per independent column is needed".into());
        }
        let mut names: Vec<&str> = xs.clone();
        names.push(&r.dependent);
        let cols = names
            .iter()
            .map(|n| numeric_array(batch, n).map(|a| vec![a]))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ResidualData {
            names: names.iter().map(|s| s.to_string()).collect(),
            columns: Columns(cols),
            slopes,
            intercept: r.expected_intercept.unwrap_or(0.0),
            drop_non_finite: r.drop_non_finite,
        })
    }

    /// The columns (independent ones, then the dependent) and the residuals, row order.
    pub fn residuals(self) -> Result<(Vec<String>, Vec<f64>), String> {
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let data = paired_values(&names, &self.columns.0, self.drop_non_finite)?;
        let (y, xcols) = data.split_last().ok_or("no columns")?;
        let b0 = self.intercept;
        let res = (0..y.len())
            .map(|i| {
                y[i] - b0
                    - xcols
                        .iter()
                        .zip(&self.slopes)
                        .map(|(x, s)| s * x[i])
                        .sum::<f64>()
            })
            .collect();
        Ok((self.names, res))
    }
}

impl ResidualData {
    /// For a residual check of `kind`: its result skeleton over the residuals' columns, and the
    /// residuals; a failure to compute them is the check's failed result (over no columns).
    pub fn for_check(self, kind: &str) -> Result<(CheckResult, Vec<f64>), Box<Outcome>> {
        match self.residuals() {
            Ok((cols, res)) => {
                let names: Vec<&str> = cols.iter().map(String::as_str).collect();
                Ok((base(kind, &names), res))
            }
            Err(e) => Err(Box::new(fail(base(kind, &[]), e))),
        }
    }
}

/// The residuals of `batch` (see module doc): the columns they come from, and their values.
pub fn residuals(
    batch: &RecordBatch,
    reqs: &[Requirement],
    which: Option<usize>,
) -> Result<(Vec<String>, Vec<f64>), String> {
    ResidualData::read(batch, reqs, which)?.residuals()
}
