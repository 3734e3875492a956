//! No panic on any number (issue 10, item 5), through the real binary: each numeric flag and
//! `[llm]` config value refuses NaN, infinities, negatives, zero where it means nothing, huge
//! and non-numeric values with exit 2 and a message naming the flag (or key) and the accepted
//! range; with `--json` the refusal is the JSON error object on stdout, clap's own errors
//! (unknown flag, missing value) included. The parsers themselves are property-tested in
//! `src/cli/numbers.rs` and `src/llm/config.rs`.

use std::process::Output;

use crate::support::{repo, sdg};

fn spec() -> String {
    repo("specs/seed_linear.yaml").display().to_string()
}

fn run(args: &[&str]) -> Output {
    sdg().args(args).output().unwrap()
}

fn assert_refused(o: &Output, flag: &str, range: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{flag}: {err}");
    assert!(!err.contains("panicked"), "{flag}: {err}");
    assert!(err.contains(flag), "{flag} not named: {err}");
    assert!(
        err.contains(range),
        "{flag}: range {range} not named: {err}"
    );
    assert!(o.stdout.is_empty(), "{flag}: {o:?}");
}

/// (command before the flag, flag, bad values, the range the error must name)
fn cases() -> Vec<(Vec<String>, &'static str, Vec<&'static str>, &'static str)> {
    let run_cmd = vec!["run".to_string(), spec()];
    let iterate = vec!["iterate".to_string(), spec()];
    let new = vec!["new".to_string(), "a dataset".to_string()];
    vec![
        (
            run_cmd.clone(),
            "--rows",
            vec!["0", "-1", "1e3", "NaN", "ten", "18446744073709551616"],
            "1..=18446744073709551615",
        ),
        (
            run_cmd.clone(),
            "--seed",
            vec!["-1", "1.5", "inf", "18446744073709551616"],
            "0..=18446744073709551615",
        ),
        (
            run_cmd.clone(),
            "--fuel",
            vec!["0", "-5", "9223372036854775808", "lots"],
            "1..=9223372036854775807",
        ),
        (
            run_cmd.clone(),
            "--memory-mib",
            vec!["99999999", "4097", "0", "-1", "NaN"],
            "1..=4096",
        ),
        (
            vec!["audit".into(), "someid".into()],
            "--memory-mib",
            vec!["99999999", "0"],
            "1..=4096",
        ),
        (
            iterate.clone(),
            "--max-rounds",
            vec!["101", "-1", "4294967296", "x"],
            "0..=100",
        ),
        (
            iterate.clone(),
            "--seeds",
            vec!["1,-2", "1,x", "NaN"],
            "0..=18446744073709551615",
        ),
        (
            iterate.clone(),
            "--rows",
            vec!["0"],
            "1..=18446744073709551615",
        ),
        (
            new.clone(),
            "--llm-timeout",
            vec!["1e30", "NaN", "inf", "-1", "0", "86401"],
            "0 < SECS <= 86400",
        ),
        (
            new.clone(),
            "--temperature",
            vec!["NaN", "-0.5", "2.01", "inf", "hot"],
            "0.0..=2.0",
        ),
        (
            new.clone(),
            "--max-tokens",
            vec!["0", "1048577", "-3"],
            "1..=1048576",
        ),
        (new.clone(), "--repair-rounds", vec!["21", "-1"], "0..=20"),
        (
            iterate.clone(),
            "--llm-seed",
            vec!["-1", "0.5"],
            "0..=18446744073709551615",
        ),
    ]
}

#[test]
fn every_numeric_flag_refuses_bad_values_with_its_range() {
    for (cmd, flag, values, range) in cases() {
        for v in values {
            let mut args: Vec<&str> = cmd.iter().map(String::as_str).collect();
            args.extend([flag, v]);
            let o = run(&args);
            assert_refused(&o, flag, range);
        }
    }
}

