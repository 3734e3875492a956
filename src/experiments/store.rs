//! The experiment store: one immutable folder per run under `experiments/`, each holding
//! `record.json`, `spec.yaml`, `code.py`, `report.json` and, for approved runs, `approval.json`.
//!
//! A record is built in `experiments/.tmp-<id>`, every file written and fsynced (then made 0444),
//! the folder fsynced, and only then renamed to `experiments/<id>`: a crash leaves at most a
//! `.tmp-*` folder, which [`ExperimentStore::list`] ignores and [`ExperimentStore::gc_tmp`]
//! removes. Existing records are never written to.

use super::error::{corrupt, io_err, ExperimentError};
use super::experiment::{approval_json, read_record, Experiment};
use super::fsutil;
use super::record::{self, Record, RunInfo, RECORD_FORMAT};
use super::time;
use serde::Serialize;
use serde_json::Value;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The read bounds live with the reader, [`Experiment`]; the store only writes within them.
pub use super::experiment::{MAX_FILE_BYTES, MAX_RECORD_BYTES};
/// Age past which [`ExperimentStore::gc_tmp`] callers usually remove a `.tmp-*` folder.
pub const TMP_MAX_AGE: Duration = Duration::from_secs(3600);

const TMP_PREFIX: &str = ".tmp-";

/// A failure injected into [`ExperimentStore::write`] by tests.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Fail just before writing this file of the record.
    BeforeFile(&'static str),
    /// Fail after every file is written, before the rename.
    BeforeRename,
    /// Put a non-empty folder at the final path just before the rename.
    OccupyFinal,
}

/// The experiments folder.
#[derive(Debug, Clone)]
pub struct ExperimentStore {
    root: PathBuf,
    fault: Option<Fault>,
}

/// One record as [`ExperimentStore::list`] shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub id: String,
    pub created_at: String,
    pub name: String,
    pub status: String,
    pub seed: u64,
    pub rows: u64,
    pub dataset_sha256: String,
    pub approved_by: Option<String>,
    pub round: Option<u32>,
    pub parent: Option<String>,
}

/// A folder entry that [`ExperimentStore::list`] skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListWarning {
    pub path: PathBuf,
    pub reason: String,
}

/// The readable records, sorted by id, and the entries that were skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Listing {
    pub experiments: Vec<Summary>,
    pub warnings: Vec<ListWarning>,
}

fn pretty_json<T: Serialize>(value: &T, path: &Path) -> Result<Vec<u8>, ExperimentError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| io_err("encode", path)(io::Error::other(e)))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The listing line of a record.
pub fn summary(r: &Record) -> Summary {
    Summary {
        id: r.id.clone(),
        created_at: r.created_at.clone(),
        name: r.name.clone(),
        status: r.status.clone(),
        seed: r.seed,
        rows: r.rows,
        dataset_sha256: r.dataset.sha256.clone(),
        approved_by: r.approval.as_ref().map(|a| a.approved_by.clone()),
        round: r.round,
        parent: r.parent.clone(),
    }
}

