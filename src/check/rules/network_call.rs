//! `SDG304 network-call`: using a network-capable module.
//!
//! Why: generators must be self-contained; network access exfiltrates data or
//! pulls unreviewed content. The import itself is `SDG101`; this rule reports
//! each *use* (`requests.get`, `socket.socket`, `urllib.request.urlopen`,
//! `pd.read_html`), so uses stay flagged even if a contract allowed the module.
//!
//! ```python
//! requests.get(url)    # SDG304
//! ```

use super::super::context::Context;
use super::super::names::NETWORK;
use super::super::rule::Rule;
use super::super::violation::Violation;

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in cx.refs.iter().filter(|r| !r.import) {
        if let Some(q) = super::ref_under(r, NETWORK) {
            out.push(cx.violation(
                Rule::NetworkCall,
                r.range,
                format!("`{q}` uses the network"),
                "generate the data locally; the sandbox has no network",
            ));
        }
    }
}
