//! Fuzz target: sequences of door frames (the bytes a guest passes to `host::call`) against the
//! real door, behind a tiny wasm module with a 64 KiB memory the input fills.
//!
//! Frames are raw bytes, lying pointers/lengths, or well-formed JSON frames with fuzzed fields
//! (so the protocol-order and header checks are reached, not only the JSON parser).
//! Asserts: no panic; a stopped run always has a recorded reason and stays stopped; the door
//! accepts `hello`/`code`/`begin`/`done` exactly when an independent model of the protocol order
//! allows them; a finished run holds one column per output, in order, of the contract's type and
//! length; and every column that `columns::to_array` accepts satisfies `invariants.rs`.
#![no_main]

#[path = "../invariants.rs"]
#[allow(dead_code)] // `well_formed` is column_build's oracle
mod invariants;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sdg::sandbox::fuzzing::{FrameOutcome, FuzzDoor, MEMORY_BYTES};
use sdg::sandbox::{ColumnSpec, ColumnType, RunLimits, TimeUnit, PROTOCOL_VERSION};
use serde_json::{json, Value};

/// Frames are written here; the memory image below it.
const FRAME_AT: usize = 49152;

#[derive(Arbitrary, Debug)]
struct OutSpec {
    dtype: u8,
    nullable: bool,
    ncat: u8,
    unit: u8,
}

#[derive(Arbitrary, Debug)]
enum RegionIn {
    Small { ptr: u16, len: u16 },
    Raw { ptr: u64, len: u64 },
    Negative,
}

#[derive(Arbitrary, Debug)]
enum FrameIn {
    Raw(Vec<u8>),
    Lying {
        ptr: u32,
        len: u32,
    },
    Hello {
        protocol: Option<u32>,
    },
    Code {
        extra: bool,
    },
    Begin {
        extra: bool,
    },
    Column {
        index: Option<u32>,
        name: Option<String>,
        dtype: Option<u8>,
        len: Option<u64>,
        null_count: u64,
        values: RegionIn,
        validity: Option<RegionIn>,
        offsets: Option<RegionIn>,
    },
    Error {
        exc_type: String,
        message: String,
        traceback: String,
    },
    Done {
        columns: Option<u32>,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    outputs: Vec<OutSpec>,
    rows: u8,
    memory: Vec<u8>,
    frames: Vec<FrameIn>,
}

const TYPES: [ColumnType; 6] = [
    ColumnType::Float64,
    ColumnType::Int64,
    ColumnType::Bool,
    ColumnType::Utf8,
    ColumnType::Timestamp,
    ColumnType::Category,
];

fn spec(i: usize, o: &OutSpec) -> ColumnSpec {
    let dtype = TYPES[usize::from(o.dtype) % TYPES.len()];
    ColumnSpec {
        name: format!("c{i}"),
        dtype,
        nullable: o.nullable,
        categories: if dtype == ColumnType::Category {
            (0..=o.ncat % 4).map(|k| format!("k{k}")).collect()
        } else {
            vec![]
        },
        unit: (dtype == ColumnType::Timestamp).then(|| {
            [TimeUnit::S, TimeUnit::Ms, TimeUnit::Us, TimeUnit::Ns][usize::from(o.unit % 4)]
        }),
    }
}

fn region(r: &RegionIn) -> Value {
    match *r {
        RegionIn::Small { ptr, len } => json!([ptr, len]),
        RegionIn::Raw { ptr, len } => json!([ptr, len]),
        RegionIn::Negative => json!([-1, 8]),
    }
}

/// The protocol order, restated: which of the header-only frames the door may accept now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    Start,
    Greeted,
    CodeSent,
    Generating,
    Done,
    Stopped,
}

/// The stage after the door accepted a frame with operation `op`, or `None` if the protocol
/// order forbids `op` in `stage`.
fn advance(stage: Model, op: &str) -> Option<Model> {
    match (stage, op) {
        (Model::Start, "hello") => Some(Model::Greeted),
        (Model::Greeted, "code") => Some(Model::CodeSent),
        (Model::CodeSent, "begin") => Some(Model::Generating),
        (Model::Generating, "column") => Some(Model::Generating),
        (Model::Generating, "done") => Some(Model::Done),
        (Model::CodeSent | Model::Generating, "error") => Some(Model::Stopped),
        _ => None,
    }
}

/// Room for a frame at `FRAME_AT`.
const FRAME_ROOM: usize = MEMORY_BYTES - FRAME_AT;

