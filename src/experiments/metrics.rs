//! [`compare_metrics`]: the numeric metrics of two validation reports side by side (the
//! `metrics` object, flattened, and each check's `statistic`, `p_value` and `effect_size`).

use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One metric of two reports side by side; `delta` is `b - a` when both have it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    pub name: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub delta: Option<f64>,
}

/// Fields of a check flattened by [`compare_metrics`].
pub const CHECK_FIELDS: &[&str] = &["statistic", "p_value", "effect_size"];

fn flatten_numbers(out: &mut Vec<(String, f64)>, prefix: &str, v: &Value) {
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                out.push((prefix.to_string(), f));
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                flatten_numbers(out, &format!("{prefix}.{k}"), x);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                flatten_numbers(out, &format!("{prefix}[{i}]"), x);
            }
        }
        _ => {}
    }
}

fn check_label(index: usize, check: &serde_json::Map<String, Value>) -> String {
    let name = ["name", "check", "id", "kind"]
        .iter()
        .find_map(|k| check.get(*k).and_then(Value::as_str));
    let column = match check.get("column") {
        Some(Value::String(c)) => Some(c.clone()),
        _ => match check.get("columns") {
            Some(Value::Array(cols)) => {
                let cols: Vec<&str> = cols.iter().filter_map(Value::as_str).collect();
                (!cols.is_empty()).then(|| cols.join(","))
            }
            _ => None,
        },
    };
    let name = name.map_or_else(|| format!("#{index}"), str::to_string);
    match column {
        Some(c) => format!("checks.{name}[{c}]"),
        None => format!("checks.{name}"),
    }
}

/// The numeric metrics of a report, named, in the report's order.
fn report_metrics(report: &Value) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    if let Some(metrics) = report.get("metrics") {
        flatten_numbers(&mut out, "metrics", metrics);
    }
    if let Some(Value::Array(checks)) = report.get("checks") {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, check) in checks.iter().enumerate() {
            let Value::Object(check) = check else {
                continue;
            };
            let mut label = check_label(i, check);
            let count = seen.entry(label.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                label = format!("{label}#{count}");
            }
            for f in CHECK_FIELDS {
                if let Some(x) = check.get(*f).and_then(Value::as_f64) {
                    out.push((format!("{label}.{f}"), x));
                }
            }
        }
    }
    out
}

/// The numeric metrics of two reports side by side: `metrics.*` (flattened) and each check's
/// `statistic`, `p_value` and `effect_size` (named `checks.<name>[<column>].<field>`). Rows
/// follow report `a`'s order, then the metrics only `b` has, in `b`'s order.
pub fn compare_metrics(a: &Value, b: &Value) -> Vec<MetricRow> {
    let (ma, mb) = (report_metrics(a), report_metrics(b));
    let b_index: HashMap<&str, f64> = mb.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let a_names: HashSet<&str> = ma.iter().map(|(k, _)| k.as_str()).collect();
    let mut rows: Vec<MetricRow> = ma
        .iter()
        .map(|(name, x)| {
            let y = b_index.get(name.as_str()).copied();
            MetricRow {
                name: name.clone(),
                a: Some(*x),
                b: y,
                delta: y.map(|y| y - x),
            }
        })
        .collect();
    rows.extend(
        mb.iter()
            .filter(|(k, _)| !a_names.contains(k.as_str()))
            .map(|(name, y)| MetricRow {
                name: name.clone(),
                a: None,
                b: Some(*y),
                delta: None,
            }),
    );
    rows
}
