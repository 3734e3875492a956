//! Hostile generator code: each case ends with a precise, named outcome, and the host stays
//! healthy (a normal run succeeds afterwards in the same process).

use std::time::Duration;

use sdg::sandbox::{Phase, SandboxError, Stream};

use crate::support::*;

fn healthy_afterwards() {
    let out = run_x(&SEED_CODE.replace("return x, y", "return x"), 10).unwrap();
    assert_eq!(out.columns[0].len, 10);
}

#[test]
fn infinite_loop_hits_the_deadline() {
    let mut req = request(
        "def generate_data(num_samples, seed):\n    while True:\n        pass\n",
        vec![float("x")],
        10,
    );
    req.limits.time_limit = Duration::from_millis(300);
    match stop(run(&req)) {
        SandboxError::Deadline { phase, limit } => {
            assert_eq!(phase, Phase::Generation);
            assert_eq!(limit, Duration::from_millis(300));
        }
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

/// Runs `code` with a 1 s time limit and expects the generation deadline: everything the
/// approved code does runs under the contract's budget, not the 30 s start-up budget.
fn stopped_by_the_generation_deadline(code: &str) {
    let mut req = request(code, vec![float("x")], 10);
    req.limits.time_limit = Duration::from_secs(1);
    match stop(run(&req)) {
        SandboxError::Deadline { phase, limit } => {
            assert_eq!(phase, Phase::Generation, "{code}");
            assert_eq!(limit, Duration::from_secs(1), "{code}");
        }
        other => panic!("{code}: {other:?}"),
    }
}

const RETURNS: &str = "    return [0.0] * num_samples\n";

#[test]
fn a_top_level_loop_runs_under_the_generation_deadline() {
    stopped_by_the_generation_deadline(&format!(
        "while True:\n    pass\ndef generate_data(num_samples, seed):\n{RETURNS}"
    ));
    healthy_afterwards();
}

#[test]
fn a_top_level_huge_power_runs_under_the_generation_deadline() {
    // CPython does not fold powers this large at compile time: it computes them at run time.
    for constant in ["X = 10**10**8", "X = 7 ** (1 << 26)", "X = pow(10, 10**8)"] {
        stopped_by_the_generation_deadline(&format!(
            "{constant}\ndef generate_data(num_samples, seed):\n{RETURNS}"
        ));
    }
    healthy_afterwards();
}

#[test]
fn an_expensive_default_argument_runs_under_the_generation_deadline() {
    stopped_by_the_generation_deadline(&format!(
        "def generate_data(num_samples, seed, _x=10**10**8):\n{RETURNS}"
    ));
    stopped_by_the_generation_deadline(&format!(
        "def generate_data(num_samples, seed, *, _x=sum(range(10**12))):\n{RETURNS}"
    ));
    healthy_afterwards();
}

#[test]
fn a_looping_decorator_or_class_body_runs_under_the_generation_deadline() {
    stopped_by_the_generation_deadline(&format!(
        "def slow(f):\n    while True:\n        pass\n@slow\ndef generate_data(num_samples, seed):\n{RETURNS}"
    ));
    stopped_by_the_generation_deadline(&format!(
        "class Config:\n    n = sum(range(10**12))\ndef generate_data(num_samples, seed):\n{RETURNS}"
    ));
    stopped_by_the_generation_deadline(&format!(
        "@(lambda f: any(iter(int, 1)) or f)\ndef generate_data(num_samples, seed):\n{RETURNS}"
    ));
    healthy_afterwards();
}

#[test]
fn busy_loop_runs_out_of_fuel() {
    let mut req = request(
        "def generate_data(num_samples, seed):\n    i = 0\n    while True:\n        i += 1\n",
        vec![float("x")],
        10,
    );
    req.limits.time_limit = Duration::from_secs(600);
    req.limits.fuel = 8_000_000_000;
    match stop(run(&req)) {
        SandboxError::OutOfFuel { limit } => assert_eq!(limit, 8_000_000_000),
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

#[test]
fn huge_allocation_hits_the_memory_cap() {
    let mut req = request(
        "import numpy as np\ndef generate_data(num_samples, seed):\n    a = np.ones(200_000_000)\n    return a[:num_samples]\n",
        vec![float("x")],
        10,
    );
    req.limits.memory_bytes = 512 << 20;
    match stop(run(&req)) {
        SandboxError::MemoryLimit { limit, requested } => {
            assert_eq!(limit, 512 << 20);
            assert!(requested > limit, "{requested}");
        }
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

#[test]
fn eight_gib_bytearray_cannot_even_be_asked_for_on_wasm32() {
    // wasm32 addresses 4 GiB at most: CPython refuses the size before any allocation.
    let p = exception(run_x(
        "def generate_data(num_samples, seed):\n    b = bytearray(8 << 30)\n    return [0.0] * num_samples\n",
        3,
    ));
    assert_eq!(p.exc_type, "OverflowError", "{p:?}");
    assert!(p.traceback.contains("generator.py"), "{}", p.traceback);
    assert!(
        p.traceback.contains("bytearray(8 << 30)"),
        "{}",
        p.traceback
    );
}

#[test]
fn deep_recursion_is_stopped() {
    let mut req = request(
        "import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n    return f(n + 1) + 1\ndef generate_data(num_samples, seed):\n    return f(0)\n",
        vec![float("x")],
        3,
    );
    req.limits.memory_bytes = 1 << 30;
    req.limits.time_limit = Duration::from_secs(30);
    // Python-to-Python calls keep their frames on the heap (CPython 3.11+), not the C stack:
    // with the recursion limit lifted, the frames grow until the memory cap refuses them.
    match stop(run(&req)) {
        SandboxError::MemoryLimit { limit, requested } => {
            assert_eq!(limit, 1 << 30);
            assert!(requested > limit, "{requested}");
        }
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

#[test]
fn print_flood_hits_the_output_limit() {
    let e = stop(run_x(
        "def generate_data(num_samples, seed):\n    while True:\n        print('x' * 1000)\n",
        3,
    ));
    match e {
        SandboxError::OutputLimit { stream, limit } => {
            assert_eq!(stream, Stream::Stdout);
            assert_eq!(limit, 1 << 20);
        }
        other => panic!("{other:?}"),
    }
    healthy_afterwards();
}

/// Runs `body` (indented statements) in the generator inside `try`, and reports what it raised as
/// a `ValueError` whose message is "<exact type> <errno name>" (`-` when it has no errno), so
/// the assertion can name both exactly.
fn raised(imports: &str, body: &str) -> String {
    let code = format!(
        "import errno\n{imports}\ndef generate_data(num_samples, seed):\n    try:\n{body}\n    except BaseException as e:\n        n = getattr(e, 'errno', None)\n        raise ValueError(type(e).__name__ + ' ' + (errno.errorcode.get(n, str(n)) if n is not None else '-'))\n    raise ValueError('nothing raised')\n"
    );
    let p = exception(run_x(&code, 3));
    assert_eq!(p.exc_type, "ValueError", "{p:?}");
    p.message
}

#[test]
fn the_host_filesystem_is_not_there() {
    assert_eq!(
        raised("", "        open('/etc/passwd').read()"),
        "FileNotFoundError ENOENT"
    );
    assert_eq!(
        raised("import os", "        os.listdir('/')"),
        "FileNotFoundError ENOENT"
    );
}

#[test]
fn the_stdlib_folder_is_read_only() {
    // The only grant is the stdlib folder, and it is read-only: every way of writing is refused.
    for body in [
        "        open('/usr/local/lib/evil.py', 'w')",
        "        open('/usr/local/lib/python315.zip', 'r+b')",
        "        os.mkdir('/usr/local/lib/d')",
        "        os.remove('/usr/local/lib/python315.zip')",
    ] {
        assert_eq!(raised("import os", body), "PermissionError EPERM", "{body}");
    }
}

#[test]
fn sockets_are_refused() {
    assert_eq!(
        raised(
            "import socket",
            "        s = socket.socket()\n        s.connect(('127.0.0.1', 80))"
        ),
        "OSError ENOTSUP"
    );
}

#[test]
fn the_environment_holds_only_what_the_run_sets() {
    let p = exception(run_x(
        "import os\ndef generate_data(num_samples, seed):\n    raise ValueError(repr(sorted(os.environ.items())))\n",
        3,
    ));
    assert_eq!(p.exc_type, "ValueError");
    assert_eq!(p.message, "[('PYTHONHASHSEED', '0')]");
}

#[test]
fn subprocess_is_not_supported() {
    assert_eq!(
        raised("import subprocess", "        subprocess.run(['ls'])"),
        "OSError ENOTSUP"
    );
    assert_eq!(
        raised("import os", "        os.system('ls')"),
        "AttributeError -"
    );
}

#[test]
fn exceptions_carry_a_traceback_trimmed_to_the_generator() {
    let p = exception(run_x(
        "def helper(v):\n    return 1 / v\n\ndef generate_data(num_samples, seed):\n    return helper(0)\n",
        3,
    ));
    assert_eq!(p.exc_type, "ZeroDivisionError");
    assert_eq!(p.message, "division by zero");
    assert!(p.traceback.starts_with("Traceback"), "{}", p.traceback);
    assert!(
        p.traceback.contains("line 5, in generate_data"),
        "{}",
        p.traceback
    );
    assert!(p.traceback.contains("line 2, in helper"), "{}", p.traceback);
    assert!(
        !p.traceback.contains("_sdg_main"),
        "harness frames leak: {}",
        p.traceback
    );
}

#[test]
fn sys_exit_in_the_generator_is_reported() {
    let p = exception(run_x(
        "import sys\ndef generate_data(num_samples, seed):\n    sys.exit(3)\n",
        3,
    ));
    assert_eq!(p.exc_type, "SystemExit");
}

#[test]
fn syntax_errors_are_python_exceptions_with_position() {
    let p = exception(run_x(
        "def generate_data(num_samples, seed)\n    return 1\n",
        3,
    ));
    assert_eq!(p.exc_type, "SyntaxError");
    assert!(p.traceback.contains("line 1"), "{}", p.traceback);
}

#[test]
fn sleeping_costs_nothing_and_is_virtual() {
    // A sleep never blocks the host thread: the virtual clock moves instead.
    assert_eq!(limits().time_limit, Duration::from_secs(20));
    let out = run_x(
        "import time\nimport numpy as np\ndef generate_data(num_samples, seed):\n    t0 = time.monotonic()\n    time.sleep(3600)\n    return np.full(num_samples, time.monotonic() - t0)\n",
        1,
    )
    .unwrap();
    let slept = f64s(&out.columns[0].values)[0];
    assert!((3600.0..3601.0).contains(&slept), "{slept}");
    // No wall-clock assertion: the run finishing at all under the 20 s time limit (a real
    // hour-long sleep would have passed the deadline) is the proof the host did not sleep.
}
