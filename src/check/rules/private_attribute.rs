//! `SDG405 private-attribute`: an attribute whose name starts with `_` (and
//! is not a dunder, which is `SDG403`) on any object, including `getattr`
//! with a literal name, class patterns and import paths.
//!
//! Why: only the public API of numpy/pandas/scipy is reviewed and stable;
//! their private modules re-export what the checker forbids by name
//! (`np.random._pickle`, `np._core`, `np.lib._datasource`, `sys._getframe`).
//! Refusing the whole `_x` namespace holds for every such path, known or not.
//!
//! ```python
//! np.random._pickle.pickle.loads(b)   # SDG405 at `_pickle` (and SDG406 `pickle`, `loads`)
//! from numpy import _core             # SDG405
//! ```

use super::super::context::Context;
use super::super::names::is_private;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for a in cx.attrs.iter().filter(|a| is_private(&a.name)) {
        let what = if a.import { "import of" } else { "attribute" };
        out.push(cx.violation(
            Rule::PrivateAttribute,
            a.range,
            format!("{what} private name `{}`", a.name),
            "use only the public API (names without a leading underscore)",
        ));
    }
}
