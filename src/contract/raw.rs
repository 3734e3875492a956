//! The untrusted shape of a spec (serde), and its one-way conversion into a [`Contract`].
//!
//! Keys this stage acts on are parsed strictly (unknown keys are errors with their location);
//! `validation_requirements`, `randomness` and `behavioral_rules` are carried opaquely until the
//! validation and code-check stages own them.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

use super::{column_type, Contract, ContractError, MAX_ROWS, MAX_TIME_LIMIT_S};
use crate::sandbox::{ColumnSpec, ColumnType};

/// Modules no contract may allow: the sandbox would refuse them anyway, and asking is a sign of a
/// spec written to escape.
pub const ALWAYS_FORBIDDEN: &[&str] = &[
    "os",
    "sys",
    "subprocess",
    "socket",
    "ctypes",
    "importlib",
    "builtins",
    "shutil",
    "pathlib",
    "io",
    "pickle",
    "marshal",
    "threading",
    "multiprocessing",
    "signal",
    "requests",
    "urllib",
    "http",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpec {
    name: Option<String>,
    #[allow(dead_code)]
    intent: Option<String>,
    #[allow(dead_code)]
    version: Option<Value>,
    code: Option<String>,
    code_contract: RawCodeContract,
    #[allow(dead_code)]
    validation_requirements: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodeContract {
    language: String,
    function: RawFunction,
    #[serde(default)]
    environment: RawEnvironment,
    #[allow(dead_code)]
    randomness: Option<Value>,
    #[serde(default)]
    execution_constraints: RawConstraints,
    #[allow(dead_code)]
    behavioral_rules: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunction {
    name: String,
    #[allow(dead_code)]
    description: Option<String>,
    inputs: Mapping,
    outputs: Mapping,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvironment {
    #[serde(default)]
    allowed_imports: Vec<String>,
    #[serde(default)]
    forbidden_imports: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawConstraints {
    no_file_io: Option<bool>,
    no_network_calls: Option<bool>,
    no_printing: Option<bool>,
    no_plotting: Option<bool>,
    no_global_state: Option<bool>,
    no_recursion: Option<bool>,
    time_limit_seconds: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRowsInput {
    #[serde(rename = "type")]
    ty: Option<String>,
    min: Option<u64>,
    max: Option<u64>,
    default: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    #[serde(rename = "type")]
    #[allow(dead_code)]
    ty: Option<String>,
    dtype: String,
    #[allow(dead_code)]
    length: Option<Value>,
    #[serde(default)]
    nullable: bool,
    #[serde(default)]
    categories: Vec<String>,
    #[allow(dead_code)]
    description: Option<String>,
}

pub(super) fn parse(text: &str, path: &Path) -> Result<RawSpec, ContractError> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        ContractError::Yaml {
            path: path.to_path_buf(),
            line,
            column,
            message: e.to_string(),
        }
    })
}

fn invalid(at: &str, message: impl Into<String>, hint: impl Into<String>) -> ContractError {
    ContractError::Invalid {
        at: at.to_string(),
        message: message.into(),
        hint: hint.into(),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn validate(raw: RawSpec, path: &Path) -> Result<Contract, ContractError> {
    let cc = raw.code_contract;
    if cc.language != "python" {
        return Err(invalid(
            "code_contract.language",
            format!("`{}` is not supported", cc.language),
            "use `python`",
        ));
    }
    let f = cc.function;
    if !is_identifier(&f.name) {
        return Err(invalid(
            "code_contract.function.name",
            format!("`{}` is not a Python identifier", f.name),
            "",
        ));
    }
    let keys: Vec<String> = f
        .inputs
        .keys()
        .map(|k| k.as_str().unwrap_or("?").to_string())
        .collect();
    if keys != ["num_samples", "seed"] {
        return Err(invalid(
            "code_contract.function.inputs",
            format!("inputs are {keys:?}"),
            "the generator takes exactly `num_samples` and `seed`, in that order",
        ));
    }
    let rows_at = "code_contract.function.inputs.num_samples";
    let rows: RawRowsInput =
        serde_yaml_ng::from_value(f.inputs[&Value::from("num_samples")].clone())
            .map_err(|e| invalid(rows_at, e.to_string(), ""))?;
    if rows.ty.as_deref().is_some_and(|t| t != "int") {
        return Err(invalid(rows_at, "`type` must be `int`", ""));
    }
    let rows_min = rows.min.unwrap_or(1);
    let rows_max = rows.max.unwrap_or(MAX_ROWS);
    if rows_min == 0 || rows_min > rows_max || rows_max > MAX_ROWS {
        return Err(invalid(
            rows_at,
            format!("bounds {rows_min}..={rows_max} are not within 1..={MAX_ROWS}"),
            "set 1 <= min <= max",
        ));
    }
    let default_rows = rows.default.unwrap_or(rows_min.max(1000).min(rows_max));
    if !(rows_min..=rows_max).contains(&default_rows) {
        return Err(invalid(rows_at, "`default` lies outside min..=max", ""));
    }

    let mut outputs = Vec::new();
    for (k, v) in &f.outputs {
        let name = k.as_str().unwrap_or_default().to_string();
        let at = format!("code_contract.function.outputs.{name}");
        if !is_identifier(&name) {
            return Err(invalid(&at, "output names must be identifiers", ""));
        }
        let o: RawOutput =
            serde_yaml_ng::from_value(v.clone()).map_err(|e| invalid(&at, e.to_string(), ""))?;
        let Some((dtype, unit)) = column_type(&o.dtype) else {
            return Err(invalid(
                &format!("{at}.dtype"),
                format!("unknown dtype `{}`", o.dtype),
                "use float64, int64, bool, string, category or datetime64[s|ms|us|ns]",
            ));
        };
        if (dtype == ColumnType::Category) == o.categories.is_empty() {
            return Err(invalid(
                &format!("{at}.categories"),
                "categories are required for, and only for, category columns",
                "",
            ));
        }
        outputs.push(ColumnSpec {
            name,
            dtype,
            nullable: o.nullable,
            categories: o.categories,
            unit,
        });
    }
    if outputs.is_empty() {
        return Err(invalid("code_contract.function.outputs", "no outputs", ""));
    }

    let env = cc.environment;
    for m in &env.allowed_imports {
        let root = m.split('.').next().unwrap_or(m);
        if ALWAYS_FORBIDDEN.contains(&root) {
            return Err(invalid(
                "code_contract.environment.allowed_imports",
                format!("`{m}` can never be allowed"),
                "generators need no system access; remove it",
            ));
        }
        if env.forbidden_imports.contains(m) {
            return Err(invalid(
                "code_contract.environment",
                format!("`{m}` is both allowed and forbidden"),
                "",
            ));
        }
    }
    let time_limit_s = cc.execution_constraints.time_limit_seconds.unwrap_or(2.0);
    if !(time_limit_s > 0.0 && time_limit_s <= MAX_TIME_LIMIT_S) {
        return Err(invalid(
            "code_contract.execution_constraints.time_limit_seconds",
            format!("{time_limit_s} is not in (0, {MAX_TIME_LIMIT_S}]"),
            "",
        ));
    }
    let _ = path;
    Ok(Contract {
        name: raw.name.unwrap_or_else(|| f.name.clone()),
        function: f.name,
        rows_min,
        rows_max,
        default_rows,
        outputs,
        allowed_imports: env.allowed_imports,
        forbidden_imports: env.forbidden_imports,
        time_limit_s,
        code_path: raw.code.map(PathBuf::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../specs/seed_linear.yaml");

    #[test]
    fn seed_spec_is_accepted() {
        let c = Contract::from_yaml(SEED, Path::new("seed.yaml")).unwrap();
        assert_eq!(c.function(), "generate_data");
        let names: Vec<_> = c.outputs().iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        assert_eq!(c.rows(Some(1_000_000)).unwrap(), 1_000_000);
        assert!(c.rows(Some(0)).is_err());
        assert_eq!(c.time_limit(), std::time::Duration::from_secs(2));
    }

    #[test]
    fn unknown_keys_report_their_line() {
        let bad = SEED.replace("  language: python", "  language: python\n  langauge: x");
        match Contract::from_yaml(&bad, Path::new("s.yaml")) {
            Err(ContractError::Yaml { line, message, .. }) => {
                assert!(message.contains("langauge"), "{message}");
                assert!(line > 0);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn always_forbidden_modules_cannot_be_allowed() {
        let bad = SEED.replace(
            "allowed_imports: [numpy]",
            "allowed_imports: [numpy, os.path]",
        );
        let e = Contract::from_yaml(&bad, Path::new("s.yaml")).unwrap_err();
        assert!(e.to_string().contains("os.path"), "{e}");
    }
}
