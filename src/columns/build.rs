//! Building Arrow arrays from guest buffers, with every content check a hostile guest needs.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int32Array, Int64Array,
    PrimitiveArray, StringArray,
};
use arrow::buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Field, Int32Type, Schema, TimeUnit as ArrowUnit,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow::record_batch::RecordBatch;

use super::error::{BatchProblem, ColumnError, ColumnProblem};
use crate::sandbox::{ColumnSpec, ColumnType, GuestColumn, TimeUnit};

/// The Arrow type a contract column becomes.
pub fn data_type(spec: &ColumnSpec) -> DataType {
    match spec.dtype {
        ColumnType::Float64 => DataType::Float64,
        ColumnType::Int64 => DataType::Int64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Utf8 => DataType::Utf8,
        ColumnType::Timestamp => DataType::Timestamp(arrow_unit(spec.unit), None),
        ColumnType::Category => {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        }
    }
}

fn arrow_unit(u: Option<TimeUnit>) -> ArrowUnit {
    match u.unwrap_or(TimeUnit::Us) {
        TimeUnit::S => ArrowUnit::Second,
        TimeUnit::Ms => ArrowUnit::Millisecond,
        TimeUnit::Us => ArrowUnit::Microsecond,
        TimeUnit::Ns => ArrowUnit::Nanosecond,
    }
}

/// A record batch in contract order.
pub fn to_batch(cols: Vec<GuestColumn>, specs: &[ColumnSpec]) -> Result<RecordBatch, ColumnError> {
    if cols.len() != specs.len() {
        return Err(ColumnError::BadBatch {
            problem: BatchProblem::ColumnCount {
                columns: cols.len(),
                outputs: specs.len(),
            },
        });
    }
    let mut fields = Vec::with_capacity(specs.len());
    let mut arrays = Vec::with_capacity(specs.len());
    for (col, spec) in cols.into_iter().zip(specs) {
        fields.push(Field::new(&spec.name, data_type(spec), spec.nullable));
        arrays.push(to_array(col, spec)?);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| ColumnError::BadBatch {
        problem: BatchProblem::Arrow {
            message: e.to_string(),
        },
    })
}

/// One checked array.
pub fn to_array(col: GuestColumn, spec: &ColumnSpec) -> Result<ArrayRef, ColumnError> {
    let name = spec.name.as_str();
    let bad = |problem| ColumnError::column(name, problem);
    if col.name != spec.name || col.dtype != spec.dtype {
        return Err(bad(ColumnProblem::NotTheContractsColumn));
    }
    let len = col.len;
    let nulls = nulls(
        name,
        col.validity.as_ref(),
        len,
        col.null_count,
        spec.nullable,
    )?;
    let array: ArrayRef = match spec.dtype {
        ColumnType::Float64 => Arc::new(Float64Array::new(scalars(name, &col.values, len)?, nulls)),
        ColumnType::Int64 => Arc::new(Int64Array::new(scalars(name, &col.values, len)?, nulls)),
        ColumnType::Timestamp => {
            let v: ScalarBuffer<i64> = scalars(name, &col.values, len)?;
            match arrow_unit(spec.unit) {
                ArrowUnit::Second => timestamps::<TimestampSecondType>(v, nulls),
                ArrowUnit::Millisecond => timestamps::<TimestampMillisecondType>(v, nulls),
                ArrowUnit::Microsecond => timestamps::<TimestampMicrosecondType>(v, nulls),
                ArrowUnit::Nanosecond => timestamps::<TimestampNanosecondType>(v, nulls),
            }
        }
        ColumnType::Bool => {
            let bytes = col.values.as_slice();
            if bytes.len() != len {
                return Err(bad(ColumnProblem::BufferSize {
                    got: bytes.len(),
                    values: len,
                    want: len,
                }));
            }
            if let Some(i) = bytes.iter().position(|&b| b > 1) {
                return Err(bad(ColumnProblem::NotABool {
                    row: i,
                    byte: bytes[i],
                }));
            }
            let bits = BooleanBuffer::collect_bool(len, |i| bytes[i] == 1);
            Arc::new(BooleanArray::new(bits, nulls))
        }
        ColumnType::Utf8 => {
            let offsets_buf = col
                .offsets
                .as_ref()
                .ok_or_else(|| bad(ColumnProblem::MissingOffsets))?;
            let size = len
                .checked_add(1)
                .ok_or_else(|| bad(ColumnProblem::SizeOverflow))?;
            let raw: ScalarBuffer<i32> = scalars(name, offsets_buf, size)?;
            if let Some(&offset) = raw.first().filter(|&&o| o < 0) {
                return Err(bad(ColumnProblem::NegativeFirstOffset { offset }));
            }
            if let Some(i) = raw.windows(2).position(|w| w[1] < w[0]) {
                return Err(bad(ColumnProblem::OffsetsDecrease {
                    row: i,
                    from: raw[i],
                    to: raw[i + 1],
                }));
            }
            utf8_content(&raw, col.values.as_slice()).map_err(bad)?;
            // Monotonic and non-negative: `OffsetBuffer::new`'s preconditions hold.
            let offsets = OffsetBuffer::new(raw);
            let a = StringArray::try_new(offsets, col.values.clone(), nulls).map_err(|e| {
                bad(ColumnProblem::Arrow {
                    message: e.to_string(),
                })
            })?;
            Arc::new(a)
        }
        ColumnType::Category => {
            let codes: ScalarBuffer<i32> = scalars(name, &col.values, len)?;
            let ncat = spec.categories.len();
            for (i, &c) in codes.iter().enumerate() {
                let valid = nulls.as_ref().is_none_or(|n| n.is_valid(i));
                if valid && usize::try_from(c).map_or(true, |c| c >= ncat) {
                    return Err(bad(ColumnProblem::CategoryCode {
                        row: i,
                        code: c,
                        categories: ncat,
                    }));
                }
            }
            let keys = Int32Array::new(codes, nulls);
            let values = Arc::new(StringArray::from(spec.categories.clone()));
            let d = DictionaryArray::<Int32Type>::try_new(keys, values).map_err(|e| {
                bad(ColumnProblem::Arrow {
                    message: e.to_string(),
                })
            })?;
            Arc::new(d)
        }
    };
    debug_assert_eq!(array.len(), len);
    Ok(array)
}

