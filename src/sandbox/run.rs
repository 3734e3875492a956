//! One run: a fresh store and instance, the harness driven through `turn`, the stop classified.
//!
//! The guest gets: the stdlib folder read-only at `/usr/local/lib`, empty stdin, stdout/stderr
//! captured in bounded memory pipes, no arguments beyond `python`, one environment variable
//! (`PYTHONHASHSEED=0`), virtual clocks, a `random_get` seeded from the run's seed, and no
//! sockets. The approved code reaches the harness through the door, never through the
//! filesystem.

use std::time::{Duration, Instant};

use rand::SeedableRng;
use sha2::{Digest, Sha256};
use wasmtime::{Engine, InstancePre, Linker, Module, Store, Trap, UpdateDeadline};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

use super::clock::{shadow_poll_oneoff, HasClock, VirtualClock, VirtualWallClock};
use super::door::{self, Door, GuestColumn, HasDoor};
use super::error::{SandboxError, Stream};
use super::limits::{MemoryCap, RunLimits, GUEST_THREAD_STACK};
use super::protocol::{ColumnSpec, RUN_CODE};
use super::runtime::{Runtime, GUEST_LIB_DIR};
use super::violation::{TrapKind, Violation};

/// Largest approved-code text accepted (bytes).
pub const MAX_CODE_BYTES: usize = 1 << 20;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The approved Python source.
    pub code: String,
    /// The contract's function name.
    pub function: String,
    /// Rows to generate (`num_samples`).
    pub rows: u64,
    pub seed: u64,
    /// The contract's outputs, in order.
    pub outputs: Vec<ColumnSpec>,
    pub limits: RunLimits,
}

/// What a successful run returns.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub columns: Vec<GuestColumn>,
    /// Instructions executed over the whole run (deterministic for the same code and seed).
    pub fuel_used: u64,
    /// Instructions executed by the contract's function and the hand-over.
    pub fuel_generation: u64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timings: Timings,
}

/// Where the wall-clock time went (informational; never part of a reproducibility check).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Fresh store and instance, up to the first guest instruction.
    pub instantiate: Duration,
    /// Interpreter start-up, imports and loading the code.
    pub startup: Duration,
    /// The contract's function and the hand-over.
    pub generation: Duration,
    /// Host time spent copying column buffers out of guest memory.
    pub transfer: Duration,
    pub total: Duration,
}

pub(super) struct Guest {
    pub(super) wasi: WasiP1Ctx,
    pub(super) cap: MemoryCap,
    pub(super) clock: VirtualClock,
    pub(super) door: Door,
}

/// The guest's WASI context: the stdlib folder read-only, bounded output pipes, virtual clocks,
/// entropy derived from `seed`, no arguments beyond `python`, one environment variable.
pub(super) fn wasi_ctx(
    runtime: &Runtime,
    seed: u64,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
    clock: &VirtualClock,
) -> Result<WasiP1Ctx, SandboxError> {
    let mut b = WasiCtxBuilder::new();
    b.args(&["python"])
        .env("PYTHONHASHSEED", "0")
        .stdout(stdout)
        .stderr(stderr)
        .secure_random(rand::rngs::StdRng::from_seed(derive_seed(seed, b"secure")))
        .insecure_random(rand::rngs::StdRng::from_seed(derive_seed(
            seed,
            b"insecure",
        )))
        .insecure_random_seed(u128::from_le_bytes(
            derive_seed(seed, b"insecure-seed")[..16]
                .try_into()
                .unwrap_or([0; 16]),
        ))
        .wall_clock(VirtualWallClock(clock.clone()))
        .monotonic_clock(clock.clone())
        .allow_blocking_current_thread(true);
    let lib = runtime.lib_dir();
    b.preopened_dir(&lib, GUEST_LIB_DIR, FsPerms::ReadOnly)
        .map_err(|e| SandboxError::Runtime {
            path: lib.clone(),
            reason: format!("cannot open the stdlib folder: {e:#}"),
        })?;
    Ok(b.build_p1())
}

/// WASI preview 1 (with the non-blocking `poll_oneoff`) and the door `host::call`.
pub(super) fn linker(engine: &Engine) -> Result<Linker<Guest>, SandboxError> {
    let mut linker: Linker<Guest> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |g: &mut Guest| &mut g.wasi)
        .map_err(|e| SandboxError::engine("linking WASI", e))?;
    shadow_poll_oneoff(&mut linker).map_err(|e| SandboxError::engine("linking poll_oneoff", e))?;
    linker
        .func_wrap(
            "host",
            "call",
            |mut caller: wasmtime::Caller<'_, Guest>, p: i32, n: i32, opp: i32, olp: i32| {
                door::call(&mut caller, p, n, opp, olp)
            },
        )
        .map_err(|e| SandboxError::engine("linking the door", e))?;
    Ok(linker)
}

