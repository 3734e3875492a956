//! `validation_requirements` of a spec: serde types (externally tagged, YAML
//! reads `- distribution_test: {column: x, ...}`), JSON Schema via schemars,
//! and semantic checks ([`problems`]) used by the spec validator.
//!
//! # Gate semantics (p-value tests)
//! Tests whose null hypothesis is "the data follow the spec"
//! (`distribution_test`, `two_sample_ks`, `categorical_frequency`,
//! `residual_normality`) produce a p-value, adjusted across the run by
//! [`ValidationSettings::multiple_testing`] (Holm by default), and an effect
//! size: the KS D (`distribution_test` with `ks`, `two_sample_ks`), A²
//! (`anderson`, `residual_normality`), Cramér–von Mises W², `√(χ²/n)`
//! (`distribution_test` with `chisquare`) and Cramér's V for goodness of fit,
//! `√(χ²/(n·(k−1)))` with k categories (`categorical_frequency`). With `gate`:
//! * `p_value` — pass iff adjusted p ≥ alpha (default when no `effect_size_max`);
//! * `effect_size` — pass iff effect size ≤ `effect_size_max`;
//! * `both` — both conditions;
//! * `either` — either condition (default when `effect_size_max` is given:
//!   a huge sample with a tiny KS D passes even though p is small).
//!
//! # Residuals
//! `noise_mean_check` / `noise_std_check` / `residual_normality` use the
//! single `relationship_check` of the spec, or the one selected by
//! `relationship: <index among relationship_checks>` when there are several. Residual = `y − expected_intercept − Σ expected_slope·x`
//! where a missing `expected_intercept` counts as 0 (subtracting the fitted
//! intercept would force the residual mean to exactly 0 and make
//! `noise_mean_check` vacuous).
//!
//! Missing values: Arrow nulls are skipped (pairwise for two-column checks;
//! `null_fraction` checks them). NaN/inf are an error naming the count unless
//! the requirement sets `drop_non_finite: true`.

use super::distributions::Dist;
use super::multiple::MultipleTesting;
use crate::spec::raw::Dtype;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Run-wide validation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ValidationSettings {
    /// Multiple-testing adjustment across p-value checks (default holm).
    pub multiple_testing: MultipleTesting,
    /// Alpha for p-value checks that do not set their own (default 0.05).
    pub default_alpha: f64,
}

impl Default for ValidationSettings {
    fn default() -> Self {
        ValidationSettings {
            multiple_testing: MultipleTesting::Holm,
            default_alpha: 0.05,
        }
    }
}

/// Pass/fail rule for p-value tests (see module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    /// Adjusted p ≥ alpha.
    PValue,
    /// Effect size ≤ effect_size_max.
    EffectSize,
    /// Both.
    Both,
    /// Either.
    Either,
}

/// Goodness-of-fit test for `distribution_test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum GofTest {
    /// One-sample Kolmogorov–Smirnov (continuous; default).
    #[default]
    Ks,
    /// Anderson–Darling with estimated parameters (normal, exponential).
    Anderson,
    /// One-sample Cramér–von Mises (continuous).
    Cramervonmises,
    /// Chi-square with pooled bins (discrete distributions).
    Chisquare,
}

/// Correlation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum CorrMethod {
    /// Pearson's r.
    #[default]
    Pearson,
    /// Spearman's rho.
    Spearman,
    /// Kendall's tau-b.
    Kendall,
}

/// One or several column names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single column.
    One(String),
    /// Several columns (multiple regression).
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names as a list.
    pub fn names(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

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

/// Goodness of fit of one column to a named distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionTest {
    /// Column tested.
    pub column: String,
    /// Distribution name (see `distributions` module doc for names/params).
    pub distribution: String,
    /// Person-named parameters. `anderson` estimates the parameters from the
    /// data and does not use these: with it they may be left out, and when
    /// given they are only checked (as for the other tests), so a typo or an
    /// impossible value is still refused.
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// Which test.
    #[serde(default)]
    pub test: GofTest,
    /// Significance level.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Maximum effect size for the effect-size gate.
    #[serde(default)]
    pub effect_size_max: Option<f64>,
    /// Gate rule.
    #[serde(default)]
    pub gate: Option<Gate>,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// The model a `relationship_check` fits: ordinary least squares is the only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipModel {
    /// `dependent ≈ intercept + Σ slope·independent`, least squares.
    LinearRegression,
}

