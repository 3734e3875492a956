//! Criterion benches of whole checks, end to end: `sdg::validate::validate` over an Arrow
//! `RecordBatch` (reading the columns out of Arrow included), one requirement at a time and the
//! seed example's four together, at 1M and 10M rows. The kernels alone are in
//! `benches/validate.rs`; the difference is what reading the data costs. Run:
//! `cargo bench --bench validate_e2e -- --warm-up-time 1 --measurement-time 3`
//!
//! Data: SplitMix64 seeded 42, as in `benches/validate.rs`: x uniform, z standard normal
//! (Box–Muller), y = 2x + z; `k` = x·1000 as int64 (a text-readable column).

use arrow::array::{ArrayRef, Float64Array, Int64Array};
use arrow::record_batch::RecordBatch;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use sdg::validate::checks::{Requirement, ValidationSettings};
use sdg::validate::validate;
use std::sync::Arc;

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::xyz;

fn batch(n: usize) -> RecordBatch {
    let (x, y, z) = xyz(n);
    let k: Vec<i64> = x.iter().map(|v| (v * 1000.0) as i64).collect();
    RecordBatch::try_from_iter(vec![
        ("x", Arc::new(Float64Array::from(x)) as ArrayRef),
        ("y", Arc::new(Float64Array::from(y)) as ArrayRef),
        ("z", Arc::new(Float64Array::from(z)) as ArrayRef),
        ("k", Arc::new(Int64Array::from(k)) as ArrayRef),
    ])
    .expect("batch")
}

/// (name, requirement in the document shape).
const CHECKS: &[(&str, &str)] = &[
    ("ks_uniform", "{check: distribution_test, column: x, distribution: uniform, params: {min: 0, max: 1}}"),
    ("relationship", "{check: relationship_check, dependent: y, independent: x, expected_slope: 2.0, tolerance: 0.1}"),
    ("noise_mean", "{check: noise_mean_check, expected_mean: 0.0, tolerance: 0.05}"),
    ("moments", "{check: moments, column: z, mean: 0, std: 1, tolerance: 0.01}"),
    ("quantiles", "{check: quantiles, column: z, quantiles: {'0.5': 0.0}, tolerance: 0.01}"),
    ("pearson", "{check: correlation_check, columns: [x, y], expected: 0.5, tolerance: 0.1}"),
    ("range", "{check: range_check, column: x, min: 0, max: 1}"),
    ("null_fraction", "{check: null_fraction, column: x, max: 0}"),
    ("allowed_values", "{check: allowed_values, column: k, values: ['0', '1', '2']}"),
];

fn req(yaml: &str) -> Requirement {
    serde_yaml_ng::from_str(yaml).expect("requirement")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate_e2e");
    g.sample_size(10);
    let settings = ValidationSettings::default();
    for n in [1_000_000usize, 10_000_000] {
        let b = batch(n);
        // noise_mean needs its relationship_check beside it: measured as the pair.
        let relationship = req(CHECKS[1].1);
        for (name, yaml) in CHECKS {
            let reqs = if *name == "noise_mean" {
                vec![relationship.clone(), req(yaml)]
            } else {
                vec![req(yaml)]
            };
            g.bench_with_input(BenchmarkId::new(*name, n), &b, |bench, batch| {
                bench.iter(|| validate(black_box(batch), &[], n as u64, &reqs, &settings))
            });
        }
        let seed: Vec<Requirement> = [
            "{check: schema_check, columns: [x, y]}",
            CHECKS[0].1,
            CHECKS[1].1,
            CHECKS[2].1,
        ]
        .iter()
        .map(|y| req(y))
        .collect();
        g.bench_with_input(
            BenchmarkId::new("seed_example_all", n),
            &b,
            |bench, batch| {
                bench.iter(|| validate(black_box(batch), &[], n as u64, &seed, &settings))
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
