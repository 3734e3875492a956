//! Every way a sandboxed run can stop, by name.
//!
//! A run either returns columns or one of these. Each variant carries the limit that was hit and
//! what was observed, so the CLI can print an actionable message and `--json` can report it.
//! Traps are classified by `downcast` to [`wasmtime::Trap`] and by the host's own records,
//! never by matching message text.

use std::path::PathBuf;
use std::time::Duration;

use super::violation::{TrapKind, Violation};

/// The phase of a run a deadline can expire in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The harness starting, before the host hands over the approved code.
    Startup,
    /// Everything the approved code does: its module body (default arguments, decorators,
    /// class bodies), the contract's function, the hand-over of its columns.
    Generation,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Startup => "start-up",
            Phase::Generation => "generation",
        })
    }
}

/// Which captured stream overflowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout,
    Stderr,
}

impl std::fmt::Display for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        })
    }
}

/// A Python exception raised by the approved code (or by the harness on its behalf).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PythonException {
    /// The exception's class name, e.g. `ZeroDivisionError`.
    pub exc_type: String,
    /// `str(exception)`, bounded.
    pub message: String,
    /// The traceback, trimmed to frames of the approved code, bounded.
    pub traceback: String,
}

/// Why the sandbox stopped a run, or could not start one.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("the guest ran out of fuel after `{limit}` instructions")]
    OutOfFuel { limit: u64 },

    #[error("the guest passed its `{limit:?}` deadline during {phase}")]
    Deadline { phase: Phase, limit: Duration },

    #[error("the guest asked for `{requested}` bytes of linear memory; the cap is `{limit}`")]
    MemoryLimit { limit: u64, requested: u64 },

    #[error("the guest wrote more than `{limit}` bytes to {stream}")]
    OutputLimit { stream: Stream, limit: usize },

    #[error("the result needs `{requested}` bytes; the cap is `{limit}`")]
    ResultLimit { limit: u64, requested: u64 },

    #[error("the guest trapped: {trap}")]
    GuestTrap { trap: TrapKind },

    #[error("the guest exited with status `{code}` before returning its columns")]
    GuestExit { code: i32 },

    #[error("the generator raised {}: {}", .0.exc_type, .0.message)]
    PythonException(Box<PythonException>),

    #[error("the guest returned a bad result: {violation}")]
    BadResult { violation: Violation },

    #[error("the Python runtime is missing or damaged at `{}`: {reason}", path.display())]
    Runtime { path: PathBuf, reason: String },

    #[error("could not fetch the Python runtime: {reason}")]
    Fetch { reason: String },

    #[error("I/O error on `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("wasmtime failed while {during}: {message}")]
    Engine {
        during: &'static str,
        message: String,
    },
}

impl SandboxError {
    /// True for stops caused by what the guest did (as opposed to the host's own set-up).
    pub fn is_guest_stop(&self) -> bool {
        !matches!(
            self,
            SandboxError::Runtime { .. }
                | SandboxError::Fetch { .. }
                | SandboxError::Io { .. }
                | SandboxError::Engine { .. }
        )
    }

    /// A stable, machine-readable name for the stop (used in JSON output and experiment records).
    pub fn kind(&self) -> &'static str {
        match self {
            SandboxError::OutOfFuel { .. } => "out_of_fuel",
            SandboxError::Deadline { .. } => "deadline",
            SandboxError::MemoryLimit { .. } => "memory_limit",
            SandboxError::OutputLimit { .. } => "output_limit",
            SandboxError::ResultLimit { .. } => "result_limit",
            SandboxError::GuestTrap { .. } => "guest_trap",
            SandboxError::GuestExit { .. } => "guest_exit",
            SandboxError::PythonException(_) => "python_exception",
            SandboxError::BadResult { .. } => "bad_result",
            SandboxError::Runtime { .. } => "runtime",
            SandboxError::Fetch { .. } => "fetch",
            SandboxError::Io { .. } => "io",
            SandboxError::Engine { .. } => "engine",
        }
    }

    pub(crate) fn engine(during: &'static str, e: impl std::fmt::Display) -> Self {
        SandboxError::Engine {
            during,
            message: format!("{e:#}"),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| SandboxError::Io { path, source }
    }

    pub(crate) fn bad(violation: Violation) -> Self {
        SandboxError::BadResult { violation }
    }

    /// The protocol rule or bound broken, for a `BadResult`.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            SandboxError::BadResult { violation } => Some(violation),
            _ => None,
        }
    }
}
