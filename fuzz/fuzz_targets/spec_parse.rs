//! Arbitrary bytes → spec parser + validator + renderer: no panic, every diagnostic inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdg::contract::{Contract, ContractError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    match Contract::from_text(text, std::path::Path::new("fuzz.yaml")) {
        Ok(c) => {
            let _ = c.rows(None);
        }
        Err(e @ ContractError::Invalid { .. }) => {
            if let ContractError::Invalid { diagnostics, .. } = &e {
                assert!(!diagnostics.is_empty());
                for d in diagnostics {
                    assert!(d.line >= 1 && d.line <= lines + 1, "{d:?} in {lines} lines");
                    assert!(d.column >= 1);
                }
            }
            let _ = e.rendered();
        }
        Err(e) => panic!("unexpected error kind from text: {e:?}"),
    }
});
