//! The door: the host side of `host::call`, where every value from the guest is checked.
//!
//! The guest is hostile (the approved code runs in the same interpreter as the harness and can
//! rewrite it), so nothing in a frame is believed: pointers and lengths are checked against the
//! current size of linear memory with checked arithmetic, lengths and types against the contract,
//! the frame order against the protocol, and the total bytes against the result cap, all before
//! one byte of column data is read. A violation stops the run at once (the host function returns
//! an error, which unwinds the guest) and is recorded here, so the run reports `BadResult` or
//! `ResultLimit` rather than a generic trap.
//!
//! Size (~620 lines): every check a frame passes sits in this one file on purpose, so a
//! reviewer reads the whole trust boundary in one place; about 30 lines are tests.

use std::time::{Duration, Instant};

use arrow::buffer::Buffer;
use wasmtime::{Caller, Extern};

use super::error::{Phase, PythonException, SandboxError};
use super::limits::RunLimits;
use super::protocol::{ColumnSpec, ColumnType, Frame, Hello, Region, PROTOCOL_VERSION};
use super::violation::{BufferKind, RegionError, Violation};

/// Longest exception text kept from the guest (bytes, per field).
const MAX_EXCEPTION_TEXT: usize = 64 << 10;

/// A column as the guest handed it over: buffers copied out of guest memory, sizes checked
/// against the contract; contents (UTF-8, offsets, codes, null counts) are checked when the
/// Arrow array is built.
#[derive(Debug, Clone)]
pub struct GuestColumn {
    pub name: String,
    pub dtype: ColumnType,
    pub len: usize,
    /// What the guest claims; verified against the validity bitmap downstream.
    pub null_count: usize,
    pub values: Buffer,
    pub validity: Option<Buffer>,
    pub offsets: Option<Buffer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Start,
    Greeted,
    CodeSent,
    Generating,
    Done,
    Failed,
}

/// The per-run state behind the door.
pub struct Door {
    hello: Vec<u8>,
    code: Vec<u8>,
    outputs: Vec<ColumnSpec>,
    rows: u64,
    limits: RunLimits,
    stage: Stage,
    frames: u32,
    result_bytes: u64,
    pub(crate) columns: Vec<GuestColumn>,
    pub(crate) exception: Option<PythonException>,
    /// A stop the host decided (protocol violation, result cap); takes precedence over traps.
    pub(crate) stop: Option<SandboxError>,
    /// Fuel left and the instant when `begin` arrived.
    pub(crate) begin: Option<(u64, Instant)>,
    pub(crate) transfer: Duration,
    /// The phase the run is in: start-up until the host hands over the approved code, then
    /// generation. Only the host moves it, when it answers the `code` frame.
    pub(crate) phase: Phase,
    /// When the current phase's wall-clock budget ends: start-up from the store's creation,
    /// then the contract's time limit from the moment the host hands over the code (so the
    /// module body, default arguments, decorators and class bodies all run under it).
    pub(crate) deadline: Instant,
}

impl Door {
    pub fn new(
        function: &str,
        code: &str,
        outputs: &[ColumnSpec],
        rows: u64,
        seed: u64,
        limits: &RunLimits,
    ) -> Result<Door, SandboxError> {
        let hello = serde_json::to_vec(&Hello {
            protocol: PROTOCOL_VERSION,
            function,
            num_samples: rows,
            seed,
            outputs,
        })
        .map_err(|e| {
            SandboxError::bad(Violation::HelloEncoding {
                reason: e.to_string(),
            })
        })?;
        Ok(Door {
            hello,
            code: code.as_bytes().to_vec(),
            outputs: outputs.to_vec(),
            rows,
            limits: limits.clone(),
            stage: Stage::Start,
            frames: 0,
            result_bytes: 0,
            columns: Vec::with_capacity(outputs.len()),
            exception: None,
            stop: None,
            begin: None,
            transfer: Duration::ZERO,
            phase: Phase::Startup,
            deadline: Instant::now() + limits.startup_timeout,
        })
    }