/// Linear relationship `dependent ≈ intercept + slope·independent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationshipCheck {
    /// The model fitted (`linear_regression`, the default and only one).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub model: Option<RelationshipModel>,
    /// Regressor column(s).
    pub independent: OneOrMany,
    /// Response column.
    pub dependent: String,
    /// Expected slope (single regressor).
    #[serde(default)]
    pub expected_slope: Option<f64>,
    /// Expected slopes (several regressors, same order).
    #[serde(default)]
    pub expected_slopes: Option<Vec<f64>>,
    /// Allowed |slope − expected|.
    pub tolerance: f64,
    /// Expected intercept.
    #[serde(default)]
    pub expected_intercept: Option<f64>,
    /// Allowed |intercept − expected| (default: `tolerance`).
    #[serde(default)]
    pub intercept_tolerance: Option<f64>,
    /// Minimum R².
    #[serde(default)]
    pub min_r_squared: Option<f64>,
    /// Drop NaN/inf rows instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// Residual mean check (residuals of a `relationship_check`, see module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoiseMeanCheck {
    /// Which relationship_check (0-based among them) the residuals come from;
    /// required only when the spec has several.
    #[serde(default)]
    pub relationship: Option<usize>,

    /// Expected residual mean.
    pub expected_mean: f64,
    /// Allowed |mean − expected|.
    pub tolerance: f64,
}

/// Residual standard deviation check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoiseStdCheck {
    /// Which relationship_check (0-based among them) the residuals come from;
    /// required only when the spec has several.
    #[serde(default)]
    pub relationship: Option<usize>,

    /// Expected residual standard deviation (ddof = 1).
    pub expected_std: f64,
    /// Allowed |std − expected|.
    pub tolerance: f64,
}

/// Residual normality (Anderson–Darling, normal, estimated parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidualNormality {
    /// Which relationship_check (0-based among them) the residuals come from;
    /// required only when the spec has several.
    #[serde(default)]
    pub relationship: Option<usize>,

    /// Significance level (interpolated p is within [0.01, 0.15]).
    #[serde(default)]
    pub alpha: Option<f64>,
}

/// Correlation between two columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrelationCheck {
    /// Exactly two columns.
    pub columns: Vec<String>,
    /// Coefficient.
    #[serde(default)]
    pub method: CorrMethod,
    /// Expected coefficient.
    pub expected: f64,
    /// Allowed |coef − expected|.
    pub tolerance: f64,
    /// If set, additionally require significance (p < alpha).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Drop NaN/inf rows instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// Category shares (chi-square goodness of fit). The column is read as text
/// (int64, bool, string or category; see [`TEXT_KINDS`]); at least two
/// categories, each with a share in (0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoricalFrequency {
    /// Column.
    pub column: String,
    /// Expected share per category: each in (0, 1], at least two, sum 1.
    pub expected: BTreeMap<String, f64>,
    /// Significance level.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Maximum Cramér's V (`√(χ²/(n·(k−1)))`) for the effect-size gate.
    #[serde(default)]
    pub effect_size_max: Option<f64>,
    /// Gate rule.
    #[serde(default)]
    pub gate: Option<Gate>,
}

/// Values within [min, max] for at least `mostly` of the non-null rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeCheck {
    /// Column.
    pub column: String,
    /// Lower bound (inclusive).
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound (inclusive).
    #[serde(default)]
    pub max: Option<f64>,
    /// Required fraction in range (default 1).
    #[serde(default)]
    pub mostly: Option<f64>,
}

/// Fraction of nulls (and NaN) at most `max`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NullFraction {
    /// Column.
    pub column: String,
    /// Maximum fraction.
    pub max: f64,
}

/// All non-null values distinct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uniqueness {
    /// Column.
    pub column: String,
}

