//! `SDG202 wrong-signature`: the generator function's signature differs from
//! the contract.
//!
//! Checks: exactly the contract's parameter names in order; no `*args`,
//! `**kwargs`, keyword-only or positional-only parameters (the host calls by
//! keyword); no decorators (they run code and may replace the function); not
//! `async`; defined once; no `yield` directly in its body (the host needs
//! returned data, not a Python generator object). Defaults are allowed only as int/float/str/bool
//! literals (documented choice: LLMs often write `seed=42`, which is harmless
//! because the host always passes every input; `None`, containers or
//! expressions are refused since e.g. `seed=None` would silently unseed).
//!
//! ```python
//! def generate_data(n, seed):   # SDG202 at `n`: expected `num_samples`
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::super::walk::{function_key, ScopeKey};
use super::def_name_range;
use rustpython_parser::ast::{Constant, Expr, Ranged, Stmt};
use std::collections::HashMap;

const HINT_SIG: &str = "use exactly the contract's parameters";

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let p = cx.policy;
    let mut seen = false;
    // `yield` expressions by the scope they sit in (computed once: linear).
    let mut yields: HashMap<ScopeKey, Vec<&Expr>> = HashMap::new();
    for (e, scope) in &cx.flat.exprs {
        if matches!(e, Expr::Yield(_) | Expr::YieldFrom(_)) {
            yields.entry(*scope).or_default().push(e);
        }
    }
    for s in cx.suite {
        let (name, args, decorators, is_async) = match s {
            Stmt::FunctionDef(f) => (f.name.as_str(), &f.args, &f.decorator_list, false),
            Stmt::AsyncFunctionDef(f) => (f.name.as_str(), &f.args, &f.decorator_list, true),
            _ => continue,
        };
        if name != p.function {
            continue;
        }
        let name_range = def_name_range(cx, s.range(), decorators, name);
        let expected = format!("{}({})", p.function, p.inputs.join(", "));
        if seen {
            out.push(cx.violation(
                Rule::WrongSignature,
                name_range,
                format!("`{name}` is defined more than once"),
                "keep a single definition",
            ));
        }
        seen = true;
        if is_async {
            out.push(cx.violation(
                Rule::WrongSignature,
                s.range(),
                format!("`{name}` must be a plain `def`, not `async def`"),
                "remove `async`",
            ));
        }
        for d in decorators {
            out.push(cx.violation(
                Rule::WrongSignature,
                d.range(),
                format!("`{name}` must not be decorated"),
                "remove the decorator",
            ));
        }
        for a in &args.posonlyargs {
            out.push(cx.violation(
                Rule::WrongSignature,
                a.def.range,
                format!(
                    "parameter `{}` is positional-only; the host passes inputs by keyword",
                    a.def.arg
                ),
                "remove the `/` marker",
            ));
        }
        let positional: Vec<_> = args.posonlyargs.iter().chain(&args.args).collect();
        for (i, a) in positional.iter().enumerate() {
            match p.inputs.get(i) {
                Some(want) if want == a.def.arg.as_str() => {}
                Some(want) => out.push(cx.violation(
                    Rule::WrongSignature,
                    a.def.range,
                    format!(
                        "parameter {} is `{}`, the contract expects `{want}` ({expected})",
                        i + 1,
                        a.def.arg
                    ),
                    HINT_SIG,
                )),
                None => out.push(cx.violation(
                    Rule::WrongSignature,
                    a.def.range,
                    format!(
                        "unexpected parameter `{}`; the contract's signature is {expected}",
                        a.def.arg
                    ),
                    HINT_SIG,
                )),
            }
            if let Some(d) = &a.default {
                if !literal_default(d) {
                    out.push(cx.violation(
                        Rule::WrongSignature,
                        d.range(),
                        format!(
                            "default of `{}` must be an int/float/str/bool literal",
                            a.def.arg
                        ),
                        "drop the default; the host always passes every input",
                    ));
                }
            }
        }
        if positional.len() < p.inputs.len() {
            let missing = p.inputs[positional.len()..].join("`, `");
            out.push(cx.violation(
                Rule::WrongSignature,
                name_range,
                format!("missing parameter(s) `{missing}`; the contract's signature is {expected}"),
                HINT_SIG,
            ));
        }
        for a in &args.kwonlyargs {
            out.push(cx.violation(
                Rule::WrongSignature,
                a.def.range,
                format!(
                    "keyword-only parameter `{}` is not in the contract",
                    a.def.arg
                ),
                HINT_SIG,
            ));
        }
        if let Some(v) = &args.vararg {
            out.push(cx.violation(
                Rule::WrongSignature,
                v.range,
                format!("`*{}` is not allowed", v.arg),
                HINT_SIG,
            ));
        }
        for e in yields
            .get(&function_key(s))
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            out.push(cx.violation(
                Rule::WrongSignature,
                e.range(),
                format!("`{name}` must return its data; `yield` makes it a Python generator"),
                "collect the values and `return` them",
            ));
        }
        if let Some(k) = &args.kwarg {
            out.push(cx.violation(
                Rule::WrongSignature,
                k.range,
                format!("`**{}` is not allowed", k.arg),
                HINT_SIG,
            ));
        }
    }
}

fn literal_default(e: &Expr) -> bool {
    match e {
        Expr::Constant(c) => matches!(
            c.value,
            Constant::Int(_) | Constant::Float(_) | Constant::Str(_) | Constant::Bool(_)
        ),
        Expr::UnaryOp(u) => literal_default(&u.operand),
        _ => false,
    }
}
