//! What validation produces: one [`CheckResult`] per requirement and the run's
//! [`ValidationReport`] (status, violations in the seed's shape, metrics). The JSON these
//! serialize to is documented, and rendered for a terminal, by `report` (downstream: it reads
//! these types, they know nothing of it).

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
    /// The design document's names a violation of this check carries (not part of the check's
    /// own JSON: `checks` keeps its shape).
    #[serde(skip)]
    pub detail: ViolationDetail,
}

/// Kind-specific fields of a violation, named as the design document names them; each is
/// omitted from the JSON when absent. Set by the evaluation of the check kinds that have them.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ViolationDetail {
    /// relationship_check with one independent column: the expected slope.
    #[serde(skip_serializing_if = "not_finite", serialize_with = "finite")]
    pub expected_slope: Option<f64>,
    /// relationship_check with one independent column: the fitted slope (absent if the fit
    /// failed).
    #[serde(skip_serializing_if = "not_finite", serialize_with = "finite")]
    pub observed_slope: Option<f64>,
    /// distribution_test: the tested column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// distribution_test: the test as written in the spec (`ks`, `anderson`, `cramervonmises`,
    /// `chisquare`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
}

fn not_finite(v: &Option<f64>) -> bool {
    !v.is_some_and(f64::is_finite)
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
    /// The design document's kind-specific names (`expected_slope`, `observed_slope`;
    /// `column`, `test`), each omitted when absent.
    #[serde(flatten)]
    pub detail: ViolationDetail,
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
                detail: c.detail.clone(),
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
