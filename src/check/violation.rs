//! One finding of the checker, and a JSON-able report wrapper for `--json`.

use super::rule::Rule;
use serde::Serialize;

/// A rule violation. Positions are 1-based; columns count chars; the end is
/// exclusive (`end_column` is the column just after the last flagged char).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    pub hint: String,
}

impl Violation {
    /// `"SDG101@3:8"`: compact form used in tests and logs.
    pub fn short(&self) -> String {
        format!("{}@{}:{}", self.rule.id(), self.line, self.column)
    }
}

/// Serializable summary of one check, e.g. for a `--json` flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub path: String,
    pub clean: bool,
    pub violations: Vec<Violation>,
}

impl Report {
    pub fn new(path: impl Into<String>, violations: Vec<Violation>) -> Self {
        Report {
            path: path.into(),
            clean: violations.is_empty(),
            violations,
        }
    }
}
