//! A loaded experiment: its record (read within bounds, never through a symlink, checked) and
//! accessors for its files, plus [`Experiment::verify_files`], which re-hashes them against the
//! record to detect tampering.

use super::approval::{self, Approval};
use super::error::{corrupt, io_err, ExperimentError};
use super::fsutil::{self, ReadError};
use super::record::Record;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// Largest `record.json` read.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
/// Largest `spec.yaml`, `code.py` or `report.json` read into memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A loaded record and its folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub dir: PathBuf,
    pub record: Record,
}

/// The exact bytes of `approval.json` for an approval (deterministic, so they can be re-checked).
pub fn approval_json(approval: &Approval) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(approval).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Reads and checks `<dir>/record.json`; `dir` must be a real folder named like an id.
pub(super) fn read_record(dir: &Path, id: &str) -> Result<Record, ExperimentError> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(corrupt(
                dir,
                "it is a symbolic link, which sdg refuses to follow here",
            ))
        }
        Ok(m) if !m.is_dir() => return Err(corrupt(dir, "it is not a folder")),
        Ok(_) => {}
        Err(e) => return Err(io_err("read", dir)(e)),
    }
    let path = dir.join("record.json");
    let bytes =
        fsutil::read_bounded(&path, MAX_RECORD_BYTES).map_err(|e| corrupt(&path, e.reason()))?;
    let record: Record = serde_json::from_slice(&bytes)
        .map_err(|e| corrupt(&path, format!("not a valid record: {e}")))?;
    record.check(id).map_err(|reason| corrupt(&path, reason))?;
    Ok(record)
}

impl Experiment {
    /// The experiment id.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    fn read(&self, file: &str) -> Result<Vec<u8>, ExperimentError> {
        let path = self.dir.join(file);
        fsutil::read_bounded(&path, MAX_FILE_BYTES).map_err(|e| corrupt(&path, e.reason()))
    }

    /// The dataset's bytes for this run: the copy kept in the record folder if there is one,
    /// else the path the run wrote to. Either way the file must still have the recorded hash.
    pub fn dataset_file(&self) -> Result<PathBuf, ExperimentError> {
        let r = &self.record;
        let path = match &r.dataset_copy {
            Some(name) => self.dir.join(name),
            None => PathBuf::from(&r.dataset.path),
        };
        let (actual, _) = fsutil::hash_file(&path).map_err(|e| corrupt(&path, e.reason()))?;
        if actual != r.dataset.sha256 {
            return Err(ExperimentError::Tampered {
                id: r.id.clone(),
                file: path.display().to_string(),
                expected: r.dataset.sha256.clone(),
                actual,
            });
        }
        Ok(path)
    }

    /// The exact bytes of `spec.yaml`.
    pub fn spec(&self) -> Result<Vec<u8>, ExperimentError> {
        self.read("spec.yaml")
    }

    /// The exact bytes of `code.py`.
    pub fn code(&self) -> Result<Vec<u8>, ExperimentError> {
        self.read("code.py")
    }

    /// The validation report.
    pub fn report(&self) -> Result<Value, ExperimentError> {
        let bytes = self.read("report.json")?;
        serde_json::from_slice(&bytes)
            .map_err(|e| corrupt(&self.dir.join("report.json"), format!("not JSON: {e}")))
    }

    /// The content of `approval.json`, if the record has one.
    pub fn approval(&self) -> Result<Option<Approval>, ExperimentError> {
        let path = self.dir.join("approval.json");
        match fsutil::read_bounded(&path, approval::MAX_APPROVAL_BYTES) {
            Ok(bytes) => approval::parse_approval(&bytes)
                .map(Some)
                .map_err(|reason| corrupt(&path, reason)),
            Err(ReadError::NotFound) => Ok(None),
            Err(e) => Err(corrupt(&path, e.reason())),
        }
    }

    /// Re-hashes `spec.yaml`, `code.py`, `report.json` (and `approval.json`, and the kept
    /// dataset `dataset.<format>`) against the record.
    pub fn verify_files(&self) -> Result<(), ExperimentError> {
        let r = &self.record;
        let approval_sha = r
            .approval
            .as_ref()
            .map(|a| fsutil::sha256_hex(&approval_json(a)));
        let mut checks = vec![
            ("spec.yaml", Some(r.spec_sha256.clone())),
            ("code.py", Some(r.code_sha256.clone())),
            ("report.json", Some(r.report_sha256.clone())),
        ];
        checks.push(("approval.json", approval_sha));
        if let Some(copy) = &r.dataset_copy {
            checks.push((copy.as_str(), Some(r.dataset.sha256.clone())));
        }
        for (file, expected) in checks {
            let path = self.dir.join(file);
            let actual = match fsutil::hash_file(&path) {
                Ok((hash, _)) => hash,
                Err(ReadError::NotFound) if expected.is_none() => continue,
                Err(e) => return Err(corrupt(&path, e.reason())),
            };
            let Some(expected) = expected else {
                return Err(corrupt(
                    &path,
                    "the record has no approval, but the folder has an approval.json",
                ));
            };
            if actual != expected {
                return Err(ExperimentError::Tampered {
                    id: r.id.clone(),
                    file: file.to_string(),
                    expected,
                    actual,
                });
            }
        }
        Ok(())
    }
}
