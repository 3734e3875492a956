//! The limits a run is held to: each a named field with its unit, default, and what it does not
//! cover.
//!
//! Every stop they cause is reported by name (see [`SandboxError`](super::SandboxError)).

use std::time::Duration;

/// Wall-clock resolution of the epoch ticker: deadlines are enforced to within about this much.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Native stack of the thread the guest runs on. The wasm stack (8 MiB) lives on it, plus
/// wasmtime's and the host functions' own frames.
pub const GUEST_THREAD_STACK: usize = 32 << 20;

/// Maximum wasm stack (bytes). CPython on WASI needs about 8 MiB for numpy's imports.
pub const MAX_WASM_STACK: usize = 8 << 20;

/// Limits of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLimits {
    /// Fuel: wasm instructions the guest may execute over the whole run (start-up included).
    /// Default 60 G, about 10 s of numpy work on this class of machine; the deadline is the
    /// wall-clock guard, fuel the deterministic one. Does not count time spent in the host.
    pub fuel: u64,
    /// Wall-clock time for everything the approved code does: from the moment the host hands
    /// the code to the guest (compiling it, its module body, default arguments, decorators and
    /// class bodies), through the contract's function, to the hand-over of its columns.
    /// Default 2 s (the seed contract's `time_limit_seconds`). Started by the host, never by a
    /// guest frame; enforced by epoch interruption at [`EPOCH_TICK`] resolution and checked at
    /// every door frame.
    pub time_limit: Duration,
    /// Wall-clock time for the harness's own start-up, before the code is handed over (the
    /// interpreter and `import numpy` are already in the snapshot). Default 30 s: generous
    /// because no approved code runs in it, but still a bound.
    pub startup_timeout: Duration,
    /// Linear memory cap (bytes). Default 2 GiB. wasm32 cannot address more than 4 GiB anyway.
    /// Host-side copies of the result are bounded separately by `result_bytes`.
    pub memory_bytes: u64,
    /// Bytes kept per output stream (stdout, stderr); writing past it stops the run with
    /// `OutputLimit`. Default 1 MiB.
    pub output_bytes: usize,
    /// Bytes of column data the host accepts from the guest (values + validity + offsets).
    /// Default 4 GiB: larger than the guest can hold, so memory is the real bound by default.
    pub result_bytes: u64,
    /// Door frames (guest → host calls) per run. Default 10 000; an honest run needs
    /// `outputs + 4`, so the default is never the binding bound for a real contract, and a
    /// test can lower it to reach it.
    pub max_frames: u32,
    /// Largest request frame (bytes). Default 1 MiB: frames carry JSON headers, never data.
    pub max_frame_bytes: u32,
    /// Table elements per table. Default 1 Mi; CPython needs about 64 Ki.
    pub table_elements: usize,
    /// Instances, tables, memories per store. Default 1, 4, 1.
    pub instances: usize,
    pub tables: usize,
    pub memories: usize,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            fuel: 60_000_000_000,
            time_limit: Duration::from_secs(2),
            startup_timeout: Duration::from_secs(30),
            memory_bytes: 2 << 30,
            output_bytes: 1 << 20,
            result_bytes: 4 << 30,
            max_frames: 10_000,
            max_frame_bytes: 1 << 20,
            table_elements: 1 << 20,
            instances: 1,
            tables: 4,
            memories: 1,
        }
    }
}

/// Number of epoch ticks covering `d` (at least one).
#[cfg(test)]
fn ticks(d: Duration) -> u64 {
    let tick = EPOCH_TICK.as_nanos();
    let n = d.as_nanos().div_ceil(tick).max(1);
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The store's resource limiter: caps memory and tables, and remembers a refused growth so the
/// run can be reported as `MemoryLimit` rather than as the `MemoryError` the guest then raises.
#[derive(Debug)]
pub(crate) struct MemoryCap {
    pub limit: u64,
    pub table_elements: usize,
    pub instances: usize,
    pub tables: usize,
    pub memories: usize,
    /// The largest size (bytes) a refused `memory.grow` asked for.
    pub refused: Option<u64>,
    /// The largest size (elements) a refused table growth (or creation) asked for.
    pub table_refused: Option<usize>,
}

impl MemoryCap {
    pub fn new(l: &RunLimits) -> Self {
        MemoryCap {
            limit: l.memory_bytes,
            table_elements: l.table_elements,
            instances: l.instances,
            tables: l.tables,
            memories: l.memories,
            refused: None,
            table_refused: None,
        }
    }
}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let desired64 = u64::try_from(desired).unwrap_or(u64::MAX);
        let over_max = maximum.is_some_and(|m| desired > m);
        if desired64 > self.limit || over_max {
            self.refused = Some(self.refused.unwrap_or(0).max(desired64));
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.table_elements || maximum.is_some_and(|m| desired > m) {
            self.table_refused = Some(self.table_refused.unwrap_or(0).max(desired));
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.instances
    }
    fn tables(&self) -> usize {
        self.tables
    }
    fn memories(&self) -> usize {
        self.memories
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_round_up_and_never_zero() {
        assert_eq!(ticks(Duration::ZERO), 1);
        assert_eq!(ticks(Duration::from_millis(1)), 1);
        assert_eq!(ticks(Duration::from_millis(10)), 1);
        assert_eq!(ticks(Duration::from_millis(11)), 2);
        assert_eq!(ticks(Duration::from_secs(2)), 200);
    }

    #[test]
    fn memory_cap_refuses_and_remembers() {
        use wasmtime::ResourceLimiter;
        let mut cap = MemoryCap::new(&RunLimits {
            memory_bytes: 1000,
            ..RunLimits::default()
        });
        assert!(cap.memory_growing(0, 1000, None).unwrap());
        assert!(!cap.memory_growing(0, 1001, None).unwrap());
        assert!(!cap.memory_growing(0, 5000, None).unwrap());
        assert_eq!(cap.refused, Some(5000));
    }

    #[test]
    fn table_cap_refuses_and_remembers() {
        use wasmtime::ResourceLimiter;
        let mut cap = MemoryCap::new(&RunLimits {
            table_elements: 100,
            ..RunLimits::default()
        });
        assert!(cap.table_growing(0, 100, None).unwrap());
        assert_eq!(cap.table_refused, None);
        assert!(!cap.table_growing(0, 101, None).unwrap());
        assert!(!cap.table_growing(0, 50, Some(40)).unwrap());
        assert_eq!(cap.table_refused, Some(101));
    }
}
