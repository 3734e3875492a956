//! Reference distributions with parameters named as a person would, and their
//! explicit mapping to scipy's `loc`/`scale` conventions.
//!
//! | name | params | scipy equivalent |
//! |---|---|---|
//! | `uniform` | `min`, `max` (`min < max`) | `uniform(loc=min, scale=max-min)` |
//! | `normal` | `mean`, `std` (`std > 0`) | `norm(loc=mean, scale=std)` |
//! | `exponential` | `rate` **or** `mean` (> 0) | `expon(scale=1/rate)` = `expon(scale=mean)` |
//! | `lognormal` | `mu`, `sigma` of `ln X` (`sigma > 0`) | `lognorm(s=sigma, scale=exp(mu))` |
//! | `gamma` | `shape`, `scale` (> 0) | `gamma(a=shape, scale=scale)` |
//! | `beta` | `a`, `b` (> 0) | `beta(a, b)` |
//! | `t` / `student_t` | `df` (> 0) | `t(df)` |
//! | `chi2` / `chi_square` | `df` (> 0) | `chi2(df)` |
//! | `poisson` | `lambda` (> 0) | `poisson(mu=lambda)` |
//! | `binomial` | `n` (integer ≥ 1), `p` in \[0,1\] | `binom(n, p)` |
//! | `geometric` | `p` in (0,1] — trials up to and including the first success, support {1,2,…} | `geom(p)` |
//!
//! The normal and lognormal CDFs use scipy's `ndtr` (Cephes, ported in
//! [`super::ndtr`]); gamma, chi2 and Poisson use the incomplete gamma ported from
//! Cephes in [`super::gamma_inc`]; beta, t and binomial use statrs' regularised
//! incomplete beta through [`beta_reg`], which mends its end point; simple
//! closed forms (uniform, exponential via `expm1`) are inline.

use super::error::{StatsError, StatsResult};
use super::gamma_inc::{gamma_p, gamma_q};
use statrs::function::gamma::ln_gamma;
use std::collections::BTreeMap;

/// A continuous reference distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Continuous {
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Normal with mean and standard deviation.
    Normal { mean: f64, std: f64 },
    /// Exponential with rate `1/mean`.
    Exponential { rate: f64 },
    /// `exp(N(mu, sigma))`.
    LogNormal { mu: f64, sigma: f64 },
    /// Gamma with shape and scale.
    Gamma { shape: f64, scale: f64 },
    /// Beta(a, b) on [0, 1].
    Beta { a: f64, b: f64 },
    /// Student's t with `df` degrees of freedom.
    StudentT { df: f64 },
    /// Chi-square with `df` degrees of freedom.
    ChiSquare { df: f64 },
}

/// A discrete reference distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Discrete {
    /// Poisson with mean `lambda`.
    Poisson { lambda: f64 },
    /// Binomial with `n` trials and success probability `p`.
    Binomial { n: u64, p: f64 },
    /// Geometric on {1, 2, ...} with success probability `p`.
    Geometric { p: f64 },
}

/// Either kind of reference distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Continuous (KS, Anderson–Darling, Cramér–von Mises).
    Continuous(Continuous),
    /// Discrete (chi-square goodness of fit).
    Discrete(Discrete),
}

/// Names accepted by [`Dist::from_params`].
pub const DISTRIBUTION_NAMES: &[&str] = &[
    "uniform",
    "normal",
    "exponential",
    "lognormal",
    "gamma",
    "beta",
    "t",
    "chi2",
    "poisson",
    "binomial",
    "geometric",
];

/// A parameter problem: (param path such as `params.std`, message).
pub type ParamProblem = (String, String);

fn get(params: &BTreeMap<String, f64>, key: &str, errs: &mut Vec<ParamProblem>) -> f64 {
    match params.get(key) {
        Some(v) if v.is_finite() => *v,
        Some(_) => {
            errs.push((format!("params.{key}"), format!("`{key}` must be finite")));
            f64::NAN
        }
        None => {
            errs.push((
                format!("params.{key}"),
                format!("missing parameter `{key}`"),
            ));
            f64::NAN
        }
    }
}

fn positive(key: &str, v: f64, errs: &mut Vec<ParamProblem>) {
    if v.is_finite() && v <= 0.0 {
        errs.push((
            format!("params.{key}"),
            format!("`{key}` must be > 0, got {v}"),
        ));
    }
}

