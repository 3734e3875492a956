//! `sdg new`: intent → spec (the spec validator decides, with repair rounds) → code (the code
//! check decides) → `NAME.yaml` + `NAME.py` for a person to review. The LLM's draft of the code
//! and its provenance (model, fingerprint, sampling, usage, every exchange) are kept beside the
//! spec (`.sdg/approvals/NAME.draft.py`, `NAME.llm.json`) for `sdg review` and the records.
//! Also the validator and checker closures that [`crate::author`] borrows.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::author::{self, AuthorError, AuthorOptions, CodeTools, Drafted, SpecTools};
use crate::contract::Contract;
use crate::experiments::{fsutil, names, save_draft, ApprovalError, ApprovalStore};
use crate::llm::LlmClient;

/// The example shown to the model: the seed's intent and spec (written in the shape the model
/// is asked for, see [`LLM_FORM`]).
const EXAMPLE_INTENT: &str =
    "A linear relationship y = 2x + noise, with x uniform on [0, 1] and standard normal noise.";
const EXAMPLE_SPEC: &str = include_str!("../../specs/seed_linear.yaml");

/// The shape `sdg new` asks the model for: the design document's (`- check: KIND` beside the
/// fields, `constraints: {min, max}`, `dtype: float`), the one its readers paste and Codestral
/// users know. The spec validator accepts both shapes either way; the prompt's schema outline,
/// the structured-output grammar and the example carry only this one, so the model sees one
/// way to write each thing.
pub const LLM_FORM: crate::spec::Form = crate::spec::Form::Document;

/// The JSON Schema the model writes against: the spec's, requirements in [`LLM_FORM`] only.
pub fn llm_schema() -> Value {
    crate::spec::forms::only(crate::spec::schema(), LLM_FORM)
}

/// The bundled example spec in [`LLM_FORM`] (comments dropped: they cost prompt tokens).
pub fn llm_example() -> String {
    match crate::spec::parse(EXAMPLE_SPEC) {
        Ok(p) => author::yaml::to_yaml_compact(&crate::spec::forms::to_json(&p.raw, LLM_FORM)),
        Err(_) => EXAMPLE_SPEC.to_string(),
    }
}

/// Why `sdg new` stopped.
#[derive(Debug, thiserror::Error)]
pub enum AuthoringError {
    #[error("`{name}` cannot be a spec name: {reason}\nhint: pass --name with letters, digits, `_`, `-`")]
    BadName { name: String, reason: String },

    #[error("{} already exists\nhint: pass --force to replace it, or --name for another name", path.display())]
    Exists { path: PathBuf },

    #[error("the {stage} could not be drafted")]
    Author {
        stage: &'static str,
        #[source]
        source: AuthorError,
    },

    #[error("the drafted spec no longer validates after sdg set its name and code:\n{problems}")]
    Finalize { problems: String },

    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(transparent)]
    Approval(#[from] ApprovalError),
}

/// What `sdg new` wrote.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub name: String,
    pub spec_path: PathBuf,
    pub code_path: PathBuf,
    pub spec_text: String,
    pub code_text: String,
    /// The code check's rendered violations, if the last draft still breaks the contract.
    pub violations: Option<String>,
    /// Requests made: spec, code.
    pub requests: (usize, usize),
}

/// Validates spec text as the spec validator does; `Err` is the rendered diagnostics.
pub fn validate_spec_text(yaml: &str) -> Result<(), String> {
    Contract::from_text(yaml, Path::new("draft.yaml"))
        .map(|_| ())
        .map_err(|e| e.rendered().unwrap_or_else(|| e.to_string()))
}

/// Checks code against a contract; `Err` is the rendered violations.
pub fn check_code_text(contract: &Contract, code: &str) -> Result<(), String> {
    match crate::check::check(code, &crate::check::Policy::from(contract)) {
        Ok(v) if v.is_empty() => Ok(()),
        Ok(v) => Err(crate::check::render(code, "generator.py", &v)),
        Err(e) => Err(e.to_string()),
    }
}

/// Sets `name`, `intent` and `code` at the top of a validated spec and re-validates it.
fn finalize(
    yaml: &str,
    name: &str,
    intent: &str,
    spec_path: &Path,
) -> Result<String, AuthoringError> {
    let problems = |p: String| AuthoringError::Finalize { problems: p };
    let parsed = crate::spec::parse(yaml).map_err(|d| problems(format!("{d:?}")))?;
    let Value::Object(body) =
        crate::spec::tree_to_json(&parsed.tree).map_err(|d| problems(format!("{d:?}")))?
    else {
        return Err(problems("the spec is not a mapping".into()));
    };
    let mut map = serde_json::Map::new();
    map.insert("name".into(), json!(name));
    map.insert("intent".into(), json!(intent.trim()));
    for (k, v) in body {
        if !matches!(k.as_str(), "name" | "intent" | "code") {
            map.insert(k, v);
        }
    }
    map.insert("code".into(), json!(format!("{name}.py")));
    let text = author::yaml::to_yaml(&Value::Object(map));
    Contract::from_text(&text, spec_path)
        .map_err(|e| problems(e.rendered().unwrap_or_else(|| e.to_string())))?;
    Ok(text)
}

