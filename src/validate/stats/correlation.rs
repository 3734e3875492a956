//! Correlation coefficients matching scipy 1.17.
//!
//! * [`pearsonr`]: r from max-abs-normalised centred vectors; p = `2·sf(|r|)`
//!   of `Beta(n/2-1, n/2-1)` on [-1, 1] (scipy's exact null distribution);
//!   `n == 2` gives r = ±1, p = 1.
//! * [`pearson_ci`]: Fisher-z interval, `tanh(atanh(r) ± z_{(1+c)/2}/sqrt(n-3))`
//!   as `pearsonr(...).confidence_interval(c)`.
//! * [`spearmanr`]: Pearson on average ranks, p from Student t with `n-2` df.
//! * [`kendalltau`]: tau-b; p exact (Kendall's recurrence) when there are no
//!   ties and `n <= 33` or `min(dis, tot-dis) <= 1` (scipy's `method='auto'`),
//!   else the tie-corrected normal approximation. O(n log n) via merge sort.

use super::distributions::t_two_sided_p;
use super::error::{check_finite, check_len, StatsError, StatsResult};
use super::ndtr::erfc;
use super::regression::{comoments, mean};
use statrs::function::beta::beta_reg;
use statrs::function::erf::erfc_inv;

/// A correlation coefficient with its two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrResult {
    /// The coefficient.
    pub statistic: f64,
    /// Two-sided p-value for "no association".
    pub pvalue: f64,
}

fn pair_checks(what: &'static str, x: &[f64], y: &[f64], min: usize) -> StatsResult<()> {
    if x.len() != y.len() {
        return Err(StatsError::LengthMismatch {
            left: x.len(),
            right: y.len(),
        });
    }
    check_len(what, min, x.len())?;
    check_finite("x", x)?;
    check_finite("y", y)
}

fn centred_unit(what: &'static str, name: &str, v: &[f64]) -> StatsResult<Vec<f64>> {
    let m = mean(v);
    let mut c: Vec<f64> = v.iter().map(|a| a - m).collect();
    let mx = c.iter().fold(0.0_f64, |a, b| a.max(b.abs()));
    if mx == 0.0 {
        return Err(StatsError::Constant {
            what,
            column: name.to_string(),
        });
    }
    let norm = mx * c.iter().map(|a| (a / mx) * (a / mx)).sum::<f64>().sqrt();
    c.iter_mut().for_each(|a| *a /= norm);
    Ok(c)
}

/// Pearson's r between two equal-length samples: one pass over centred
/// co-moments; falls back to scipy's max-abs normalisation if the sums of
/// squares overflow.
pub fn pearson_r(what: &'static str, x: &[f64], y: &[f64]) -> StatsResult<f64> {
    let (xm, ym) = (mean(x), mean(y));
    if xm.is_finite() && ym.is_finite() {
        let (sxx, sxy, syy) = comoments(x, y, xm, ym);
        if sxx.is_finite() && syy.is_finite() && sxy.is_finite() {
            if sxx == 0.0 {
                return Err(StatsError::Constant {
                    what,
                    column: "x".into(),
                });
            }
            if syy == 0.0 {
                return Err(StatsError::Constant {
                    what,
                    column: "y".into(),
                });
            }
            return Ok((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0));
        }
    }
    let xc = centred_unit(what, "x", x)?;
    let yc = centred_unit(what, "y", y)?;
    Ok(xc
        .iter()
        .zip(&yc)
        .map(|(a, b)| a * b)
        .sum::<f64>()
        .clamp(-1.0, 1.0))
}

/// `scipy.stats.pearsonr(x, y)`.
pub fn pearsonr(x: &[f64], y: &[f64]) -> StatsResult<CorrResult> {
    pair_checks("pearson correlation", x, y, 2)?;
    let r = pearson_r("pearson correlation", x, y)?;
    if x.len() == 2 {
        return Ok(CorrResult {
            statistic: r.round(),
            pvalue: 1.0,
        });
    }
    let ab = x.len() as f64 / 2.0 - 1.0;
    let p = (2.0 * beta_reg(ab, ab, (1.0 - r.abs()) / 2.0)).min(1.0);
    Ok(CorrResult {
        statistic: r,
        pvalue: p,
    })
}

