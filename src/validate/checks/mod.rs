//! The check language: one file per kind of `validation_requirements` entry, each holding the
//! kind's params (serde + schemars: what a spec may write), its semantic rules (checked at
//! spec time), its per-block summary and evaluation (run time), its figure data and its doc
//! (what it computes, the scipy equivalent, an example).
//!
//! A kind is a type implementing [`Kind`]; [`kinds!`] registers it: one line makes it a
//! variant of [`Requirement`], a name in [`REQUIREMENT_KINDS`], readable in both spec shapes
//! (see [`forms`]), checked by [`problems`] and run by the runner (`validate::evaluate`).
//! Adding a kind is one new file here and one line in the registration below.
//!
//! The flow of one check over a dataset: [`Requirement::summarize`] each block (a [`Partial`]),
//! [`Partial::merge`] them in block order, then [`Requirement::evaluate`] the merge. The pure
//! statistics live below, in `validate::stats`, which knows nothing of specs.
//!
//! Missing values: Arrow nulls are skipped (pairwise for two-column checks; `null_fraction`
//! checks them). NaN/inf are an error naming the count unless the requirement sets
//! `drop_non_finite: true`.

pub mod arrays;
pub mod columns;
pub mod data;
pub mod eval;
pub mod figure;
mod forms;
pub mod residuals;
pub mod rules;
pub mod settings;
pub mod summary;

pub use columns::{ColumnKind, ExpectedColumn, TEXT_KINDS};
pub use eval::{Eval, Gated, Metrics, Outcome};
pub use figure::Figure;
pub use rules::{Problem, Rules};
pub use settings::{Gate, OneOrMany, ValidationSettings};
pub use summary::Merge;

use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// One kind of check; its params are `Self`.
pub trait Kind: Serialize + DeserializeOwned + JsonSchema + Clone + PartialEq + Debug {
    /// The name a spec writes (`distribution_test`, ...).
    const NAME: &'static str;
    /// What the check keeps of a block of rows (merged in block order).
    type Summary: Merge + Clone + Debug;
    /// Semantic problems of these params against the declared columns (spec time).
    fn rules(&self, r: &mut Rules);
    /// The result this check reports on before it has looked at data: its kind and columns
    /// (a failure to read the data is reported on it).
    fn skeleton(&self) -> CheckResult;
    /// What this check keeps of one block. `reqs` is the spec's whole list (the residual checks
    /// read their relationship_check from it).
    fn summarize(&self, block: &RecordBatch, reqs: &[Requirement])
        -> Result<Self::Summary, String>;
    /// The result, from the summary of every block.
    fn evaluate(&self, summary: Self::Summary, ev: &mut Eval) -> Outcome;
    /// What a figure of this check needs, from the same summary (`None`: no figure).
    fn figure(&self, _summary: &Self::Summary) -> Option<Figure> {
        None
    }
}

/// A requirement's summary of the blocks seen so far, or the first error reading them.
#[derive(Debug, Clone)]
pub struct Partial(Result<Summary, String>);

impl Partial {
    /// `self` followed by `next` (the next block); the first error wins.
    pub fn merge(&mut self, next: Partial) {
        match (&mut self.0, next.0) {
            (Err(_), _) => {}
            (Ok(_), Err(e)) => self.0 = Err(e),
            (Ok(a), Ok(b)) => {
                if let Err(e) = a.merge(b) {
                    self.0 = Err(e);
                }
            }
        }
    }
}

