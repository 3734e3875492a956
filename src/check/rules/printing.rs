//! `SDG302 printing`: writing to stdout/stderr or logging.
//!
//! Why: generator output is the returned data; stray output pollutes the
//! host's channel to the sandbox and leaks data into logs. Covers `print`,
//! `pprint`, `sys.stdout`/`sys.stderr`, `logging.*`, `warnings.warn`,
//! IPython's `display`. Decision: `logging` lives here (not in
//! `ALWAYS_FORBIDDEN`); when `no_printing` is off, `validation-in-generator`
//! reports logging instead.
//!
//! ```python
//! print(x)    # SDG302
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) const QUALS: &[&str] = &[
    "print",
    "numpy.show_config",
    "numpy.show_runtime",
    "numpy.info",
    "pprint",
    "logging",
    "warnings.warn",
    "warnings.showwarning",
    "sys.stdout",
    "sys.stderr",
    "sys.__stdout__",
    "sys.__stderr__",
    "display",
    "IPython.display",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        if let Some(q) = super::ref_under(r, QUALS) {
            out.push(cx.violation(
                Rule::Printing,
                r.range,
                format!("`{q}` prints or logs"),
                "remove it; return the data instead of printing it",
            ));
        }
    }
}
