//! Hints for the failures of a run's output side — the dataset file, the experiment record, the
//! scratch folder — each chosen by what actually failed (the error variant and, for I/O, the
//! error's kind), so a full disk never gets a hint about the guest.

use std::io;

use super::PipelineError;
use crate::columns::ColumnError;
use crate::experiments::ExperimentError;

/// Where a write went, for hints: what it is and how to point it elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The dataset's destination (`--out`).
    Dataset,
    /// The experiments folder (`--experiments`, `SDG_EXPERIMENTS`).
    Experiments,
    /// The temporary folder (`TMPDIR`).
    Scratch,
}

impl Place {
    fn what(self) -> &'static str {
        match self {
            Place::Dataset => "the dataset's destination",
            Place::Experiments => "the experiments folder",
            Place::Scratch => "the temporary folder",
        }
    }

    fn elsewhere(self) -> &'static str {
        match self {
            Place::Dataset => "choose another destination with --out",
            Place::Experiments => "choose another folder with --experiments or SDG_EXPERIMENTS",
            Place::Scratch => "point TMPDIR at another folder",
        }
    }
}

/// The hint for an I/O failure reading from `place`, by the error's kind.
pub fn read_hint(kind: io::ErrorKind, place: Place) -> String {
    let (what, elsewhere) = (place.what(), place.elsewhere());
    match kind {
        io::ErrorKind::PermissionDenied => {
            format!("{what} cannot be read (permissions): fix them, or {elsewhere}")
        }
        io::ErrorKind::NotADirectory | io::ErrorKind::NotFound => format!(
            "part of the path to {what} is missing or is not a folder: check the path, or \
             {elsewhere}"
        ),
        _ => format!("check that {what} is readable, or {elsewhere}"),
    }
}

/// The hint for an I/O failure writing to `place`, by the error's kind.
pub fn io_hint(kind: io::ErrorKind, place: Place) -> String {
    let (what, elsewhere) = (place.what(), place.elsewhere());
    match kind {
        io::ErrorKind::StorageFull => {
            format!("the disk holding {what} is full: free space on it, or {elsewhere}")
        }
        io::ErrorKind::QuotaExceeded => {
            format!("the disk quota for {what} is used up: free space, or {elsewhere}")
        }
        io::ErrorKind::FileTooLarge => format!(
            "the file grew past the file size limit (`ulimit -f`) or the file system's maximum \
             at {what}: raise the limit, or {elsewhere}"
        ),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => format!(
            "{what} cannot be written (permissions or a read-only file system): {elsewhere}"
        ),
        io::ErrorKind::NotADirectory | io::ErrorKind::NotFound => format!(
            "part of the path to {what} is missing or is not a folder: check the path, or \
             {elsewhere}"
        ),
        io::ErrorKind::IsADirectory => {
            format!("{what} names a folder, not a file: {elsewhere}")
        }
        _ => format!("check that {what} is writable and its disk has free space, or {elsewhere}"),
    }
}

/// The hint for a columns-stage failure.
pub fn columns_hint(e: &ColumnError) -> String {
    match e {
        ColumnError::BadColumn { .. } | ColumnError::BadBatch { .. } => {
            "the generator's columns break the contract (see the reason); fix the code — the \
             run was discarded"
                .into()
        }
        ColumnError::Write { source, .. } => io_hint(source.kind(), Place::Dataset),
        ColumnError::Read { .. } => {
            "check that the file is a complete dataset in the format its extension names".into()
        }
        ColumnError::Encode { format, .. } => {
            format!("the columns cannot be written as {format}: try another --format")
        }
    }
}

/// The hint for an experiment-store failure that does not carry its own in its message.
pub fn experiment_hint(e: &ExperimentError) -> Option<String> {
    match e {
        ExperimentError::Io {
            op: "read" | "read the folder",
            source,
            ..
        } => Some(read_hint(source.kind(), Place::Experiments)),
        ExperimentError::Io { source, .. } => Some(io_hint(source.kind(), Place::Experiments)),
        ExperimentError::DatasetChanged { .. } => Some(
            "another process modified the run's own dataset file while it was recorded; \
             nothing was recorded — run again"
                .into(),
        ),
        _ => None,
    }
}

/// The hint for the output-side failures of a run (columns, record, scratch, publishing);
/// `None` for the others, whose hints live with their stage.
pub fn hint(e: &PipelineError) -> Option<String> {
    match e {
        PipelineError::Columns(c) => Some(columns_hint(c)),
        PipelineError::Experiment(x) => experiment_hint(x),
        PipelineError::Scratch { source, .. } => Some(io_hint(source.kind(), Place::Scratch)),
        PipelineError::Publish { experiment, source } => Some(format!(
            "{}; the run's bytes are kept in experiment `{experiment}`",
            columns_hint(source)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write_error(kind: io::ErrorKind) -> ColumnError {
        ColumnError::Write {
            path: PathBuf::from("out/x.parquet"),
            source: io::Error::from(kind),
        }
    }

    #[test]
    fn a_full_disk_is_never_blamed_on_the_guest() {
        for kind in [
            io::ErrorKind::StorageFull,
            io::ErrorKind::QuotaExceeded,
            io::ErrorKind::FileTooLarge,
            io::ErrorKind::PermissionDenied,
            io::ErrorKind::ReadOnlyFilesystem,
            io::ErrorKind::NotADirectory,
            io::ErrorKind::Other,
        ] {
            let h = hint(&PipelineError::Columns(write_error(kind))).unwrap();
            assert!(
                !h.contains("guest") && !h.contains("generator"),
                "{kind:?}: {h}"
            );
            assert!(h.contains("--out"), "{kind:?}: {h}");
        }
        let full = columns_hint(&write_error(io::ErrorKind::StorageFull));
        assert!(full.contains("is full"), "{full}");
        let big = columns_hint(&write_error(io::ErrorKind::FileTooLarge));
        assert!(big.contains("file size limit"), "{big}");
    }

    #[test]
    fn malformed_columns_are_blamed_on_the_generator() {
        let h = columns_hint(&ColumnError::BadBatch {
            problem: crate::columns::BatchProblem::ColumnCount {
                columns: 1,
                outputs: 2,
            },
        });
        assert!(h.contains("generator"), "{h}");
        assert!(!h.contains("disk"), "{h}");
    }

    #[test]
    fn record_failures_point_at_the_experiments_folder() {
        let write = ExperimentError::Io {
            op: "write",
            path: PathBuf::from("experiments/.tmp-x/spec.yaml"),
            source: io::Error::from(io::ErrorKind::StorageFull),
        };
        let h = experiment_hint(&write).unwrap();
        assert!(
            h.contains("experiments folder") && h.contains("is full"),
            "{h}"
        );
        let read = ExperimentError::Io {
            op: "read the folder",
            path: PathBuf::from("experiments"),
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        let h = experiment_hint(&read).unwrap();
        assert!(h.contains("cannot be read"), "{h}");
        assert!(!h.contains("free space"), "{h}");
        let not_found = ExperimentError::NotFound {
            query: "x".into(),
            root: PathBuf::from("experiments"),
        };
        assert_eq!(
            experiment_hint(&not_found),
            None,
            "its message has its hint"
        );
    }
}
