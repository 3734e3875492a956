//! `SDG303 plotting`: drawing charts.
//!
//! Why: plotting needs a display or files and is never part of generating data.
//! Matched by qualified name (`matplotlib`, `pylab`, `seaborn`, `plotly`,
//! `bokeh`, `altair`, `pandas.plotting`) and by method name on any object:
//! `.plot`, `.hist`, `.boxplot`, `.imshow`, `.savefig`. False-positive policy:
//! these method names exist on DataFrame/Series/Axes only for plotting; a
//! user helper object with a `.plot` attribute would be refused too (accepted).
//! `np.histogram` is a different name and is fine.
//!
//! ```python
//! plt.plot(x, y)      # SDG303
//! df.hist()           # SDG303
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

const QUALS: &[&str] = &[
    "matplotlib",
    "pylab",
    "seaborn",
    "plotly",
    "bokeh",
    "altair",
    "pandas.plotting",
];
const METHODS: &[&str] = &["plot", "hist", "boxplot", "imshow", "savefig"];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        let msg = if let Some(q) = super::ref_under(r, QUALS) {
            format!("`{q}` draws a plot")
        } else if let Some(a) = super::chain_attr(r, METHODS) {
            format!("`.{a}(...)` draws a plot")
        } else {
            continue;
        };
        out.push(cx.violation(
            Rule::Plotting,
            r.range,
            msg,
            "remove plotting; the generator only returns data",
        ));
    }
}