fuzz_target!(|input: Input| {
    let specs: Vec<ColumnSpec> = input
        .outputs
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, o)| spec(i, o))
        .collect();
    let rows = u64::from(input.rows % 64);
    let limits = RunLimits::default();
    let mut door = FuzzDoor::new(&specs, rows, &limits).expect("fuzzing door");
    door.write(0, &input.memory[..input.memory.len().min(FRAME_AT)]);
    let mut model = Model::Start;
    for f in input.frames.iter().take(64) {
        // The frame's bytes and whether the model says the door must accept them.
        let (bytes, must_accept): (Option<Vec<u8>>, bool) = match f {
            FrameIn::Raw(bytes) => (Some(bytes.clone()), false),
            FrameIn::Lying { .. } => (None, false),
            FrameIn::Hello { protocol } => {
                let p = protocol.unwrap_or(PROTOCOL_VERSION);
                let frame = json!({"op": "hello", "protocol": p});
                (
                    Some(frame.to_string().into_bytes()),
                    model == Model::Start && p == PROTOCOL_VERSION,
                )
            }
            FrameIn::Code { extra } => {
                let frame = if *extra {
                    json!({"op": "code", "x": 1})
                } else {
                    json!({"op": "code"})
                };
                (
                    Some(frame.to_string().into_bytes()),
                    model == Model::Greeted && !extra,
                )
            }
            FrameIn::Begin { extra } => {
                let frame = if *extra {
                    json!({"op": "begin", "x": 1})
                } else {
                    json!({"op": "begin"})
                };
                (
                    Some(frame.to_string().into_bytes()),
                    model == Model::CodeSent && !extra,
                )
            }
            FrameIn::Column {
                index,
                name,
                dtype,
                len,
                null_count,
                values,
                validity,
                offsets,
            } => {
                let due = door.columns().len();
                let dtype = dtype.map_or_else(
                    || specs.get(due).map_or("float64", |s| s.dtype.name()),
                    |d| TYPES[usize::from(d) % TYPES.len()].name(),
                );
                let frame = json!({
                    "op": "column",
                    "index": index.unwrap_or(due as u32),
                    "name": name.clone().unwrap_or_else(|| format!("c{due}")),
                    "dtype": dtype,
                    "len": len.unwrap_or(rows),
                    "null_count": null_count,
                    "values": region(values),
                    "validity": validity.as_ref().map(region),
                    "offsets": offsets.as_ref().map(region),
                });
                (Some(frame.to_string().into_bytes()), false)
            }
            FrameIn::Error {
                exc_type,
                message,
                traceback,
            } => {
                let frame = json!({"op": "error", "exc_type": exc_type, "message": message,
                                   "traceback": traceback});
                let b = frame.to_string().into_bytes();
                let ok =
                    matches!(model, Model::CodeSent | Model::Generating) && b.len() <= FRAME_ROOM;
                (Some(b), ok)
            }
            FrameIn::Done { columns } => {
                let n = columns.unwrap_or(specs.len() as u32);
                let frame = json!({"op": "done", "columns": n});
                let ok = model == Model::Generating
                    && n as usize == specs.len()
                    && door.columns().len() == specs.len();
                (Some(frame.to_string().into_bytes()), ok)
            }
        };
        let before = door.columns().len();
        let (outcome, sent) = match (&bytes, f) {
            (Some(b), _) => (door.send(FRAME_AT, b), b.clone()),
            (None, FrameIn::Lying { ptr, len }) => {
                // What the door will read, taken before its answer can overwrite it.
                let (p, n) = (*ptr as usize, *len as usize);
                let sent = door
                    .memory()
                    .get(p..p.saturating_add(n))
                    .map(<[u8]>::to_vec);
                (door.send_at(*ptr, *len), sent.unwrap_or_default())
            }
            (None, _) => unreachable!("only lying frames have no bytes"),
        };
        match outcome {
            FrameOutcome::Accepted => {
                let v: Value = serde_json::from_slice(&sent).expect("an accepted frame is JSON");
                let op = v["op"].as_str().expect("an accepted frame has an op");
                model = advance(model, op)
                    .unwrap_or_else(|| panic!("door accepted `{op}` in stage {model:?}: {f:?}"));
                let added = door.columns().len() - before;
                assert_eq!(
                    added,
                    usize::from(op == "column"),
                    "columns kept for `{op}`"
                );
            }
            FrameOutcome::Stopped(reason) => {
                assert!(reason.is_some(), "stopped without a recorded reason");
                assert!(
                    !must_accept,
                    "door refused {f:?} in stage {model:?}: {reason:?}"
                );
                assert_eq!(
                    door.columns().len(),
                    before,
                    "a refused frame kept a column"
                );
                model = Model::Stopped;
            }
        }
    }
    assert_eq!(door.finished(), model == Model::Done, "finished vs model");
    if door.finished() {
        assert_eq!(
            door.columns().len(),
            specs.len(),
            "finished with the wrong column count"
        );
    }
    for (col, spec) in door.columns().iter().zip(&specs) {
        assert_eq!(col.name, spec.name);
        assert_eq!(col.dtype, spec.dtype);
        assert_eq!(col.len as u64, rows);
        assert!(col.null_count <= col.len);
        assert!(spec.nullable || col.null_count == 0);
        if let Some(w) = spec.dtype.width() {
            assert_eq!(
                col.values.len() as u64,
                rows * w,
                "values size from the contract"
            );
        }
        if let Ok(array) = sdg::columns::to_array(col.clone(), spec) {
            invariants::check_accepted(&array, col, spec);
        }
    }
    assert!(door.columns().len() <= specs.len());
    if door.finished() {
        if let Ok(batch) = sdg::columns::to_batch(door.columns().to_vec(), &specs) {
            assert_eq!(batch.num_columns(), specs.len());
        }
    }
});