/// The text behind monotonic, non-negative `offsets`: inside `data`, valid UTF-8, every row
/// starting on a character boundary (what `StringArray::try_new` checks, named precisely).
fn utf8_content(offsets: &[i32], data: &[u8]) -> Result<(), ColumnProblem> {
    let to_usize = |o: i32| usize::try_from(o).unwrap_or(usize::MAX);
    let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) else {
        return Ok(());
    };
    let (start, end) = (to_usize(first), to_usize(last));
    if end > data.len() {
        return Err(ColumnProblem::OffsetsPastData {
            end,
            data: data.len(),
        });
    }
    let text = std::str::from_utf8(&data[start..end]).map_err(|e| ColumnProblem::InvalidUtf8 {
        at: start + e.valid_up_to(),
    })?;
    for (row, &o) in offsets.iter().enumerate() {
        let offset = to_usize(o);
        if !text.is_char_boundary(offset - start) {
            return Err(ColumnProblem::SplitCharacter { row, offset });
        }
    }
    Ok(())
}

fn timestamps<T: ArrowPrimitiveType<Native = i64>>(
    v: ScalarBuffer<i64>,
    nulls: Option<NullBuffer>,
) -> ArrayRef {
    Arc::new(PrimitiveArray::<T>::new(v, nulls))
}

/// A typed view of `buf` holding exactly `len` values, refusing wrong sizes or alignment
/// (where `ScalarBuffer::new` would panic).
fn scalars<T: arrow::datatypes::ArrowNativeType>(
    name: &str,
    buf: &Buffer,
    len: usize,
) -> Result<ScalarBuffer<T>, ColumnError> {
    let width = std::mem::size_of::<T>();
    let bad = |problem| ColumnError::column(name, problem);
    let want = len
        .checked_mul(width)
        .ok_or_else(|| bad(ColumnProblem::SizeOverflow))?;
    if buf.len() != want {
        return Err(bad(ColumnProblem::BufferSize {
            got: buf.len(),
            values: len,
            want,
        }));
    }
    if buf.as_ptr().align_offset(std::mem::align_of::<T>()) != 0 {
        return Err(bad(ColumnProblem::Misaligned));
    }
    Ok(ScalarBuffer::new(buf.clone(), 0, len))
}

