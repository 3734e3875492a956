//! Modified Bessel function of the second kind `K_ν(x)` for real `ν ≥ 0`,
//! `x > 0` (statrs has none). Temme's series for `x < 2` and Steed's
//! continued fraction (CF2) for `x ≥ 2` give `K_μ`, `K_{μ+1}` with
//! `|μ| ≤ 1/2`; upward recurrence (stable for K) reaches `ν`.
//! Reference: Temme (1975), J. Comput. Phys. 19; Press et al., *Numerical
//! Recipes*, §6.7 (`bessik`). Used by the Cramér–von Mises distribution.

use statrs::function::gamma::gamma;
use std::f64::consts::PI;

const EPS: f64 = 1e-16;
const MAXIT: usize = 100_000;

/// `K_ν(x)`; NaN for `x <= 0` or `ν < 0`.
pub fn bessel_k(nu: f64, x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || nu < 0.0 || !nu.is_finite() {
        return f64::NAN;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let nl = (nu + 0.5).floor() as usize;
    let xmu = nu - nl as f64;
    let xmu2 = xmu * xmu;
    let xi = 1.0 / x;
    let xi2 = 2.0 * xi;
    let (mut rkmu, mut rk1);
    if x < 2.0 {
        let x2 = 0.5 * x;
        let pimu = PI * xmu;
        let fact = if pimu.abs() < EPS {
            1.0
        } else {
            pimu / pimu.sin()
        };
        let d = -x2.ln();
        let e = xmu * d;
        let fact2 = if e.abs() < EPS { 1.0 } else { e.sinh() / e };
        let gampl = 1.0 / gamma(1.0 + xmu);
        let gammi = 1.0 / gamma(1.0 - xmu);
        let gam1 = if xmu.abs() < 1e-8 {
            // limit: -d/dμ (1/Γ(1+μ)) at 0 = -γ_Euler... 1/Γ(1-μ) - 1/Γ(1+μ) ≈ -2γ μ
            -0.577_215_664_901_532_9
        } else {
            (gammi - gampl) / (2.0 * xmu)
        };
        let gam2 = (gammi + gampl) / 2.0;
        let mut ff = fact * (gam1 * e.cosh() + gam2 * fact2 * d);
        let mut sum = ff;
        let ee = e.exp();
        let mut p = 0.5 * ee / gampl;
        let mut q = 0.5 / (ee * gammi);
        let mut c = 1.0;
        let dd = x2 * x2;
        let mut sum1 = p;
        for i in 1..MAXIT {
            let fi = i as f64;
            ff = (fi * ff + p + q) / (fi * fi - xmu2);
            c *= dd / fi;
            p /= fi - xmu;
            q /= fi + xmu;
            let del = c * ff;
            sum += del;
            let del1 = c * (p - fi * ff);
            sum1 += del1;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        rkmu = sum;
        rk1 = sum1 * xi2;
    } else {
        let mut b = 2.0 * (1.0 + x);
        let mut d = 1.0 / b;
        let mut h = d;
        let mut delh = d;
        let mut q1 = 0.0;
        let mut q2 = 1.0;
        let a1 = 0.25 - xmu2;
        let mut q = a1;
        let mut c = a1;
        let mut a = -a1;
        let mut s = 1.0 + q * delh;
        for i in 2..MAXIT {
            let fi = i as f64;
            a -= 2.0 * (fi - 1.0);
            c = -a * c / fi;
            let qnew = (q1 - b * q2) / a;
            q1 = q2;
            q2 = qnew;
            q += c * qnew;
            b += 2.0;
            d = 1.0 / (b + a * d);
            delh *= b * d - 1.0;
            h += delh;
            let dels = q * delh;
            s += dels;
            if (dels / s).abs() < EPS {
                break;
            }
        }
        h *= a1;
        rkmu = (PI / (2.0 * x)).sqrt() * (-x).exp() / s;
        rk1 = rkmu * (xmu + x + 0.5 - h) * xi;
    }
    for i in 1..=nl {
        let t = (xmu + i as f64) * xi2 * rk1 + rkmu;
        rkmu = rk1;
        rk1 = t;
    }
    rkmu
}
