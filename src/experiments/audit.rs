//! Audit: [`audit_diff`] names every difference between a run and its rerun that matters for
//! reproducibility (dataset, fuel, runtime identity, spec/code hashes, and the validation report
//! value by value, with JSON-pointer paths and volatile keys such as timings ignored).

use super::record::Record;
use serde::Serialize;
use serde_json::Value;

/// Report keys ignored (at any depth) by [`audit_diff`]: they change from run to run by nature.
pub const VOLATILE_REPORT_KEYS: &[&str] = &[
    "timings",
    "timing",
    "elapsed_ms",
    "elapsed_s",
    "duration_ms",
    "wall_time_ms",
    "created_at",
    "generated_at",
    "started_at",
    "finished_at",
];

/// Report differences listed one by one before the rest are summed up in one line.
pub const MAX_REPORT_DIFFERENCES: usize = 100;

/// How much a difference matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    /// The rerun did not reproduce the run.
    Breaks,
    /// Worth knowing, not a failure to reproduce (e.g. another sdg version).
    Warning,
}

/// One difference between a run and its rerun.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What differs, e.g. `dataset sha256` or `report value`.
    pub what: String,
    /// Where: a JSON pointer into the report, or an artifact name.
    pub path: Option<String>,
    /// The value in the original run (`(absent)` if it had none).
    pub original: String,
    /// The value in the rerun (`(absent)` if it has none).
    pub rerun: String,
    pub severity: Severity,
}

const ABSENT: &str = "(absent)";
const MAX_SHOWN: usize = 200;

fn shown(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_SHOWN {
        let head: String = text.chars().take(MAX_SHOWN).collect();
        format!("{head}…")
    } else {
        text
    }
}

fn field(
    out: &mut Vec<Difference>,
    what: &str,
    a: impl ToString,
    b: impl ToString,
    severity: Severity,
) {
    let (a, b) = (a.to_string(), b.to_string());
    if a != b {
        out.push(Difference {
            what: what.to_string(),
            path: None,
            original: a,
            rerun: b,
            severity,
        });
    }
}

/// Differences between a run and its rerun, with [`VOLATILE_REPORT_KEYS`] ignored.
pub fn audit_diff(
    original: &Record,
    rerun: &Record,
    original_report: &Value,
    rerun_report: &Value,
) -> Vec<Difference> {
    audit_diff_with(
        original,
        rerun,
        original_report,
        rerun_report,
        VOLATILE_REPORT_KEYS,
    )
}

/// [`audit_diff`] with the caller's list of volatile report keys.
pub fn audit_diff_with(
    original: &Record,
    rerun: &Record,
    original_report: &Value,
    rerun_report: &Value,
    volatile: &[&str],
) -> Vec<Difference> {
    use Severity::{Breaks, Warning};
    let (a, b) = (original, rerun);
    let mut out = Vec::new();
    field(
        &mut out,
        "spec sha256",
        &a.spec_sha256,
        &b.spec_sha256,
        Breaks,
    );
    field(
        &mut out,
        "code sha256",
        &a.code_sha256,
        &b.code_sha256,
        Breaks,
    );
    field(&mut out, "seed", a.seed, b.seed, Breaks);
    field(&mut out, "rows", a.rows, b.rows, Breaks);
    field(
        &mut out,
        "dataset sha256",
        &a.dataset.sha256,
        &b.dataset.sha256,
        Breaks,
    );
    field(
        &mut out,
        "dataset rows",
        a.dataset.rows,
        b.dataset.rows,
        Breaks,
    );
    field(
        &mut out,
        "dataset bytes",
        a.dataset.bytes,
        b.dataset.bytes,
        Breaks,
    );
    field(
        &mut out,
        "dataset format",
        &a.dataset.format,
        &b.dataset.format,
        Breaks,
    );
    field(&mut out, "fuel used", a.fuel_used, b.fuel_used, Breaks);
    field(
        &mut out,
        "fuel generation",
        a.fuel_generation,
        b.fuel_generation,
        Breaks,
    );
    field(&mut out, "status", &a.status, &b.status, Breaks);
    field(
        &mut out,
        "runtime package",
        &a.runtime.package,
        &b.runtime.package,
        Breaks,
    );
    field(
        &mut out,
        "wasmtime version",
        &a.runtime.wasmtime,
        &b.runtime.wasmtime,
        Breaks,
    );
    field(
        &mut out,
        "sdg version",
        &a.runtime.sdg,
        &b.runtime.sdg,
        Warning,
    );
    artifacts(&mut out, &a.runtime.artifacts, &b.runtime.artifacts);
    let mut report = Vec::new();
    json_diff(&mut report, "", original_report, rerun_report, volatile);
    let extra = report.len().saturating_sub(MAX_REPORT_DIFFERENCES);
    report.truncate(MAX_REPORT_DIFFERENCES);
    out.extend(report);
    if extra > 0 {
        out.push(Difference {
            what: format!("report: {extra} more differing values not listed"),
            path: None,
            original: String::new(),
            rerun: String::new(),
            severity: Breaks,
        });
    }
    out
}

fn artifacts(out: &mut Vec<Difference>, a: &[(String, String)], b: &[(String, String)]) {
    let lookup = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, h)| h.clone())
    };
    let mut names: Vec<&String> = a.iter().map(|(n, _)| n).collect();
    names.extend(
        b.iter()
            .map(|(n, _)| n)
            .filter(|n| !a.iter().any(|(m, _)| m == *n)),
    );
    for name in names {
        let (ha, hb) = (lookup(a, name), lookup(b, name));
        if ha != hb {
            out.push(Difference {
                what: "runtime artifact sha256".into(),
                path: Some(name.clone()),
                original: ha.unwrap_or_else(|| ABSENT.into()),
                rerun: hb.unwrap_or_else(|| ABSENT.into()),
                severity: Severity::Breaks,
            });
        }
    }
}

fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn report_diff(out: &mut Vec<Difference>, path: &str, a: Option<&Value>, b: Option<&Value>) {
    out.push(Difference {
        what: "report value".into(),
        path: Some(if path.is_empty() {
            "/".into()
        } else {
            path.into()
        }),
        original: a.map_or_else(|| ABSENT.into(), shown),
        rerun: b.map_or_else(|| ABSENT.into(), shown),
        severity: Severity::Breaks,
    });
}

/// Appends the differences between two JSON values, with JSON-pointer paths.
fn json_diff(out: &mut Vec<Difference>, path: &str, a: &Value, b: &Value, volatile: &[&str]) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                if volatile.contains(&k.as_str()) {
                    continue;
                }
                let p = format!("{path}/{}", pointer_token(k));
                match y.get(k) {
                    Some(vb) => json_diff(out, &p, va, vb, volatile),
                    None => report_diff(out, &p, Some(va), None),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) && !volatile.contains(&k.as_str()) {
                    report_diff(out, &format!("{path}/{}", pointer_token(k)), None, Some(vb));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}/{i}");
                match (x.get(i), y.get(i)) {
                    (Some(va), Some(vb)) => json_diff(out, &p, va, vb, volatile),
                    (va, vb) => report_diff(out, &p, va, vb),
                }
            }
        }
        _ if a == b => {}
        _ => report_diff(out, path, Some(a), Some(b)),
    }
}
