//! Fuzz target: arbitrary bytes → (if UTF-8) `check` + `render`.
//! Asserts: no panic, and every violation's span lies within the source
//! (1-based line ≤ line count, column ≤ line length + 1, start ≤ end).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdg::check::{check, render, CheckError, Policy};

fn lines(src: &str) -> Vec<usize> {
    // Python line breaks: \n, \r\n, lone \r. Length in chars per line.
    let mut out = Vec::new();
    let mut cur = 0usize;
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push(cur);
                cur = 0;
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(cur);
                cur = 0;
            }
            _ => cur += 1,
        }
    }
    out.push(cur);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let policy = Policy::seed_default("generate_data");
    match check(src, &policy) {
        Ok(violations) => {
            let lens = lines(src);
            for v in &violations {
                assert!(v.line >= 1 && (v.line as usize) <= lens.len(), "{v:?}");
                assert!(v.end_line >= v.line && (v.end_line as usize) <= lens.len(), "{v:?}");
                assert!(v.column >= 1 && (v.column as usize) <= lens[v.line as usize - 1] + 1, "{v:?}");
                assert!(v.end_column >= 1 && (v.end_column as usize) <= lens[v.end_line as usize - 1] + 1, "{v:?}");
                assert!(v.end_line > v.line || v.end_column >= v.column, "{v:?}");
            }
            let _ = render(src, "fuzz.py", &violations);
        }
        Err(CheckError::Syntax { line, column, .. }) => {
            let lens = lines(src);
            assert!(line >= 1 && (line as usize) <= lens.len(), "{line}:{column}");
            assert!(column >= 1 && (column as usize) <= lens[line as usize - 1] + 1, "{line}:{column}");
        }
        Err(CheckError::TooLarge { .. }) => {}
        Err(e @ CheckError::Internal { .. }) => panic!("{e}"),
    }
});
