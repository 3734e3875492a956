//! Reading a dataset back (for `sdg validate DATA` and `sdg compare`): Parquet, Arrow IPC or CSV,
//! chosen by extension, into one RecordBatch whose columns are cast to the contract's types.
//!
//! The file is untrusted too: its size is capped ([`MAX_READ_BYTES`]), a missing column is an
//! error naming it, and a column that cannot be cast to the contract's type is an error naming
//! both types. Extra columns are kept out of the batch (the contract's order is used).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{Field, Schema};

use super::build::data_type;
use super::error::ColumnError;
use super::write::Format;
use crate::sandbox::ColumnSpec;

/// Largest dataset file read back (bytes).
pub const MAX_READ_BYTES: u64 = 8 << 30;

/// The format named by a path's extension.
pub fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "parquet" | "pq" => Some(Format::Parquet),
        "arrow" | "ipc" | "feather" => Some(Format::Arrow),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

fn bad_file(path: &Path, reason: impl Into<String>) -> ColumnError {
    ColumnError::Read {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Reads `path` and returns the contract's columns, in contract order, with contract types.
pub fn read_dataset(path: &Path, specs: &[ColumnSpec]) -> Result<RecordBatch, ColumnError> {
    let format = format_of(path)
        .ok_or_else(|| bad_file(path, "unknown extension; use .parquet, .arrow or .csv"))?;
    let meta = std::fs::metadata(path).map_err(|e| bad_file(path, e.to_string()))?;
    if meta.len() > MAX_READ_BYTES {
        return Err(bad_file(
            path,
            format!("{} bytes; the limit is {MAX_READ_BYTES}", meta.len()),
        ));
    }
    let file = File::open(path).map_err(|e| bad_file(path, e.to_string()))?;
    let enc = |e: &dyn std::fmt::Display| bad_file(path, e.to_string());
    let batches: Vec<RecordBatch> = match format {
        Format::Parquet => {
            let reader =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| enc(&e))?
                    .with_batch_size(65536)
                    .build()
                    .map_err(|e| enc(&e))?;
            reader.collect::<Result<_, _>>().map_err(|e| enc(&e))?
        }
        Format::Arrow => {
            let reader =
                arrow::ipc::reader::FileReader::try_new(file, None).map_err(|e| enc(&e))?;
            reader.collect::<Result<_, _>>().map_err(|e| enc(&e))?
        }
        Format::Csv => {
            // CSV has no types: read the contract's columns as their plain types (categories
            // and timestamps as text first), then cast.
            let fields: Vec<Field> = specs
                .iter()
                .map(|s| {
                    let t = match data_type(s) {
                        arrow::datatypes::DataType::Dictionary(_, v) => *v,
                        t => t,
                    };
                    Field::new(&s.name, t, true)
                })
                .collect();
            let reader = arrow::csv::ReaderBuilder::new(Arc::new(Schema::new(fields)))
                .with_header(true)
                .with_batch_size(65536)
                .build(file)
                .map_err(|e| enc(&e))?;
            reader.collect::<Result<_, _>>().map_err(|e| enc(&e))?
        }
    };
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => return Err(bad_file(path, "the file holds no record batch")),
    };
    let all = concat_batches(&schema, &batches).map_err(|e| enc(&e))?;
    let mut fields = Vec::with_capacity(specs.len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(specs.len());
    for s in specs {
        let Some(col) = all.column_by_name(&s.name) else {
            return Err(ColumnError::bad(
                &s.name,
                format!("missing from `{}`", path.display()),
            ));
        };
        let want = data_type(s);
        let col = if col.data_type() == &want {
            col.clone()
        } else {
            cast(col, &want).map_err(|e| {
                ColumnError::bad(
                    &s.name,
                    format!(
                        "is {} in the file; cannot read it as {want}: {e}",
                        col.data_type()
                    ),
                )
            })?
        };
        fields.push(Field::new(
            &s.name,
            want,
            s.nullable || col.null_count() > 0,
        ));
        columns.push(col);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| enc(&e))
}