impl ExperimentStore {
    /// A store in `root` (usually `experiments/`; created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ExperimentStore {
            root: root.into(),
            fault: None,
        }
    }

    /// The experiments folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Makes the next writes fail at `fault` (tests only).
    #[doc(hidden)]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    fn fault_at(&self, fault: &Fault, path: &Path) -> Result<(), ExperimentError> {
        if self.fault.as_ref() == Some(fault) {
            return Err(io_err("write", path)(io::Error::other("injected failure")));
        }
        Ok(())
    }

    /// Writes the record of one run as a new, immutable folder and returns it.
    pub fn write(
        &self,
        info: &RunInfo,
        spec: &[u8],
        code: &[u8],
        report: &Value,
    ) -> Result<Experiment, ExperimentError> {
        self.write_with_dataset(info, spec, code, report, None)
    }

    /// [`write`](Self::write), also keeping the dataset file's bytes in the record folder as
    /// `dataset.<format>`: a hard link when the file is on the same file system (free, and the
    /// next run's atomic replace of the output leaves it alone), else a copy. The file must
    /// still have the hash the run recorded ([`ExperimentError::DatasetChanged`] if not). Give
    /// the run's own file (the staged one, before it is renamed into place), never a shared
    /// destination another run may replace meanwhile.
    pub fn write_with_dataset(
        &self,
        info: &RunInfo,
        spec: &[u8],
        code: &[u8],
        report: &Value,
        dataset: Option<&Path>,
    ) -> Result<Experiment, ExperimentError> {
        info.check()
            .map_err(|reason| ExperimentError::InvalidRun { reason })?;
        let spec_sha256 = fsutil::sha256_hex(spec);
        let code_sha256 = fsutil::sha256_hex(code);
        if let Some(a) = &info.approval {
            for (what, approved, ran) in [
                ("spec", &a.spec_sha256, &spec_sha256),
                ("code", &a.code_sha256, &code_sha256),
            ] {
                if approved != ran {
                    return Err(ExperimentError::ApprovalMismatch {
                        what,
                        approved: approved.clone(),
                        ran: ran.clone(),
                    });
                }
            }
        }
        if let Some(parent) = &info.parent {
            let ok = fs::symlink_metadata(self.root.join(parent)).is_ok_and(|m| m.is_dir());
            if !ok {
                return Err(ExperimentError::ParentMissing {
                    parent: parent.clone(),
                    root: self.root.clone(),
                });
            }
        }
        let report_bytes = pretty_json(report, &self.root.join("report.json"))?;
        let now = time::now();
        let id = record::make_id(
            &info.name,
            &spec_sha256,
            &code_sha256,
            info.seed,
            info.rows,
            now,
        );
        let record = Record {
            record_format: RECORD_FORMAT,
            id: id.clone(),
            created_at: time::rfc3339(now.0),
            name: info.name.clone(),
            spec_sha256,
            code_sha256,
            approval: info.approval.clone(),
            runtime: info.runtime.clone(),
            seed: info.seed,
            rows: info.rows,
            fuel_used: info.fuel_used,
            fuel_generation: info.fuel_generation,
            dataset: info.dataset.clone(),
            status: info.status.clone(),
            report_sha256: fsutil::sha256_hex(&report_bytes),
            llm: info.llm.clone(),
            round: info.round,
            parent: info.parent.clone(),
            dataset_copy: dataset.and_then(|_| record::dataset_copy_name(&info.dataset.format)),
        };
        let keep = match (dataset, &record.dataset_copy) {
            (Some(path), Some(name)) => Some((path, name.as_str())),
            (Some(_), None) => {
                return Err(ExperimentError::InvalidRun {
                    reason: format!(
                        "`dataset.format` ({:?}) cannot name a file",
                        info.dataset.format
                    ),
                })
            }
            _ => None,
        };
        let record_bytes = pretty_json(&record, &self.root.join("record.json"))?;
        let mut files: Vec<(&'static str, Vec<u8>)> = vec![
            ("spec.yaml", spec.to_vec()),
            ("code.py", code.to_vec()),
            ("report.json", report_bytes),
        ];
        if let Some(a) = &info.approval {
            files.push(("approval.json", approval_json(a)));
        }
        files.push(("record.json", record_bytes));

        fs::create_dir_all(&self.root).map_err(io_err("create the folder", &self.root))?;
        let tmp = self.root.join(format!("{TMP_PREFIX}{id}"));
        fs::create_dir(&tmp).map_err(io_err("create the folder", &tmp))?;
        let result = keep
            .map_or(Ok(()), |(src, name)| {
                keep_dataset(src, &tmp.join(name), &info.dataset.sha256)
            })
            .and_then(|()| self.fill_and_publish(&tmp, &id, &files));
        if result.is_err() {
            // Best effort: a leftover `.tmp-*` is harmless and `gc_tmp` removes it later.
            let _ = fs::remove_dir_all(&tmp);
        }
        let dir = result?;
        Ok(Experiment { dir, record })
    }

    fn fill_and_publish(
        &self,
        tmp: &Path,
        id: &str,
        files: &[(&'static str, Vec<u8>)],
    ) -> Result<PathBuf, ExperimentError> {
        for (name, bytes) in files {
            let path = tmp.join(name);
            self.fault_at(&Fault::BeforeFile(name), &path)?;
            fsutil::write_new(&path, bytes, 0o444).map_err(io_err("write", &path))?;
        }
        fsutil::sync_dir(tmp).map_err(io_err("sync", tmp))?;
        let dest = self.root.join(id);
        self.fault_at(&Fault::BeforeRename, &dest)?;
        if self.fault == Some(Fault::OccupyFinal) {
            fs::create_dir(&dest).map_err(io_err("create the folder", &dest))?;
            fs::write(dest.join("x"), b"x").map_err(io_err("write", &dest))?;
        }
        // `rename` of a folder onto a non-empty folder fails; the check covers empty ones too.
        let exists = || ExperimentError::AlreadyExists {
            id: id.to_string(),
            path: dest.clone(),
        };
        if fs::symlink_metadata(&dest).is_ok() {
            return Err(exists());
        }
        fs::rename(tmp, &dest).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty => exists(),
            _ => io_err("rename", tmp)(e),
        })?;
        fsutil::sync_dir(&self.root).map_err(io_err("sync", &self.root))?;
        Ok(dest)
    }

    /// Every readable record, sorted by id; unreadable entries become warnings, never errors.
    pub fn list(&self) -> Result<Listing, ExperimentError> {
        let mut listing = Listing::default();
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(listing),
            Err(e) => return Err(io_err("read the folder", &self.root)(e)),
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    listing.warnings.push(ListWarning {
                        path: self.root.clone(),
                        reason: format!("cannot read an entry: {e}"),
                    });
                    continue;
                }
            };
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                listing.warnings.push(ListWarning {
                    path,
                    reason: "the name is not UTF-8; not an experiment".into(),
                });
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            if !record::is_id(&name) {
                listing.warnings.push(ListWarning {
                    path,
                    reason: "the name is not an experiment id; skipped".into(),
                });
                continue;
            }
            match read_record(&path, &name) {
                Ok(r) => listing.experiments.push(summary(&r)),
                Err(e) => listing.warnings.push(ListWarning {
                    path,
                    reason: e.to_string(),
                }),
            }
        }
        listing.experiments.sort_by(|a, b| a.id.cmp(&b.id));
        listing.warnings.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(listing)
    }

    /// Loads the record with this id, or the only one whose id starts with `query`.
    pub fn load(&self, query: &str) -> Result<Experiment, ExperimentError> {
        let invalid = |reason: &str| ExperimentError::InvalidQuery {
            query: query.escape_debug().take(100).collect(),
            reason: reason.to_string(),
        };
        if query.is_empty() {
            return Err(invalid("it is empty"));
        }
        if query.len() > 200 {
            return Err(invalid("it is too long"));
        }
        if query.starts_with('.')
            || !query
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err(invalid("ids use only letters, digits, `_`, `.` and `-`"));
        }
        let id = if record::is_id(query) && fs::symlink_metadata(self.root.join(query)).is_ok() {
            query.to_string()
        } else {
            let mut matches = Vec::new();
            let entries = match fs::read_dir(&self.root) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(ExperimentError::NotFound {
                        query: query.to_string(),
                        root: self.root.clone(),
                    })
                }
                Err(e) => return Err(io_err("read the folder", &self.root)(e)),
            };
            for entry in entries.flatten() {
                if let Some(name) = entry.file_name().to_str() {
                    if name.starts_with(query) && record::is_id(name) {
                        matches.push(name.to_string());
                    }
                }
            }
            matches.sort();
            match matches.len() {
                0 => {
                    return Err(ExperimentError::NotFound {
                        query: query.to_string(),
                        root: self.root.clone(),
                    })
                }
                1 => matches.remove(0),
                _ => {
                    return Err(ExperimentError::Ambiguous {
                        prefix: query.to_string(),
                        matches,
                    })
                }
            }
        };
        let dir = self.root.join(&id);
        let record = read_record(&dir, &id)?;
        Ok(Experiment { dir, record })
    }

    /// Removes `.tmp-*` folders (left by interrupted writes) last modified more than `older_than`
    /// ago; returns the removed paths. Use [`TMP_MAX_AGE`] unless you know better.
    pub fn gc_tmp(&self, older_than: Duration) -> Result<Vec<PathBuf>, ExperimentError> {
        let mut removed = Vec::new();
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(removed),
            Err(e) => return Err(io_err("read the folder", &self.root)(e)),
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let is_tmp = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(TMP_PREFIX));
            let Ok(meta) = fs::symlink_metadata(entry.path()) else {
                continue;
            };
            if !is_tmp || !meta.is_dir() {
                continue;
            }
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or(Duration::ZERO);
            if age >= older_than {
                let path = entry.path();
                fs::remove_dir_all(&path).map_err(io_err("remove", &path))?;
                removed.push(path);
            }
        }
        removed.sort();
        Ok(removed)
    }
}

/// Hard-links (or else copies) the dataset into a record folder and checks its hash.
fn keep_dataset(src: &Path, dest: &Path, sha256: &str) -> Result<(), ExperimentError> {
    if fs::hard_link(src, dest).is_err() {
        fs::copy(src, dest).map_err(io_err("copy the dataset to", dest))?;
    }
    let (actual, _) = fsutil::hash_file(dest).map_err(|e| corrupt(dest, e.reason()))?;
    if actual != sha256 {
        return Err(ExperimentError::DatasetChanged {
            path: src.to_path_buf(),
            expected: sha256.to_string(),
            actual,
        });
    }
    Ok(())
}
