//! Leaf file helpers every stage may use, the sandbox included: SHA-256 in lowercase hex and
//! the check that a string is one. This module imports nothing from the crate (like
//! [`crate::untrusted`]), so `sandbox`, which imports nothing else from the crate but leaf
//! utilities, can share it with `columns` and `experiments`.

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// True if `s` looks like a lowercase hex SHA-256 (64 characters of `0-9a-f`).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
