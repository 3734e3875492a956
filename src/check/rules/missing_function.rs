//! `SDG201 missing-function`: no top-level `def <function>` as the contract names.
//!
//! Why: the host calls exactly `function(**inputs)`; a generator that defines
//! something else (or defines it inside another block) cannot be called.
//! Reported at 1:1 spanning the first line.
//!
//! ```python
//! def make_data(num_samples, seed): ...   # SDG201 (contract wants generate_data)
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use rustpython_parser::ast::Stmt;
use rustpython_parser::text_size::{TextRange, TextSize};

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let name = cx.policy.function.as_str();
    let found = cx.suite.iter().any(|s| match s {
        Stmt::FunctionDef(f) => f.name.as_str() == name,
        Stmt::AsyncFunctionDef(f) => f.name.as_str() == name,
        _ => false,
    });
    if found {
        return;
    }
    let first_len = cx.source.find(['\n', '\r']).unwrap_or(cx.source.len());
    let end = TextSize::from(u32::try_from(first_len).unwrap_or(0));
    out.push(cx.violation(
        Rule::MissingFunction,
        TextRange::new(TextSize::from(0), end),
        format!("no top-level function `{name}` is defined"),
        &format!(
            "define `def {name}({}):` at module level",
            cx.policy.inputs.join(", ")
        ),
    ));
}
