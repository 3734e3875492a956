//! `SDG601 validation-in-generator`: checking, testing or logging inside the
//! generator (behavioural rule `no_validation`).
//!
//! Why: the contract separates generation from validation; the host validates
//! the returned data. Refused: `assert`; `scipy.stats` hypothesis tests
//! (`kstest`, `shapiro`, `ttest_*`, `normaltest`, `anderson`, `chisquare`, ...);
//! `statsmodels`; `pandas.testing`/`numpy.testing`. When `no_printing` is off,
//! `logging` is reported here; when `no_file_io` is off, saving is reported
//! here (otherwise those rules already report them).
//!
//! ```python
//! assert x.mean() > 0                 # SDG601
//! stats.kstest(x, "norm")             # SDG601
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::file_io::file_io_reason;
use rustpython_parser::ast::{Ranged, Stmt};

const TESTS: &[&str] = &[
    "kstest",
    "ks_1samp",
    "ks_2samp",
    "shapiro",
    "ttest_1samp",
    "ttest_ind",
    "ttest_rel",
    "ttest_ind_from_stats",
    "normaltest",
    "anderson",
    "anderson_ksamp",
    "chisquare",
    "chi2_contingency",
    "jarque_bera",
    "skewtest",
    "kurtosistest",
    "mannwhitneyu",
    "wilcoxon",
    "kruskal",
    "f_oneway",
    "levene",
    "bartlett",
    "fligner",
    "fisher_exact",
    "binomtest",
    "cramervonmises",
    "pearsonr",
    "spearmanr",
    "kendalltau",
    "goodness_of_fit",
    "power_divergence",
];
const MODULES: &[&str] = &[
    "statsmodels",
    "pandas.testing",
    "numpy.testing",
    "unittest",
    "pytest",
    "hypothesis",
];
const HINT: &str = "remove validation from the generator; the host validates the returned data";

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for (s, _) in &cx.flat.stmts {
        if let Stmt::Assert(_) = s {
            out.push(cx.violation(
                Rule::ValidationInGenerator,
                s.range(),
                "`assert` validates inside the generator".into(),
                HINT,
            ));
        }
    }
    // `open` is always reported by `file-io`; do not repeat it here.
    for r in cx
        .refs
        .iter()
        .filter(|r| !r.import && file_io_reason(r, false).is_none())
    {
        let test = r.quals.iter().find(|q| {
            q.strip_prefix("scipy.stats.")
                .is_some_and(|rest| TESTS.contains(&rest.split('.').next().unwrap_or(rest)))
        });
        let msg = if let Some(q) = test {
            format!("statistical test `{q}` inside the generator")
        } else if let Some(q) = super::ref_under(r, MODULES) {
            format!("`{q}` validates inside the generator")
        } else if let Some(q) = super::ref_under(r, &["logging"]).filter(|_| !cx.policy.no_printing)
        {
            format!("`{q}` logs inside the generator")
        } else if let Some(m) = file_io_reason(r, true).filter(|_| !cx.policy.no_file_io) {
            format!("saving inside the generator: {m}")
        } else {
            continue;
        };
        out.push(cx.violation(Rule::ValidationInGenerator, r.range, msg, HINT));
    }
}
