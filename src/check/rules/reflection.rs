//! `SDG402 reflection`: introspection that defeats static name resolution.
//!
//! Refused whatever the flags: `globals`, `locals`, `vars`, `dir`, `setattr`,
//! `delattr` (any use); `getattr`/`hasattr` unless called with a string
//! literal attribute name (a literal `getattr(np, "save")` is resolved like
//! `np.save` and judged by the other rules; a dunder literal is `SDG403`);
//! three-argument `type(name, bases, dict)` (class creation);
//! `operator.attrgetter`/`methodcaller`; `str.format` field access:
//! `.format`/`.format_map` on anything but a string literal (the format string
//! could be built to reach attributes), and a literal whose replacement fields
//! reach attributes or items (`"{0.gi_frame}".format(g)`, `"{0[k]}"`; a
//! field with `__` is `SDG403`).
//!
//! ```python
//! getattr(np, "sa" + "ve")   # SDG402
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use rustpython_parser::ast::{Constant, Expr, Ranged};

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
    format_calls(cx, out);
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

/// `.format(...)` / `.format_map(...)`: only on a literal, and without
/// attribute or item access in its fields.
fn format_calls(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for (e, _) in &cx.flat.exprs {
        let Expr::Call(c) = e else { continue };
        let Expr::Attribute(f) = c.func.as_ref() else {
            continue;
        };
        if !matches!(f.attr.as_str(), "format" | "format_map") {
            continue;
        }
        let msg = match f.value.as_ref() {
            Expr::Constant(k) => match &k.value {
                Constant::Str(s) if s.contains("__") => continue, // SDG403
                Constant::Str(s) => match field_access(s) {
                    Some(field) => format!(
                        "format field `{{{field}}}` reaches attributes or items without attribute syntax"
                    ),
                    None => continue,
                },
                _ => continue,
            },
            _ => format!(
                "`.{}` on a computed format string can reach attributes (`{{0.name}}`)",
                f.attr
            ),
        };
        out.push(cx.violation(
            Rule::Reflection,
            e.range(),
            msg,
            "use an f-string, or a literal format string with plain `{}` / `{0}` / `{name}` fields",
        ));
    }
}

/// First replacement field of a format string whose field name uses `.` or `[`.
pub(crate) fn field_access(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            if b.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let rest = &s[i + 1..];
            let end = rest.find(['}', '!', ':', '{']).unwrap_or(rest.len());
            let field = &rest[..end];
            if field.contains(['.', '[']) {
                return Some(field);
            }
        }
        i += 1;
    }
    None
}
