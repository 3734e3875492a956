//! Chi-square goodness of fit.
//!
//! * [`chisquare`] = `scipy.stats.chisquare(f_obs, f_exp, ddof)`: statistic
//!   `Σ (o-e)²/e`, p = `chi2.sf(stat, k-1-ddof)`.
//! * [`discrete_gof`]: observed integer data against a [`Discrete`]
//!   distribution with bins pooled so every expected count is ≥ 5.
//!
//! # Pooling algorithm (mirrored in `tests/fixtures/validate/make_refs.py`)
//! 1. Values must be integers in the support; otherwise an error.
//! 2. Cells are the support values `lo..=hi` where `lo` = support minimum and
//!    `hi` = the largest observed value (capped at the support maximum). The
//!    last cell is the upper tail `X >= hi` with expected `n·P(X >= hi)`, so
//!    expected counts sum to `n`; the others have `n·pmf(k)`.
//! 3. Left to right, cells are accumulated into the current bin until its
//!    expected count is ≥ 5, then the bin is closed.
//! 4. A trailing open bin with expected < 5 is merged into the previous bin.
//! 5. Fewer than 2 bins after pooling is an error (no degrees of freedom).
//!
//! Effect size: [`Chi2Result::cramers_v`] is Cramér's V for goodness of fit,
//! `sqrt(stat / (n·(k-1)))` with k the number of (pooled) cells; it is what
//! `categorical_frequency` reports. `distribution_test` with `chisquare`
//! reports `sqrt(stat / n)` instead (computed by the caller, not here).

use super::distributions::{chi2_sf, Discrete};
use super::error::{check_finite, StatsError, StatsResult};

/// Result of a chi-square test.
#[derive(Debug, Clone, PartialEq)]
pub struct Chi2Result {
    /// Pearson's chi-square statistic.
    pub statistic: f64,
    /// p-value.
    pub pvalue: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// Cramér's V for goodness of fit, `sqrt(statistic / (n·(k-1)))`.
    pub cramers_v: f64,
    /// Observed counts per (pooled) bin.
    pub observed: Vec<f64>,
    /// Expected counts per (pooled) bin.
    pub expected: Vec<f64>,
}

/// `scipy.stats.chisquare(obs, exp, ddof)`.
pub fn chisquare(obs: &[f64], exp: &[f64], ddof: usize) -> StatsResult<Chi2Result> {
    if obs.len() != exp.len() {
        return Err(StatsError::LengthMismatch {
            left: obs.len(),
            right: exp.len(),
        });
    }
    check_finite("observed", obs)?;
    check_finite("expected", exp)?;
    let k = obs.len();
    if k < 2 + ddof {
        return Err(StatsError::TooFew {
            what: "chi-square test (categories)",
            needed: 2 + ddof,
            got: k,
        });
    }
    if let Some(e) = exp.iter().find(|e| **e <= 0.0) {
        return Err(StatsError::InvalidParameter(format!(
            "expected counts must be > 0, got {e}"
        )));
    }
    let (so, se): (f64, f64) = (obs.iter().sum(), exp.iter().sum());
    if ((so - se) / so.max(se)).abs() > 1e-8 {
        return Err(StatsError::InvalidParameter(format!(
            "observed total {so} and expected total {se} differ"
        )));
    }
    let stat: f64 = obs
        .iter()
        .zip(exp)
        .map(|(o, e)| (o - e) * (o - e) / e)
        .sum();
    let df = k - 1 - ddof;
    Ok(Chi2Result {
        statistic: stat,
        pvalue: chi2_sf(stat, df as f64),
        df,
        cramers_v: (stat / (so * (k as f64 - 1.0))).sqrt(),
        observed: obs.to_vec(),
        expected: exp.to_vec(),
    })
}

/// Pooled bins: (observed, expected) per bin.
pub fn pool_bins(values: &[f64], dist: &Discrete) -> StatsResult<(Vec<f64>, Vec<f64>)> {
    check_finite("x", values)?;
    if values.is_empty() {
        return Err(StatsError::TooFew {
            what: "chi-square goodness of fit",
            needed: 1,
            got: 0,
        });
    }
    // One fused pass: validate (integer, in support), count, track the max.
    let lo = dist.support_min();
    let smax = dist.support_max().unwrap_or(u64::MAX);
    let mut counts: Vec<f64> = Vec::new();
    let mut bad = 0usize;
    let mut maxk = lo;
    for &v in values {
        let k = v as u64; // saturating; negative → 0
        if k as f64 != v || k < lo || k > smax {
            bad += 1;
            continue;
        }
        let idx = (k - lo) as usize;
        if idx >= counts.len() {
            if idx > 10_000_000 {
                return Err(StatsError::InvalidParameter(format!(
                    "value {k} is too large for binned chi-square (max 1e7 cells)"
                )));
            }
            counts.resize(idx + 1, 0.0);
        }
        counts[idx] += 1.0;
        maxk = maxk.max(k);
    }
    if bad > 0 {
        return Err(StatsError::InvalidParameter(format!(
            "{bad} value(s) are not integers in the support of the distribution"
        )));
    }
    let hi = maxk;
    counts.truncate((hi - lo + 1) as usize);
    let n = values.len() as f64;
    let mut cells_exp: Vec<f64> = (lo..hi).map(|k| n * dist.pmf(k)).collect();
    cells_exp.push(n * dist.sf_ge(hi));
    let (mut obs, mut exp) = (Vec::new(), Vec::new());
    let (mut co, mut ce) = (0.0, 0.0);
    for (o, e) in counts.iter().zip(&cells_exp) {
        co += o;
        ce += e;
        if ce >= 5.0 {
            obs.push(co);
            exp.push(ce);
            co = 0.0;
            ce = 0.0;
        }
    }
    if ce > 0.0 || co > 0.0 {
        match (obs.last_mut(), exp.last_mut()) {
            (Some(lo_), Some(le)) => {
                *lo_ += co;
                *le += ce;
            }
            _ => {
                obs.push(co);
                exp.push(ce);
            }
        }
    }
    Ok((obs, exp))
}

/// Chi-square goodness of fit of integer data to a discrete distribution.
pub fn discrete_gof(values: &[f64], dist: &Discrete) -> StatsResult<Chi2Result> {
    let (obs, exp) = pool_bins(values, dist)?;
    if obs.len() < 2 {
        return Err(StatsError::TooFew {
            what: "chi-square goodness of fit (pooled bins with expected >= 5)",
            needed: 2,
            got: obs.len(),
        });
    }
    chisquare(&obs, &exp, 0)
}
