//! `SDG103 star-import`: `from m import *`, refused always.
//!
//! Why: a star import binds names the checker cannot see, so alias
//! resolution (and therefore every other rule) would be blind to them.
//!
//! ```python
//! from numpy import *       # SDG103
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for site in &cx.flat.imports {
        if site.member.as_deref() == Some("*") {
            out.push(cx.violation(
                Rule::StarImport,
                site.range,
                format!(
                    "star import from `{}` hides which names are used",
                    site.module
                ),
                "import the module instead, e.g. `import numpy as np`",
            ));
        }
    }
}