/// Every non-null value in the set. The column is read as text (int64, bool,
/// string or category; see [`TEXT_KINDS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedValues {
    /// Column.
    pub column: String,
    /// Allowed values (as strings; numbers are compared by their display).
    pub values: Vec<String>,
}

/// Every non-null string matches the pattern (whole value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegexCheck {
    /// Column.
    pub column: String,
    /// Pattern (regex crate syntax, ≤ [`MAX_PATTERN_LEN`] bytes of UTF-8,
    /// anchored by the check).
    pub pattern: String,
}

/// Sample moments within tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Moments {
    /// Column.
    pub column: String,
    /// Expected mean.
    #[serde(default)]
    pub mean: Option<f64>,
    /// Expected standard deviation (ddof = 1).
    #[serde(default)]
    pub std: Option<f64>,
    /// Expected skewness (biased, as scipy.stats.skew).
    #[serde(default)]
    pub skew: Option<f64>,
    /// Allowed absolute difference for each.
    pub tolerance: f64,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// Sample quantiles (numpy 'linear' method) within tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantiles {
    /// Column.
    pub column: String,
    /// Probability (as a string key, e.g. "0.5") → expected value.
    pub quantiles: BTreeMap<String, f64>,
    /// Allowed absolute difference.
    pub tolerance: f64,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// Two-sample KS between two columns of the same dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoSampleKs {
    /// First column.
    pub column: String,
    /// Second column of the same dataset (compared with `column`).
    pub other_column: String,
    /// Significance level.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Maximum D for the effect-size gate.
    #[serde(default)]
    pub effect_size_max: Option<f64>,
    /// Gate rule.
    #[serde(default)]
    pub gate: Option<Gate>,
    /// Drop NaN/inf instead of failing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drop_non_finite: bool,
}

/// One validation requirement, written in either of two shapes with the same meaning:
///
/// - keyed: a map with exactly one key naming the check, its fields inside
///   (`- relationship_check: {dependent: y, independent: x, ...}`);
/// - document (the design document's shape): the kind in a `check` field, the fields beside it
///   (`- check: relationship_check` / `dependent: y` / ...).
///
/// `Deserialize` is hand-written (see the private `de` module) to accept both; `Serialize` and
/// `JsonSchema` are derived and describe the keyed shape (`spec::schema` adds the document
/// branches to the published schema; [`Requirement::to_document`] writes the document shape).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Columns present.
    SchemaCheck(SchemaCheck),
    /// Goodness of fit.
    DistributionTest(DistributionTest),
    /// Linear relationship.
    RelationshipCheck(RelationshipCheck),
    /// Residual mean.
    NoiseMeanCheck(NoiseMeanCheck),
    /// Residual std.
    NoiseStdCheck(NoiseStdCheck),
    /// Residual normality.
    ResidualNormality(ResidualNormality),
    /// Correlation.
    CorrelationCheck(CorrelationCheck),
    /// Category shares.
    CategoricalFrequency(CategoricalFrequency),
    /// Range.
    RangeCheck(RangeCheck),
    /// Null fraction.
    NullFraction(NullFraction),
    /// Uniqueness.
    Uniqueness(Uniqueness),
    /// Allowed values.
    AllowedValues(AllowedValues),
    /// Regex.
    Regex(RegexCheck),
    /// Moments.
    Moments(Moments),
    /// Quantiles.
    Quantiles(Quantiles),
    /// Two-sample KS.
    TwoSampleKs(TwoSampleKs),
}

/// Keys accepted as requirement kinds.
pub const REQUIREMENT_KINDS: &[&str] = &[
    "schema_check",
    "distribution_test",
    "relationship_check",
    "noise_mean_check",
    "noise_std_check",
    "residual_normality",
    "correlation_check",
    "categorical_frequency",
    "range_check",
    "null_fraction",
    "uniqueness",
    "allowed_values",
    "regex",
    "moments",
    "quantiles",
    "two_sample_ks",
];

mod de {
    //! Deserialisation of [`Requirement`](super::Requirement) from either shape.
    use super::*;
    use serde::de;
    use serde_json::Value;

