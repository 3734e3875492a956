//! A tampered harness: the generator talks to the door directly and lies. Every lie is caught
//! by the host before a byte is read, and named.

use sdg::sandbox::{BufferKind, ColumnType, RegionError, SandboxError, Violation};

use crate::support::*;

/// Code that sends `frame` (a Python expression building a dict) straight through the door once
/// the harness has called `begin`, then returns a valid column.
fn lying(frame: &str) -> String {
    format!(
        "import json, _host\nimport numpy as np\ndef generate_data(num_samples, seed):\n    a = np.zeros(num_samples)\n    ptr = a.__array_interface__['data'][0]\n    _host.call(json.dumps({frame}).encode())\n    return a\n"
    )
}

fn bad_result(code: &str, rows: u64) -> Violation {
    match stop(run_x(code, rows)) {
        SandboxError::BadResult { violation } => violation,
        other => panic!("expected BadResult, got {other:?}"),
    }
}

fn column(values: &str, len: &str) -> String {
    format!(
        "{{'op': 'column', 'index': 0, 'name': 'x', 'dtype': 'float64', 'len': {len}, 'null_count': 0, 'values': {values}, 'validity': None, 'offsets': None}}"
    )
}

#[test]
fn pointer_past_the_end_of_memory() {
    let r = bad_result(
        &lying(&column("[4294967000, 8 * num_samples]", "num_samples")),
        100,
    );
    match r {
        Violation::BufferRegion {
            column,
            buffer: BufferKind::Values,
            region: RegionError::OutsideMemory { start, end, size },
        } => {
            assert_eq!(column, "x");
            assert_eq!((start, end), (4_294_967_000, 4_294_967_800));
            assert!(size < end, "{size}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn pointer_and_length_that_overflow() {
    let r = bad_result(&lying(&column("[2**64 - 8, 16]", "num_samples")), 2);
    assert_eq!(
        r,
        Violation::BufferRegion {
            column: "x".into(),
            buffer: BufferKind::Values,
            region: RegionError::Overflow {
                ptr: u64::MAX - 7,
                len: 16
            },
        }
    );
}

#[test]
fn length_that_lies_about_rows() {
    let r = bad_result(
        &lying(&column("[ptr, 8 * num_samples]", "num_samples + 1")),
        10,
    );
    assert_eq!(
        r,
        Violation::RowCount {
            column: "x".into(),
            got: 11,
            want: 10
        }
    );
    let r = bad_result(&lying(&column("[ptr, 4 * num_samples]", "num_samples")), 10);
    assert_eq!(
        r,
        Violation::BufferSize {
            column: "x".into(),
            buffer: BufferKind::Values,
            rows: 10,
            got: 40,
            want: 80
        }
    );
}

#[test]
fn dtype_that_lies() {
    let frame = "{'op': 'column', 'index': 0, 'name': 'x', 'dtype': 'int64', 'len': num_samples, 'null_count': 0, 'values': [ptr, 8 * num_samples], 'validity': None, 'offsets': None}";
    let r = bad_result(&lying(frame), 4);
    assert_eq!(
        r,
        Violation::DtypeMismatch {
            column: "x".into(),
            got: ColumnType::Int64,
            want: ColumnType::Float64
        }
    );
}

#[test]
fn nulls_in_a_non_nullable_column() {
    let frame = "{'op': 'column', 'index': 0, 'name': 'x', 'dtype': 'float64', 'len': num_samples, 'null_count': 2, 'values': [ptr, 8 * num_samples], 'validity': [ptr, 1], 'offsets': None}";
    let r = bad_result(&lying(frame), 4);
    assert_eq!(
        r,
        Violation::NullsNotAllowed {
            column: "x".into(),
            nulls: 2
        }
    );
}

#[test]
fn wrong_column_name_or_order() {
    let frame = "{'op': 'column', 'index': 0, 'name': 'y', 'dtype': 'float64', 'len': num_samples, 'null_count': 0, 'values': [ptr, 8 * num_samples], 'validity': None, 'offsets': None}";
    let r = bad_result(&lying(frame), 4);
    assert_eq!(
        r,
        Violation::ColumnOutOfPlace {
            index: 0,
            name: "y".into(),
            due_index: 0,
            due_name: "x".into()
        }
    );
}

#[test]
fn frames_out_of_order() {
    let r = bad_result(&lying("{'op': 'hello', 'protocol': 1}"), 4);
    assert_eq!(
        r,
        Violation::OutOfOrder {
            op: "hello",
            stage: "generating"
        }
    );
    let r = bad_result(&lying("{'op': 'done', 'columns': 1}"), 4);
    assert_eq!(
        r,
        Violation::EarlyDone {
            received: 0,
            expected: 1,
            claimed: 1
        }
    );
}

#[test]
fn unknown_fields_and_garbage_frames() {
    let r = bad_result(&lying("{'op': 'begin', 'extra': 1}"), 4);
    assert!(matches!(r, Violation::UnreadableFrame { .. }), "{r:?}");
    let code = "import _host\ndef generate_data(num_samples, seed):\n    _host.call(b'\\xff\\xfe not json')\n";
    let r = bad_result(code, 4);
    assert!(matches!(r, Violation::UnreadableFrame { .. }), "{r:?}");
}

#[test]
fn oversized_frame() {
    let code =
        "import _host\ndef generate_data(num_samples, seed):\n    _host.call(b' ' * (2 << 20))\n";
    let r = bad_result(code, 4);
    assert_eq!(
        r,
        Violation::FrameTooLarge {
            bytes: 2 << 20,
            limit: 1 << 20
        }
    );
}

#[test]
fn frame_flood() {
    let code = "import _host\ndef generate_data(num_samples, seed):\n    while True:\n        _host.call(b'{\"op\": \"begin\"}')\n";
    // The second `begin` is already out of order; the flood never gets far.
    let r = bad_result(code, 4);
    assert_eq!(
        r,
        Violation::OutOfOrder {
            op: "begin",
            stage: "generating"
        }
    );
}

#[test]
fn the_frame_limit_is_reachable_and_named() {
    // An honest run sends hello, code, begin, one column per output, done: 5 frames here.
    let mut req = request(SEED_CODE, vec![float("x"), float("y")], 10);
    req.limits.max_frames = 5;
    match stop(run(&req)) {
        SandboxError::BadResult {
            violation: Violation::TooManyFrames { limit },
        } => assert_eq!(limit, 5),
        other => panic!("{other:?}"),
    }
    req.limits.max_frames = 6;
    assert_eq!(run(&req).unwrap().columns.len(), 2);
}

#[test]
fn result_size_cap() {
    let mut req = request(SEED_CODE, vec![float("x"), float("y")], 100_000);
    req.limits.result_bytes = 1_000_000;
    match stop(run(&req)) {
        SandboxError::ResultLimit { limit, requested } => {
            assert_eq!(limit, 1_000_000);
            assert_eq!(requested, 1_600_000);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn utf8_offsets_that_lie_are_refused_when_building_arrays() {
    use sdg::columns::{to_batch, ColumnError, ColumnProblem};
    // Offsets that decrease: sizes are right, so the door copies; the array builder refuses.
    // The generator forges the column and `done`, then swaps the door for a no-op so the
    // harness's own frames go nowhere and the run ends "successfully" with the forged column.
    let code = "import json, _host\nimport numpy as np\ndef generate_data(num_samples, seed):\n    data = np.frombuffer(b'abcdef', dtype=np.uint8)\n    off = np.array([0, 4, 2, 6], dtype=np.int32)\n    d = data.__array_interface__['data'][0]\n    o = off.__array_interface__['data'][0]\n    _host.call(json.dumps({'op': 'column', 'index': 0, 'name': 's', 'dtype': 'utf8', 'len': 3, 'null_count': 0, 'values': [d, 6], 'validity': None, 'offsets': [o, 16]}).encode())\n    _host.call(b'{\"op\": \"done\", \"columns\": 1}')\n    _host.call = lambda frame: b'{}'\n    return ['a', 'b', 'c']\n";
    let specs = vec![col("s", ColumnType::Utf8)];
    let out = run(&request(code, specs.clone(), 3)).unwrap();
    match to_batch(out.columns, &specs) {
        Err(ColumnError::BadColumn { column, problem }) => {
            assert_eq!(column, "s");
            assert_eq!(
                problem,
                ColumnProblem::OffsetsDecrease {
                    row: 1,
                    from: 4,
                    to: 2
                }
            );
        }
        other => panic!("{other:?}"),
    }
}
