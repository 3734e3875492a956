//! TRUSTED: the contract every later stage reads (code check, sandbox, validation).
//!
//! A [`Contract`] has private fields and one way in: [`validate`], which takes a spec that already
//! has the right *shape* (`spec::parse`) and applies the *semantic* rules — bounds that relate to
//! each other, names that must exist, host caps, imports that can never be allowed — reporting every
//! problem at once with its position. [`Contract::load`] reads a file within `spec`'s budgets and
//! does both.

mod column;
mod error;
pub mod flags;
mod forbidden;
mod rules;

use std::path::{Path, PathBuf};

pub use column::{Column, ColumnType, TimeUnit};
pub use error::ContractError;
pub use forbidden::ALWAYS_FORBIDDEN;
pub use rules::RUNTIME_PYTHON;

use crate::spec::{self, RawSpec};

/// Largest row count any contract may allow (wasm32 arrays stay below 2 GiB).
pub const MAX_ROWS: u64 = 100_000_000;
/// Longest time limit a contract may ask for (seconds).
pub const MAX_TIME_LIMIT_S: f64 = 600.0;

/// The contract's `execution_constraints` flags (absent = on, the safe default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Constraints {
    pub no_file_io: bool,
    pub no_network_calls: bool,
    pub no_printing: bool,
    pub no_plotting: bool,
    pub no_global_state: bool,
    pub no_recursion: bool,
}

/// A validated contract.
#[derive(Debug, Clone)]
pub struct Contract {
    name: String,
    function: String,
    rows_min: u64,
    rows_max: u64,
    default_rows: u64,
    default_seed: u64,
    outputs: Vec<Column>,
    allowed_imports: Vec<String>,
    forbidden_imports: Vec<String>,
    constraints: Constraints,
    seeded_rng: bool,
    time_limit_s: f64,
    code_path: Option<PathBuf>,
    notes: Vec<spec::Diagnostic>,
    /// The validation requirements in canonical spelling (see `spec::forms::canonical`).
    requirements: Vec<spec::Requirement>,
    raw: RawSpec,
}

/// Turns a shape-checked spec into a contract, or every semantic problem found. `file_stem`
/// names the contract when the spec has no `name`.
pub fn validate(parsed: &spec::Parsed, file_stem: &str) -> Result<Contract, Vec<spec::Diagnostic>> {
    rules::validate(parsed, file_stem)
}

impl Contract {
    /// Reads, parses and validates a spec file. The approved code's path is resolved against the
    /// spec's folder.
    pub fn load(path: &Path) -> Result<Contract, ContractError> {
        let text = read(path)?;
        Contract::from_text(&text, path)
    }

    /// Validates spec text; `path` names it in messages and resolves the code path.
    pub fn from_text(text: &str, path: &Path) -> Result<Contract, ContractError> {
        let invalid = |diagnostics| ContractError::Invalid {
            path: path.to_path_buf(),
            text: text.to_string(),
            diagnostics,
        };
        let parsed = spec::parse_as(text, spec::Syntax::of(path)).map_err(invalid)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("dataset");
        let mut c = validate(&parsed, stem).map_err(invalid)?;
        let base = path.parent().unwrap_or(Path::new("."));
        c.code_path = Some(
            base.join(
                c.code_path
                    .take()
                    .unwrap_or_else(|| PathBuf::from(format!("{}.py", c.name))),
            ),
        );
        Ok(c)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn function(&self) -> &str {
        &self.function
    }
    pub fn outputs(&self) -> &[Column] {
        &self.outputs
    }
    pub fn allowed_imports(&self) -> &[String] {
        &self.allowed_imports
    }
    pub fn forbidden_imports(&self) -> &[String] {
        &self.forbidden_imports
    }
    pub fn constraints(&self) -> Constraints {
        self.constraints
    }
    /// Whether the code must create its RNG as `numpy.random.default_rng(seed)`.
    pub fn seeded_rng(&self) -> bool {
        self.seeded_rng
    }
    /// The approved code's path (`code:` or `NAME.py`, beside the spec).
    pub fn code_path(&self) -> Option<&Path> {
        self.code_path.as_deref()
    }
    pub fn default_rows(&self) -> u64 {
        self.default_rows
    }
    pub fn default_seed(&self) -> u64 {
        self.default_seed
    }
    pub fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.time_limit_s)
    }
    /// The columns as the validation stage sees them.
    pub fn expected_columns(&self) -> Vec<spec::ExpectedColumn> {
        rules::expected_columns(&self.outputs)
    }
    /// The validation requirements, spelled canonically whichever shape the spec used (`float`
    /// reads as `float64`, a relationship's `type: linear_regression` is implied).
    pub fn requirements(&self) -> &[spec::Requirement] {
        &self.requirements
    }
    pub fn validation_settings(&self) -> spec::ValidationSettings {
        self.raw.validation_settings.clone().unwrap_or_default()
    }

    /// Things worth knowing about this valid spec (a Python version that is not the runtime's,
    /// behavioral flags sdg does not enforce, ...), each at its place in the spec.
    pub fn notes(&self) -> &[spec::Diagnostic] {
        &self.notes
    }

    /// The code's language as the spec states it (`python`, `python3.10`, ...).
    pub fn language(&self) -> &str {
        &self.raw.code_contract.language
    }

    /// `behavioral_rules` for a reviewer or the code's author, one line each: sentences as
    /// written, flags as `name: value` with what sdg does about them.
    pub fn behavioral_rules(&self) -> Vec<String> {
        match &self.raw.code_contract.behavioral_rules {
            spec::raw::BehavioralRules::Sentences(s) => s.clone(),
            spec::raw::BehavioralRules::Flags(f) => f
                .iter()
                .map(|(name, value)| match (flags::rules(name), value) {
                    (Some(rules), true) => {
                        let names: Vec<&str> = rules.iter().map(|r| r.name()).collect();
                        format!("{name}: true (enforced: {})", names.join(", "))
                    }
                    (Some(_), false) => format!("{name}: false (turns no rule off)"),
                    (None, v) => format!("{name}: {v} (not known to sdg; not enforced)"),
                })
                .collect(),
        }
    }

    /// The spec as validated (for records and prompts).
    pub fn raw(&self) -> &RawSpec {
        &self.raw
    }

    /// Checks a requested row count against the contract's `num_samples` bounds.
    pub fn rows(&self, requested: Option<u64>) -> Result<u64, ContractError> {
        let n = requested.unwrap_or(self.default_rows);
        if n < self.rows_min || n > self.rows_max {
            return Err(ContractError::Rows {
                requested: n,
                min: self.rows_min,
                max: self.rows_max,
            });
        }
        Ok(n)
    }
}

/// Reads a spec file: size-capped before reading, UTF-8 checked with the position of the first
/// bad byte.
pub fn read(path: &Path) -> Result<String, ContractError> {
    let meta = std::fs::metadata(path).map_err(ContractError::io(path))?;
    if meta.len() > spec::MAX_SPEC_BYTES {
        return Err(ContractError::TooLarge {
            path: path.to_path_buf(),
            bytes: meta.len(),
            limit: spec::MAX_SPEC_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(ContractError::io(path))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(good);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ContractError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })
}
