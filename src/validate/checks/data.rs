//! Extraction of Arrow columns into plain vectors for the statistics.
//!
//! Numeric: Float64, Int64 (as f64), Timestamp of any unit (raw i64 ticks as
//! f64), Boolean (0/1). Strings: Utf8, Dictionary<Int32, Utf8> (category),
//! Boolean ("true"/"false"), Int64 (decimal). Arrow nulls become `None`.

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimeUnit};
use arrow::datatypes::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow::record_batch::RecordBatch;

/// Looks a column up by name.
pub fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef, String> {
    batch
        .column_by_name(name)
        .ok_or_else(|| format!("column `{name}` is missing from the dataset"))
}

fn prim<T: arrow::datatypes::ArrowPrimitiveType>(
    a: &ArrayRef,
    f: impl Fn(T::Native) -> f64,
) -> Vec<Option<f64>> {
    match a.as_primitive_opt::<T>() {
        Some(p) => (0..p.len())
            .map(|i| {
                if p.is_null(i) {
                    None
                } else {
                    Some(f(p.value(i)))
                }
            })
            .collect(),
        None => vec![],
    }
}

/// Numeric values of a column (nulls as `None`).
pub fn numeric(batch: &RecordBatch, name: &str) -> Result<Vec<Option<f64>>, String> {
    let a = column(batch, name)?;
    Ok(match a.data_type() {
        DataType::Float64 => prim::<Float64Type>(a, |v| v),
        DataType::Int64 => prim::<Int64Type>(a, |v| v as f64),
        DataType::Timestamp(TimeUnit::Second, _) => prim::<TimestampSecondType>(a, |v| v as f64),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            prim::<TimestampMillisecondType>(a, |v| v as f64)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            prim::<TimestampMicrosecondType>(a, |v| v as f64)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            prim::<TimestampNanosecondType>(a, |v| v as f64)
        }
        DataType::Boolean => {
            let b = a.as_boolean();
            (0..b.len())
                .map(|i| {
                    if b.is_null(i) {
                        None
                    } else {
                        Some(f64::from(u8::from(b.value(i))))
                    }
                })
                .collect()
        }
        other => {
            return Err(format!(
                "column `{name}` has type {other}, a numeric column is needed"
            ))
        }
    })
}

/// String values of a column (nulls as `None`).
pub fn strings(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, String> {
    let a = column(batch, name)?;
    Ok(match a.data_type() {
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            (0..s.len())
                .map(|i| {
                    if s.is_null(i) {
                        None
                    } else {
                        Some(s.value(i).to_string())
                    }
                })
                .collect()
        }
        DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
            let d = a.as_dictionary::<Int32Type>();
            let vals = d.values().as_string::<i32>();
            let keys = d.keys();
            (0..d.len())
                .map(|i| {
                    if d.is_null(i) {
                        return None;
                    }
                    let k = keys.value(i);
                    usize::try_from(k)
                        .ok()
                        .filter(|k| *k < vals.len())
                        .map(|k| vals.value(k).to_string())
                })
                .collect()
        }
        DataType::Boolean => {
            let b = a.as_boolean();
            (0..b.len())
                .map(|i| {
                    if b.is_null(i) {
                        None
                    } else {
                        Some(b.value(i).to_string())
                    }
                })
                .collect()
        }
        DataType::Int64 => prim::<Int64Type>(a, |v| v as f64)
            .into_iter()
            .map(|v| v.map(|x| format!("{}", x as i64)))
            .collect(),
        other => {
            return Err(format!(
                "column `{name}` has type {other}, a string/category column is needed"
            ))
        }
    })
}

/// Null count and length.
pub fn null_count(batch: &RecordBatch, name: &str) -> Result<(usize, usize), String> {
    let a = column(batch, name)?;
    Ok((a.null_count(), a.len()))
}

/// Drops nulls; then non-finite values are dropped if `drop`, else an error naming the count.
pub fn finite_only(name: &str, v: Vec<Option<f64>>, drop: bool) -> Result<Vec<f64>, String> {
    let vals: Vec<f64> = v.into_iter().flatten().collect();
    let bad = vals.iter().filter(|x| !x.is_finite()).count();
    if bad > 0 && !drop {
        return Err(format!(
            "{bad} non-finite value(s) (NaN or inf) in `{name}` (set drop_non_finite: true to drop them)"
        ));
    }
    Ok(if bad > 0 {
        vals.into_iter().filter(|x| x.is_finite()).collect()
    } else {
        vals
    })
}

/// Rows where every column is present (and finite, or error / dropped).
pub fn paired(
    names: &[&str],
    cols: Vec<Vec<Option<f64>>>,
    drop: bool,
) -> Result<Vec<Vec<f64>>, String> {
    let n = cols.first().map_or(0, Vec::len);
    let mut out: Vec<Vec<f64>> = vec![Vec::with_capacity(n); cols.len()];
    let mut bad = vec![0usize; cols.len()];
    for i in 0..n {
        let row: Option<Vec<f64>> = cols.iter().map(|c| c.get(i).copied().flatten()).collect();
        let Some(row) = row else { continue };
        let mut ok = true;
        for (j, v) in row.iter().enumerate() {
            if !v.is_finite() {
                bad[j] += 1;
                ok = false;
            }
        }
        if ok {
            for (o, v) in out.iter_mut().zip(row) {
                o.push(v);
            }
        }
    }
    if !drop {
        if let Some((j, b)) = bad.iter().enumerate().find(|(_, b)| **b > 0) {
            return Err(format!(
                "{b} non-finite value(s) (NaN or inf) in `{}` (set drop_non_finite: true to drop them)",
                names.get(j).copied().unwrap_or("?")
            ));
        }
    }
    Ok(out)
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
