//! Every *attribute use* of the source, whatever the receiver: `x.name`
//! (load, store, del), `getattr(x, "name")` with a literal name, class
//! patterns `case C(name=...)` (which call `getattr`), and the components of
//! import paths (`from numpy.ma.core import pickle` reaches `pickle` as an
//! attribute of `numpy.ma.core`). The 4xx attribute rules judge the *name*,
//! so they hold for receivers the resolver cannot follow (parameters,
//! returned modules, subscripts, walrus, unpacking).

use super::scope::{getattr_literal, Resolver};
use super::walk::{Flat, ScopeKey};
use rustpython_parser::ast::{Expr, Pattern, Ranged, Stmt};
use rustpython_parser::text_size::{TextRange, TextSize};

/// One use of an attribute name.
pub(crate) struct AttrUse {
    /// The attribute name (NFKC-normalised).
    pub name: String,
    /// Span of the name as written (the literal for `getattr`).
    pub range: TextRange,
    /// Qualified names the attribute expression may denote (empty: unknown).
    pub quals: Vec<String>,
    /// From an import statement.
    pub import: bool,
}

const MAX_PATTERN_DEPTH: usize = super::walk::MAX_DEPTH;

pub(crate) fn collect(source: &str, flat: &Flat<'_>, resolver: &Resolver) -> Vec<AttrUse> {
    let mut out = Vec::new();
    for (e, scope) in &flat.exprs {
        match e {
            Expr::Attribute(a) => out.push(AttrUse {
                name: a.attr.to_string(),
                range: name_span(source, a.range),
                quals: resolver.resolve(e, *scope),
                import: false,
            }),
            Expr::Call(c) => {
                if let Some((_, name)) = getattr_literal(resolver, c, *scope) {
                    let range = c.args.get(1).map_or(c.range, Ranged::range);
                    out.push(AttrUse {
                        name: name.to_owned(),
                        range,
                        quals: resolver.resolve(e, *scope),
                        import: false,
                    });
                }
            }
            _ => {}
        }
    }
    for (s, scope) in &flat.stmts {
        if let Stmt::Match(m) = s {
            for case in &m.cases {
                patterns(source, &case.pattern, *scope, resolver, &mut out, 0);
            }
        }
    }
    for site in &flat.imports {
        if site.level != 0 {
            continue;
        }
        let qual = site.qual();
        let parts: Vec<&str> = qual.split('.').collect();
        for (i, part) in parts.iter().enumerate().skip(1) {
            out.push(AttrUse {
                name: (*part).to_owned(),
                range: site.range,
                quals: vec![parts[..=i].join(".")],
                import: true,
            });
        }
    }
    out
}

fn patterns(
    source: &str,
    p: &Pattern,
    scope: ScopeKey,
    resolver: &Resolver,
    out: &mut Vec<AttrUse>,
    depth: usize,
) {
    if depth > MAX_PATTERN_DEPTH {
        return;
    }
    let d = depth + 1;
    match p {
        Pattern::MatchClass(c) => {
            let base = resolver.resolve(&c.cls, scope);
            for name in &c.kwd_attrs {
                let range = find_after(source, c.cls.end(), c.range.end(), name.as_str())
                    .unwrap_or(c.range);
                out.push(AttrUse {
                    name: name.to_string(),
                    range,
                    quals: base.iter().map(|b| format!("{b}.{name}")).collect(),
                    import: false,
                });
            }
            for q in c.patterns.iter().chain(&c.kwd_patterns) {
                patterns(source, q, scope, resolver, out, d);
            }
        }
        Pattern::MatchSequence(s) => {
            for q in &s.patterns {
                patterns(source, q, scope, resolver, out, d);
            }
        }
        Pattern::MatchMapping(m) => {
            for q in &m.patterns {
                patterns(source, q, scope, resolver, out, d);
            }
        }
        Pattern::MatchAs(a) => {
            if let Some(q) = &a.pattern {
                patterns(source, q, scope, resolver, out, d);
            }
        }
        Pattern::MatchOr(o) => {
            for q in &o.patterns {
                patterns(source, q, scope, resolver, out, d);
            }
        }
        Pattern::MatchValue(_) | Pattern::MatchSingleton(_) | Pattern::MatchStar(_) => {}
    }
}

/// Span of the attribute name at the end of an `a.name` expression: the
/// identifier characters just before the range's end.
pub(crate) fn name_span(source: &str, range: TextRange) -> TextRange {
    let end = usize::from(range.end());
    let start = usize::from(range.start());
    let text = source.get(start..end).unwrap_or("");
    let ident_len: usize = text
        .chars()
        .rev()
        .take_while(|c| *c == '_' || c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()))
        .map(char::len_utf8)
        .sum();
    match u32::try_from(end - ident_len) {
        Ok(s) if ident_len > 0 => TextRange::new(TextSize::from(s), range.end()),
        _ => range,
    }
}

/// Span of `name` in the source between `from` and `to` (for `C(name=...)`).
fn find_after(source: &str, from: TextSize, to: TextSize, name: &str) -> Option<TextRange> {
    let (a, b) = (usize::from(from), usize::from(to));
    let i = source.get(a..b)?.find(name)?;
    let s = u32::try_from(a + i).ok()?;
    let e = u32::try_from(a + i + name.len()).ok()?;
    Some(TextRange::new(TextSize::from(s), TextSize::from(e)))
}
