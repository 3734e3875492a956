//! `SDG203 top-level-statement`: module-level code other than imports,
//! function definitions, constant assignments and a module docstring.
//!
//! Why: everything at top level runs at import time, before the host calls the
//! generator, outside the contract's inputs. Allowed at top level: `import`s
//! (checked by the 1xx rules), undecorated `def`s, `pass`, a docstring as the
//! first statement, and assignments to names of *constant expressions*:
//! literals, containers/arithmetic of constants, references to module names
//! (`N = 10; M = 2 * N`, `TWO_PI = 2 * np.pi`), subscripts of those, and
//! lambdas (helpers). Anything else (calls, loops, `if`, `try`, `with`,
//! expressions, `async def`, `type X = ...`, decorators) is reported.
//! Classes are reported by `SDG204` instead.
//!
//! ```python
//! rng = np.random.default_rng(0)   # SDG203: top-level call
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::super::walk::MODULE;
use rustpython_parser::ast::{Constant, Expr, Ranged, Stmt};

const HINT: &str = "move this into the generator function (or a helper it calls)";

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for (i, s) in cx.suite.iter().enumerate() {
        let what = match s {
            Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Pass(_) | Stmt::ClassDef(_) => None,
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    if f.name.as_str() != cx.policy.function {
                        out.push(cx.violation(
                            Rule::TopLevelStatement,
                            d.range(),
                            "decorators run code at import time".into(),
                            "remove the decorator",
                        ));
                    }
                }
                None
            }
            Stmt::AsyncFunctionDef(f) if f.name.as_str() == cx.policy.function => None,
            Stmt::AsyncFunctionDef(_) => Some("an `async def`"),
            Stmt::Expr(e) if i == 0 && is_str(&e.value) => None,
            Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::Call(_)) => Some("a call"),
            Stmt::Expr(_) => Some("an expression statement"),
            Stmt::Assign(a) => (!(a.targets.iter().all(name_target) && const_expr(cx, &a.value)))
                .then_some("an assignment of a non-constant value"),
            Stmt::AnnAssign(a) => {
                let ok = matches!(a.target.as_ref(), Expr::Name(_))
                    && a.value.as_deref().is_none_or(|v| const_expr(cx, v));
                (!ok).then_some("an assignment of a non-constant value")
            }
            Stmt::AugAssign(_) => Some("an augmented assignment"),
            Stmt::TypeAlias(_) => Some("a `type` alias statement"),
            Stmt::For(_) | Stmt::AsyncFor(_) | Stmt::While(_) => Some("a loop"),
            Stmt::If(_) => Some("an `if` statement"),
            Stmt::With(_) | Stmt::AsyncWith(_) => Some("a `with` statement"),
            Stmt::Match(_) => Some("a `match` statement"),
            Stmt::Try(_) | Stmt::TryStar(_) => Some("a `try` statement"),
            Stmt::Raise(_) => Some("a `raise` statement"),
            Stmt::Assert(_) => Some("an `assert` statement"),
            Stmt::Delete(_) => Some("a `del` statement"),
            Stmt::Global(_) | Stmt::Nonlocal(_) => Some("a `global`/`nonlocal` declaration"),
            Stmt::Return(_) | Stmt::Break(_) | Stmt::Continue(_) => {
                Some("a control-flow statement")
            }
        };
        if let Some(what) = what {
            out.push(cx.violation(
                Rule::TopLevelStatement,
                s.range(),
                format!("{what} at module level runs at import time"),
                HINT,
            ));
        }
    }
}

fn is_str(e: &Expr) -> bool {
    matches!(e, Expr::Constant(c) if matches!(c.value, Constant::Str(_)))
}

fn name_target(t: &Expr) -> bool {
    match t {
        Expr::Name(_) => true,
        Expr::Tuple(x) => x.elts.iter().all(name_target),
        Expr::List(x) => x.elts.iter().all(name_target),
        _ => false,
    }
}

/// Pure, call-free expression over literals and module-level names.
fn const_expr(cx: &Context<'_>, e: &Expr) -> bool {
    const_at(cx, e, 0)
}

fn const_at(cx: &Context<'_>, e: &Expr, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    let d = depth + 1;
    match e {
        Expr::Constant(_) | Expr::Lambda(_) => true,
        Expr::Tuple(x) => x.elts.iter().all(|y| const_at(cx, y, d)),
        Expr::List(x) => x.elts.iter().all(|y| const_at(cx, y, d)),
        Expr::Set(x) => x.elts.iter().all(|y| const_at(cx, y, d)),
        Expr::Dict(x) => x
            .keys
            .iter()
            .flatten()
            .chain(&x.values)
            .all(|y| const_at(cx, y, d)),
        Expr::UnaryOp(u) => const_at(cx, &u.operand, d),
        Expr::BinOp(b) => const_at(cx, &b.left, d) && const_at(cx, &b.right, d),
        Expr::Name(n) => cx.resolver.is_bound_in(n.id.as_str(), MODULE),
        Expr::Attribute(a) => {
            matches!(a.value.as_ref(), Expr::Name(_) | Expr::Attribute(_))
                && const_at(cx, &a.value, d)
        }
        Expr::Subscript(s) => const_at(cx, &s.value, d) && const_at(cx, &s.slice, d),
        Expr::Slice(s) => [&s.lower, &s.upper, &s.step]
            .iter()
            .all(|x| x.as_deref().is_none_or(|y| const_at(cx, y, d))),
        _ => false,
    }
}
