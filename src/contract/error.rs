//! Errors of reading a spec into a contract: each names where in the YAML and how to fix it.

use std::path::PathBuf;

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

    #[error("`{}`:{line}:{column}: {message}", path.display())]
    Yaml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("`{at}`: {message}")]
    Invalid {
        at: String,
        message: String,
        hint: String,
    },
}

impl ContractError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| ContractError::Io { path, source }
    }

    /// A one-line suggestion, when there is one.
    pub fn hint(&self) -> Option<&str> {
        match self {
            ContractError::Invalid { hint, .. } if !hint.is_empty() => Some(hint),
            _ => None,
        }
    }
}