    impl<'de> Deserialize<'de> for Requirement {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let v = Value::deserialize(d)?;
            Requirement::from_json(v).map_err(de::Error::custom)
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
            let fields = body_of(fields);
            macro_rules! read {
                ($variant:ident) => {
                    Requirement::$variant(
                        serde_json::from_value(fields).map_err(|e| format!("{kind}: {e}"))?,
                    )
                };
            }
            Ok(match kind.as_str() {
                "schema_check" => read!(SchemaCheck),
                "distribution_test" => read!(DistributionTest),
                "relationship_check" => read!(RelationshipCheck),
                "noise_mean_check" => read!(NoiseMeanCheck),
                "noise_std_check" => read!(NoiseStdCheck),
                "residual_normality" => read!(ResidualNormality),
                "correlation_check" => read!(CorrelationCheck),
                "categorical_frequency" => read!(CategoricalFrequency),
                "range_check" => read!(RangeCheck),
                "null_fraction" => read!(NullFraction),
                "uniqueness" => read!(Uniqueness),
                "allowed_values" => read!(AllowedValues),
                "regex" => read!(Regex),
                "moments" => read!(Moments),
                "quantiles" => read!(Quantiles),
                "two_sample_ks" => read!(TwoSampleKs),
                other => {
                    return Err(format!(
                        "unknown check `{other}`, expected one of {}",
                        REQUIREMENT_KINDS.join(", ")
                    ))
                }
            })
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
}

impl Requirement {
    /// The keyed shape's JSON (`{KIND: {fields}}`), canonical spelling: `type` of a
    /// relationship_check (always `linear_regression`) left out.
    pub fn to_keyed(&self) -> serde_json::Value {
        let mut fields = self.fields();
        fields.shift_remove("type");
        let mut m = serde_json::Map::new();
        m.insert(self.kind().into(), serde_json::Value::Object(fields));
        serde_json::Value::Object(m)
    }

    /// The document shape's JSON (`{check: KIND, fields...}`), as the design document writes
    /// it: a relationship_check says `type: linear_regression`.
    pub fn to_document(&self) -> serde_json::Value {
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
        serde_json::Value::Object(m)
    }

    /// The check's own fields, as serialised (absent options left out).
    fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(outer)) => match outer.into_iter().next() {
                Some((_, serde_json::Value::Object(mut inner))) => {
                    inner.retain(|_, v| !v.is_null());
                    inner
                }
                _ => serde_json::Map::new(),
            },
            _ => serde_json::Map::new(),
        }
    }

    /// The YAML key of this requirement (`schema_check`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Requirement::SchemaCheck(_) => "schema_check",
            Requirement::DistributionTest(_) => "distribution_test",
            Requirement::RelationshipCheck(_) => "relationship_check",
            Requirement::NoiseMeanCheck(_) => "noise_mean_check",
            Requirement::NoiseStdCheck(_) => "noise_std_check",
            Requirement::ResidualNormality(_) => "residual_normality",
            Requirement::CorrelationCheck(_) => "correlation_check",
            Requirement::CategoricalFrequency(_) => "categorical_frequency",
            Requirement::RangeCheck(_) => "range_check",
            Requirement::NullFraction(_) => "null_fraction",
            Requirement::Uniqueness(_) => "uniqueness",
            Requirement::AllowedValues(_) => "allowed_values",
            Requirement::Regex(_) => "regex",
            Requirement::Moments(_) => "moments",
            Requirement::Quantiles(_) => "quantiles",
            Requirement::TwoSampleKs(_) => "two_sample_ks",
        }
    }
}

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

/// A semantic problem in a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Path relative to the requirement, e.g. `params.std`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Maximum regex pattern length accepted, in bytes (UTF-8), not characters.
pub const MAX_PATTERN_LEN: usize = 1000;

struct Ctx<'a> {
    cols: &'a [ExpectedColumn],
    out: Vec<Problem>,
}

