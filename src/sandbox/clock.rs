//! The guest's clocks and sleeps: virtual, so runs are deterministic.
//!
//! Both WASI clocks read one counter that advances by [`TICK_NS`] per read and by the requested
//! timeout when the guest sleeps. `poll_oneoff` is shadowed so a sleep never blocks the host
//! thread (the stock one sleeps there, which an epoch deadline cannot interrupt): it answers at
//! once and moves the virtual clock instead. The same code therefore sees the same times in
//! every run, and `time.sleep(10**9)` costs nothing but is still bounded by fuel and deadline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wasmtime::{Caller, Linker};

use super::door::addr;

/// Nanoseconds the virtual clock advances on each read.
pub const TICK_NS: u64 = 1_000;

/// The wall clock's origin: 2026-01-01T00:00:00Z, in seconds since the Unix epoch.
pub const WALL_ORIGIN_S: u64 = 1_767_225_600;

/// Largest number of subscriptions one `poll_oneoff` may pass.
const MAX_SUBSCRIPTIONS: u32 = 64;
const SUBSCRIPTION_BYTES: u32 = 48;
const EVENT_BYTES: u32 = 32;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const ERRNO_NOMEM: i32 = 48;

/// A virtual clock shared by the wall clock, the monotonic clock and `poll_oneoff`.
#[derive(Debug, Clone, Default)]
pub struct VirtualClock(Arc<AtomicU64>);

impl VirtualClock {
    /// Reads the clock, advancing it by one tick.
    pub fn read(&self) -> u64 {
        self.0.fetch_add(TICK_NS, Ordering::Relaxed) + TICK_NS
    }

    /// Advances the clock by `ns` (saturating) and returns the new time.
    pub fn advance(&self, ns: u64) -> u64 {
        let mut cur = self.0.load(Ordering::Relaxed);
        loop {
            let new = cur.saturating_add(ns);
            match self
                .0
                .compare_exchange(cur, new, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return new,
                Err(seen) => cur = seen,
            }
        }
    }
}

impl wasmtime_wasi::HostMonotonicClock for VirtualClock {
    fn resolution(&self) -> u64 {
        TICK_NS
    }
    fn now(&self) -> u64 {
        self.read()
    }
}

/// The wall clock: [`WALL_ORIGIN_S`] plus the virtual time.
#[derive(Debug, Clone, Default)]
pub struct VirtualWallClock(pub VirtualClock);

impl wasmtime_wasi::HostWallClock for VirtualWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(TICK_NS)
    }
    fn now(&self) -> Duration {
        Duration::from_secs(WALL_ORIGIN_S) + Duration::from_nanos(self.0.read())
    }
}

/// Access to the run's virtual clock from the store's data.
pub trait HasClock {
    fn clock(&self) -> &VirtualClock;
}

/// Shadows `wasi_snapshot_preview1::poll_oneoff` with the virtual one.
pub fn shadow_poll_oneoff<T: HasClock + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "poll_oneoff",
        |mut caller: Caller<'_, T>, sub_ptr: i32, ev_ptr: i32, n: i32, nev_ptr: i32| -> i32 {
            poll_oneoff(&mut caller, sub_ptr, ev_ptr, n, nev_ptr)
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

fn poll_oneoff<T: HasClock>(
    caller: &mut Caller<'_, T>,
    sub_ptr: i32,
    ev_ptr: i32,
    n: i32,
    nev_ptr: i32,
) -> i32 {
    let Some(memory) = caller.get_export("memory").and_then(|e| e.into_memory()) else {
        return ERRNO_FAULT;
    };
    let n = addr(n);
    if n == 0 {
        return ERRNO_INVAL;
    }
    if n > MAX_SUBSCRIPTIONS {
        return ERRNO_NOMEM;
    }
    let mut subs = vec![0u8; (n * SUBSCRIPTION_BYTES) as usize];
    if memory
        .read(&mut *caller, addr(sub_ptr) as usize, &mut subs)
        .is_err()
    {
        return ERRNO_FAULT;
    }
    let clock = caller.data().clock().clone();
    let mut events = Vec::with_capacity((n * EVENT_BYTES) as usize);
    let mut sleep_ns = 0u64;
    for sub in subs.chunks_exact(SUBSCRIPTION_BYTES as usize) {
        let userdata = &sub[0..8];
        let tag = sub[8];
        match tag {
            0 => {
                let timeout = u64::from_le_bytes(sub[24..32].try_into().unwrap_or([0; 8]));
                let flags = u16::from_le_bytes([sub[40], sub[41]]);
                let wait = if flags & 1 == 1 {
                    // Absolute: wait until the virtual clock reaches `timeout`.
                    timeout.saturating_sub(clock.read())
                } else {
                    timeout
                };
                sleep_ns = sleep_ns.max(wait);
            }
            1 | 2 => {}
            _ => return ERRNO_INVAL,
        }
        let mut ev = [0u8; EVENT_BYTES as usize];
        ev[0..8].copy_from_slice(userdata);
        ev[10] = tag;
        if tag == 1 {
            // fd_read: report hang-up, there is never input.
            ev[24] = 1;
        }
        events.extend_from_slice(&ev);
    }
    clock.advance(sleep_ns);
    let count = u32::try_from(events.len() / EVENT_BYTES as usize).unwrap_or(0);
    if memory
        .write(&mut *caller, addr(ev_ptr) as usize, &events)
        .is_err()
        || memory
            .write(&mut *caller, addr(nev_ptr) as usize, &count.to_le_bytes())
            .is_err()
    {
        return ERRNO_FAULT;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_is_monotonic_and_deterministic() {
        let a = VirtualClock::default();
        let b = VirtualClock::default();
        let ra: Vec<u64> = (0..5).map(|_| a.read()).collect();
        let rb: Vec<u64> = (0..5).map(|_| b.read()).collect();
        assert_eq!(ra, rb);
        assert!(ra.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a.advance(u64::MAX), u64::MAX);
    }
}