/// The validity bitmap as a `NullBuffer`, its null count checked against the guest's claim.
fn nulls(
    name: &str,
    validity: Option<&Buffer>,
    len: usize,
    claimed: usize,
    nullable: bool,
) -> Result<Option<NullBuffer>, ColumnError> {
    let bad = |problem| ColumnError::column(name, problem);
    let Some(bits) = validity else {
        if claimed != 0 {
            return Err(bad(ColumnProblem::NullsWithoutBitmap { claimed }));
        }
        return Ok(None);
    };
    if !nullable {
        return Err(bad(ColumnProblem::BitmapOnNonNullable));
    }
    if bits.len() != len.div_ceil(8) {
        return Err(bad(ColumnProblem::BitmapSize {
            got: bits.len(),
            rows: len,
            want: len.div_ceil(8),
        }));
    }
    let n = NullBuffer::new(BooleanBuffer::new(bits.clone(), 0, len));
    if n.null_count() != claimed {
        return Err(bad(ColumnProblem::NullCount {
            claimed,
            found: n.null_count(),
        }));
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dtype: ColumnType, nullable: bool) -> ColumnSpec {
        ColumnSpec {
            name: "c".into(),
            dtype,
            nullable,
            categories: vec!["a".into(), "b".into()],
            unit: None,
        }
    }

    fn col(dtype: ColumnType, len: usize, values: &[u8]) -> GuestColumn {
        GuestColumn {
            name: "c".into(),
            dtype,
            len,
            null_count: 0,
            values: Buffer::from_slice_ref(values),
            validity: None,
            offsets: None,
        }
    }

    #[test]
    fn floats_round_trip() {
        let v: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        let a = to_array(
            col(ColumnType::Float64, 2, &v),
            &spec(ColumnType::Float64, false),
        )
        .unwrap();
        let a = a.as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(a.values().as_ref(), &[1.5, -2.0]);
    }

    #[test]
    fn wrong_sizes_are_refused_not_panics() {
        let e = to_array(
            col(ColumnType::Float64, 3, &[0; 16]),
            &spec(ColumnType::Float64, false),
        );
        assert!(matches!(
            e,
            Err(ColumnError::BadColumn {
                problem: ColumnProblem::BufferSize {
                    got: 16,
                    values: 3,
                    want: 24
                },
                ..
            })
        ));
    }

    fn problem(r: Result<ArrayRef, ColumnError>) -> ColumnProblem {
        match r {
            Err(ColumnError::BadColumn { column, problem }) => {
                assert_eq!(column, "c");
                problem
            }
            other => panic!("expected BadColumn, got {other:?}"),
        }
    }

    #[test]
    fn bools_must_be_zero_or_one() {
        let e = to_array(
            col(ColumnType::Bool, 3, &[0, 1, 7]),
            &spec(ColumnType::Bool, false),
        );
        assert_eq!(problem(e), ColumnProblem::NotABool { row: 2, byte: 7 });
    }

    #[test]
    fn utf8_checks_offsets_and_encoding() {
        let utf8 = spec(ColumnType::Utf8, false);
        let mut c = col(ColumnType::Utf8, 2, b"ab\xff");
        c.offsets = Some(Buffer::from_slice_ref([0i32, 2, 1]));
        assert_eq!(
            problem(to_array(c.clone(), &utf8)),
            ColumnProblem::OffsetsDecrease {
                row: 1,
                from: 2,
                to: 1
            }
        );
        c.offsets = Some(Buffer::from_slice_ref([0i32, 2, 3]));
        assert_eq!(
            problem(to_array(c.clone(), &utf8)),
            ColumnProblem::InvalidUtf8 { at: 2 }
        );
        c.offsets = Some(Buffer::from_slice_ref([0i32, 2, 9]));
        assert_eq!(
            problem(to_array(c.clone(), &utf8)),
            ColumnProblem::OffsetsPastData { end: 9, data: 3 }
        );
        c.offsets = Some(Buffer::from_slice_ref([-1i32, 2, 3]));
        assert_eq!(
            problem(to_array(c.clone(), &utf8)),
            ColumnProblem::NegativeFirstOffset { offset: -1 }
        );
        // "é" is two bytes: a row may not start between them.
        let mut c = col(ColumnType::Utf8, 2, "é".as_bytes());
        c.offsets = Some(Buffer::from_slice_ref([0i32, 1, 2]));
        assert_eq!(
            problem(to_array(c.clone(), &utf8)),
            ColumnProblem::SplitCharacter { row: 1, offset: 1 }
        );
        c.offsets = Some(Buffer::from_slice_ref([0i32, 2, 2]));
        let a = to_array(c, &utf8).unwrap();
        assert_eq!(
            a.as_any().downcast_ref::<StringArray>().unwrap().value(0),
            "é"
        );
    }

    #[test]
    fn null_count_must_match_bitmap() {
        let v: Vec<u8> = [1i64, 2, 3].iter().flat_map(|f| f.to_le_bytes()).collect();
        let mut c = col(ColumnType::Int64, 3, &v);
        c.validity = Some(Buffer::from_slice_ref([0b101u8]));
        c.null_count = 2;
        assert_eq!(
            problem(to_array(c.clone(), &spec(ColumnType::Int64, true))),
            ColumnProblem::NullCount {
                claimed: 2,
                found: 1
            }
        );
        c.null_count = 1;
        let a = to_array(c.clone(), &spec(ColumnType::Int64, true)).unwrap();
        assert_eq!(a.null_count(), 1);
        assert_eq!(
            problem(to_array(c.clone(), &spec(ColumnType::Int64, false))),
            ColumnProblem::BitmapOnNonNullable
        );
        c.validity = None;
        assert_eq!(
            problem(to_array(c, &spec(ColumnType::Int64, true))),
            ColumnProblem::NullsWithoutBitmap { claimed: 1 }
        );
    }

    #[test]
    fn category_codes_must_be_in_range() {
        let v: Vec<u8> = [0i32, 1, 2].iter().flat_map(|f| f.to_le_bytes()).collect();
        let e = to_array(
            col(ColumnType::Category, 3, &v),
            &spec(ColumnType::Category, false),
        );
        assert_eq!(
            problem(e),
            ColumnProblem::CategoryCode {
                row: 2,
                code: 2,
                categories: 2
            }
        );
    }
}
