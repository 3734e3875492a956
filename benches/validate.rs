//! Criterion benches of the validation statistics on 1M and 10M rows.
//!
//! Data: SplitMix64 seeded 42 (same recipe as `benches/scipy_baseline.py`):
//! x = uniform, z = Box–Muller normal, y = 2x + z, counts = Poisson(3.5) by
//! inversion of the uniform. Run:
//! `cargo bench --bench validate -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use sdg::validate::stats::chi2::discrete_gof;
use sdg::validate::stats::correlation::{pearsonr, spearmanr};
use sdg::validate::stats::distributions::{Continuous, Discrete};
use sdg::validate::stats::ks::ks_1samp;
use sdg::validate::stats::regression::linregress;

#[path = "common/splitmix.rs"]
mod splitmix;
use splitmix::xyz;

struct Data {
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
    counts: Vec<f64>,
}

fn data(n: usize) -> Data {
    let (x, y, z) = xyz(n);
    // Poisson(3.5) by inversion of x
    let pois = Discrete::Poisson { lambda: 3.5 };
    let mut cdf = Vec::new();
    let mut acc = 0.0;
    for k in 0..60u64 {
        acc += pois.pmf(k);
        cdf.push(acc);
    }
    let counts = x
        .iter()
        .map(|u| cdf.iter().position(|c| u < c).unwrap_or(59) as f64)
        .collect();
    Data { x, y, z, counts }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate");
    g.sample_size(10);
    for n in [1_000_000usize, 10_000_000] {
        let d = data(n);
        let normal = Continuous::Normal {
            mean: 0.0,
            std: 1.0,
        };
        g.bench_with_input(BenchmarkId::new("ks_normal", n), &d, |b, d| {
            b.iter(|| ks_1samp(black_box(&d.z), &normal))
        });
        g.bench_with_input(BenchmarkId::new("linregress", n), &d, |b, d| {
            b.iter(|| linregress(black_box(&d.x), black_box(&d.y)))
        });
        g.bench_with_input(BenchmarkId::new("pearsonr", n), &d, |b, d| {
            b.iter(|| pearsonr(black_box(&d.x), black_box(&d.y)))
        });
        g.bench_with_input(BenchmarkId::new("spearmanr", n), &d, |b, d| {
            b.iter(|| spearmanr(black_box(&d.x), black_box(&d.y)))
        });
        let pois = Discrete::Poisson { lambda: 3.5 };
        g.bench_with_input(BenchmarkId::new("chisquare_poisson", n), &d, |b, d| {
            b.iter(|| discrete_gof(black_box(&d.counts), &pois))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
