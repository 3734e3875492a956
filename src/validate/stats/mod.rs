//! The pure statistics: scipy-accurate tests, fits and distributions over plain `f64` slices.
//!
//! This room knows nothing of specs, contracts, Arrow or reports (`tests/it/architecture.rs`
//! walls it in: it imports nothing from the crate). Each module's doc names the scipy function
//! it mirrors; every function returns a typed [`StatsError`] instead of a silent NaN.

pub mod anderson;
pub mod bessel;
pub mod chi2;
pub mod correlation;
pub mod cvm;
pub mod distributions;
pub mod error;
pub mod gamma_inc;
pub mod kolmogorov;
pub mod ks;
pub mod multiple;
pub mod ndtr;
pub mod regression;
pub mod sort;

pub use error::{StatsError, StatsResult};
