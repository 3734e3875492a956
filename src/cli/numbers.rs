//! Every numeric flag's parser: the text a person typed becomes a checked number, or an error
//! that names the accepted range (clap adds the flag and exits 2). No value panics, none is
//! silently ignored: NaN, infinities, negatives, zero where it means nothing, and values past
//! what the machine can honour are refused here, before any stage runs.
//!
//! Ranges, and why:
//! - `--rows`: `1..=u64::MAX` here; the contract's `num_samples` bounds apply next.
//! - `--seed`, `--seeds`, `--llm-seed`: any `u64`.
//! - `--fuel`: `1..=`[`MAX_FUEL`] (2^63 - 1; 0 would stop the run before it starts).
//! - `--memory-mib`: `1..=`[`MAX_MEMORY_MIB`] (wasm32 addresses 4 GiB at most).
//! - `--max-rounds`: `0..=`[`MAX_ROUNDS`]; `--repair-rounds`: `0..=`[`MAX_REPAIR_ROUNDS`].
//! - `--temperature`: `0.0..=2.0`; `--max-tokens`: `1..=2^20`; `--llm-timeout`: `0 < SECS <=
//!   86400` (the limits of [`crate::llm`]'s configuration, shared with its TOML file).

use std::time::Duration;

use crate::pipeline::stages::{
    timeout_from_secs, MAX_TIMEOUT, MAX_TOKENS_LIMIT, TEMPERATURE_RANGE,
};

/// Largest `--fuel`: 2^63 - 1. The counter wasmtime injects into compiled code is an `i64`
/// (larger amounts are only held in reserve), and this is centuries of work anyway.
pub const MAX_FUEL: u64 = i64::MAX as u64;
/// Largest `--memory-mib`: a wasm32 guest cannot address more than 4 GiB.
pub const MAX_MEMORY_MIB: u64 = 4096;
/// Most LLM revisions `sdg iterate` will ask for.
pub const MAX_ROUNDS: u32 = 100;
/// Most repair requests after one failed answer.
pub const MAX_REPAIR_ROUNDS: u32 = 20;

fn integer(s: &str, what: &str, lo: u64, hi: u64) -> Result<u64, String> {
    let range = format!("{lo}..={hi}");
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not {what}: expected a whole number in {range}"))?;
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is outside {range} ({what})"))
    }
}

fn float(s: &str, what: &str, range: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not {what}: expected a number in {range}"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{v:?} is not {what}: expected a number in {range}"))
    }
}

/// `--rows N`.
pub fn rows(s: &str) -> Result<u64, String> {
    integer(s, "a row count", 1, u64::MAX)
}

/// `--seed S`, `--seeds S,..`, `--llm-seed S`.
pub fn seed(s: &str) -> Result<u64, String> {
    integer(s, "a seed", 0, u64::MAX)
}

/// `--fuel N`.
pub fn fuel(s: &str) -> Result<u64, String> {
    integer(s, "an amount of fuel", 1, MAX_FUEL)
}

/// `--memory-mib MIB`: the cap in bytes.
pub fn memory_mib(s: &str) -> Result<u64, String> {
    integer(s, "a memory cap in MiB", 1, MAX_MEMORY_MIB)
}

/// `--memory-mib` as bytes (the range makes the product exact).
pub fn mib_to_bytes(mib: u64) -> u64 {
    mib.saturating_mul(1 << 20)
}

/// `--max-rounds K`.
pub fn max_rounds(s: &str) -> Result<u32, String> {
    integer(s, "a number of rounds", 0, u64::from(MAX_ROUNDS)).map(|n| n as u32)
}

/// `--repair-rounds N`.
pub fn repair_rounds(s: &str) -> Result<u32, String> {
    integer(
        s,
        "a number of repair rounds",
        0,
        u64::from(MAX_REPAIR_ROUNDS),
    )
    .map(|n| n as u32)
}

