//! The report speaks the design document's names: `sdg run --json` on the bundled seed
//! examples carries `status`, `metrics` (`mean_x`, `estimated_slope`, `mean_noise`,
//! `std_noise`) and `violations` (`expected_slope`, `observed_slope`, `tolerance`) at its top
//! level; `sdg validate --json` prints the same report; and a record written before those
//! names existed still audits as reproduced.
//!
//! Every reference number is computed here from the dataset the run wrote (read with the
//! `parquet` crate, not sdg's reader): means by summation, the slope by the least-squares
//! formula Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², the noise as y − 2x (the spec's expected line, as
//! sdg's noise checks define the residuals) with the ddof = 1 standard deviation.

use std::path::{Path, PathBuf};
use std::process::Output;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::Float64Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

use crate::support::{repo, sdg};

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `sdg run --json` of a bundled example into `dir`, trusting only the project's signers (as
/// on a fresh machine); returns the output, its JSON and the dataset path.
fn run_example(dir: &Path, name: &str) -> (Output, Value, PathBuf) {
    let out = dir.join(format!("{name}.parquet"));
    let o = sdg()
        .env("XDG_CONFIG_HOME", dir)
        .env("SDG_EXPERIMENTS", dir.join("experiments"))
        .env_remove("SDG_ALLOWED_SIGNERS")
        .args(["run", "--json", "--out"])
        .arg(&out)
        .arg(repo(&format!("specs/{name}.yaml")))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    (o, v, out)
}

/// The `x` and `y` columns of a Parquet file.
fn read_xy(path: &Path) -> (Vec<f64>, Vec<f64>) {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        let col = |n: &str| {
            batch
                .column_by_name(n)
                .unwrap()
                .as_primitive::<Float64Type>()
                .values()
                .to_vec()
        };
        x.extend(col("x"));
        y.extend(col("y"));
    }
    (x, y)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn std_ddof1(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

fn ols_slope(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    sxy / sxx
}

/// The metric, which must be present and agree with the reference to 1e-9 (relative).
fn agrees(v: &Value, key: &str, reference: f64) -> f64 {
    let got = v["metrics"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("metrics.{key} missing: {}", v["metrics"]));
    assert!(
        (got - reference).abs() <= 1e-9 * reference.abs().max(1.0),
        "metrics.{key} = {got}, computed from the dataset: {reference}"
    );
    got
}

#[test]
fn seed_linear_run_json_has_status_metrics_and_the_documents_metric_names_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let (o, v, data) = run_example(dir.path(), "seed_linear");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(v["status"], "PASSED");
    assert!(
        v.get("violations").is_none(),
        "PASSED has no violations: {v}"
    );
    assert!(v.get("validation").is_none(), "no nested copy: {v}");
    assert!(v["checks"].is_array(), "{v}");

    let (x, y) = read_xy(&data);
    assert_eq!(v["metrics"]["rows"], x.len());
    let mean_x = agrees(&v, "mean_x", mean(&x));
    assert!((mean_x - 0.5).abs() < 0.02, "mean_x = {mean_x}");
    agrees(&v, "mean_y", mean(&y));
    let slope = agrees(&v, "estimated_slope", ols_slope(&x, &y));
    assert!((slope - 2.0).abs() < 0.05, "estimated_slope = {slope}");
    let noise: Vec<f64> = x.iter().zip(&y).map(|(a, b)| b - 2.0 * a).collect();
    agrees(&v, "mean_noise", mean(&noise));
    agrees(&v, "std_noise", std_ddof1(&noise));
    // The per-check keys are still there beside them.
    assert!(v["metrics"]["relationship_check[2].slope[x]"].is_f64());
}

