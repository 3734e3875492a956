//! `SDG101 forbidden-import`: importing a module the sandbox never allows.
//!
//! Why: `os`, `sys`, `subprocess`, `socket`, `ctypes`, `importlib`, `pickle`,
//! `matplotlib`, ... reach the filesystem, the network, the interpreter or
//! native code. The list is [`crate::check::ALWAYS_FORBIDDEN`] plus the
//! contract's `forbidden_imports`, plus dangerous submodules of otherwise
//! allowed packages (`numpy.ctypeslib`, `numpy.f2py`, ...), which are also
//! refused when reached by attribute (`np.ctypeslib.load_library`).
//!
//! ```python
//! import os                 # SDG101 at `os`
//! from numpy import f2py    # SDG101 at `f2py`
//! ```

use super::super::context::Context;
use super::super::names::{first_under, ALWAYS_FORBIDDEN, FORBIDDEN_SUBMODULES};
use super::super::rule::Rule;
use super::super::violation::Violation;

const HINT: &str =
    "remove the import; generators may only use the contract's allowed modules (e.g. numpy)";

/// Forbidden entry that `qual` falls under, if any.
pub(crate) fn forbidden_entry(qual: &str, extra: &[String]) -> Option<String> {
    first_under(qual, ALWAYS_FORBIDDEN)
        .or_else(|| first_under(qual, FORBIDDEN_SUBMODULES))
        .map(str::to_owned)
        .or_else(|| first_under(qual, extra).map(str::to_owned))
}

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let extra = &cx.policy.forbidden_imports;
    for site in &cx.flat.imports {
        if site.level != 0 {
            continue;
        }
        let hit = forbidden_entry(&site.module, extra).or_else(|| match &site.member {
            Some(m) if m != "*" => forbidden_entry(&site.qual(), extra),
            _ => None,
        });
        if let Some(entry) = hit {
            out.push(cx.violation(
                Rule::ForbiddenImport,
                site.range,
                format!("import of forbidden module `{entry}`"),
                HINT,
            ));
        }
    }
    // Forbidden submodules reached by attribute through an allowed import.
    for r in cx.refs.iter().filter(|r| !r.import) {
        let sub: Vec<&str> = FORBIDDEN_SUBMODULES
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str).filter(|e| e.contains('.')))
            .collect();
        if let Some(q) = super::ref_under(r, &sub) {
            out.push(cx.violation(
                Rule::ForbiddenImport,
                r.range,
                format!("use of forbidden module `{q}`"),
                HINT,
            ));
        }
    }
}
