//! The per-kind check interface (`sdg::validate::checks`): every registered kind is exercised
//! here, and for each, the summaries of a dataset's blocks merged in block order evaluate to
//! exactly what the whole dataset evaluates to (result, gate and metrics, byte for byte in
//! their debug form), on passing data, failing data and data a check cannot read. The figure
//! data comes from the same summary.

use arrow::array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int64Array, StringArray,
};
use arrow::datatypes::Int32Type;
use arrow::record_batch::RecordBatch;
use sdg::validate::checks::{
    Eval, Figure, Metrics, Outcome, Requirement, ValidationSettings, REQUIREMENT_KINDS,
};
use sdg::validate::stats::distributions::Dist;
use std::collections::BTreeSet;
use std::sync::Arc;

/// 301 rows (an odd count, so blocks are uneven): x in [0, 1), y = 2x + small noise, a
/// null in x at row 7 and in y at row 100, an int64 id with one duplicate, a category, a
/// string with one value off-pattern, a bool, and a float column with a NaN (row 50).
fn batch() -> RecordBatch {
    let n = 301;
    let mut state = 7u64;
    let mut u = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let x: Vec<Option<f64>> = (0..n).map(|i| (i != 7).then(&mut u)).collect();
    let y: Vec<Option<f64>> = x
        .iter()
        .enumerate()
        .map(|(i, x)| (i != 100).then(|| 2.0 * x.unwrap_or(0.5) + 0.1 * (u() - 0.5)))
        .collect();
    let id: Vec<i64> = (0..n as i64)
        .map(|i| if i == 200 { 3 } else { i })
        .collect();
    let plan: Vec<&str> = (0..n)
        .map(|i| ["free", "free", "pro", "enterprise"][i % 4])
        .collect();
    let email: Vec<String> = (0..n)
        .map(|i| {
            if i == 150 {
                "nobody".into()
            } else {
                format!("u{i}@example.org")
            }
        })
        .collect();
    let flag: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
    let z: Vec<f64> = (0..n)
        .map(|i| if i == 50 { f64::NAN } else { u() })
        .collect();
    RecordBatch::try_from_iter(vec![
        ("x", Arc::new(Float64Array::from(x)) as ArrayRef),
        ("y", Arc::new(Float64Array::from(y)) as ArrayRef),
        ("id", Arc::new(Int64Array::from(id)) as ArrayRef),
        (
            "plan",
            Arc::new(plan.into_iter().collect::<DictionaryArray<Int32Type>>()) as ArrayRef,
        ),
        ("email", Arc::new(StringArray::from(email)) as ArrayRef),
        ("flag", Arc::new(BooleanArray::from(flag)) as ArrayRef),
        ("z", Arc::new(Float64Array::from(z)) as ArrayRef),
    ])
    .unwrap()
}

/// Requirements in the document shape: every kind at least once, passing, failing, and
/// unreadable (a missing column, a NaN, a bad reference).
const REQUIREMENTS: &str = r#"
- {check: schema_check, columns: [x, y], types: {x: float, id: int}}
- {check: schema_check, columns: [x, nope], types: {plan: str}}
- {check: distribution_test, column: x, distribution: uniform, params: {min: 0, max: 1}, drop_non_finite: true}
- {check: distribution_test, column: x, distribution: normal, params: {mean: 0, std: 1}, test: cramervonmises}
- {check: distribution_test, column: x, distribution: normal, test: anderson}
- {check: distribution_test, column: id, distribution: poisson, params: {lambda: 3}, test: chisquare}
- {check: distribution_test, column: z, distribution: uniform, params: {min: 0, max: 1}}
- {check: relationship_check, type: linear_regression, dependent: y, independent: x, expected_slope: 2.0, tolerance: 0.1, expected_intercept: 0.0, min_r_squared: 0.9}
- {check: relationship_check, dependent: y, independent: [x, z], expected_slopes: [2.0, 0.0], tolerance: 0.1, drop_non_finite: true}
- {check: noise_mean_check, relationship: 0, expected_mean: 0.0, tolerance: 0.05}
- {check: noise_std_check, relationship: 0, expected_std: 0.03, tolerance: 0.01}
- {check: residual_normality, relationship: 0}
- {check: noise_mean_check, expected_mean: 0.0, tolerance: 0.05}
- {check: correlation_check, columns: [x, y], expected: 0.99, tolerance: 0.05, alpha: 0.01}
- {check: correlation_check, columns: [x, y], method: spearman, expected: 0.5, tolerance: 0.1}
- {check: correlation_check, columns: [x, y], method: kendall, expected: 0.9, tolerance: 0.1}
- {check: categorical_frequency, column: plan, expected: {free: 0.5, pro: 0.25, enterprise: 0.25}}
- {check: categorical_frequency, column: plan, expected: {free: 0.5, pro: 0.5}, effect_size_max: 0.1}
- {check: range_check, column: x, min: 0, max: 0.9, mostly: 0.8}
- {check: range_check, column: missing, min: 0}
- {check: null_fraction, column: x, max: 0.001}
- {check: null_fraction, column: z, max: 0.01}
- {check: uniqueness, column: id}
- {check: uniqueness, column: email}
- {check: allowed_values, column: plan, values: [free, pro]}
- {check: allowed_values, column: id, values: ["1", "2", "3"]}
- {check: regex, column: email, pattern: '[a-z0-9]+@example\.org'}
- {check: regex, column: email, pattern: '(unclosed'}
- {check: moments, column: x, mean: 0.5, std: 0.29, tolerance: 0.05, drop_non_finite: true}
- {check: moments, column: z, mean: 0.5, tolerance: 0.05}
- {check: quantiles, column: x, quantiles: {"0.1": 0.1, "0.5": 0.5, "0.9": 0.9}, tolerance: 0.05}
- {check: two_sample_ks, column: x, other_column: z, drop_non_finite: true}
- {check: two_sample_ks, column: z, other_column: missing}
"#;

