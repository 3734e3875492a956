//! Linear regression.
//!
//! * [`linregress`] matches `scipy.stats.linregress` (slope, intercept, r,
//!   two-sided p from Student t with `n-2` df, slope and intercept standard
//!   errors; `TINY = 1e-20` guard exactly as scipy; `n == 2` gives p = 0/1 and
//!   zero standard errors).
//! * [`ols`] is ordinary least squares with an intercept for several
//!   regressors, solved by Householder QR (the reference is
//!   `numpy.linalg.lstsq`, standard errors `sqrt(diag(σ² (XᵀX)⁻¹))` with
//!   `σ² = RSS/(n-p)` as statsmodels' OLS).
//!
//! Constant regressors/responses are errors, never NaN.

use super::distributions::t_two_sided_p;
use super::error::{check_finite, check_len, StatsError, StatsResult};

/// Result of a simple linear regression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinregressResult {
    /// Fitted slope.
    pub slope: f64,
    /// Fitted intercept.
    pub intercept: f64,
    /// Pearson correlation coefficient.
    pub rvalue: f64,
    /// Two-sided p-value for slope = 0.
    pub pvalue: f64,
    /// Standard error of the slope.
    pub stderr: f64,
    /// Standard error of the intercept.
    pub intercept_stderr: f64,
}

/// Accurate, fast sum: 8 independent lanes within blocks of 1024 values,
/// blocks combined pairwise (error ~ eps·log2(n/1024)·Σ|x|, like numpy's
/// pairwise summation).
pub fn sum(xs: &[f64]) -> f64 {
    const BLOCK: usize = 1024;
    if xs.len() <= BLOCK {
        let mut lanes = [0.0_f64; 8];
        let mut chunks = xs.chunks_exact(8);
        for c in &mut chunks {
            for (l, v) in lanes.iter_mut().zip(c) {
                *l += v;
            }
        }
        let tail: f64 = chunks.remainder().iter().sum();
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
            + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
            + tail;
    }
    let half = (xs.len() / 2).div_ceil(BLOCK) * BLOCK;
    sum(&xs[..half]) + sum(&xs[half..])
}

/// Arithmetic mean (see [`sum`]).
pub fn mean(xs: &[f64]) -> f64 {
    sum(xs) / xs.len() as f64
}

/// Centred co-moments `(Σdx², Σdx·dy, Σdy²)` about the given means, 4 lanes.
pub fn comoments(x: &[f64], y: &[f64], xm: f64, ym: f64) -> (f64, f64, f64) {
    let (mut sxx, mut sxy, mut syy) = ([0.0_f64; 4], [0.0_f64; 4], [0.0_f64; 4]);
    let mut cx = x.chunks_exact(4);
    let mut cy = y.chunks_exact(4);
    for (a, b) in (&mut cx).zip(&mut cy) {
        for l in 0..4 {
            let (dx, dy) = (a[l] - xm, b[l] - ym);
            sxx[l] += dx * dx;
            sxy[l] += dx * dy;
            syy[l] += dy * dy;
        }
    }
    let (mut tx, mut txy, mut ty) = (0.0, 0.0, 0.0);
    for (a, b) in cx.remainder().iter().zip(cy.remainder()) {
        let (dx, dy) = (a - xm, b - ym);
        tx += dx * dx;
        txy += dx * dy;
        ty += dy * dy;
    }
    let red = |v: [f64; 4], t: f64| (v[0] + v[1]) + (v[2] + v[3]) + t;
    (red(sxx, tx), red(sxy, txy), red(syy, ty))
}

/// `scipy.stats.linregress(x, y)`.
pub fn linregress(x: &[f64], y: &[f64]) -> StatsResult<LinregressResult> {
    if x.len() != y.len() {
        return Err(StatsError::LengthMismatch {
            left: x.len(),
            right: y.len(),
        });
    }
    check_len("linear regression", 2, x.len())?;
    check_finite("x", x)?;
    check_finite("y", y)?;
    let n = x.len() as f64;
    let (xm, ym) = (mean(x), mean(y));
    // Sequential accumulation on purpose: for near-perfect fits 1 − r² is
    // ill-conditioned and this order reproduces numpy's cov on the fixtures.
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let (dx, dy) = (a - xm, b - ym);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    let (ssxm, ssxym, ssym) = (sxx / n, sxy / n, syy / n);
    if ssxm == 0.0 {
        return Err(StatsError::Constant {
            what: "regression",
            column: "x".into(),
        });
    }
    if ssym == 0.0 {
        return Err(StatsError::Constant {
            what: "regression",
            column: "y".into(),
        });
    }
    let r = (ssxym / (ssxm * ssym).sqrt()).clamp(-1.0, 1.0);
    let slope = ssxym / ssxm;
    let intercept = ym - slope * xm;
    if x.len() == 2 {
        let p = if y[0] == y[1] { 1.0 } else { 0.0 };
        return Ok(LinregressResult {
            slope,
            intercept,
            rvalue: r,
            pvalue: p,
            stderr: 0.0,
            intercept_stderr: 0.0,
        });
    }
    const TINY: f64 = 1.0e-20;
    let df = n - 2.0;
    let t = r * (df / ((1.0 - r + TINY) * (1.0 + r + TINY))).sqrt();
    let p = t_two_sided_p(t, df);
    let stderr = ((1.0 - r * r) * ssym / ssxm / df).sqrt();
    let intercept_stderr = stderr * (ssxm + xm * xm).sqrt();
    Ok(LinregressResult {
        slope,
        intercept,
        rvalue: r,
        pvalue: p,
        stderr,
        intercept_stderr,
    })
}

