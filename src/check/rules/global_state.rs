//! `SDG305 global-state`: state that outlives one call of the generator.
//!
//! Why: the same `(num_samples, seed)` must give the same data on every call;
//! state kept across calls breaks that and leaks between runs. Reported:
//! - `global` / `nonlocal` statements;
//! - inside a function, writing through a module-level name: `X[i] = v`,
//!   `X.attr = v`, `del X[k]`, `X[i] += 1`, mutating methods (`X.append(...)`,
//!   `.update`, `.sort`, ...), in-place helpers (`rng.shuffle(X)`,
//!   `np.copyto(X, ...)`, `out=X`);
//! - attribute writes on module-level functions or modules (`f.cache = {}`,
//!   `np.x = 1`);
//! - mutable default arguments (`def h(acc=[])`): one object shared by all calls;
//! - process-wide settings (`np.seterr`, `np.set_printoptions`, `pd.set_option`,
//!   `warnings.filterwarnings`).
//!
//! ```python
//! CACHE = []
//! def generate_data(num_samples, seed):
//!     CACHE.append(1)      # SDG305
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::super::walk::{BindValue, ScopeKey, MODULE};
use rustpython_parser::ast::{Expr, ExprContext, Ranged, Stmt};
use std::collections::HashSet;

const MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "update",
    "setdefault",
    "popitem",
    "add",
    "discard",
    "sort",
    "reverse",
    "fill",
    "resize",
    "put",
    "itemset",
    "setflags",
    "intersection_update",
    "difference_update",
    "symmetric_difference_update",
    "__setitem__",
    "__delitem__",
];
const IN_PLACE_FIRST_ARG: &[&str] = &[
    "shuffle",
    "copyto",
    "put",
    "place",
    "putmask",
    "fill_diagonal",
];
/// Process-wide settings: calling them changes behaviour for later calls.
const GLOBAL_SETTERS: &[&str] = &[
    "numpy.seterr",
    "numpy.seterrcall",
    "numpy.setbufsize",
    "numpy.set_printoptions",
    "numpy.random.set_state",
    "pandas.set_option",
    "pandas.reset_option",
    "pandas.options",
    "warnings.filterwarnings",
    "warnings.simplefilter",
    "warnings.resetwarnings",
];
const HINT: &str =
    "keep all state local to the generator call; pass values as arguments and return results";

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    // Module names bound to data (not only to imports or defs).
    let data: HashSet<&str> = cx
        .flat
        .bindings
        .iter()
        .filter(|b| b.scope == MODULE && !matches!(b.value, BindValue::Qual(_)))
        .map(|b| b.name.as_str())
        .collect();
    let data_root = |e: &Expr, scope| {
        module_root(cx, e, scope)
            .filter(|n| data.contains(n))
            .map(str::to_owned)
    };
    for (s, _) in &cx.flat.stmts {
        let names = match s {
            Stmt::Global(g) => Some(("global", &g.names)),
            Stmt::Nonlocal(n) => Some(("nonlocal", &n.names)),
            _ => None,
        };
        if let Some((kw, names)) = names {
            let list: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
            out.push(cx.violation(
                Rule::GlobalState,
                s.range(),
                format!("`{kw} {}` shares state across calls", list.join(", ")),
                HINT,
            ));
        }
        if let Some(args) = function_args(s) {
            for a in args
                .posonlyargs
                .iter()
                .chain(&args.args)
                .chain(&args.kwonlyargs)
            {
                if let Some(d) = a.default.as_deref().filter(|d| mutable_value(d)) {
                    out.push(cx.violation(
                        Rule::GlobalState,
                        d.range(),
                        format!(
                            "mutable default for `{}` is shared by every call",
                            a.def.arg
                        ),
                        "default to None and create the container inside the function",
                    ));
                }
            }
        }
    }
    for r in cx.refs.iter().filter(|r| !r.import) {
        if let Some(q) = super::ref_under(r, GLOBAL_SETTERS) {
            out.push(cx.violation(
                Rule::GlobalState,
                r.range,
                format!("`{q}` changes process-wide settings"),
                HINT,
            ));
        }
    }
    for (e, scope) in &cx.flat.exprs {
        if *scope == MODULE || cx.function_of(*scope) == MODULE {
            continue;
        }
        match e {
            Expr::Subscript(x) if matches!(x.ctx, ExprContext::Store | ExprContext::Del) => {
                if let Some(n) = module_root(cx, &x.value, *scope) {
                    out.push(cx.violation(
                        Rule::GlobalState,
                        e.range(),
                        format!("writes into module-level `{n}`"),
                        HINT,
                    ));
                }
            }
            Expr::Attribute(x) if matches!(x.ctx, ExprContext::Store | ExprContext::Del) => {
                if let Some(n) = module_root(cx, &x.value, *scope) {
                    out.push(cx.violation(
                        Rule::GlobalState,
                        e.range(),
                        format!("sets an attribute on module-level `{n}`"),
                        HINT,
                    ));
                }
            }
            Expr::Call(c) => {
                if let Expr::Attribute(f) = c.func.as_ref() {
                    let attr = f.attr.as_str();
                    if MUTATORS.contains(&attr) {
                        if let Some(n) = data_root(&f.value, *scope) {
                            out.push(cx.violation(
                                Rule::GlobalState,
                                e.range(),
                                format!("`.{attr}` mutates module-level `{n}`"),
                                HINT,
                            ));
                            continue;
                        }
                    }
                    if IN_PLACE_FIRST_ARG.contains(&attr) {
                        if let Some(n) = c.args.first().and_then(|a| data_root(a, *scope)) {
                            out.push(cx.violation(
                                Rule::GlobalState,
                                e.range(),
                                format!("`.{attr}` mutates module-level `{n}` in place"),
                                HINT,
                            ));
                            continue;
                        }
                    }
                }
                for k in &c.keywords {
                    if k.arg.as_ref().is_some_and(|a| a.as_str() == "out") {
                        if let Some(n) = data_root(&k.value, *scope) {
                            out.push(cx.violation(
                                Rule::GlobalState,
                                e.range(),
                                format!("`out=` writes into module-level `{n}`"),
                                HINT,
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn function_args(s: &Stmt) -> Option<&rustpython_parser::ast::Arguments> {
    match s {
        Stmt::FunctionDef(f) => Some(&f.args),
        Stmt::AsyncFunctionDef(f) => Some(&f.args),
        _ => None,
    }
}

fn mutable_value(e: &Expr) -> bool {
    match e {
        Expr::List(_)
        | Expr::Dict(_)
        | Expr::Set(_)
        | Expr::ListComp(_)
        | Expr::DictComp(_)
        | Expr::SetComp(_) => true,
        Expr::Call(c) => {
            matches!(c.func.as_ref(), Expr::Name(n) if ["list", "dict", "set", "bytearray"].contains(&n.id.as_str()))
        }
        _ => false,
    }
}

/// If `e` is `NAME`, `NAME.x`, `NAME[i]`, ... and `NAME` is bound at module
/// level and not in any enclosing function scope, return `NAME`.
fn module_root<'e>(cx: &Context<'_>, e: &'e Expr, scope: ScopeKey) -> Option<&'e str> {
    let mut cur = e;
    for _ in 0..1000 {
        match cur {
            Expr::Name(n) => {
                let name = n.id.as_str();
                return is_module_level(cx, name, scope).then_some(name);
            }
            Expr::Attribute(a) => cur = &a.value,
            Expr::Subscript(s) => cur = &s.value,
            _ => return None,
        }
    }
    None
}

fn is_module_level(cx: &Context<'_>, name: &str, scope: ScopeKey) -> bool {
    let mut s = scope;
    for _ in 0..10_000 {
        if s == MODULE {
            return cx.resolver.is_bound_in(name, MODULE);
        }
        if cx.resolver.is_bound_in(name, s) {
            return false;
        }
        s = cx.flat.scopes.get(&s).map_or(MODULE, |i| i.parent);
    }
    false
}