/// `--max-tokens N`.
pub fn max_tokens(s: &str) -> Result<u32, String> {
    integer(s, "a token count", 1, u64::from(MAX_TOKENS_LIMIT)).map(|n| n as u32)
}

/// `--temperature T`.
pub fn temperature(s: &str) -> Result<f64, String> {
    let range = "0.0..=2.0";
    let v = float(s, "a temperature", range)?;
    if TEMPERATURE_RANGE.contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v:?} is outside {range} (a temperature)"))
    }
}

/// `--llm-timeout SECS`.
pub fn llm_timeout(s: &str) -> Result<Duration, String> {
    let max = MAX_TIMEOUT.as_secs();
    let v = float(s, "a number of seconds", &format!("0 < SECS <= {max}"))?;
    timeout_from_secs(v)
}

#[cfg(test)]
mod tests {
    //! Property tests: many seeded random inputs (texts from a hostile alphabet, integers over
    //! the whole `i128` range, floats from every bit pattern) plus the edges, each checked
    //! against a reference range restated here. (`rand`, already a dependency, drives them:
    //! `proptest` would change the features of shared dependencies and rebuild wasmtime.)
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    const CASES: usize = 5000;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(0x5d6_0010)
    }

    fn pick<T: Copy>(r: &mut StdRng, from: &[T]) -> T {
        from[(r.next_u64() % from.len() as u64) as usize]
    }

    fn random_text(r: &mut StdRng) -> String {
        const ALPHABET: &[char] = &[
            '0', '1', '5', '9', '-', '+', '.', 'e', 'E', ' ', 'x', 'n', 'a', 'N', 'i', 'f', '_',
            '\u{1b}', 'é', '\u{202e}', '٣',
        ];
        let len = (r.next_u64() % 24) as usize;
        (0..len).map(|_| pick(r, ALPHABET)).collect()
    }

    fn random_i128(r: &mut StdRng) -> i128 {
        let wide = i128::from(r.next_u64()) << 64 | i128::from(r.next_u64());
        // Shift by a random amount so small, medium and huge magnitudes all occur.
        wide >> (r.next_u64() % 127)
    }

    type Parser = fn(&str) -> Result<u64, String>;
    const INTEGER_FLAGS: [(&str, Parser, u64, u64); 4] = [
        ("rows", rows, 1, u64::MAX),
        ("seed", seed, 0, u64::MAX),
        ("fuel", fuel, 1, MAX_FUEL),
        ("memory", memory_mib, 1, MAX_MEMORY_MIB),
    ];

    /// Any text: an integer parser accepts exactly the decimal numbers inside its range,
    /// returns that number, and otherwise names the range.
    #[test]
    fn integer_flags_accept_exactly_their_range_on_any_text() {
        let mut r = rng();
        for _ in 0..CASES {
            let s = random_text(&mut r);
            for (name, parse, lo, hi) in INTEGER_FLAGS {
                let reference = s.trim().parse::<u64>().ok();
                match (parse(&s), reference) {
                    (Ok(v), Some(n)) => assert!(v == n && (lo..=hi).contains(&n), "{name} {s:?}"),
                    (Ok(v), None) => panic!("{name} accepted {s:?} as {v}"),
                    (Err(e), Some(n)) => assert!(
                        !(lo..=hi).contains(&n) && e.contains(&format!("{lo}..={hi}")),
                        "{name} {s:?}: {e}"
                    ),
                    (Err(e), None) => {
                        assert!(e.contains(&format!("{lo}..={hi}")), "{name} {s:?}: {e}")
                    }
                }
            }
        }
    }

    #[test]
    fn integer_flags_accept_exactly_their_range_on_any_number() {
        let mut r = rng();
        let edges = [
            -1,
            0,
            1,
            100,
            101,
            4096,
            4097,
            1 << 20,
            (1 << 20) + 1,
            i128::from(i64::MAX),
            i128::from(i64::MAX) + 1,
            i128::from(u64::MAX),
            i128::from(u64::MAX) + 1,
        ];
        let numbers = edges
            .into_iter()
            .chain((0..CASES).map(|_| random_i128(&mut r)));
        for n in numbers {
            let s = n.to_string();
            for (name, parse, lo, hi) in INTEGER_FLAGS {
                let inside = n >= i128::from(lo) && n <= i128::from(hi);
                assert_eq!(parse(&s).is_ok(), inside, "{name} {s}");
            }
            let small: [(bool, u32, i128); 3] = [
                (max_rounds(&s).is_ok(), MAX_ROUNDS, 0),
                (repair_rounds(&s).is_ok(), MAX_REPAIR_ROUNDS, 0),
                (max_tokens(&s).is_ok(), MAX_TOKENS_LIMIT, 1),
            ];
            for (ok, hi, lo) in small {
                assert_eq!(ok, n >= lo && n <= i128::from(hi), "{s}");
            }
        }
    }

    /// Any float (every bit pattern, written as Rust writes it, plain or scientific): accepted
    /// iff finite and in range, and then exactly the value written.
    #[test]
    fn float_flags_accept_exactly_their_range_on_any_float() {
        let mut r = rng();
        let edges = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            2.0,
            2.000_000_1,
            1e-300,
            86_400.0,
            86_401.0,
            1e30,
        ];
        let floats = edges.into_iter().chain((0..CASES).flat_map(|_| {
            let bits = f64::from_bits(r.next_u64());
            let small = (r.next_u64() % 1_000_000) as f64 / 1000.0 - 100.0;
            [bits, small]
        }));
        for v in floats {
            for s in [format!("{v}"), format!("{v:e}")] {
                match temperature(&s) {
                    Ok(t) => assert!(t == v && (0.0..=2.0).contains(&v), "{s}"),
                    Err(e) => {
                        assert!(
                            !(0.0..=2.0).contains(&v) && e.contains("0.0..=2.0"),
                            "{s}: {e}"
                        )
                    }
                }
                let in_range = v > 0.0 && v <= 86_400.0;
                match llm_timeout(&s) {
                    Ok(d) => assert!(
                        in_range && (d.as_secs_f64() - v).abs() <= 1e-9,
                        "{s} gave {d:?}"
                    ),
                    // A positive value below a nanosecond is a zero `Duration`, refused too.
                    Err(e) => assert!(
                        (!in_range || v < 1e-9) && e.contains("0 < SECS <= 86400"),
                        "{s}: {e}"
                    ),
                }
            }
        }
    }

    #[test]
    fn float_flags_never_panic_on_any_text() {
        let mut r = rng();
        for _ in 0..CASES {
            let s = random_text(&mut r);
            assert!(temperature(&s).is_err() || s.trim().parse::<f64>().is_ok());
            assert!(llm_timeout(&s).is_err() || s.trim().parse::<f64>().is_ok());
        }
    }

    #[test]
    fn the_values_of_the_issue_are_refused_with_their_range() {
        for s in [
            "1e30", "NaN", "nan", "inf", "-inf", "-1", "0", "-0", "86400.5",
        ] {
            let e = llm_timeout(s).unwrap_err();
            assert!(e.contains("0 < SECS <= 86400"), "{s}: {e}");
        }
        assert_eq!(llm_timeout("1.5"), Ok(Duration::from_millis(1500)));
        let e = memory_mib("99999999").unwrap_err();
        assert!(e.contains("1..=4096"), "{e}");
        assert_eq!(memory_mib("4096"), Ok(4096));
        assert_eq!(mib_to_bytes(4096), 4 << 30);
        for s in ["NaN", "-0.1", "2.5", "inf"] {
            assert!(temperature(s).unwrap_err().contains("0.0..=2.0"), "{s}");
        }
        assert!(rows("0").is_err() && fuel("0").is_err() && max_tokens("0").is_err());
        assert!(seed("-1").unwrap_err().contains("0..=18446744073709551615"));
    }
}
