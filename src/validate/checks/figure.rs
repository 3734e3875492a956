//! What a figure of a check needs, as data (the HTML report draws it): a check exposes its
//! [`Figure`] from the same merged summary it is evaluated from, so the picture shows exactly
//! the values the verdict was computed on.

use super::arrays::visit_numeric;
use super::summary::Values;
use crate::validate::stats::distributions::Dist;

/// The data of one check's figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// A sample, and the distribution it should follow when the check names one: a histogram
    /// against the pdf/pmf, the ECDF against the CDF, a Q–Q plot.
    Sample {
        /// The column.
        column: String,
        /// Its values, row order: nulls and non-finite values left out.
        values: Vec<f64>,
        /// The reference distribution, with the spec's parameters.
        reference: Option<Dist>,
    },
    /// Points `(x, y)` with the expected line `y = intercept + slope·x` (the fitted line is
    /// computed from the points).
    Scatter {
        /// The regressor.
        x: String,
        /// The response.
        y: String,
        /// Row-order pairs, rows with a null or non-finite value left out.
        points: Vec<(f64, f64)>,
        /// `(intercept, slope)` the spec expects (a missing intercept is 0).
        expected: (f64, f64),
    },
    /// Category counts against the expected shares.
    Bars {
        /// The column.
        column: String,
        /// `(category, observed count, expected share)`, in the spec's order.
        bars: Vec<(String, u64, f64)>,
        /// Values outside the listed categories.
        unexpected: u64,
    },
}

impl Figure {
    /// The sample figure of `column`'s values (nulls and non-finite values left out).
    pub fn sample(column: &str, values: &Values, reference: Option<Dist>) -> Figure {
        Figure::Sample {
            column: column.to_string(),
            values: {
                let mut out = Vec::new();
                for a in &values.0 {
                    visit_numeric(a, |v| out.extend(v.filter(|x| x.is_finite())));
                }
                out
            },
            reference,
        }
    }
}