    pub fn finished(&self) -> bool {
        self.stage == Stage::Done
    }

    /// The wall-clock budget of the current phase.
    pub fn phase_limit(&self) -> Duration {
        match self.phase {
            Phase::Startup => self.limits.startup_timeout,
            Phase::Generation => self.limits.time_limit,
        }
    }
}

/// Store data that has a door.
pub trait HasDoor {
    fn door(&mut self) -> &mut Door;
}

/// Guest addresses and lengths are i32 in the ABI but unsigned in meaning (wasm32). The door's
/// and the virtual clock's host functions both read them through this.
pub(super) fn addr(v: i32) -> u32 {
    u32::from_ne_bytes(v.to_ne_bytes())
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Start => "start",
            Stage::Greeted => "greeted",
            Stage::CodeSent => "code sent",
            Stage::Generating => "generating",
            Stage::Done => "done",
            Stage::Failed => "failed",
        }
    }
}

/// Checks that `[ptr, ptr + len)` lies inside memory of `size` bytes.
pub fn check_region(ptr: u64, len: u64, size: u64) -> Result<std::ops::Range<usize>, RegionError> {
    let end = ptr
        .checked_add(len)
        .ok_or(RegionError::Overflow { ptr, len })?;
    if end > size {
        return Err(RegionError::OutsideMemory {
            start: ptr,
            end,
            size,
        });
    }
    let start = usize::try_from(ptr).map_err(|_| RegionError::TooLarge { value: ptr })?;
    let end = usize::try_from(end).map_err(|_| RegionError::TooLarge { value: end })?;
    Ok(start..end)
}

fn violation(v: Violation) -> SandboxError {
    SandboxError::bad(v)
}

/// `host::call`: answers one frame. Returns 0, or an error that stops the guest.
pub fn call<T: HasDoor + 'static>(
    caller: &mut Caller<'_, T>,
    ptr: i32,
    len: i32,
    out_ptr_ptr: i32,
    out_len_ptr: i32,
) -> wasmtime::Result<i32> {
    match answer(caller, addr(ptr).into(), addr(len).into()) {
        Ok(Some(bytes)) => {
            if let Err(e) = place_answer(
                caller,
                &bytes,
                addr(out_ptr_ptr).into(),
                addr(out_len_ptr).into(),
            ) {
                let door = caller.data_mut().door();
                door.stage = Stage::Failed;
                door.stop
                    .get_or_insert(violation(Violation::AnswerNotPlaced {
                        reason: format!("{e:#}"),
                    }));
                return Err(e);
            }
            Ok(0)
        }
        Ok(None) => Ok(0),
        Err(stop) => {
            let door = caller.data_mut().door();
            door.stage = Stage::Failed;
            door.stop.get_or_insert(stop);
            Err(wasmtime::format_err!("sdg: run stopped by the host"))
        }
    }
}

fn memory<T>(caller: &mut Caller<'_, T>) -> Result<wasmtime::Memory, SandboxError> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(violation(Violation::MissingExport { export: "memory" })),
    }
}

