//! `ExperimentError`: every way writing, listing, loading or checking an experiment record can
//! fail, each with the path or id involved and a hint a person can act on.

use super::fsutil;
use std::io;
use std::path::{Path, PathBuf};

/// A failure of the experiment store.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// The run's fields cannot be recorded (bad hash, control characters, …).
    #[error("cannot record the run: {reason}")]
    InvalidRun { reason: String },

    /// The approval passed with the run is not for this spec or code.
    #[error(
        "cannot record the run: the approval is for another {what} (approved sha256 {}, ran {})\n\
         hint: verify the approval before running",
        fsutil::short(approved),
        fsutil::short(ran)
    )]
    ApprovalMismatch {
        what: &'static str,
        approved: String,
        ran: String,
    },

    /// The run names a parent experiment that is not in the store.
    #[error("the parent experiment `{parent}` is not in {root}\nhint: `sdg experiments list` shows the ids")]
    ParentMissing { parent: String, root: PathBuf },

    /// The id or prefix asked for cannot be an experiment id.
    #[error("`{query}` is not an experiment id or id prefix: {reason}")]
    InvalidQuery { query: String, reason: String },

    /// No experiment has this id or prefix.
    #[error("no experiment `{query}` in {root}\nhint: `sdg experiments list` shows the ids")]
    NotFound { query: String, root: PathBuf },

    /// More than one experiment starts with the prefix.
    #[error(
        "`{prefix}` matches {} experiments: {}\nhint: give more of the id",
        matches.len(),
        matches.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
            + if matches.len() > 10 { ", …" } else { "" }
    )]
    Ambiguous {
        prefix: String,
        matches: Vec<String>,
    },

    /// The id is taken; records are never overwritten.
    #[error("experiment `{id}` already exists at {path}; records are never overwritten\nhint: run again for a new id")]
    AlreadyExists { id: String, path: PathBuf },

    /// A record folder or file cannot be trusted (not JSON, wrong types, too large, a symlink…).
    #[error("{path} is unusable: {reason}")]
    Corrupt { path: PathBuf, reason: String },

    /// A file of a record no longer has the hash the record holds.
    #[error(
        "experiment `{id}`: {file} was modified after the run (recorded sha256 {}, now {})\n\
         hint: the record cannot be trusted; rerun from a clean copy of the spec and code",
        fsutil::short(expected),
        fsutil::short(actual)
    )]
    Tampered {
        id: String,
        file: String,
        expected: String,
        actual: String,
    },

    /// The dataset file given to the store no longer had the hash the run computed when it was
    /// linked or copied into the record: another process modified it meanwhile.
    #[error(
        "the dataset {} changed while it was recorded (sha256 {} expected, {} found)",
        path.display(),
        fsutil::short(expected),
        fsutil::short(actual)
    )]
    DatasetChanged {
        path: PathBuf,
        expected: String,
        actual: String,
    },

    /// Reading or writing failed.
    #[error("cannot {op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// A closure turning an I/O error into [`ExperimentError::Io`] for `op` on `path`.
pub(super) fn io_err(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ExperimentError {
    let path = path.to_path_buf();
    move |source| ExperimentError::Io { op, path, source }
}

/// An [`ExperimentError::Corrupt`] for `path`.
pub(super) fn corrupt(path: &Path, reason: impl Into<String>) -> ExperimentError {
    ExperimentError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}
