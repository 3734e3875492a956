//! The PASSED/FAILED validation report and its terminal rendering.
//!
//! # JSON format
//! One object, printed by `sdg validate --json`, kept as an experiment's `report.json`, and
//! spread at the top level of `sdg run --json` (beside the run's own fields: `name`, `seed`,
//! `rows`, `dataset`, `fuel_used`, ...). `specs/README.md` ("Reports") says the same for users.
//! ```json
//! {
//!   "status": "PASSED" | "FAILED",
//!   "violations": [ {"check": "relationship_check", "columns": ["x","y"],
//!                    "expected": 2.0, "observed": 1.52, "tolerance": 0.2,
//!                    "p_value": null, "message": "...",
//!                    "expected_slope": 2.0, "observed_slope": 1.52},
//!                   {"check": "distribution_test", "columns": ["x"],
//!                    "expected": null, "observed": 0.06, "tolerance": null,
//!                    "p_value": 0.01, "message": "...",
//!                    "column": "x", "test": "ks"} ],      // only when FAILED
//!   "metrics": { "num_samples": 1000, "rows": 1000, "checks": 5, "checks_passed": 4,
//!                "mean_x": 0.498, "mean_y": 1.0, "estimated_slope": 2.03,
//!                "mean_noise": 0.01, "std_noise": 0.99,
//!                "relationship_check[2].slope[x]": 2.03,
//!                "relationship_check[2].r_squared": 0.25, ... },  // sorted keys
//!   "checks": [ {"check": ..., "columns": [...], "method": ..., "statistic": ...,
//!                "p_value": ..., "adjusted_p_value": ..., "n": ..., "alpha": ...,
//!                "effect_size": ..., "expected": ..., "observed": ..., "tolerance": ...,
//!                "passed": true, "message": "..."} ]          // in requirement order
//! }
//! ```
//! ## Metric keys
//! - `num_samples`, `rows`, `checks`, `checks_passed`: counts.
//! - `KIND[i].NAME`: per check, where `i` is the requirement's 0-based index in
//!   `validation_requirements` and `NAME` may itself carry a column (`slope[x]`) or a quantile
//!   key (`q0.5`).
//! - The design document's names (rules in [`crate::validate::document`]): `mean_<column>`
//!   for every float64/int64 column (mean of the non-null values; omitted if one is NaN/inf or
//!   none is left; no mean for datetime, bool, category, string); `estimated_slope` when the
//!   spec has one relationship_check with one independent column, else
//!   `estimated_slope[<dependent>~<independent>]`; `mean_noise` and `std_noise` (ddof = 1) of
//!   the residuals whenever the spec has a noise_mean_check or noise_std_check (qualified as
//!   `mean_noise[<dependent>]` if those checks use several relationship_checks; a `noise`
//!   column's mean yields to them). A key that would name two numbers is left out.
//!
//! ## Violation fields
//! Every violation has `check`, `columns`, `expected`, `observed` (else the statistic),
//! `tolerance`, `p_value` (the multiplicity-adjusted p of p-value-gated checks) and `message`.
//! Kind-specific fields ([`ViolationDetail`]), omitted when absent:
//! - `relationship_check` with one independent column: `expected_slope`, `observed_slope`
//!   (the fitted slope; absent if the fit failed). `tolerance` is the slope tolerance.
//! - `distribution_test`: `column` and `test` (`ks`, `anderson`, `cramervonmises`,
//!   `chisquare`, as in the spec); `p_value` as above.
//!
//! Absent numbers are `null` (or omitted, for the kind-specific fields); non-finite numbers
//! are never written. Key order is fixed by struct field order and `BTreeMap` (no hash maps).

pub use crate::validate::result::{
    CheckResult, Status, ValidationReport, Violation, ViolationDetail,
};

/// Whether a metric key is one of the design document's names (`mean_<column>`,
/// `estimated_slope…`, `mean_noise…`, `std_noise…`); the per-check keys are `KIND[i].NAME`
/// and the counts are `num_samples`, `rows`, `checks`, `checks_passed`, so none collides.
pub fn is_document_metric(key: &str) -> bool {
    ["mean_", "std_noise", "estimated_slope"]
        .iter()
        .any(|p| key.starts_with(p))
}

/// The violation fields named after the design document ([`ViolationDetail`]).
pub const DOCUMENT_VIOLATION_FIELDS: &[&str] =
    &["expected_slope", "observed_slope", "column", "test"];

/// `rerun` (a report's JSON) without the design document's names that `original` does not
/// have: a record written before sdg wrote them still compares value by value with its rerun
/// (`sdg audit`), while a name both have is compared like any other value.
pub fn without_names_missing_from(
    original: &serde_json::Value,
    rerun: &serde_json::Value,
) -> serde_json::Value {
    use serde_json::Value;
    let mut out = rerun.clone();
    if let (Some(Value::Object(new)), old) = (out.get_mut("metrics"), original.get("metrics")) {
        new.retain(|k, _| !is_document_metric(k) || old.and_then(|o| o.get(k)).is_some());
    }
    if let Some(Value::Array(new)) = out.get_mut("violations") {
        let old = original.get("violations").and_then(Value::as_array);
        for (i, v) in new.iter_mut().enumerate() {
            let before = old.and_then(|o| o.get(i));
            if let Value::Object(fields) = v {
                fields.retain(|k, _| {
                    !DOCUMENT_VIOLATION_FIELDS.contains(&k.as_str())
                        || before.and_then(|b| b.get(k)).is_some()
                });
            }
        }
    }
    out
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
    let named = document_metrics(report);
    if !named.is_empty() {
        out.push_str(&format!("metrics: {}\n", named.join(" ")));
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

/// The design document's metric names (`mean_<column>`, `estimated_slope`, `mean_noise`,
/// `std_noise`, and their qualified forms) as `name=value`, sorted by name. Column names come
/// from the spec: escaped like every other spec text.
fn document_metrics(report: &ValidationReport) -> Vec<String> {
    report
        .metrics
        .iter()
        .filter(|(k, _)| is_document_metric(k))
        .filter_map(|(k, v)| {
            Some(format!(
                "{}={}",
                crate::untrusted::terminal_line(k),
                num(Some(v.as_f64()?))
            ))
        })
        .collect()
}

#[cfg(test)]
#[cfg(test)]
mod tests;
