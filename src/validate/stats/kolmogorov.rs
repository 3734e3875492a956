//! Exact distribution of the two-sided one-sample Kolmogorov–Smirnov
//! statistic `D_n` (scipy's `kstwo`), plus the one-sided Smirnov tail.
//!
//! [`kstwo_sf`] follows the algorithm selection of scipy's
//! `scipy.stats._ksstats._kolmogn` (Simard & L'Ecuyer 2011):
//!
//! * Ruben–Gambino closed forms for `n·x <= 1` and `n·x >= n-1`;
//! * `2·smirnov(n, x)` for `x >= 0.5` (exact there);
//! * `n <= 140`: Durbin matrix (Marsaglia–Tsang–Wang) when `n·x² <= 0.754693`,
//!   Pomeranz recursion when `n·x² <= 4`, else `2·smirnov`;
//! * `n > 140`: SF = `2·smirnov` when `n·x² >= 2.2` (0 beyond 370); otherwise
//!   1 − CDF with CDF from Durbin (`n <= 1e5` and `n·x^1.5 <= 1.4`) or the
//!   Pelz–Good asymptotic series.
//!
//! `smirnov(n, d) = P(D+_n >= d)` is the Birnbaum–Tingey finite sum, evaluated
//! in log space so that large `n` neither overflows nor underflows.
//! Intermediate matrices are rescaled by 2^±128 as in scipy.

const E128: i32 = 128;
const EP128: f64 = 3.402_823_669_209_385e38; // 2^128
const EM128: f64 = 2.938_735_877_055_719e-39; // 2^-128
const LOG_2PI: f64 = 1.837_877_066_409_345_5;
const MIN_LOG: f64 = -708.0;
const STIRLING: [f64; 8] = [
    -2.955_065_359_477_124e-2,
    6.410_256_410_256_41e-3,
    -1.917_526_917_526_917_5e-3,
    8.417_508_417_508_417e-4,
    -5.952_380_952_380_952e-4,
    7.936_507_936_507_937e-4,
    -2.777_777_777_777_778e-3,
    8.333_333_333_333_333e-2,
];

fn clip(p: f64) -> f64 {
    p.clamp(0.0, 1.0)
}

fn select(cdfprob: f64, sfprob: f64, cdf: bool) -> f64 {
    clip(if cdf { cdfprob } else { sfprob })
}

