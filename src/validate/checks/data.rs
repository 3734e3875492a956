//! Finding a dataset's columns: by name, and whether a column's Arrow type is the one a spec's
//! column kind produces. Reading their values is `arrays`'s.

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;

/// Looks a column up by name.
pub fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef, String> {
    batch
        .column_by_name(name)
        .ok_or_else(|| format!("column `{name}` is missing from the dataset"))
}

/// Whether an Arrow column type is what a spec's column kind produces: Float64, Int64, Boolean,
/// Utf8, a dictionary of Utf8 (category), a timestamp of any unit.
pub fn has_kind(found: &DataType, want: super::ColumnKind) -> bool {
    use super::ColumnKind as K;
    match (want, found) {
        (K::Float64, DataType::Float64)
        | (K::Int64, DataType::Int64)
        | (K::Bool, DataType::Boolean)
        | (K::Utf8, DataType::Utf8 | DataType::LargeUtf8)
        | (K::Timestamp, DataType::Timestamp(..)) => true,
        (K::Category, DataType::Dictionary(_, v)) => {
            matches!(v.as_ref(), DataType::Utf8 | DataType::LargeUtf8)
        }
        _ => false,
    }
}
