//! `schema_check`: the listed columns exist (other columns are allowed), and each typed one has
//! its type.
//!
//! Computes: the names missing from the dataset, then the columns whose Arrow type is not the
//! stated one. No scipy equivalent (pandas: `set(cols) <= set(df.columns)` and `df.dtypes`).
//!
//! ```yaml
//! - check: schema_check
//!   columns: [x, y]
//!   types: {x: float, y: float}
//! ```

use super::columns::ColumnKind;
use super::data::has_kind;
use super::eval::{base, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::dtype::Dtype;
use crate::validate::result::CheckResult;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The listed columns must exist (other columns are allowed), each typed key with that type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemaCheck {
    /// Required columns.
    pub columns: Vec<String>,
    /// Required column types, e.g. `{x: float, y: float}` (`float`/`int`/`str` are aliases of
    /// `float64`/`int64`/`string`). Each must match the output's declared `dtype`, and the
    /// generated column must have that type.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(extend("maxProperties" = 256))]
    pub types: IndexMap<String, Dtype>,
}

/// The schema of the first block (every block has the same).
#[derive(Debug, Clone, PartialEq)]
pub struct Schema(SchemaRef);

impl Merge for Schema {
    fn merge(&mut self, _next: Self) {}
}

impl SchemaCheck {
    /// Every column named, the listed ones first, then the typed ones not listed.
    fn names(&self) -> Vec<&str> {
        let mut cols: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        for name in self.types.keys() {
            if !cols.contains(&name.as_str()) {
                cols.push(name);
            }
        }
        cols
    }
}

impl Kind for SchemaCheck {
    const NAME: &'static str = "schema_check";
    type Summary = Schema;

    fn rules(&self, c: &mut Rules) {
        for (i, name) in self.columns.iter().enumerate() {
            c.col(&format!("columns[{i}]"), name, false);
        }
        for (name, dtype) in &self.types {
            let path = format!("types.{name}");
            c.col(&path, name, false);
            let Some(col) = c.column(name) else {
                continue;
            };
            let want = ColumnKind::of(*dtype);
            if col.kind != want {
                c.push(
                    &path,
                    format!(
                        "schema_check says `{name}` is {}, but the output is declared as {}",
                        dtype.name(),
                        col.kind.dtype()
                    ),
                    &format!(
                        "make the two agree: `{}` in `types`, or change the output's dtype",
                        col.kind.dtype()
                    ),
                );
            }
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &self.names())
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Schema, String> {
        Ok(Schema(block.schema()))
    }

    fn evaluate(&self, schema: Schema, _ev: &mut Eval) -> Outcome {
        let schema = schema.0;
        let field = |name: &str| schema.field_with_name(name).ok();
        let missing: Vec<&str> = self
            .names()
            .into_iter()
            .filter(|c| field(c).is_none())
            .collect();
        let mistyped: Vec<String> = self
            .types
            .iter()
            .filter_map(|(name, dtype)| {
                let found = field(name)?.data_type();
                let want = ColumnKind::of(*dtype);
                (!has_kind(found, want))
                    .then(|| format!("`{name}` is {found}, not {}", dtype.name()))
            })
            .collect();
        let mut c = self.skeleton();
        c.passed = missing.is_empty() && mistyped.is_empty();
        c.message = match (missing.is_empty(), mistyped.is_empty()) {
            (true, true) if self.types.is_empty() => "all columns present".into(),
            (true, true) => "all columns present, with the stated types".into(),
            (false, _) => format!("missing column(s): {}", missing.join(", ")),
            (true, false) => format!("wrong type: {}", mistyped.join("; ")),
        };
        Outcome::decided(c)
    }
}
