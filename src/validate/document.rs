//! The design document's metric names, written beside the per-check keys
//! (`KIND[i].NAME`) so a report reads like the document's example
//! (`{"mean_x": 0.498, "std_noise": 0.99, "estimated_slope": 2.03}`).
//!
//! - `mean_<column>` for every Float64 / Int64 column of the batch: the mean of its non-null
//!   values (Arrow nulls are skipped, as `pyarrow.compute.mean` does). A NaN or ±inf among the
//!   values makes the mean non-finite, so the key is omitted (a report never holds a
//!   non-finite number), as it is for a column with no non-null value. Datetime, boolean,
//!   categorical and string columns get no mean: the mean of timestamp ticks depends on the
//!   unit and is not a number a reader expects.
//! - `estimated_slope`: the fitted slope, when the spec has exactly one `relationship_check`
//!   and it has one independent column. Otherwise every fitted slope is written as
//!   `estimated_slope[<dependent>~<independent>]`; a key two relationship_checks would both
//!   write is left out (ambiguous). The per-check `relationship_check[i].slope[<x>]` keys
//!   are always there. A fit that failed writes no slope.
//! - `mean_noise`, `std_noise` (ddof = 1, as `noise_std_check` uses), whenever the spec has a
//!   `noise_mean_check` or `noise_std_check`: the residuals `y − b0 − Σ slope·x` of the
//!   relationship_check those checks take them from (expected slopes and intercept, exactly
//!   as the noise checks compute them). If they take residuals from several
//!   relationship_checks, the keys are `mean_noise[<dependent>]` and `std_noise[<dependent>]`
//!   (left out if two of those relationship_checks share a dependent). `std_noise` needs two
//!   residuals, `mean_noise` one; residuals that cannot be computed write neither.
//! - Collision: with noise checks in the spec, `mean_noise` is the residual mean; an output
//!   column literally named `noise` then gets no `mean_noise` of its own (its mean is still
//!   available through a `moments` check). Without noise checks it is that column's mean.

use std::collections::BTreeMap;

use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use serde_json::Value;

use super::checks::arrays::present_values;
use super::checks::residuals::residuals;
use super::checks::{RelationshipCheck, Requirement};
use super::stats::regression::mean;

/// Adds the document's names (module doc) to `metrics`; never overwrites a key.
pub fn add_document_metrics(
    metrics: &mut BTreeMap<String, Value>,
    batch: &RecordBatch,
    reqs: &[Requirement],
) {
    let noise_checked = reqs.iter().any(is_noise_check);
    let mut names = column_means(batch, noise_checked);
    names.extend(estimated_slopes(metrics, reqs));
    names.extend(noise_metrics(batch, reqs));
    for (key, v) in names {
        if v.is_finite() {
            metrics.entry(key).or_insert_with(|| Value::from(v));
        }
    }
}

fn is_noise_check(r: &Requirement) -> bool {
    matches!(
        r,
        Requirement::NoiseMeanCheck(_) | Requirement::NoiseStdCheck(_)
    )
}

/// `mean_<column>` for Float64 / Int64 columns, in schema order.
fn column_means(batch: &RecordBatch, noise_checked: bool) -> Vec<(String, f64)> {
    batch
        .schema()
        .fields()
        .iter()
        .filter(|f| matches!(f.data_type(), DataType::Float64 | DataType::Int64))
        .filter(|f| !(noise_checked && f.name() == "noise"))
        .filter_map(|f| {
            let a = batch.column_by_name(f.name())?;
            let values = present_values(a);
            (!values.is_empty()).then(|| (format!("mean_{}", f.name()), mean(&values)))
        })
        .collect()
}

/// `(requirement index, check)` of every relationship_check, in spec order.
fn relationships(reqs: &[Requirement]) -> Vec<(usize, &RelationshipCheck)> {
    reqs.iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Requirement::RelationshipCheck(r) => Some((i, r)),
            _ => None,
        })
        .collect()
}

/// Keeps the keys that occur once (a key two sources would write names no single number).
fn unambiguous(candidates: Vec<(String, Option<f64>)>) -> Vec<(String, f64)> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, _) in &candidates {
        *count.entry(k.as_str()).or_default() += 1;
    }
    let once: Vec<bool> = candidates
        .iter()
        .map(|(k, _)| count[k.as_str()] == 1)
        .collect();
    candidates
        .into_iter()
        .zip(once)
        .filter_map(|((k, v), once)| v.filter(|_| once).map(|v| (k, v)))
        .collect()
}

