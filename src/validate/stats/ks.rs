//! Kolmogorov–Smirnov tests, two-sided, matching scipy 1.17:
//!
//! * [`ks_1samp`] = `scipy.stats.kstest(x, cdf)` with `method='auto'`, which
//!   scipy always resolves to `'exact'`: p = `kstwo.sf(D, n)`.
//! * [`ks_2samp`] = `scipy.stats.ks_2samp(a, b)` with `method='auto'`: exact
//!   when `max(n1, n2) <= 10000` (Hodges' lattice-path counting: the
//!   "outside square" recursion for `n1 == n2`, Viehmann's stable
//!   "1 − inside" recursion otherwise; falls back to asymptotic on numerical
//!   failure), else `kstwo.sf(D, round(n1·n2/(n1+n2)))`.

use super::distributions::Continuous;
use super::error::{check_finite, check_len, StatsError, StatsResult};
use super::kolmogorov::kstwo_sf;

/// Result of a KS test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KsResult {
    /// The statistic `D` (also the effect size).
    pub statistic: f64,
    /// Two-sided p-value.
    pub pvalue: f64,
    /// Whether the p-value was computed exactly.
    pub exact: bool,
}

/// Sorts a copy of `xs` (total order; callers have rejected NaN).
pub fn sorted(xs: &[f64]) -> Vec<f64> {
    super::sort::sorted_copy(xs)
}

/// One-sample two-sided KS test of `xs` against `dist`.
pub fn ks_1samp(xs: &[f64], dist: &Continuous) -> StatsResult<KsResult> {
    check_len("ks test", 1, xs.len())?;
    check_finite("x", xs)?;
    let s = sorted(xs);
    ks_1samp_sorted(&s, |x| dist.cdf(x))
}

/// One-sample KS on already sorted data with an arbitrary CDF.
pub fn ks_1samp_sorted(s: &[f64], cdf: impl Fn(f64) -> f64) -> StatsResult<KsResult> {
    check_len("ks test", 1, s.len())?;
    let n = s.len();
    let nf = n as f64;
    let (mut dplus, mut dminus) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for (i, &x) in s.iter().enumerate() {
        let c = cdf(x);
        if c.is_nan() {
            return Err(StatsError::InvalidParameter(format!("cdf is NaN at x={x}")));
        }
        let up = (i + 1) as f64 / nf - c;
        let down = c - i as f64 / nf;
        if up > dplus {
            dplus = up;
        }
        if down > dminus {
            dminus = down;
        }
    }
    let d = if dplus > dminus { dplus } else { dminus };
    let p = kstwo_sf(d, n as u64).clamp(0.0, 1.0);
    Ok(KsResult {
        statistic: d,
        pvalue: p,
        exact: true,
    })
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// Proportion of paths passing outside the lines `x - y = ±h` (n1 == n2).
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let (nf, hf) = (n as f64, h as f64);
    let mut p = 0.0;
    let mut k = (n / h) as i64;
    while k >= 0 {
        let kf = k as f64;
        let mut p1 = 1.0;
        for j in 0..h {
            let jf = j as f64;
            p1 = (nf - kf * hf - jf) * p1 / (nf + kf * hf + jf + 1.0);
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// 1 − proportion of lattice paths staying strictly inside `|x/m − y/n| < h/lcm`
/// (Hodges 1958 with Viehmann 2021's recursion for the complement).
fn outer_prob_inside(m: u64, n: u64, g: u64, h: u64) -> Option<f64> {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (mg, ng) = ((m / g) as i64, (n / g) as i64);
    let (ni, hi) = (n as i64, h as i64);
    let ceil_div = |a: i64, b: i64| -> i64 { (a as f64 / b as f64).ceil() as i64 };
    let floor_div = |a: i64, b: i64| -> i64 { (a as f64 / b as f64).floor() as i64 };
    let mut minj: i64 = 0;
    let mut maxj: i64 = ceil_div(hi, mg).min(ni + 1);
    let mut curlen = maxj - minj;
    let len_a = (2 * maxj + 2).min(ni + 1) as usize;
    let mut a = vec![1.0_f64; len_a];
    for v in a.iter_mut().take(maxj as usize) {
        *v = 0.0;
    }
    for i in 1..=(m as i64) {
        let (lastminj, lastlen) = (minj, curlen);
        minj = (floor_div(ng * i - hi, mg) + 1).max(0).min(ni);
        maxj = ceil_div(ng * i + hi, mg).min(ni + 1);
        if maxj <= minj {
            return Some(1.0);
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        let fi = i as f64;
        for jj in 0..(maxj - minj) {
            let j = jj + minj;
            let src = *a.get((jj + minj - lastminj) as usize)?;
            val = (src * fi + val * j as f64) / (fi + j as f64);
            *a.get_mut(jj as usize)? = val;
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            for idx in (maxj - minj)..(maxj - minj + lastlen - curlen) {
                if let Some(slot) = a.get_mut(idx as usize) {
                    *slot = 1.0;
                }
            }
        }
    }
    a.get((maxj - minj - 1) as usize).copied()
}

/// Two-sample two-sided KS test.
pub fn ks_2samp(a: &[f64], b: &[f64]) -> StatsResult<KsResult> {
    check_len("ks_2samp (first sample)", 1, a.len())?;
    check_len("ks_2samp (second sample)", 1, b.len())?;
    check_finite("first sample", a)?;
    check_finite("second sample", b)?;
    let (sa, sb) = (sorted(a), sorted(b));
    Ok(ks_2samp_sorted(&sa, &sb))
}

/// Two-sample KS on sorted, finite, non-empty samples.
pub fn ks_2samp_sorted(sa: &[f64], sb: &[f64]) -> KsResult {
    let (n1, n2) = (sa.len(), sb.len());
    let (f1, f2) = (n1 as f64, n2 as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let (mut maxs, mut mins) = (f64::NEG_INFINITY, f64::INFINITY);
    while i < n1 || j < n2 {
        let v = match (sa.get(i), sb.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        while i < n1 && sa[i] <= v {
            i += 1;
        }
        while j < n2 && sb[j] <= v {
            j += 1;
        }
        let diff = i as f64 / f1 - j as f64 / f2;
        maxs = maxs.max(diff);
        mins = mins.min(diff);
    }
    let min_s = (-mins).clamp(0.0, 1.0);
    let mut d = if min_s > maxs { min_s } else { maxs };
    let (u1, u2) = (n1 as u64, n2 as u64);
    let g = gcd(u1, u2);
    if n1.max(n2) <= 10_000 {
        let lcm = (u1 / g) * u2;
        let h = (d * lcm as f64).round_ties_even() as u64;
        d = h as f64 / lcm as f64;
        if h == 0 {
            return KsResult {
                statistic: d,
                pvalue: 1.0,
                exact: true,
            };
        }
        let prob = if n1 == n2 {
            Some(prob_outside_square(u1, h))
        } else {
            outer_prob_inside(u1, u2, g, h)
        };
        if let Some(p) = prob {
            if (0.0..=1.0).contains(&p) {
                return KsResult {
                    statistic: d,
                    pvalue: p,
                    exact: true,
                };
            }
        }
    }
    let (m, n) = if f1 >= f2 { (f1, f2) } else { (f2, f1) };
    let en = (m * n / (m + n)).round_ties_even();
    KsResult {
        statistic: d,
        pvalue: kstwo_sf(d, en as u64).clamp(0.0, 1.0),
        exact: false,
    }
}
