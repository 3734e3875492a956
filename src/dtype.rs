//! The column types a spec declares (`dtype:`), aliases included: the one vocabulary the spec,
//! the contract and the validation's checks share. A leaf: it imports nothing from the crate,
//! so every stage may name a type without importing the stage that reads specs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Column types. `float`, `int` and `str` (the design document's names, and Python's) are
/// aliases of `float64`, `int64` and `string`; see [`Dtype::canonical`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    Float64,
    Int64,
    Bool,
    String,
    Category,
    Datetime64,
    // Aliases (plain comments: a doc comment would make schemars split the enum in branches).
    Float,
    Int,
    Str,
}

impl Dtype {
    /// The precise type an alias stands for (`float` → `float64`, `int` → `int64`,
    /// `str` → `string`); precise types stand for themselves.
    pub fn canonical(self) -> Dtype {
        match self {
            Dtype::Float => Dtype::Float64,
            Dtype::Int => Dtype::Int64,
            Dtype::Str => Dtype::String,
            d => d,
        }
    }

    /// The design document's short name where there is one (`float`, `int`, `str`, `bool`).
    pub fn short(self) -> Dtype {
        match self.canonical() {
            Dtype::Float64 => Dtype::Float,
            Dtype::Int64 => Dtype::Int,
            Dtype::String => Dtype::Str,
            d => d,
        }
    }

    /// The name as written in a spec.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::Float64 => "float64",
            Dtype::Int64 => "int64",
            Dtype::Bool => "bool",
            Dtype::String => "string",
            Dtype::Category => "category",
            Dtype::Datetime64 => "datetime64",
            Dtype::Float => "float",
            Dtype::Int => "int",
            Dtype::Str => "str",
        }
    }
}