/// Registers the kinds: `module::Type => Variant` with the variant's doc. Generates
/// [`Requirement`], [`REQUIREMENT_KINDS`], [`Summary`] and the dispatch.
macro_rules! kinds {
    ($( $(#[doc = $doc:literal])* $module:ident :: $ty:ident => $variant:ident, )*) => {
        $( pub mod $module; pub use $module::$ty; )*

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
            $( $(#[doc = $doc])* $variant($ty), )*
        }

        /// Keys accepted as requirement kinds, in registration order.
        pub const REQUIREMENT_KINDS: &[&str] = &[$(<$ty as Kind>::NAME),*];

        /// One kind's summary (see [`Kind::Summary`]).
        #[derive(Debug, Clone)]
        pub enum Summary {
            $( #[allow(missing_docs)] $variant(<$ty as Kind>::Summary), )*
        }

        impl Summary {
            fn merge(&mut self, next: Summary) -> Result<(), String> {
                match (self, next) {
                    $( (Summary::$variant(a), Summary::$variant(b)) => {
                        a.merge(b);
                        Ok(())
                    } )*
                    #[allow(unreachable_patterns)]
                    _ => Err("internal: summaries of two kinds merged".into()),
                }
            }
        }

        impl Requirement {
            /// The name of this requirement's kind (`schema_check`, ...).
            pub fn kind(&self) -> &'static str {
                match self {
                    $( Requirement::$variant(_) => <$ty as Kind>::NAME, )*
                }
            }

            /// Reads the fields of kind `kind`; `None` when no kind has that name.
            fn read(kind: &str, fields: serde_json::Value) -> Option<Result<Requirement, String>> {
                $( if kind == <$ty as Kind>::NAME {
                    return Some(
                        serde_json::from_value(fields)
                            .map(Requirement::$variant)
                            .map_err(|e| format!("{kind}: {e}")),
                    );
                } )*
                None
            }

            /// Semantic problems of this requirement against the declared columns.
            pub fn problems(&self, columns: &[ExpectedColumn]) -> Vec<Problem> {
                let mut r = Rules::new(columns);
                match self {
                    $( Requirement::$variant(k) => k.rules(&mut r), )*
                }
                r.into_problems()
            }

            /// The result this check reports on before it has looked at data.
            pub fn skeleton(&self) -> CheckResult {
                match self {
                    $( Requirement::$variant(k) => k.skeleton(), )*
                }
            }

            /// What this check keeps of one block of rows.
            pub fn summarize(&self, block: &RecordBatch, reqs: &[Requirement]) -> Partial {
                Partial(match self {
                    $( Requirement::$variant(k) => k.summarize(block, reqs).map(Summary::$variant), )*
                })
            }

            /// The result, from the merged summary of every block.
            pub fn evaluate(&self, partial: Partial, ev: &mut Eval) -> Outcome {
                match (self, partial.0) {
                    $( (Requirement::$variant(k), Ok(Summary::$variant(s))) => k.evaluate(s, ev), )*
                    (r, Err(e)) => eval::fail(r.skeleton(), e),
                    #[allow(unreachable_patterns)]
                    (r, Ok(_)) => eval::fail(r.skeleton(), "internal: a summary of another kind"),
                }
            }

            /// What a figure of this check needs (`None`: no figure, or no data).
            pub fn figure(&self, partial: &Partial) -> Option<Figure> {
                match (self, &partial.0) {
                    $( (Requirement::$variant(k), Ok(Summary::$variant(s))) => k.figure(s), )*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    /// Columns present.
    schema_check::SchemaCheck => SchemaCheck,
    /// Goodness of fit.
    distribution_test::DistributionTest => DistributionTest,
    /// Linear relationship.
    relationship_check::RelationshipCheck => RelationshipCheck,
    /// Residual mean.
    noise_mean_check::NoiseMeanCheck => NoiseMeanCheck,
    /// Residual std.
    noise_std_check::NoiseStdCheck => NoiseStdCheck,
    /// Residual normality.
    residual_normality::ResidualNormality => ResidualNormality,
    /// Correlation.
    correlation_check::CorrelationCheck => CorrelationCheck,
    /// Category shares.
    categorical_frequency::CategoricalFrequency => CategoricalFrequency,
    /// Range.
    range_check::RangeCheck => RangeCheck,
    /// Null fraction.
    null_fraction::NullFraction => NullFraction,
    /// Uniqueness.
    uniqueness::Uniqueness => Uniqueness,
    /// Allowed values.
    allowed_values::AllowedValues => AllowedValues,
    /// Regex.
    regex::RegexCheck => Regex,
    /// Moments.
    moments::Moments => Moments,
    /// Quantiles.
    quantiles::Quantiles => Quantiles,
    /// Two-sample KS.
    two_sample_ks::TwoSampleKs => TwoSampleKs,
}

/// Semantic problems of one requirement against the declared columns.
pub fn problems(req: &Requirement, columns: &[ExpectedColumn]) -> Vec<Problem> {
    req.problems(columns)
}
