//! `SDG104 relative-import`: `from . import x` / `from ..m import y`.
//!
//! Why: the generator is a single file with no package; a relative import can
//! only reach files the sandbox did not review.
//!
//! ```python
//! from .helpers import make   # SDG104
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for site in &cx.flat.imports {
        if site.level > 0 {
            out.push(cx.violation(
                Rule::RelativeImport,
                site.range,
                "relative import; the generator must be a single self-contained file".into(),
                "define the helper in this file",
            ));
        }
    }
}
