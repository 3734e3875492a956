//! SplitMix64 (Steele, Lea and Flood 2014): the benches' deterministic data, the same recipe as
//! `benches/scipy_baseline.py` (seeded 42 there and here). `uniform` keeps the top 53 bits.

/// The generator state.
pub struct SplitMix(pub u64);
impl SplitMix {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The benches' columns of `n` rows, from SplitMix64 seeded 42: x uniform on [0, 1), z standard
/// normal (Box–Muller from two uniforms), y = 2x + z.
pub fn xyz(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut r = SplitMix(42);
    let mut x = Vec::with_capacity(n);
    let mut z = Vec::with_capacity(n);
    for _ in 0..n {
        x.push(r.uniform());
        let u1 = 1.0 - r.uniform();
        let u2 = r.uniform();
        z.push((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos());
    }
    let y: Vec<f64> = x.iter().zip(&z).map(|(a, b)| 2.0 * a + b).collect();
    (x, y, z)
}
