//! Reading Arrow arrays in place: the checks' fast path to their values, with no
//! `Vec<Option<f64>>` (or `String` per value) in between.
//!
//! The conversions are the ones the checks have always used: Float64 as is; Int64 and timestamp
//! ticks of any unit as `f64`; Boolean as 0/1; as text, Utf8, a dictionary of Utf8, Boolean as
//! `true`/`false` and Int64 in decimal. A column without nulls is
//! read straight from its value buffer; with nulls, through its validity bitmap.

use arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimeUnit};
use arrow::datatypes::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow::record_batch::RecordBatch;
use std::borrow::Cow;

use super::data::column;

/// The column `name`, if its type reads as numbers (else an error naming its type).
pub fn numeric_array(batch: &RecordBatch, name: &str) -> Result<ArrayRef, String> {
    let a = column(batch, name)?;
    match a.data_type() {
        DataType::Float64 | DataType::Int64 | DataType::Timestamp(..) | DataType::Boolean => {
            Ok(a.clone())
        }
        other => Err(format!(
            "column `{name}` has type {other}, a numeric column is needed"
        )),
    }
}

/// The column `name`, if its type reads as text (else an error naming its type).
pub fn text_array(batch: &RecordBatch, name: &str) -> Result<ArrayRef, String> {
    let a = column(batch, name)?;
    match a.data_type() {
        DataType::Utf8 | DataType::Boolean | DataType::Int64 => Ok(a.clone()),
        DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
            Ok(a.clone())
        }
        other => Err(format!(
            "column `{name}` has type {other}, a string/category column is needed"
        )),
    }
}

fn prim<T: ArrowPrimitiveType>(
    a: &ArrayRef,
    conv: impl Fn(T::Native) -> f64,
    f: &mut impl FnMut(Option<f64>),
) {
    let p = a.as_primitive::<T>();
    if p.null_count() == 0 {
        p.values().iter().for_each(|v| f(Some(conv(*v))));
    } else {
        p.iter().for_each(|v| f(v.map(&conv)));
    }
}

/// Every row of a numeric array, in order: `None` for a null. An array of another type
/// (refused by [`numeric_array`]) has no rows here.
pub fn visit_numeric(a: &ArrayRef, mut f: impl FnMut(Option<f64>)) {
    let f = &mut f;
    match a.data_type() {
        DataType::Float64 => prim::<Float64Type>(a, |v| v, f),
        DataType::Int64 => prim::<Int64Type>(a, |v| v as f64, f),
        DataType::Timestamp(TimeUnit::Second, _) => prim::<TimestampSecondType>(a, |v| v as f64, f),
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            prim::<TimestampMillisecondType>(a, |v| v as f64, f)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            prim::<TimestampMicrosecondType>(a, |v| v as f64, f)
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            prim::<TimestampNanosecondType>(a, |v| v as f64, f)
        }
        DataType::Boolean => a
            .as_boolean()
            .iter()
            .for_each(|v| f(v.map(|b| f64::from(u8::from(b))))),
        _ => {}
    }
}

/// The Float64 value buffer of `a` when it has no nulls (read in place), else `None`.
fn plain_f64(a: &ArrayRef) -> Option<&[f64]> {
    (a.null_count() == 0)
        .then(|| a.as_primitive_opt::<Float64Type>())
        .flatten()
        .map(|p| p.values().as_ref())
}

fn non_finite_error(bad: usize, name: &str) -> String {
    format!(
        "{bad} non-finite value(s) (NaN or inf) in `{name}` (set drop_non_finite: true to drop them)"
    )
}

/// Every row of `chunks`, in order: `None` for a null.
pub fn rows(chunks: &[ArrayRef]) -> Vec<Option<f64>> {
    let mut v = Vec::with_capacity(chunks.iter().map(|a| a.len()).sum());
    chunks.iter().for_each(|a| visit_numeric(a, |x| v.push(x)));
    v
}

/// The non-null values of one numeric array, in order: in place for a null-free Float64 array.
pub fn present_values(a: &ArrayRef) -> Cow<'_, [f64]> {
    match plain_f64(a) {
        Some(v) => Cow::Borrowed(v),
        None => {
            let mut v = Vec::with_capacity(a.len());
            visit_numeric(a, |x| v.extend(x));
            Cow::Owned(v)
        }
    }
}

