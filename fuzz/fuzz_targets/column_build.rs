//! Fuzz target: column building over arbitrary memory images. A random 48 KiB linear memory, a
//! random contract (types, nullability, category lists, units), and column headers whose regions
//! point anywhere in it (sizes mostly what the contract needs, sometimes a lie), go through the
//! real door (`hello`, `code`, `begin`, the columns, `done`) and then `columns::to_array` /
//! `to_batch`.
//! Asserts: no panic; the door keeps a column only if every region lies inside memory and has
//! the contract's size; `to_array` accepts a column exactly when `invariants::well_formed` says
//! its bytes are well-formed, and what it accepts satisfies `invariants::check_accepted`.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sdg::sandbox::fuzzing::{FrameOutcome, FuzzDoor, MEMORY_BYTES};
use sdg::sandbox::{ColumnSpec, ColumnType, RunLimits, TimeUnit};
use serde_json::json;

const FRAME_AT: usize = 49152;

#[derive(Arbitrary, Debug)]
struct SpecIn {
    dtype: u8,
    nullable: bool,
    ncat: u8,
    unit: u8,
}

#[derive(Arbitrary, Debug)]
struct ColIn {
    values_at: u16,
    /// Added to the size the contract needs (0 most of the time, by the fuzzer's choice).
    values_lie: i8,
    validity_at: Option<u16>,
    validity_lie: i8,
    /// `None`: claim exactly the bitmap's null count.
    null_claim: Option<u8>,
    offsets_at: u16,
    offsets_lie: i8,
    /// Text bytes for utf8 columns.
    data_len: u16,
}

#[derive(Arbitrary, Debug)]
struct Input {
    specs: Vec<SpecIn>,
    rows: u8,
    memory: Vec<u8>,
    cols: Vec<ColIn>,
}

const TYPES: [ColumnType; 6] = [
    ColumnType::Float64,
    ColumnType::Int64,
    ColumnType::Bool,
    ColumnType::Utf8,
    ColumnType::Timestamp,
    ColumnType::Category,
];

fn spec(i: usize, s: &SpecIn) -> ColumnSpec {
    let dtype = TYPES[usize::from(s.dtype) % TYPES.len()];
    ColumnSpec {
        name: format!("c{i}"),
        dtype,
        nullable: s.nullable,
        categories: if dtype == ColumnType::Category {
            (0..s.ncat % 6).map(|k| format!("k{k}")).collect()
        } else {
            vec![]
        },
        unit: (dtype == ColumnType::Timestamp).then(|| {
            [TimeUnit::S, TimeUnit::Ms, TimeUnit::Us, TimeUnit::Ns][usize::from(s.unit % 4)]
        }),
    }
}

fn lie(n: u64, by: i8) -> u64 {
    n.saturating_add_signed(i64::from(by))
}

fuzz_target!(|input: Input| {
    let specs: Vec<ColumnSpec> = input
        .specs
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, s)| spec(i, s))
        .collect();
    let rows = u64::from(input.rows);
    let mut door = FuzzDoor::new(&specs, rows, &RunLimits::default()).expect("fuzzing door");
    for f in [
        json!({"op": "hello", "protocol": 1}),
        json!({"op": "code"}),
        json!({"op": "begin"}),
    ] {
        let out = door.send(FRAME_AT, f.to_string().as_bytes());
        assert!(
            matches!(out, FrameOutcome::Accepted),
            "{f} refused: {out:?}"
        );
    }
    door.write(0, &input.memory[..input.memory.len().min(FRAME_AT)]);
    for (i, (c, s)) in input.cols.iter().zip(&specs).enumerate() {
        let values_len = match s.dtype.width() {
            Some(w) => lie(rows * w, c.values_lie),
            None => u64::from(c.data_len),
        };
        let validity = c
            .validity_at
            .map(|at| (u64::from(at), lie(rows.div_ceil(8), c.validity_lie)));
        let null_count = match (c.null_claim, validity) {
            (Some(n), _) => u64::from(n),
            (None, Some((at, n))) => {
                let mem = door.memory();
                match mem.get(at as usize..(at + n) as usize) {
                    Some(bits) if n == rows.div_ceil(8) => {
                        invariants::bitmap_nulls(bits, rows as usize) as u64
                    }
                    _ => 1,
                }
            }
            (None, None) => 0,
        };
        let offsets = (s.dtype == ColumnType::Utf8)
            .then(|| (u64::from(c.offsets_at), lie(4 * (rows + 1), c.offsets_lie)));
        let frame = json!({
            "op": "column", "index": i, "name": s.name, "dtype": s.dtype.name(), "len": rows,
            "null_count": null_count, "values": [c.values_at, values_len],
            "validity": validity.map(|(a, n)| [a, n]), "offsets": offsets.map(|(a, n)| [a, n]),
        });
        let out = door.send(FRAME_AT, frame.to_string().as_bytes());
        let in_memory = |at: u64, n: u64| at + n <= MEMORY_BYTES as u64;
        let sizes_ok = s.dtype.width().is_none_or(|w| values_len == rows * w)
            && in_memory(u64::from(c.values_at), values_len)
            && validity.is_none_or(|(a, n)| n == rows.div_ceil(8) && in_memory(a, n))
            && offsets.is_none_or(|(a, n)| n == 4 * (rows + 1) && in_memory(a, n))
            && null_count <= rows
            && (null_count == 0 || s.nullable)
            && validity.is_some() == (null_count > 0);
        match out {
            FrameOutcome::Accepted => assert!(sizes_ok, "door kept a column it should refuse"),
            FrameOutcome::Stopped(_) => {
                assert!(!sizes_ok, "door refused a column whose sizes are right");
                break;
            }
        }
    }
    let done = json!({"op": "done", "columns": specs.len()});
    let _ = door.send(FRAME_AT, done.to_string().as_bytes());
    assert_eq!(door.finished(), door.columns().len() == specs.len());
    let mut all_ok = true;
    for (col, spec) in door.columns().iter().zip(&specs) {
        let expected = invariants::well_formed(col, spec);
        all_ok &= expected;
        match sdg::columns::to_array(col.clone(), spec) {
            Ok(array) => {
                assert!(expected, "builder accepted a malformed column {col:?}");
                invariants::check_accepted(&array, col, spec);
            }
            Err(e) => {
                assert!(!expected, "builder refused a well-formed column: {e}");
                assert!(
                    matches!(e, sdg::columns::ColumnError::BadColumn { .. }),
                    "{e:?}"
                );
            }
        }
    }
    if door.finished() && !specs.is_empty() {
        let batch = sdg::columns::to_batch(door.columns().to_vec(), &specs);
        assert_eq!(batch.is_ok(), all_ok, "batch vs its columns: {batch:?}");
    }
});
