//! `SDG402 reflection`: introspection that defeats static name resolution.
//!
//! Refused whatever the flags: `globals`, `locals`, `vars`, `dir`, `setattr`,
//! `delattr` (any use); `getattr`/`hasattr` unless called with a string
//! literal attribute name (a literal `getattr(np, "save")` is resolved like
//! `np.save` and judged by the other rules; a dunder literal is `SDG403`);
//! three-argument `type(name, bases, dict)` (class creation);
//! `operator.attrgetter`/`methodcaller`.
//!
//! ```python
//! getattr(np, "sa" + "ve")   # SDG402
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use rustpython_parser::ast::{Constant, Expr};

const ALWAYS: &[&str] = &[
    "globals",
    "locals",
    "vars",
    "dir",
    "setattr",
    "delattr",
    "operator.attrgetter",
    "operator.methodcaller",
    "object.__subclasses__",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        let call = cx.call_with_func(r.range);
        let msg = if let Some(q) = super::ref_exact(r, ALWAYS) {
            format!("`{q}` gives reflective access the checker cannot follow")
        } else if let Some(q) = super::ref_exact(r, &["getattr", "hasattr"]) {
            let literal = call.and_then(|c| c.args.get(1)).is_some_and(|a| {
                matches!(a, Expr::Constant(k) if matches!(&k.value, Constant::Str(s) if !super::super::names::is_dunder(s)))
            });
            // A literal getattr call is folded into its chain and never reaches here.
            if q == "hasattr" && literal {
                continue;
            }
            format!("`{q}` with a computed attribute name")
        } else if super::ref_exact(r, &["type"]).is_some()
            && call.is_some_and(|c| c.args.len() == 3)
        {
            "three-argument `type(...)` creates a class".to_owned()
        } else {
            continue;
        };
        out.push(cx.violation(
            Rule::Reflection,
            r.range,
            msg,
            "access attributes directly with `obj.name`",
        ));
    }
}
