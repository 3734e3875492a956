//! `SDG102 unlisted-import`: importing a module the contract does not list.
//!
//! Why: the sandbox only ships the contract's packages; anything else is at
//! best an ImportError at run time and at worst an unreviewed capability.
//! Submodules of an allowed module are allowed (`numpy` allows
//! `numpy.random`). Modules already refused by `SDG101` are not reported again.
//! `from __future__ import ...` is always allowed (compiler directive).
//!
//! ```python
//! import random             # SDG102 (with allowed_imports = ["numpy"])
//! ```

use super::super::context::Context;
use super::super::names::first_under;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::forbidden_import::forbidden_entry;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let p = cx.policy;
    for site in &cx.flat.imports {
        // `from __future__ import annotations` is a compiler directive, not a capability.
        if site.level != 0 || site.module.is_empty() || site.module == "__future__" {
            continue;
        }
        if forbidden_entry(&site.module, &p.forbidden_imports).is_some() {
            continue;
        }
        if first_under(&site.module, &p.allowed_imports).is_none() {
            let allowed = p.allowed_imports.join(", ");
            out.push(cx.violation(
                Rule::UnlistedImport,
                site.range,
                format!(
                    "module `{}` is not in the contract's allowed imports ({allowed})",
                    site.module
                ),
                "use only the allowed modules; numpy's Generator covers random sampling",
            ));
        }
    }
}
