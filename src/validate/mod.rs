//! Dataset validation: pure statistics (scipy-accurate) and the evaluation of
//! a spec's `validation_requirements` against an Arrow `RecordBatch`.
//!
//! Statistics modules have no IO and return typed [`StatsError`]s instead of
//! NaN. See each module's doc for the scipy function it mirrors.

pub mod anderson;
pub mod bessel;
pub mod chi2;
pub mod correlation;
pub mod cvm;
pub mod data;
pub mod distributions;
pub mod document;
pub mod error;
pub mod evaluate;
pub mod gamma_inc;
pub mod kolmogorov;
pub mod ks;
pub mod multiple;
pub mod ndtr;
pub mod regression;
pub mod requirement;
pub mod result;
pub mod sort;

pub use error::{StatsError, StatsResult};
pub use evaluate::validate;
pub use requirement::{
    problems, ColumnKind, ExpectedColumn, Problem, Requirement, ValidationSettings,
};
pub use result::{CheckResult, Status, ValidationReport, Violation, ViolationDetail};
