//! The violation fields named after the design document, through the real evaluation; the
//! expected numbers are exact by construction or read from the check the violation came from.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array};
use arrow::record_batch::RecordBatch;
use serde_json::{json, Value};

use super::{without_names_missing_from, ValidationReport};
use crate::validate::checks::{Requirement, ValidationSettings};

#[derive(serde::Deserialize)]
struct Spec {
    validation_requirements: Vec<Requirement>,
}

fn report(cols: Vec<(&str, Vec<f64>)>, yaml: &str) -> (ValidationReport, Value) {
    let reqs = serde_yaml_ng::from_str::<Spec>(&format!("validation_requirements:\n{yaml}"))
        .expect("requirements parse")
        .validation_requirements;
    let batch = RecordBatch::try_from_iter(
        cols.into_iter()
            .map(|(n, v)| (n, Arc::new(Float64Array::from(v)) as ArrayRef)),
    )
    .expect("batch");
    let rows = batch.num_rows() as u64;
    let r = crate::validate::validate(&batch, &[], rows, &reqs, &ValidationSettings::default());
    let v = serde_json::from_str(&r.to_json()).expect("report JSON");
    (r, v)
}

fn violation<'a>(v: &'a Value, check: &str) -> &'a serde_json::Map<String, Value> {
    v["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .find(|x| x["check"] == check)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no {check} violation in {v}"))
}

const GENERAL: [&str; 7] = [
    "check",
    "columns",
    "expected",
    "observed",
    "tolerance",
    "p_value",
    "message",
];

#[test]
fn a_relationship_violation_carries_expected_and_observed_slope_and_tolerance() {
    // y = 1.5x exactly: the fitted slope is 1.5, outside 2 ± 0.1.
    let x: Vec<f64> = (0..20).map(f64::from).collect();
    let y: Vec<f64> = x.iter().map(|x| 1.5 * x).collect();
    let (_, v) = report(
        vec![("x", x), ("y", y)],
        "  - relationship_check: {independent: x, dependent: y, expected_slope: 2.0, tolerance: 0.1}\n",
    );
    assert_eq!(v["status"], "FAILED");
    let rel = violation(&v, "relationship_check");
    assert_eq!(rel["expected_slope"], 2.0);
    assert_eq!(rel["tolerance"], 0.1);
    let observed = rel["observed_slope"].as_f64().expect("observed_slope");
    assert!((observed - 1.5).abs() < 1e-12, "{observed}");
    assert!(!rel.contains_key("column") && !rel.contains_key("test"));
    // The general fields are all still there.
    for k in GENERAL {
        assert!(rel.contains_key(k), "{k} missing: {rel:?}");
    }
}

#[test]
fn a_relationship_with_several_regressors_names_no_single_slope() {
    let x: Vec<f64> = (0..20).map(f64::from).collect();
    let z: Vec<f64> = x.iter().map(|x| (x * 7.0) % 5.0).collect();
    let y: Vec<f64> = x.iter().zip(&z).map(|(x, z)| x + z).collect();
    let (_, v) = report(
        vec![("x", x), ("z", z), ("y", y)],
        "  - relationship_check: {independent: [x, z], dependent: y, expected_slopes: [2, 1], tolerance: 0.1}\n",
    );
    let rel = violation(&v, "relationship_check");
    assert!(!rel.contains_key("expected_slope"), "{rel:?}");
    assert!(!rel.contains_key("observed_slope"), "{rel:?}");
}

#[test]
fn a_distribution_violation_carries_column_test_as_written_and_the_gating_p_value() {
    // 50 values crowded into [0.9, 1): far from U(0, 1) for every test.
    let x: Vec<f64> = (0..50).map(|i| 0.9 + f64::from(i) * 0.001).collect();
    for test in ["ks", "cramervonmises"] {
        let (r, v) = report(
            vec![("x", x.clone())],
            &format!(
                "  - distribution_test: {{column: x, distribution: uniform, params: {{min: 0, max: 1}}, test: {test}, alpha: 0.05}}\n"
            ),
        );
        let d = violation(&v, "distribution_test");
        assert_eq!(d["column"], "x");
        assert_eq!(d["test"], test);
        let check = r
            .checks
            .iter()
            .find(|c| c.check == "distribution_test")
            .unwrap();
        let p = d["p_value"].as_f64().expect("p_value");
        assert_eq!(
            Some(p),
            check.adjusted_p_value,
            "the p that gated the check"
        );
        assert!(p < 0.05, "{p}");
        assert!(!d.contains_key("expected_slope") && !d.contains_key("observed_slope"));
    }
}

#[test]
fn a_distribution_test_that_cannot_run_still_names_its_test() {
    // anderson supports normal and exponential only: the check fails without a p-value.
    let (_, v) = report(
        vec![("x", vec![0.1, 0.5, 0.9])],
        "  - distribution_test: {column: x, distribution: uniform, params: {min: 0, max: 1}, test: anderson}\n",
    );
    let d = violation(&v, "distribution_test");
    assert_eq!(d["test"], "anderson");
    assert_eq!(d["column"], "x");
    assert_eq!(d["p_value"], Value::Null);
}

#[test]
fn other_violations_keep_their_shape() {
    let (_, v) = report(
        vec![("x", vec![0.5, 2.0, 3.0])],
        "  - range_check: {column: x, min: 0, max: 1}\n",
    );
    let rc = violation(&v, "range_check");
    let mut keys: Vec<&str> = rc.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = GENERAL.to_vec();
    want.sort_unstable();
    assert_eq!(keys, want);
}

#[test]
fn checks_keep_their_shape() {
    let (_, v) = report(
        vec![("x", vec![0.1, 0.5, 0.9])],
        "  - distribution_test: {column: x, distribution: uniform, params: {min: 0, max: 1}}\n",
    );
    for c in v["checks"].as_array().unwrap() {
        let c = c.as_object().unwrap();
        assert!(
            !c.contains_key("test") && !c.contains_key("detail"),
            "{c:?}"
        );
    }
}

#[test]
fn names_an_older_report_lacks_are_dropped_from_the_rerun_and_others_kept() {
    let older = json!({
        "status": "FAILED",
        "metrics": {"rows": 3, "relationship_check[0].slope[x]": 1.5},
        "violations": [{"check": "relationship_check", "expected": 2.0}],
    });
    let rerun = json!({
        "status": "FAILED",
        "metrics": {"rows": 3, "relationship_check[0].slope[x]": 1.5, "estimated_slope": 1.5,
                    "mean_x": 0.5, "new_general_key": 1},
        "violations": [{"check": "relationship_check", "expected": 2.0,
                        "expected_slope": 2.0, "observed_slope": 1.5}],
    });
    let aligned = without_names_missing_from(&older, &rerun);
    assert_eq!(
        aligned["metrics"],
        json!({"rows": 3, "relationship_check[0].slope[x]": 1.5, "new_general_key": 1})
    );
    assert_eq!(
        aligned["violations"],
        json!([{"check": "relationship_check", "expected": 2.0}])
    );
    // A report that has the names keeps them, so they are compared.
    assert_eq!(without_names_missing_from(&rerun, &rerun), rerun);
}
