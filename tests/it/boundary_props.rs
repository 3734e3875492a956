//! Property tests for the Arrow builders (`columns::to_array`), the last check between a
//! hostile guest's buffers and the dataset. Columns are generated for every `ColumnType`:
//! well-formed ones, arbitrary bytes, and well-formed ones with exactly one corruption.
//!
//! Cases come from a seeded `StdRng` (case `i` uses `seed_from_u64(i)`, printed on failure, so a
//! failure reproduces exactly). proptest was the plan; adding it changed the feature set of
//! shared dependencies and rebuilt wasmtime and cranelift, which this machine could not afford;
//! the generators below are the strategies it would have used, without shrinking.
//! The acceptance oracle (`fuzz/invariants.rs::well_formed`) decides from the bytes alone, and
//! `check_accepted` restates what an accepted array must be (Arrow's full validation, monotonic
//! offsets, valid UTF-8, bools 0/1, codes in range, null count equal to the bitmap's). The same
//! file backs the `door_frames` and `column_build` fuzz targets.

#[path = "../../fuzz/invariants.rs"]
mod invariants;

use arrow::buffer::Buffer;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sdg::columns::{to_array, ColumnError};
use sdg::sandbox::{ColumnSpec, ColumnType, GuestColumn, TimeUnit};

const TYPES: [ColumnType; 6] = [
    ColumnType::Float64,
    ColumnType::Int64,
    ColumnType::Bool,
    ColumnType::Utf8,
    ColumnType::Timestamp,
    ColumnType::Category,
];

/// Cases per property.
const CASES: u64 = 3000;

/// Runs `prop` on `CASES` seeded generators; a failure names its seed.
fn for_cases(name: &str, mut prop: impl FnMut(&mut StdRng) -> Result<(), String>) {
    let mut ran = 0;
    for case in 0..CASES {
        let mut rng = StdRng::seed_from_u64(case);
        match prop(&mut rng) {
            Ok(()) => ran += 1,
            Err(e) if e == SKIP => {}
            Err(e) => panic!("{name}: case StdRng::seed_from_u64({case}): {e}"),
        }
    }
    // Most cases must be real cases, not skips.
    assert!(
        ran >= CASES / 4,
        "{name}: only {ran} of {CASES} cases applied"
    );
}

const SKIP: &str = "skip";

fn bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let n = rng.random_range(0..=max);
    (0..n).map(|_| rng.random::<u8>()).collect()
}

fn text(rng: &mut StdRng) -> String {
    let n = rng.random_range(0..8);
    (0..n)
        .map(|_| match rng.random_range(0..3) {
            0 => char::from(rng.random_range(0x20u8..0x7f)),
            1 => char::from_u32(rng.random_range(0x80..0x800)).unwrap_or('é'),
            _ => char::from_u32(rng.random_range(0x800..0x11_0000)).unwrap_or('🦀'),
        })
        .collect()
}

fn spec_of(rng: &mut StdRng) -> ColumnSpec {
    let dtype = TYPES[rng.random_range(0..TYPES.len())];
    let ncat = rng.random_range(0..5);
    ColumnSpec {
        name: "c".into(),
        dtype,
        nullable: rng.random_bool(0.5),
        categories: if dtype == ColumnType::Category {
            (0..ncat).map(|k| format!("k{k}")).collect()
        } else {
            vec![]
        },
        unit: (dtype == ColumnType::Timestamp).then(|| {
            [TimeUnit::S, TimeUnit::Ms, TimeUnit::Us, TimeUnit::Ns][rng.random_range(0..4)]
        }),
    }
}

/// A buffer as the door makes one: a copy into Arrow's aligned allocation. (`Buffer::from_vec`
/// of an empty `Vec<u8>` keeps its dangling, 1-aligned pointer, which `to_array` refuses for
/// 8-byte types even at 0 rows; the door never hands such a buffer over.)
fn buf(v: Vec<u8>) -> Buffer {
    Buffer::from_slice_ref(&v)
}