/// Fisher-z confidence interval for Pearson's r (needs n > 3).
pub fn pearson_ci(r: f64, n: usize, confidence: f64) -> StatsResult<(f64, f64)> {
    if n <= 3 {
        return Err(StatsError::TooFew {
            what: "pearson confidence interval",
            needed: 4,
            got: n,
        });
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(StatsError::InvalidParameter(format!(
            "confidence must be in (0, 1), got {confidence}"
        )));
    }
    let zr = r.atanh();
    let se = (1.0 / (n as f64 - 3.0)).sqrt();
    // ndtri(0.5 + c/2) = -sqrt2 * erfc_inv(2 * (0.5 + c/2))
    let h = -std::f64::consts::SQRT_2 * erfc_inv(1.0 + confidence);
    Ok(((zr - h * se).tanh(), (zr + h * se).tanh()))
}

/// Average ranks (1-based), as `scipy.stats.rankdata(method='average')`.
pub fn rankdata(x: &[f64]) -> Vec<f64> {
    // Sort (value, index) pairs: contiguous keys are much faster than an
    // index sort with an indirect comparator.
    let mut pairs: Vec<(f64, usize)> = x.iter().enumerate().map(|(i, &v)| (v + 0.0, i)).collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i + 1;
        while j < pairs.len() && pairs[j].0 == pairs[i].0 {
            j += 1;
        }
        let avg = (i + 1 + j) as f64 / 2.0;
        for &(_, k) in &pairs[i..j] {
            ranks[k] = avg;
        }
        i = j;
    }
    ranks
}

/// `scipy.stats.spearmanr(x, y)`.
pub fn spearmanr(x: &[f64], y: &[f64]) -> StatsResult<CorrResult> {
    pair_checks("spearman correlation", x, y, 3)?;
    let (rx, ry) = (rankdata(x), rankdata(y));
    let rs = pearson_r("spearman correlation", &rx, &ry)?;
    let dof = x.len() as f64 - 2.0;
    let t = rs * (dof / ((rs + 1.0) * (1.0 - rs))).max(0.0).sqrt();
    Ok(CorrResult {
        statistic: rs,
        pvalue: t_two_sided_p(t, dof),
    })
}

/// Counts strict inversions of `v` by merge sort.
fn inversions(v: &mut [u64], buf: &mut [u64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let (mut inv, inv_r) = {
        let (l, r) = v.split_at_mut(mid);
        let (bl, br) = buf.split_at_mut(mid);
        (inversions(l, bl), inversions(r, br))
    };
    inv += inv_r;
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        if v[i] <= v[j] {
            buf[k] = v[i];
            i += 1;
        } else {
            buf[k] = v[j];
            inv += (mid - i) as u64;
            j += 1;
        }
        k += 1;
    }
    buf[k..k + mid - i].copy_from_slice(&v[i..mid]);
    k += mid - i;
    buf[k..k + n - j].copy_from_slice(&v[j..n]);
    v.copy_from_slice(&buf[..n]);
    inv
}

/// (pairs tied, Σc(c-1)(c-2), Σc(c-1)(2c+5)) over tie groups of a sorted slice.
fn tie_stats<T: PartialEq>(sorted: &[T]) -> (u64, f64, f64) {
    let (mut t, mut s0, mut s1) = (0u64, 0.0, 0.0);
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && sorted[j] == sorted[i] {
            j += 1;
        }
        let c = (j - i) as u64;
        if c > 1 {
            let cf = c as f64;
            t += c * (c - 1) / 2;
            s0 += cf * (cf - 1.0) * (cf - 2.0);
            s1 += cf * (cf - 1.0) * (2.0 * cf + 5.0);
        }
        i = j;
    }
    (t, s0, s1)
}

fn factorial(n: u64) -> f64 {
    (1..=n).fold(1.0, |a, k| a * k as f64)
}

