//! What a kind's evaluation works with and returns: the [`Eval`] context (its index in the spec,
//! the run's settings, the metrics it writes), the [`Outcome`] (a result, and for a p-value
//! check the [`Gated`] rule the runner applies after the multiple-testing adjustment), and the
//! small builders every kind uses ([`base`], [`fail`], [`within`]).

use super::settings::{Gate, ValidationSettings};
use crate::validate::result::CheckResult;
use serde_json::Value;
use std::collections::BTreeMap;

/// The run's metrics: `"<kind>[<index>].<name>"` → number.
pub type Metrics = BTreeMap<String, Value>;

/// What one requirement's evaluation may read and write.
pub struct Eval<'a> {
    /// The requirement's index in the spec's `validation_requirements`.
    pub index: usize,
    /// The run's settings (default alpha, multiple testing).
    pub settings: &'a ValidationSettings,
    /// The run's metrics, written through [`Eval::metric`].
    pub metrics: &'a mut Metrics,
}

impl Eval<'_> {
    /// Records `kind[index].name = v`; a non-finite value is left out (a report never holds one).
    pub fn metric(&mut self, kind: &str, name: &str, v: f64) {
        if v.is_finite() {
            self.metrics
                .insert(format!("{kind}[{}].{name}", self.index), Value::from(v));
        }
    }
}

/// The rule a p-value check is decided by once every p-value of the run is adjusted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gated {
    /// Significance level.
    pub alpha: f64,
    /// Maximum effect size, when the spec gives one.
    pub effect_size_max: Option<f64>,
    /// The spec's gate, when it names one.
    pub gate: Option<Gate>,
}

/// One requirement's evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The result (for a gated check, `passed` and `message` are set by the runner).
    pub check: CheckResult,
    /// For a p-value check: its gate.
    pub gated: Option<Gated>,
}

impl Outcome {
    /// A decided result.
    pub fn decided(check: CheckResult) -> Outcome {
        Outcome { check, gated: None }
    }

    /// A result the runner decides after the multiple-testing adjustment.
    pub fn gated(
        check: CheckResult,
        alpha: f64,
        effect_size_max: Option<f64>,
        gate: Option<Gate>,
    ) -> Outcome {
        Outcome {
            check,
            gated: Some(Gated {
                alpha,
                effect_size_max,
                gate,
            }),
        }
    }
}

/// An undecided result of `kind` over `columns`.
pub fn base(kind: &str, columns: &[&str]) -> CheckResult {
    CheckResult {
        check: kind.to_string(),
        columns: columns.iter().map(|s| s.to_string()).collect(),
        ..CheckResult::default()
    }
}

/// `c`, failed with `msg`.
pub fn fail(mut c: CheckResult, msg: impl Into<String>) -> Outcome {
    c.passed = false;
    c.message = msg.into();
    Outcome::decided(c)
}

/// `c`, passed iff `|observed − expected| ≤ tol`, with the numbers and a message about `what`.
pub fn within(
    mut c: CheckResult,
    expected: f64,
    observed: f64,
    tol: f64,
    what: &str,
) -> CheckResult {
    c.expected = Some(expected);
    c.observed = Some(observed);
    c.tolerance = Some(tol);
    c.effect_size = Some((observed - expected).abs());
    c.passed = (observed - expected).abs() <= tol;
    c.message = if c.passed {
        format!("{what} {observed:.6} within {tol} of {expected}")
    } else {
        format!("{what} {observed:.6} differs from {expected} by more than {tol}")
    };
    c
}
