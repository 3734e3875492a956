//! Every limit of `RunLimits` that no other test reaches is reached here, and each stop is named
//! precisely: the start-up deadline, the stderr cap, a guest exit, the table and instance caps.

use std::time::Duration;

use sdg::sandbox::{Phase, SandboxError, Stream, TrapKind};

use crate::support::*;

fn healthy_afterwards() {
    let out = run_x(&SEED_CODE.replace("return x, y", "return x"), 10).unwrap();
    assert_eq!(out.columns[0].len, 10);
}

#[test]
fn start_up_past_its_deadline_is_a_startup_deadline() {
    // A zero start-up budget has passed before the harness's first frame: the host refuses that
    // frame (it checks the phase's deadline at every frame as well as every epoch tick).
    let mut req = request(SEED_CODE, vec![float("x"), float("y")], 10);
    req.limits.startup_timeout = Duration::ZERO;
    match stop(run(&req)) {
        SandboxError::Deadline { phase, limit } => {
            assert_eq!(phase, Phase::Startup);
            assert_eq!(limit, Duration::ZERO);
        }
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

#[test]
fn stderr_floods_hit_the_stderr_cap() {
    for code in [
        // Through Python's text stream, in the function.
        "import sys\ndef generate_data(num_samples, seed):\n    while True:\n        sys.stderr.write('x' * 1000)\n",
        // Straight to the file descriptor, in one write larger than the cap.
        "import os\ndef generate_data(num_samples, seed):\n    os.write(2, b'x' * (2 << 20))\n",
        // At the module's top level.
        "import sys\nwhile True:\n    sys.stderr.write('y' * 4096)\ndef generate_data(num_samples, seed):\n    return [0.0] * num_samples\n",
    ] {
        let mut req = request(code, vec![float("x")], 3);
        req.limits.output_bytes = 64 << 10;
        match stop(run(&req)) {
            SandboxError::OutputLimit { stream, limit } => {
                assert_eq!(stream, Stream::Stderr, "{code}");
                assert_eq!(limit, 64 << 10);
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    healthy_afterwards();
}

#[test]
fn a_process_exit_is_a_guest_exit_with_its_status() {
    for (code, status) in [
        (
            "import os\ndef generate_data(num_samples, seed):\n    os._exit(3)\n",
            3,
        ),
        ("import os\nos._exit(7)\n", 7),
        (
            "import posix\ndef generate_data(num_samples, seed):\n    posix._exit(0)\n",
            0,
        ),
    ] {
        match stop(run_x(code, 3)) {
            SandboxError::GuestExit { code: got } => assert_eq!(got, status, "{code}"),
            other => panic!("{code}: {other:?}"),
        }
    }
    healthy_afterwards();
}

#[test]
fn raising_system_exit_is_a_python_exception_not_an_exit() {
    // The harness catches BaseException: `SystemExit` is reported like any exception.
    for code in [
        "def generate_data(num_samples, seed):\n    raise SystemExit(3)\n",
        "raise SystemExit(3)\n",
    ] {
        let p = exception(run_x(code, 3));
        assert_eq!(p.exc_type, "SystemExit", "{code}");
        assert_eq!(p.message, "3", "{code}");
    }
}

#[test]
fn a_table_cap_below_the_runtime_s_table_is_a_named_trap() {
    let mut req = request(SEED_CODE, vec![float("x"), float("y")], 10);
    req.limits.table_elements = 1000;
    match stop(run(&req)) {
        SandboxError::GuestTrap {
            trap: TrapKind::TableLimit { limit, requested },
        } => {
            assert_eq!(limit, 1000);
            assert!(requested > 1000, "{requested}");
        }
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

#[test]
fn store_count_caps_stop_instantiation_by_name() {
    for (what, set) in [
        (
            "instances",
            (|l: &mut sdg::sandbox::RunLimits| l.instances = 0) as fn(&mut _),
        ),
        ("memories", |l| l.memories = 0),
        ("tables", |l| l.tables = 0),
    ] {
        let mut req = request(SEED_CODE, vec![float("x"), float("y")], 10);
        set(&mut req.limits);
        match stop(run(&req)) {
            SandboxError::GuestTrap {
                trap: TrapKind::Instantiation { .. },
            } => {}
            other => panic!("{what}: {other:?}"),
        }
    }
    healthy_afterwards();
}