#[test]
fn seed_linear_slope_fails_run_json_names_expected_and_observed_slope() {
    let dir = tempfile::tempdir().unwrap();
    let (o, v, data) = run_example(dir.path(), "seed_linear_slope_fails");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(v["status"], "FAILED");
    let rel = v["violations"]
        .as_array()
        .unwrap_or_else(|| panic!("violations at the top level: {v}"))
        .iter()
        .find(|x| x["check"] == "relationship_check")
        .unwrap_or_else(|| panic!("a relationship_check violation: {v}"));
    // expected_slope and tolerance are the spec's (2.0 ± 0.1).
    assert_eq!(rel["expected_slope"], 2.0, "{rel}");
    assert_eq!(rel["tolerance"], 0.1, "{rel}");
    let (x, y) = read_xy(&data);
    let reference = ols_slope(&x, &y);
    let observed = rel["observed_slope"].as_f64().expect("observed_slope");
    assert!(
        (observed - reference).abs() <= 1e-9 * reference.abs(),
        "observed_slope {observed}, computed from the dataset: {reference}"
    );
    assert!((observed - 2.0).abs() > 0.1, "{observed}");
    // The general fields stay beside the document's.
    assert_eq!(rel["expected"], 2.0);
    assert_eq!(rel["observed"], rel["observed_slope"]);
}

#[test]
fn validate_json_prints_the_same_report_as_run() {
    let dir = tempfile::tempdir().unwrap();
    let spec = repo("specs/seed_linear_slope_fails.yaml");
    let (_, run, data) = run_example(dir.path(), "seed_linear_slope_fails");
    let o = sdg()
        .args(["validate", "--json", "--spec"])
        .arg(&spec)
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let validate: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fields: Vec<&String> = validate.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["status", "violations", "metrics", "checks"]);
    for f in fields {
        assert_eq!(validate[f], run[f], "{f}");
    }
}

/// Removes the design document's names from a report, as sdg wrote it before they existed.
fn strip_document_names(report: &mut Value) {
    let doc_metric = |k: &str| {
        k.starts_with("mean_") || k.starts_with("std_noise") || k.starts_with("estimated_slope")
    };
    report["metrics"]
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !doc_metric(k));
    if let Some(list) = report.get_mut("violations").and_then(Value::as_array_mut) {
        for v in list {
            let v = v.as_object_mut().unwrap();
            for f in ["expected_slope", "observed_slope", "column", "test"] {
                v.remove(f);
            }
        }
    }
}

/// Rewrites a record's `report.json` and the hash its `record.json` keeps of it.
fn rewrite_report(folder: &Path, report: &Value) {
    use std::os::unix::fs::PermissionsExt;
    let mut bytes = serde_json::to_vec_pretty(report).unwrap();
    bytes.push(b'\n');
    let (rep, rec) = (folder.join("report.json"), folder.join("record.json"));
    for p in [&rep, &rec] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut record: Value = serde_json::from_slice(&std::fs::read(&rec).unwrap()).unwrap();
    record["report_sha256"] = Value::from(sdg::experiments::fsutil::sha256_hex(&bytes));
    std::fs::write(&rep, bytes).unwrap();
    std::fs::write(&rec, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
}

#[test]
fn a_record_without_the_documents_names_still_audits_and_names_are_compared_when_present() {
    let dir = tempfile::tempdir().unwrap();
    let experiments = dir.path().join("experiments");
    let audit = |id: &str| {
        let o = sdg()
            .env("SDG_EXPERIMENTS", &experiments)
            .args(["audit", id, "--json"])
            .output()
            .unwrap();
        let v: Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
        (o, v)
    };
    let o = sdg()
        .env("SDG_EXPERIMENTS", &experiments)
        .args(["run", "--yes", "--json", "--rows", "3000", "--out"])
        .arg(dir.path().join("d.parquet"))
        .arg(repo("specs/seed_linear_slope_fails.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let id = serde_json::from_slice::<Value>(&o.stdout).unwrap()["experiment"]
        .as_str()
        .unwrap()
        .to_string();
    let folder = experiments.join(&id);
    let report: Value =
        serde_json::from_slice(&std::fs::read(folder.join("report.json")).unwrap()).unwrap();
    assert!(report["metrics"]["estimated_slope"].is_f64(), "{report}");

    // As an older sdg wrote it: no document names anywhere.
    let mut older = report.clone();
    strip_document_names(&mut older);
    assert_ne!(older, report);
    rewrite_report(&folder, &older);
    let (o, v) = audit(&id);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(v["status"], "REPRODUCED", "{v}");

    // A record that has a name still has it compared.
    let mut forged = report.clone();
    forged["metrics"]["mean_x"] = Value::from(0.125);
    rewrite_report(&folder, &forged);
    let (o, v) = audit(&id);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(v["status"], "NOT_REPRODUCED", "{v}");
    assert!(v.to_string().contains("/metrics/mean_x"), "{v}");
}