fn requirements() -> Vec<Requirement> {
    serde_yaml_ng::from_str(REQUIREMENTS).expect("requirements")
}

/// One requirement over `blocks`: summarized per block, merged in order, evaluated.
fn run(
    req: &Requirement,
    index: usize,
    blocks: &[RecordBatch],
    reqs: &[Requirement],
) -> (Outcome, Metrics, Option<Figure>) {
    let mut partial = req.summarize(&blocks[0], reqs);
    for b in &blocks[1..] {
        partial.merge(req.summarize(b, reqs));
    }
    let figure = req.figure(&partial);
    let settings = ValidationSettings::default();
    let mut metrics = Metrics::new();
    let mut ev = Eval {
        index,
        settings: &settings,
        metrics: &mut metrics,
    };
    let outcome = req.evaluate(partial, &mut ev);
    (outcome, metrics, figure)
}

fn split(batch: &RecordBatch, cuts: &[usize]) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([batch.num_rows()].iter()) {
        out.push(batch.slice(start, end - start));
        start = end;
    }
    out
}

#[test]
fn every_kind_merged_over_blocks_equals_the_whole() {
    let whole = batch();
    let reqs = requirements();
    let splits = [
        split(&whole, &[100, 201]),
        split(&whole, &[1, 2, 150]),
        split(&whole, &[0, 0, 300]), // empty blocks, and a one-row block at the end
    ];
    for (i, req) in reqs.iter().enumerate() {
        let expect = run(req, i, std::slice::from_ref(&whole), &reqs);
        for blocks in &splits {
            let got = run(req, i, blocks, &reqs);
            assert_eq!(
                format!("{:?}", (&got.0, &got.1)),
                format!("{:?}", (&expect.0, &expect.1)),
                "requirement {i} ({}) over blocks of {:?} rows",
                req.kind(),
                blocks.iter().map(|b| b.num_rows()).collect::<Vec<_>>()
            );
            assert_eq!(
                format!("{:?}", got.2),
                format!("{:?}", expect.2),
                "figure {i}"
            );
        }
    }
}

#[test]
fn the_cases_cover_every_kind_passing_and_failing() {
    let whole = batch();
    let reqs = requirements();
    let kinds: BTreeSet<&str> = reqs.iter().map(|r| r.kind()).collect();
    let registered: BTreeSet<&str> = REQUIREMENT_KINDS.iter().copied().collect();
    assert_eq!(kinds, registered, "add a case for every registered kind");
    assert_eq!(REQUIREMENT_KINDS.len(), 16);
    let outcomes: Vec<Outcome> = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| run(r, i, std::slice::from_ref(&whole), &reqs).0)
        .collect();
    let decided_fail = |i: usize| outcomes[i].gated.is_none() && !outcomes[i].check.passed;
    let message = |i: usize| outcomes[i].check.message.clone();
    // Passing and failing decided checks, and the reasons of the failures.
    assert!(outcomes[0].check.passed, "{}", message(0));
    assert_eq!(message(1), "missing column(s): nope");
    assert!(
        decided_fail(6) && message(6).contains("NaN"),
        "{}",
        message(6)
    );
    assert!(outcomes[7].check.passed, "{}", message(7));
    assert!(outcomes[9].check.passed, "{}", message(9));
    assert!(
        decided_fail(12) && message(12).contains("several relationship_checks"),
        "{}",
        message(12)
    );
    assert!(outcomes[13].check.passed, "{}", message(13));
    assert!(
        decided_fail(14),
        "spearman 0.5 ± 0.1 must fail: {}",
        message(14)
    );
    assert!(decided_fail(17) && message(17).contains("outside the expected categories"));
    assert!(
        decided_fail(19) && message(19).contains("missing"),
        "{}",
        message(19)
    );
    assert!(
        decided_fail(20) && message(20).contains("0.003322"),
        "{}",
        message(20)
    );
    assert!(
        decided_fail(22) && message(22) == "1 duplicate value(s)",
        "{}",
        message(22)
    );
    assert!(outcomes[23].check.passed);
    assert_eq!(message(24), "75 value(s) not allowed, e.g. enterprise");
    assert!(
        decided_fail(25) && message(25) == "297 value(s) not allowed, e.g. 0, 10, 100, 101, 102",
        "{}",
        message(25)
    );
    assert_eq!(
        message(26),
        r"1 value(s) do not match /[a-z0-9]+@example\.org/"
    );
    assert!(
        decided_fail(27) && message(27).starts_with("invalid regex"),
        "{}",
        message(27)
    );
    assert!(outcomes[28].check.passed, "{}", message(28));
    // Two columns read on their own: the first one's error (a NaN in `z`) is reported, as
    // before the second's (a missing column).
    assert!(
        decided_fail(32) && message(32).contains("in `z`"),
        "{}",
        message(32)
    );
    // The p-value checks wait for the run-wide adjustment, with their gate.
    for i in [2, 3, 4, 11, 16, 31] {
        assert!(outcomes[i].gated.is_some(), "{i}: {:?}", outcomes[i]);
    }
    assert_eq!(outcomes[16].check.n, Some(301));
}

