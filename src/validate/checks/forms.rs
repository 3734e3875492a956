//! A [`Requirement`] in the spec's two shapes: read from either (`Deserialize`,
//! [`Requirement::from_json`]), written in either ([`Requirement::to_keyed`],
//! [`Requirement::to_document`]).

use super::{Requirement, REQUIREMENT_KINDS};
use serde_json::Value;

mod de {
    //! `Deserialize` for [`Requirement`]: either shape, through [`Requirement::from_json`].
    use super::{Requirement, Value};
    use serde::{de, Deserialize};

    impl<'de> Deserialize<'de> for Requirement {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let v = Value::deserialize(d)?;
            Requirement::from_json(v).map_err(de::Error::custom)
        }
    }
}

impl Requirement {
    /// A requirement from its JSON value, in either shape (see [`Requirement`]).
    pub fn from_json(v: Value) -> Result<Requirement, String> {
        let Value::Object(mut m) = v else {
            return Err(
                "expected a mapping: `- check: KIND` with the check's fields, or \
                        `- KIND: {fields}`"
                    .into(),
            );
        };
        let (kind, fields) = match m.remove("check") {
            Some(Value::String(kind)) => (kind, Value::Object(m)),
            Some(_) => return Err("`check` must name the check, e.g. `schema_check`".into()),
            None if m.len() == 1 => m.into_iter().next().expect("one entry"),
            None => {
                return Err(format!(
                    "found {} keys and no `check`: write `- check: KIND` with the check's \
                     fields beside it, or `- KIND: {{fields}}`",
                    m.len()
                ))
            }
        };
        Requirement::read(&kind, body_of(fields)).unwrap_or_else(|| {
            Err(format!(
                "unknown check `{kind}`, expected one of {}",
                REQUIREMENT_KINDS.join(", ")
            ))
        })
    }

    /// The keyed shape's JSON (`{KIND: {fields}}`), canonical spelling: `type` of a
    /// relationship_check (always `linear_regression`) left out.
    pub fn to_keyed(&self) -> Value {
        let mut fields = self.fields();
        fields.shift_remove("type");
        let mut m = serde_json::Map::new();
        m.insert(self.kind().into(), Value::Object(fields));
        Value::Object(m)
    }

    /// The document shape's JSON (`{check: KIND, fields...}`), as the design document writes
    /// it: a relationship_check says `type: linear_regression`.
    pub fn to_document(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("check".into(), self.kind().into());
        let mut fields = self.fields();
        if let Requirement::RelationshipCheck(_) = self {
            let t = fields
                .shift_remove("type")
                .unwrap_or_else(|| "linear_regression".into());
            m.insert("type".into(), t);
        }
        m.extend(fields);
        Value::Object(m)
    }

    /// The check's own fields, as serialised (absent options left out).
    fn fields(&self) -> serde_json::Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(outer)) => match outer.into_iter().next() {
                Some((_, Value::Object(mut inner))) => {
                    inner.retain(|_, v| !v.is_null());
                    inner
                }
                _ => serde_json::Map::new(),
            },
            _ => serde_json::Map::new(),
        }
    }
}

/// A keyed body written as `null` (`- schema_check:` with nothing after) reads as `{}`, so
/// the missing fields are named.
fn body_of(v: Value) -> Value {
    match v {
        Value::Null => Value::Object(Default::default()),
        v => v,
    }
}