/// The non-null values of `chunks` in order; non-finite ones dropped if `drop`, else an error
/// naming their count (nulls skipped).
pub fn finite_values(name: &str, chunks: &[ArrayRef], drop: bool) -> Result<Vec<f64>, String> {
    let len = chunks.iter().map(|a| a.len()).sum();
    let mut out = Vec::with_capacity(len);
    let mut bad = 0usize;
    for a in chunks {
        match plain_f64(a) {
            Some(v) => {
                let n = v.iter().filter(|x| !x.is_finite()).count();
                if n == 0 {
                    out.extend_from_slice(v);
                } else {
                    bad += n;
                    out.extend(v.iter().copied().filter(|x| x.is_finite()));
                }
            }
            None => visit_numeric(a, |v| match v {
                Some(x) if x.is_finite() => out.push(x),
                Some(_) => bad += 1,
                None => {}
            }),
        }
    }
    if bad > 0 && !drop {
        return Err(non_finite_error(bad, name));
    }
    Ok(out)
}

/// The rows where every column has a value, each column's values in row order (as
/// `data::paired` over `data::numeric`): rows with a non-finite value are dropped if `drop`,
/// else the first column with one is named with its count. Columns of one Float64 chunk with
/// no nulls and no non-finite value are returned in place.
pub fn paired_values<'a>(
    names: &[&str],
    cols: &'a [Vec<ArrayRef>],
    drop: bool,
) -> Result<Vec<Cow<'a, [f64]>>, String> {
    let plain: Option<Vec<&[f64]>> = cols
        .iter()
        .map(|chunks| match chunks.as_slice() {
            [one] => plain_f64(one).filter(|v| v.iter().all(|x| x.is_finite())),
            _ => None,
        })
        .collect();
    if let Some(plain) = plain {
        if plain.windows(2).all(|w| w[0].len() == w[1].len()) {
            return Ok(plain.into_iter().map(Cow::Borrowed).collect());
        }
    }
    let read: Vec<Vec<Option<f64>>> = cols.iter().map(|chunks| rows(chunks)).collect();
    let n = read.first().map_or(0, Vec::len);
    let mut out: Vec<Vec<f64>> = vec![Vec::with_capacity(n); read.len()];
    let mut bad = vec![0usize; read.len()];
    'rows: for i in 0..n {
        for c in &read {
            if c.get(i).copied().flatten().is_none() {
                continue 'rows;
            }
        }
        let mut ok = true;
        for (j, c) in read.iter().enumerate() {
            if !c[i].is_some_and(f64::is_finite) {
                bad[j] += 1;
                ok = false;
            }
        }
        if ok {
            for (o, c) in out.iter_mut().zip(&read) {
                o.push(c[i].unwrap_or(f64::NAN));
            }
        }
    }
    if !drop {
        if let Some((j, b)) = bad.iter().enumerate().find(|(_, b)| **b > 0) {
            return Err(non_finite_error(*b, names.get(j).copied().unwrap_or("?")));
        }
    }
    Ok(out.into_iter().map(Cow::Owned).collect())
}

/// Every row of a text array, in order: `None` for a null (and for a dictionary key out of
/// range). Int64 is written in decimal into one reused buffer.
pub fn visit_text(a: &ArrayRef, mut f: impl FnMut(Option<&str>)) {
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().iter().for_each(f),
        DataType::Dictionary(..) => {
            let Some(d) = a.as_dictionary_opt::<Int32Type>() else {
                return;
            };
            let Some(vals) = d.values().as_string_opt::<i32>() else {
                return;
            };
            for k in d.keys().iter() {
                f(k.and_then(|k| usize::try_from(k).ok())
                    .filter(|k| *k < vals.len())
                    .map(|k| vals.value(k)));
            }
        }
        DataType::Boolean => a
            .as_boolean()
            .iter()
            .for_each(|v| f(v.map(|b| if b { "true" } else { "false" }))),
        DataType::Int64 => {
            let mut buf = String::new();
            for v in a.as_primitive::<Int64Type>().iter() {
                match v {
                    Some(x) => {
                        use std::fmt::Write;
                        buf.clear();
                        // The old path went through f64: keep its spelling exactly.
                        let _ = write!(buf, "{}", x as f64 as i64);
                        f(Some(&buf));
                    }
                    None => f(None),
                }
            }
        }
        _ => {}
    }
}
