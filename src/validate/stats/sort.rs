//! Sorting of f64 samples: LSD radix sort (11-bit digits, 6 passes) on the
//! order-preserving bit transform of IEEE-754 doubles for large inputs,
//! pdqsort (`sort_unstable_by(total_cmp)`) for small ones. The order equals
//! `f64::total_cmp` (so −0.0 sorts before +0.0; callers reject NaN first).

const RADIX_MIN: usize = 1 << 14;
const BITS: u32 = 11;
const BUCKETS: usize = 1 << BITS;
const PASSES: u32 = 6; // 6 × 11 = 66 ≥ 64

#[inline]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

#[inline]
fn unkey(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// Returns a sorted copy of `xs`.
pub fn sorted_copy(xs: &[f64]) -> Vec<f64> {
    if xs.len() < RADIX_MIN {
        let mut v = xs.to_vec();
        v.sort_unstable_by(f64::total_cmp);
        return v;
    }
    let n = xs.len();
    let mut a: Vec<u64> = xs.iter().map(|&x| key(x)).collect();
    let mut b: Vec<u64> = vec![0; n];
    // All histograms in one read pass.
    let mut hist = vec![[0usize; BUCKETS]; PASSES as usize];
    for &k in &a {
        for (p, h) in hist.iter_mut().enumerate() {
            h[((k >> (p as u32 * BITS)) as usize) & (BUCKETS - 1)] += 1;
        }
    }
    for (p, h) in hist.iter_mut().enumerate() {
        // Skip passes where every key has the same digit.
        if h.contains(&n) {
            continue;
        }
        let mut sum = 0usize;
        for c in h.iter_mut() {
            let t = *c;
            *c = sum;
            sum += t;
        }
        let shift = p as u32 * BITS;
        for &k in &a {
            let d = ((k >> shift) as usize) & (BUCKETS - 1);
            b[h[d]] = k;
            h[d] += 1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    a.into_iter().map(unkey).collect()
}
