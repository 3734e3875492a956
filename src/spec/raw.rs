//! The spec's shape as Rust types: serde reads them, schemars publishes them as JSON Schema.
//!
//! These types are the *untrusted* spec: they say what keys exist and what type each value has,
//! nothing more. Every field is documented here, and the docs become the schema's descriptions
//! (`sdg spec schema`), which is what an LLM server or an editor sees. Cross-field rules
//! (min < max, referenced columns exist, host caps) live in `contract::validate`.

pub use crate::dtype::Dtype;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Identifiers: Python-style names for functions and columns.
pub const IDENT: &str = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$";
/// Spec names: also used as file names, so no path separators.
pub const NAME: &str = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$";
/// Module paths in import lists (`numpy`, `numpy.random`).
pub const MODULE: &str = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$";

/// An sdg dataset spec: what to generate (`code_contract`) and what the data must satisfy
/// (`validation_requirements`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sdg spec")]
pub struct RawSpec {
    /// Short name of the dataset; names the default code and output files.
    #[schemars(pattern(NAME))]
    pub name: Option<String>,
    /// The person's original request, in their words.
    #[schemars(length(max = 4096))]
    pub intent: Option<String>,
    /// Revision of this spec, counted by its author.
    #[schemars(range(min = 1))]
    pub version: Option<u32>,
    /// Path of the approved generator code, relative to the spec's folder (default: `NAME.py`).
    #[schemars(length(min = 1, max = 255))]
    pub code: Option<String>,
    /// What the generator code must look like and may do.
    pub code_contract: RawCodeContract,
    /// The checks the generated data must pass, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 64))]
    pub validation_requirements: Vec<crate::validate::checks::Requirement>,
    /// How the checks are combined (multiple-testing correction).
    #[serde(default)]
    pub validation_settings: Option<crate::validate::checks::ValidationSettings>,
}

/// The contract the generator code is checked against before it runs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCodeContract {
    /// The generator's language: `python`, or `python3.X` as the code's author wrote it. The
    /// version is recorded, not enforced: the sandbox runs CPython 3.15.
    #[schemars(pattern(LANGUAGE), extend("examples" = ["python", "python3.10"]))]
    pub language: String,
    pub function: RawFunction,
    #[serde(default)]
    pub environment: RawEnvironment,
    #[serde(default)]
    pub randomness: Option<RawRandomness>,
    #[serde(default)]
    pub execution_constraints: RawConstraints,
    /// Rules for the code's author: sentences, or named flags (`must_generate_data_only: true`).
    /// Known flags turn on code-check rules; every rule is shown in prompts and reviews.
    #[serde(default, skip_serializing_if = "BehavioralRules::is_empty")]
    pub behavioral_rules: BehavioralRules,
}

/// `language` values: `python`, `python3`, `python3.X`.
pub const LANGUAGE: &str = r"^python(3(\.(0|[1-9][0-9]?))?)?$";

/// `behavioral_rules`: plain sentences for the code's author, or named flags.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum BehavioralRules {
    /// Sentences, e.g. `Return arrays in the order of outputs.`
    Sentences(#[schemars(length(max = 64), inner(length(max = 1000)))] Vec<String>),
    /// Named flags, e.g. `must_not_perform_validation: true` (see `contract::flags`).
    Flags(
        #[schemars(
            extend("maxProperties" = 64, "propertyNames" = {"pattern": IDENT})
        )]
        IndexMap<String, bool>,
    ),
}

impl Default for BehavioralRules {
    fn default() -> Self {
        BehavioralRules::Sentences(Vec::new())
    }
}

impl BehavioralRules {
    /// No rules at all.
    pub fn is_empty(&self) -> bool {
        match self {
            BehavioralRules::Sentences(v) => v.is_empty(),
            BehavioralRules::Flags(m) => m.is_empty(),
        }
    }
}

