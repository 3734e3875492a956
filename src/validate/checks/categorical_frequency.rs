//! `categorical_frequency`: category shares match the expected ones.
//!
//! Computes: the count of each listed category (the column read as text: int64, bool, string
//! or category, see [`TEXT_KINDS`](super::TEXT_KINDS)); any value outside the list fails the
//! check. Then Pearson's chi-square against `share·n` (`scipy.stats.chisquare(obs, exp)`),
//! and Cramér's V for goodness of fit `√(χ²/(n·(k−1)))` as the effect size. Gated with the
//! run's other p-values. Counts are kept per block and added, so blocks merge exactly.
//!
//! ```yaml
//! - check: categorical_frequency
//!   column: plan
//!   expected: {free: 0.7, pro: 0.25, enterprise: 0.05}
//! ```

use super::columns::ColumnKind;
#[allow(unused_imports)] // the params' doc links to it (and the schema shows that doc)
use super::columns::TEXT_KINDS;
use super::arrays::{text_array, visit_text};
use super::eval::{base, fail, Eval, Outcome};
use super::rules::Rules;
use super::settings::Gate;
use super::summary::Merge;
use super::{Figure, Kind, Requirement};
use crate::validate::result::CheckResult;
use crate::validate::stats::chi2::chisquare;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// Counts of the listed categories (in the spec's order), of other values, and of non-null
/// values.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    listed: BTreeMap<String, f64>,
    unexpected: usize,
    n: usize,
}

impl Merge for Counts {
    fn merge(&mut self, next: Self) {
        for (k, v) in next.listed {
            *self.listed.entry(k).or_default() += v;
        }
        self.unexpected += next.unexpected;
        self.n += next.n;
    }
}

impl Kind for CategoricalFrequency {
    const NAME: &'static str = "categorical_frequency";
    type Summary = Counts;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, false);
        c.text_col(
            "categorical_frequency",
            &self.column,
            "use distribution_test or quantiles for a float64 or datetime64 column, \
             or generate the categories as a category, string or int64 column",
        );
        c.alpha("alpha", self.alpha);
        c.gate(self.gate, self.effect_size_max);
        if let [only] = self.expected.keys().collect::<Vec<_>>()[..] {
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
        for (k, v) in &self.expected {
            if *v == 0.0 {
                c.push(
                    &format!("expected.{k}"),
                    format!("share 0 for `{k}`: the chi-square test needs every expected count > 0"),
                    &format!("remove `{k}`: a value that is not listed already fails the check"),
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
        if let Some(col) = c.column(&self.column) {
            if col.kind == ColumnKind::Category && !col.categories.is_empty() {
                for k in self.expected.keys() {
                    if !col.categories.contains(k) {
                        c.push(
                            &format!("expected.{k}"),
                            format!("`{k}` is not a category of `{}`", self.column),
                            "use a declared category",
                        );
                    }
                }
            }
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Counts, String> {
        let a = text_array(block, &self.column)?;
        let mut listed: BTreeMap<String, f64> =
            self.expected.keys().map(|k| (k.clone(), 0.0)).collect();
        let (mut unexpected, mut n) = (0usize, 0usize);
        visit_text(&a, |v| {
            if let Some(v) = v {
                n += 1;
                match listed.get_mut(v) {
                    Some(cnt) => *cnt += 1.0,
                    None => unexpected += 1,
                }
            }
        });
        Ok(Counts {
            listed,
            unexpected,
            n,
        })
    }

    fn evaluate(&self, counts: Counts, ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        let n = counts.n;
        c.n = Some(n as u64);
        let alpha = self.alpha.unwrap_or(ev.settings.default_alpha);
        c.alpha = Some(alpha);
        if counts.unexpected > 0 {
            return fail(
                c,
                format!(
                    "{} value(s) outside the expected categories",
                    counts.unexpected
                ),
            );
        }
        let obs: Vec<f64> = counts.listed.values().copied().collect();
        let exp: Vec<f64> = self.expected.values().map(|s| s * n as f64).collect();
        match chisquare(&obs, &exp, 0) {
            Err(e) => fail(c, e.to_string()),
            Ok(r) => {
                c.method = Some("chisquare".into());
                c.statistic = Some(r.statistic);
                c.p_value = Some(r.pvalue);
                c.effect_size = Some(r.cramers_v);
                ev.metric(Self::NAME, "cramers_v", r.cramers_v);
                Outcome::gated(c, alpha, self.effect_size_max, self.gate)
            }
        }
    }

    fn figure(&self, counts: &Counts) -> Option<Figure> {
        Some(Figure::Bars {
            column: self.column.clone(),
            bars: self
                .expected
                .iter()
                .map(|(k, share)| {
                    let seen = counts.listed.get(k).copied().unwrap_or(0.0);
                    (k.clone(), seen as u64, *share)
                })
                .collect(),
            unexpected: counts.unexpected as u64,
        })
    }
}
