//! `SDG502 legacy-global-rng`: anything on `numpy.random` except the
//! Generator API (`default_rng`, `Generator`, `BitGenerator`, `PCG64`,
//! `PCG64DXSM`, `Philox`, `SFC64`, `MT19937`, `SeedSequence`).
//!
//! Why: `np.random.seed/rand/randn/normal/uniform/choice/shuffle/RandomState`
//! use or create the legacy global RNG, shared process-wide and not tied to
//! the `seed` parameter. Matched through every alias, including
//! `import numpy.random as r; r.seed(1)` and `from numpy.random import normal`,
//! and unresolved chains ending in `.random.<legacy name>` (numpy passed
//! through a parameter: `def g(m): m.random.seed(1)`).
//!
//! ```python
//! np.random.seed(1)        # SDG502
//! x = np.random.rand(10)   # SDG502
//! ```

use super::super::context::{Context, Ref};
use super::super::rule::Rule;
use super::super::violation::Violation;
use rustpython_parser::ast::Expr;

const ALLOWED: &[&str] = &[
    "default_rng",
    "Generator",
    "BitGenerator",
    "PCG64",
    "PCG64DXSM",
    "Philox",
    "SFC64",
    "MT19937",
    "SeedSequence",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in &cx.refs {
        let hit = r
            .quals
            .iter()
            .find_map(|q| {
                let rest = q.strip_prefix("numpy.random.")?;
                let first = rest.split('.').next().unwrap_or(rest);
                (!ALLOWED.contains(&first)).then(|| q.clone())
            })
            .or_else(|| unresolved_random_attr(r).then(|| cx.text(r.range).to_owned()));
        if let Some(q) = hit {
            out.push(cx.violation(
                Rule::LegacyGlobalRng,
                r.range,
                format!("`{q}` uses numpy's legacy global RNG"),
                "use `rng = np.random.default_rng(seed)` and call methods on `rng` (e.g. `rng.normal`)",
            ));
        }
    }
}

/// `<unknown>.random.<legacy>`: numpy reached through a parameter or a
/// container (`def g(m): m.random.seed(1)`). Only when the chain is unresolved.
fn unresolved_random_attr(r: &Ref<'_>) -> bool {
    if !r.quals.is_empty() {
        return false;
    }
    let Some(Expr::Attribute(outer)) = r.expr else {
        return false;
    };
    let mut cur = outer;
    for _ in 0..10_000 {
        let Expr::Attribute(inner) = cur.value.as_ref() else {
            return false;
        };
        if inner.attr.as_str() == "random" && !ALLOWED.contains(&cur.attr.as_str()) {
            return true;
        }
        cur = inner;
    }
    false
}