#[test]
fn with_json_a_bad_value_is_the_json_error_object() {
    let o = run(&["run", "--json", &spec(), "--memory-mib", "99999999"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "ERROR");
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["error"]["kind"], "arguments");
    assert_eq!(v["error"]["clap_kind"], "value_validation");
    assert_eq!(v["error"]["argument"], "--memory-mib <MIB>");
    assert_eq!(v["error"]["value"], "99999999");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("1..=4096"), "{msg}");
    assert!(v["error"]["hint"].is_string(), "{v}");
}

#[test]
fn with_json_clap_errors_are_json_too() {
    for (args, kind) in [
        (vec!["run", "--json", "--bogus"], "unknown_argument"),
        (vec!["run", "--json", "x.yaml", "--rows"], "invalid_value"),
        (vec!["run", "--json"], "missing_required_argument"),
        (vec!["experiments", "--json", "--name"], "invalid_value"),
        (vec!["new", "--json"], "unknown_argument"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {o:?}"));
        assert_eq!(v["status"], "ERROR", "{args:?}");
        assert_eq!(v["error"]["kind"], "arguments", "{args:?}");
        assert_eq!(v["error"]["clap_kind"], kind, "{args:?}: {v}");
        assert!(o.stderr.is_empty(), "{args:?}: {o:?}");
    }
    // Without --json, clap's own text on stderr, nothing on stdout.
    let o = run(&["run", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--bogus"));
}

#[test]
fn a_missing_spec_with_json_is_the_json_error_object() {
    let o = run(&["run", "--json", "no_such_spec_anywhere"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "spec", "{v}");
    assert!(v["error"]["hint"].is_string(), "{v}");
}

/// A bad number in the `[llm]` table of the config file: exit 2 naming the key and its range
/// (NaN and 1e30 used to pass or panic), before any request is sent.
#[test]
fn bad_llm_config_values_are_refused_with_their_range() {
    let dir = tempfile::tempdir().unwrap();
    for (line, key, range) in [
        ("temperature = nan", "temperature", "0.0..=2.0"),
        ("temperature = -inf", "temperature", "0.0..=2.0"),
        ("top_p = nan", "top_p", "(0.0, 1.0]"),
        ("timeout_secs = 1e30", "timeout_secs", "0 < SECS <= 86400"),
        ("timeout_secs = nan", "timeout_secs", "0 < SECS <= 86400"),
        (
            "connect_timeout_secs = -1.0",
            "connect_timeout_secs",
            "0 < SECS <= 86400",
        ),
        ("max_tokens = 0", "max_tokens", "1..=1048576"),
        ("max_tokens = 4000000", "max_tokens", "1..=1048576"),
        ("retries = 4000000000", "retries", "0..=10"),
        (
            "backoff_ms = 9223372036854775807",
            "backoff_ms",
            "0..=30000",
        ),
        (
            "max_response_bytes = 0",
            "max_response_bytes",
            "1..=1073741824",
        ),
    ] {
        let file = dir.path().join("llm.toml");
        std::fs::write(&file, format!("[llm]\n{line}\n")).unwrap();
        let o = sdg()
            .args(["iterate", &spec(), "--llm-config"])
            .arg(&file)
            .env("SDG_LLM_URL", "http://127.0.0.1:9")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{line}: {err}");
        assert!(
            err.contains(&format!("`{key}`")) && err.contains(range),
            "{line}: {err}"
        );
        assert!(!err.contains("panicked"), "{line}: {err}");

        let o = sdg()
            .args(["iterate", "--json", &spec(), "--llm-config"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{line}: {o:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["error"]["kind"], "llm_config", "{line}: {v}");
    }
    // Values TOML cannot hold in the field's type are refused by name too.
    for (line, key) in [("seed = -1", "seed"), ("max_tokens = 1.5", "max_tokens")] {
        let file = dir.path().join("llm.toml");
        std::fs::write(&file, format!("[llm]\n{line}\n")).unwrap();
        let o = sdg()
            .args(["iterate", &spec(), "--llm-config"])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{line}: {err}");
        assert!(err.contains(key), "{line}: {err}");
    }
}