/// `estimated_slope` or `estimated_slope[<dependent>~<x>]`, from the per-check slope metrics
/// the evaluation wrote (`relationship_check[i].slope[<x>]`).
fn estimated_slopes(metrics: &BTreeMap<String, Value>, reqs: &[Requirement]) -> Vec<(String, f64)> {
    let rel = relationships(reqs);
    let slope = |i: usize, x: &str| {
        metrics
            .get(&format!("relationship_check[{i}].slope[{x}]"))
            .and_then(Value::as_f64)
    };
    if let [(i, r)] = rel.as_slice() {
        if let [x] = r.independent.names().as_slice() {
            return slope(*i, x)
                .map(|s| ("estimated_slope".to_string(), s))
                .into_iter()
                .collect();
        }
    }
    let candidates = rel
        .iter()
        .flat_map(|(i, r)| {
            r.independent.names().into_iter().map(move |x| {
                (
                    format!("estimated_slope[{}~{x}]", r.dependent),
                    slope(*i, x),
                )
            })
        })
        .collect();
    unambiguous(candidates)
}

/// `mean_noise` / `std_noise` of the residuals the noise checks use (module doc).
fn noise_metrics(batch: &RecordBatch, reqs: &[Requirement]) -> Vec<(String, f64)> {
    let rel = relationships(reqs);
    // Which relationship_check (index among relationship_checks) each noise check refers to;
    // an unresolvable reference is the noise check's own failure, not a metric.
    let mut used: Vec<usize> = reqs
        .iter()
        .filter_map(|r| match r {
            Requirement::NoiseMeanCheck(n) => Some(n.relationship),
            Requirement::NoiseStdCheck(n) => Some(n.relationship),
            _ => None,
        })
        .filter_map(|which| match which {
            Some(k) => (k < rel.len()).then_some(k),
            None => (rel.len() == 1).then_some(0),
        })
        .collect();
    used.sort_unstable();
    used.dedup();
    let stats = |k: usize| -> (Option<f64>, Option<f64>) {
        let Ok((_, res)) = residuals(batch, reqs, Some(k)) else {
            return (None, None);
        };
        let mu = (!res.is_empty()).then(|| mean(&res));
        let sd = mu.filter(|_| res.len() >= 2).map(|mu| {
            (res.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / (res.len() as f64 - 1.0)).sqrt()
        });
        (mu, sd)
    };
    if let [k] = used.as_slice() {
        let (mu, sd) = stats(*k);
        return [("mean_noise", mu), ("std_noise", sd)]
            .into_iter()
            .filter_map(|(name, v)| v.map(|v| (name.to_string(), v)))
            .collect();
    }
    let candidates = used
        .iter()
        .flat_map(|&k| {
            let dep = &rel[k].1.dependent;
            let (mu, sd) = stats(k);
            [
                (format!("mean_noise[{dep}]"), mu),
                (format!("std_noise[{dep}]"), sd),
            ]
        })
        .collect();
    unambiguous(candidates)
}