fn le32(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A well-formed column for `spec` with `len` rows, from `seed` bytes.
fn well_formed(
    spec: &ColumnSpec,
    len: usize,
    texts: &[String],
    seed: &[u8],
    bits: &[u8],
) -> GuestColumn {
    let byte = |i: usize| seed[i % seed.len()];
    let (values, offsets) = match spec.dtype {
        ColumnType::Float64 | ColumnType::Int64 | ColumnType::Timestamp => {
            ((0..len * 8).map(byte).collect(), None)
        }
        ColumnType::Bool => ((0..len).map(|i| byte(i) & 1).collect(), None),
        ColumnType::Category => {
            let n = spec.categories.len();
            let codes: Vec<i32> = (0..len)
                .map(|i| {
                    if n == 0 {
                        -1
                    } else {
                        i32::from(byte(i)) % n as i32
                    }
                })
                .collect();
            (le32(&codes), None)
        }
        ColumnType::Utf8 => {
            let mut data = Vec::new();
            let mut offs = vec![0i32];
            for i in 0..len {
                data.extend_from_slice(texts[i % texts.len()].as_bytes());
                offs.push(i32::try_from(data.len()).unwrap());
            }
            (data, Some(buf(le32(&offs))))
        }
    };
    // Category columns with an empty list can only hold nulls.
    let must_null = spec.dtype == ColumnType::Category && spec.categories.is_empty();
    let validity = if spec.nullable && (must_null || !bits.is_empty()) {
        let mut b: Vec<u8> = (0..len.div_ceil(8))
            .map(|i| bits.get(i).copied().unwrap_or(0))
            .collect();
        if must_null {
            b.iter_mut().for_each(|x| *x = 0);
        }
        Some(b)
    } else {
        None
    };
    let null_count = validity
        .as_ref()
        .map_or(0, |b| invariants::bitmap_nulls(b, len));
    GuestColumn {
        name: spec.name.clone(),
        dtype: spec.dtype,
        len,
        null_count,
        values: buf(values),
        validity: validity.filter(|_| null_count > 0).map(Buffer::from_vec),
        offsets,
    }
}

/// A well-formed column, or `None` when the spec allows none (a non-nullable category column
/// with an empty list and rows).
fn valid_case(rng: &mut StdRng) -> Option<(ColumnSpec, GuestColumn)> {
    let spec = spec_of(rng);
    let len = rng.random_range(0..40);
    let texts: Vec<String> = (0..rng.random_range(1..6)).map(|_| text(rng)).collect();
    let mut seed = bytes(rng, 64);
    if seed.is_empty() {
        seed.push(rng.random());
    }
    let bits = bytes(rng, 6);
    let col = well_formed(&spec, len, &texts, &seed, &bits);
    let impossible = spec.dtype == ColumnType::Category
        && spec.categories.is_empty()
        && len > 0
        && !spec.nullable;
    (!impossible).then_some((spec, col))
}

/// Arbitrary buffers: sizes right or off by a little, contents anything.
fn arbitrary_case(rng: &mut StdRng) -> (ColumnSpec, GuestColumn) {
    let spec = spec_of(rng);
    let len = rng.random_range(0..24);
    let width = spec.dtype.width().map_or(1, |w| w as usize);
    // Half the time the size the contract needs, so the content checks are reached.
    let values = if rng.random_bool(0.5) && spec.dtype != ColumnType::Utf8 {
        (0..len * width).map(|_| rng.random::<u8>()).collect()
    } else {
        bytes(rng, 200)
    };
    let validity = rng.random_bool(0.5).then(|| {
        if rng.random_bool(0.7) {
            (0..len.div_ceil(8)).map(|_| rng.random::<u8>()).collect()
        } else {
            bytes(rng, 5)
        }
    });
    let offsets = rng.random_bool(0.8).then(|| {
        let n = if rng.random_bool(0.7) {
            len + 1
        } else {
            rng.random_range(0..26)
        };
        let mut o: Vec<i32> = (0..n).map(|_| rng.random_range(-4..80)).collect();
        if rng.random_bool(0.5) {
            o.sort_unstable();
        }
        o
    });
    let null_count = match &validity {
        Some(b) if b.len() == len.div_ceil(8) && rng.random_bool(0.7) => {
            invariants::bitmap_nulls(b, len)
        }
        _ => rng.random_range(0..30),
    };
    let col = GuestColumn {
        name: spec.name.clone(),
        dtype: spec.dtype,
        len,
        null_count,
        values: buf(values),
        validity: validity.map(Buffer::from_vec),
        offsets: offsets.map(|o| buf(le32(&o))),
    };
    (spec, col)
}

/// One way to break a well-formed column.
#[derive(Debug, Clone, Copy)]
enum Corruption {
    BoolByte(u8),
    CodeOutOfRange(i32),
    OffsetsDecrease,
    InvalidUtf8,
    NullCountOffByOne,
    BitmapOnNonNullable,
    ValuesTooShort,
}

fn corrupt(spec: &mut ColumnSpec, col: &mut GuestColumn, c: Corruption, at: usize) -> bool {
    let len = col.len;
    if len == 0 {
        return false;
    }
    let row = at % len;
    let mut v = col.values.as_slice().to_vec();
    match c {
        Corruption::BoolByte(b) if spec.dtype == ColumnType::Bool => v[row] = b.max(2),
        Corruption::CodeOutOfRange(k) if spec.dtype == ColumnType::Category => {
            if col.null_count > 0 {
                return false;
            }
            let n = spec.categories.len() as i32;
            let bad = if k < 0 {
                k.min(-1)
            } else {
                n.saturating_add(k)
            };
            v[4 * row..4 * row + 4].copy_from_slice(&bad.to_le_bytes());
        }
        Corruption::OffsetsDecrease if spec.dtype == ColumnType::Utf8 => {
            let mut o = col.offsets.as_ref().unwrap().as_slice().to_vec();
            let next = i32::from_le_bytes(o[4 * row + 4..4 * row + 8].try_into().unwrap());
            let bad = next + 1;
            o[4 * row..4 * row + 4].copy_from_slice(&bad.to_le_bytes());
            col.offsets = Some(buf(o));
        }
        Corruption::InvalidUtf8 if spec.dtype == ColumnType::Utf8 => {
            if v.is_empty() {
                return false;
            }
            let i = at % v.len();
            v[i] = 0xff;
        }
        Corruption::NullCountOffByOne => {
            col.null_count = if col.null_count > 0 && at.is_multiple_of(2) {
                col.null_count - 1
            } else {
                col.null_count + 1
            };
        }
        Corruption::BitmapOnNonNullable if !spec.nullable && col.validity.is_none() => {
            col.validity = Some(buf(vec![0xffu8; len.div_ceil(8)]));
            col.null_count = 0;
        }
        Corruption::ValuesTooShort if spec.dtype != ColumnType::Utf8 => {
            v.pop();
        }
        _ => return false,
    }
    col.values = buf(v);
    true
}

fn corruption(rng: &mut StdRng) -> Corruption {
    match rng.random_range(0..7) {
        0 => Corruption::BoolByte(rng.random()),
        1 => Corruption::CodeOutOfRange(rng.random()),
        2 => Corruption::OffsetsDecrease,
        3 => Corruption::InvalidUtf8,
        4 => Corruption::NullCountOffByOne,
        5 => Corruption::BitmapOnNonNullable,
        _ => Corruption::ValuesTooShort,
    }
}

#[test]
fn boundary_well_formed_columns_are_accepted_faithfully() {
    for_cases("well-formed", |rng| {
        let Some((spec, col)) = valid_case(rng) else {
            return Err(SKIP.into());
        };
        if !invariants::well_formed(&col, &spec) {
            return Err(format!("generator made a malformed {col:?}"));
        }
        let array = to_array(col.clone(), &spec).map_err(|e| format!("refused: {e}"))?;
        invariants::check_accepted(&array, &col, &spec);
        Ok(())
    });
}

#[test]
fn boundary_arbitrary_columns_are_accepted_exactly_when_well_formed() {
    let mut accepted = 0;
    for_cases("arbitrary", |rng| {
        let (spec, col) = arbitrary_case(rng);
        let expected = invariants::well_formed(&col, &spec);
        match to_array(col.clone(), &spec) {
            Ok(array) => {
                if !expected {
                    return Err(format!("accepted a malformed column {col:?}"));
                }
                accepted += 1;
                invariants::check_accepted(&array, &col, &spec);
            }
            Err(e) => {
                if expected {
                    return Err(format!("refused a well-formed column {col:?}: {e}"));
                }
                if !matches!(e, ColumnError::BadColumn { .. }) {
                    return Err(format!("not a BadColumn: {e:?}"));
                }
            }
        }
        Ok(())
    });
    // The generator reaches both sides.
    assert!(
        accepted >= 100,
        "only {accepted} arbitrary columns were accepted"
    );
}

#[test]
fn boundary_one_corruption_is_refused_as_bad_column() {
    for_cases("corrupted", |rng| {
        let Some((mut spec, mut col)) = valid_case(rng) else {
            return Err(SKIP.into());
        };
        let c = corruption(rng);
        if !corrupt(&mut spec, &mut col, c, rng.random::<u32>() as usize) {
            return Err(SKIP.into());
        }
        if invariants::well_formed(&col, &spec) {
            return Err(format!("{c:?} left {col:?} well-formed"));
        }
        match to_array(col, &spec) {
            Err(ColumnError::BadColumn { .. }) => Ok(()),
            other => Err(format!("{c:?}: {other:?}")),
        }
    });
}

/// The real door (`host::call`) behind the fuzzing module: a run in protocol order hands over
/// its column from guest memory, and the same frames out of order, or a region past the end of
/// memory, stop the run with a recorded reason.
#[test]
fn boundary_door_takes_frames_in_order_and_refuses_them_out_of_order() {
    use sdg::sandbox::fuzzing::{FrameOutcome, FuzzDoor, MEMORY_BYTES};
    use sdg::sandbox::RunLimits;
    let spec = ColumnSpec {
        name: "x".into(),
        dtype: ColumnType::Float64,
        nullable: false,
        categories: vec![],
        unit: None,
    };
    let values: Vec<u8> = [1.5f64, -2.0, 3.25]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let column = |at: usize| {
        format!(
            r#"{{"op":"column","index":0,"name":"x","dtype":"float64","len":3,"null_count":0,"values":[{at},24],"validity":null,"offsets":null}}"#
        )
    };
    let frames = [
        r#"{"op":"hello","protocol":1}"#.to_string(),
        r#"{"op":"code"}"#.to_string(),
        r#"{"op":"begin"}"#.to_string(),
        column(1024),
        r#"{"op":"done","columns":1}"#.to_string(),
    ];
    let limits = RunLimits::default();
    let mut door = FuzzDoor::new(std::slice::from_ref(&spec), 3, &limits).unwrap();
    door.write(1024, &values);
    for f in &frames {
        let out = door.send(40_000, f.as_bytes());
        assert!(matches!(out, FrameOutcome::Accepted), "{f}: {out:?}");
    }
    assert!(door.finished());
    assert_eq!(door.columns().len(), 1);
    assert_eq!(door.columns()[0].values.as_slice(), &values[..]);

    // Every frame sent one step early is refused, with a reason.
    for skip in 0..frames.len() - 1 {
        let mut door = FuzzDoor::new(std::slice::from_ref(&spec), 3, &limits).unwrap();
        door.write(1024, &values);
        for f in &frames[..skip] {
            assert!(matches!(
                door.send(40_000, f.as_bytes()),
                FrameOutcome::Accepted
            ));
        }
        let early = &frames[skip + 1];
        let out = door.send(40_000, early.as_bytes());
        assert!(
            matches!(out, FrameOutcome::Stopped(Some(_))),
            "{early} after {skip} frames: {out:?}"
        );
        assert!(!door.finished());
    }

    // A column whose region ends past linear memory is refused.
    let mut door = FuzzDoor::new(std::slice::from_ref(&spec), 3, &limits).unwrap();
    for f in &frames[..3] {
        assert!(matches!(
            door.send(40_000, f.as_bytes()),
            FrameOutcome::Accepted
        ));
    }
    let out = door.send(40_000, column(MEMORY_BYTES - 16).as_bytes());
    assert!(matches!(out, FrameOutcome::Stopped(Some(_))), "{out:?}");
    assert!(door.columns().is_empty());
}
