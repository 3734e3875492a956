//! `SDG704 invisible-character`: zero-width and other default-ignorable
//! characters anywhere, comments and string literals included.
//!
//! Why: they render as nothing, so two spellings that look identical differ
//! (`"a\u{200b}b"` vs `"ab"`; Hangul fillers such as U+3164 are even valid in
//! identifiers). The set is Unicode's Default_Ignorable_Code_Point minus the
//! bidi controls (`SDG703`) and a leading BOM (`SDG702`): U+00AD, U+034F,
//! U+115F, U+1160, U+17B4, U+17B5, U+180B..U+180F, U+200B..U+200D,
//! U+2060..U+2065, U+206A..U+206F, U+3164, U+FE00..U+FE0F (variation
//! selectors, so emoji presentation selectors too), U+FEFF, U+FFA0,
//! U+FFF0..U+FFF8, U+1BCA0..U+1BCA3, U+1D173..U+1D17A, U+E0000..U+E0FFF.
//!
//! ```text
//! label = "a\u{200b}b"   # SDG704
//! ```

use super::super::lines::LineIndex;
use super::super::rule::Rule;
use super::super::text::{code_points, runs, violation};
use super::super::violation::Violation;

/// Default-ignorable code points that are not bidi controls.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206a}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

pub(crate) fn run(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    // A BOM at offset 0 is SDG702.
    for span in runs(source, |i, c| {
        is_invisible(c) && !(i == 0 && c == '\u{feff}')
    }) {
        let text = &source[span.0..span.1];
        out.push(violation(
            index,
            Rule::InvisibleCharacter,
            span,
            format!(
                "invisible character ({}): the reviewer cannot see it",
                code_points(text)
            ),
            "remove it; if the data needs it, write it as a `\\u` escape in a string",
        ));
    }
}
