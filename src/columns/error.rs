//! Errors of the columns stage.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ColumnError {
    #[error("column `{column}` is malformed: {reason}")]
    BadColumn { column: String, reason: String },

    #[error("the columns do not form a table: {reason}")]
    BadBatch { reason: String },

    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot read the dataset `{}`: {reason}", path.display())]
    Read { path: PathBuf, reason: String },

    #[error("cannot encode {format} for `{}`: {reason}", path.display())]
    Encode {
        format: &'static str,
        path: PathBuf,
        reason: String,
    },
}

impl ColumnError {
    pub(crate) fn bad(column: &str, reason: impl Into<String>) -> Self {
        ColumnError::BadColumn {
            column: column.to_string(),
            reason: reason.into(),
        }
    }
}
