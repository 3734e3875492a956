//! The `sdg` binary end to end: exit codes, JSON, atomic output.

use crate::support::{repo, sdg};

#[test]
fn runs_the_seed_spec_to_parquet_with_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.parquet");
    let o = sdg()
        .args(["run", "--rows", "100000", "--seed", "42", "--json", "--out"])
        .arg(&out)
        .arg(repo("specs/seed_linear.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows"], 100000);
    assert_eq!(v["status"], "PASSED");
    // The validation report is at the top level (no nested copy).
    assert!(v.get("validation").is_none(), "{v}");
    assert_eq!(v["metrics"]["rows"], 100000);
    assert_eq!(v["dataset"]["rows"], 100000);
    assert!(v["fuel_used"].as_u64().unwrap() > 0);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    // No temporary files are left beside the dataset.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_stopped_run_exits_3_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("loop.py");
    std::fs::write(
        &code,
        "def generate_data(num_samples, seed):\n    while True:\n        pass\n",
    )
    .unwrap();
    let out = dir.path().join("never.parquet");
    let o = sdg()
        .args(["run", "--yes", "--json", "--rows", "10", "--code"])
        .arg(&code)
        .arg("--out")
        .arg(&out)
        .arg(repo("specs/seed_linear.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "deadline");
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.yaml");
    std::fs::write(&spec, "code_contract: [not, a, mapping]\n").unwrap();
    let o = sdg().arg("run").arg(&spec).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("error[type]: expected a mapping, found a list\n"),
        "{err}"
    );
    assert!(err.contains("bad.yaml:1:16"), "{err}");
    let o = sdg()
        .args(["run", "--rows", "0"])
        .arg(repo("specs/seed_linear.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Refused by the flag's parser (issue 10, item 5): the flag and its range are named.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("'--rows <N>'") && err.contains("1..="),
        "{err}"
    );
    let o = sdg().args(["run", "--bogus"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn python_errors_exit_3_with_the_traceback() {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("div.py");
    std::fs::write(
        &code,
        "def generate_data(num_samples, seed):\n    return 1 / 0\n",
    )
    .unwrap();
    let o = sdg()
        .args(["run", "--yes", "--rows", "5", "--code"])
        .arg(&code)
        .arg("--out")
        .arg(dir.path().join("x.csv"))
        .args(["--format", "csv"])
        .arg(repo("specs/seed_linear.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error: the generator raised ZeroDivisionError: division by zero"),
        "{err}"
    );
    assert!(err.contains("| ZeroDivisionError"), "{err}");
    assert!(err.contains("hint: "), "{err}");
}
