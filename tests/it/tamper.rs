//! A tampered harness: the generator talks to the door directly and lies. Every lie is caught
//! by the host before a byte is read, and named.

use sdg::sandbox::SandboxError;

use crate::support::*;

/// Code that sends `frame` (a Python expression building a dict) straight through the door once
/// the harness has called `begin`, then returns a valid column.
fn lying(frame: &str) -> String {
    format!(
        "import json, _host\nimport numpy as np\ndef generate_data(num_samples, seed):\n    a = np.zeros(num_samples)\n    ptr = a.__array_interface__['data'][0]\n    _host.call(json.dumps({frame}).encode())\n    return a\n"
    )
}

fn bad_result(code: &str, rows: u64) -> String {
    match stop(run_x(code, rows)) {
        SandboxError::BadResult { reason } => reason,
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
    assert!(r.contains("outside guest memory"), "{r}");
}

#[test]
fn pointer_and_length_that_overflow() {
    let r = bad_result(&lying(&column("[2**64 - 8, 16]", "num_samples")), 2);
    assert!(r.contains("overflows"), "{r}");
}

#[test]
fn length_that_lies_about_rows() {
    let r = bad_result(
        &lying(&column("[ptr, 8 * num_samples]", "num_samples + 1")),
        10,
    );
    assert!(r.contains("11 rows; the contract asked for 10"), "{r}");
    let r = bad_result(&lying(&column("[ptr, 4 * num_samples]", "num_samples")), 10);
    assert!(r.contains("values buffer is 40 bytes"), "{r}");
}

#[test]
fn dtype_that_lies() {
    let frame = "{'op': 'column', 'index': 0, 'name': 'x', 'dtype': 'int64', 'len': num_samples, 'null_count': 0, 'values': [ptr, 8 * num_samples], 'validity': None, 'offsets': None}";
    let r = bad_result(&lying(frame), 4);
    assert!(r.contains("is int64; the contract says float64"), "{r}");
}

#[test]
fn nulls_in_a_non_nullable_column() {
    let frame = "{'op': 'column', 'index': 0, 'name': 'x', 'dtype': 'float64', 'len': num_samples, 'null_count': 2, 'values': [ptr, 8 * num_samples], 'validity': [ptr, 1], 'offsets': None}";
    let r = bad_result(&lying(frame), 4);
    assert!(r.contains("not nullable"), "{r}");
}

#[test]
fn wrong_column_name_or_order() {
    let frame = "{'op': 'column', 'index': 0, 'name': 'y', 'dtype': 'float64', 'len': num_samples, 'null_count': 0, 'values': [ptr, 8 * num_samples], 'validity': None, 'offsets': None}";
    let r = bad_result(&lying(frame), 4);
    assert!(r.contains("`y` arrived where #0 `x` was due"), "{r}");
}

#[test]
fn frames_out_of_order() {
    let r = bad_result(&lying("{'op': 'hello', 'protocol': 1}"), 4);
    assert!(r.contains("`hello` frame out of order"), "{r}");
    let r = bad_result(&lying("{'op': 'done', 'columns': 1}"), 4);
    assert!(r.contains("`done` after 0 of 1 columns"), "{r}");
}

#[test]
fn unknown_fields_and_garbage_frames() {
    let r = bad_result(&lying("{'op': 'begin', 'extra': 1}"), 4);
    assert!(r.contains("unreadable frame"), "{r}");
    let code = "import _host\ndef generate_data(num_samples, seed):\n    _host.call(b'\\xff\\xfe not json')\n";
    let r = bad_result(code, 4);
    assert!(r.contains("unreadable frame"), "{r}");
}

#[test]
fn oversized_frame() {
    let code =
        "import _host\ndef generate_data(num_samples, seed):\n    _host.call(b' ' * (2 << 20))\n";
    let r = bad_result(code, 4);
    assert!(r.contains("exceeds the 1048576-byte frame limit"), "{r}");
}

#[test]
fn frame_flood() {
    let code = "import _host\ndef generate_data(num_samples, seed):\n    while True:\n        _host.call(b'{\"op\": \"begin\"}')\n";
    // The second `begin` is already out of order; the flood never gets far.
    let r = bad_result(code, 4);
    assert!(r.contains("out of order"), "{r}");
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
    use sdg::columns::{to_batch, ColumnError};
    use sdg::sandbox::ColumnType;
    // Offsets that decrease: sizes are right, so the door copies; the array builder refuses.
    let code = "import json, _host\nimport numpy as np\ndef generate_data(num_samples, seed):\n    data = np.frombuffer(b'abcdef', dtype=np.uint8)\n    off = np.array([0, 4, 2, 6], dtype=np.int32)\n    d = data.__array_interface__['data'][0]\n    o = off.__array_interface__['data'][0]\n    _host.call(json.dumps({'op': 'column', 'index': 0, 'name': 's', 'dtype': 'utf8', 'len': 3, 'null_count': 0, 'values': [d, 6], 'validity': None, 'offsets': [o, 16]}).encode())\n    _host.call(b'{\"op\": \"done\", \"columns\": 1}')\n    raise SystemExit(0)\n";
    let specs = vec![col("s", ColumnType::Utf8)];
    let req = request(code, specs.clone(), 3);
    let out = run(&req);
    // The forged `done` completes the protocol; then the SystemExit is a frame after the end.
    match out {
        Ok(out) => match to_batch(out.columns, &specs) {
            Err(ColumnError::BadColumn { reason, .. }) => {
                assert!(reason.contains("decrease"), "{reason}")
            }
            other => panic!("{other:?}"),
        },
        Err(SandboxError::BadResult { reason }) => {
            assert!(reason.contains("after the run ended"), "{reason}")
        }
        Err(other) => panic!("{other:?}"),
    }
}
