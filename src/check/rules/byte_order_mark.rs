//! `SDG702 byte-order-mark`: a U+FEFF byte-order mark at the start of the source.
//!
//! Why: CPython skips a UTF-8 BOM when it reads bytes but rejects it in a
//! string source, editors hide it, and our parser reads it as a character: the
//! reviewer, the parser and the interpreter would not agree on the first line.
//! A U+FEFF anywhere else is `SDG704 invisible-character`.
//!
//! ```text
//! \u{feff}import numpy as np   # SDG702 at 1:1
//! ```

use super::super::lines::LineIndex;
use super::super::rule::Rule;
use super::super::text::violation;
use super::super::violation::Violation;

pub(crate) fn run(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    if source.starts_with('\u{feff}') {
        out.push(violation(
            index,
            Rule::ByteOrderMark,
            (0, '\u{feff}'.len_utf8()),
            "the source starts with a byte-order mark (U+FEFF)".into(),
            "save the file as UTF-8 without a BOM",
        ));
    }
}
