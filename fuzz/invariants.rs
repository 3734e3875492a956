//! What every column the host accepts from a guest must satisfy, checked independently of the
//! builder that accepted it. Shared by the fuzz targets (`#[path]`) and by the property tests in
//! `tests/it/boundary_props.rs`; it panics with the broken invariant, which is what both want.

use arrow::array::{Array, ArrayRef, BooleanArray, DictionaryArray, StringArray};
use arrow::datatypes::{DataType, Int32Type, TimeUnit as ArrowUnit};
use sdg::sandbox::{ColumnSpec, ColumnType, GuestColumn, TimeUnit};

/// The Arrow type a contract column must become (restated here, not taken from the builder).
pub fn expected_type(spec: &ColumnSpec) -> DataType {
    match spec.dtype {
        ColumnType::Float64 => DataType::Float64,
        ColumnType::Int64 => DataType::Int64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Utf8 => DataType::Utf8,
        ColumnType::Timestamp => DataType::Timestamp(
            match spec.unit {
                Some(TimeUnit::S) => ArrowUnit::Second,
                Some(TimeUnit::Ms) => ArrowUnit::Millisecond,
                Some(TimeUnit::Us) | None => ArrowUnit::Microsecond,
                Some(TimeUnit::Ns) => ArrowUnit::Nanosecond,
            },
            None,
        ),
        ColumnType::Category => {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        }
    }
}

/// Nulls in the first `len` bits of a little-endian validity bitmap.
pub fn bitmap_nulls(bits: &[u8], len: usize) -> usize {
    (0..len)
        .filter(|&i| bits[i / 8] & (1 << (i % 8)) == 0)
        .count()
}

fn valid(col: &GuestColumn, i: usize) -> bool {
    col.validity
        .as_ref()
        .is_none_or(|b| b.as_slice()[i / 8] & (1 << (i % 8)) != 0)
}

/// Panics unless `array`, accepted from `col` for `spec`, is a faithful, well-formed Arrow array.
pub fn check_accepted(array: &ArrayRef, col: &GuestColumn, spec: &ColumnSpec) {
    let len = col.len;
    assert_eq!(array.len(), len, "row count");
    assert_eq!(array.data_type(), &expected_type(spec), "data type");
    // Arrow's own full validation: offsets, UTF-8, dictionary keys, buffer sizes.
    array
        .to_data()
        .validate_full()
        .expect("accepted array passes arrow's full validation");
    // The null count is the bitmap's, and equals what the guest claimed.
    let bitmap = col
        .validity
        .as_ref()
        .map_or(0, |b| bitmap_nulls(b.as_slice(), len));
    assert_eq!(array.null_count(), bitmap, "null count vs bitmap");
    assert_eq!(array.null_count(), col.null_count, "null count vs claim");
    assert!(
        spec.nullable || array.null_count() == 0,
        "nulls in a non-nullable column"
    );
    let v = col.values.as_slice();
    match spec.dtype {
        ColumnType::Float64 | ColumnType::Int64 | ColumnType::Timestamp => {
            let data = array.to_data();
            assert_eq!(
                &data.buffers()[0].as_slice()[..len * 8],
                &v[..len * 8],
                "values"
            );
        }
        ColumnType::Bool => {
            let a = array
                .as_any()
                .downcast_ref::<BooleanArray>()
                .expect("bool array");
            for (i, &byte) in v.iter().enumerate().take(len) {
                assert!(byte <= 1, "row {i}: byte {byte} accepted as a bool");
                assert_eq!(a.values().value(i), byte == 1, "row {i}: bool value");
            }
        }
        ColumnType::Utf8 => {
            let a = array
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("string array");
            let offsets = a.value_offsets();
            assert!(offsets[0] >= 0, "first offset negative");
            assert!(
                offsets.windows(2).all(|w| w[0] <= w[1]),
                "offsets not monotonic"
            );
            let end = usize::try_from(offsets[len]).expect("last offset");
            assert!(end <= a.values().len(), "offsets past the data");
            let guest_offsets = col.offsets.as_ref().expect("utf8 has offsets").as_slice();
            for i in 0..len {
                let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
                let text = std::str::from_utf8(&a.values()[s..e]).expect("valid UTF-8");
                let gs = i32::from_le_bytes(guest_offsets[4 * i..4 * i + 4].try_into().unwrap());
                let ge =
                    i32::from_le_bytes(guest_offsets[4 * i + 4..4 * i + 8].try_into().unwrap());
                assert_eq!(
                    text.as_bytes(),
                    &v[gs as usize..ge as usize],
                    "row {i}: text"
                );
            }
        }
        ColumnType::Category => {
            let a = array
                .as_any()
                .downcast_ref::<DictionaryArray<Int32Type>>()
                .expect("dictionary array");
            let ncat = spec.categories.len();
            assert_eq!(a.values().len(), ncat, "dictionary is the contract's list");
            for i in 0..len {
                if valid(col, i) {
                    let k = a.keys().value(i);
                    assert!(k >= 0 && (k as usize) < ncat, "row {i}: code {k} of {ncat}");
                }
            }
        }
    }
}

fn le_i32(b: &[u8], i: usize) -> i32 {
    i32::from_le_bytes(b[4 * i..4 * i + 4].try_into().expect("4 bytes"))
}

/// Whether a column whose buffer sizes the door already checked is well-formed for `spec`,
/// decided from its bytes alone: the builder must accept it exactly when this is true.
pub fn well_formed(col: &GuestColumn, spec: &ColumnSpec) -> bool {
    let len = col.len;
    if col.name != spec.name || col.dtype != spec.dtype {
        return false;
    }
    match &col.validity {
        None if col.null_count != 0 => return false,
        Some(_) if !spec.nullable => return false,
        Some(b)
            if b.len() != len.div_ceil(8) || bitmap_nulls(b.as_slice(), len) != col.null_count =>
        {
            return false
        }
        _ => {}
    }
    let v = col.values.as_slice();
    match spec.dtype {
        ColumnType::Float64 | ColumnType::Int64 | ColumnType::Timestamp => v.len() == len * 8,
        ColumnType::Bool => v.len() == len && v.iter().all(|&b| b <= 1),
        ColumnType::Category => {
            v.len() == len * 4
                && (0..len).all(|i| {
                    !valid(col, i)
                        || usize::try_from(le_i32(v, i)).is_ok_and(|c| c < spec.categories.len())
                })
        }
        ColumnType::Utf8 => {
            let Some(o) = &col.offsets else { return false };
            let o = o.as_slice();
            if o.len() != 4 * (len + 1) {
                return false;
            }
            let offs: Vec<i32> = (0..=len).map(|i| le_i32(o, i)).collect();
            offs[0] >= 0
                && offs.windows(2).all(|w| w[0] <= w[1])
                && (offs[len] as usize) <= v.len()
                && offs
                    .windows(2)
                    .all(|w| std::str::from_utf8(&v[w[0] as usize..w[1] as usize]).is_ok())
        }
    }
}
