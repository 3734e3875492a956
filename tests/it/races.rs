//! Runs racing for one output path: every run that succeeds has a record whose kept dataset is
//! its own (the staged file is linked into the record before it is renamed over `--out`), the
//! record verifies, and the last rename owns `--out`. First the exact interleaving that used to
//! fail, made deterministic in process; then real concurrent processes of the binary.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;

use sdg::columns::Format;
use sdg::experiments::ExperimentStore;
use sdg::pipeline::{self, record, RunOptions};
use sdg::sandbox::{runtime::InstallSource, RunLimits};

use crate::project::{entries, json, seed_spec, sha256_of, text, Project};

fn options(seed: u64, out: &Path) -> RunOptions {
    RunOptions {
        spec: seed_spec(),
        code: None,
        rows: Some(2000),
        seed: Some(seed),
        out: Some(out.to_path_buf()),
        format: Format::Parquet,
        home: crate::support::home(),
        source: InstallSource {
            wheel: None,
            dir: std::env::var_os("SDG_RUNTIME").map(Into::into),
            python: None,
        },
        limits: RunLimits::default(),
        require_approval: false,
        trust: pipeline::TrustOptions::default(),
    }
}

fn no_partials(dir: &Path) {
    let left: Vec<String> = entries(dir)
        .into_iter()
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_record_keeps_its_own_bytes_when_another_run_replaces_the_out_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("same.parquet");
    let store = ExperimentStore::new(dir.path().join("experiments"));
    let mut quiet = |_: &str| {};
    // Both runs finish writing before either is recorded; B is recorded and published first,
    // so A's record is written after `same.parquet` already holds B's bytes.
    let a = pipeline::run_staged(&options(1, &out), &mut quiet).unwrap();
    let b = pipeline::run_staged(&options(2, &out), &mut quiet).unwrap();
    assert!(!out.exists(), "nothing is in place before publishing");
    let (rb, eb) = record::record_run(&store, b, &Default::default()).unwrap();
    assert_eq!(sha256_of(&out), rb.dataset.sha256);
    let (ra, ea) = record::record_run(&store, a, &Default::default()).unwrap();
    assert_ne!(
        ra.dataset.sha256, rb.dataset.sha256,
        "two seeds, two datasets"
    );
    assert_eq!(
        sha256_of(&out),
        ra.dataset.sha256,
        "the last rename owns --out"
    );
    for (report, exp) in [(&ra, &ea), (&rb, &eb)] {
        let loaded = store.load(exp.id()).unwrap();
        loaded.verify_files().unwrap();
        assert_eq!(loaded.record.dataset.sha256, report.dataset.sha256);
        let kept = loaded.dataset_file().unwrap();
        assert_eq!(sha256_of(&kept), report.dataset.sha256);
    }
    // Each record's bytes are its own seed's: a fresh run of each seed to its own path.
    for (seed, report) in [(1, &ra), (2, &rb)] {
        let reference = dir.path().join(format!("ref-{seed}.parquet"));
        let fresh = pipeline::run(&options(seed, &reference), &mut quiet).unwrap();
        assert_eq!(fresh.dataset.sha256, report.dataset.sha256, "seed {seed}");
        assert_eq!(sha256_of(&reference), report.dataset.sha256, "seed {seed}");
    }
    no_partials(dir.path());
}

#[test]
fn a_staged_run_that_is_never_recorded_leaves_the_out_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("same.parquet");
    std::fs::write(&out, b"previous").unwrap();
    let staged = pipeline::run_staged(&options(3, &out), &mut |_| {}).unwrap();
    assert!(staged.dataset.staged_path().is_file());
    assert_eq!(
        sha256_of(staged.dataset.staged_path()),
        staged.report.dataset.sha256
    );
    drop(staged);
    assert_eq!(std::fs::read(&out).unwrap(), b"previous");
    assert_eq!(entries(dir.path()), vec!["same.parquet"]);
}

#[test]
fn four_concurrent_runs_to_one_out_all_succeed_with_their_own_bytes() {
    let p = Project::new();
    let seeds = [11u64, 12, 13, 14];
    let children: Vec<_> = seeds
        .iter()
        .map(|&s| {
            p.run(s, 2000, "same.parquet", &[])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let store = ExperimentStore::new(p.experiments());
    let mut hashes = BTreeSet::new();
    for (seed, o) in seeds.iter().zip(&outputs) {
        // Every run succeeds: exit 0 with PASSED or 1 with FAILED (a run and its record; at
        // 2000 rows some seeds miss the slope tolerance), never an error.
        let v = json(o);
        let expected = match v["status"].as_str() {
            Some("PASSED") => 0,
            Some("FAILED") => 1,
            _ => panic!("seed {seed}: not a run report: {}", text(o)),
        };
        assert_eq!(o.status.code(), Some(expected), "seed {seed}: {}", text(o));
        assert_eq!(v["seed"], *seed);
        let id = v["experiment"].as_str().unwrap();
        let sha = v["dataset"]["sha256"].as_str().unwrap();
        let exp = store.load(id).unwrap();
        exp.verify_files().unwrap();
        assert_eq!(exp.record.seed, *seed);
        assert_eq!(exp.record.dataset.sha256, sha);
        assert_eq!(sha256_of(&exp.dataset_file().unwrap()), sha);
        hashes.insert(sha.to_string());
        // The record reproduces: a rerun of its own seed gives its own dataset hash.
        let a = p.sdg(&["audit", id, "--json"]).output().unwrap();
        assert_eq!(a.status.code(), Some(0), "audit {id}: {}", text(&a));
        let av = json(&a);
        assert_eq!(av["status"], "REPRODUCED", "{av}");
        assert_eq!(av["dataset_sha256"], sha);
    }
    assert_eq!(hashes.len(), seeds.len(), "four seeds, four datasets");
    assert!(
        hashes.contains(&sha256_of(&p.path("same.parquet"))),
        "--out holds one of the runs' datasets"
    );
    assert_eq!(store.list().unwrap().experiments.len(), seeds.len());
    no_partials(p.dir.path());
}
