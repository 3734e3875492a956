//! Typed errors for the statistics layer.
//!
//! Every statistic in [`crate::validate::stats`] returns `Result<_, StatsError>`
//! instead of a silent NaN: a check that cannot be computed becomes a failed
//! check with the error's message in the report.

use thiserror::Error;

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// Fewer observations than the statistic needs.
    #[error("{what} needs at least {needed} observations, got {got}")]
    TooFew {
        /// Name of the statistic.
        what: &'static str,
        /// Minimum sample size.
        needed: usize,
        /// Actual sample size.
        got: usize,
    },
    /// NaN or infinite values present.
    #[error("{count} non-finite value(s) (NaN or inf) in `{column}`")]
    NonFinite {
        /// Column (or argument) name.
        column: String,
        /// How many non-finite values.
        count: usize,
    },
    /// A column has zero variance where the statistic needs variation.
    #[error("{what} undefined: `{column}` is constant")]
    Constant {
        /// Name of the statistic.
        what: &'static str,
        /// Column (or argument) name.
        column: String,
    },
    /// Two inputs that must have equal lengths do not.
    #[error("length mismatch: {left} vs {right}")]
    LengthMismatch {
        /// Length of the first input.
        left: usize,
        /// Length of the second input.
        right: usize,
    },
    /// A distribution parameter or option is invalid.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// The design matrix of a regression is rank deficient.
    #[error("regression undefined: design matrix is singular (collinear regressors)")]
    Singular,
}

/// Shorthand result type.
pub type StatsResult<T> = Result<T, StatsError>;

/// Fails with [`StatsError::NonFinite`] if `xs` holds NaN or inf.
pub fn check_finite(column: &str, xs: &[f64]) -> StatsResult<()> {
    let count = xs.iter().filter(|v| !v.is_finite()).count();
    if count > 0 {
        return Err(StatsError::NonFinite {
            column: column.to_string(),
            count,
        });
    }
    Ok(())
}

/// Fails with [`StatsError::TooFew`] if `got < needed`.
pub fn check_len(what: &'static str, needed: usize, got: usize) -> StatsResult<()> {
    if got < needed {
        return Err(StatsError::TooFew { what, needed, got });
    }
    Ok(())
}
