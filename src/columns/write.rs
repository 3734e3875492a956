//! Writing a dataset: Parquet (default), Arrow IPC file, or CSV — atomically.
//!
//! The file is written to a temporary file in the destination folder, fsynced, then renamed into
//! place, so a failed or interrupted run never leaves a partial dataset and an existing file is
//! replaced only by a complete one. Output bytes are deterministic for the same batch.

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
use sha2::{Digest, Sha256};

use super::error::ColumnError;

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

/// Writes `batch` to `path` atomically.
pub fn write_dataset(
    batch: &RecordBatch,
    path: &Path,
    format: Format,
) -> Result<DatasetFile, ColumnError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let werr = |source: std::io::Error| ColumnError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = tempfile::Builder::new()
        .prefix(".sdg-")
        .suffix(".partial")
        .tempfile_in(&dir)
        .map_err(werr)?;
    let enc = |reason: String| ColumnError::Encode {
        format: format.name(),
        path: path.to_path_buf(),
        reason,
    };
    {
        let file = tmp.as_file().try_clone().map_err(werr)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        match format {
            Format::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_created_by(format!("sdg {}", env!("CARGO_PKG_VERSION")))
                    .build();
                let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props))
                    .map_err(|e| enc(e.to_string()))?;
                w.write(batch).map_err(|e| enc(e.to_string()))?;
                w.close().map_err(|e| enc(e.to_string()))?;
            }
            Format::Arrow => {
                let mut w = arrow::ipc::writer::FileWriter::try_new(&mut out, &batch.schema())
                    .map_err(|e| enc(e.to_string()))?;
                w.write(batch).map_err(|e| enc(e.to_string()))?;
                w.finish().map_err(|e| enc(e.to_string()))?;
            }
            Format::Csv => {
                let flat = dictionaries_as_text(batch).map_err(enc)?;
                let mut w = arrow::csv::WriterBuilder::new()
                    .with_header(true)
                    .build(&mut out);
                w.write(&flat).map_err(|e| enc(e.to_string()))?;
            }
        }
        out.flush().map_err(werr)?;
        out.get_ref().sync_all().map_err(werr)?;
    }
    let bytes = fs::read(tmp.path()).map_err(werr)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as u64;
    drop(bytes);
    tmp.persist(path).map_err(|e| werr(e.error))?;
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(DatasetFile {
        path: path.to_path_buf(),
        format,
        bytes: size,
        sha256,
        rows: batch.num_rows(),
    })
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
