//! `SDG501 unseeded-rng`: an RNG constructor not seeded from the `seed`
//! parameter, or the `seed` parameter rebound.
//!
//! Why: the contract promises the same data for the same seed. The RNG must
//! be `numpy.random.default_rng(seed)` (any alias of numpy / numpy.random /
//! default_rng; `default_rng(seed=seed)` accepted). Also checked:
//! `PCG64`, `PCG64DXSM`, `Philox`, `SFC64`, `MT19937`, `SeedSequence`
//! (`SeedSequence(entropy=seed)` accepted). Refused: no argument, a constant
//! (`default_rng(42)`), any other expression (`seed + 1`, `time.time()`).
//! Reassigning `seed` inside the generator is refused too, and so is calling
//! a helper that has a `seed` parameter with anything but `seed`.
//!
//! ```python
//! rng = np.random.default_rng(42)   # SDG501
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::super::walk::{function_key, BindValue, ScopeKey, MODULE};
use rustpython_parser::ast::{Expr, Ranged, Stmt};
use std::collections::HashSet;

const CTORS: &[&str] = &[
    "numpy.random.default_rng",
    "numpy.random.PCG64",
    "numpy.random.PCG64DXSM",
    "numpy.random.Philox",
    "numpy.random.SFC64",
    "numpy.random.MT19937",
    "numpy.random.SeedSequence",
];
const SEED: &str = "seed";

/// Name of the generator's seed parameter: `seed` if the contract has it,
/// else the last input whose name contains "seed" (e.g. `random_seed`).
fn seed_name(cx: &Context<'_>) -> String {
    let inputs = &cx.policy.inputs;
    if inputs.iter().any(|i| i == SEED) {
        return SEED.to_owned();
    }
    inputs
        .iter()
        .rev()
        .find(|i| i.contains(SEED))
        .cloned()
        .unwrap_or_else(|| SEED.to_owned())
}

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let seed = seed_name(cx);
    let seed = seed.as_str();
    for (e, scope) in &cx.flat.exprs {
        let Expr::Call(c) = e else { continue };
        let quals = cx.resolver.resolve(&c.func, *scope);
        let Some(ctor) = quals.iter().find(|q| CTORS.contains(&q.as_str())) else {
            continue;
        };
        let is_seed = |x: &Expr| matches!(x, Expr::Name(n) if n.id.as_str() == seed);
        let ok = match (c.args.as_slice(), c.keywords.as_slice()) {
            ([a], []) => is_seed(a),
            ([], [k]) => {
                k.arg
                    .as_ref()
                    .is_some_and(|n| n.as_str() == "seed" || n.as_str() == "entropy")
                    && is_seed(&k.value)
            }
            _ => false,
        };
        if !ok {
            let how = if c.args.is_empty() && c.keywords.is_empty() {
                "without a seed (fresh OS entropy on every run)".to_owned()
            } else {
                "with something other than the `seed` parameter".to_owned()
            };
            out.push(cx.violation(
                Rule::UnseededRng,
                e.range(),
                format!("`{ctor}` called {how}"),
                "create the generator once as `rng = np.random.default_rng(seed)`",
            ));
        }
    }
    seed_passed_to_helpers(cx, seed, out);
    // `seed` rebound inside the generator function (parameters of nested
    // lambdas/defs are judged at their call sites instead).
    let main: HashSet<ScopeKey> = cx
        .suite
        .iter()
        .filter(|s| matches!(s, Stmt::FunctionDef(f) if f.name.as_str() == cx.policy.function))
        .map(function_key)
        .collect();
    for b in &cx.flat.bindings {
        if b.name == seed && !matches!(b.value, BindValue::Param) && inside_any(cx, b.scope, &main)
        {
            out.push(
                cx.violation(
                    Rule::UnseededRng,
                    b.range,
                    "the `seed` parameter is rebound; the RNG would not follow the caller's seed"
                        .into(),
                    "do not assign to `seed`; use another name",
                ),
            );
        }
    }
}

/// Is `scope` one of `keys` or nested inside one of them?
fn inside_any(cx: &Context<'_>, scope: ScopeKey, keys: &HashSet<ScopeKey>) -> bool {
    let mut s = scope;
    for _ in 0..10_000 {
        if keys.contains(&s) {
            return true;
        }
        if s == MODULE {
            return false;
        }
        s = cx.flat.scopes.get(&s).map_or(MODULE, |i| i.parent);
    }
    false
}

/// A call to a function or lambda of this file that has a positional `seed`
/// parameter must pass the caller's `seed` to it (positionally or as
/// `seed=seed`): otherwise `def helper(seed): default_rng(seed)` plus
/// `helper(42)` would launder a constant seed.
fn seed_passed_to_helpers(cx: &Context<'_>, seed: &str, out: &mut Vec<Violation>) {
    for (e, scope) in &cx.flat.exprs {
        let Expr::Call(c) = e else { continue };
        let callees = cx.resolver.resolve(&c.func, *scope);
        let takes_seed = callees.iter().find_map(|q| {
            let key = q.strip_prefix("$fn:")?.parse().ok()?;
            cx.flat
                .params
                .get(&key)?
                .iter()
                .position(|p| p == SEED || p == seed)
        });
        let Some(index) = takes_seed else { continue };
        let is_seed = |x: &Expr| matches!(x, Expr::Name(n) if n.id.as_str() == seed);
        let starred = c.args.iter().any(|a| matches!(a, Expr::Starred(_)));
        let passed = c
            .keywords
            .iter()
            .find(|k| {
                k.arg
                    .as_ref()
                    .is_some_and(|a| a.as_str() == SEED || a.as_str() == seed)
            })
            .map(|k| &k.value)
            .or_else(|| if starred { None } else { c.args.get(index) });
        if !passed.is_some_and(is_seed) {
            out.push(cx.violation(
                Rule::UnseededRng,
                e.range(),
                "a helper's `seed` parameter must receive the generator's `seed`".into(),
                "pass `seed` through unchanged (or pass the `rng` object instead)",
            ));
        }
    }
}
