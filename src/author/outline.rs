//! A compact outline of a JSON Schema for a prompt: keys, types, enums and nesting in a YAML-like
//! form, without the descriptions, patterns and bounds that make the full schema long. A small
//! model on a CPU pays for every prompt token before it writes a word (the whole spec schema is
//! several thousand tokens); the outline says what keys exist and what goes in them, and the
//! spec validator's diagnostics (fed back in a repair round) say the rest.
//!
//! ```text
//! name?: string
//! code_contract:
//!   language: python
//!   function: Function
//! where
//! Function:
//!   name: string
//! ```
//!
//! Optional keys end in `?`; `A | B` is one of; `[X]` is a list of X; `{<name>: X}` is a map;
//! named types (`$defs`) are written once, after `where`. Never panics; unknown schema
//! constructs read as `any`.

use std::collections::BTreeSet;

use serde_json::Value;

/// Deepest nesting written; deeper parts read as `...`.
const MAX_DEPTH: usize = 12;

/// The outline of `schema`.
pub fn outline(schema: &Value) -> String {
    let mut o = Outliner {
        root: schema,
        queued: Vec::new(),
        seen: BTreeSet::new(),
        out: String::new(),
    };
    o.block(schema, 0, 0);
    let mut i = 0;
    let mut header = false;
    while i < o.queued.len() {
        let name = o.queued[i].clone();
        i += 1;
        let Some(def) = o.def(&name) else { continue };
        if !header {
            o.out.push_str("where\n");
            header = true;
        }
        if is_block(o.deref(def)) {
            o.out.push_str(&format!("{name}:\n"));
            o.block(def, 1, 1);
        } else {
            let inline = o.inline(def, 1);
            o.out.push_str(&format!("{name} = {inline}\n"));
        }
    }
    o.out
}

struct Outliner<'a> {
    root: &'a Value,
    /// Named types to write after `where`, in first-use order.
    queued: Vec<String>,
    seen: BTreeSet<String>,
    out: String,
}

/// Whether a schema is written as an indented block (an object with properties, or a one-of of
/// single-key objects) rather than inline.
fn is_block(s: &Value) -> bool {
    s.get("properties").is_some_and(Value::is_object) || tagged_variants(s).is_some()
}

/// `oneOf`/`anyOf` variants that are each an object with exactly one required property (serde's
/// externally tagged enums): `(key, value schema)` pairs.
fn tagged_variants(s: &Value) -> Option<Vec<(&str, &Value)>> {
    let vs = s
        .get("oneOf")
        .or_else(|| s.get("anyOf"))
        .and_then(Value::as_array)?;
    let mut out = Vec::new();
    for v in vs {
        let props = v.get("properties").and_then(Value::as_object)?;
        if props.len() != 1 {
            return None;
        }
        let (k, inner) = props.iter().next()?;
        out.push((k.as_str(), inner));
    }
    (!out.is_empty()).then_some(out)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s)
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-()".contains(c)) =>
        {
            s.clone()
        }
        other => other.to_string(),
    }
}

