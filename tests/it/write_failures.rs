//! A run whose output cannot be written — the dataset or the experiment record — fails with
//! exit 4, a named error kind in `--json`, a hint about the disk or destination (never about the
//! guest), no temporary files, no half record, and the previous dataset and records intact.
//! Real mechanisms only, all binding on root: RLIMIT_FSIZE (EFBIG) and a path through a regular
//! file (ENOTDIR).

use std::fs;

use serde_json::Value;

use sdg::experiments::ExperimentStore;

use crate::project::{entries, json, snapshot, text, Project};

/// A project with one recorded run (seed 1) whose dataset is at `out`.
fn with_previous_run(out: &str, extra: &[&str]) -> Project {
    let p = Project::new();
    let o = p.run(1, 10, out, extra).output().unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    p
}

/// The error object of a failed `--json` run, after checking the exit code is 4.
fn error_of(o: &std::process::Output) -> Value {
    assert_eq!(o.status.code(), Some(4), "{}", text(o));
    let v = json(o);
    assert_eq!(v["status"], "ERROR", "{v}");
    assert_eq!(v["exit_code"], 4, "{v}");
    v["error"].clone()
}

/// No `.partial` file beside the dataset, no `.tmp-*` folder among the records, and every
/// record still verifies.
fn clean_and_intact(p: &Project) {
    let partial: Vec<String> = entries(p.dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
    let tmp: Vec<String> = entries(&p.experiments())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(tmp.is_empty(), "half records left: {tmp:?}");
    let store = ExperimentStore::new(p.experiments());
    let listing = store.list().unwrap();
    assert!(listing.warnings.is_empty(), "{:?}", listing.warnings);
    for s in listing.experiments {
        store.load(&s.id).unwrap().verify_files().unwrap();
    }
}

fn hint(e: &Value) -> &str {
    e["hint"].as_str().unwrap_or_else(|| panic!("no hint: {e}"))
}

#[cfg(unix)]
#[test]
fn a_dataset_past_the_file_size_limit_exits_4_with_a_size_limit_hint() {
    let p = with_previous_run("data.parquet", &[]);
    let before_out = fs::read(p.path("data.parquet")).unwrap();
    let before_records = snapshot(&p.experiments());
    // 2000 rows of two float64 columns are far more than 1 KiB of Parquet.
    let mut cmd = p.run(2, 2000, "data.parquet", &[]);
    crate::project::limit_file_size(&mut cmd, 1024);
    let o = cmd.output().unwrap();
    let e = error_of(&o);
    assert_eq!(e["kind"], "write", "{e}");
    let h = hint(&e);
    assert!(h.contains("file size limit"), "{h}");
    assert!(h.contains("--out"), "{h}");
    assert!(!h.contains("guest"), "{h}");
    assert_eq!(fs::read(p.path("data.parquet")).unwrap(), before_out);
    assert_eq!(snapshot(&p.experiments()), before_records, "no new record");
    clean_and_intact(&p);
}

#[cfg(unix)]
#[test]
fn a_record_past_the_file_size_limit_exits_4_and_keeps_the_previous_dataset() {
    let p = with_previous_run("data.csv", &["--format", "csv"]);
    let before_out = fs::read(p.path("data.csv")).unwrap();
    // The size of seed 2's CSV, from a run to another path: the limit lets the dataset be
    // written in full, and stops the record's first file (the spec, larger).
    let o = p
        .run(2, 10, "probe.csv", &["--format", "csv"])
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    let limit = json(&o)["dataset"]["bytes"].as_u64().unwrap();
    let spec_len = fs::metadata(crate::project::seed_spec()).unwrap().len();
    assert!(
        limit < spec_len,
        "the test needs the dataset ({limit} B) smaller than the spec ({spec_len} B)"
    );
    let before_records = snapshot(&p.experiments());
    let mut cmd = p.run(2, 10, "data.csv", &["--format", "csv"]);
    crate::project::limit_file_size(&mut cmd, limit);
    let o = cmd.output().unwrap();
    let e = error_of(&o);
    assert_eq!(e["kind"], "record_io", "{e}");
    let h = hint(&e);
    assert!(h.contains("file size limit"), "{h}");
    assert!(h.contains("experiments folder"), "{h}");
    assert_eq!(
        fs::read(p.path("data.csv")).unwrap(),
        before_out,
        "a run that cannot be recorded does not replace the dataset"
    );
    assert_eq!(snapshot(&p.experiments()), before_records, "no new record");
    clean_and_intact(&p);
}

#[test]
fn a_destination_through_a_regular_file_exits_4_with_a_destination_hint() {
    let p = with_previous_run("data.parquet", &[]);
    fs::write(p.path("blocker"), b"a file, not a folder").unwrap();
    let before_records = snapshot(&p.experiments());
    let o = p
        .run(2, 10, "blocker/sub/data.parquet", &[])
        .output()
        .unwrap();
    let e = error_of(&o);
    assert_eq!(e["kind"], "write", "{e}");
    let h = hint(&e);
    assert!(h.contains("not a folder"), "{h}");
    assert!(h.contains("--out"), "{h}");
    assert_eq!(snapshot(&p.experiments()), before_records, "no new record");
    assert_eq!(
        fs::read(p.path("blocker")).unwrap(),
        b"a file, not a folder"
    );
    clean_and_intact(&p);
}

#[test]
fn an_experiments_folder_through_a_regular_file_exits_4_and_keeps_the_previous_dataset() {
    let p = with_previous_run("data.parquet", &[]);
    let before_out = fs::read(p.path("data.parquet")).unwrap();
    fs::write(p.path("blocker"), b"a file, not a folder").unwrap();
    let o = p
        .run(2, 10, "data.parquet", &[])
        .env("SDG_EXPERIMENTS", p.path("blocker/experiments"))
        .output()
        .unwrap();
    let e = error_of(&o);
    assert_eq!(e["kind"], "record_io", "{e}");
    let h = hint(&e);
    assert!(h.contains("not a folder"), "{h}");
    assert!(h.contains("SDG_EXPERIMENTS"), "{h}");
    assert_eq!(fs::read(p.path("data.parquet")).unwrap(), before_out);
    clean_and_intact(&p);
}

#[test]
fn an_out_that_is_a_folder_fails_after_the_record_and_names_the_experiment() {
    let p = with_previous_run("data.parquet", &[]);
    fs::create_dir(p.path("taken")).unwrap();
    fs::write(p.path("taken/keep.txt"), b"mine").unwrap();
    let before: Vec<String> = entries(&p.experiments());
    let o = p.run(2, 10, "taken", &[]).output().unwrap();
    let e = error_of(&o);
    assert_eq!(e["kind"], "write", "{e}");
    // The rename over a folder fails only after the record is written: the run is kept, and
    // the error and hint say where.
    let after: Vec<String> = entries(&p.experiments());
    let new: Vec<&String> = after.iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(new.len(), 1, "{after:?}");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains(new[0].as_str()), "{message}");
    let h = hint(&e);
    assert!(h.contains("names a folder"), "{h}");
    assert!(h.contains(new[0].as_str()), "{h}");
    let exp = ExperimentStore::new(p.experiments()).load(new[0]).unwrap();
    assert_eq!(exp.record.seed, 2);
    exp.verify_files().unwrap();
    exp.dataset_file().unwrap();
    assert_eq!(entries(&p.path("taken")), vec!["keep.txt"]);
    assert_eq!(fs::read(p.path("taken/keep.txt")).unwrap(), b"mine");
    clean_and_intact(&p);
}
