//! The contract's columns in its own plain types: what each output promises (name, type,
//! nullability, categories, time unit). Later stages build their own view from these (pipeline
//! maps them to the sandbox's `ColumnSpec`, the validation reads them as `ExpectedColumn`s), so
//! the contract needs to know none of them. The JSON (`sdg spec --json`'s `outputs`) is the
//! sandbox protocol's spelling: lowercase types, `categories` and `unit` only when set.

use serde::Serialize;

/// Arrow time units for timestamp columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    S,
    Ms,
    Us,
    Ns,
}

/// The physical type of a column (`float` reads as `float64`, `string` as `utf8`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Float64,
    Int64,
    Bool,
    Utf8,
    /// Integers counting `unit`s since the Unix epoch (`datetime64`).
    Timestamp,
    /// One of the column's `categories`.
    Category,
}

/// One output the contract promises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    pub dtype: ColumnType,
    pub nullable: bool,
    /// For `Category`: the allowed values, in code order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// For `Timestamp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnit>,
}