impl Ctx<'_> {
    fn push(&mut self, path: &str, message: String, hint: &str) {
        self.out.push(Problem {
            path: path.to_string(),
            message,
            hint: hint.to_string(),
        });
    }

    fn col(&mut self, path: &str, name: &str, numeric: bool) {
        match self.cols.iter().find(|c| c.name == name) {
            None => {
                let known: Vec<&str> = self.cols.iter().map(|c| c.name.as_str()).collect();
                self.push(
                    path,
                    format!("unknown column `{name}`"),
                    &format!("use one of: {}", known.join(", ")),
                );
            }
            Some(c) if numeric && !c.kind.is_numeric() => self.push(
                path,
                format!(
                    "column `{name}` is {:?}, this check needs a numeric column",
                    c.kind
                ),
                "use a float64, int64 or timestamp column",
            ),
            _ => {}
        }
    }

    /// A column read as text (see [`TEXT_KINDS`]); unknown names are left to [`Ctx::col`].
    fn text_col(&mut self, kind: &str, name: &str, hint: &str) {
        if let Some(c) = self.cols.iter().find(|c| c.name == name) {
            if !TEXT_KINDS.contains(&c.kind) {
                self.push(
                    "column",
                    format!(
                        "column `{name}` is {}; {kind} compares values as text and supports only \
                         int64, bool, string and category columns",
                        c.kind.dtype()
                    ),
                    hint,
                );
            }
        }
    }

    fn alpha(&mut self, path: &str, a: Option<f64>) {
        if let Some(a) = a {
            if !(a > 0.0 && a < 1.0) {
                self.push(
                    path,
                    format!("alpha must be in (0, 1), got {a}"),
                    "typical: 0.05",
                );
            }
        }
    }

    fn nonneg(&mut self, path: &str, v: f64) {
        if !(v >= 0.0 && v.is_finite()) {
            self.push(
                path,
                format!("must be a finite number >= 0, got {v}"),
                "use a non-negative tolerance",
            );
        }
    }

    fn gate(&mut self, gate: Option<Gate>, esm: Option<f64>) {
        if let Some(e) = esm {
            self.nonneg("effect_size_max", e);
        }
        if matches!(gate, Some(Gate::EffectSize | Gate::Both | Gate::Either)) && esm.is_none() {
            self.push(
                "gate",
                "this gate needs `effect_size_max`".into(),
                "add effect_size_max or use gate: p_value",
            );
        }
    }
}

