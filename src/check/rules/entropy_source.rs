//! `SDG503 entropy-source`: randomness or seeds that do not come from the
//! `seed` parameter.
//!
//! Why: breaks reproducibility. Refused uses: the stdlib `random` module,
//! `secrets`, `uuid`, clocks (`time.time`, `time.perf_counter`, ...,
//! `datetime.now/today/utcnow`), `os.urandom`/`getrandom`/`getpid`, and the
//! builtins `id`/`hash` (addresses and per-process string hashing), and
//! date constructors given `"now"`/`"today"` (`np.datetime64("now")`,
//! `pd.Timestamp("today")`, `pd.date_range(end="now", ...)`). The
//! import itself is `SDG102`/`SDG101`; this rule reports each use.
//!
//! ```python
//! seed = int(time.time())   # SDG503 at `time.time`
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use rustpython_parser::ast::{Expr, Ranged};

const QUALS: &[&str] = &[
    "random",
    "secrets",
    "uuid",
    "time.time",
    "time.time_ns",
    "time.perf_counter",
    "time.perf_counter_ns",
    "time.monotonic",
    "time.monotonic_ns",
    "time.process_time",
    "time.process_time_ns",
    "time.thread_time",
    "time.localtime",
    "time.gmtime",
    "time.ctime",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "pandas.Timestamp.now",
    "pandas.Timestamp.today",
    "pandas.Timestamp.utcnow",
    "os.urandom",
    "os.getrandom",
    "os.getpid",
    "id",
    "hash",
];

/// Date constructors that read the clock when given the string "now"/"today".
const CLOCK_STRINGS: &[&str] = &[
    "numpy.datetime64",
    "pandas.Timestamp",
    "pandas.to_datetime",
    "pandas.date_range",
    "pandas.period_range",
    "pandas.Period",
];

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for (e, scope) in &cx.flat.exprs {
        let Expr::Call(c) = e else { continue };
        let quals = cx.resolver.resolve(&c.func, *scope);
        let Some(q) = quals.iter().find(|q| CLOCK_STRINGS.contains(&q.as_str())) else {
            continue;
        };
        let values = c.args.iter().chain(c.keywords.iter().map(|k| &k.value));
        for v in values {
            let Expr::Constant(k) = v else { continue };
            let Some(text) = k.value.as_str() else {
                continue;
            };
            let t = text.trim().to_ascii_lowercase();
            if t == "now" || t == "today" {
                out.push(cx.violation(
                    Rule::EntropySource,
                    v.range(),
                    format!("`{q}(\"{text}\")` reads the clock"),
                    "use a fixed start date, e.g. `pd.Timestamp(\"2024-01-01\")`",
                ));
            }
        }
    }
    for r in cx.refs.iter().filter(|r| !r.import) {
        if let Some(q) = super::ref_under(r, QUALS) {
            out.push(cx.violation(
                Rule::EntropySource,
                r.range,
                format!("`{q}` is a source of randomness not derived from `seed`"),
                "draw all randomness from `rng = np.random.default_rng(seed)`",
            ));
        }
    }
}
