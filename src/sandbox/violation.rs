//! What a guest result or a guest stop was, by name: the protocol rule or bound a
//! [`SandboxError::BadResult`](super::SandboxError::BadResult) broke, and the trap behind a
//! [`SandboxError::GuestTrap`](super::SandboxError::GuestTrap).
//!
//! Each variant carries the values the host saw, so callers (tests, `--json`, the CLI) match on
//! the variant and its fields, never on message text; `Display` stays a readable sentence.

use super::protocol::ColumnType;

/// Why a region `[ptr, ptr + len)` of guest memory was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("region [{ptr}, +{len}) overflows")]
    Overflow { ptr: u64, len: u64 },
    #[error("region [{start}, {end}) lies outside guest memory of {size} bytes")]
    OutsideMemory { start: u64, end: u64, size: u64 },
    #[error("address {value} does not fit this host's address space")]
    TooLarge { value: u64 },
}

/// One of a column's buffers, as named in the `column` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferKind {
    Values,
    Validity,
    Offsets,
}

impl std::fmt::Display for BufferKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BufferKind::Values => "values buffer",
            BufferKind::Validity => "validity bitmap",
            BufferKind::Offsets => "offsets buffer",
        })
    }
}

/// The rule of the door protocol, or the bound, a guest broke (see `protocol` and `door`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("the code is {bytes} bytes; the limit is {limit}")]
    CodeTooLarge { bytes: usize, limit: usize },

    #[error("cannot encode the hello answer: {reason}")]
    HelloEncoding { reason: String },

    #[error("more than {limit} door frames")]
    TooManyFrames { limit: u32 },

    #[error("a frame arrived after the run ended")]
    FrameAfterEnd,

    #[error("a {bytes}-byte frame exceeds the {limit}-byte frame limit")]
    FrameTooLarge { bytes: u64, limit: u32 },

    #[error("frame: {0}")]
    FrameRegion(RegionError),

    #[error("unreadable frame: {reason}")]
    UnreadableFrame { reason: String },

    #[error("the harness speaks protocol {guest}; the host speaks {host}")]
    ProtocolVersion { guest: u32, host: u32 },

    #[error("`{op}` frame out of order (stage {stage})")]
    OutOfOrder {
        op: &'static str,
        stage: &'static str,
    },

    #[error("an error frame arrived before the code was sent")]
    ErrorBeforeCode,

    #[error("`done` after {received} of {expected} columns (the frame claims {claimed})")]
    EarlyDone {
        received: usize,
        expected: usize,
        claimed: u32,
    },

    #[error("more columns than the contract has outputs (`{name}` as #{index})")]
    ExtraColumn { index: u32, name: String },

    #[error("column #{index} `{name}` arrived where #{due_index} `{due_name}` was due")]
    ColumnOutOfPlace {
        index: u32,
        name: String,
        due_index: usize,
        due_name: String,
    },

    #[error("column `{column}` is {}; the contract says {}", .got.name(), .want.name())]
    DtypeMismatch {
        column: String,
        got: ColumnType,
        want: ColumnType,
    },

    #[error("column `{column}` has {got} rows; the contract asked for {want}")]
    RowCount { column: String, got: u64, want: u64 },

    #[error("column `{column}` claims {nulls} nulls in {rows} rows")]
    TooManyNulls {
        column: String,
        nulls: u64,
        rows: u64,
    },

    #[error("column `{column}` has {nulls} nulls but is not nullable")]
    NullsNotAllowed { column: String, nulls: u64 },

    #[error("column `{column}`: a validity bitmap must come exactly when there are nulls (it claims {nulls})")]
    ValidityPresence { column: String, nulls: u64 },

    #[error("column `{column}`: sizes overflow")]
    SizeOverflow { column: String },

    #[error("column `{column}`: {buffer} is {got} bytes; {rows} rows need {want}")]
    BufferSize {
        column: String,
        buffer: BufferKind,
        rows: u64,
        got: u64,
        want: u64,
    },

    #[error("column `{column}`: utf8 needs offsets")]
    MissingOffsets { column: String },

    #[error("column `{column}`: only utf8 columns have offsets")]
    UnexpectedOffsets { column: String },

    #[error("column `{column}`: {buffer}: {region}")]
    BufferRegion {
        column: String,
        buffer: BufferKind,
        region: RegionError,
    },

    #[error("the guest exports no {export}")]
    MissingExport { export: &'static str },

    #[error("cannot place the host's answer: {reason}")]
    AnswerNotPlaced { reason: String },

    #[error("the harness ended without handing over every column{}", stderr_suffix(.stderr_tail))]
    Incomplete { stderr_tail: String },
}

fn stderr_suffix(tail: &str) -> String {
    if tail.is_empty() {
        String::new()
    } else {
        format!("; its stderr ends with:\n{tail}")
    }
}

/// What stopped the guest when it trapped, classified by the host (never by message text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrapKind {
    /// A wasm trap, with wasmtime's code (stack overflow, unreachable, out-of-bounds...).
    #[error("{0}")]
    Wasm(wasmtime::Trap),
    /// The store's limiter refused to grow a table past [`RunLimits::table_elements`](super::RunLimits::table_elements).
    #[error("a table needs {requested} elements; the cap is {limit}")]
    TableLimit { limit: usize, requested: usize },
    /// The snapshot could not be instantiated within the store's limits (instances, tables,
    /// memories) or at all.
    #[error("instantiation failed: {message}")]
    Instantiation { message: String },
    /// Any other error that unwound the guest (a host function's failure).
    #[error("{message}")]
    Other { message: String },
}

impl TrapKind {
    /// wasmtime's trap code, when this was a wasm trap.
    pub fn code(&self) -> Option<wasmtime::Trap> {
        match self {
            TrapKind::Wasm(t) => Some(*t),
            _ => None,
        }
    }
}
