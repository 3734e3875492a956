//! `SDG406 forbidden-attribute`: an attribute named after a forbidden module
//! or a dangerous builtin, on *any* object, including `getattr` with a
//! literal name, class patterns and import paths.
//!
//! Why: allowed packages carry forbidden capabilities as attributes
//! (`np.lib.npyio.os`, `np.testing.sys`, `np.ma.core.pickle`, a builtins
//! module or dict handed back by a helper: `b.exec`, `b.eval`, `b.open`), and
//! the receiver is often something the resolver cannot follow (a parameter,
//! a return value, a subscript). Judging the *name* holds for all of them:
//! refused are [`ALWAYS_FORBIDDEN`] and the contract's forbidden modules
//! (undotted entries), [`FORBIDDEN_BUILTINS`] (`exec`, `eval`, `compile`,
//! `open`, `print`, `input`, `breakpoint`, `globals`, `getattr`, ...),
//! [`REFLECTIVE_ATTRS`] (`attrgetter`, `methodcaller`, `CodeType`,
//! `FunctionType`, `runctx`, ...: `operator` and `types` hang off numpy too),
//! [`PICKLE_ATTRS`] (`loads`, `dumps`, ...; so `np.ma.loads` too) and the
//! forbidden numpy/scipy submodules ([`FORBIDDEN_SUBMODULE_ATTRS`]:
//! `testing`, `ctypeslib`, `f2py`, `npyio`, `datasets`, ...). pandas'
//! `DataFrame.eval` is refused by the same name (it evaluates a string).
//!
//! Exceptions: public API whose name collides, when it resolves to exactly
//! that ([`PUBLIC_API_EXCEPTIONS`]: `np.select`, `scipy.signal`). Names that
//! resolve under a forbidden submodule are left to `SDG101`.
//!
//! ```python
//! np.lib.npyio.os.system("id")   # SDG101 (`numpy.lib.npyio`)
//! def g(m): return m.os          # SDG406 at `os`
//! helper().exec("...")           # SDG406 at `exec`
//! ```

use super::super::context::Context;
use super::super::names::{
    first_under, is_dunder, is_private, ALWAYS_FORBIDDEN, FORBIDDEN_BUILTINS, FORBIDDEN_SUBMODULES,
    FORBIDDEN_SUBMODULE_ATTRS, PICKLE_ATTRS, PUBLIC_API_EXCEPTIONS, REFLECTIVE_ATTRS,
};
use super::super::rule::Rule;
use super::super::violation::Violation;

/// What kind of forbidden thing `name` names, if any.
pub(crate) fn forbidden_kind(name: &str, extra: &[String]) -> Option<&'static str> {
    if is_private(name) || is_dunder(name) {
        return None; // SDG405 / SDG403
    }
    if ALWAYS_FORBIDDEN.contains(&name) || extra.iter().any(|e| e == name) {
        Some("a forbidden module")
    } else if FORBIDDEN_BUILTINS.contains(&name) {
        Some("a builtin that runs code, does I/O or reflects")
    } else if REFLECTIVE_ATTRS.contains(&name) {
        Some("a reflective accessor or code constructor")
    } else if PICKLE_ATTRS.contains(&name) {
        Some("a pickle/serialisation entry point")
    } else if FORBIDDEN_SUBMODULE_ATTRS.contains(&name) {
        Some("a forbidden submodule")
    } else {
        None
    }
}

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let extra = &cx.policy.forbidden_imports;
    for a in &cx.attrs {
        let Some(kind) = forbidden_kind(&a.name, extra) else {
            continue;
        };
        let exempt = !a.quals.is_empty()
            && a.quals
                .iter()
                .all(|q| PUBLIC_API_EXCEPTIONS.contains(&q.as_str()));
        let sdg101 = a
            .quals
            .iter()
            .any(|q| first_under(q, FORBIDDEN_SUBMODULES).is_some());
        if exempt || sdg101 {
            continue;
        }
        out.push(cx.violation(
            Rule::ForbiddenAttribute,
            a.range,
            format!("attribute `{}` names {kind}; it is refused on any object", a.name),
            "use the public numerical API only; nothing reached through another module's attributes",
        ));
    }
}
