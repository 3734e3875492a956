//! The design document's shapes, end to end: its contract and validation blocks (copied into
//! `specs/relationship_generation.json`, the document's JSON as written, plus an `intent` and a
//! default row count) check, run and report in the document's names; `sdg spec fmt` rewrites
//! every example in either shape with the same meaning; behavioral flags are enforced.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{repo, sdg};

fn doc_spec() -> PathBuf {
    repo("specs/relationship_generation.json")
}

fn stdout_json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// Reads two float columns `x`, `y` from a CSV written by `sdg run --format csv`.
fn read_xy(csv: &Path) -> (Vec<f64>, Vec<f64>) {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("x,y"));
    lines
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.parse::<f64>().unwrap(), b.parse::<f64>().unwrap())
        })
        .unzip()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Ordinary least squares slope, from the textbook formula `Σ(x−x̄)(y−ȳ) / Σ(x−x̄)²`.
fn ols_slope(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    sxy / sxx
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn the_design_documents_spec_passes_in_its_own_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("data.csv");
    let o = sdg()
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("SDG_ALLOWED_SIGNERS")
        .args(["run", "--json", "--format", "csv", "--out"])
        .arg(&out)
        .arg(doc_spec())
        .output()
        .unwrap();
    let v = stdout_json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(v["status"], "PASSED", "{v:#}");
    let (x, y) = read_xy(&out);
    assert_eq!(x.len(), 100_000);
    let metrics = &v["metrics"];
    let slope = metrics["estimated_slope"]
        .as_f64()
        .expect("estimated_slope");
    let mean_x = metrics["mean_x"].as_f64().expect("mean_x");
    // The document's promise (slope 2, x uniform on (0, 1)) ...
    assert!(close(slope, 2.0, 0.05), "{slope}");
    assert!(close(mean_x, 0.5, 0.01), "{mean_x}");
    // ... and the numbers are the data's, recomputed here from the written file.
    assert!(close(slope, ols_slope(&x, &y), 1e-9), "{slope}");
    assert!(close(mean_x, mean(&x), 1e-12), "{mean_x}");
    assert!(metrics["std_noise"]
        .as_f64()
        .is_some_and(|s| close(s, 1.0, 0.02)));
    // As in the document's success example: no `violations` when nothing failed.
    assert!(v.get("violations").is_none(), "{v:#}");
}

#[test]
fn the_same_code_with_slope_1_52_fails_with_the_documents_violation() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("relationship_generation.json");
    std::fs::copy(doc_spec(), &spec).unwrap();
    std::fs::copy(
        repo("tests/fixtures/document/relationship_generation_slope_fails.py"),
        dir.path().join("relationship_generation.py"),
    )
    .unwrap();
    let o = sdg()
        .args(["run", "--json", "--yes", "--out"])
        .arg(dir.path().join("data.parquet"))
        .arg(&spec)
        .output()
        .unwrap();
    let v = stdout_json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    assert_eq!(v["status"], "FAILED");
    let violations = v["violations"].as_array().expect("top-level violations");
    let rel = violations
        .iter()
        .find(|x| x["check"] == "relationship_check")
        .unwrap_or_else(|| panic!("no relationship_check violation: {v:#}"));
    assert_eq!(rel["expected_slope"], 2.0);
    assert_eq!(rel["tolerance"], 0.2);
    let observed = rel["observed_slope"].as_f64().expect("observed_slope");
    assert!(close(observed, 1.52, 0.05), "{observed}");
    assert!((observed - 2.0).abs() > 0.2);
}

#[test]
fn json_and_yaml_and_both_shapes_give_the_same_contract() {
    use sdg::contract::Contract;
    use sdg::spec::{forms, Form};
    let json_text = std::fs::read_to_string(doc_spec()).unwrap();
    let from_json = Contract::from_text(&json_text, &doc_spec()).unwrap();
    let parsed = sdg::spec::parse_as(&json_text, sdg::spec::Syntax::Json).unwrap();
    for form in [Form::Keyed, Form::Document] {
        let yaml = sdg::author::yaml::to_yaml_compact(&forms::to_json(&parsed.raw, form));
        let c = Contract::from_text(&yaml, Path::new("specs/relationship_generation.yaml"))
            .unwrap_or_else(|e| panic!("{form:?}: {e}\n{yaml}"));
        assert_eq!(c.function(), "relationship_generation");
        assert_eq!(c.outputs(), from_json.outputs(), "{form:?}");
        assert_eq!(c.requirements(), from_json.requirements(), "{form:?}");
        assert_eq!(c.rows(None).unwrap(), 100_000);
        assert!(c.rows(Some(1_000_001)).is_err(), "constraints.max kept");
        assert_eq!(c.language(), "python3.10");
        assert_eq!(c.constraints(), from_json.constraints());
    }
    // The keyed shape spells the document's aliases out.
    let keyed = forms::to_json(&parsed.raw, Form::Keyed);
    assert_eq!(
        keyed["code_contract"]["function"]["outputs"]["x"]["dtype"],
        "float64"
    );
    assert_eq!(
        keyed["code_contract"]["function"]["inputs"]["num_samples"]["max"],
        1_000_000
    );
    assert_eq!(keyed["code_contract"]["randomness"]["rng_library"], "numpy");
    assert!(keyed["validation_requirements"][2]["relationship_check"].is_object());
}

