//! Typed errors of [`crate::check::check`]: the source could not be checked at all.

use thiserror::Error;

/// Why a source could not be checked (as opposed to checked and found wanting).
#[derive(Debug, Clone, PartialEq, Eq, Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckError {
    /// The parser rejected the source. `line`/`column` are 1-based, column in chars.
    /// `construct` names a recognised unsupported construct (e.g. `"pep701-fstring"`).
    #[error("syntax error at {line}:{column}: {message}")]
    Syntax {
        line: u32,
        column: u32,
        message: String,
        construct: Option<String>,
    },
    /// The source is larger than the checker accepts.
    #[error("source is {bytes} bytes, the checker accepts at most {limit}")]
    TooLarge { bytes: usize, limit: usize },
    /// A bug in the checker (worker thread panicked). Treat as a refusal.
    #[error("internal checker error: {message}")]
    Internal { message: String },
}
