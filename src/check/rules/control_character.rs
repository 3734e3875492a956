//! `SDG705 control-character`: NUL and other C0/C1 control characters
//! (U+0000..U+001F except tab, line feed, carriage return and form feed;
//! U+007F; U+0080..U+009F except U+0085, which is `SDG706`), anywhere.
//!
//! Why: CPython refuses NUL in source ("source code cannot contain null
//! bytes") while other tools truncate at it; a terminal *executes* ESC
//! sequences and backspaces when the code is shown, so a reviewer can be
//! shown a different program. Inside string literals use escapes (`"\x1b"`).
//!
//! ```text
//! x = 1  # \x1b[2K      # SDG705 (erases the line on a terminal)
//! ```

use super::super::lines::LineIndex;
use super::super::rule::Rule;
use super::super::text::{code_points, runs, violation};
use super::super::violation::Violation;

pub(crate) fn is_forbidden_control(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' | '\x0c' => false,
        '\u{85}' => false,
        c => c <= '\u{1f}' || ('\u{7f}'..='\u{9f}').contains(&c),
    }
}

pub(crate) fn run(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    for span in runs(source, |_, c| is_forbidden_control(c)) {
        let text = &source[span.0..span.1];
        out.push(violation(
            index,
            Rule::ControlCharacter,
            span,
            format!("control character ({}) in the source", code_points(text)),
            "remove it; in a string literal write it as an escape such as `\\x1b`",
        ));
    }
}
