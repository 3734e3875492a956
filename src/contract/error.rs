//! Errors of turning a spec file into a contract: unreadable, too large, not UTF-8, or invalid
//! (with every diagnostic), and run requests the contract does not allow.

use std::path::PathBuf;

use crate::spec::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("cannot read `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("`{}` is {bytes} bytes; specs are limited to {limit}", path.display())]
    TooLarge {
        path: PathBuf,
        bytes: u64,
        limit: u64,
    },

    #[error("`{}`:{line}:{column}: the file is not UTF-8", path.display())]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },

    #[error("`{}` is not a valid spec ({} problem{})", path.display(), diagnostics.len(), if diagnostics.len() == 1 { "" } else { "s" })]
    Invalid {
        path: PathBuf,
        /// The spec text, for rendering the diagnostics with their source lines.
        text: String,
        diagnostics: Vec<Diagnostic>,
    },

    #[error("{requested} rows requested; the contract allows {min}..={max}")]
    Rows { requested: u64, min: u64, max: u64 },
}

impl ContractError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| ContractError::Io { path, source }
    }

    /// A one-line suggestion, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            ContractError::Rows { .. } => {
                Some("pass --rows within the bounds, or widen `num_samples` in the spec".into())
            }
            ContractError::NotUtf8 { .. } => Some("save the file as UTF-8".into()),
            ContractError::TooLarge { .. } => {
                Some("a spec is a few kilobytes; is this the right file?".into())
            }
            ContractError::Invalid { path, .. } => Some(format!(
                "`sdg spec check {}` shows every problem",
                path.display()
            )),
            ContractError::Io { .. } => None,
        }
    }

    /// The rendered diagnostics, for `Invalid`.
    pub fn rendered(&self) -> Option<String> {
        match self {
            ContractError::Invalid {
                path,
                text,
                diagnostics,
            } => Some(crate::spec::render(
                text,
                &path.display().to_string(),
                diagnostics,
            )),
            _ => None,
        }
    }
}
