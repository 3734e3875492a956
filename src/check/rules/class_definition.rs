//! `SDG204 class-definition`: a `class` statement anywhere.
//!
//! Why: generators are one function plus helpers; classes bring metaclasses,
//! descriptors and dunder hooks (`__init_subclass__`, `__class_getitem__`,
//! `__reduce__`) that run code implicitly and defeat static review.
//!
//! ```python
//! class Row: ...     # SDG204
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use rustpython_parser::ast::{Ranged, Stmt};

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for (s, _) in &cx.flat.stmts {
        if let Stmt::ClassDef(c) = s {
            out.push(cx.violation(
                Rule::ClassDefinition,
                s.range(),
                format!("class `{}` is not allowed in a generator", c.name),
                "use functions, tuples, dicts or pandas/numpy structures",
            ));
        }
    }
}
