//! `SDG407 introspection-attribute`: frame, code, traceback, generator,
//! coroutine and closure-cell attributes on any object: `f_globals`,
//! `f_builtins`, `f_back`, `f_locals`, `f_code`, ..., any `gi_*`, `cr_*`,
//! `ag_*`, `tb_*`, `co_*`, `cell_contents`, `mro`.
//!
//! Why: every generator, coroutine and caught exception leads to a frame
//! (`(x for x in ()).gi_frame`, `e.__traceback__.tb_frame`) and every frame to
//! the module globals and the builtins (`f_globals`, `f_builtins`), that is to
//! `exec` and `__import__` without naming them. Data generation needs none.
//!
//! ```python
//! g = (i for i in ())
//! b = g.gi_frame.f_builtins     # SDG407 twice
//! ```

use super::super::context::Context;
use super::super::names::is_introspection;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for a in cx.attrs.iter().filter(|a| is_introspection(&a.name)) {
        out.push(cx.violation(
            Rule::IntrospectionAttribute,
            a.range,
            format!("`{}` is frame/code/traceback introspection", a.name),
            "remove it; generators compute data, they do not inspect the interpreter",
        ));
    }
}
