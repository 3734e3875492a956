//! The rules, one per file (ruff's model). Each file's module doc says what it
//! checks, why, and gives an example. `run_all` runs those the policy enables;
//! the 4xx escape-hatch rules and the import/shape rules always run.

use super::context::{Context, Ref};
use super::lines::LineIndex;
use super::names::under;
use super::violation::Violation;
use rustpython_parser::ast::{Expr, Ranged};
use rustpython_parser::text_size::{TextRange, TextSize};

pub mod ambiguous_line_break;
pub mod bidi_control;
pub mod byte_order_mark;
pub mod class_definition;
pub mod coding_cookie;
pub mod control_character;
pub mod dunder_access;
pub mod dynamic_code;
pub mod dynamic_import;
pub mod entropy_source;
pub mod file_io;
pub mod forbidden_attribute;
pub mod forbidden_import;
pub mod global_state;
pub mod huge_constant;
pub mod interactive_builtin;
pub mod introspection_attribute;
pub mod invisible_character;
pub mod legacy_global_rng;
pub mod missing_function;
pub mod network_call;
pub mod non_ascii_identifier;
pub mod plotting;
pub mod printing;
pub mod private_attribute;
pub mod recursion;
pub mod reflection;
pub mod relative_import;
pub mod star_import;
pub mod top_level_statement;
pub mod unlisted_import;
pub mod unseeded_rng;
pub mod validation_in_generator;
pub mod wrong_signature;

/// The raw-text rules (7xx, always on), run before parsing.
pub(crate) fn run_text(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    byte_order_mark::run(source, index, out);
    bidi_control::run(source, index, out);
    invisible_character::run(source, index, out);
    control_character::run(source, index, out);
    ambiguous_line_break::run(source, index, out);
    coding_cookie::run(source, index, out);
}

pub(crate) fn run_all(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let p = cx.policy;
    forbidden_import::run(cx, out);
    unlisted_import::run(cx, out);
    star_import::run(cx, out);
    relative_import::run(cx, out);
    dynamic_import::run(cx, out);
    missing_function::run(cx, out);
    wrong_signature::run(cx, out);
    top_level_statement::run(cx, out);
    class_definition::run(cx, out);
    // `open` is refused whatever the flags; the rest of file-io follows the flag.
    file_io::run(cx, out);
    if p.no_printing {
        printing::run(cx, out);
    }
    if p.no_plotting {
        plotting::run(cx, out);
    }
    if p.no_network_calls {
        network_call::run(cx, out);
    }
    if p.no_global_state {
        global_state::run(cx, out);
    }
    if p.no_recursion {
        recursion::run(cx, out);
    }
    dynamic_code::run(cx, out);
    reflection::run(cx, out);
    dunder_access::run(cx, out);
    interactive_builtin::run(cx, out);
    private_attribute::run(cx, out);
    forbidden_attribute::run(cx, out);
    introspection_attribute::run(cx, out);
    non_ascii_identifier::run(cx, out);
    huge_constant::run(cx, out);
    if p.seeded_rng {
        unseeded_rng::run(cx, out);
        legacy_global_rng::run(cx, out);
        entropy_source::run(cx, out);
    }
    if p.no_validation {
        validation_in_generator::run(cx, out);
    }
}

/// First qualified name of `r` that sits under an entry of `list`.
pub(crate) fn ref_under<'r>(r: &'r Ref<'_>, list: &[&str]) -> Option<&'r str> {
    r.quals
        .iter()
        .map(String::as_str)
        .find(|q| list.iter().any(|e| under(q, e)))
}

/// First qualified name of `r` equal to an entry of `list`.
pub(crate) fn ref_exact<'r>(r: &'r Ref<'_>, list: &[&str]) -> Option<&'r str> {
    r.quals
        .iter()
        .map(String::as_str)
        .find(|q| list.contains(q))
}

/// First attribute name along a reference's chain that is in `names`
/// (`df.plot.scatter` has `scatter` and `plot`; `getattr(df, "to_csv")` has
/// `to_csv`).
pub(crate) fn chain_attr<'a>(r: &Ref<'a>, names: &[&str]) -> Option<&'a str> {
    chain_attr_where(r, |a| names.contains(&a))
}

/// First attribute name along a reference's chain that satisfies `pred`.
pub(crate) fn chain_attr_where<'a>(r: &Ref<'a>, pred: impl Fn(&str) -> bool) -> Option<&'a str> {
    let mut cur = r.expr?;
    for _ in 0..10_000 {
        let (attr, next) = match cur {
            Expr::Attribute(a) => (Some(a.attr.as_str()), &*a.value),
            Expr::Call(c) => match (c.args.first(), c.args.get(1)) {
                (Some(obj), Some(Expr::Constant(k))) => (k.value.as_str().map(String::as_str), obj),
                _ => return None,
            },
            _ => return None,
        };
        if let Some(a) = attr.filter(|a| pred(a)) {
            return Some(a);
        }
        cur = next;
    }
    None
}

/// Range of a function's name in `def name(` (falls back to the statement start).
pub(crate) fn def_name_range(
    cx: &Context<'_>,
    stmt: TextRange,
    decorators: &[Expr],
    name: &str,
) -> TextRange {
    let from = decorators.last().map_or(stmt.start(), |d| d.end());
    let text = cx
        .source
        .get(usize::from(from)..usize::from(stmt.end()))
        .unwrap_or("");
    if let Some(d) = text.find("def") {
        if let Some(n) = text[d..].find(name) {
            let start = usize::from(from) + d + n;
            let end = start + name.len();
            if let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(end)) {
                return TextRange::new(TextSize::from(s), TextSize::from(e));
            }
        }
    }
    TextRange::empty(stmt.start())
}
