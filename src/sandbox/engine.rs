//! The process-wide wasmtime engine and its epoch ticker.
//!
//! One engine serves every run: compiled code is shared and each run gets a fresh store. The
//! settings below are part of the `.cwasm` cache key, so changing one recompiles once.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use wasmtime::{Config, Engine, OptLevel};

use super::error::SandboxError;
use super::limits::{EPOCH_TICK, MAX_WASM_STACK};

/// The wasmtime release sdg is built against (checked against Cargo.lock by a test).
pub const WASMTIME_VERSION: &str = "48.0.8";

fn config() -> Config {
    let mut c = Config::new();
    // CPython-on-WASI is built with wasm exception handling (C++ in numpy/scipy deps).
    c.wasm_exceptions(true);
    // Fuel makes runs deterministic to stop and lets audits compare instruction counts.
    c.consume_fuel(true);
    // Epochs give a wall-clock deadline without touching the guest's determinism.
    c.epoch_interruption(true);
    c.max_wasm_stack(MAX_WASM_STACK);
    c.async_stack_size(MAX_WASM_STACK * 2);
    // Fresh instances map the 40 MB initial heap copy-on-write instead of copying it.
    c.memory_init_cow(true);
    c.cranelift_opt_level(OptLevel::Speed);
    c.parallel_compilation(true);
    c
}

static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();

/// The shared engine; starts the epoch ticker the first time.
pub fn engine() -> Result<&'static Engine, SandboxError> {
    ENGINE
        .get_or_init(|| {
            let engine = Engine::new(&config()).map_err(|e| format!("{e:#}"))?;
            let ticker = engine.clone();
            std::thread::Builder::new()
                .name("sdg-epoch".into())
                .spawn(move || loop {
                    std::thread::sleep(EPOCH_TICK);
                    ticker.increment_epoch();
                })
                .map_err(|e| format!("cannot start the epoch ticker: {e}"))?;
            Ok(engine)
        })
        .as_ref()
        .map_err(|m| SandboxError::Engine {
            during: "creating the engine",
            message: m.clone(),
        })
}

/// A short, stable digest of the engine settings that affect compiled code.
pub fn settings_digest(engine: &Engine) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn wasmtime_version_matches_lockfile() {
        let lock = include_str!("../../Cargo.lock");
        let pos = lock
            .find("name = \"wasmtime\"\nversion = \"")
            .expect("wasmtime in Cargo.lock");
        let rest = &lock[pos + "name = \"wasmtime\"\nversion = \"".len()..];
        let v = &rest[..rest.find('"').unwrap()];
        assert_eq!(v, super::WASMTIME_VERSION);
    }
}
