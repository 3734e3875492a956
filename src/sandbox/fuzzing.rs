//! A door without CPython, for fuzzing: the real `host::call` behind a tiny hand-assembled wasm
//! module, so frames and memory images can be thrown at the door's checks at thousands of runs a
//! second. Not part of the sandbox's API (hidden from the docs); used by `fuzz/` and the
//! boundary property tests.
//!
//! The module has one page (64 KiB) of linear memory, exports it with `host_alloc` (always
//! answering [`ANSWER_AT`]) and `frame(ptr, len)`, which calls `host::call(ptr, len,
//! OUT_PTR, OUT_LEN)`. Everything the door reads — frames and the regions they name — is in that
//! one page, which the caller fills at will.

use std::sync::OnceLock;

use wasmtime::{Engine, Linker, Memory, Module, Store, TypedFunc};

use super::door::{self, Door, GuestColumn, HasDoor};
use super::error::SandboxError;
use super::limits::RunLimits;
use super::protocol::ColumnSpec;

/// Size of the guest's linear memory (one wasm page).
pub const MEMORY_BYTES: usize = 65536;
/// Where `host_alloc` places the host's answers (the last 4 KiB, less the two out-words).
pub const ANSWER_AT: usize = 61440;

/// (module (import "host" "call" (func (param i32 i32 i32 i32) (result i32)))
///   (memory (export "memory") 1 1)
///   (func (export "host_alloc") (param i32) (result i32) i32.const 61440)
///   (func (export "frame") (param i32 i32) (result i32)
///     local.get 0 local.get 1 i32.const 65528 i32.const 65532 call 0))
#[rustfmt::skip]
const MODULE: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: (i32 i32 i32 i32) -> i32, (i32) -> i32, (i32 i32) -> i32
    0x01, 0x14, 0x03,
    0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f,
    0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
    // import host.call as func 0
    0x02, 0x0d, 0x01, 0x04, b'h', b'o', b's', b't', 0x04, b'c', b'a', b'l', b'l', 0x00, 0x00,
    // functions 1 and 2
    0x03, 0x03, 0x02, 0x01, 0x02,
    // memory: one page, max one page
    0x05, 0x04, 0x01, 0x01, 0x01, 0x01,
    // exports
    0x07, 0x1f, 0x03,
    0x06, b'm', b'e', b'm', b'o', b'r', b'y', 0x02, 0x00,
    0x0a, b'h', b'o', b's', b't', b'_', b'a', b'l', b'l', b'o', b'c', 0x00, 0x01,
    0x05, b'f', b'r', b'a', b'm', b'e', 0x00, 0x02,
    // code
    0x0a, 0x19, 0x02,
    0x06, 0x00, 0x41, 0x80, 0xe0, 0x03, 0x0b,
    0x10, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0xf8, 0xff, 0x03, 0x41, 0xfc, 0xff, 0x03, 0x10,
    0x00, 0x0b,
];

struct Guest {
    door: Door,
}

impl HasDoor for Guest {
    fn door(&mut self) -> &mut Door {
        &mut self.door
    }
}

struct Compiled {
    engine: Engine,
    module: Module,
    linker: Linker<Guest>,
}

fn compiled() -> Result<&'static Compiled, SandboxError> {
    static C: OnceLock<Result<Compiled, String>> = OnceLock::new();
    C.get_or_init(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, MODULE).map_err(|e| format!("{e:#}"))?;
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "host",
                "call",
                |mut caller: wasmtime::Caller<'_, Guest>, p: i32, n: i32, opp: i32, olp: i32| {
                    door::call(&mut caller, p, n, opp, olp)
                },
            )
            .map_err(|e| format!("{e:#}"))?;
        Ok(Compiled {
            engine,
            module,
            linker,
        })
    })
    .as_ref()
    .map_err(|m| SandboxError::Engine {
        during: "compiling the fuzzing door",
        message: m.clone(),
    })
}

/// One run's door over a 64 KiB memory the caller controls.
pub struct FuzzDoor {
    store: Store<Guest>,
    memory: Memory,
    frame: TypedFunc<(i32, i32), i32>,
}

/// What one frame did.
#[derive(Debug)]
pub enum FrameOutcome {
    /// The door accepted the frame.
    Accepted,
    /// The door stopped the run; `stop` is the reason it recorded (`None` only if the guest
    /// trapped for a reason of its own, which this module cannot do).
    Stopped(Option<SandboxError>),
}

impl FuzzDoor {
    /// A fresh door for a contract with `outputs` and `rows`, in stage "start".
    pub fn new(
        outputs: &[ColumnSpec],
        rows: u64,
        limits: &RunLimits,
    ) -> Result<FuzzDoor, SandboxError> {
        let c = compiled()?;
        let door = Door::new(
            "generate",
            "def generate(n, rng): ...\n",
            outputs,
            rows,
            0,
            limits,
        )?;
        let mut store = Store::new(&c.engine, Guest { door });
        let instance = c
            .linker
            .instantiate(&mut store, &c.module)
            .map_err(|e| SandboxError::engine("instantiating the fuzzing door", e))?;
        let memory = instance.get_memory(&mut store, "memory").ok_or_else(|| {
            SandboxError::engine("finding `memory`", "the fuzzing module exports no memory")
        })?;
        let frame = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, "frame")
            .map_err(|e| SandboxError::engine("finding `frame`", e))?;
        Ok(FuzzDoor {
            store,
            memory,
            frame,
        })
    }

    /// Copies `bytes` into linear memory at `at` (clipped to the memory's end).
    pub fn write(&mut self, at: usize, bytes: &[u8]) {
        let data = self.memory.data_mut(&mut self.store);
        let at = at.min(data.len());
        let n = bytes.len().min(data.len() - at);
        data[at..at + n].copy_from_slice(&bytes[..n]);
    }

    /// Sends the `len` bytes at `ptr` as one frame (the pointer and length are the guest's: they
    /// may lie).
    pub fn send_at(&mut self, ptr: u32, len: u32) -> FrameOutcome {
        let p = i32::from_ne_bytes(ptr.to_ne_bytes());
        let n = i32::from_ne_bytes(len.to_ne_bytes());
        match self.frame.call(&mut self.store, (p, n)) {
            Ok(_) => FrameOutcome::Accepted,
            Err(_) => FrameOutcome::Stopped(self.store.data_mut().door.stop.take()),
        }
    }

    /// Writes `frame` at `at` and sends it.
    pub fn send(&mut self, at: usize, frame: &[u8]) -> FrameOutcome {
        self.write(at, frame);
        let at = u32::try_from(at.min(MEMORY_BYTES)).unwrap_or(u32::MAX);
        let len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        self.send_at(at, len)
    }

    /// Whether `done` was accepted.
    pub fn finished(&self) -> bool {
        self.store.data().door.finished()
    }

    /// The columns the door accepted so far.
    pub fn columns(&self) -> &[GuestColumn] {
        &self.store.data().door.columns
    }

    /// The linear memory as it is now.
    pub fn memory(&self) -> &[u8] {
        self.memory.data(&self.store)
    }
}
