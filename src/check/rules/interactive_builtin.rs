//! `SDG404 interactive-builtin`: `breakpoint`, `input`, `help`, `exit`,
//! `quit`, `copyright`, `credits`, `license`.
//!
//! Why: they block on a terminal, start a debugger or end the interpreter.
//! Refused whatever the flags, also when only referenced.
//!
//! ```python
//! breakpoint()    # SDG404
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

const NAMES: &[&str] = &[
    "breakpoint",
    "input",
    "help",
    "exit",
    "quit",
    "copyright",
    "credits",
    "license",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        if let Some(q) = super::ref_exact(r, NAMES) {
            out.push(cx.violation(
                Rule::InteractiveBuiltin,
                r.range,
                format!("`{q}` is interactive or stops the interpreter"),
                "remove it; the generator runs unattended",
            ));
        }
    }
}