#[test]
fn figures_carry_the_values_the_verdict_was_computed_on() {
    let whole = batch();
    let reqs = requirements();
    let fig = |i: usize| run(&reqs[i], i, std::slice::from_ref(&whole), &reqs).2;
    match fig(2) {
        Some(Figure::Sample {
            column,
            values,
            reference: Some(Dist::Continuous(_)),
        }) => {
            assert_eq!(column, "x");
            assert_eq!(values.len(), 300, "301 rows, one null");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(
            fig(4),
            Some(Figure::Sample {
                reference: None,
                ..
            })
        ),
        "anderson estimates"
    );
    match fig(7) {
        Some(Figure::Scatter {
            x,
            y,
            points,
            expected,
        }) => {
            assert_eq!((x.as_str(), y.as_str()), ("x", "y"));
            assert_eq!(points.len(), 299, "rows 7 and 100 have a null");
            assert_eq!(expected, (0.0, 2.0));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fig(8), None, "no scatter for several regressors");
    match fig(16) {
        Some(Figure::Bars {
            column,
            bars,
            unexpected,
        }) => {
            assert_eq!(column, "plan");
            assert_eq!(
                bars,
                [
                    ("enterprise".to_string(), 75, 0.25),
                    ("free".to_string(), 151, 0.5),
                    ("pro".to_string(), 75, 0.25)
                ]
            );
            assert_eq!(unexpected, 0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fig(0), None, "schema_check has no figure");
}

/// A batch with no nulls and no NaN: x, y = 2x + noise, z (Float64), as read in place.
fn plain_batch() -> RecordBatch {
    let mut state = 11u64;
    let mut u = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let x: Vec<f64> = (0..500).map(|_| u()).collect();
    let y: Vec<f64> = x.iter().map(|x| 2.0 * x + 0.1 * (u() - 0.5)).collect();
    let z: Vec<f64> = (0..500).map(|_| u()).collect();
    RecordBatch::try_from_iter(vec![
        ("x", Arc::new(Float64Array::from(x)) as ArrayRef),
        ("y", Arc::new(Float64Array::from(y)) as ArrayRef),
        ("z", Arc::new(Float64Array::from(z)) as ArrayRef),
    ])
    .unwrap()
}

#[test]
fn columns_read_in_place_give_what_the_row_by_row_path_gives() {
    // One null-free Float64 block is read straight from Arrow's buffers; the same rows in
    // several blocks go through the general path. Both must give the same bits.
    let whole = plain_batch();
    let reqs: Vec<Requirement> = serde_yaml_ng::from_str(
        r#"
- {check: relationship_check, dependent: y, independent: x, expected_slope: 2.0, tolerance: 0.1}
- {check: relationship_check, dependent: y, independent: [x, z], expected_slopes: [2.0, 0.0], tolerance: 0.1}
- {check: noise_std_check, relationship: 0, expected_std: 0.03, tolerance: 0.01}
- {check: correlation_check, columns: [x, y], method: kendall, expected: 0.9, tolerance: 0.1}
- {check: distribution_test, column: z, distribution: uniform, params: {min: 0, max: 1}}
- {check: moments, column: z, mean: 0.5, tolerance: 0.1}
- {check: two_sample_ks, column: x, other_column: z}
"#,
    )
    .unwrap();
    for (i, req) in reqs.iter().enumerate() {
        let expect = run(req, i, std::slice::from_ref(&whole), &reqs);
        let got = run(req, i, &split(&whole, &[123, 124, 400]), &reqs);
        assert_eq!(
            format!("{:?}", (&got.0, &got.1)),
            format!("{:?}", (&expect.0, &expect.1)),
            "requirement {i} ({})",
            req.kind()
        );
        assert!(
            expect.0.check.n.is_some_and(|n| n >= 500),
            "{i}: {:?}",
            expect.0
        );
    }
}