fn ldexp(x: f64, e: i32) -> f64 {
    // Split so that 2^e never overflows on its own.
    let mut x = x;
    let mut e = e;
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

/// log(n!/n^n) by Stirling's series (scipy's `_log_nfactorial_div_n_pow_n`).
fn log_nfact_div_n_pow_n(n: f64) -> f64 {
    let rn = 1.0 / n;
    let z = rn / n;
    let poly = STIRLING.iter().fold(0.0, |acc, c| acc * z + c);
    n.ln() / 2.0 - n + LOG_2PI / 2.0 + rn * poly
}

/// One-sided Smirnov survival function `P(D+_n >= d)` (scipy.special.smirnov).
pub fn smirnov(n: u64, d: f64) -> f64 {
    if n == 0 || d.is_nan() {
        return f64::NAN;
    }
    if d <= 0.0 {
        return 1.0;
    }
    if d >= 1.0 {
        return 0.0;
    }
    let nf = n as f64;
    let t = nf * d;
    let vmax = (nf - t).floor().max(0.0) as u64;
    let ln_d = d.ln();
    // ln C(n, v), accumulated with Neumaier compensation: the running value
    // reaches ~n·ln 2 while each step is O(1), so plain summation loses ~1e-8.
    let mut ln_c = 0.0_f64;
    let mut ln_c_comp = 0.0_f64;
    let mut sum = 0.0_f64;
    let mut past_peak = false;
    let mut prev = f64::NEG_INFINITY;
    for v in 0..=vmax.min(n) {
        let vf = v as f64;
        let a = (vf + t) / nf; // d + v/n
        let b = (nf - vf - t) / nf; // 1 - d - v/n
        let lc = ln_c + ln_c_comp;
        let term = if b <= 0.0 {
            if n == v {
                (lc + ln_d + (vf - 1.0) * a.ln()).exp()
            } else {
                0.0
            }
        } else {
            (lc + ln_d + (vf - 1.0) * a.ln() + (nf - vf) * b.ln()).exp()
        };
        sum += term;
        if term < prev {
            past_peak = true;
        }
        if past_peak && term < sum * 1e-20 {
            break;
        }
        prev = term;
        let inc = ((nf - vf) / (vf + 1.0)).ln();
        let t2 = ln_c + inc;
        if ln_c.abs() >= inc.abs() {
            ln_c_comp += (ln_c - t2) + inc;
        } else {
            ln_c_comp += (inc - t2) + ln_c;
        }
        ln_c = t2;
    }
    clip(sum)
}

fn matmul(a: &[f64], b: &[f64], out: &mut [f64], m: usize) {
    out.iter_mut().for_each(|v| *v = 0.0);
    for i in 0..m {
        for k in 0..m {
            let aik = a[i * m + k];
            if aik == 0.0 {
                continue;
            }
            let row_b = &b[k * m..(k + 1) * m];
            let row_o = &mut out[i * m..(i + 1) * m];
            for (o, bv) in row_o.iter_mut().zip(row_b) {
                *o += aik * bv;
            }
        }
    }
}

/// Durbin matrix algorithm (Marsaglia–Tsang–Wang) for `P(D_n <= d)`.
fn kolmogn_dmtw(n: u64, d: f64, cdf: bool) -> f64 {
    if d >= 1.0 {
        return select(1.0, 0.0, cdf);
    }
    let nf = n as f64;
    let nd = nf * d;
    if nd <= 0.5 {
        return select(0.0, 1.0, cdf);
    }
    let k = nd.ceil() as usize;
    let h = k as f64 - nd;
    let m = 2 * k - 1;
    let mut v = vec![0.0; m];
    let mut w = vec![0.0; m];
    let mut fac = 1.0_f64;
    for j in 1..=m {
        v[j - 1] = 1.0 - h.powi(j as i32);
        w[j - 1] = fac;
        fac /= j as f64;
        v[j - 1] *= fac;
    }
    let tt = (2.0 * h - 1.0).max(0.0).powi(m as i32) - 2.0 * h.powi(m as i32);
    v[m - 1] = (1.0 + tt) * fac;
    let mut hm = vec![0.0; m * m];
    for i in 1..m {
        for r in (i - 1)..m {
            hm[r * m + i] = w[r - (i - 1)];
        }
    }
    for r in 0..m {
        hm[r * m] = v[r];
    }
    for c in 0..m {
        hm[(m - 1) * m + c] = v[m - 1 - c];
    }
    let mut hpwr = vec![0.0; m * m];
    for i in 0..m {
        hpwr[i * m + i] = 1.0;
    }
    let mut tmp = vec![0.0; m * m];
    let mut nn = n;
    let mut expnt: i32 = 0;
    let mut hexpnt: i32 = 0;
    while nn > 0 {
        if nn % 2 == 1 {
            matmul(&hpwr, &hm, &mut tmp, m);
            std::mem::swap(&mut hpwr, &mut tmp);
            expnt += hexpnt;
        }
        matmul(&hm, &hm, &mut tmp, m);
        std::mem::swap(&mut hm, &mut tmp);
        hexpnt *= 2;
        if hm[(k - 1) * m + (k - 1)].abs() > EP128 {
            hm.iter_mut().for_each(|x| *x /= EP128);
            hexpnt += E128;
        }
        nn /= 2;
    }
    let mut p = hpwr[(k - 1) * m + (k - 1)];
    for i in 1..=n {
        p = i as f64 * p / nf;
        if p.abs() < EM128 {
            p *= EP128;
            expnt -= E128;
        }
    }
    if expnt != 0 {
        p = ldexp(p, expnt);
    }
    select(p, 1.0 - p, cdf)
}

fn pomeranz_j1j2(i: i64, n: i64, ll: i64, ceilf: i64, roundf: i64) -> (i64, i64) {
    let (j1, j2) = if i == 0 {
        (-ll - ceilf - 1, ll + ceilf - 1)
    } else {
        let ip1div2 = (i + 1) / 2;
        let ip1mod2 = (i + 1) % 2;
        if ip1mod2 == 0 {
            if ip1div2 == n + 1 {
                (n - ll - ceilf - 1, n + ll + ceilf - 1)
            } else {
                (ip1div2 - 1 - ll - roundf - 1, ip1div2 + ll - 1 + ceilf - 1)
            }
        } else {
            (ip1div2 - 1 - ll - 1, ip1div2 + ll + roundf - 1)
        }
    };
    ((j1 + 2).max(0), j2.min(n))
}

/// Pomeranz recursion for `P(D_n <= x)`.
fn kolmogn_pomeranz(n: u64, x: f64, cdf: bool) -> f64 {
    let nf = n as f64;
    let ni = n as i64;
    let t = nf * x;
    let ll = t.floor() as i64;
    let f = t - ll as f64;
    let g = f.min(1.0 - f);
    let ceilf = i64::from(f > 0.0);
    let roundf = i64::from(f > 0.5);
    let npwrs = (2 * (ll + 1)) as usize;
    let mut gpower = vec![1.0; npwrs];
    let mut twogpower = vec![1.0; npwrs];
    let mut onem2gpower = vec![1.0; npwrs];
    let (g_n, tg_n, om_n) = (g / nf, 2.0 * g / nf, (1.0 - 2.0 * g) / nf);
    for m in 1..npwrs {
        gpower[m] = gpower[m - 1] * g_n / m as f64;
        twogpower[m] = twogpower[m - 1] * tg_n / m as f64;
        onem2gpower[m] = onem2gpower[m - 1] * om_n / m as f64;
    }
    let mut v0 = vec![0.0; npwrs];
    let mut v1 = vec![0.0; npwrs];
    v1[0] = 1.0;
    let (mut v0s, mut v1s) = (0_i64, 0_i64);
    let mut expnt: i32 = 0;
    let (mut j1, mut _j2) = pomeranz_j1j2(0, ni, ll, ceilf, roundf);
    for i in 1..(2 * ni + 2) {
        let k1 = j1;
        std::mem::swap(&mut v0, &mut v1);
        std::mem::swap(&mut v0s, &mut v1s);
        v1.iter_mut().for_each(|v| *v = 0.0);
        let (nj1, nj2) = pomeranz_j1j2(i, ni, ll, ceilf, roundf);
        j1 = nj1;
        _j2 = nj2;
        let pwrs = if i == 1 || i == 2 * ni + 1 {
            &gpower
        } else if i % 2 == 1 {
            &twogpower
        } else {
            &onem2gpower
        };
        let ln2 = nj2 - k1 + 1;
        if ln2 > 0 {
            let start = (k1 - v0s).max(0) as usize;
            let alen = (ln2 as usize).min(npwrs.saturating_sub(start));
            let a = &v0[start..start + alen];
            let b = &pwrs[..(ln2 as usize).min(npwrs)];
            let conv_start = (nj1 - k1) as usize;
            let conv_len = (nj2 - nj1 + 1).max(0) as usize;
            for (out_i, slot) in v1.iter_mut().take(conv_len).enumerate() {
                let kk = conv_start + out_i;
                let mut s = 0.0;
                let lo = kk.saturating_sub(b.len().saturating_sub(1));
                for (ia, av) in a.iter().enumerate().take(kk + 1).skip(lo) {
                    s += av * b[kk - ia];
                }
                *slot = s;
            }
            let mx = v1.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if 0.0 < mx && mx < EM128 {
                v1.iter_mut().for_each(|v| *v *= EP128);
                expnt -= E128;
            }
            v1s = v0s + nj1 - k1;
        }
    }
    let idx = ni - v1s;
    let mut ans = if idx >= 0 && (idx as usize) < npwrs {
        v1[idx as usize]
    } else {
        0.0
    };
    for m in 1..=n {
        if ans.abs() > EP128 {
            ans *= EM128;
            expnt += E128;
        }
        ans *= m as f64;
    }
    if expnt != 0 {
        ans = ldexp(ans, expnt);
    }
    select(ans, 1.0 - ans, cdf)
}

/// Pelz–Good asymptotic series for `P(D_n <= x)`.
fn kolmogn_pelz_good(n: u64, x: f64, cdf: bool) -> f64 {
    use std::f64::consts::PI;
    if x <= 0.0 {
        return select(0.0, 1.0, cdf);
    }
    if x >= 1.0 {
        return select(1.0, 0.0, cdf);
    }
    let nf = n as f64;
    let sqrt2pi = (2.0 * PI).sqrt();
    let pi2 = PI * PI;
    let pi4 = pi2 * pi2;
    let pi6 = pi4 * pi2;
    let z = nf.sqrt() * x;
    let (z2, z3, z4, z6) = (z * z, z.powi(3), z.powi(4), z.powi(6));
    let qlog = -pi2 / 8.0 / z2;
    if qlog < MIN_LOG {
        return select(0.0, 1.0, cdf);
    }
    let q = qlog.exp();
    let k1a = -z2;
    let k1b = pi2 / 4.0;
    let k2a = 6.0 * z6 + 2.0 * z4;
    let k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
    let k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
    let k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
    let k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
    let k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
    let k3a = -30.0 * z6 - 90.0 * z.powi(8);
    let mut kk = [0.0_f64; 4];
    let maxk = (16.0 * z / PI).ceil() as i64;
    for k in (1..=maxk).rev() {
        let m = (2 * k - 1) as f64;
        let (m2, m4, m6) = (m * m, m.powi(4), m.powi(6));
        let qpower = q.powi((8 * k) as i32);
        let coeffs = [
            1.0,
            k1a + k1b * m2,
            k2a + k2b * m2 + k2c * m4,
            k3a + k3b * m2 + k3c * m4 + k3d * m6,
        ];
        for (acc, c) in kk.iter_mut().zip(coeffs) {
            *acc = *acc * qpower + c;
        }
    }
    let den = [z, 6.0 * z4, 72.0 * z.powi(7), 6480.0 * z.powi(10)];
    for (acc, dv) in kk.iter_mut().zip(den) {
        *acc = *acc * q * sqrt2pi / dv;
    }
    let q2 = (-pi2 / 2.0 / z2).exp();
    let sqrt3z = 3f64.sqrt() * z;
    let mut k2extra = 0.0;
    let mut k3extra = 0.0;
    for k in (1..=maxk).rev() {
        let kf = k as f64;
        let ks2 = kf * kf;
        let qp = q2.powf(ks2);
        k2extra += ks2 * qp;
        let kspi = PI * kf;
        k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    kk[2] += k2extra * pi2 * sqrt2pi / (-36.0 * z3);
    kk[3] += k3extra * pi2 * sqrt2pi / (216.0 * z6);
    for (i, acc) in kk.iter_mut().enumerate() {
        *acc /= nf.powf(i as f64 / 2.0);
    }
    if !cdf {
        for acc in kk.iter_mut() {
            *acc = -*acc;
        }
        kk[0] += 1.0;
    }
    kk.iter().sum()
}

/// CDF (`cdf = true`) or SF of the two-sided statistic `D_n` at `x`.
pub fn kolmogn(n: u64, x: f64, cdf: bool) -> f64 {
    if n == 0 || x.is_nan() {
        return f64::NAN;
    }
    if x >= 1.0 {
        return select(1.0, 0.0, cdf);
    }
    if x <= 0.0 {
        return select(0.0, 1.0, cdf);
    }
    let nf = n as f64;
    let t = nf * x;
    if t <= 1.0 {
        if t <= 0.5 {
            return select(0.0, 1.0, cdf);
        }
        let prob = if n <= 140 {
            (1..=n).fold(1.0, |acc, i| {
                acc * (i as f64 * (1.0 / nf) * (2.0 * t - 1.0))
            })
        } else {
            (log_nfact_div_n_pow_n(nf) + nf * (2.0 * t - 1.0).ln()).exp()
        };
        return select(prob, 1.0 - prob, cdf);
    }
    if t >= nf - 1.0 {
        let prob = 2.0 * (1.0 - x).powf(nf);
        return select(1.0 - prob, prob, cdf);
    }
    if x >= 0.5 {
        let prob = 2.0 * smirnov(n, x);
        return select(1.0 - prob, prob, cdf);
    }
    let nx2 = t * x;
    if n <= 140 {
        if nx2 <= 0.754693 {
            return kolmogn_dmtw(n, x, cdf);
        }
        if nx2 <= 4.0 {
            return kolmogn_pomeranz(n, x, cdf);
        }
        let prob = 2.0 * smirnov(n, x);
        return select(1.0 - prob, prob, cdf);
    }
    if !cdf {
        if nx2 >= 370.0 {
            return 0.0;
        }
        if nx2 >= 2.2 {
            return clip(2.0 * smirnov(n, x));
        }
    }
    let cdfprob = if nx2 >= 18.0 {
        1.0
    } else if n <= 100_000 && nf * x.powf(1.5) <= 1.4 {
        kolmogn_dmtw(n, x, true)
    } else {
        kolmogn_pelz_good(n, x, true)
    };
    select(cdfprob, 1.0 - cdfprob, cdf)
}

/// Survival function of scipy's `kstwo` (two-sided exact `D_n`).
pub fn kstwo_sf(d: f64, n: u64) -> f64 {
    kolmogn(n, d, false)
}
