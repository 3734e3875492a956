//! Every example in `specs/` end to end through the `sdg` binary: the spec checks, its code keeps
//! the contract, `sdg run` reaches the promised verdict (PASSED, or FAILED for the deliberately
//! wrong twin), and `sdg validate` on the written file agrees. Every example's approval is signed
//! by the examples' key listed in `specs/.sdg/allowed_signers`, for the committed bytes.

use std::path::{Path, PathBuf};

use crate::support::sdg;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    v.sort();
    v
}

fn expected_exit(spec: &Path) -> i32 {
    // The FAILED twin promises slope 2 but draws slope 1.5.
    if spec.file_stem().unwrap() == "seed_linear_slope_fails" {
        1
    } else {
        0
    }
}

#[test]
fn there_are_at_least_ten_examples() {
    assert!(examples().len() >= 10, "{:?}", examples());
}

#[test]
fn every_example_checks_and_its_code_keeps_the_contract() {
    for spec in examples() {
        let o = sdg().args(["spec", "check"]).arg(&spec).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            spec.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let o = sdg().args(["code", "check"]).arg(&spec).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            spec.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn every_example_runs_to_its_promised_verdict_and_validate_agrees() {
    let dir = tempfile::tempdir().unwrap();
    for spec in examples() {
        let stem = spec.file_stem().unwrap().to_str().unwrap().to_string();
        for format in ["parquet", "csv"] {
            let out = dir.path().join(format!("{stem}.{format}"));
            // As on a fresh machine: no signers of the user's, only the project's.
            let o = sdg()
                .env("XDG_CONFIG_HOME", dir.path())
                .env_remove("SDG_ALLOWED_SIGNERS")
                .args(["run", "--json", "--format", format, "--out"])
                .arg(&out)
                .arg(&spec)
                .output()
                .unwrap();
            let want = expected_exit(&spec);
            assert_eq!(
                o.status.code(),
                Some(want),
                "{stem}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let status = if want == 0 { "PASSED" } else { "FAILED" };
            assert_eq!(v["status"], status, "{stem}");
            if want == 1 {
                let checks: Vec<_> = v["violations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["check"].as_str().unwrap().to_string())
                    .collect();
                assert!(
                    checks.contains(&"relationship_check".to_string()),
                    "{checks:?}"
                );
            }
            let o = sdg()
                .args(["validate", "--json", "--spec"])
                .arg(&spec)
                .arg(&out)
                .output()
                .unwrap();
            assert_eq!(
                o.status.code(),
                Some(want),
                "{stem} {format}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(r["status"], status, "{stem} {format}");
        }
    }
}

#[test]
fn every_example_is_approved_as_committed() {
    // `sdg run specs/X.yaml` (the README's first command) needs the approval kept in
    // specs/.sdg/approvals/ to match the committed bytes of spec and code.
    for spec in examples() {
        let o = sdg()
            .args(["review", "--json"])
            .arg(&spec)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            v["approved"],
            true,
            "{}: {} (re-approve with `sdg approve {}` after reviewing the change)",
            spec.display(),
            v["approval_problem"],
            spec.display()
        );
    }
}

#[test]
fn every_example_approval_is_signed_for_the_committed_bytes() {
    // A changed example needs a new signed approval: the coordinator signs with the examples'
    // key (kept outside the repository) and `sdg approve X --key KEY --by "sdg maintainers"`.
    use sdg::experiments::{
        verify_trusted, ApprovalStore, ApprovalTrust, SignersLocation, SignersSource, TrustPolicy,
    };
    let signers = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/.sdg/allowed_signers");
    let policy = TrustPolicy {
        allow_unsigned: false,
        signers: Some(SignersLocation {
            path: signers,
            source: SignersSource::Project,
        }),
    };
    for spec in examples() {
        let name = spec.file_stem().unwrap().to_str().unwrap();
        let code = spec.with_extension("py");
        let approval = verify_trusted(
            &ApprovalStore::beside_spec(&spec),
            name,
            &std::fs::read(&spec).unwrap(),
            &std::fs::read(&code).unwrap(),
            &policy,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        assert!(
            matches!(
                approval.trust,
                Some(ApprovalTrust::Signed { ref principal, .. }) if principal == "sdg maintainers"
            ),
            "{name}: {:?}",
            approval.trust
        );
    }
}
