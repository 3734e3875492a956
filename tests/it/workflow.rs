//! The intent-to-dataset loop through the `sdg` binary: `new` (against a canned LLM server),
//! `review`, `approve` (signed with a test key trusted through `$SDG_ALLOWED_SIGNERS`),
//! approval enforcement in `run` (and `--yes`), experiment records,
//! `experiments`, `compare`, `audit` (reproduced, tampered, differing), and `iterate`.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::canned::{Canned, TestServer};
use crate::support::{repo, sdg};

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// A scratch folder holding a copy of a bundled example (spec + code), and its own
/// experiments folder.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn with_example(name: &str) -> Work {
        let dir = tempfile::tempdir().unwrap();
        for ext in ["yaml", "py"] {
            std::fs::copy(
                repo(&format!("specs/{name}.{ext}")),
                dir.path().join(format!("{name}.{ext}")),
            )
            .unwrap();
        }
        Work { dir }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    /// A signing key trusted as `tester` (made on first use), so approvals are signed.
    fn signer(&self) -> crate::signing::Signer {
        let keys = self.path("signer");
        std::fs::create_dir_all(&keys).unwrap();
        crate::signing::signer_in(&keys, "tester", 1)
    }
    fn sdg(&self, args: &[&str]) -> Output {
        let signer = self.signer();
        sdg()
            .current_dir(self.dir.path())
            .env("SDG_EXPERIMENTS", self.path("experiments"))
            .env("SDG_USER", "tester")
            .env("SDG_SIGNING_KEY", &signer.key)
            .env("SDG_ALLOWED_SIGNERS", &signer.allowed)
            .args(args)
            .output()
            .unwrap()
    }
    fn list(&self) -> Vec<Value> {
        let o = self.sdg(&["experiments", "--json"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        json(&o)["experiments"].as_array().unwrap().clone()
    }
}

#[test]
fn run_refuses_unapproved_or_changed_code_and_yes_still_checks() {
    let w = Work::with_example("seed_linear");
    let o = w.sdg(&["run", "seed_linear.yaml", "--rows", "1000"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("has not been approved"), "{}", text(&o));
    assert!(
        !w.path("out").exists(),
        "nothing is written for a refused run"
    );

    let o = w.sdg(&["review", "seed_linear"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("NOT APPROVED"), "{}", text(&o));

    let o = w.sdg(&["approve", "seed_linear", "--note", "checked by hand"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let approval: Value =
        serde_json::from_slice(&std::fs::read(w.path(".sdg/approvals/seed_linear.json")).unwrap())
            .unwrap();
    assert_eq!(approval["approved_by"], "tester");
    assert_eq!(approval["note"], "checked by hand");

    let o = w.sdg(&[
        "run",
        "seed_linear.yaml",
        "--rows",
        "2000",
        "--seed",
        "7",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json(&o);
    assert_eq!(v["approval"]["approved_by"], "tester");
    assert!(v["experiment"]
        .as_str()
        .is_some_and(|id| id.contains("seed_linear")));

    // Any edit voids the approval, and names what changed.
    let code = std::fs::read_to_string(w.path("seed_linear.py")).unwrap();
    std::fs::write(w.path("seed_linear.py"), format!("{code}# edited\n")).unwrap();
    let o = w.sdg(&["run", "seed_linear.yaml", "--rows", "1000"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("code of `seed_linear` changed"),
        "{}",
        text(&o)
    );

    // --yes runs unapproved code, and the record says so...
    let o = w.sdg(&[
        "run",
        "--yes",
        "seed_linear.yaml",
        "--rows",
        "2000",
        "--seed",
        "7",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(json(&o)["approval"].is_null());
    // ...but never code that breaks the contract, which cannot be approved either.
    std::fs::write(w.path("seed_linear.py"), format!("{code}\nimport os\n")).unwrap();
    let o = w.sdg(&["run", "--yes", "seed_linear.yaml", "--rows", "1000"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("SDG1"), "{}", text(&o));
    let o = w.sdg(&["approve", "seed_linear.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let still: Value =
        serde_json::from_slice(&std::fs::read(w.path(".sdg/approvals/seed_linear.json")).unwrap())
            .unwrap();
    assert_eq!(
        still, approval,
        "a refused approval leaves the old one alone"
    );

    let runs = w.list();
    assert_eq!(runs.len(), 2, "{runs:?}");
    // (Both runs may share a second, so the id order is not the run order.)
    let approved = runs.iter().filter(|r| r["approved_by"] == "tester").count();
    let unapproved = runs.iter().filter(|r| r["approved_by"].is_null()).count();
    assert_eq!((approved, unapproved), (1, 1), "{runs:?}");
}

#[test]
fn records_compare_and_audit() {
    let w = Work::with_example("seed_linear");
    assert_eq!(w.sdg(&["approve", "seed_linear"]).status.code(), Some(0));
    for seed in ["1", "2"] {
        let o = w.sdg(&["run", "seed_linear.yaml", "--rows", "3000", "--seed", seed]);
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{}",
            text(&o)
        );
    }
    let runs = w.list();
    assert_eq!(runs.len(), 2);
    let id_of_seed = |s: u64| {
        runs.iter().find(|r| r["seed"] == s).unwrap()["id"]
            .as_str()
            .unwrap()
    };
    let (a, b) = (id_of_seed(1), id_of_seed(2));
    // Both runs wrote out/seed_linear.parquet; each record kept its own bytes.
    let folder = w.path("experiments").join(a);
    for f in [
        "record.json",
        "spec.yaml",
        "code.py",
        "report.json",
        "approval.json",
        "dataset.parquet",
    ] {
        assert!(
            folder.join(f).is_file(),
            "{f} missing in {}",
            folder.display()
        );
    }
    let record: Value =
        serde_json::from_slice(&std::fs::read(folder.join("record.json")).unwrap()).unwrap();
    assert_eq!(record["seed"], 1);
    assert_eq!(record["rows"], 3000);
    assert!(record["fuel_used"].as_u64().unwrap() > 0);
    assert!(!record["runtime"]["artifacts"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(record["runtime"]["sdg"], env!("CARGO_PKG_VERSION"));

    let o = w.sdg(&["compare", a, b, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let c = json(&o);
    let cols = c["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 2, "{c}");
    for col in cols {
        assert_eq!(col["n_a"], 3000);
        let d = col["statistic"].as_f64().unwrap();
        assert!(
            d > 0.0 && d < 0.1,
            "two seeds of one generator: small D, got {d}"
        );
    }
    assert!(c["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"].as_str().unwrap().contains("slope")));
    // Compare of a run with itself: D = 0, p = 1.
    let c = json(&w.sdg(&["compare", a, a, "--json"]));
    assert_eq!(c["columns"][0]["statistic"], 0.0);
    assert_eq!(c["columns"][0]["p_value"], 1.0);

    let o = w.sdg(&["audit", a, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json(&o);
    assert_eq!(v["status"], "REPRODUCED", "{v}");
    assert_eq!(v["dataset_sha256"], record["dataset"]["sha256"]);
    assert_eq!(v["fuel_used"], record["fuel_used"]);

    // A record whose numbers do not match what its code does: every difference is named.
    let rec_path = folder.join("record.json");
    let mut forged = record.clone();
    forged["fuel_used"] = Value::from(record["fuel_used"].as_u64().unwrap() + 1);
    set_writable(&rec_path);
    std::fs::write(&rec_path, serde_json::to_vec_pretty(&forged).unwrap()).unwrap();
    let o = w.sdg(&["audit", a]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("DIFFERS: fuel used"), "{}", text(&o));
    assert!(text(&o).contains("NOT REPRODUCED"), "{}", text(&o));

    // Tampered code: refused before anything runs.
    let code_path = w.path("experiments").join(b).join("code.py");
    set_writable(&code_path);
    std::fs::write(&code_path, "import numpy as np\n").unwrap();
    let o = w.sdg(&["audit", b, "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(json(&o)["error"]["kind"], "tampered");

    let o = w.sdg(&["audit", "20990101T000000Z"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no experiment"), "{}", text(&o));
}

fn set_writable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
}

fn fenced(lang: &str, body: &str) -> Canned {
    Canned::reply(&format!("Here it is.\n```{lang}\n{body}```\nDone."))
}

#[test]
fn new_drafts_spec_and_code_then_review_approve_run() {
    let spec = std::fs::read_to_string(repo("specs/seed_linear.yaml"))
        .unwrap()
        .replace("name: seed_linear", "name: whatever_the_model_says");
    let code = std::fs::read_to_string(repo("specs/seed_linear.py")).unwrap();
    let server = TestServer::start(vec![fenced("yaml", &spec), fenced("python", &code)]);
    let dir = tempfile::tempdir().unwrap();
    let w = Work { dir };
    let intent = "x uniform on [0,1] and y = 2x plus standard normal noise";
    let o = w.sdg(&[
        "new",
        intent,
        "--name",
        "lin",
        "--llm-url",
        &server.url,
        "--model",
        "m",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(server.hits(), 2);
    let written = std::fs::read_to_string(w.path("lin.yaml")).unwrap();
    assert!(written.starts_with("name: lin\n"), "{written}");
    assert!(
        written.contains(intent),
        "the intent is kept in the spec: {written}"
    );
    assert!(written.contains("code: lin.py"), "{written}");
    assert_eq!(std::fs::read_to_string(w.path("lin.py")).unwrap(), code);
    // The spec request carried the spec's outline; the code request the finished spec.
    let bodies = server.bodies();
    assert!(bodies[0].to_string().contains("code_contract"));
    assert!(bodies[1].to_string().contains("name: lin"));
    let prov: Value =
        serde_json::from_slice(&std::fs::read(w.path(".sdg/approvals/lin.llm.json")).unwrap())
            .unwrap();
    assert_eq!(prov["model"], "served-model");
    assert_eq!(prov["usage"]["total_tokens"], 18);
    assert_eq!(prov["sampling"]["model"], "m");

    // Refuses to overwrite without --force, before asking the model.
    let o = w.sdg(&["new", intent, "--name", "lin", "--llm-url", &server.url]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(server.hits(), 2);

    let o = w.sdg(&["review", "lin"]);
    assert!(
        text(&o).contains("unchanged since the LLM wrote it"),
        "{}",
        text(&o)
    );
    std::fs::write(w.path("lin.py"), code.replace("2 * x", "2.0 * x")).unwrap();
    let o = w.sdg(&["review", "lin", "--json"]);
    let v = json(&o);
    assert_eq!(v["check"], "CLEAN");
    assert!(
        v["draft_diff"]
            .as_str()
            .unwrap()
            .contains("+    y = 2.0 * x + noise"),
        "{v}"
    );
    assert_eq!(v["approved"], false);

    assert_eq!(w.sdg(&["approve", "lin"]).status.code(), Some(0));
    let o = w.sdg(&["run", "lin", "--rows", "5000", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let runs = w.list();
    let rec: Value = serde_json::from_slice(
        &std::fs::read(
            w.path("experiments")
                .join(runs[0]["id"].as_str().unwrap())
                .join("record.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(rec["llm"]["model"], "served-model");
    assert_eq!(rec["llm"]["edited_since_draft"], true);
}

#[test]
fn new_streams_shows_progress_and_escapes_the_models_text() {
    let spec = std::fs::read_to_string(repo("specs/seed_linear.yaml")).unwrap();
    // A comment that would retitle the terminal window if printed raw.
    let code = std::fs::read_to_string(repo("specs/seed_linear.py"))
        .unwrap()
        .replacen('\n', "  # \u{1b}]0;owned\u{7}\n", 1);
    let spec_reply = format!("```yaml\n{spec}```\n");
    let code_reply = format!("```python\n{code}```\n");
    let (s_half, c_half) = (spec_reply.len() / 2, code_reply.len() / 2);
    let server = TestServer::start(vec![
        Canned::streamed(&[&spec_reply[..s_half], &spec_reply[s_half..]], "stop"),
        Canned::streamed(&[&code_reply[..c_half], &code_reply[c_half..]], "stop"),
    ]);
    let w = Work {
        dir: tempfile::tempdir().unwrap(),
    };
    let o = w.sdg(&["new", "lines", "--name", "lin", "--llm-url", &server.url]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    // The code check refuses a raw control character in the source (SDG705), also after the
    // repair round (the canned server replays its last answer): the files are written for the
    // reviewer and `sdg new` exits 2.
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("SDG705 control-character"), "{stderr}");
    assert_eq!(server.bodies()[0]["stream"], true);
    // stderr is not a terminal here: a line when the first token arrives, one per answer at the
    // end (the spec, the code, its repair); never the model's text raw.
    let answered: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("sdg: the model answered 2 token(s) in "))
        .collect();
    assert_eq!(answered.len(), 3, "{stderr}");
    assert!(
        answered.iter().all(|l| l.contains(", the first after ")),
        "{stderr}"
    );
    assert!(stderr.contains("sdg: the model is answering: "), "{stderr}");
    // The file holds the code as the model wrote it; the terminal gets it escaped.
    assert_eq!(std::fs::read_to_string(w.path("lin.py")).unwrap(), code);
    for (name, out) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{name}: {out}"
        );
    }
    assert!(stdout.contains("# \\u{1b}]0;owned\\u{7}"), "{stdout}");
    assert!(stderr.contains("# \\u{1b}]0;owned\\u{7}"), "{stderr}");
}

#[test]
fn new_reports_a_spec_the_model_cannot_fix_and_writes_nothing() {
    let server = TestServer::start(vec![fenced("yaml", "name: x\nrows: [oops\n")]);
    let w = Work {
        dir: tempfile::tempdir().unwrap(),
    };
    let o = w.sdg(&["new", "anything", "--name", "bad", "--llm-url", &server.url]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("still invalid"), "{}", text(&o));
    assert_eq!(server.hits(), 2, "one draft and one repair round");
    assert!(!w.path("bad.yaml").exists() && !w.path("bad.py").exists());

    // A server that is down is a named error, not a hang or a panic.
    let o = w.sdg(&[
        "new",
        "anything",
        "--llm-url",
        "http://127.0.0.1:9",
        "--llm-timeout",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
}

#[test]
fn iterate_revises_failing_code_on_the_same_seeds_and_keeps_every_round() {
    let w = Work::with_example("seed_linear_slope_fails");
    assert_eq!(
        w.sdg(&["approve", "seed_linear_slope_fails"]).status.code(),
        Some(0)
    );
    let fixed = std::fs::read_to_string(repo("specs/seed_linear.py")).unwrap();
    let server = TestServer::start(vec![fenced("python", &fixed)]);
    let o = w.sdg(&[
        "iterate",
        "seed_linear_slope_fails",
        "--max-rounds",
        "2",
        "--seeds",
        "3,4",
        "--rows",
        "5000",
        "--llm-url",
        &server.url,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json(&o);
    // Read like `sdg run --json`: a top-level verdict, and each run's metrics and violations.
    assert_eq!(v["status"], "PASSED", "{v}");
    let rounds = v["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2, "{v}");
    for run in rounds[0]["runs"].as_array().unwrap() {
        assert!(run["metrics"]["estimated_slope"].is_f64(), "{run}");
        let rel = run["violations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["check"] == "relationship_check")
            .unwrap_or_else(|| panic!("{run}"));
        assert_eq!(rel["expected_slope"], 2.0, "{run}");
    }
    for run in rounds[1]["runs"].as_array().unwrap() {
        assert!(run.get("violations").is_none(), "{run}");
    }
    for (r, want) in rounds.iter().zip(["FAILED", "PASSED"]) {
        let seeds: Vec<u64> = r["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["seed"].as_u64().unwrap())
            .collect();
        assert_eq!(seeds, vec![3, 4], "every round runs the same seeds");
        assert!(
            r["runs"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["status"] == want),
            "{r}"
        );
    }
    assert_eq!(server.hits(), 1);
    let sent = server.bodies()[0].to_string();
    assert!(
        sent.contains("relationship_check"),
        "the violations are sent: {sent}"
    );
    // The passing revision replaced the code, which now needs a new approval.
    assert_eq!(
        std::fs::read_to_string(w.path("seed_linear_slope_fails.py")).unwrap(),
        fixed
    );
    let o = w.sdg(&["run", "seed_linear_slope_fails"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("changed since it was approved"),
        "{}",
        text(&o)
    );
    let runs = w.list();
    assert_eq!(runs.len(), 4);
    let of_round = |k: u64| -> Vec<&Value> { runs.iter().filter(|r| r["round"] == k).collect() };
    assert_eq!((of_round(0).len(), of_round(1).len()), (2, 2), "{runs:?}");
    for r in of_round(1) {
        let parent = r["parent"].as_str().unwrap();
        assert!(
            of_round(0).iter().any(|p| p["id"] == parent),
            "round 1 points at round 0"
        );
    }
}

#[test]
fn iterate_prints_the_rounds_side_by_side() {
    let w = Work::with_example("seed_linear_slope_fails");
    let fixed = std::fs::read_to_string(repo("specs/seed_linear.py")).unwrap();
    let server = TestServer::start(vec![fenced("python", &fixed)]);
    let o = w.sdg(&[
        "iterate",
        "seed_linear_slope_fails",
        "--yes",
        "--seeds",
        "5,6",
        "--rows",
        "4000",
        "--llm-url",
        &server.url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("ROUND") && lines[0].contains("relationship_check[x,y]"),
        "{stdout}"
    );
    let cells = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let col = cells(lines[0])
        .iter()
        .position(|c| c == "relationship_check[x,y]")
        .unwrap();
    let (r0, r1) = (cells(lines[1]), cells(lines[2]));
    assert_eq!(
        (r0[0].as_str(), r0[2].as_str(), r0[col].as_str()),
        ("0", "0/2", "0/2"),
        "{stdout}"
    );
    assert_eq!(
        (r1[0].as_str(), r1[2].as_str(), r1[col].as_str()),
        ("1", "2/2", "2/2"),
        "{stdout}"
    );
    assert!(stdout.contains("round 1 seed 6: PASSED"), "{stdout}");
}
