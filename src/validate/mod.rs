//! Dataset validation, in three floors:
//!
//! - [`stats`]: the pure statistics (scipy-accurate, over plain slices; no IO, typed
//!   [`StatsError`]s instead of NaN). Knows nothing of specs.
//! - [`checks`]: the check language, one file per kind (params, semantic rules, per-block
//!   summary, evaluation, figure data, doc). A spec is written in it, so it sits upstream of
//!   `spec` in the layer table (`src/lib.rs`), with [`result`], the results it produces.
//! - the runner ([`evaluate`], [`document`]): a spec's `validation_requirements` against an
//!   Arrow `RecordBatch` → [`ValidationReport`], with the run-wide multiple-testing adjustment
//!   and the design document's metric names.

pub mod checks;
pub mod document;
pub mod evaluate;
pub mod result;
pub mod stats;

pub use checks::{problems, ColumnKind, ExpectedColumn, Problem, Requirement, ValidationSettings};
pub use evaluate::validate;
pub use result::{CheckResult, Status, ValidationReport, Violation, ViolationDetail};
pub use stats::{StatsError, StatsResult};
