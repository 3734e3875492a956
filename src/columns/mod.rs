//! Columns: guest buffers become checked Arrow arrays, and datasets are written to disk.
//!
//! The sandbox hands over raw buffers whose sizes it checked; here their *contents* are checked
//! while the arrays are built: offsets monotonic and in range, text valid UTF-8, booleans 0 or 1,
//! category codes inside the contract's list, the claimed null count equal to the bitmap's.
//! Only checked constructors are used on guest data (never `new_unchecked`). Datasets are read
//! back (for `sdg validate` and `sdg compare`) with the contract's types.

mod build;
mod error;
mod read;
mod write;

pub use build::{to_array, to_batch};
pub use error::{BatchProblem, ColumnError, ColumnProblem};
pub use read::{format_of, read_dataset, MAX_READ_BYTES};
pub use write::{stage_dataset, write_dataset, DatasetFile, Format, StagedDataset};
