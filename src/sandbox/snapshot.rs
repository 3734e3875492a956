//! The start-up snapshot: `python.wasm` instantiated once, its interpreter started and the
//! harness (definitions and `import numpy`, `guest/harness.py`) run, then memory and globals
//! captured by wasmtime-wizer into a new module whose data segments *are* that state. Every run
//! instantiates the snapshot (copy-on-write, well under a millisecond) and only calls the
//! harness's entry point, instead of paying ~250 ms of interpreter start-up and imports.
//!
//! The snapshot is built from trusted inputs only (the pinned runtime and our harness, never
//! approved code), with fixed entropy (seed 0) and a fresh virtual clock, so it is the same
//! bytes on every machine: runs stay reproducible. The door is linked but refuses every call
//! while the snapshot is taken. `_initialize` is removed from the snapshot's exports, which is
//! how [`super::Sandbox::new`] tells a snapshot from the raw runtime.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Instance, Module, Store, Val};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wizer::{InstanceState, SnapshotVal, ValType, Wizer};

use super::clock::VirtualClock;
use super::door::Door;
use super::error::SandboxError;
use super::limits::{MemoryCap, RunLimits};
use super::protocol::HARNESS;
use super::run::{linker, wasi_ctx, Guest};
use super::runtime::Runtime;

/// Bumped when the way the snapshot is built changes (part of the cache key).
pub const SNAPSHOT_FORMAT: u32 = 1;

/// A digest of everything the snapshot depends on besides the runtime and the engine.
pub fn digest() -> String {
    let mut h = Sha256::new();
    h.update(SNAPSHOT_FORMAT.to_le_bytes());
    h.update(HARNESS.as_bytes());
    hex::encode(h.finalize())
}

struct State<'a> {
    store: &'a mut Store<Guest>,
    instance: Instance,
}

impl InstanceState for State<'_> {
    async fn global_get(&mut self, name: &str, _: ValType) -> SnapshotVal {
        let global = self
            .instance
            .get_global(&mut *self.store, name)
            .expect("wizer asks only for globals its instrumentation exported");
        match global.get(&mut *self.store) {
            Val::I32(x) => SnapshotVal::I32(x),
            Val::I64(x) => SnapshotVal::I64(x),
            Val::F32(x) => SnapshotVal::F32(x),
            Val::F64(x) => SnapshotVal::F64(x),
            Val::V128(x) => SnapshotVal::V128(x.as_u128()),
            other => panic!("unsupported global type in the snapshot: {other:?}"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        let memory = self
            .instance
            .get_memory(&mut *self.store, name)
            .expect("wizer asks only for memories its instrumentation exported");
        contents(memory.data(&*self.store))
    }
}

/// Drives a future that never waits (wizer's snapshot over an in-memory instance).
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

/// Builds the snapshot module's bytes from `wasm` (the pinned, already verified `python.wasm`).
pub fn build(engine: &Engine, rt: &Runtime, wasm: &[u8]) -> Result<Vec<u8>, SandboxError> {
    let failed = |what: &'static str| move |e| SandboxError::engine(what, e);
    let wizer = Wizer::new();
    let (cx, instrumented) = wizer
        .instrument(wasm)
        .map_err(failed("instrumenting python.wasm for the snapshot"))?;
    let module = Module::new(engine, &instrumented)
        .map_err(failed("compiling python.wasm for the snapshot"))?;
    drop(instrumented);
    let limits = RunLimits::default();
    let stdout = MemoryOutputPipe::new(limits.output_bytes);
    let stderr = MemoryOutputPipe::new(limits.output_bytes);
    let clock = VirtualClock::default();
    let wasi = wasi_ctx(rt, 0, stdout, stderr.clone(), &clock)?;
    // The door has nothing to give while the snapshot is taken: the harness only defines and
    // imports; a `host::call` now would be refused like any out-of-order frame.
    let door = Door::new("", "", &[], 0, 0, &limits)?;
    let mut store = Store::new(
        engine,
        Guest {
            wasi,
            cap: MemoryCap::new(&limits),
            clock,
            door,
        },
    );
    store.limiter(|g| &mut g.cap);
    store
        .set_fuel(limits.fuel)
        .map_err(failed("setting fuel for the snapshot"))?;
    store.set_epoch_deadline(u64::MAX / 2);
    let instance = linker(engine)?
        .instantiate(&mut store, &module)
        .map_err(failed("instantiating python.wasm for the snapshot"))?;
    let run = (|| -> wasmtime::Result<i32> {
        if let Some(init) = instance.get_func(&mut store, "_initialize") {
            init.typed::<(), ()>(&store)?.call(&mut store, ())?;
        }
        let alloc = instance.get_typed_func::<i32, i32>(&mut store, "host_alloc")?;
        let turn = instance.get_typed_func::<(i32, i32), i32>(&mut store, "turn")?;
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| wasmtime::format_err!("the runtime exports no memory"))?;
        let code = HARNESS.as_bytes();
        let n = i32::try_from(code.len())?;
        let p = alloc.call(&mut store, n)?;
        memory.write(&mut store, usize::try_from(p.cast_unsigned())?, code)?;
        turn.call(&mut store, (p, n))
    })();
    let err_text = || String::from_utf8_lossy(&stderr.contents()).into_owned();
    match run {
        Ok(0) if store.data().door.stop.is_none() => {}
        Ok(status) => {
            return Err(SandboxError::Engine {
                during: "running the harness for the snapshot",
                message: format!("status {status}; stderr:\n{}", err_text()),
            })
        }
        Err(e) => {
            return Err(SandboxError::Engine {
                during: "running the harness for the snapshot",
                message: format!("{e:#}; stderr:\n{}", err_text()),
            })
        }
    }
    let mut state = State {
        store: &mut store,
        instance,
    };
    ready(wizer.snapshot(&cx, &mut state)).map_err(failed("taking the snapshot"))
}