/// Model, fingerprint, sampling, usage of the accepted answer, every exchange, and the intent.
fn provenance(intent: &str, spec: &Drafted, code: &Drafted, code_text: &str) -> Value {
    let mut v = revision_provenance(code, code_text);
    v["intent"] = json!(intent);
    v["spec_attempts"] = json!(spec.attempts);
    v
}

fn write(path: &Path, bytes: &[u8], mode: u32) -> Result<(), AuthoringError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| AuthoringError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    fsutil::write_atomic(path, bytes, mode).map_err(|source| AuthoringError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Keeps `code` as the LLM's draft of `name` and its provenance beside the spec.
pub fn keep_draft(
    spec_path: &Path,
    name: &str,
    code: &str,
    provenance: &Value,
) -> Result<(), AuthoringError> {
    save_draft(
        &ApprovalStore::beside_spec(spec_path),
        name,
        code.as_bytes(),
    )?;
    let mut bytes = serde_json::to_vec_pretty(provenance).unwrap_or_default();
    bytes.push(b'\n');
    write(
        &super::record::provenance_path(spec_path, name),
        &bytes,
        0o600,
    )
}

/// Drafts a spec and its code from `intent` and writes them into `dir`.
pub fn new_spec(
    client: &LlmClient,
    intent: &str,
    name: Option<&str>,
    dir: &Path,
    force: bool,
    opts: &AuthorOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<NewOutcome, AuthoringError> {
    let name = name.map_or_else(|| author::suggest_name(intent), str::to_string);
    names::check_name(&name).map_err(|reason| AuthoringError::BadName {
        name: name.escape_debug().take(80).collect(),
        reason,
    })?;
    let spec_path = dir.join(format!("{name}.yaml"));
    let code_path = dir.join(format!("{name}.py"));
    for p in [&spec_path, &code_path] {
        if p.exists() && !force {
            return Err(AuthoringError::Exists { path: p.clone() });
        }
    }
    let schema = llm_schema();
    let example = llm_example();
    let examples = [(EXAMPLE_INTENT, example.as_str())];
    let tools = SpecTools {
        schema: &schema,
        validate: &validate_spec_text,
        examples: &examples,
    };
    progress(&format!("asking {} for a spec", client.config().model));
    let spec = author::draft_spec(client, intent, &tools, opts).map_err(|source| {
        AuthoringError::Author {
            stage: "spec",
            source,
        }
    })?;
    let spec_text = finalize(&spec.text, &name, intent, &spec_path)?;
    let contract =
        Contract::from_text(&spec_text, &spec_path).map_err(|e| AuthoringError::Finalize {
            problems: e.to_string(),
        })?;
    let check = |code: &str| check_code_text(&contract, code);
    progress(&format!(
        "asking {} for the code of `{}`",
        client.config().model,
        contract.function()
    ));
    let (code, violations) = match author::draft_code(
        client,
        &spec_text,
        contract.function(),
        &CodeTools { check: &check },
        opts,
    ) {
        Ok(d) => (d, None),
        Err(AuthorError::StillInvalid {
            attempts,
            last_problems,
            ..
        }) if attempts.last().is_some_and(|a| a.extracted.is_some()) => {
            let text = attempts
                .last()
                .and_then(|a| a.extracted.clone())
                .unwrap_or_default();
            (Drafted { text, attempts }, Some(last_problems))
        }
        Err(source) => {
            return Err(AuthoringError::Author {
                stage: "code",
                source,
            })
        }
    };
    write(&spec_path, spec_text.as_bytes(), 0o644)?;
    write(&code_path, code.text.as_bytes(), 0o644)?;
    keep_draft(
        &spec_path,
        &name,
        &code.text,
        &provenance(intent, &spec, &code, &code.text),
    )?;
    Ok(NewOutcome {
        name,
        spec_path,
        code_path,
        requests: (spec.attempts.len(), code.attempts.len()),
        spec_text,
        code_text: code.text,
        violations,
    })
}

/// Provenance of a revised code (for `sdg iterate`).
pub fn revision_provenance(code: &Drafted, code_text: &str) -> Value {
    let last = code.attempts.last().map(|a| &a.completion);
    json!({
        "model": last.and_then(|c| c.model.clone()),
        "system_fingerprint": last.and_then(|c| c.system_fingerprint.clone()),
        "sampling": last.map(|c| &c.sampling),
        "usage": last.map(|c| &c.usage),
        "code_sha256": fsutil::sha256_hex(code_text.as_bytes()),
        "code_attempts": code.attempts,
    })
}