/// `sdg spec fmt` on every example, both shapes: the rewrite reads back with the same meaning
/// (compared here independently of fmt's own check), and formatting a rewrite again changes
/// nothing.
#[test]
fn fmt_round_trips_every_example_in_both_shapes() {
    use sdg::spec::{forms, parse_as, Syntax};
    let mut examples: Vec<PathBuf> = std::fs::read_dir(repo("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 11);
    let dir = tempfile::tempdir().unwrap();
    for spec in &examples {
        let original = std::fs::read_to_string(spec).unwrap();
        let original = parse_as(&original, Syntax::of(spec)).unwrap().raw;
        for (shape, syntax) in [
            ("keyed", "yaml"),
            ("document", "yaml"),
            ("keyed", "json"),
            ("document", "json"),
        ] {
            let o = sdg()
                .args(["spec", "fmt", "--to", shape, "--syntax", syntax])
                .arg(spec)
                .output()
                .unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "{} {shape}: {}",
                spec.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            let text = String::from_utf8(o.stdout).unwrap();
            let file = dir.path().join(format!("again.{syntax}"));
            std::fs::write(&file, &text).unwrap();
            let back = parse_as(&text, Syntax::of(&file))
                .unwrap_or_else(|d| panic!("{} {shape}: {d:?}\n{text}", spec.display()));
            assert!(
                forms::same_meaning(&back.raw, &original),
                "{} {shape} {syntax}:\n{text}",
                spec.display()
            );
            // The rewrite checks as a spec (code path resolved beside the original).
            let beside = spec.with_file_name(format!("fmt-check.{syntax}"));
            sdg::contract::Contract::from_text(&text, &beside)
                .unwrap_or_else(|e| panic!("{} {shape}: {e}", spec.display()));
            let o = sdg()
                .args(["spec", "fmt", "--to", shape])
                .arg(&file)
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8(o.stdout).unwrap(),
                text,
                "{} {shape} {syntax}: not idempotent",
                spec.display()
            );
        }
    }
}

#[test]
fn fmt_in_place_rewrites_atomically_and_refuses_a_broken_spec() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.yaml");
    std::fs::copy(repo("specs/seed_linear.yaml"), &spec).unwrap();
    let o = sdg()
        .args(["spec", "fmt", "--to", "document", "--in-place"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("comments"), "{stderr}");
    let text = std::fs::read_to_string(&spec).unwrap();
    assert!(text.contains("- check: relationship_check"), "{text}");
    assert!(text.contains("constraints:"), "{text}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    // A spec that does not parse is reported and left as it was.
    std::fs::write(&spec, "code_contract: [\n").unwrap();
    let o = sdg()
        .args(["spec", "fmt", "--to", "keyed", "--in-place"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[yaml]"));
    assert_eq!(
        std::fs::read_to_string(&spec).unwrap(),
        "code_contract: [\n"
    );
}

#[test]
fn spec_check_notes_the_python_version_and_unknown_flags() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("r.json");
    let text = std::fs::read_to_string(doc_spec()).unwrap().replace(
        "\"must_not_log_or_save_results\": true",
        "\"must_not_log_or_save_results\": true,\n            \"must_cite_sources\": true",
    );
    std::fs::write(&spec, text).unwrap();
    let o = sdg().args(["spec", "check"]).arg(&spec).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("note[language]: `python3.10` is recorded; the code runs on CPython 3.15"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note[behavioral-rules]: sdg does not know the flag `must_cite_sources`"),
        "{stderr}"
    );
    let o = sdg()
        .args(["spec", "check", "--json"])
        .arg(&spec)
        .output()
        .unwrap();
    let v = stdout_json(&o);
    assert_eq!(v["status"], "OK");
    assert_eq!(v["language"], "python3.10");
    assert_eq!(v["runtime_python"], "3.15");
    let paths: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"code_contract.language"), "{paths:?}");
    assert!(
        paths.contains(&"code_contract.behavioral_rules.must_cite_sources"),
        "{paths:?}"
    );
    // The reviewer sees every flag and what sdg does about it.
    std::fs::copy(
        repo("specs/relationship_generation.py"),
        dir.path().join("r.py"),
    )
    .unwrap();
    let o = sdg()
        .args(["review", "--json"])
        .arg(&spec)
        .output()
        .unwrap();
    let v = stdout_json(&o);
    let rules: Vec<&str> = v["behavioral_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"must_cite_sources: true (not known to sdg; not enforced)"),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.starts_with("must_generate_data_only: true (enforced: no_file_io")),
        "{rules:?}"
    );
}

#[test]
fn a_known_flag_turns_its_rule_on_over_a_looser_constraint() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("r.json");
    let text = std::fs::read_to_string(doc_spec())
        .unwrap()
        .replace("\"no_printing\": true", "\"no_printing\": false");
    std::fs::write(&spec, &text).unwrap();
    let code = std::fs::read_to_string(repo("specs/relationship_generation.py"))
        .unwrap()
        .replace("    return x, y", "    print(x[:3])\n    return x, y");
    std::fs::write(dir.path().join("r.py"), &code).unwrap();
    // must_generate_data_only: true wins over no_printing: false ...
    let o = sdg().args(["code", "check"]).arg(&spec).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("print"), "{all}");
    // ... and with the flag set to false, no_printing: false lets the print through.
    std::fs::write(
        &spec,
        text.replace(
            "\"must_generate_data_only\": true",
            "\"must_generate_data_only\": false",
        )
        .replace(
            "\"must_not_log_or_save_results\": true",
            "\"must_not_log_or_save_results\": false",
        ),
    )
    .unwrap();
    let o = sdg().args(["code", "check"]).arg(&spec).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_json_spec_with_tabs_and_escapes_reads_with_positions() {
    let text = std::fs::read_to_string(doc_spec())
        .unwrap()
        .replace("    ", "\t");
    // Tabs (JSON whitespace, not YAML indentation) are read, and a problem keeps its line.
    let bad = text.replace("\"expected_mean\": 0.0", "\"expected_mean\": \"zero\"");
    let line = bad.lines().position(|l| l.contains("\"zero\"")).unwrap() + 1;
    match sdg::contract::Contract::from_text(&bad, Path::new("t.json")) {
        Err(sdg::contract::ContractError::Invalid { diagnostics, .. }) => {
            let d = diagnostics
                .iter()
                .find(|d| d.path == "validation_requirements[3].expected_mean")
                .unwrap_or_else(|| panic!("{diagnostics:?}"));
            assert_eq!(d.line, line);
            assert_eq!(d.code, "type");
        }
        other => panic!("{other:?}"),
    }
    sdg::contract::Contract::from_text(&text, Path::new("t.json")).unwrap();
    let escaped = text.replace(
        "\"intent\": \"Generate",
        "\"intent\": \"\\u0047enerate \\\"quoted\\\" \\/",
    );
    let c = sdg::contract::Contract::from_text(&escaped, Path::new("t.json")).unwrap();
    assert!(c
        .raw()
        .intent
        .as_deref()
        .unwrap()
        .starts_with("Generate \"quoted\" /"));
}

#[test]
fn a_json_spec_is_found_by_its_name() {
    let o = sdg()
        .current_dir(repo(""))
        .args(["review", "--json", "relationship_generation"])
        .output()
        .unwrap();
    let v = stdout_json(&o);
    assert_eq!(
        v["spec"].as_str().unwrap(),
        "specs/relationship_generation.json",
        "{v:#}"
    );
    assert_eq!(v["check"], "CLEAN");
}

#[test]
fn the_terminal_report_shows_the_documents_metric_names() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdg()
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("SDG_ALLOWED_SIGNERS")
        .args(["run", "--out"])
        .arg(dir.path().join("d.parquet"))
        .arg(doc_spec())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.starts_with("metrics: "))
        .unwrap_or_else(|| panic!("no metrics line:\n{out}"));
    for name in [
        "estimated_slope=",
        "mean_noise=",
        "mean_x=",
        "mean_y=",
        "std_noise=",
    ] {
        assert!(line.contains(name), "{name} in {line}");
    }
    let slope: f64 = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("estimated_slope="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(close(slope, 2.0, 0.05), "{line}");
}

