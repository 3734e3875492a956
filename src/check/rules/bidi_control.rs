//! `SDG703 bidi-control`: bidirectional-text control characters anywhere,
//! comments and string literals included ("Trojan Source", CVE-2021-42574).
//!
//! Why: U+202A..U+202E, U+2066..U+2069, U+200E, U+200F and U+061C reorder how
//! an editor or terminal *displays* a line without changing what the
//! interpreter reads, so a reviewer can be shown code that is not the code
//! that runs (a comment that appears to close, a string that appears to end).
//! Generators have no use for them.
//!
//! ```text
//! x = 1  # \u{202e} } ;esle   # SDG703
//! ```

use super::super::lines::LineIndex;
use super::super::rule::Rule;
use super::super::text::{code_points, runs, violation};
use super::super::violation::Violation;

/// The explicit bidi formatting characters and marks.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

pub(crate) fn run(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    for span in runs(source, |_, c| is_bidi_control(c)) {
        let text = &source[span.0..span.1];
        out.push(violation(
            index,
            Rule::BidiControl,
            span,
            format!(
                "bidirectional control character ({}) changes how the line is displayed, not how it runs",
                code_points(text)
            ),
            "remove it; write right-to-left text with `\\u` escapes if the data needs it",
        ));
    }
}
