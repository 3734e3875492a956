//! Shared set-up: one sandbox per test process, request builders, and outcome helpers.

use std::sync::OnceLock;
use std::time::Duration;

use sdg::sandbox::{
    self, runtime, ColumnSpec, ColumnType, RunLimits, RunOutput, RunRequest, Sandbox, SandboxError,
};

pub fn home() -> std::path::PathBuf {
    runtime::default_home()
}

pub fn sandbox() -> &'static Sandbox {
    static S: OnceLock<Sandbox> = OnceLock::new();
    S.get_or_init(|| {
        let source = runtime::InstallSource {
            wheel: None,
            dir: std::env::var_os("SDG_RUNTIME").map(Into::into),
            python: None,
        };
        let (s, _) = sandbox::open(&home(), &source, &mut |l| eprintln!("sdg: {l}"))
            .expect("the runtime installs and compiles (run `sdg runtime install` first)");
        s
    })
}

pub fn float(name: &str) -> ColumnSpec {
    col(name, ColumnType::Float64)
}

pub fn col(name: &str, dtype: ColumnType) -> ColumnSpec {
    ColumnSpec {
        name: name.into(),
        dtype,
        nullable: false,
        categories: vec![],
        unit: None,
    }
}

/// Limits for tests: the defaults with a time limit that tolerates a loaded CI machine.
pub fn limits() -> RunLimits {
    RunLimits {
        time_limit: Duration::from_secs(20),
        ..RunLimits::default()
    }
}

pub fn request(code: &str, outputs: Vec<ColumnSpec>, rows: u64) -> RunRequest {
    RunRequest {
        code: code.into(),
        function: "generate_data".into(),
        rows,
        seed: 42,
        outputs,
        limits: limits(),
    }
}

pub fn run(req: &RunRequest) -> Result<RunOutput, SandboxError> {
    sandbox().run(req)
}

/// Runs code with one float64 output `x` of `rows` rows.
pub fn run_x(code: &str, rows: u64) -> Result<RunOutput, SandboxError> {
    run(&request(code, vec![float("x")], rows))
}

/// The run's error, or a panic naming what came back instead.
pub fn stop(r: Result<RunOutput, SandboxError>) -> SandboxError {
    match r {
        Ok(o) => panic!(
            "expected a stop, got success (stdout {:?})",
            String::from_utf8_lossy(&o.stdout)
        ),
        Err(e) => e,
    }
}

/// The Python exception a run raised, or a panic.
pub fn exception(r: Result<RunOutput, SandboxError>) -> sandbox::PythonException {
    match stop(r) {
        SandboxError::PythonException(p) => *p,
        other => panic!("expected a Python exception, got {other:?}"),
    }
}

pub fn f64s(buf: &arrow::buffer::Buffer) -> Vec<f64> {
    buf.as_slice()
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

pub const SEED_CODE: &str = include_str!("../../specs/seed_linear.py");

/// A path inside the repository.
pub fn repo(p: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The `sdg` binary, with experiment records going to a per-process scratch folder (never the
/// repository's `experiments/`).
pub fn sdg() -> std::process::Command {
    static EXPERIMENTS: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = EXPERIMENTS.get_or_init(|| tempfile::tempdir().unwrap());
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sdg"));
    c.env("SDG_EXPERIMENTS", dir.path());
    c
}