/// Result of a multiple regression `y = b0 + b1 x1 + ... + bk xk`.
#[derive(Debug, Clone, PartialEq)]
pub struct OlsResult {
    /// Intercept followed by one coefficient per regressor.
    pub coefficients: Vec<f64>,
    /// Standard errors, same order.
    pub std_errors: Vec<f64>,
    /// Coefficient of determination.
    pub r_squared: f64,
    /// Residual sum of squares.
    pub rss: f64,
}

/// OLS with intercept; `xs` holds one slice per regressor.
pub fn ols(xs: &[&[f64]], y: &[f64]) -> StatsResult<OlsResult> {
    let n = y.len();
    let p = xs.len() + 1;
    for (i, x) in xs.iter().enumerate() {
        if x.len() != n {
            return Err(StatsError::LengthMismatch {
                left: x.len(),
                right: n,
            });
        }
        check_finite(&format!("x{}", i + 1), x)?;
    }
    check_finite("y", y)?;
    check_len("multiple regression", p + 1, n)?;
    // Column-major design matrix with centred regressors for conditioning;
    // the intercept is recovered afterwards.
    let means: Vec<f64> = xs.iter().map(|x| mean(x)).collect();
    let ym = mean(y);
    let k = xs.len();
    let mut a: Vec<Vec<f64>> = xs
        .iter()
        .zip(&means)
        .map(|(x, m)| x.iter().map(|v| v - m).collect())
        .collect();
    for (i, col) in a.iter().enumerate() {
        if col.iter().all(|v| *v == 0.0) {
            return Err(StatsError::Constant {
                what: "regression",
                column: format!("x{}", i + 1),
            });
        }
    }
    let mut b: Vec<f64> = y.iter().map(|v| v - ym).collect();
    let tss: f64 = b.iter().map(|v| v * v).sum();
    if tss == 0.0 {
        return Err(StatsError::Constant {
            what: "regression",
            column: "y".into(),
        });
    }
    // Householder QR on the centred k columns.
    let mut r = vec![0.0; k * k];
    for j in 0..k {
        let norm: f64 = a[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        let scale_ref = a[j][j..].iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        if norm == 0.0 || norm <= 1e-12 * scale_ref.max(f64::MIN_POSITIVE) {
            return Err(StatsError::Singular);
        }
        let alpha = if a[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[j][j..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 == 0.0 {
            return Err(StatsError::Singular);
        }
        let reflect = |col: &mut [f64]| {
            let dot: f64 = col.iter().zip(&v).map(|(c, w)| c * w).sum();
            let f = 2.0 * dot / vnorm2;
            for (c, w) in col.iter_mut().zip(&v) {
                *c -= f * w;
            }
        };
        for col in a.iter_mut().skip(j) {
            reflect(&mut col[j..]);
        }
        reflect(&mut b[j..]);
        for (i, col) in a.iter().enumerate().skip(j) {
            r[j * k + i] = col[j];
        }
    }
    // Check conditioning of R.
    let maxdiag = (0..k).map(|i| r[i * k + i].abs()).fold(0.0, f64::max);
    if (0..k).any(|i| r[i * k + i].abs() <= 1e-10 * maxdiag) {
        return Err(StatsError::Singular);
    }
    // Back-substitute R beta = Qᵀb.
    let mut beta = vec![0.0; k];
    for i in (0..k).rev() {
        let mut s = b[i];
        for j in (i + 1)..k {
            s -= r[i * k + j] * beta[j];
        }
        beta[i] = s / r[i * k + i];
    }
    let rss: f64 = b[k..].iter().map(|v| v * v).sum();
    let dof = (n - p) as f64;
    let sigma2 = rss / dof;
    // Rinv (upper triangular).
    let mut rinv = vec![0.0; k * k];
    for i in 0..k {
        rinv[i * k + i] = 1.0 / r[i * k + i];
        for j in (i + 1)..k {
            let mut s = 0.0;
            for l in i..j {
                s -= rinv[i * k + l] * r[l * k + j];
            }
            rinv[i * k + j] = s / r[j * k + j];
        }
    }
    // cov(beta) = sigma2 * Rinv Rinvᵀ
    let cov = |i: usize, j: usize| -> f64 {
        (i.max(j)..k)
            .map(|l| rinv[i * k + l] * rinv[j * k + l])
            .sum::<f64>()
            * sigma2
    };
    let mut coefficients = Vec::with_capacity(p);
    let b0 = ym - beta.iter().zip(&means).map(|(b, m)| b * m).sum::<f64>();
    coefficients.push(b0);
    coefficients.extend(&beta);
    // Var(b0) = sigma2/n + m' Cov(beta) m (centred parameterisation).
    let mut var0 = sigma2 / n as f64;
    for i in 0..k {
        for j in 0..k {
            var0 += means[i] * means[j] * cov(i, j);
        }
    }
    let mut std_errors = vec![var0.sqrt()];
    std_errors.extend((0..k).map(|i| cov(i, i).sqrt()));
    Ok(OlsResult {
        coefficients,
        std_errors,
        r_squared: 1.0 - rss / tss,
        rss,
    })
}
