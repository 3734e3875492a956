//! `SDG401 dynamic-code`: `eval`, `exec`, `compile` (referenced at all), and
//! string evaluators of allowed packages (`pd.eval`, `numexpr`).
//!
//! Why: code built from strings is invisible to this checker. Refused whatever
//! the flags, also when only referenced (`run = exec`) or reached through an
//! alias (`import builtins as b; b.exec` — also `SDG101`).
//!
//! ```python
//! exec("import os")    # SDG401
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

const NAMES: &[&str] = &["eval", "exec", "compile", "pandas.eval", "numexpr"];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in &cx.refs {
        if let Some(q) = super::ref_under(r, NAMES) {
            out.push(cx.violation(
                Rule::DynamicCode,
                r.range,
                format!("`{q}` runs code the checker cannot see"),
                "write the code directly",
            ));
        }
    }
}
