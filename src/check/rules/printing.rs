//! `SDG302 printing`: writing to stdout/stderr or logging.
//!
//! Why: generator output is the returned data; stray output pollutes the
//! host's channel to the sandbox and leaks data into logs. Covers `print`,
//! `pprint`, `sys.stdout`/`sys.stderr`, `logging.*`, `warnings.warn`,
//! IPython's `display`, and printing methods on any receiver (`df.info()`,
//! `.show_config()`, `.show_versions()`, `.describe_option()`, ...). Decision: `logging` lives here (not in
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

/// Methods and modules that print, as attributes of any receiver (`df.info()` prints a summary,
/// `np.show_config()`, `pd.show_versions()`, `pd.describe_option()`).
const METHODS: &[&str] = &[
    "info",
    "show_config",
    "show_runtime",
    "show_versions",
    "describe_option",
    "lookfor",
    "disp",
    "pprint",
    "display",
    "stdout",
    "stderr",
    "logging",
    "warnings",
    "traceback",
    "warn",
    "showwarning",
    "print_exc",
    "print_exception",
    "print_stack",
    "print_tb",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        let msg = if let Some(q) = super::ref_under(r, QUALS) {
            format!("`{q}` prints or logs")
        } else if let Some(a) = super::chain_attr(r, METHODS) {
            format!("`.{a}(...)` prints")
        } else {
            continue;
        };
        out.push(cx.violation(
            Rule::Printing,
            r.range,
            msg,
            "remove it; return the data instead of printing it",
        ));
    }
}