/// Semantic problems of one requirement against the declared columns.
pub fn problems(req: &Requirement, columns: &[ExpectedColumn]) -> Vec<Problem> {
    let mut c = Ctx {
        cols: columns,
        out: Vec::new(),
    };
    match req {
        Requirement::SchemaCheck(s) => {
            for (i, name) in s.columns.iter().enumerate() {
                c.col(&format!("columns[{i}]"), name, false);
            }
            for (name, dtype) in &s.types {
                let path = format!("types.{name}");
                c.col(&path, name, false);
                let Some(col) = columns.iter().find(|x| &x.name == name) else {
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
        Requirement::DistributionTest(d) => {
            c.col("column", &d.column, true);
            c.alpha("alpha", d.alpha);
            c.gate(d.gate, d.effect_size_max);
            match (d.test, Dist::parse(&d.distribution, &d.params)) {
                (GofTest::Anderson, _)
                    if !matches!(d.distribution.as_str(), "normal" | "exponential") =>
                {
                    c.push(
                        "distribution",
                        "anderson supports normal and exponential".into(),
                        "use test: ks",
                    );
                }
                (GofTest::Anderson, _) if d.params.is_empty() => {}
                (GofTest::Anderson, Ok(_)) => {}
                (GofTest::Anderson, Err(errs)) => {
                    for (p, m) in errs {
                        c.push(
                            &p,
                            m,
                            "anderson estimates the parameters from the data and does not use \
                             `params`: remove `params`, or use test: ks to test these values",
                        );
                    }
                }
                (_, Err(errs)) => {
                    for (p, m) in errs {
                        c.push(&p, m, "see the distribution table in the docs");
                    }
                }
                (GofTest::Chisquare, Ok(Dist::Continuous(_))) => c.push(
                    "test",
                    "chisquare needs a discrete distribution".into(),
                    "use test: ks",
                ),
                (GofTest::Ks | GofTest::Cramervonmises, Ok(Dist::Discrete(_))) => c.push(
                    "test",
                    "KS/Cramér–von Mises need a continuous distribution".into(),
                    "use test: chisquare",
                ),
                _ => {}
            }
        }
        Requirement::RelationshipCheck(r) => {
            let names = r.independent.names();
            for (i, n) in names.iter().enumerate() {
                let p = if names.len() == 1 {
                    "independent".to_string()
                } else {
                    format!("independent[{i}]")
                };
                c.col(&p, n, true);
            }
            c.col("dependent", &r.dependent, true);
            c.nonneg("tolerance", r.tolerance);
            if let Some(t) = r.intercept_tolerance {
                c.nonneg("intercept_tolerance", t);
            }
            match (&r.expected_slope, &r.expected_slopes) {
                (Some(_), None) if names.len() == 1 => {}
                (None, Some(v)) if v.len() == names.len() => {}
                (None, None) => c.push(
                    "expected_slope",
                    "missing expected_slope / expected_slopes".into(),
                    "one slope per independent column",
                ),
                _ => c.push(
                    "expected_slopes",
                    format!(
                        "need exactly one expected slope per independent column ({})",
                        names.len()
                    ),
                    "use expected_slope for one column, expected_slopes: [..] for several",
                ),
            }
            if let Some(m) = r.min_r_squared {
                if !(0.0..=1.0).contains(&m) {
                    c.push(
                        "min_r_squared",
                        format!("must be in [0, 1], got {m}"),
                        "e.g. 0.5",
                    );
                }
            }
        }
        Requirement::NoiseMeanCheck(n) => c.nonneg("tolerance", n.tolerance),
        Requirement::NoiseStdCheck(n) => {
            c.nonneg("tolerance", n.tolerance);
            c.nonneg("expected_std", n.expected_std);
        }
        Requirement::ResidualNormality(n) => c.alpha("alpha", n.alpha),
        Requirement::CorrelationCheck(k) => {
            if k.columns.len() != 2 {
                c.push(
                    "columns",
                    format!("need exactly 2 columns, got {}", k.columns.len()),
                    "columns: [a, b]",
                );
            }
            for (i, n) in k.columns.iter().enumerate() {
                c.col(&format!("columns[{i}]"), n, true);
            }
            if !(-1.0..=1.0).contains(&k.expected) {
                c.push(
                    "expected",
                    format!("must be in [-1, 1], got {}", k.expected),
                    "a correlation coefficient",
                );
            }
            c.nonneg("tolerance", k.tolerance);
            c.alpha("alpha", k.alpha);
        }
        Requirement::CategoricalFrequency(f) => {
            c.col("column", &f.column, false);
            c.text_col(
                "categorical_frequency",
                &f.column,
                "use distribution_test or quantiles for a float64 or datetime64 column, \
                 or generate the categories as a category, string or int64 column",
            );
            c.alpha("alpha", f.alpha);
            c.gate(f.gate, f.effect_size_max);
            if let [only] = f.expected.keys().collect::<Vec<_>>()[..] {
                c.push(
                    "expected",
                    format!("only one category (`{only}`): the chi-square test needs at least 2"),
                    &format!(
                        "list every category with its share; to require that every value is \
                         `{only}`, use allowed_values"
                    ),
                );
            }
            let mut sum = 0.0;
            for (k, v) in &f.expected {
                if *v == 0.0 {
                    c.push(
                        &format!("expected.{k}"),
                        format!(
                            "share 0 for `{k}`: the chi-square test needs every expected count > 0"
                        ),
                        &format!(
                            "remove `{k}`: a value that is not listed already fails the check"
                        ),
                    );
                } else if !(0.0..=1.0).contains(v) {
                    c.push(
                        &format!("expected.{k}"),
                        format!("share must be in (0, 1], got {v}"),
                        "shares are fractions",
                    );
                }
                sum += v;
            }
            if (sum - 1.0).abs() > 1e-9 {
                c.push(
                    "expected",
                    format!("shares sum to {sum}, not 1"),
                    "make the shares add up to 1",
                );
            }
            if let Some(col) = columns.iter().find(|x| x.name == f.column) {
                if col.kind == ColumnKind::Category && !col.categories.is_empty() {
                    for k in f.expected.keys() {
                        if !col.categories.contains(k) {
                            c.push(
                                &format!("expected.{k}"),
                                format!("`{k}` is not a category of `{}`", f.column),
                                "use a declared category",
                            );
                        }
                    }
                }
            }
        }
        Requirement::RangeCheck(r) => {
            c.col("column", &r.column, true);
            if r.min.is_none() && r.max.is_none() {
                c.push("min", "give min and/or max".into(), "e.g. {min: 0, max: 1}");
            }
            if let (Some(a), Some(b)) = (r.min, r.max) {
                if a > b {
                    c.push("max", format!("min {a} > max {b}"), "swap them");
                }
            }
            if let Some(m) = r.mostly {
                if !(m > 0.0 && m <= 1.0) {
                    c.push("mostly", format!("must be in (0, 1], got {m}"), "e.g. 0.99");
                }
            }
        }
        Requirement::NullFraction(n) => {
            c.col("column", &n.column, false);
            if !(0.0..=1.0).contains(&n.max) {
                c.push(
                    "max",
                    format!("must be in [0, 1], got {}", n.max),
                    "a fraction",
                );
            }
        }
        Requirement::Uniqueness(u) => c.col("column", &u.column, false),
        Requirement::AllowedValues(a) => {
            c.col("column", &a.column, false);
            c.text_col(
                "allowed_values",
                &a.column,
                "use range_check for a float64 or datetime64 column, or generate the values \
                 as int64, string or category",
            );
            if a.values.is_empty() {
                c.push(
                    "values",
                    "empty list of allowed values".into(),
                    "list at least one value",
                );
            }
        }
        Requirement::Regex(r) => {
            c.col("column", &r.column, false);
            if r.pattern.len() > MAX_PATTERN_LEN {
                c.push(
                    "pattern",
                    format!(
                        "pattern is {} bytes long, over the limit of {MAX_PATTERN_LEN} bytes",
                        r.pattern.len()
                    ),
                    "simplify the pattern",
                );
            } else if let Err(e) = regex::RegexBuilder::new(&r.pattern)
                .size_limit(1 << 20)
                .build()
            {
                c.push(
                    "pattern",
                    format!("invalid regex: {e}"),
                    "regex crate syntax (no look-around/backrefs)",
                );
            }
            if let Some(col) = columns.iter().find(|x| x.name == r.column) {
                if !matches!(col.kind, ColumnKind::Utf8 | ColumnKind::Category) {
                    c.push(
                        "column",
                        format!("`{}` is not a string column", r.column),
                        "regex applies to utf8/category columns",
                    );
                }
            }
        }
        Requirement::Moments(m) => {
            c.col("column", &m.column, true);
            c.nonneg("tolerance", m.tolerance);
            if m.mean.is_none() && m.std.is_none() && m.skew.is_none() {
                c.push(
                    "mean",
                    "give at least one of mean, std, skew".into(),
                    "e.g. {mean: 0, tolerance: 0.1}",
                );
            }
            if let Some(s) = m.std {
                c.nonneg("std", s);
            }
        }
        Requirement::Quantiles(q) => {
            c.col("column", &q.column, true);
            c.nonneg("tolerance", q.tolerance);
            if q.quantiles.is_empty() {
                c.push(
                    "quantiles",
                    "no quantiles given".into(),
                    "e.g. {\"0.5\": 1.0}",
                );
            }
            for k in q.quantiles.keys() {
                match k.parse::<f64>() {
                    Ok(p) if (0.0..=1.0).contains(&p) => {}
                    _ => c.push(
                        &format!("quantiles.{k}"),
                        format!("quantile key `{k}` is not a probability in [0, 1]"),
                        "keys like 0.5",
                    ),
                }
            }
        }
        Requirement::TwoSampleKs(t) => {
            c.col("column", &t.column, true);
            c.col("other_column", &t.other_column, true);
            c.alpha("alpha", t.alpha);
            c.gate(t.gate, t.effect_size_max);
        }
    }
    c.out
}