impl HasClock for Guest {
    fn clock(&self) -> &VirtualClock {
        &self.clock
    }
}

impl HasDoor for Guest {
    fn door(&mut self) -> &mut Door {
        &mut self.door
    }
}

/// A compiled runtime ready to run many requests (each in a fresh store).
pub struct Sandbox {
    engine: Engine,
    pre: InstancePre<Guest>,
    runtime: Runtime,
    identity: Vec<(String, String)>,
}

impl Sandbox {
    /// Links the module once; `module` must come from [`super::cache::load_or_compile`].
    pub fn new(
        engine: &Engine,
        module: &Module,
        runtime: Runtime,
    ) -> Result<Sandbox, SandboxError> {
        if module.get_export("_initialize").is_some() {
            return Err(SandboxError::Engine {
                during: "linking",
                message: "the module is not a start-up snapshot (it still exports `_initialize`)"
                    .into(),
            });
        }
        let linker = linker(engine)?;
        let pre = linker
            .instantiate_pre(module)
            .map_err(|e| SandboxError::engine("pre-instantiating", e))?;
        Ok(Sandbox {
            engine: engine.clone(),
            pre,
            identity: runtime.identity(),
            runtime,
        })
    }

    /// Sets the measured identity (see [`super::open`]).
    pub(super) fn with_identity(mut self, identity: Vec<(String, String)>) -> Sandbox {
        self.identity = identity;
        self
    }

    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// (artifact, sha256) of the runtime this sandbox runs, measured from its bytes by
    /// [`super::open`] and checked against the pin: what an experiment record should name.
    pub fn identity(&self) -> &[(String, String)] {
        &self.identity
    }

