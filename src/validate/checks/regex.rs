//! `regex`: every non-null string matches the pattern, as a whole.
//!
//! Computes: the values that do not match `^(?:pattern)$` (the `regex` crate: linear time, no
//! look-around or back-references; compiled with a 1 MiB size limit). pandas:
//! `~s.dropna().str.fullmatch(pattern)`. Counts are kept per block and added.
//!
//! ```yaml
//! - check: regex
//!   column: email
//!   pattern: '[^@\s]+@[^@\s]+'
//! ```

use super::columns::ColumnKind;
use super::arrays::{text_array, visit_text};
use super::eval::{base, Eval, Outcome};
use super::rules::Rules;
use super::summary::Merge;
use super::{Kind, Requirement};
use crate::validate::result::CheckResult;
use arrow::record_batch::RecordBatch;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Maximum regex pattern length accepted, in bytes (UTF-8), not characters.
pub const MAX_PATTERN_LEN: usize = 1000;

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

/// Non-null values, and those that do not match.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Mismatches {
    n: usize,
    bad: usize,
}

impl Merge for Mismatches {
    fn merge(&mut self, next: Self) {
        self.n += next.n;
        self.bad += next.bad;
    }
}

impl Kind for RegexCheck {
    const NAME: &'static str = "regex";
    type Summary = Mismatches;

    fn rules(&self, c: &mut Rules) {
        c.col("column", &self.column, false);
        if self.pattern.len() > MAX_PATTERN_LEN {
            c.push(
                "pattern",
                format!(
                    "pattern is {} bytes long, over the limit of {MAX_PATTERN_LEN} bytes",
                    self.pattern.len()
                ),
                "simplify the pattern",
            );
        } else if let Err(e) = regex::RegexBuilder::new(&self.pattern)
            .size_limit(1 << 20)
            .build()
        {
            c.push(
                "pattern",
                format!("invalid regex: {e}"),
                "regex crate syntax (no look-around/backrefs)",
            );
        }
        if let Some(col) = c.column(&self.column) {
            if !matches!(col.kind, ColumnKind::Utf8 | ColumnKind::Category) {
                c.push(
                    "column",
                    format!("`{}` is not a string column", self.column),
                    "regex applies to utf8/category columns",
                );
            }
        }
    }

    fn skeleton(&self) -> CheckResult {
        base(Self::NAME, &[&self.column])
    }

    fn summarize(&self, block: &RecordBatch, _reqs: &[Requirement]) -> Result<Mismatches, String> {
        if self.pattern.len() > MAX_PATTERN_LEN {
            return Err(format!("pattern longer than {MAX_PATTERN_LEN} bytes"));
        }
        let re = regex::RegexBuilder::new(&format!("^(?:{})$", self.pattern))
            .size_limit(1 << 20)
            .build()
            .map_err(|e| format!("invalid regex: {e}"))?;
        let a = text_array(block, &self.column)?;
        let mut s = Mismatches::default();
        visit_text(&a, |v| {
            if let Some(v) = v {
                s.n += 1;
                s.bad += usize::from(!re.is_match(v));
            }
        });
        Ok(s)
    }

    fn evaluate(&self, s: Mismatches, _ev: &mut Eval) -> Outcome {
        let mut c = self.skeleton();
        c.n = Some(s.n as u64);
        c.observed = Some(s.bad as f64);
        c.expected = Some(0.0);
        c.passed = s.bad == 0;
        c.message = format!("{} value(s) do not match /{}/", s.bad, self.pattern);
        Outcome::decided(c)
    }
}