impl<'a> Outliner<'a> {
    /// The definition named `name` in `$defs` (or `definitions`).
    fn def(&self, name: &str) -> Option<&'a Value> {
        ["$defs", "definitions"]
            .iter()
            .find_map(|d| self.root.get(*d).and_then(|m| m.get(name)))
    }

    /// Follows a `$ref` (or a one-element `allOf` around one) to its definition.
    fn deref(&self, s: &'a Value) -> &'a Value {
        let mut s = s;
        for _ in 0..8 {
            if let Some(name) = ref_name(s) {
                match self.def(name) {
                    Some(d) => s = d,
                    None => break,
                }
            } else {
                break;
            }
        }
        s
    }

    /// Remember a named type for the `where` part; returns its name.
    fn named(&mut self, name: &str) -> String {
        if self.seen.insert(name.to_string()) {
            self.queued.push(name.to_string());
        }
        name.to_string()
    }

    /// One-line form of a schema.
    fn inline(&mut self, s: &'a Value, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "...".into();
        }
        if let Some(name) = ref_name(s) {
            return if self.def(name).is_some() {
                self.named(name)
            } else {
                "any".into()
            };
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            let v: Vec<String> = values.iter().map(scalar).collect();
            return v.join(" | ");
        }
        if let Some(c) = s.get("const") {
            return scalar(c);
        }
        if let Some(vs) = s
            .get("oneOf")
            .or_else(|| s.get("anyOf"))
            .and_then(Value::as_array)
        {
            let parts: Vec<String> = vs
                .iter()
                .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
                .map(|v| self.inline(v, depth + 1))
                .collect();
            return if parts.is_empty() {
                "null".into()
            } else {
                parts.join(" | ")
            };
        }
        if is_block(s) {
            // An object inline: `{a: X, b?: Y}`.
            let props = s.get("properties").and_then(Value::as_object);
            let required = required(s);
            let fields: Vec<String> = props
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    let q = if required.contains(k.as_str()) {
                        ""
                    } else {
                        "?"
                    };
                    format!("{k}{q}: {}", self.inline(v, depth + 1))
                })
                .collect();
            return format!("{{{}}}", fields.join(", "));
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
            _ => Vec::new(),
        };
        match types.as_slice() {
            ["array"] => match s.get("items") {
                Some(items) => format!("[{}]", self.inline(items, depth + 1)),
                None => "[any]".into(),
            },
            ["object"] => match s.get("additionalProperties") {
                Some(v) if v.is_object() => {
                    format!("{{<name>: {}}}", self.inline(v, depth + 1))
                }
                _ => "{}".into(),
            },
            [] => "any".into(),
            ts => ts.join(" | "),
        }
    }

    /// Indented block form: one line per property (or per tagged variant).
    fn block(&mut self, s: &'a Value, indent: usize, depth: usize) {
        let s = self.deref(s);
        let pad = "  ".repeat(indent);
        if depth > MAX_DEPTH {
            self.out.push_str(&format!("{pad}...\n"));
            return;
        }
        if let Some(variants) = tagged_variants(s) {
            self.out.push_str(&format!("{pad}one of:\n"));
            for (k, v) in variants {
                let line = self.inline(v, depth + 1);
                self.out.push_str(&format!("{pad}- {k}: {line}\n"));
            }
            return;
        }
        let Some(props) = s.get("properties").and_then(Value::as_object) else {
            let line = self.inline(s, depth + 1);
            self.out.push_str(&format!("{pad}{line}\n"));
            return;
        };
        let required = required(s);
        for (k, v) in props {
            let q = if required.contains(k.as_str()) {
                ""
            } else {
                "?"
            };
            let target = self.deref(v);
            if ref_name(v).is_none() && target.get("properties").is_some_and(Value::is_object) {
                self.out.push_str(&format!("{pad}{k}{q}:\n"));
                self.block(v, indent + 1, depth + 1);
            } else {
                let line = self.inline(v, depth + 1);
                self.out.push_str(&format!("{pad}{k}{q}: {line}\n"));
            }
        }
    }
}

fn required(s: &Value) -> BTreeSet<&str> {
    s.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `X` of `{"$ref": "#/$defs/X"}` (or of an `allOf` holding only such a reference).
fn ref_name(s: &Value) -> Option<&str> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r
            .strip_prefix("#/$defs/")
            .or_else(|| r.strip_prefix("#/definitions/"));
    }
    match s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        Some([one]) => ref_name(one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outlines_keys_types_enums_refs_and_variants() {
        let schema = json!({
            "type": "object",
            "required": ["contract"],
            "properties": {
                "name": {"type": ["string", "null"], "description": "long words"},
                "contract": {"type": "object", "required": ["outputs"], "properties": {
                    "language": {"enum": ["python"]},
                    "outputs": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Output"}}
                }},
                "checks": {"type": "array", "items": {"$ref": "#/$defs/Check"}}
            },
            "$defs": {
                "Output": {"type": "object", "required": ["dtype"], "properties": {
                    "dtype": {"$ref": "#/$defs/Dtype"}}},
                "Dtype": {"type": "string", "enum": ["float64", "int64"]},
                "Check": {"oneOf": [
                    {"type": "object", "required": ["range"], "properties": {
                        "range": {"type": "object", "required": ["min"],
                                  "properties": {"min": {"type": "number"}}}}},
                    {"type": "object", "required": ["moments"], "properties": {
                        "moments": {"$ref": "#/$defs/Output"}}}
                ]}
            }
        });
        assert_eq!(
            outline(&schema),
            "name?: string\ncontract:\n  language?: python\n  outputs: {<name>: Output}\n\
             checks?: [Check]\nwhere\nOutput:\n  dtype: Dtype\nCheck:\n  one of:\n  \
             - range: {min: number}\n  - moments: Output\nDtype = float64 | int64\n"
        );
    }

    #[test]
    fn odd_schemas_never_panic_and_self_references_end() {
        for s in [
            json!(null),
            json!(7),
            json!({"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/A"}}}),
            json!({"properties": {"a": {"$ref": "#/$defs/B"}}, "$defs": {"B": {"type": "object",
                   "properties": {"b": {"$ref": "#/$defs/B"}}}}}),
            json!({"properties": {"x": {"allOf": [{"$ref": "#/nowhere"}]}}}),
            json!({"type": "object", "properties": 3}),
        ] {
            let _ = outline(&s);
        }
    }
}
