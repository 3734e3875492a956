//! The trusted contract, read from an untrusted YAML spec.
//!
//! This is the first cut the engine needs (the spec issue replaces the reader with the full
//! validator and JSON Schema): the spec's `code_contract` is parsed with size and shape bounds and
//! turned into a [`Contract`] whose fields are private and whose only constructor is
//! [`Contract::from_yaml`]. Everything downstream (sandbox request, column checks) reads the
//! contract, never the YAML.

mod error;
mod raw;

use std::path::{Path, PathBuf};

pub use error::ContractError;

use crate::sandbox::{ColumnSpec, ColumnType, TimeUnit};

/// Largest spec file accepted (bytes).
pub const MAX_SPEC_BYTES: u64 = 1 << 20;
/// Largest row count any contract may allow (wasm32 arrays stay below 2 GiB).
pub const MAX_ROWS: u64 = 100_000_000;
/// Longest time limit a contract may ask for (seconds).
pub const MAX_TIME_LIMIT_S: f64 = 600.0;

/// A validated code contract.
#[derive(Debug, Clone)]
pub struct Contract {
    name: String,
    function: String,
    rows_min: u64,
    rows_max: u64,
    default_rows: u64,
    outputs: Vec<ColumnSpec>,
    allowed_imports: Vec<String>,
    forbidden_imports: Vec<String>,
    time_limit_s: f64,
    code_path: Option<PathBuf>,
}

impl Contract {
    /// Reads and validates a spec file.
    pub fn load(path: &Path) -> Result<Contract, ContractError> {
        let meta = std::fs::metadata(path).map_err(ContractError::io(path))?;
        if meta.len() > MAX_SPEC_BYTES {
            return Err(ContractError::TooLarge {
                path: path.to_path_buf(),
                bytes: meta.len(),
                limit: MAX_SPEC_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(ContractError::io(path))?;
        let text = String::from_utf8(bytes).map_err(|e| ContractError::Yaml {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        })?;
        let mut c = Contract::from_yaml(&text, path)?;
        if let Some(p) = c.code_path.take() {
            let base = path.parent().unwrap_or(Path::new("."));
            c.code_path = Some(base.join(p));
        }
        Ok(c)
    }

    /// Validates spec text; `path` is only used in messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Contract, ContractError> {
        let raw = raw::parse(text, path)?;
        raw::validate(raw, path)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn function(&self) -> &str {
        &self.function
    }
    pub fn outputs(&self) -> &[ColumnSpec] {
        &self.outputs
    }
    pub fn allowed_imports(&self) -> &[String] {
        &self.allowed_imports
    }
    pub fn forbidden_imports(&self) -> &[String] {
        &self.forbidden_imports
    }
    /// The approved code's path, resolved against the spec's folder.
    pub fn code_path(&self) -> Option<&Path> {
        self.code_path.as_deref()
    }
    pub fn default_rows(&self) -> u64 {
        self.default_rows
    }
    pub fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.time_limit_s)
    }

    /// Checks a requested row count against the contract's `num_samples` bounds.
    pub fn rows(&self, requested: Option<u64>) -> Result<u64, ContractError> {
        let n = requested.unwrap_or(self.default_rows);
        if n < self.rows_min || n > self.rows_max {
            return Err(ContractError::Invalid {
                at: "code_contract.function.inputs.num_samples".into(),
                message: format!(
                    "{n} rows requested; the contract allows {}..={}",
                    self.rows_min, self.rows_max
                ),
                hint: "pass --rows within the bounds, or widen them in the spec".into(),
            });
        }
        Ok(n)
    }
}

/// Maps a spec dtype name to the sandbox's column type.
pub fn column_type(dtype: &str) -> Option<(ColumnType, Option<TimeUnit>)> {
    let t = match dtype {
        "float64" | "float" | "double" => (ColumnType::Float64, None),
        "int64" | "int" | "integer" => (ColumnType::Int64, None),
        "bool" | "boolean" => (ColumnType::Bool, None),
        "str" | "string" | "utf8" => (ColumnType::Utf8, None),
        "category" | "categorical" => (ColumnType::Category, None),
        "datetime64[s]" => (ColumnType::Timestamp, Some(TimeUnit::S)),
        "datetime64[ms]" => (ColumnType::Timestamp, Some(TimeUnit::Ms)),
        "datetime64[us]" | "datetime64" | "timestamp" => {
            (ColumnType::Timestamp, Some(TimeUnit::Us))
        }
        "datetime64[ns]" => (ColumnType::Timestamp, Some(TimeUnit::Ns)),
        _ => return None,
    };
    Some(t)
}
