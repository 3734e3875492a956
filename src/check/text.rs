//! Raw source-text scanning shared by the 7xx rules: runs of offending
//! characters, and violations built from byte offsets (these rules run before
//! and independently of parsing, so they cannot use [`super::context::Context`]).

use super::lines::LineIndex;
use super::rule::Rule;
use super::violation::Violation;

/// Byte ranges `[start, end)` of maximal runs of chars matching `pred`
/// (adjacent matches merge into one run).
pub(crate) fn runs(source: &str, pred: impl Fn(usize, char) -> bool) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, c) in source.char_indices() {
        if pred(i, c) {
            let end = i + c.len_utf8();
            match out.last_mut() {
                Some(last) if last.1 == i => last.1 = end,
                _ => out.push((i, end)),
            }
        }
    }
    out
}

/// `U+202E U+2066` style listing of the chars in `text` (at most 8).
pub(crate) fn code_points(text: &str) -> String {
    let mut v: Vec<String> = text
        .chars()
        .take(8)
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    if text.chars().count() > 8 {
        v.push("...".into());
    }
    v.join(" ")
}

/// A violation spanning bytes `[start, end)` of the source.
pub(crate) fn violation(
    index: &LineIndex<'_>,
    rule: Rule,
    (start, end): (usize, usize),
    message: String,
    hint: &str,
) -> Violation {
    let (line, column) = index.position_of(start);
    let (end_line, end_column) = index.position_of(end);
    Violation {
        rule,
        line,
        column,
        end_line,
        end_column,
        message,
        hint: hint.to_owned(),
    }
}
