//! UNTRUSTED: the YAML spec as written by an LLM or a person, read within budgets into typed,
//! positioned data — never trusted until `contract::validate` turns it into a `Contract`.
//!
//! ```text
//! text ──yaml::parse──▶ Node tree (positions) ──shape::check vs schema()──▶ RawSpec (serde)
//!        (bounded: no aliases, tags,          (every unknown key, wrong type,
//!         multi-docs, duplicate keys)          enum, bound, at once)
//! ```
//!
//! [`schema`] is the JSON Schema generated from [`raw::RawSpec`] by schemars (`sdg spec schema`);
//! the shape check walks that same schema, so what the schema accepts is what the validator
//! accepts. Problems come back as [`Diagnostic`]s with YAML path, line:column, expectation and
//! hint; [`render`] prints them like a compiler.
//!
//! One language, two shapes ([`forms`]): sdg's keyed shape and the design document's shape
//! parse to the same [`RawSpec`]. A spec is YAML or JSON ([`Syntax`]): JSON is read by the same
//! positioned reader (JSON is YAML 1.2's flow style) after a strict JSON check, so diagnostics
//! keep line:column in both.

pub mod diag;
pub mod forms;
pub mod raw;
mod shape;
pub mod yaml;

pub use diag::{locate, node_at, render, render_notes, Diagnostic};
pub use forms::Form;
pub use raw::RawSpec;
pub use yaml::{Node, Pos};

/// The requirement language (`validation_requirements`, `validation_settings`, their semantic
/// rules): the check language of `validate::checks`, one file per kind, which sits upstream of
/// `spec` in the layer table (a spec is written in it).
pub use crate::validate::checks::{
    problems, ColumnKind, ExpectedColumn, Problem, Requirement, ValidationSettings,
};

/// How a spec file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// YAML 1.2 (the default; JSON text is valid YAML too).
    Yaml,
    /// Strict JSON (a `.json` file): YAML-only syntax is refused.
    Json,
}

impl Syntax {
    /// `.json` files are JSON; everything else is YAML.
    pub fn of(path: &std::path::Path) -> Syntax {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Syntax::Json,
            _ => Syntax::Yaml,
        }
    }
}

/// Largest spec file accepted (bytes); larger files are refused before parsing.
pub const MAX_SPEC_BYTES: u64 = 1 << 20;

/// The spec's JSON Schema (draft 2020-12), strict: `additionalProperties: false`, enums, bounds.
/// Validation requirements are described in both shapes (see [`forms`]).
pub fn schema() -> serde_json::Value {
    forms::with_document_requirements(schemars::schema_for!(RawSpec).to_value())
}

/// A spec that has the right shape: its typed form and its positioned tree (for later
/// diagnostics).
#[derive(Debug, Clone)]
pub struct Parsed {
    pub raw: RawSpec,
    pub tree: Node,
}

/// Parses YAML spec text: bounded YAML, then the shape check against [`schema`], then serde.
/// All shape problems are returned together.
pub fn parse(text: &str) -> Result<Parsed, Vec<Diagnostic>> {
    parse_as(text, Syntax::Yaml)
}

/// Parses spec text written in `syntax` (see [`parse`]).
pub fn parse_as(text: &str, syntax: Syntax) -> Result<Parsed, Vec<Diagnostic>> {
    // JSON text is read as JSON whatever the file is called (a record keeps a JSON spec as
    // `spec.yaml`): the same tree, and JSON's tabs are no YAML indentation problem.
    let json =
        syntax == Syntax::Json || serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    let tree = match json {
        false => yaml::parse(text),
        true => json_tree(text).map_err(|d| vec![*d])?,
    }
    .map_err(|e| vec![Diagnostic::new("yaml", "", e.pos, e.message).hint_opt(e.hint)])?;
    let schema = schema();
    let diags = shape::check(&tree, &schema);
    if !diags.is_empty() {
        return Err(diags);
    }
    let json = tree_to_json(&tree).map_err(|d| vec![*d])?;
    let raw: RawSpec = serde_json::from_value(json).map_err(|e| {
        // The shape check and serde read the same types; reaching this is a bug, still reported.
        vec![Diagnostic::new("shape", "", tree.pos, e.to_string())]
    })?;
    Ok(Parsed { raw, tree })
}

/// A JSON spec's positioned tree: strict JSON first (its syntax errors at their line:column),
/// then the positioned reader. Outside strings JSON allows tabs where YAML does not; a tab is
/// one character, so it is read as a space without moving any position (inside strings, JSON
/// requires `\t`, so no literal tab is there to change).
fn json_tree(text: &str) -> Result<Result<Node, yaml::YamlError>, Box<Diagnostic>> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let pos = Pos {
            line: e.line().max(1),
            column: e.column().max(1),
        };
        return Err(Box::new(
            Diagnostic::new("json", "", pos, format!("JSON syntax: {message}"))
                .hint("a `.json` spec is strict JSON; name the file `.yaml` to write YAML"),
        ));
    }
    Ok(yaml::parse(&text.replace('\t', " ")))
}

/// The JSON value of a parsed YAML tree (integers beyond 64 bits and non-finite floats are
/// refused with their position).
pub fn tree_to_json(node: &Node) -> Result<serde_json::Value, Box<Diagnostic>> {
    use serde_json::Value as J;
    use yaml::Value as V;
    Ok(match &node.value {
        V::Null => J::Null,
        V::Bool(b) => J::Bool(*b),
        V::Int(i) => match (u64::try_from(*i), i64::try_from(*i)) {
            (Ok(u), _) => J::from(u),
            (_, Ok(s)) => J::from(s),
            _ => {
                return Err(Box::new(Diagnostic::new(
                    "range",
                    "",
                    node.pos,
                    "integer too large",
                )))
            }
        },
        V::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .ok_or_else(|| {
                Box::new(Diagnostic::new("type", "", node.pos, "not a finite number"))
            })?,
        V::Str(s) => J::String(s.clone()),
        V::Seq(items) => J::Array(items.iter().map(tree_to_json).collect::<Result<_, _>>()?),
        V::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| Ok((k.text.clone(), tree_to_json(v)?)))
                .collect::<Result<_, Box<Diagnostic>>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../specs/seed_linear.yaml");

    #[test]
    fn the_seed_parses_and_keeps_output_order() {
        let p = parse(SEED).unwrap();
        let names: Vec<_> = p.raw.code_contract.function.outputs.keys().collect();
        assert_eq!(names, ["x", "y"]);
    }

    #[test]
    fn every_shape_problem_is_reported_at_once() {
        let bad = SEED
            .replace("  language: python", "  language: pyhton\n  langauge: x")
            .replace(
                "      type: int\n        min: 1",
                "      type: int\n        min: -1",
            );
        let diags = parse(&bad).unwrap_err();
        let codes: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.path.as_str(), d.line))
            .collect();
        assert!(
            codes.contains(&("pattern", "code_contract.language", 7)),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("unknown-key", "code_contract.langauge", 8)),
            "{codes:?}"
        );
        let unknown = diags.iter().find(|d| d.code == "unknown-key").unwrap();
        assert_eq!(unknown.hint.as_deref(), Some("did you mean `language`?"));
    }

    #[test]
    fn the_schema_is_strict() {
        let s = schema();
        assert_eq!(s["additionalProperties"], serde_json::json!(false));
        assert_eq!(s["required"], serde_json::json!(["code_contract"]));
    }
}