#[cfg(test)]
mod tests {
    //! Every expected number is computed here from the data the test builds (or is exact by
    //! construction), never taken from the evaluation.
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray, TimestampSecondArray,
    };
    use arrow::record_batch::RecordBatch;
    use serde_json::Value;

    use crate::validate::checks::{Requirement, ValidationSettings};
    use crate::validate::ValidationReport;

    #[derive(serde::Deserialize)]
    struct Spec {
        validation_requirements: Vec<Requirement>,
    }

    fn reqs(yaml: &str) -> Vec<Requirement> {
        serde_yaml_ng::from_str::<Spec>(&format!("validation_requirements:\n{yaml}"))
            .expect("requirements parse")
            .validation_requirements
    }

    fn run(batch: &RecordBatch, yaml: &str) -> ValidationReport {
        let rows = batch.num_rows() as u64;
        crate::validate::validate(
            batch,
            &[],
            rows,
            &reqs(yaml),
            &ValidationSettings::default(),
        )
    }

    fn f64s(v: &[f64]) -> ArrayRef {
        Arc::new(Float64Array::from(v.to_vec()))
    }

    fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(cols).expect("batch")
    }

    fn metric(r: &ValidationReport, key: &str) -> Option<f64> {
        r.metrics.get(key).and_then(Value::as_f64)
    }

    fn close(got: Option<f64>, want: f64) {
        let got = got.expect("metric present");
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }

    /// Sample mean and std (ddof = 1), written out longhand.
    fn mean_std(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let mu = v.iter().sum::<f64>() / n;
        let ss = v.iter().map(|x| (x - mu).powi(2)).sum::<f64>();
        (mu, (ss / (n - 1.0)).sqrt())
    }

    #[test]
    fn means_of_float_and_int_columns_skip_nulls_and_nothing_else_gets_one() {
        let b = batch(vec![
            (
                "x",
                Arc::new(Float64Array::from(vec![Some(1.0), None, Some(4.0)])) as ArrayRef,
            ),
            ("n", Arc::new(Int64Array::from(vec![1, 2, 6])) as ArrayRef),
            (
                "t",
                Arc::new(TimestampSecondArray::from(vec![0, 10, 20])) as ArrayRef,
            ),
            (
                "b",
                Arc::new(BooleanArray::from(vec![true, false, true])) as ArrayRef,
            ),
            (
                "s",
                Arc::new(StringArray::from(vec!["a", "b", "c"])) as ArrayRef,
            ),
        ]);
        let r = run(&b, "  - schema_check: {columns: [x]}\n");
        close(metric(&r, "mean_x"), 2.5); // (1 + 4) / 2: the null is skipped
        close(metric(&r, "mean_n"), 3.0); // (1 + 2 + 6) / 3
        for absent in ["mean_t", "mean_b", "mean_s"] {
            assert!(!r.metrics.contains_key(absent), "{absent}: {:?}", r.metrics);
        }
    }

    #[test]
    fn a_nan_or_inf_or_all_null_column_has_no_mean() {
        let b = batch(vec![
            ("nan", f64s(&[1.0, f64::NAN])),
            ("inf", f64s(&[1.0, f64::INFINITY])),
            (
                "none",
                Arc::new(Float64Array::from(vec![None, None])) as ArrayRef,
            ),
            ("ok", f64s(&[1.0, 2.0])),
        ]);
        let r = run(&b, "  - schema_check: {columns: [ok]}\n");
        close(metric(&r, "mean_ok"), 1.5);
        for absent in ["mean_nan", "mean_inf", "mean_none"] {
            assert!(!r.metrics.contains_key(absent), "{absent}: {:?}", r.metrics);
        }
    }

    #[test]
    fn one_relationship_with_one_regressor_gives_the_plain_estimated_slope() {
        // y = 3x + 1 exactly: the least-squares slope is 3.
        let x = [0.0, 1.0, 2.0, 3.0, 5.0];
        let y: Vec<f64> = x.iter().map(|x| 3.0 * x + 1.0).collect();
        let b = batch(vec![("x", f64s(&x)), ("y", f64s(&y))]);
        let r = run(
            &b,
            "  - relationship_check: {independent: x, dependent: y, expected_slope: 3, tolerance: 0.1}\n",
        );
        close(metric(&r, "estimated_slope"), 3.0);
        assert!(!r.metrics.keys().any(|k| k.starts_with("estimated_slope[")));
    }

    #[test]
    fn several_relationships_give_qualified_slopes_and_leave_out_shared_keys() {
        // y = 2x + 5z and w = -x exactly; the plain fit of y on x alone is not needed here:
        // `y~x` is written by two checks, so it is left out.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 6.0];
        let z = [1.0, 0.0, 2.0, 1.0, 5.0, 3.0];
        let y: Vec<f64> = x.iter().zip(&z).map(|(x, z)| 2.0 * x + 5.0 * z).collect();
        let w: Vec<f64> = x.iter().map(|x| -x).collect();
        let b = batch(vec![
            ("x", f64s(&x)),
            ("z", f64s(&z)),
            ("y", f64s(&y)),
            ("w", f64s(&w)),
        ]);
        let r = run(
            &b,
            "  - relationship_check: {independent: x, dependent: y, expected_slope: 2, tolerance: 9}
  - relationship_check: {independent: [x, z], dependent: y, expected_slopes: [2, 5], tolerance: 0.1}
  - relationship_check: {independent: x, dependent: w, expected_slope: -1, tolerance: 0.1}
",
        );
        assert!(
            !r.metrics.contains_key("estimated_slope"),
            "{:?}",
            r.metrics
        );
        assert!(
            !r.metrics.contains_key("estimated_slope[y~x]"),
            "{:?}",
            r.metrics
        );
        let z_slope = metric(&r, "estimated_slope[y~z]").expect("y~z");
        assert!((z_slope - 5.0).abs() < 1e-9, "{z_slope}");
        let w_slope = metric(&r, "estimated_slope[w~x]").expect("w~x");
        assert!((w_slope + 1.0).abs() < 1e-9, "{w_slope}");
    }

    #[test]
    fn mean_and_std_noise_are_the_residuals_of_the_expected_line_with_ddof_1() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0];
        let e = [0.5, -1.0, 0.25, 2.0, -0.5];
        let y: Vec<f64> = x.iter().zip(&e).map(|(x, e)| 2.0 * x + e).collect();
        let b = batch(vec![("x", f64s(&x)), ("y", f64s(&y))]);
        // Only a noise_mean_check: std_noise is written too.
        let r = run(
            &b,
            "  - relationship_check: {independent: x, dependent: y, expected_slope: 2, tolerance: 9}
  - noise_mean_check: {expected_mean: 0, tolerance: 9}
",
        );
        let (mu, sd) = mean_std(&e);
        close(metric(&r, "mean_noise"), mu);
        close(metric(&r, "std_noise"), sd);
    }

    #[test]
    fn no_noise_check_no_noise_metrics() {
        let b = batch(vec![
            ("x", f64s(&[0.0, 1.0, 2.0])),
            ("y", f64s(&[0.0, 2.0, 5.0])),
        ]);
        let r = run(
            &b,
            "  - relationship_check: {independent: x, dependent: y, expected_slope: 2, tolerance: 9}\n",
        );
        assert!(
            !r.metrics.keys().any(|k| k.contains("noise")),
            "{:?}",
            r.metrics
        );
    }

    #[test]
    fn noise_checks_on_several_relationships_are_qualified_by_dependent() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let (ey, ew) = ([1.0, -1.0, 0.5, 0.0], [0.0, 0.25, -0.25, 3.0]);
        let y: Vec<f64> = x.iter().zip(&ey).map(|(x, e)| 2.0 * x + e).collect();
        let w: Vec<f64> = x.iter().zip(&ew).map(|(x, e)| -x + 1.0 + e).collect();
        let b = batch(vec![("x", f64s(&x)), ("y", f64s(&y)), ("w", f64s(&w))]);
        let r = run(
            &b,
            "  - relationship_check: {independent: x, dependent: y, expected_slope: 2, tolerance: 9}
  - relationship_check: {independent: x, dependent: w, expected_slope: -1, expected_intercept: 1, tolerance: 9}
  - noise_std_check: {expected_std: 1, tolerance: 9, relationship: 0}
  - noise_mean_check: {expected_mean: 0, tolerance: 9, relationship: 1}
",
        );
        assert!(!r.metrics.contains_key("mean_noise"), "{:?}", r.metrics);
        let ((my, sy), (mw, sw)) = (mean_std(&ey), mean_std(&ew));
        close(metric(&r, "mean_noise[y]"), my);
        close(metric(&r, "std_noise[y]"), sy);
        close(metric(&r, "mean_noise[w]"), mw);
        close(metric(&r, "std_noise[w]"), sw);
    }

    #[test]
    fn a_column_named_noise_yields_mean_noise_to_the_residuals() {
        let x = [0.0, 1.0, 2.0];
        let noise = [10.0, 20.0, 60.0];
        let e = [1.0, 0.0, -4.0];
        let y: Vec<f64> = x.iter().zip(&e).map(|(x, e)| 2.0 * x + e).collect();
        let b = batch(vec![
            ("x", f64s(&x)),
            ("y", f64s(&y)),
            ("noise", f64s(&noise)),
        ]);
        let rel = "  - relationship_check: {independent: x, dependent: y, expected_slope: 2, tolerance: 9}\n";
        // Without noise checks, `mean_noise` is the column's mean: (10 + 20 + 60) / 3.
        close(metric(&run(&b, rel), "mean_noise"), 30.0);
        // With one, it is the residual mean: (1 + 0 - 4) / 3.
        let r = run(
            &b,
            &format!("{rel}  - noise_std_check: {{expected_std: 1, tolerance: 9}}\n"),
        );
        close(metric(&r, "mean_noise"), -1.0);
    }
}
