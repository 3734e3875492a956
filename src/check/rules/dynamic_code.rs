//! `SDG401 dynamic-code`: `eval`, `exec`, `compile` (referenced at all), and
//! string evaluators of allowed packages (`pd.eval`, `numexpr`, `.query(...)`
//! on any receiver).
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

/// Methods that evaluate a string as code, on any receiver (pandas'
/// `DataFrame.query`; `.eval`/`.exec`/`.compile` are `SDG406`).
const METHODS: &[&str] = &["query"];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in &cx.refs {
        let msg = if let Some(q) = super::ref_under(r, NAMES) {
            format!("`{q}` runs code the checker cannot see")
        } else if let Some(a) = super::chain_attr(r, METHODS) {
            format!("`.{a}(...)` evaluates a string as code")
        } else {
            continue;
        };
        out.push(cx.violation(Rule::DynamicCode, r.range, msg, "write the code directly"));
    }
}
