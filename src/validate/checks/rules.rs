//! Semantic rules of a spec's requirements, checked at spec time against the declared columns:
//! the [`Problem`]s a kind reports and the [`Rules`] helpers the kinds share (a column exists,
//! is numeric or reads as text; an alpha, a tolerance, a gate is sensible).

use super::columns::{ExpectedColumn, TEXT_KINDS};
use super::settings::Gate;
use serde::{Deserialize, Serialize};

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

/// The semantic rules' workbench: the declared columns, and the problems found so far. Each
/// kind's [`Kind::rules`](super::Kind::rules) pushes what is wrong with its params.
pub struct Rules<'a> {
    cols: &'a [ExpectedColumn],
    out: Vec<Problem>,
}

impl<'a> Rules<'a> {
    /// An empty workbench for a requirement checked against `cols`.
    pub fn new(cols: &'a [ExpectedColumn]) -> Rules<'a> {
        Rules {
            cols,
            out: Vec::new(),
        }
    }

    /// The problems found.
    pub fn into_problems(self) -> Vec<Problem> {
        self.out
    }

    /// The declared columns.
    pub fn columns(&self) -> &'a [ExpectedColumn] {
        self.cols
    }

    /// The declared column named `name`.
    pub fn column(&self, name: &str) -> Option<&'a ExpectedColumn> {
        self.cols.iter().find(|c| c.name == name)
    }

    pub fn push(&mut self, path: &str, message: String, hint: &str) {
        self.out.push(Problem {
            path: path.to_string(),
            message,
            hint: hint.to_string(),
        });
    }

    pub fn col(&mut self, path: &str, name: &str, numeric: bool) {
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

    /// A column read as text (see [`TEXT_KINDS`]); unknown names are left to [`Rules::col`].
    pub fn text_col(&mut self, kind: &str, name: &str, hint: &str) {
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

    pub fn alpha(&mut self, path: &str, a: Option<f64>) {
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

    pub fn nonneg(&mut self, path: &str, v: f64) {
        if !(v >= 0.0 && v.is_finite()) {
            self.push(
                path,
                format!("must be a finite number >= 0, got {v}"),
                "use a non-negative tolerance",
            );
        }
    }

    pub fn gate(&mut self, gate: Option<Gate>, esm: Option<f64>) {
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