#[test]
fn fmt_writes_hostile_spec_text_escaped_and_keeps_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.yaml");
    // ESC (a terminal escape), RLO (a bidi override), a zero-width space and a C1 CSI, written
    // with YAML escapes: the values hold the raw characters.
    let hostile = r#"description: "evil\e[2J \u202Eexe.txt \u200B \x9B31m""#;
    let text = std::fs::read_to_string(repo("specs/seed_linear.yaml"))
        .unwrap()
        .replacen(
            "    description: \"Generate x ~ U(0,1) and y = 2x + N(0,1) noise.\"",
            &format!("    {hostile}"),
            1,
        );
    assert!(text.contains(hostile));
    std::fs::write(&spec, &text).unwrap();
    let original = sdg::spec::parse(&text).unwrap().raw;
    let description = original.code_contract.function.description.clone().unwrap();
    assert!(description.contains('\u{1b}') && description.contains('\u{202e}'));
    for (shape, syntax) in [("document", "yaml"), ("keyed", "json")] {
        let o = sdg()
            .args(["spec", "fmt", "--to", shape, "--syntax", syntax])
            .arg(&spec)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8(o.stdout).unwrap();
        let raw: Vec<char> = out
            .chars()
            .filter(|c| *c != '\n' && sdg::untrusted::is_dangerous(*c))
            .collect();
        assert!(raw.is_empty(), "{shape} {syntax}: raw {raw:?} in\n{out}");
        let syntax = if syntax == "json" {
            sdg::spec::Syntax::Json
        } else {
            sdg::spec::Syntax::Yaml
        };
        let back = sdg::spec::parse_as(&out, syntax).unwrap().raw;
        assert_eq!(
            back.code_contract.function.description.as_deref(),
            Some(description.as_str())
        );
    }
}
