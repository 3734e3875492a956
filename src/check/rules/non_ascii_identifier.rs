//! `SDG701 non-ascii-identifier`: an identifier with non-ASCII characters.
//!
//! Why: CPython NFKC-normalises identifiers (PEP 3131), so `ｅｘｅｃ`, `𝐞𝐯𝐚𝐥`
//! and `ﬁle` *are* `exec`, `eval` and `file`, while look-alikes from other
//! scripts (Cyrillic `а`, Greek `ο`) are *different* names that display the
//! same. Either way the name a reviewer reads is not reliably the name that
//! runs. The checker normalises every identifier before any other rule runs
//! (so `ｅｘｅｃ(...)` is also `SDG401`), and refuses non-ASCII identifiers
//! outright: generated numeric code never needs them (`mu`, not `μ`).
//! Non-ASCII text in strings and comments stays allowed (bar `SDG703`-`SDG706`).
//!
//! ```python
//! ｅｘｅｃ("import os")   # SDG701 (and SDG401 `exec`)
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for n in cx.non_ascii {
        let reads = if n.normalised == n.written {
            String::new()
        } else {
            format!(" (Python reads it as `{}`)", n.normalised)
        };
        out.push(cx.violation(
            Rule::NonAsciiIdentifier,
            n.range,
            format!("identifier `{}` is not ASCII{reads}", n.written),
            "use ASCII letters, digits and `_` in names (e.g. `mu` for `μ`)",
        ));
    }
}