fn answer<T: HasDoor + 'static>(
    caller: &mut Caller<'_, T>,
    ptr: u64,
    len: u64,
) -> Result<Option<Vec<u8>>, SandboxError> {
    let max_frames = caller.data_mut().door().limits.max_frames;
    let max_frame = caller.data_mut().door().limits.max_frame_bytes;
    {
        let door = caller.data_mut().door();
        door.frames = door.frames.saturating_add(1);
        if door.frames > max_frames {
            return Err(violation(Violation::TooManyFrames { limit: max_frames }));
        }
        if matches!(door.stage, Stage::Done | Stage::Failed) {
            return Err(violation(Violation::FrameAfterEnd));
        }
        // The epoch ticker checks the deadline every tick; a frame checks it too, so a budget
        // shorter than a tick is still kept.
        if Instant::now() >= door.deadline {
            return Err(SandboxError::Deadline {
                phase: door.phase,
                limit: door.phase_limit(),
            });
        }
    }
    if len > u64::from(max_frame) {
        return Err(violation(Violation::FrameTooLarge {
            bytes: len,
            limit: max_frame,
        }));
    }
    let mem = memory(caller)?;
    let size = mem.data_size(&*caller) as u64;
    let range = check_region(ptr, len, size).map_err(|e| violation(Violation::FrameRegion(e)))?;
    let frame: Frame = serde_json::from_slice(&mem.data(&*caller)[range]).map_err(|e| {
        violation(Violation::UnreadableFrame {
            reason: e.to_string(),
        })
    })?;
    match frame {
        Frame::Hello { protocol } => {
            let door = caller.data_mut().door();
            expect_stage(door, Stage::Start, "hello")?;
            if protocol != PROTOCOL_VERSION {
                return Err(violation(Violation::ProtocolVersion {
                    guest: protocol,
                    host: PROTOCOL_VERSION,
                }));
            }
            door.stage = Stage::Greeted;
            Ok(Some(door.hello.clone()))
        }
        Frame::Code {} => {
            let door = caller.data_mut().door();
            expect_stage(door, Stage::Greeted, "code")?;
            door.stage = Stage::CodeSent;
            // From here on everything the guest does is the approved code's doing (compiling
            // it, its module body, its default arguments and decorators, then the function):
            // the contract's budget starts now, set by the host, and no later frame moves it.
            // The epoch callback reads this at every tick. Shortening the store's epoch deadline
            // instead would not work: compiled code caches the deadline, and a loop that makes
            // no calls keeps running to the old one.
            door.phase = Phase::Generation;
            door.deadline = Instant::now() + door.limits.time_limit;
            Ok(Some(door.code.clone()))
        }
        Frame::Begin {} => {
            let fuel = caller.get_fuel().unwrap_or(0);
            let door = caller.data_mut().door();
            expect_stage(door, Stage::CodeSent, "begin")?;
            door.stage = Stage::Generating;
            // Timing and fuel accounting only: the deadline was set when the code was sent.
            door.begin = Some((fuel, Instant::now()));
            Ok(None)
        }
        Frame::Error {
            exc_type,
            message,
            traceback,
        } => {
            let door = caller.data_mut().door();
            if matches!(door.stage, Stage::Start | Stage::Greeted) {
                return Err(violation(Violation::ErrorBeforeCode));
            }
            door.exception = Some(PythonException {
                exc_type: bounded(exc_type, 256),
                message: bounded(message, MAX_EXCEPTION_TEXT),
                traceback: bounded(traceback, MAX_EXCEPTION_TEXT),
            });
            door.stage = Stage::Failed;
            Ok(None)
        }
        Frame::Done { columns } => {
            let door = caller.data_mut().door();
            expect_stage(door, Stage::Generating, "done")?;
            let want = door.outputs.len();
            if usize::try_from(columns).ok() != Some(want) || door.columns.len() != want {
                return Err(violation(Violation::EarlyDone {
                    received: door.columns.len(),
                    expected: want,
                    claimed: columns,
                }));
            }
            door.stage = Stage::Done;
            Ok(None)
        }
        Frame::Column {
            index,
            name,
            dtype,
            len,
            null_count,
            values,
            validity,
            offsets,
        } => {
            let header = ColumnHeader {
                index,
                name,
                dtype,
                len,
                null_count,
                values,
                validity,
                offsets,
            };
            let start = Instant::now();
            let col = take_column(caller, &mem, header)?;
            let door = caller.data_mut().door();
            door.columns.push(col);
            door.transfer += start.elapsed();
            Ok(None)
        }
    }
}

fn expect_stage(door: &Door, want: Stage, op: &'static str) -> Result<(), SandboxError> {
    if door.stage != want {
        return Err(violation(Violation::OutOfOrder {
            op,
            stage: door.stage.name(),
        }));
    }
    Ok(())
}

