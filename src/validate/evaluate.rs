//! Evaluation of requirements against a `RecordBatch` → [`ValidationReport`].
//!
//! [`validate`] never panics: a check that cannot be computed is a failed
//! check whose message says why (e.g. "regression undefined: `x` is
//! constant"). p-value checks are gated after a run-wide multiple-testing
//! adjustment (see `requirement` module doc). A `row_count` check comparing
//! the batch length with `num_samples` always comes first.
//! Metrics keys are `"<kind>[<index>].<name>"` with the requirement index; the design
//! document's names (`mean_x`, `estimated_slope`, `std_noise`, ...) are added beside them by
//! [`super::document`], and the kind-specific violation fields are set here
//! ([`crate::report::ViolationDetail`]).

use super::anderson::{anderson, AdDist};
use super::chi2::{chisquare, discrete_gof};
use super::correlation::{kendalltau, pearson_ci, pearsonr, spearmanr};
use super::cvm::cramervonmises;
use super::data::{finite_only, null_count, numeric, paired, strings};
use super::distributions::Dist;
use super::ks::{ks_1samp, ks_2samp};
use super::multiple::adjust;
use super::regression::{linregress, mean, ols};
use super::requirement::*;
use super::result::{CheckResult, ValidationReport};
use arrow::record_batch::RecordBatch;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A p-value check waiting for the multiple-testing adjustment.
struct Pending {
    index: usize,
    alpha: f64,
    effect_size_max: Option<f64>,
    gate: Option<Gate>,
}

type Metrics = BTreeMap<String, Value>;

struct Out {
    check: CheckResult,
    pending: Option<(f64, Option<f64>, Option<Gate>)>, // alpha, esm, gate
}

fn base(kind: &str, columns: &[&str]) -> CheckResult {
    CheckResult {
        check: kind.to_string(),
        columns: columns.iter().map(|s| s.to_string()).collect(),
        ..CheckResult::default()
    }
}

fn fail(mut c: CheckResult, msg: impl Into<String>) -> Out {
    c.passed = false;
    c.message = msg.into();
    Out {
        check: c,
        pending: None,
    }
}

fn within(mut c: CheckResult, expected: f64, observed: f64, tol: f64, what: &str) -> CheckResult {
    c.expected = Some(expected);
    c.observed = Some(observed);
    c.tolerance = Some(tol);
    c.effect_size = Some((observed - expected).abs());
    c.passed = (observed - expected).abs() <= tol;
    c.message = if c.passed {
        format!("{what} {observed:.6} within {tol} of {expected}")
    } else {
        format!("{what} {observed:.6} differs from {expected} by more than {tol}")
    };
    c
}

fn metric(m: &mut Metrics, kind: &str, i: usize, name: &str, v: f64) {
    if v.is_finite() {
        m.insert(format!("{kind}[{i}].{name}"), Value::from(v));
    }
}

/// Residuals `y − intercept − Σ slope·x` of the single relationship_check.
pub(super) fn residuals(
    batch: &RecordBatch,
    reqs: &[Requirement],
    which: Option<usize>,
) -> Result<(Vec<String>, Vec<f64>), String> {
    let rel: Vec<&RelationshipCheck> = reqs
        .iter()
        .filter_map(|r| match r {
            Requirement::RelationshipCheck(r) => Some(r),
            _ => None,
        })
        .collect();
    let r = match (which, rel.as_slice()) {
        (Some(i), list) => *list.get(i).ok_or_else(|| {
            format!(
                "relationship: {i} but the spec has {} relationship_check(s)",
                list.len()
            )
        })?,
        (None, [one]) => *one,
        (None, []) => return Err("no relationship_check to take residuals from".into()),
        (None, _) => {
            return Err(
                "several relationship_checks: say which with `relationship: <index>`".into(),
            )
        }
    };
    let xs = r.independent.names();
    let slopes: Vec<f64> = match (&r.expected_slope, &r.expected_slopes) {
        (Some(s), None) => vec![*s],
        (None, Some(v)) => v.clone(),
        _ => return Err("relationship_check needs expected_slope or expected_slopes".into()),
    };
    if slopes.len() != xs.len() {
        return Err("one expected slope per independent column is needed".into());
    }
    let mut names: Vec<&str> = xs.clone();
    names.push(&r.dependent);
    let cols = names
        .iter()
        .map(|n| numeric(batch, n))
        .collect::<Result<Vec<_>, _>>()?;
    let data = paired(&names, cols, r.drop_non_finite)?;
    let (y, xcols) = data.split_last().ok_or("no columns")?;
    let b0 = r.expected_intercept.unwrap_or(0.0);
    let res = (0..y.len())
        .map(|i| {
            y[i] - b0
                - xcols
                    .iter()
                    .zip(&slopes)
                    .map(|(x, s)| s * x[i])
                    .sum::<f64>()
        })
        .collect();
    Ok((names.iter().map(|s| s.to_string()).collect(), res))
}