/// The one function the code defines.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    /// Its name, e.g. `generate_data`.
    #[schemars(pattern(IDENT))]
    pub name: String,
    #[schemars(length(max = 4096))]
    pub description: Option<String>,
    pub inputs: RawInputs,
    /// The returned columns, by name, in return order.
    #[schemars(extend("minProperties" = 1, "maxProperties" = 256))]
    pub outputs: IndexMap<String, RawOutput>,
}

/// The function's parameters: exactly `num_samples` and `seed`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInputs {
    pub num_samples: RawRows,
    pub seed: RawSeed,
}

/// `num_samples`: how many rows to generate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRows {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<IntType>,
    /// Whether a caller must pass it. sdg always passes it, so `false` changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 4096))]
    pub description: Option<String>,
    /// Fewest rows a run may ask for (default 1). Same as `constraints.min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min: Option<u64>,
    /// Most rows a run may ask for (default and cap: 100,000,000). Same as `constraints.max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max: Option<u64>,
    /// `min` and `max`, as the design document writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<RawBounds>,
    /// Rows when a run does not say (default: 1000 within min..max).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub default: Option<u64>,
}

/// `constraints: {min, max}` of `num_samples`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBounds {
    /// Fewest rows a run may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min: Option<u64>,
    /// Most rows a run may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max: Option<u64>,
}

/// `seed`: the integer the generator's RNG is created from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSeed {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<IntType>,
    /// Whether a caller must pass it. sdg always passes it, so `false` changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 4096))]
    pub description: Option<String>,
    /// Seed when a run does not say (default 42).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IntType {
    Int,
}

/// One returned column.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    /// Always `array` (one value per row).
    #[serde(rename = "type", default)]
    pub ty: Option<ArrayType>,
    pub dtype: Dtype,
    /// Always `num_samples`.
    #[serde(default)]
    pub length: Option<Length>,
    /// Whether missing values (None / NaN-as-null / NaT) may appear.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// For `category`: the allowed values, in code order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 1024))]
    pub categories: Vec<String>,
    /// For `datetime64`: the unit (default `us`).
    #[serde(default)]
    pub unit: Option<Unit>,
    #[schemars(length(max = 4096))]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArrayType {
    Array,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    NumSamples,
}

/// Time units for `datetime64` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    S,
    Ms,
    Us,
    Ns,
}

/// Modules the code may and may not import.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEnvironment {
    /// Top-level modules (and their submodules) the code may import, e.g. `numpy`, `pandas`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 64), inner(pattern(MODULE)))]
    pub allowed_imports: Vec<String>,
    /// Modules named as forbidden, on top of sdg's always-forbidden set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 256), inner(pattern(MODULE)))]
    pub forbidden_imports: Vec<String>,
}

/// How the code gets its randomness.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRandomness {
    /// Same seed, same data. Required for reproducible experiments.
    #[serde(default = "yes")]
    pub deterministic: bool,
    /// The only supported library is numpy.
    #[serde(default)]
    pub rng_library: Option<RngLibrary>,
    /// The one allowed way to create the RNG.
    #[serde(default)]
    pub rng_pattern: Option<RngPattern>,
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `numpy` and `numpy.random` (the design document's spelling) mean the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum RngLibrary {
    #[serde(rename = "numpy")]
    Numpy,
    #[serde(rename = "numpy.random")]
    NumpyRandom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum RngPattern {
    #[serde(rename = "numpy.random.default_rng(seed)")]
    DefaultRng,
}

/// What the code must not do. Each `true` turns on the code check's matching rules.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConstraints {
    pub no_file_io: Option<bool>,
    pub no_network_calls: Option<bool>,
    pub no_printing: Option<bool>,
    pub no_plotting: Option<bool>,
    pub no_global_state: Option<bool>,
    pub no_recursion: Option<bool>,
    /// Wall-clock budget of the generator call in seconds (default 2; host cap 600).
    #[schemars(range(min = 0.001, max = 600.0))]
    pub time_limit_seconds: Option<f64>,
}
