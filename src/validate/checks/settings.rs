//! What several check kinds share in a spec: the run-wide [`ValidationSettings`], the [`Gate`]
//! rule of the p-value checks, and [`OneOrMany`] column names.
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

use crate::validate::stats::multiple::MultipleTesting;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// `skip_serializing_if` for `drop_non_finite: false`.
pub(super) fn is_false(b: &bool) -> bool {
    !*b
}
