//! Writing a dataset: Parquet (default), Arrow IPC file, or CSV — atomically.
//!
//! The file is written to a temporary file in the destination folder, fsynced and hashed
//! ([`stage_dataset`]), then renamed into place ([`StagedDataset::publish`]), so a failed or
//! interrupted run never leaves a partial dataset and an existing file is replaced only by a
//! complete one. Between the two, the caller can keep the run's own bytes (the experiment
//! record links the staged file). Output bytes are deterministic for the same batch.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::error::ColumnError;
use crate::fsutil::{self, Staged};

/// Dataset file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Parquet,
    Arrow,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
            Format::Csv => "csv",
        }
    }
}

/// A written dataset.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DatasetFile {
    pub path: PathBuf,
    pub format: Format,
    pub bytes: u64,
    /// sha256 of the file's bytes.
    pub sha256: String,
    pub rows: usize,
}

/// A dataset written in full to a temporary file beside its destination (`.sdg-*.partial`),
/// fsynced and hashed, but not yet in place. Its bytes can be linked or copied elsewhere (the
/// experiment record) before [`publish`](Self::publish) renames it over the destination, so what
/// is recorded is this run's file even when another run replaces the destination meanwhile.
/// Dropped without publishing, the temporary file is removed.
#[derive(Debug)]
pub struct StagedDataset {
    staged: Staged,
    file: DatasetFile,
}

impl StagedDataset {
    /// The dataset as it will be once published (its `path` is the destination).
    pub fn file(&self) -> &DatasetFile {
        &self.file
    }

    /// The temporary file holding the dataset's bytes until [`publish`](Self::publish).
    pub fn staged_path(&self) -> &Path {
        self.staged.path()
    }

    /// Renames the file over its destination (the last of concurrent publishers wins) and
    /// makes the rename durable.
    pub fn publish(self) -> Result<DatasetFile, ColumnError> {
        let StagedDataset { staged, file } = self;
        let dir = staged.dir().to_path_buf();
        staged
            .publish(&file.path)
            .map_err(|source| ColumnError::Write {
                path: file.path.clone(),
                source,
            })?;
        // Make the rename itself durable, as far as the folder lets us.
        let _ = fsutil::sync_dir(&dir);
        Ok(file)
    }
}

/// A writer that keeps the first I/O error it sees, so a failure inside an encoder (which
/// reports it as text) is still reported as the I/O error it was.
struct Sink<W> {
    inner: W,
    failed: Option<std::io::Error>,
}

impl<W: Write> Sink<W> {
    fn keep<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        r.map_err(|e| {
            if e.kind() == std::io::ErrorKind::Interrupted {
                return e; // retried by the caller; not a failure
            }
            let copy = std::io::Error::new(e.kind(), e.to_string());
            self.failed.get_or_insert(e);
            copy
        })
    }
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.keep(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.keep(r)
    }
}

/// Writes `batch` to `path` atomically: [`stage_dataset`], then [`StagedDataset::publish`].
pub fn write_dataset(
    batch: &RecordBatch,
    path: &Path,
    format: Format,
) -> Result<DatasetFile, ColumnError> {
    stage_dataset(batch, path, format)?.publish()
}

/// Writes `batch` in full to a temporary file in `path`'s folder, fsyncs and hashes it; nothing
/// appears at `path` until the result is published. Any I/O failure (full disk, file size
/// limit, unwritable folder) is [`ColumnError::Write`] and leaves no file behind.
pub fn stage_dataset(
    batch: &RecordBatch,
    path: &Path,
    format: Format,
) -> Result<StagedDataset, ColumnError> {
    let werr = |source: std::io::Error| ColumnError::Write {
        path: path.to_path_buf(),
        source,
    };
    let staged = Staged::beside(path, ".sdg-", ".partial").map_err(werr)?;
    let file = staged.file().try_clone().map_err(werr)?;
    let mut out = Sink {
        inner: BufWriter::with_capacity(1 << 20, file),
        failed: None,
    };
    let encoded = encode(batch, &mut out, format);
    let flushed = encoded.and_then(|()| out.flush().map_err(|e| e.to_string()));
    if let Some(source) = out.failed.take() {
        return Err(werr(source));
    }
    flushed.map_err(|reason| ColumnError::Encode {
        format: format.name(),
        path: path.to_path_buf(),
        reason,
    })?;
    out.inner.get_ref().sync_all().map_err(werr)?;
    let (sha256, size) = hash_file(staged.file()).map_err(werr)?;
    Ok(StagedDataset {
        staged,
        file: DatasetFile {
            path: path.to_path_buf(),
            format,
            bytes: size,
            sha256,
            rows: batch.num_rows(),
        },
    })
}

/// Encodes `batch` as `format` into `out`; the error is the encoder's text.
fn encode<W: Write + Send>(batch: &RecordBatch, out: &mut W, format: Format) -> Result<(), String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    match format {
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("sdg {}", env!("CARGO_PKG_VERSION")))
                .build();
            let mut w =
                ArrowWriter::try_new(out, batch.schema(), Some(props)).map_err(|x| e(&x))?;
            w.write(batch).map_err(|x| e(&x))?;
            w.close().map_err(|x| e(&x))?;
        }
        Format::Arrow => {
            let mut w =
                arrow::ipc::writer::FileWriter::try_new(out, &batch.schema()).map_err(|x| e(&x))?;
            w.write(batch).map_err(|x| e(&x))?;
            w.finish().map_err(|x| e(&x))?;
        }
        Format::Csv => {
            let flat = dictionaries_as_text(batch)?;
            let mut w = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(out);
            w.write(&flat).map_err(|x| e(&x))?;
        }
    }
    Ok(())
}

/// SHA-256 (hex) and length of an open file, read back from its start.
fn hash_file(file: &fs::File) -> std::io::Result<(String, u64)> {
    use std::io::Seek;
    let mut f = file.try_clone()?;
    f.rewind()?;
    fsutil::hash_reader(f)
}

/// CSV has no dictionaries: categories are written as their text.
fn dictionaries_as_text(batch: &RecordBatch) -> Result<RecordBatch, String> {
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        if matches!(c.data_type(), DataType::Dictionary(_, _)) {
            cols.push(cast(c.as_ref(), &DataType::Utf8).map_err(|e| e.to_string())?);
            fields.push(Field::new(f.name(), DataType::Utf8, f.is_nullable()));
        } else {
            cols.push(c.clone());
            fields.push(f.as_ref().clone());
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).map_err(|e| e.to_string())
}