    /// Runs `req` on a fresh thread with a large native stack (the wasm stack lives on it).
    pub fn run(&self, req: &RunRequest) -> Result<RunOutput, SandboxError> {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("sdg-guest".into())
                .stack_size(GUEST_THREAD_STACK)
                .spawn_scoped(s, || self.run_here(req))
                .map_err(|e| SandboxError::engine("starting the guest thread", e))?
                .join()
                .unwrap_or_else(|_| {
                    Err(SandboxError::Engine {
                        during: "running the guest",
                        message: "the guest thread panicked".into(),
                    })
                })
        })
    }

    fn run_here(&self, req: &RunRequest) -> Result<RunOutput, SandboxError> {
        let t0 = Instant::now();
        if req.code.len() > MAX_CODE_BYTES {
            return Err(SandboxError::bad(Violation::CodeTooLarge {
                bytes: req.code.len(),
                limit: MAX_CODE_BYTES,
            }));
        }
        let limits = &req.limits;
        let out_cap = limits.output_bytes.saturating_add(1);
        let stdout = MemoryOutputPipe::new(out_cap);
        let stderr = MemoryOutputPipe::new(out_cap);
        let clock = VirtualClock::default();
        let wasi = wasi_ctx(
            &self.runtime,
            req.seed,
            stdout.clone(),
            stderr.clone(),
            &clock,
        )?;
        let door = Door::new(
            &req.function,
            &req.code,
            &req.outputs,
            req.rows,
            req.seed,
            limits,
        )?;
        let mut store = Store::new(
            &self.engine,
            Guest {
                wasi,
                cap: MemoryCap::new(limits),
                clock,
                door,
            },
        );
        store.limiter(|g| &mut g.cap);
        store
            .set_fuel(limits.fuel)
            .map_err(|e| SandboxError::engine("setting fuel", e))?;
        // Every tick, the callback compares the clock with the current phase's deadline (kept
        // by the door). A one-tick epoch deadline bounds how late a stop can come to one tick.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|ctx| {
            Ok(if Instant::now() >= ctx.data().door.deadline {
                UpdateDeadline::Interrupt
            } else {
                UpdateDeadline::Continue(1)
            })
        });

        let outcome = self.drive(&mut store);
        let instantiate = outcome.instantiated.unwrap_or_default();
        let fuel_left = store.get_fuel().unwrap_or(0);
        let fuel_used = limits.fuel.saturating_sub(fuel_left);
        let out = stdout.contents().to_vec();
        let err = stderr.contents().to_vec();
        let guest = store.into_data();
        let cap_refused = guest.cap.refused;
        let table_refused = guest.cap.table_refused;
        let door = guest.door;
        let phase = door.phase;
        let deadline = door.phase_limit();

        // The host's own decision comes first: it names the precise violation.
        if let Some(stop) = door.stop {
            return Err(stop);
        }
        // A full pipe is the root cause of whatever followed (the guest's write failed).
        for (stream, bytes) in [(Stream::Stdout, &out), (Stream::Stderr, &err)] {
            if bytes.len() > limits.output_bytes {
                return Err(SandboxError::OutputLimit {
                    stream,
                    limit: limits.output_bytes,
                });
            }
        }
        let memory_stop = cap_refused.map(|requested| SandboxError::MemoryLimit {
            limit: limits.memory_bytes,
            requested,
        });
        if let Err(e) = outcome.result {
            if let Some(trap) = e.downcast_ref::<Trap>() {
                return Err(match trap {
                    Trap::OutOfFuel => SandboxError::OutOfFuel { limit: limits.fuel },
                    Trap::Interrupt => SandboxError::Deadline {
                        phase,
                        limit: deadline,
                    },
                    other => memory_stop.unwrap_or(SandboxError::GuestTrap {
                        trap: TrapKind::Wasm(*other),
                    }),
                });
            }
            if let Some(exit) = e.downcast_ref::<I32Exit>() {
                return Err(memory_stop.unwrap_or(SandboxError::GuestExit { code: exit.0 }));
            }
            if let Some(stop) = memory_stop {
                return Err(stop);
            }
            let trap = if let Some(requested) = table_refused {
                TrapKind::TableLimit {
                    limit: limits.table_elements,
                    requested,
                }
            } else if outcome.instantiated.is_none() {
                TrapKind::Instantiation {
                    message: format!("{e:#}"),
                }
            } else {
                TrapKind::Other {
                    message: format!("{e:#}"),
                }
            };
            return Err(SandboxError::GuestTrap { trap });
        }
        if let Some(exc) = door.exception {
            if exc.exc_type == "MemoryError" {
                if let Some(stop) = memory_stop {
                    return Err(stop);
                }
            }
            return Err(SandboxError::PythonException(Box::new(exc)));
        }
        if !door.finished() {
            let tail = String::from_utf8_lossy(&err[err.len().saturating_sub(2000)..]).into_owned();
            return Err(SandboxError::bad(Violation::Incomplete {
                stderr_tail: tail,
            }));
        }
        let (fuel_at_begin, begin_at) = door.begin.unwrap_or((fuel_left, Instant::now()));
        let total = t0.elapsed();
        let end = outcome.ended.unwrap_or_else(Instant::now);
        Ok(RunOutput {
            columns: door.columns,
            fuel_used,
            fuel_generation: fuel_at_begin.saturating_sub(fuel_left),
            stdout: out,
            stderr: err,
            timings: Timings {
                instantiate,
                startup: begin_at.saturating_duration_since(t0 + instantiate),
                generation: end.saturating_duration_since(begin_at),
                transfer: door.transfer,
                total,
            },
        })
    }

    /// Instantiates the snapshot and runs the harness's entry point with `turn`.
    fn drive(&self, store: &mut Store<Guest>) -> Driven {
        let start = Instant::now();
        let mut driven = Driven {
            instantiated: None,
            ended: None,
            result: Ok(()),
        };
        let result = (|| -> wasmtime::Result<()> {
            let instance = self.pre.instantiate(&mut *store)?;
            driven.instantiated = Some(start.elapsed());
            let alloc = instance.get_typed_func::<i32, i32>(&mut *store, "host_alloc")?;
            let turn = instance.get_typed_func::<(i32, i32), i32>(&mut *store, "turn")?;
            let memory = instance
                .get_memory(&mut *store, "memory")
                .ok_or_else(|| wasmtime::format_err!("the runtime exports no memory"))?;
            // The snapshot has run the harness's definitions and imports (and has no
            // `_initialize` any more); each run only calls the harness's entry point.
            let code = RUN_CODE.as_bytes();
            let n = i32::try_from(code.len())?;
            let p = alloc.call(&mut *store, n)?;
            let p_usize = usize::try_from(u32::from_ne_bytes(p.to_ne_bytes()))?;
            memory.write(&mut *store, p_usize, code)?;
            // The harness reports its own outcome through the door; the status adds nothing.
            let _status = turn.call(&mut *store, (p, n))?;
            Ok(())
        })();
        driven.ended = Some(Instant::now());
        driven.result = result;
        driven
    }
}

struct Driven {
    instantiated: Option<Duration>,
    ended: Option<Instant>,
    result: wasmtime::Result<()>,
}

/// A 32-byte seed for the guest's entropy, derived from the run's seed and a purpose label, so
/// hash randomisation and `os.urandom` are reproducible but differ between purposes.
fn derive_seed(seed: u64, purpose: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"sdg guest entropy v1\0");
    h.update(purpose);
    h.update(seed.to_le_bytes());
    h.finalize().into()
}
