//! `SDG105 dynamic-import`: `__import__(...)`, `importlib.import_module(...)`.
//!
//! Why: importing by computed name bypasses every import rule. Refused
//! whatever the flags, including mere references (`f = __import__`).
//!
//! ```python
//! m = __import__('o' + 's')   # SDG105 at `__import__`
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

const DYNAMIC: &[&str] = &[
    "__import__",
    "importlib.import_module",
    "importlib.__import__",
    "importlib.util",
    "importlib.machinery",
    "imp.load_module",
    "imp.load_source",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        if let Some(q) = super::ref_under(r, DYNAMIC) {
            out.push(cx.violation(
                Rule::DynamicImport,
                r.range,
                format!("dynamic import via `{q}`"),
                "use a plain `import` of an allowed module at the top of the file",
            ));
        }
    }
}