impl Dist {
    /// Builds a distribution from its name and person-named parameters,
    /// returning every problem found (unknown name, missing/extra/invalid params).
    pub fn parse(name: &str, params: &BTreeMap<String, f64>) -> Result<Dist, Vec<ParamProblem>> {
        let mut e = Vec::new();
        let allowed: &[&str] = match name {
            "uniform" => &["min", "max"],
            "normal" => &["mean", "std"],
            "exponential" => &["rate", "mean"],
            "lognormal" => &["mu", "sigma"],
            "gamma" => &["shape", "scale"],
            "beta" => &["a", "b"],
            "t" | "student_t" | "chi2" | "chi_square" => &["df"],
            "poisson" => &["lambda"],
            "binomial" => &["n", "p"],
            "geometric" => &["p"],
            _ => {
                return Err(vec![(
                    "distribution".into(),
                    format!(
                        "unknown distribution `{name}` (known: {})",
                        DISTRIBUTION_NAMES.join(", ")
                    ),
                )])
            }
        };
        for k in params.keys() {
            if !allowed.contains(&k.as_str()) {
                e.push((
                    format!("params.{k}"),
                    format!(
                        "unknown parameter `{k}` for {name} (expected {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        let d = match name {
            "uniform" => {
                let (min, max) = (get(params, "min", &mut e), get(params, "max", &mut e));
                if min >= max {
                    e.push((
                        "params.max".into(),
                        format!("need min < max, got min={min}, max={max}"),
                    ));
                }
                Dist::Continuous(Continuous::Uniform { min, max })
            }
            "normal" => {
                let (mean, std) = (get(params, "mean", &mut e), get(params, "std", &mut e));
                positive("std", std, &mut e);
                Dist::Continuous(Continuous::Normal { mean, std })
            }
            "exponential" => {
                let rate = match (params.get("rate"), params.get("mean")) {
                    (Some(_), Some(_)) => {
                        e.push((
                            "params".into(),
                            "give either `rate` or `mean`, not both".into(),
                        ));
                        f64::NAN
                    }
                    (None, Some(_)) => {
                        let m = get(params, "mean", &mut e);
                        positive("mean", m, &mut e);
                        1.0 / m
                    }
                    _ => {
                        let r = get(params, "rate", &mut e);
                        positive("rate", r, &mut e);
                        r
                    }
                };
                Dist::Continuous(Continuous::Exponential { rate })
            }
            "lognormal" => {
                let (mu, sigma) = (get(params, "mu", &mut e), get(params, "sigma", &mut e));
                positive("sigma", sigma, &mut e);
                Dist::Continuous(Continuous::LogNormal { mu, sigma })
            }
            "gamma" => {
                let (shape, scale) = (get(params, "shape", &mut e), get(params, "scale", &mut e));
                positive("shape", shape, &mut e);
                positive("scale", scale, &mut e);
                Dist::Continuous(Continuous::Gamma { shape, scale })
            }
            "beta" => {
                let (a, b) = (get(params, "a", &mut e), get(params, "b", &mut e));
                positive("a", a, &mut e);
                positive("b", b, &mut e);
                Dist::Continuous(Continuous::Beta { a, b })
            }
            "t" | "student_t" => {
                let df = get(params, "df", &mut e);
                positive("df", df, &mut e);
                Dist::Continuous(Continuous::StudentT { df })
            }
            "chi2" | "chi_square" => {
                let df = get(params, "df", &mut e);
                positive("df", df, &mut e);
                Dist::Continuous(Continuous::ChiSquare { df })
            }
            "poisson" => {
                let lambda = get(params, "lambda", &mut e);
                positive("lambda", lambda, &mut e);
                Dist::Discrete(Discrete::Poisson { lambda })
            }
            "binomial" => {
                let (n, p) = (get(params, "n", &mut e), get(params, "p", &mut e));
                if n.is_finite() && (n < 1.0 || n.fract() != 0.0) {
                    e.push((
                        "params.n".into(),
                        format!("`n` must be an integer >= 1, got {n}"),
                    ));
                }
                if p.is_finite() && !(0.0..=1.0).contains(&p) {
                    e.push(("params.p".into(), format!("`p` must be in [0, 1], got {p}")));
                }
                Dist::Discrete(Discrete::Binomial {
                    n: n.max(0.0) as u64,
                    p,
                })
            }
            "geometric" => {
                let p = get(params, "p", &mut e);
                if p.is_finite() && !(p > 0.0 && p <= 1.0) {
                    e.push(("params.p".into(), format!("`p` must be in (0, 1], got {p}")));
                }
                Dist::Discrete(Discrete::Geometric { p })
            }
            other => {
                return Err(vec![(
                    "distribution".into(),
                    format!("unknown distribution `{other}`"),
                )])
            }
        };
        if e.is_empty() {
            Ok(d)
        } else {
            Err(e)
        }
    }

    /// Like [`Dist::parse`] but folds the problems into one [`StatsError`].
    pub fn from_params(name: &str, params: &BTreeMap<String, f64>) -> StatsResult<Dist> {
        Dist::parse(name, params).map_err(|e| {
            StatsError::InvalidParameter(
                e.into_iter()
                    .map(|(p, m)| format!("{p}: {m}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    }
}

fn norm_cdf(z: f64) -> f64 {
    super::ndtr::ndtr(z)
}

impl Continuous {
    /// Cumulative distribution function.
    pub fn cdf(&self, x: f64) -> f64 {
        match *self {
            Continuous::Uniform { min, max } => ((x - min) / (max - min)).clamp(0.0, 1.0),
            Continuous::Normal { mean, std } => norm_cdf((x - mean) / std),
            Continuous::Exponential { rate } => {
                if x <= 0.0 {
                    0.0
                } else {
                    -(-x * rate).exp_m1()
                }
            }
            Continuous::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    norm_cdf((x.ln() - mu) / sigma)
                }
            }
            Continuous::Gamma { shape, scale } => {
                if x <= 0.0 {
                    0.0
                } else {
                    gamma_p(shape, x / scale)
                }
            }
            Continuous::Beta { a, b } => {
                if x <= 0.0 {
                    0.0
                } else if x >= 1.0 {
                    1.0
                } else {
                    beta_reg(a, b, x)
                }
            }
            Continuous::StudentT { df } => t_cdf(x, df),
            Continuous::ChiSquare { df } => {
                if x <= 0.0 {
                    0.0
                } else {
                    gamma_p(df / 2.0, x / 2.0)
                }
            }
        }
    }
}

/// The regularised incomplete beta `I_x(a, b)` (statrs). statrs treats every `x` within
/// 4 ulps of 1 as 1 (`I_x(0.5, 0.5)` at `x = 1 - 2^-52` is `1 - 9.5e-9`, not 1); there the
/// exact identity `I_x(a, b) = 1 - I_{1-x}(b, a)` is used instead (`1 - x` is exact).
pub fn beta_reg(a: f64, b: f64, x: f64) -> f64 {
    if x > 0.5 && x < 1.0 && 1.0 - x < 8.0 * f64::EPSILON {
        1.0 - statrs::function::beta::beta_reg(b, a, 1.0 - x)
    } else {
        statrs::function::beta::beta_reg(a, b, x)
    }
}

/// Student t CDF via the regularised incomplete beta function.
pub fn t_cdf(x: f64, df: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let tail = 0.5 * beta_reg(df / 2.0, 0.5, df / (df + x * x));
    if x > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// Two-sided Student t p-value `2·P(T > |t|)`.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_infinite() {
        return 0.0;
    }
    beta_reg(df / 2.0, 0.5, df / (df + t * t)).min(1.0)
}

/// Chi-square survival function.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    gamma_q(df / 2.0, x / 2.0)
}

impl Discrete {
    /// Smallest value of the support.
    pub fn support_min(&self) -> u64 {
        match self {
            Discrete::Geometric { .. } => 1,
            _ => 0,
        }
    }

    /// Largest value of the support (`None` when unbounded).
    pub fn support_max(&self) -> Option<u64> {
        match self {
            Discrete::Binomial { n, .. } => Some(*n),
            _ => None,
        }
    }

    /// Probability mass at `k`.
    pub fn pmf(&self, k: u64) -> f64 {
        let kf = k as f64;
        match *self {
            Discrete::Poisson { lambda } => (kf * lambda.ln() - ln_gamma(kf + 1.0) - lambda).exp(),
            Discrete::Binomial { n, p } => {
                if k > n {
                    return 0.0;
                }
                let nf = n as f64;
                if p == 0.0 {
                    return f64::from(u8::from(k == 0));
                }
                if p == 1.0 {
                    return f64::from(u8::from(k == n));
                }
                let lc = ln_gamma(nf + 1.0) - ln_gamma(kf + 1.0) - ln_gamma(nf - kf + 1.0);
                (lc + kf * p.ln() + (nf - kf) * (-p).ln_1p()).exp()
            }
            Discrete::Geometric { p } => {
                if k == 0 {
                    0.0
                } else {
                    ((kf - 1.0) * (-p).ln_1p()).exp() * p
                }
            }
        }
    }

    /// `P(X >= k)`.
    pub fn sf_ge(&self, k: u64) -> f64 {
        if k <= self.support_min() {
            return 1.0;
        }
        match *self {
            Discrete::Poisson { lambda } => gamma_p(k as f64, lambda),
            Discrete::Binomial { n, p } => {
                if k > n {
                    0.0
                } else {
                    beta_reg(k as f64, (n - k + 1) as f64, p)
                }
            }
            Discrete::Geometric { p } => ((k as f64 - 1.0) * (-p).ln_1p()).exp(),
        }
    }
}
