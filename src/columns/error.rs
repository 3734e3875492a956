//! Errors of the columns stage.

use std::path::PathBuf;

/// What is wrong with one column's buffers (or, when reading a dataset, with the file's column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnProblem {
    #[error("does not match the contract's output")]
    NotTheContractsColumn,
    #[error("size overflows")]
    SizeOverflow,
    #[error("buffer holds {got} bytes; {values} values need {want}")]
    BufferSize {
        got: usize,
        values: usize,
        want: usize,
    },
    #[error("buffer is not aligned")]
    Misaligned,
    #[error("row {row} holds byte {byte} where a bool (0 or 1) belongs")]
    NotABool { row: usize, byte: u8 },
    #[error("utf8 without offsets")]
    MissingOffsets,
    #[error("negative first offset {offset}")]
    NegativeFirstOffset { offset: i32 },
    #[error("offsets decrease at row {row} ({from} then {to})")]
    OffsetsDecrease { row: usize, from: i32, to: i32 },
    #[error("the last offset {end} lies past the {data} bytes of data")]
    OffsetsPastData { end: usize, data: usize },
    #[error("invalid UTF-8 at byte {at}")]
    InvalidUtf8 { at: usize },
    #[error("row {row} starts inside a UTF-8 character (byte {offset})")]
    SplitCharacter { row: usize, offset: usize },
    #[error("row {row} has category code {code}; the contract lists {categories}")]
    CategoryCode {
        row: usize,
        code: i32,
        categories: usize,
    },
    #[error("nulls claimed without a validity bitmap ({claimed})")]
    NullsWithoutBitmap { claimed: usize },
    #[error("a validity bitmap on a non-nullable column")]
    BitmapOnNonNullable,
    #[error("validity bitmap is {got} bytes; {rows} rows need {want}")]
    BitmapSize {
        got: usize,
        rows: usize,
        want: usize,
    },
    #[error("claims {claimed} nulls; the bitmap has {found}")]
    NullCount { claimed: usize, found: usize },
    /// Arrow's own checked constructor refused the array (after every check above passed).
    #[error("{message}")]
    Arrow { message: String },
    /// A dataset file's column cannot be read as the contract's (see `read`).
    #[error("{reason}")]
    File { reason: String },
}

/// Why the columns do not form one table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchProblem {
    #[error("{columns} columns for {outputs} outputs")]
    ColumnCount { columns: usize, outputs: usize },
    /// Arrow's `RecordBatch::try_new` refused the arrays.
    #[error("{message}")]
    Arrow { message: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ColumnError {
    #[error("column `{column}` is malformed: {problem}")]
    BadColumn {
        column: String,
        problem: ColumnProblem,
    },

    #[error("the columns do not form a table: {problem}")]
    BadBatch { problem: BatchProblem },

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
    pub(crate) fn column(column: &str, problem: ColumnProblem) -> Self {
        ColumnError::BadColumn {
            column: column.to_string(),
            problem,
        }
    }

    /// A dataset file's column that cannot be read as the contract's.
    pub(crate) fn bad(column: &str, reason: impl Into<String>) -> Self {
        Self::column(
            column,
            ColumnProblem::File {
                reason: reason.into(),
            },
        )
    }
}
