//! The PASSED/FAILED validation report and its terminal rendering.
//!
//! # JSON format
//! ```json
//! {
//!   "status": "PASSED" | "FAILED",
//!   "violations": [ {"check": "relationship_check", "columns": ["x","y"],
//!                    "expected": 1.5, "observed": 2.01, "tolerance": 0.1,
//!                    "p_value": null, "message": "..."} ],   // only when FAILED
//!   "metrics": { "num_samples": 1000, "rows": 1000, "checks": 5, "checks_passed": 4,
//!                "relationship_check[2].slope[x]": 2.01,
//!                "relationship_check[2].r_squared": 0.25, ... },  // sorted keys
//!   "checks": [ {"check": ..., "columns": [...], "method": ..., "statistic": ...,
//!                "p_value": ..., "adjusted_p_value": ..., "n": ..., "alpha": ...,
//!                "effect_size": ..., "expected": ..., "observed": ..., "tolerance": ...,
//!                "passed": true, "message": "..."} ]          // in requirement order
//! }
//! ```
//! Per-check metric keys are `KIND[i].NAME`, where `i` is the requirement's
//! 0-based index in `validation_requirements` and `NAME` may itself carry a
//! column (`slope[x]`) or a quantile key (`q0.5`).
//! Absent numbers are `null`; non-finite numbers are serialised as `null`.
//! Key order is fixed by struct field order and `BTreeMap` (no hash maps).

use serde::Serialize;
use std::collections::BTreeMap;

/// Overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Every check passed.
    #[serde(rename = "PASSED")]
    Passed,
    /// At least one check failed.
    #[serde(rename = "FAILED")]
    Failed,
}

fn finite<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.is_finite() => s.serialize_f64(*x),
        _ => s.serialize_none(),
    }
}

/// Result of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CheckResult {
    /// Requirement kind, e.g. `distribution_test`.
    pub check: String,
    /// Columns involved.
    pub columns: Vec<String>,
    /// Statistical method, e.g. `ks`, `linregress`.
    pub method: Option<String>,
    /// Test statistic or measured value.
    #[serde(serialize_with = "finite")]
    pub statistic: Option<f64>,
    /// Raw p-value.
    #[serde(serialize_with = "finite")]
    pub p_value: Option<f64>,
    /// p-value after the multiple-testing adjustment.
    #[serde(serialize_with = "finite")]
    pub adjusted_p_value: Option<f64>,
    /// Sample size used.
    pub n: Option<u64>,
    /// Significance level.
    #[serde(serialize_with = "finite")]
    pub alpha: Option<f64>,
    /// Effect size (KS D, A², √(χ²/n), Cramér's V, |slope − expected|, ...).
    #[serde(serialize_with = "finite")]
    pub effect_size: Option<f64>,
    /// Expected value (when the check compares against one).
    #[serde(serialize_with = "finite")]
    pub expected: Option<f64>,
    /// Observed value.
    #[serde(serialize_with = "finite")]
    pub observed: Option<f64>,
    /// Tolerance.
    #[serde(serialize_with = "finite")]
    pub tolerance: Option<f64>,
    /// Outcome.
    pub passed: bool,
    /// Human-readable explanation.
    pub message: String,
}

/// A failed check, in the seed's shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Requirement kind.
    pub check: String,
    /// Columns involved.
    pub columns: Vec<String>,
    /// Expected value.
    #[serde(serialize_with = "finite")]
    pub expected: Option<f64>,
    /// Observed value.
    #[serde(serialize_with = "finite")]
    pub observed: Option<f64>,
    /// Tolerance.
    #[serde(serialize_with = "finite")]
    pub tolerance: Option<f64>,
    /// Adjusted p-value of p-value-gated checks (null otherwise).
    #[serde(serialize_with = "finite")]
    pub p_value: Option<f64>,
    /// Explanation.
    pub message: String,
}

/// Whole-run report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationReport {
    /// PASSED / FAILED.
    pub status: Status,
    /// Failed checks (omitted when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// Headline numbers, sorted by key.
    pub metrics: BTreeMap<String, serde_json::Value>,
    /// Every check in requirement order.
    pub checks: Vec<CheckResult>,
}

impl ValidationReport {
    /// Builds the report (status, violations, count metrics) from checks.
    pub fn from_checks(
        checks: Vec<CheckResult>,
        mut metrics: BTreeMap<String, serde_json::Value>,
    ) -> Self {
        let violations: Vec<Violation> = checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| Violation {
                check: c.check.clone(),
                columns: c.columns.clone(),
                expected: c.expected,
                observed: c.observed.or(c.statistic),
                tolerance: c.tolerance,
                // Only p-value-gated checks carry a (multiplicity-adjusted) p here;
                // e.g. linregress' slope p-value is informational (see `checks`).
                p_value: c.adjusted_p_value,
                message: c.message.clone(),
            })
            .collect();
        metrics.insert("checks".into(), checks.len().into());
        metrics.insert(
            "checks_passed".into(),
            checks.iter().filter(|c| c.passed).count().into(),
        );
        ValidationReport {
            status: if violations.is_empty() {
                Status::Passed
            } else {
                Status::Failed
            },
            violations,
            metrics,
            checks,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        crate::untrusted::to_json_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e6) => format!("{x:.3e}"),
        Some(x) => format!("{x:.4}"),
        None => "-".into(),
    }
}

/// One line per check with ✓/✗ and key numbers; ANSI colour only if `color`. Check names,
/// columns, methods and messages come from the spec (a file): each is escaped to one inert
/// line ([`crate::untrusted::terminal_line`]), so the only control sequences in the result are
/// the four SGR codes written here.
pub fn render_terminal(report: &ValidationReport, color: bool) -> String {
    use crate::untrusted::terminal_line as line;
    let (g, r, b, z) = if color {
        ("\x1b[32m", "\x1b[31m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    for c in &report.checks {
        let (mark, col) = if c.passed { ("✓", g) } else { ("✗", r) };
        let columns: Vec<_> = c.columns.iter().map(|s| line(s)).collect();
        let mut text = format!("{col}{mark}{z} {} [{}]", line(&c.check), columns.join(", "));
        if let Some(m) = &c.method {
            text.push_str(&format!(" {}", line(m)));
        }
        if c.statistic.is_some() {
            text.push_str(&format!(" stat={}", num(c.statistic)));
        }
        if c.p_value.is_some() {
            text.push_str(&format!(" p={}", num(c.p_value)));
        }
        if c.adjusted_p_value.is_some() && c.adjusted_p_value != c.p_value {
            text.push_str(&format!(" p_adj={}", num(c.adjusted_p_value)));
        }
        if c.expected.is_some() {
            text.push_str(&format!(
                " expected={} observed={}",
                num(c.expected),
                num(c.observed)
            ));
        }
        if c.tolerance.is_some() {
            text.push_str(&format!(" tol={}", num(c.tolerance)));
        }
        if let Some(n) = c.n {
            text.push_str(&format!(" n={n}"));
        }
        if !c.passed && !c.message.is_empty() {
            text.push_str(&format!(" — {}", line(&c.message)));
        }
        out.push_str(&text);
        out.push('\n');
    }
    let status = match report.status {
        Status::Passed => format!("{b}{g}PASSED{z}"),
        Status::Failed => format!("{b}{r}FAILED{z}"),
    };
    let passed = report.checks.iter().filter(|c| c.passed).count();
    out.push_str(&format!(
        "{status} ({passed}/{} checks passed)\n",
        report.checks.len()
    ));
    out
}
