//! Everything a rule needs: source positions, the flattened AST, the policy,
//! the resolver, and the list of *references* (maximal Name/Attribute chains
//! and import sites, each with the qualified names it may denote).

use super::attrs::{self, AttrUse};
use super::lines::LineIndex;
use super::normalise::NonAscii;
use super::policy::Policy;
use super::rule::Rule;
use super::scope::{getattr_literal, Resolver};
use super::violation::Violation;
use super::walk::{Flat, ScopeKey, ScopeKind, MODULE};
use rustpython_parser::ast::{Expr, ExprCall, ExprContext, Ranged, Stmt};
use rustpython_parser::text_size::TextRange;
use std::collections::{HashMap, HashSet};

/// A use of a name: `np.random.seed`, `open`, `getattr(np, "save")`, or an import site.
pub(crate) struct Ref<'a> {
    pub expr: Option<&'a Expr>,
    pub range: TextRange,
    pub scope: ScopeKey,
    pub quals: Vec<String>,
    /// Comes from an import statement.
    pub import: bool,
}

pub(crate) struct Context<'a> {
    pub source: &'a str,
    pub index: &'a LineIndex<'a>,
    pub suite: &'a [Stmt],
    pub flat: &'a Flat<'a>,
    pub policy: &'a Policy,
    pub resolver: Resolver,
    pub refs: Vec<Ref<'a>>,
    /// Every attribute use, on any receiver (see [`super::attrs`]).
    pub attrs: Vec<AttrUse>,
    /// Non-ASCII identifiers as written (the AST holds their NFKC forms).
    pub non_ascii: &'a [NonAscii],
    calls: HashMap<(u32, u32), &'a ExprCall>,
}

fn rkey(r: TextRange) -> (u32, u32) {
    (u32::from(r.start()), u32::from(r.end()))
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        source: &'a str,
        index: &'a LineIndex<'a>,
        suite: &'a [Stmt],
        flat: &'a Flat<'a>,
        policy: &'a Policy,
        non_ascii: &'a [NonAscii],
    ) -> Context<'a> {
        let resolver = Resolver::build(flat);
        let mut calls = HashMap::new();
        let mut inner: HashSet<(u32, u32)> = HashSet::new();
        for (e, scope) in &flat.exprs {
            match e {
                Expr::Attribute(a) => {
                    inner.insert(rkey(a.value.range()));
                }
                Expr::Call(c) => {
                    calls.insert(rkey(c.func.range()), c);
                    if let Some((obj, _)) = getattr_literal(&resolver, c, *scope) {
                        inner.insert(rkey(obj.range()));
                        inner.insert(rkey(c.func.range()));
                    }
                }
                _ => {}
            }
        }
        let mut refs = Vec::new();
        for (e, scope) in &flat.exprs {
            // Assignment targets are bindings, not uses.
            let is_chain = match e {
                Expr::Name(n) => !matches!(n.ctx, ExprContext::Store),
                Expr::Attribute(a) => !matches!(a.ctx, ExprContext::Store),
                Expr::Call(c) => getattr_literal(&resolver, c, *scope).is_some(),
                _ => false,
            };
            if !is_chain || inner.contains(&rkey(e.range())) {
                continue;
            }
            refs.push(Ref {
                expr: Some(e),
                range: e.range(),
                scope: *scope,
                quals: resolver.resolve(e, *scope),
                import: false,
            });
        }
        for site in &flat.imports {
            if site.level == 0 && site.member.as_deref() != Some("*") {
                refs.push(Ref {
                    expr: None,
                    range: site.range,
                    scope: site.scope,
                    quals: vec![site.qual()],
                    import: true,
                });
            }
        }
        let attrs = attrs::collect(source, flat, &resolver);
        Context {
            attrs,
            source,
            index,
            suite,
            flat,
            policy,
            resolver,
            refs,
            non_ascii,
            calls,
        }
    }

    /// The call whose callee is exactly `func` (by range), if any.
    pub(crate) fn call_with_func(&self, func: TextRange) -> Option<&'a ExprCall> {
        self.calls.get(&rkey(func)).copied()
    }

    /// Build a violation spanning `range`.
    pub(crate) fn violation(
        &self,
        rule: Rule,
        range: TextRange,
        message: String,
        hint: &str,
    ) -> Violation {
        let (line, column) = self.index.position(range.start());
        let (end_line, end_column) = self.index.position(range.end());
        Violation {
            rule,
            line,
            column,
            end_line,
            end_column,
            message,
            hint: hint.to_owned(),
        }
    }

    /// Nearest enclosing function or lambda scope (or [`MODULE`]).
    pub(crate) fn function_of(&self, scope: ScopeKey) -> ScopeKey {
        let mut s = scope;
        for _ in 0..10_000 {
            let Some(info) = self.flat.scopes.get(&s) else {
                return MODULE;
            };
            match info.kind {
                ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Module => return s,
                _ => s = info.parent,
            }
        }
        MODULE
    }

    /// Source text of a range ("" if out of bounds).
    pub(crate) fn text(&self, range: TextRange) -> &'a str {
        self.source
            .get(usize::from(range.start())..usize::from(range.end()))
            .unwrap_or("")
    }
}
