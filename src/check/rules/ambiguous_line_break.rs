//! `SDG706 ambiguous-line-break`: a lone carriage return (`\r` not followed
//! by `\n`), U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR or U+0085 NEXT
//! LINE, anywhere.
//!
//! Why: tools disagree on whether these end a line. CPython ends a line at a
//! lone `\r` while a terminal returns the cursor and overprints the line
//! (`x = 1\rprint(1)` shows as one line); U+2028/U+2029/U+0085 are line
//! breaks to some editors and to `str.splitlines`, but CPython rejects them
//! outside strings. Use `\n` or `\r\n`.
//!
//! ```text
//! safe = 1\rimport os   # SDG706 at the `\r`
//! ```

use super::super::lines::LineIndex;
use super::super::rule::Rule;
use super::super::text::{code_points, runs, violation};
use super::super::violation::Violation;

pub(crate) fn run(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    let bytes = source.as_bytes();
    let spans = runs(source, |i, c| match c {
        '\r' => bytes.get(i + 1) != Some(&b'\n'),
        '\u{2028}' | '\u{2029}' | '\u{85}' => true,
        _ => false,
    });
    for span in spans {
        let text = &source[span.0..span.1];
        out.push(violation(
            index,
            Rule::AmbiguousLineBreak,
            span,
            format!(
                "line break ({}) that editors, terminals and Python read differently",
                code_points(text)
            ),
            "end lines with `\\n` (or `\\r\\n`) only; in a string literal write `\\u2028` etc.",
        ));
    }
}
