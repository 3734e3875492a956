//! The spec language's two shapes, one meaning: **keyed** (sdg's own, `- distribution_test:
//! {column: x, ...}`) and **document** (the design document's, `- check: distribution_test` with
//! the fields beside it, `constraints: {min, max}`, `dtype: float`, `rng_library:
//! numpy.random`). Both parse to the same [`RawSpec`]; this module
//!
//! - adds the document shape's requirement branches to the published JSON Schema
//!   ([`with_document_requirements`]), or keeps only one shape's branches ([`only`]) for an LLM
//!   that should write one;
//! - writes a spec in either shape ([`to_json`]), canonical spelling for that shape, the same
//!   meaning ([`same_meaning`] is what the round-trip tests compare).
//!
//! | keyed (canonical)                 | document (canonical)                          |
//! |-----------------------------------|-----------------------------------------------|
//! | `- KIND: {fields}`                | `- check: KIND` + fields (`type: linear_regression` for a relationship_check) |
//! | `num_samples: {min, max}`         | `num_samples: {required: true, constraints: {min, max}}` |
//! | `seed: {type: int}`               | `seed: {type: int, required: true}`           |
//! | `dtype: float64 / int64 / string` | `dtype: float / int / str`                    |
//! | `rng_library: numpy`              | `rng_library: numpy.random`                   |
//!
//! Everything else (`language`, `behavioral_rules` as sentences or flags, `schema_check`'s
//! `types`, descriptions) is one language in both shapes and is written as it was given.

use serde_json::{Map, Value};

use super::raw::{Dtype, RawBounds, RawSpec, RngLibrary};

/// Which shape to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// sdg's keyed shape.
    Keyed,
    /// The design document's shape.
    Document,
}

impl Form {
    /// `keyed` / `document`.
    pub fn name(self) -> &'static str {
        match self {
            Form::Keyed => "keyed",
            Form::Document => "document",
        }
    }
}

/// Adds a document-shape branch (`check: KIND` + the fields) beside every keyed branch of the
/// schema's `Requirement` definition.
pub fn with_document_requirements(mut schema: Value) -> Value {
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let Some(branches) = schema
        .pointer_mut("/$defs/Requirement/oneOf")
        .and_then(Value::as_array_mut)
    else {
        return schema;
    };
    let document: Vec<Value> = branches
        .iter()
        .filter_map(|b| document_branch(b, &defs))
        .collect();
    branches.extend(document);
    schema
}

/// The document branch of one keyed branch `{properties: {KIND: {$ref}}, required: [KIND]}`.
fn document_branch(keyed: &Value, defs: &Value) -> Option<Value> {
    let props = keyed.get("properties")?.as_object()?;
    let (kind, inner) = props.iter().next()?;
    let name = inner.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
    let def = defs.get(name)?;
    let mut properties = Map::new();
    properties.insert(
        "check".into(),
        serde_json::json!({"const": kind, "description": "The kind of check."}),
    );
    for (k, v) in def.get("properties")?.as_object()? {
        properties.insert(k.clone(), v.clone());
    }
    let mut required = vec![Value::from("check")];
    if let Some(r) = def.get("required").and_then(Value::as_array) {
        required.extend(r.iter().cloned());
    }
    let mut b = Map::new();
    if let Some(d) = keyed.get("description") {
        b.insert("description".into(), d.clone());
    }
    b.insert("type".into(), "object".into());
    b.insert("properties".into(), Value::Object(properties));
    b.insert("additionalProperties".into(), false.into());
    b.insert("required".into(), Value::Array(required));
    Some(Value::Object(b))
}

/// The schema with only `form`'s spellings (for an LLM asked to write that shape, so it sees one
/// way to write each thing): its requirement branches, its row bounds (`min`/`max` or
/// `constraints`), its dtype names and its `rng_library`.
pub fn only(mut schema: Value, form: Form) -> Value {
    if let Some(branches) = schema
        .pointer_mut("/$defs/Requirement/oneOf")
        .and_then(Value::as_array_mut)
    {
        let is_document = |b: &Value| b.pointer("/properties/check/const").is_some();
        branches.retain(|b| is_document(b) == (form == Form::Document));
    }
    let (drop_keys, drop_dtypes, drop_rng): (&[&str], &[&str], &str) = match form {
        Form::Keyed => (
            &["constraints", "required"],
            &["float", "int", "str"],
            "numpy.random",
        ),
        Form::Document => (&["min", "max"], &["float64", "int64", "string"], "numpy"),
    };
    if let Some(props) = schema
        .pointer_mut("/$defs/RawRows/properties")
        .and_then(Value::as_object_mut)
    {
        props.retain(|k, _| !drop_keys.contains(&k.as_str()));
    }
    if form == Form::Keyed {
        if let Some(props) = schema
            .pointer_mut("/$defs/RawSeed/properties")
            .and_then(Value::as_object_mut)
        {
            props.remove("required");
        }
    }
    for (def, drop) in [("Dtype", drop_dtypes), ("RngLibrary", &[drop_rng][..])] {
        if let Some(values) = schema
            .pointer_mut(&format!("/$defs/{def}/enum"))
            .and_then(Value::as_array_mut)
        {
            values.retain(|v| v.as_str().is_none_or(|v| !drop.contains(&v)));
        }
    }
    schema
}

