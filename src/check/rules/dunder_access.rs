//! `SDG403 dunder-access`: any `__x__` attribute, name or literal getattr name.
//!
//! Why: dunders are the classic sandbox-escape path
//! (`().__class__.__mro__[1].__subclasses__()`, `f.__globals__`,
//! `__builtins__`). No allow-list: generators need none (`__name__` included;
//! `if __name__ == "__main__":` is refused anyway as top-level code).
//! `__import__` is reported as `SDG105` instead. A literal format string
//! with `__` used with `.format`/`.format_map` is refused too
//! (`"{0.__class__}".format(x)` reaches attributes without syntax). Also refuses defining a
//! function with a dunder name (module `__getattr__` hooks).
//!
//! ```python
//! [c for c in ().__class__.__mro__]   # SDG403 twice (`__class__`, `__mro__`)
//! ```

use super::super::context::Context;
use super::super::names::is_dunder;
use super::super::rule::Rule;
use super::super::scope::getattr_literal;
use super::super::violation::Violation;
use super::def_name_range;
use rustpython_parser::ast::{Expr, ExprCall, Ranged, Stmt};

const HINT: &str = "do not use double-underscore (dunder) names";

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for (e, scope) in &cx.flat.exprs {
        let name = match e {
            Expr::Attribute(a) if is_dunder(a.attr.as_str()) => Some(a.attr.as_str()),
            Expr::Name(n) if is_dunder(n.id.as_str()) && n.id.as_str() != "__import__" => {
                Some(n.id.as_str())
            }
            Expr::Call(c) => getattr_literal(&cx.resolver, c, *scope)
                .map(|(_, s)| s)
                .filter(|s| is_dunder(s))
                .or_else(|| format_dunder(c)),
            _ => None,
        };
        if let Some(name) = name {
            out.push(cx.violation(
                Rule::DunderAccess,
                e.range(),
                format!("dunder `{name}` is not allowed"),
                HINT,
            ));
        }
    }
    for (s, _) in &cx.flat.stmts {
        // (see also `format_dunder` for `"{0.__class__}".format(x)`)
        let (name, decorators) = match s {
            Stmt::FunctionDef(f) => (f.name.as_str(), &f.decorator_list),
            Stmt::AsyncFunctionDef(f) => (f.name.as_str(), &f.decorator_list),
            _ => continue,
        };
        if is_dunder(name) {
            let range = def_name_range(cx, s.range(), decorators, name);
            out.push(cx.violation(
                Rule::DunderAccess,
                range,
                format!("defining dunder `{name}` is not allowed"),
                HINT,
            ));
        }
    }
    for site in &cx.flat.imports {
        if let Some(m) = site.member.as_deref().filter(|m| is_dunder(m)) {
            out.push(cx.violation(
                Rule::DunderAccess,
                site.range,
                format!("importing dunder `{m}` is not allowed"),
                HINT,
            ));
        }
    }
}

/// `"{0.__class__}".format(x)`: a literal format string reaching a dunder.
fn format_dunder(c: &ExprCall) -> Option<&'static str> {
    let Expr::Attribute(f) = c.func.as_ref() else {
        return None;
    };
    if !matches!(f.attr.as_str(), "format" | "format_map") {
        return None;
    }
    match f.value.as_ref() {
        Expr::Constant(k) => k
            .value
            .as_str()
            .filter(|s| s.contains("__"))
            .map(|_| "__ in a format string"),
        _ => None,
    }
}