fn bounded(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str(" …[truncated]");
    }
    s
}

struct ColumnHeader {
    index: u32,
    name: String,
    dtype: ColumnType,
    len: u64,
    null_count: u64,
    values: Region,
    validity: Option<Region>,
    offsets: Option<Region>,
}

/// Checks a column header against the contract and memory, then copies its buffers.
fn take_column<T: HasDoor + 'static>(
    caller: &mut Caller<'_, T>,
    mem: &wasmtime::Memory,
    h: ColumnHeader,
) -> Result<GuestColumn, SandboxError> {
    let size = mem.data_size(&*caller) as u64;
    let door = caller.data_mut().door();
    expect_stage(door, Stage::Generating, "column")?;
    let expected_index = door.columns.len();
    let Some(spec) = door.outputs.get(expected_index) else {
        return Err(violation(Violation::ExtraColumn {
            index: h.index,
            name: h.name,
        }));
    };
    if usize::try_from(h.index).ok() != Some(expected_index) || h.name != spec.name {
        return Err(violation(Violation::ColumnOutOfPlace {
            index: h.index,
            name: h.name,
            due_index: expected_index,
            due_name: spec.name.clone(),
        }));
    }
    let column = || spec.name.clone();
    if h.dtype != spec.dtype {
        return Err(violation(Violation::DtypeMismatch {
            column: column(),
            got: h.dtype,
            want: spec.dtype,
        }));
    }
    if h.len != door.rows {
        return Err(violation(Violation::RowCount {
            column: column(),
            got: h.len,
            want: door.rows,
        }));
    }
    if h.null_count > h.len {
        return Err(violation(Violation::TooManyNulls {
            column: column(),
            nulls: h.null_count,
            rows: h.len,
        }));
    }
    if h.null_count > 0 && !spec.nullable {
        return Err(violation(Violation::NullsNotAllowed {
            column: column(),
            nulls: h.null_count,
        }));
    }
    if h.validity.is_some() != (h.null_count > 0) {
        return Err(violation(Violation::ValidityPresence {
            column: column(),
            nulls: h.null_count,
        }));
    }
    let overflow = || violation(Violation::SizeOverflow { column: column() });
    let wrong_size = |buffer, got, want| {
        violation(Violation::BufferSize {
            column: column(),
            buffer,
            rows: h.len,
            got,
            want,
        })
    };
    // Expected byte lengths, from the contract, never from the guest.
    let want_values = match h.dtype.width() {
        Some(w) => Some(h.len.checked_mul(w).ok_or_else(overflow)?),
        None => None,
    };
    if let Some(want) = want_values {
        if h.values.1 != want {
            return Err(wrong_size(BufferKind::Values, h.values.1, want));
        }
    }
    if let Some(v) = h.validity {
        let want = h.len.div_ceil(8);
        if v.1 != want {
            return Err(wrong_size(BufferKind::Validity, v.1, want));
        }
    }
    match (h.dtype, h.offsets) {
        (ColumnType::Utf8, Some(o)) => {
            let want = h
                .len
                .checked_add(1)
                .and_then(|n| n.checked_mul(4))
                .ok_or_else(overflow)?;
            if o.1 != want {
                return Err(wrong_size(BufferKind::Offsets, o.1, want));
            }
        }
        (ColumnType::Utf8, None) => {
            return Err(violation(Violation::MissingOffsets { column: column() }))
        }
        (_, Some(_)) => return Err(violation(Violation::UnexpectedOffsets { column: column() })),
        (_, None) => {}
    }
    let regions: Vec<(BufferKind, Region)> = [
        Some((BufferKind::Values, h.values)),
        h.validity.map(|r| (BufferKind::Validity, r)),
        h.offsets.map(|r| (BufferKind::Offsets, r)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut total = 0u64;
    for (buffer, r) in &regions {
        check_region(r.0, r.1, size).map_err(|region| {
            violation(Violation::BufferRegion {
                column: column(),
                buffer: *buffer,
                region,
            })
        })?;
        total = total.checked_add(r.1).ok_or_else(overflow)?;
    }
    let requested = door.result_bytes.checked_add(total).ok_or_else(overflow)?;
    if requested > door.limits.result_bytes {
        return Err(SandboxError::ResultLimit {
            limit: door.limits.result_bytes,
            requested,
        });
    }
    door.result_bytes = requested;
    let name = spec.name.clone();
    let len = usize::try_from(h.len).map_err(|_| overflow())?;
    let null_count = usize::try_from(h.null_count).map_err(|_| overflow())?;
    let data = mem.data(&*caller);
    let copy = |buffer: BufferKind, r: Region| -> Result<Buffer, SandboxError> {
        let range = check_region(r.0, r.1, size).map_err(|region| {
            violation(Violation::BufferRegion {
                column: name.clone(),
                buffer,
                region,
            })
        })?;
        Ok(Buffer::from_slice_ref(&data[range]))
    };
    Ok(GuestColumn {
        dtype: h.dtype,
        len,
        null_count,
        values: copy(BufferKind::Values, h.values)?,
        validity: h
            .validity
            .map(|r| copy(BufferKind::Validity, r))
            .transpose()?,
        offsets: h
            .offsets
            .map(|r| copy(BufferKind::Offsets, r))
            .transpose()?,
        name,
    })
}

/// Places `bytes` in guest memory via `host_alloc` and writes its address and length.
fn place_answer<T: 'static>(
    caller: &mut Caller<'_, T>,
    bytes: &[u8],
    out_ptr_ptr: u64,
    out_len_ptr: u64,
) -> wasmtime::Result<()> {
    let alloc = match caller.get_export("host_alloc") {
        Some(Extern::Func(f)) => f.typed::<i32, i32>(&*caller)?,
        _ => wasmtime::bail!("sdg: the guest exports no host_alloc"),
    };
    let n = i32::try_from(bytes.len())?;
    let p = u64::from(addr(alloc.call(&mut *caller, n)?));
    let mem = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        _ => wasmtime::bail!("sdg: the guest exports no memory"),
    };
    let size = mem.data_size(&*caller) as u64;
    if p == 0 {
        wasmtime::bail!("sdg: host_alloc failed");
    }
    check_region(p, bytes.len() as u64, size).map_err(|e| wasmtime::format_err!("sdg: {e}"))?;
    check_region(out_ptr_ptr, 4, size).map_err(|e| wasmtime::format_err!("sdg: {e}"))?;
    check_region(out_len_ptr, 4, size).map_err(|e| wasmtime::format_err!("sdg: {e}"))?;
    let p32 = u32::try_from(p)?;
    let n32 = u32::try_from(bytes.len())?;
    mem.write(&mut *caller, usize::try_from(p)?, bytes)?;
    mem.write(
        &mut *caller,
        usize::try_from(out_ptr_ptr)?,
        &p32.to_le_bytes(),
    )?;
    mem.write(
        &mut *caller,
        usize::try_from(out_len_ptr)?,
        &n32.to_le_bytes(),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_region, RegionError};

    #[test]
    fn regions_are_checked_with_overflow() {
        assert_eq!(check_region(0, 10, 10).unwrap(), 0..10);
        assert_eq!(
            check_region(1, 10, 10),
            Err(RegionError::OutsideMemory {
                start: 1,
                end: 11,
                size: 10
            })
        );
        assert_eq!(
            check_region(u64::MAX, 2, 10),
            Err(RegionError::Overflow {
                ptr: u64::MAX,
                len: 2
            })
        );
        assert_eq!(check_region(10, 0, 10).unwrap(), 10..10);
        assert_eq!(
            check_region(11, 0, 10),
            Err(RegionError::OutsideMemory {
                start: 11,
                end: 11,
                size: 10
            })
        );
    }
}
