//! One-sample Cramér–von Mises test, matching `scipy.stats.cramervonmises`.
//!
//! `W² = 1/(12n) + Σ ((2i−1)/(2n) − F(x_(i)))²`; p = `max(0, 1 − cdf_n(W²))`
//! with the finite-sample approximation of Csörgő & Faraway (1996), eq. 1.8:
//! `cdf_n(x) = V(x)·(1 + 1/(12n)) + ψ₁*(x)/n` on `1/(12n) < x < n/3`
//! (0 below, 1 above), where `V` is the asymptotic cdf (eq. 1.2) and `ψ₁*`
//! eq. 1.10 without its `V/12` term. Both series are summed exactly as scipy
//! does: term by term until a term's magnitude drops below 1e-7, so the
//! truncation matches too. Needs n ≥ 2.

use super::bessel::bessel_k;
use super::distributions::Continuous;
use super::error::{check_finite, check_len, StatsResult};
use super::ks::sorted;
use statrs::function::gamma::{gamma, ln_gamma};
use std::f64::consts::PI;

/// Result of the Cramér–von Mises test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvmResult {
    /// W² statistic.
    pub statistic: f64,
    /// p-value.
    pub pvalue: f64,
}

fn cdf_cvm_inf(x: f64) -> f64 {
    let mut tot = 0.0;
    let mut k = 0u32;
    loop {
        let kf = f64::from(k);
        let u = (ln_gamma(kf + 0.5) - ln_gamma(kf + 1.0)).exp() / (PI.powf(1.5) * x.sqrt());
        let y = 4.0 * kf + 1.0;
        let q = y * y / (16.0 * x);
        let z = u * y.sqrt() * (-q).exp() * bessel_k(0.25, q);
        tot += z;
        if z.is_nan() || z.abs() < 1e-7 || k > 10_000 {
            break;
        }
        k += 1;
    }
    tot
}

fn ed2(y: f64) -> f64 {
    let z = y * y / 4.0;
    let b = bessel_k(0.25, z) + bessel_k(0.75, z);
    (-z).exp() * (y / 2.0).powf(1.5) * b / PI.sqrt()
}

fn ed3(y: f64) -> f64 {
    let z = y * y / 4.0;
    let c = (-z).exp() / PI.sqrt();
    let kv = 2.0 * bessel_k(0.25, z) + 3.0 * bessel_k(0.75, z) - bessel_k(1.25, z);
    c * (y / 2.0).powf(2.5) * kv
}

fn a_k(k: f64, x: f64) -> f64 {
    let m = 2.0 * k + 1.0;
    let sx = 2.0 * x.sqrt();
    let y1 = x.powf(0.75);
    let y2 = x.powf(1.25);
    let g12 = gamma(k + 0.5);
    let g32 = gamma(k + 1.5);
    let e1 = m * g12 * ed2((4.0 * k + 3.0) / sx) / (9.0 * y1);
    let e2 = g12 * ed3((4.0 * k + 1.0) / sx) / (72.0 * y2);
    let e3 = 2.0 * (m + 2.0) * g32 * ed3((4.0 * k + 5.0) / sx) / (12.0 * y2);
    let e4 = 7.0 * m * g12 * ed2((4.0 * k + 1.0) / sx) / (144.0 * y1);
    let e5 = 7.0 * m * g12 * ed2((4.0 * k + 5.0) / sx) / (144.0 * y1);
    e1 + e2 + e3 + e4 + e5
}

fn psi1_mod(x: f64) -> f64 {
    let mut tot = 0.0;
    let mut k = 0u32;
    loop {
        let kf = f64::from(k);
        let z = -a_k(kf, x) / (PI * gamma(kf + 1.0));
        tot += z;
        if z.is_nan() || z.abs() < 1e-7 || k > 170 {
            break;
        }
        k += 1;
    }
    tot
}

/// Finite-sample cdf of W² (Csörgő & Faraway 1996).
pub fn cdf_cvm(x: f64, n: usize) -> f64 {
    let nf = n as f64;
    if x >= nf / 3.0 {
        return 1.0;
    }
    if x <= 1.0 / (12.0 * nf) {
        return 0.0;
    }
    cdf_cvm_inf(x) * (1.0 + 1.0 / (12.0 * nf)) + psi1_mod(x) / nf
}

/// `scipy.stats.cramervonmises(x, dist.cdf)`.
pub fn cramervonmises(x: &[f64], dist: &Continuous) -> StatsResult<CvmResult> {
    check_len("cramer-von mises test", 2, x.len())?;
    check_finite("x", x)?;
    let s = sorted(x);
    let n = s.len();
    let nf = n as f64;
    let mut w = 1.0 / (12.0 * nf);
    for (i, v) in s.iter().enumerate() {
        let u = (2.0 * (i + 1) as f64 - 1.0) / (2.0 * nf);
        let d = u - dist.cdf(*v);
        w += d * d;
    }
    let p = (1.0 - cdf_cvm(w, n)).max(0.0);
    Ok(CvmResult {
        statistic: w,
        pvalue: p,
    })
}