/// Exact two-sided p of Kendall's statistic with `c` concordant pairs, no ties.
fn kendall_p_exact(n: u64, c: u64) -> f64 {
    let tot = n * (n - 1) / 2;
    let c = c.min(tot - c);
    if n <= 2 {
        return 1.0;
    }
    if c == 0 {
        return if n < 171 { 2.0 / factorial(n) } else { 0.0 };
    }
    if c == 1 {
        return if n < 172 { 2.0 / factorial(n - 1) } else { 0.0 };
    }
    if 4 * c == n * (n - 1) {
        return 1.0;
    }
    let cu = c as usize;
    let mut new = vec![0.0_f64; cu + 1];
    new[0] = 1.0;
    new[1] = 1.0;
    let mut old = vec![0.0_f64; cu + 1];
    for j in 3..=n {
        let mut acc = 0.0;
        for v in new.iter_mut() {
            acc += *v;
            *v = acc;
        }
        if n >= 171 {
            new.iter_mut().for_each(|v| *v /= j as f64);
        }
        let ju = j as usize;
        if ju <= cu {
            old.copy_from_slice(&new);
            for i in ju..=cu {
                new[i] -= old[i - ju];
            }
        }
    }
    let s: f64 = new.iter().sum();
    let prob = if n < 171 { 2.0 * s / factorial(n) } else { s };
    prob.clamp(0.0, 1.0)
}

/// `scipy.stats.kendalltau(x, y)` (tau-b, two-sided, method='auto').
pub fn kendalltau(x: &[f64], y: &[f64]) -> StatsResult<CorrResult> {
    pair_checks("kendall correlation", x, y, 2)?;
    let n = x.len();
    // `+ 0.0` maps -0.0 to +0.0 so the total order agrees with `==` on ties.
    let x: Vec<f64> = x.iter().map(|v| v + 0.0).collect();
    let y: Vec<f64> = y.iter().map(|v| v + 0.0).collect();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    let xs: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
    let pairs: Vec<(f64, f64)> = idx.iter().map(|&i| (x[i], y[i])).collect();
    // dense ranks of y
    let mut yidx: Vec<usize> = (0..n).collect();
    yidx.sort_unstable_by(|&a, &b| y[a].total_cmp(&y[b]));
    let mut yrank = vec![0u64; n];
    let mut r = 0u64;
    for (k, &i) in yidx.iter().enumerate() {
        if k == 0 || y[i] != y[yidx[k - 1]] {
            r += 1;
        }
        yrank[i] = r;
    }
    let ys_sorted: Vec<f64> = yidx.iter().map(|&i| y[i]).collect();
    let mut seq: Vec<u64> = idx.iter().map(|&i| yrank[i]).collect();
    let mut buf = vec![0u64; n];
    let dis = inversions(&mut seq, &mut buf);
    let (ntie, _, _) = tie_stats(&pairs);
    let (xtie, x0, x1) = tie_stats(&xs);
    let (ytie, y0, y1) = tie_stats(&ys_sorted);
    let nu = n as u64;
    let tot = nu * (nu - 1) / 2;
    if xtie == tot {
        return Err(StatsError::Constant {
            what: "kendall correlation",
            column: "x".into(),
        });
    }
    if ytie == tot {
        return Err(StatsError::Constant {
            what: "kendall correlation",
            column: "y".into(),
        });
    }
    let cmd = tot as i128 - xtie as i128 - ytie as i128 + ntie as i128 - 2 * dis as i128;
    let cmdf = cmd as f64;
    let tau = (cmdf / ((tot - xtie) as f64).sqrt() / ((tot - ytie) as f64).sqrt()).clamp(-1.0, 1.0);
    let p = if xtie == 0 && ytie == 0 && (n <= 33 || dis.min(tot - dis) <= 1) {
        kendall_p_exact(nu, tot - dis)
    } else {
        let nf = n as f64;
        let m = nf * (nf - 1.0);
        let var = (m * (2.0 * nf + 5.0) - x1 - y1) / 18.0
            + (2.0 * (xtie as f64) * (ytie as f64)) / m
            + x0 * y0 / (9.0 * m * (nf - 2.0));
        let z = cmdf / var.sqrt();
        erfc(z.abs() / std::f64::consts::SQRT_2)
    };
    Ok(CorrResult {
        statistic: tau,
        pvalue: p,
    })
}