/// The spec in `form`'s canonical spelling, as JSON (key order as the schema's).
pub fn to_json(raw: &RawSpec, form: Form) -> Value {
    let spec = spelled(raw, form);
    let mut v = serde_json::to_value(&spec).unwrap_or(Value::Null);
    prune_nulls(&mut v);
    if let Some(reqs) = v
        .get_mut("validation_requirements")
        .and_then(Value::as_array_mut)
    {
        *reqs = spec
            .validation_requirements
            .iter()
            .map(|r| match form {
                Form::Keyed => r.to_keyed(),
                Form::Document => r.to_document(),
            })
            .collect();
    }
    v
}

/// `raw` with the aliases spelled as `form` spells them.
fn spelled(raw: &RawSpec, form: Form) -> RawSpec {
    let mut s = raw.clone();
    let cc = &mut s.code_contract;
    let rows = &mut cc.function.inputs.num_samples;
    let (min, max) = (rows.min, rows.max);
    let from_constraints = rows.constraints.take().unwrap_or_default();
    let (min, max) = (min.or(from_constraints.min), max.or(from_constraints.max));
    match form {
        Form::Keyed => {
            rows.min = min;
            rows.max = max;
        }
        Form::Document => {
            rows.min = None;
            rows.max = None;
            if min.is_some() || max.is_some() {
                rows.constraints = Some(RawBounds { min, max });
            }
            rows.required.get_or_insert(true);
            cc.function.inputs.seed.required.get_or_insert(true);
        }
    }
    for o in cc.function.outputs.values_mut() {
        o.dtype = dtype(o.dtype, form);
    }
    if let Some(r) = cc.randomness.as_mut() {
        r.rng_library = r.rng_library.map(|_| match form {
            Form::Keyed => RngLibrary::Numpy,
            Form::Document => RngLibrary::NumpyRandom,
        });
    }
    for req in &mut s.validation_requirements {
        if let crate::validate::checks::Requirement::SchemaCheck(c) = req {
            for t in c.types.values_mut() {
                *t = dtype(*t, form);
            }
        }
    }
    s
}

fn dtype(d: Dtype, form: Form) -> Dtype {
    match form {
        Form::Keyed => d.canonical(),
        Form::Document => d.short(),
    }
}

fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(prune_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

/// Whether two specs mean the same: equal once both are spelled canonically (keyed), with the
/// document shape's `required: true` (sdg always passes both inputs) read as absent.
pub fn same_meaning(a: &RawSpec, b: &RawSpec) -> bool {
    canonical(a) == canonical(b)
}

/// The spec spelled in the keyed shape's canonical words, with spellings that mean nothing
/// (`required: true`, `type: linear_regression`) left out: what two specs that mean the same
/// have equal.
pub fn canonical(raw: &RawSpec) -> RawSpec {
    let mut s = spelled(raw, Form::Keyed);
    let inputs = &mut s.code_contract.function.inputs;
    for required in [&mut inputs.num_samples.required, &mut inputs.seed.required] {
        if *required == Some(true) {
            *required = None;
        }
    }
    for req in &mut s.validation_requirements {
        if let crate::validate::checks::Requirement::RelationshipCheck(r) = req {
            r.model = None;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_llm_schema_offers_one_spelling_per_thing() {
        let doc = only(crate::spec::schema(), Form::Document);
        let enums = |def: &str| doc.pointer(&format!("/$defs/{def}/enum")).cloned();
        let dtypes: Vec<&str> = doc["$defs"]["Dtype"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            dtypes.contains(&"float") && !dtypes.contains(&"float64"),
            "{dtypes:?}"
        );
        assert_eq!(
            enums("RngLibrary"),
            Some(serde_json::json!(["numpy.random"]))
        );
        let rows = doc["$defs"]["RawRows"]["properties"].as_object().unwrap();
        assert!(rows.contains_key("constraints") && !rows.contains_key("min"));
        let branches = doc["$defs"]["Requirement"]["oneOf"].as_array().unwrap();
        assert_eq!(
            branches.len(),
            crate::validate::checks::REQUIREMENT_KINDS.len()
        );
        assert!(branches
            .iter()
            .all(|b| b.pointer("/properties/check/const").is_some()));
        let keyed = only(crate::spec::schema(), Form::Keyed);
        let rows = keyed["$defs"]["RawRows"]["properties"].as_object().unwrap();
        assert!(rows.contains_key("min") && !rows.contains_key("constraints"));
        assert_eq!(
            keyed["$defs"]["RngLibrary"]["enum"],
            serde_json::json!(["numpy"])
        );
    }
}