fn eval(
    req: &Requirement,
    i: usize,
    batch: &RecordBatch,
    reqs: &[Requirement],
    m: &mut Metrics,
    settings: &ValidationSettings,
) -> Out {
    let kind = req.kind();
    match req {
        Requirement::SchemaCheck(s) => {
            let mut cols: Vec<&str> = s.columns.iter().map(String::as_str).collect();
            for name in s.types.keys() {
                if !cols.contains(&name.as_str()) {
                    cols.push(name);
                }
            }
            let missing: Vec<&str> = cols
                .iter()
                .copied()
                .filter(|c| batch.column_by_name(c).is_none())
                .collect();
            let mistyped: Vec<String> = s
                .types
                .iter()
                .filter_map(|(name, dtype)| {
                    let found = batch.column_by_name(name)?.data_type();
                    let want = super::ColumnKind::of(*dtype);
                    (!super::data::has_kind(found, want))
                        .then(|| format!("`{name}` is {found}, not {}", dtype.name()))
                })
                .collect();
            let mut c = base(kind, &cols);
            c.passed = missing.is_empty() && mistyped.is_empty();
            c.message = match (missing.is_empty(), mistyped.is_empty()) {
                (true, true) if s.types.is_empty() => "all columns present".into(),
                (true, true) => "all columns present, with the stated types".into(),
                (false, _) => format!("missing column(s): {}", missing.join(", ")),
                (true, false) => format!("wrong type: {}", mistyped.join("; ")),
            };
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::DistributionTest(d) => {
            let mut c = base(kind, &[&d.column]);
            c.detail.column = Some(d.column.clone());
            // The test's name as the spec spells it (the requirement's own serde name).
            c.detail.test = serde_json::to_value(d.test)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string));
            let x = match numeric(batch, &d.column)
                .and_then(|v| finite_only(&d.column, v, d.drop_non_finite))
            {
                Ok(x) => x,
                Err(e) => return fail(c, e),
            };
            c.n = Some(x.len() as u64);
            let alpha = d.alpha.unwrap_or(settings.default_alpha);
            c.alpha = Some(alpha);
            let res: Result<(String, f64, f64), String> = match d.test {
                GofTest::Anderson => {
                    let which = match d.distribution.as_str() {
                        "normal" => Some(AdDist::Normal),
                        "exponential" => Some(AdDist::Exponential),
                        _ => None,
                    };
                    match which {
                        None => Err("anderson supports normal and exponential only".into()),
                        Some(w) => anderson(&x, w)
                            .map(|r| ("anderson".into(), r.statistic, r.pvalue))
                            .map_err(|e| e.to_string()),
                    }
                }
                GofTest::Cramervonmises => match Dist::from_params(&d.distribution, &d.params) {
                    Ok(Dist::Continuous(dist)) => cramervonmises(&x, &dist)
                        .map(|r| ("cramervonmises".into(), r.statistic, r.pvalue))
                        .map_err(|e| e.to_string()),
                    Ok(Dist::Discrete(_)) => {
                        Err("cramervonmises needs a continuous distribution".into())
                    }
                    Err(e) => Err(e.to_string()),
                },
                GofTest::Ks => match Dist::from_params(&d.distribution, &d.params) {
                    Ok(Dist::Continuous(dist)) => ks_1samp(&x, &dist)
                        .map(|r| ("ks".into(), r.statistic, r.pvalue))
                        .map_err(|e| e.to_string()),
                    Ok(Dist::Discrete(_)) => {
                        Err("ks needs a continuous distribution (use test: chisquare)".into())
                    }
                    Err(e) => Err(e.to_string()),
                },
                GofTest::Chisquare => match Dist::from_params(&d.distribution, &d.params) {
                    Ok(Dist::Discrete(dist)) => discrete_gof(&x, &dist)
                        .map(|r| ("chisquare".into(), r.statistic, r.pvalue))
                        .map_err(|e| e.to_string()),
                    Ok(Dist::Continuous(_)) => {
                        Err("chisquare needs a discrete distribution".into())
                    }
                    Err(e) => Err(e.to_string()),
                },
            };
            match res {
                Err(e) => fail(c, e),
                Ok((method, stat, p)) => {
                    c.method = Some(method);
                    c.statistic = Some(stat);
                    c.p_value = Some(p);
                    c.effect_size = Some(if d.test == GofTest::Chisquare {
                        (stat / (x.len() as f64)).sqrt()
                    } else {
                        stat
                    });
                    metric(m, kind, i, "statistic", stat);
                    metric(m, kind, i, "p_value", p);
                    Out {
                        check: c,
                        pending: Some((alpha, d.effect_size_max, d.gate)),
                    }
                }
            }
        }
        Requirement::RelationshipCheck(r) => {
            let xs = r.independent.names();
            let mut names = xs.clone();
            names.push(&r.dependent);
            let mut c = base(kind, &names);
            c.detail.expected_slope = match (&r.expected_slope, &r.expected_slopes) {
                (Some(s), None) if xs.len() == 1 => Some(*s),
                (None, Some(v)) if xs.len() == 1 && v.len() == 1 => v.first().copied(),
                _ => None,
            };
            let cols = match names
                .iter()
                .map(|n| numeric(batch, n))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(v) => v,
                Err(e) => return fail(c, e),
            };
            let data = match paired(&names, cols, r.drop_non_finite) {
                Ok(d) => d,
                Err(e) => return fail(c, e),
            };
            let Some((y, xcols)) = data.split_last() else {
                return fail(c, "no columns");
            };
            c.n = Some(y.len() as u64);
            let expected: Vec<f64> = match (&r.expected_slope, &r.expected_slopes) {
                (Some(s), None) => vec![*s],
                (None, Some(v)) => v.clone(),
                _ => {
                    return fail(
                        c,
                        "give expected_slope (one column) or expected_slopes (several)",
                    )
                }
            };
            if expected.len() != xcols.len() {
                return fail(c, "one expected slope per independent column is needed");
            }
            let fit = if xcols.len() == 1 {
                linregress(&xcols[0], y).map(|l| {
                    c.p_value = Some(l.pvalue);
                    (vec![l.slope], l.intercept, l.rvalue * l.rvalue)
                })
            } else {
                let refs: Vec<&[f64]> = xcols.iter().map(Vec::as_slice).collect();
                ols(&refs, y)
                    .map(|o| (o.coefficients[1..].to_vec(), o.coefficients[0], o.r_squared))
            };
            let (slopes, intercept, r2) = match fit {
                Ok(f) => f,
                Err(e) => {
                    let msg = e
                        .to_string()
                        .replace("`x`", &format!("`{}`", xs.first().copied().unwrap_or("x")))
                        .replace("`y`", &format!("`{}`", r.dependent));
                    return fail(c, msg);
                }
            };
            c.method = Some(if xcols.len() == 1 {
                "linregress".into()
            } else {
                "ols".into()
            });
            let mut problems = Vec::new();
            let mut worst = 0.0_f64;
            for (k, (s, e)) in slopes.iter().zip(&expected).enumerate() {
                let d = (s - e).abs();
                worst = worst.max(d);
                metric(
                    m,
                    kind,
                    i,
                    &format!("slope[{}]", xs.get(k).copied().unwrap_or("?")),
                    *s,
                );
                if d > r.tolerance {
                    problems.push(format!(
                        "slope of `{}` is {s:.6}, expected {e} ± {}",
                        xs.get(k).copied().unwrap_or("?"),
                        r.tolerance
                    ));
                }
            }
            metric(m, kind, i, "intercept", intercept);
            metric(m, kind, i, "r_squared", r2);
            if let Some(b0) = r.expected_intercept {
                let tol = r.intercept_tolerance.unwrap_or(r.tolerance);
                if (intercept - b0).abs() > tol {
                    problems.push(format!(
                        "intercept is {intercept:.6}, expected {b0} ± {tol}"
                    ));
                }
            }
            if let Some(mr) = r.min_r_squared {
                if r2 < mr {
                    problems.push(format!("R² is {r2:.6}, below {mr}"));
                }
            }
            c.expected = expected.first().copied().filter(|_| expected.len() == 1);
            c.observed = slopes.first().copied().filter(|_| slopes.len() == 1);
            c.statistic = c.observed;
            c.detail.observed_slope = c.observed;
            c.tolerance = Some(r.tolerance);
            c.effect_size = Some(worst);
            c.passed = problems.is_empty();
            c.message = if c.passed {
                format!(
                    "slope(s) {slopes:.6?} within {} of {expected:?}",
                    r.tolerance
                )
            } else {
                problems.join("; ")
            };
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::NoiseMeanCheck(n) => match residuals(batch, reqs, n.relationship) {
            Err(e) => fail(base(kind, &[]), e),
            Ok((cols, res)) => {
                let names: Vec<&str> = cols.iter().map(String::as_str).collect();
                if res.is_empty() {
                    return fail(base(kind, &names), "no residuals (empty data)");
                }
                let mu = mean(&res);
                metric(m, kind, i, "residual_mean", mu);
                let mut c = within(
                    base(kind, &names),
                    n.expected_mean,
                    mu,
                    n.tolerance,
                    "residual mean",
                );
                c.n = Some(res.len() as u64);
                c.method = Some("mean".into());
                Out {
                    check: c,
                    pending: None,
                }
            }
        },
        Requirement::NoiseStdCheck(n) => match residuals(batch, reqs, n.relationship) {
            Err(e) => fail(base(kind, &[]), e),
            Ok((cols, res)) => {
                let names: Vec<&str> = cols.iter().map(String::as_str).collect();
                if res.len() < 2 {
                    return fail(base(kind, &names), "residual std needs at least 2 rows");
                }
                let mu = mean(&res);
                let sd = (res.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>()
                    / (res.len() as f64 - 1.0))
                    .sqrt();
                metric(m, kind, i, "residual_std", sd);
                let mut c = within(
                    base(kind, &names),
                    n.expected_std,
                    sd,
                    n.tolerance,
                    "residual std",
                );
                c.n = Some(res.len() as u64);
                c.method = Some("std(ddof=1)".into());
                Out {
                    check: c,
                    pending: None,
                }
            }
        },
        Requirement::ResidualNormality(n) => match residuals(batch, reqs, n.relationship) {
            Err(e) => fail(base(kind, &[]), e),
            Ok((cols, res)) => {
                let names: Vec<&str> = cols.iter().map(String::as_str).collect();
                let mut c = base(kind, &names);
                c.n = Some(res.len() as u64);
                let alpha = n.alpha.unwrap_or(settings.default_alpha);
                c.alpha = Some(alpha);
                match anderson(&res, AdDist::Normal) {
                    Err(e) => fail(c, e.to_string()),
                    Ok(r) => {
                        c.method = Some("anderson".into());
                        c.statistic = Some(r.statistic);
                        c.effect_size = Some(r.statistic);
                        c.p_value = Some(r.pvalue);
                        metric(m, kind, i, "statistic", r.statistic);
                        Out {
                            check: c,
                            pending: Some((alpha, None, None)),
                        }
                    }
                }
            }
        },
        Requirement::CorrelationCheck(k) => {
            let names: Vec<&str> = k.columns.iter().map(String::as_str).collect();
            let mut c = base(kind, &names);
            if names.len() != 2 {
                return fail(c, "correlation_check needs exactly two columns");
            }
            let cols = match names
                .iter()
                .map(|n| numeric(batch, n))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(v) => v,
                Err(e) => return fail(c, e),
            };
            let data = match paired(&names, cols, k.drop_non_finite) {
                Ok(d) => d,
                Err(e) => return fail(c, e),
            };
            let (x, y) = (&data[0], &data[1]);
            c.n = Some(x.len() as u64);
            let res = match k.method {
                CorrMethod::Pearson => pearsonr(x, y),
                CorrMethod::Spearman => spearmanr(x, y),
                CorrMethod::Kendall => kendalltau(x, y),
            };
            let r = match res {
                Ok(r) => r,
                Err(e) => {
                    let msg = e
                        .to_string()
                        .replace("`x`", &format!("`{}`", names[0]))
                        .replace("`y`", &format!("`{}`", names[1]));
                    return fail(c, msg);
                }
            };
            metric(m, kind, i, "r", r.statistic);
            if k.method == CorrMethod::Pearson {
                if let Ok((lo, hi)) = pearson_ci(r.statistic, x.len(), 0.95) {
                    metric(m, kind, i, "ci95_low", lo);
                    metric(m, kind, i, "ci95_high", hi);
                }
            }
            let mut c = within(c, k.expected, r.statistic, k.tolerance, "correlation");
            c.method = Some(format!("{:?}", k.method).to_lowercase());
            c.statistic = Some(r.statistic);
            c.p_value = Some(r.pvalue);
            if let Some(a) = k.alpha {
                c.alpha = Some(a);
                if r.pvalue >= a {
                    c.passed = false;
                    c.message = format!(
                        "correlation {:.6} not significant (p = {:.3e} >= {a})",
                        r.statistic, r.pvalue
                    );
                }
            }
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::CategoricalFrequency(f) => {
            let mut c = base(kind, &[&f.column]);
            let vals = match strings(batch, &f.column) {
                Ok(v) => v,
                Err(e) => return fail(c, e),
            };
            let mut counts: BTreeMap<&str, f64> =
                f.expected.keys().map(|k| (k.as_str(), 0.0)).collect();
            let mut unexpected = 0usize;
            let mut n = 0usize;
            for v in vals.iter().flatten() {
                n += 1;
                match counts.get_mut(v.as_str()) {
                    Some(cnt) => *cnt += 1.0,
                    None => unexpected += 1,
                }
            }
            c.n = Some(n as u64);
            let alpha = f.alpha.unwrap_or(settings.default_alpha);
            c.alpha = Some(alpha);
            if unexpected > 0 {
                return fail(
                    c,
                    format!("{unexpected} value(s) outside the expected categories"),
                );
            }
            let obs: Vec<f64> = counts.values().copied().collect();
            let exp: Vec<f64> = f.expected.values().map(|s| s * n as f64).collect();
            match chisquare(&obs, &exp, 0) {
                Err(e) => fail(c, e.to_string()),
                Ok(r) => {
                    c.method = Some("chisquare".into());
                    c.statistic = Some(r.statistic);
                    c.p_value = Some(r.pvalue);
                    c.effect_size = Some(r.cramers_v);
                    metric(m, kind, i, "cramers_v", r.cramers_v);
                    Out {
                        check: c,
                        pending: Some((alpha, f.effect_size_max, f.gate)),
                    }
                }
            }
        }
        Requirement::RangeCheck(r) => {
            let mut c = base(kind, &[&r.column]);
            let vals: Vec<f64> = match numeric(batch, &r.column) {
                Ok(v) => v.into_iter().flatten().collect(),
                Err(e) => return fail(c, e),
            };
            if vals.is_empty() {
                return fail(c, "no non-null values");
            }
            let (lo, hi) = (
                r.min.unwrap_or(f64::NEG_INFINITY),
                r.max.unwrap_or(f64::INFINITY),
            );
            let inside = vals.iter().filter(|v| **v >= lo && **v <= hi).count();
            let frac = inside as f64 / vals.len() as f64;
            let mostly = r.mostly.unwrap_or(1.0);
            metric(m, kind, i, "fraction_in_range", frac);
            c.n = Some(vals.len() as u64);
            c.expected = Some(mostly);
            c.observed = Some(frac);
            c.passed = frac >= mostly;
            c.message = format!(
                "{:.4}% of values in [{lo}, {hi}] (need {:.4}%)",
                frac * 100.0,
                mostly * 100.0
            );
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::NullFraction(nf) => {
            let mut c = base(kind, &[&nf.column]);
            let (nulls, len) = match null_count(batch, &nf.column) {
                Ok(v) => v,
                Err(e) => return fail(c, e),
            };
            let nan = numeric(batch, &nf.column)
                .map(|v| v.into_iter().flatten().filter(|x| x.is_nan()).count())
                .unwrap_or(0);
            let frac = if len == 0 {
                0.0
            } else {
                (nulls + nan) as f64 / len as f64
            };
            metric(m, kind, i, "null_fraction", frac);
            c.n = Some(len as u64);
            c.expected = Some(nf.max);
            c.observed = Some(frac);
            c.passed = frac <= nf.max;
            c.message = format!("null fraction {frac:.6} (max {})", nf.max);
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::Uniqueness(u) => {
            let c = base(kind, &[&u.column]);
            let keys: Result<Vec<String>, String> = match numeric(batch, &u.column) {
                Ok(v) => Ok(v
                    .into_iter()
                    .flatten()
                    .map(|x| format!("{:016x}", (x + 0.0).to_bits()))
                    .collect()),
                Err(_) => strings(batch, &u.column).map(|v| v.into_iter().flatten().collect()),
            };
            match keys {
                Err(e) => fail(c, e),
                Ok(k) => {
                    let n = k.len();
                    let distinct = k.into_iter().collect::<BTreeSet<_>>().len();
                    let mut c = c;
                    c.n = Some(n as u64);
                    c.observed = Some((n - distinct) as f64);
                    c.expected = Some(0.0);
                    c.passed = distinct == n;
                    c.message = format!("{} duplicate value(s)", n - distinct);
                    Out {
                        check: c,
                        pending: None,
                    }
                }
            }
        }
        Requirement::AllowedValues(a) => {
            let mut c = base(kind, &[&a.column]);
            let vals = match strings(batch, &a.column) {
                Ok(v) => v,
                Err(e) => return fail(c, e),
            };
            let allowed: BTreeSet<&str> = a.values.iter().map(String::as_str).collect();
            let bad: Vec<&String> = vals
                .iter()
                .flatten()
                .filter(|v| !allowed.contains(v.as_str()))
                .collect();
            let distinct_bad: BTreeSet<&str> = bad.iter().map(|s| s.as_str()).collect();
            c.n = Some(vals.iter().flatten().count() as u64);
            c.observed = Some(bad.len() as f64);
            c.expected = Some(0.0);
            c.passed = bad.is_empty();
            c.message = if c.passed {
                "all values allowed".into()
            } else {
                let sample: Vec<&str> = distinct_bad.into_iter().take(5).collect();
                format!(
                    "{} value(s) not allowed, e.g. {}",
                    bad.len(),
                    sample.join(", ")
                )
            };
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::Regex(r) => {
            let mut c = base(kind, &[&r.column]);
            if r.pattern.len() > MAX_PATTERN_LEN {
                return fail(c, format!("pattern longer than {MAX_PATTERN_LEN} bytes"));
            }
            let re = match regex::RegexBuilder::new(&format!("^(?:{})$", r.pattern))
                .size_limit(1 << 20)
                .build()
            {
                Ok(re) => re,
                Err(e) => return fail(c, format!("invalid regex: {e}")),
            };
            let vals = match strings(batch, &r.column) {
                Ok(v) => v,
                Err(e) => return fail(c, e),
            };
            let bad = vals.iter().flatten().filter(|v| !re.is_match(v)).count();
            c.n = Some(vals.iter().flatten().count() as u64);
            c.observed = Some(bad as f64);
            c.expected = Some(0.0);
            c.passed = bad == 0;
            c.message = format!("{bad} value(s) do not match /{}/", r.pattern);
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::Moments(mo) => {
            let mut c = base(kind, &[&mo.column]);
            let x = match numeric(batch, &mo.column)
                .and_then(|v| finite_only(&mo.column, v, mo.drop_non_finite))
            {
                Ok(x) => x,
                Err(e) => return fail(c, e),
            };
            if x.len() < 2 {
                return fail(
                    c,
                    format!("moments need at least 2 values, got {}", x.len()),
                );
            }
            c.n = Some(x.len() as u64);
            let nf = x.len() as f64;
            let mu = mean(&x);
            let m2 = x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / nf;
            let m3 = x.iter().map(|v| (v - mu).powi(3)).sum::<f64>() / nf;
            let sd = (m2 * nf / (nf - 1.0)).sqrt();
            let skew = if m2 > 0.0 {
                m3 / m2.powf(1.5)
            } else {
                f64::NAN
            };
            metric(m, kind, i, "mean", mu);
            metric(m, kind, i, "std", sd);
            metric(m, kind, i, "skew", skew);
            let mut fails = Vec::new();
            let mut worst = 0.0_f64;
            for (name, exp, obs) in [
                ("mean", mo.mean, mu),
                ("std", mo.std, sd),
                ("skew", mo.skew, skew),
            ] {
                if let Some(e) = exp {
                    if !obs.is_finite() {
                        fails.push(format!("{name} undefined (constant column)"));
                        continue;
                    }
                    worst = worst.max((obs - e).abs());
                    if (obs - e).abs() > mo.tolerance {
                        fails.push(format!(
                            "{name} {obs:.6} differs from {e} by more than {}",
                            mo.tolerance
                        ));
                    }
                }
            }
            c.method = Some("moments".into());
            c.tolerance = Some(mo.tolerance);
            c.effect_size = Some(worst);
            c.passed = fails.is_empty();
            c.message = if c.passed {
                format!(
                    "mean {mu:.6}, std {sd:.6}, skew {}",
                    if skew.is_finite() {
                        format!("{skew:.6}")
                    } else {
                        "undefined".into()
                    }
                )
            } else {
                fails.join("; ")
            };
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::Quantiles(q) => {
            let mut c = base(kind, &[&q.column]);
            let mut x = match numeric(batch, &q.column)
                .and_then(|v| finite_only(&q.column, v, q.drop_non_finite))
            {
                Ok(x) => x,
                Err(e) => return fail(c, e),
            };
            if x.is_empty() {
                return fail(c, "no values");
            }
            x.sort_unstable_by(f64::total_cmp);
            c.n = Some(x.len() as u64);
            let mut fails = Vec::new();
            let mut worst = 0.0_f64;
            for (k, e) in &q.quantiles {
                let Ok(p) = k.parse::<f64>() else {
                    fails.push(format!("bad quantile key `{k}`"));
                    continue;
                };
                if !(0.0..=1.0).contains(&p) {
                    fails.push(format!("quantile {p} outside [0, 1]"));
                    continue;
                }
                let h = (x.len() as f64 - 1.0) * p;
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(x.len() - 1);
                let v = x[lo] + (h - lo as f64) * (x[hi] - x[lo]);
                metric(m, kind, i, &format!("q{k}"), v);
                worst = worst.max((v - e).abs());
                if (v - e).abs() > q.tolerance {
                    fails.push(format!("q{k} = {v:.6}, expected {e} ± {}", q.tolerance));
                }
            }
            c.method = Some("quantile(linear)".into());
            c.tolerance = Some(q.tolerance);
            c.effect_size = Some(worst);
            c.passed = fails.is_empty();
            c.message = if c.passed {
                "quantiles within tolerance".into()
            } else {
                fails.join("; ")
            };
            Out {
                check: c,
                pending: None,
            }
        }
        Requirement::TwoSampleKs(t) => {
            let mut c = base(kind, &[&t.column, &t.other_column]);
            let a = numeric(batch, &t.column)
                .and_then(|v| finite_only(&t.column, v, t.drop_non_finite));
            let b = numeric(batch, &t.other_column)
                .and_then(|v| finite_only(&t.other_column, v, t.drop_non_finite));
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return fail(c, e),
            };
            c.n = Some((a.len() + b.len()) as u64);
            let alpha = t.alpha.unwrap_or(settings.default_alpha);
            c.alpha = Some(alpha);
            match ks_2samp(&a, &b) {
                Err(e) => fail(c, e.to_string()),
                Ok(r) => {
                    c.method = Some("ks_2samp".into());
                    c.statistic = Some(r.statistic);
                    c.p_value = Some(r.pvalue);
                    c.effect_size = Some(r.statistic);
                    metric(m, kind, i, "statistic", r.statistic);
                    Out {
                        check: c,
                        pending: Some((alpha, t.effect_size_max, t.gate)),
                    }
                }
            }
        }
    }
}

/// Evaluates every requirement; never panics.
pub fn validate(
    batch: &RecordBatch,
    columns: &[ExpectedColumn],
    num_samples: u64,
    reqs: &[Requirement],
    settings: &ValidationSettings,
) -> ValidationReport {
    let _ = columns; // types are enforced upstream by the contract; kept for API stability
    let mut metrics: Metrics = BTreeMap::new();
    metrics.insert("num_samples".into(), num_samples.into());
    metrics.insert("rows".into(), (batch.num_rows() as u64).into());
    let mut checks = Vec::with_capacity(reqs.len() + 1);
    let rows = batch.num_rows() as u64;
    let mut rc = base("row_count", &[]);
    rc.expected = Some(num_samples as f64);
    rc.observed = Some(rows as f64);
    rc.n = Some(rows);
    rc.passed = rows == num_samples;
    rc.message = format!("{rows} rows (expected {num_samples})");
    checks.push(rc);
    let mut pending: Vec<Pending> = Vec::new();
    for (i, req) in reqs.iter().enumerate() {
        let out = eval(req, i, batch, reqs, &mut metrics, settings);
        if let Some((alpha, esm, gate)) = out.pending {
            pending.push(Pending {
                index: checks.len(),
                alpha,
                effect_size_max: esm,
                gate,
            });
        }
        checks.push(out.check);
    }
    let raw: Vec<f64> = pending
        .iter()
        .map(|p| checks[p.index].p_value.unwrap_or(0.0))
        .collect();
    let adj = adjust(settings.multiple_testing, &raw);
    for (p, a) in pending.iter().zip(adj) {
        let c = &mut checks[p.index];
        c.adjusted_p_value = Some(a);
        let p_ok = a >= p.alpha;
        let e_ok = match (p.effect_size_max, c.effect_size) {
            (Some(mx), Some(e)) => Some(e <= mx),
            _ => None,
        };
        let gate = p.gate.unwrap_or(if p.effect_size_max.is_some() {
            Gate::Either
        } else {
            Gate::PValue
        });
        c.passed = match gate {
            Gate::PValue => p_ok,
            Gate::EffectSize => e_ok.unwrap_or(false),
            Gate::Both => p_ok && e_ok.unwrap_or(false),
            Gate::Either => p_ok || e_ok.unwrap_or(false),
        };
        c.message = format!(
            "{} = {:.6}, p = {:.4e} (adjusted {:.4e}, alpha {}){}",
            c.method.as_deref().unwrap_or("statistic"),
            c.statistic.unwrap_or(f64::NAN),
            c.p_value.unwrap_or(f64::NAN),
            a,
            p.alpha,
            match (p.effect_size_max, c.effect_size) {
                (Some(mx), Some(e)) => format!(", effect size {e:.6} (max {mx}, gate {gate:?})"),
                _ => String::new(),
            }
        );
    }
    super::document::add_document_metrics(&mut metrics, batch, reqs);
    ValidationReport::from_checks(checks, metrics)
}
