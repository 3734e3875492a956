//! The seed example, bit for bit against native numpy.

use sha2::{Digest, Sha256};

use crate::support::*;

/// From tests/fixtures/native_reference.py (native CPython 3.11 + numpy 2.4.6):
/// `default_rng(42).uniform(0, 1, 3)` as exact hex floats.
const FIRST3: [&str; 3] = [
    "0x1.8c43f79a2db24p-1",
    "0x1.c16959869e47ep-2",
    "0x1.b79a2584ddb42p-1",
];
/// Same script: sha256 of the 1,000,000-row x and y arrays (little-endian float64).
const X_SHA256: &str = "739384bfdba3bfd9df191bd5eb7bebd2977c9fb8d6f2adef867d2e34a93b2dd1";
const Y_SHA256: &str = "22cf453086e5f13abc35e88f52dc34fe0dac8031f4dd04d4ae1c1fcf3cf66175";

fn hex_float(s: &str) -> f64 {
    // 0x1.<13 hex digits>p<exp>
    let (mant, exp) = s.trim_start_matches("0x").split_once('p').unwrap();
    let (int, frac) = mant.split_once('.').unwrap();
    let bits = u64::from_str_radix(frac, 16).unwrap();
    assert_eq!(int, "1");
    let e: i32 = exp.parse().unwrap();
    f64::from_bits((((e + 1023) as u64) << 52) | bits)
}

#[test]
fn first_three_values_equal_native_numpy_bit_for_bit() {
    let out = run(&request(SEED_CODE, vec![float("x"), float("y")], 3)).unwrap();
    let x = f64s(&out.columns[0].values);
    let want: Vec<f64> = FIRST3.iter().map(|s| hex_float(s)).collect();
    assert_eq!(want[0], 0.7739560485559633);
    for (got, want) in x.iter().zip(&want) {
        assert_eq!(got.to_bits(), want.to_bits(), "{got} vs {want}");
    }
    // The rounded figures, as a reader would check them.
    let rounded: Vec<String> = x.iter().map(|v| format!("{v:.8}")).collect();
    assert_eq!(rounded, ["0.77395605", "0.43887844", "0.85859792"]);
}

#[test]
fn a_million_rows_equal_native_numpy_bit_for_bit() {
    let out = run(&request(SEED_CODE, vec![float("x"), float("y")], 1_000_000)).unwrap();
    assert_eq!(out.columns.len(), 2);
    assert_eq!(out.columns[0].len, 1_000_000);
    let x = hex::encode(Sha256::digest(out.columns[0].values.as_slice()));
    let y = hex::encode(Sha256::digest(out.columns[1].values.as_slice()));
    assert_eq!(x, X_SHA256, "x differs from native numpy");
    assert_eq!(y, Y_SHA256, "y differs from native numpy");
    assert!(out.fuel_generation > 0 && out.fuel_generation < out.fuel_used);
}
