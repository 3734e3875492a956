//! The columns a spec declares, as the checks see them: [`ExpectedColumn`] with its
//! [`ColumnKind`], and the kinds a text-reading check accepts ([`TEXT_KINDS`]).

use crate::dtype::Dtype;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Column type as declared by the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// 64-bit float.
    Float64,
    /// 64-bit integer.
    Int64,
    /// Boolean.
    Bool,
    /// UTF-8 string.
    Utf8,
    /// Timestamp.
    Timestamp,
    /// Dictionary-encoded category.
    Category,
}

/// Column kinds that `allowed_values` and `categorical_frequency` can read:
/// their values are compared as text (`int64` in decimal, `bool` as
/// `true`/`false`). `float64` and `datetime64` have no exact text form there.
pub const TEXT_KINDS: &[ColumnKind] = &[
    ColumnKind::Int64,
    ColumnKind::Bool,
    ColumnKind::Utf8,
    ColumnKind::Category,
];

impl ColumnKind {
    /// The kind a spec `dtype` (or its alias) declares.
    pub fn of(dtype: Dtype) -> ColumnKind {
        match dtype {
            Dtype::Float64 | Dtype::Float => ColumnKind::Float64,
            Dtype::Int64 | Dtype::Int => ColumnKind::Int64,
            Dtype::Bool => ColumnKind::Bool,
            Dtype::String | Dtype::Str => ColumnKind::Utf8,
            Dtype::Category => ColumnKind::Category,
            Dtype::Datetime64 => ColumnKind::Timestamp,
        }
    }

    /// The `dtype` a spec writes for this kind (`float64`, `datetime64`, ...).
    pub fn dtype(self) -> &'static str {
        match self {
            ColumnKind::Float64 => "float64",
            ColumnKind::Int64 => "int64",
            ColumnKind::Bool => "bool",
            ColumnKind::Utf8 => "string",
            ColumnKind::Timestamp => "datetime64",
            ColumnKind::Category => "category",
        }
    }

    /// Usable as numbers (Float64, Int64, Timestamp).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnKind::Float64 | ColumnKind::Int64 | ColumnKind::Timestamp
        )
    }
}

/// A column the spec declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExpectedColumn {
    /// Name.
    pub name: String,
    /// Type.
    pub kind: ColumnKind,
    /// Whether nulls are allowed.
    pub nullable: bool,
    /// Categories (for `Category`).
    pub categories: Vec<String>,
}
