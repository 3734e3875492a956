//! Arbitrary bytes → spec parser + validator + renderer: no panic, every diagnostic (and note)
//! inside the text. Text starting with `{` is read as a `.json` spec (strict JSON), the rest as
//! YAML, so both readers and both spec shapes are fuzzed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdg::contract::{Contract, ContractError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    let file = if text.starts_with('{') {
        "fuzz.json"
    } else {
        "fuzz.yaml"
    };
    match Contract::from_text(text, std::path::Path::new(file)) {
        Ok(c) => {
            let _ = c.rows(None);
            for n in c.notes() {
                assert!(n.line >= 1 && n.line <= lines + 1, "{n:?} in {lines} lines");
            }
            let _ = sdg::spec::render_notes(text, file, c.notes());
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
