//! One recursive pass over the AST that flattens it into tables the rules use:
//! every statement and expression with its scope, every scope (module,
//! function, lambda, comprehension, class), every name binding, every import.
//!
//! Rules never recurse themselves; they filter these tables. Recursion depth
//! is capped at [`MAX_DEPTH`] (deeper input is refused as a syntax error).
//! Statements are walked in [`stmt`], expressions in [`expr`].

mod expr;
mod stmt;

use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::text_size::{TextRange, TextSize};
use std::collections::HashMap;

/// Deepest statement/expression nesting accepted.
pub const MAX_DEPTH: usize = 400;

/// Identifies a scope: the node's start offset and kind, or [`MODULE`].
pub(crate) type ScopeKey = u64;
pub(crate) const MODULE: ScopeKey = u64::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Function,
    Lambda,
    Comprehension,
    Class,
}

fn key(range: TextRange, kind: ScopeKind) -> ScopeKey {
    (u64::from(u32::from(range.start())) << 3) | kind as u64
}

#[derive(Debug, Clone)]
pub(crate) struct ScopeInfo {
    pub parent: ScopeKey,
    pub kind: ScopeKind,
}

/// What a name is bound to.
#[derive(Debug, Clone)]
pub(crate) enum BindValue<'a> {
    /// An import or a def: a known qualified name.
    Qual(String),
    /// `x = <expr>`: resolved later, maybe an alias.
    Expr(&'a Expr),
    /// A function or lambda parameter.
    Param,
    /// Anything else (loop target, `x += 1`, except-as, ...).
    Opaque,
}

#[derive(Debug, Clone)]
pub(crate) struct Binding<'a> {
    pub scope: ScopeKey,
    pub name: String,
    pub value: BindValue<'a>,
    pub range: TextRange,
}

/// One imported name (`import a.b as c` or `from m import n`).
#[derive(Debug, Clone)]
pub(crate) struct ImportSite {
    pub range: TextRange,
    pub scope: ScopeKey,
    /// Module (absolute dotted name, "" for `from . import x`).
    pub module: String,
    /// Imported member for `from m import n` (`*` for star imports).
    pub member: Option<String>,
    /// Relative import level (0 = absolute).
    pub level: u32,
}

impl ImportSite {
    /// The qualified name this site brings in (`m.n` or `m`).
    pub fn qual(&self) -> String {
        match &self.member {
            Some(m) if m != "*" => format!("{}.{}", self.module, m),
            _ => self.module.clone(),
        }
    }
}

/// The parts of a (possibly async) `def` the walker needs.
pub(super) struct FnParts<'a> {
    name: &'a str,
    args: &'a ast::Arguments,
    body: &'a [Stmt],
    decorators: &'a [Expr],
    returns: &'a Option<Box<Expr>>,
}

/// The flattened AST.
#[derive(Default)]
pub(crate) struct Flat<'a> {
    pub stmts: Vec<(&'a Stmt, ScopeKey)>,
    pub exprs: Vec<(&'a Expr, ScopeKey)>,
    pub scopes: HashMap<ScopeKey, ScopeInfo>,
    pub bindings: Vec<Binding<'a>>,
    pub imports: Vec<ImportSite>,
    /// Positional parameter names of each function/lambda scope.
    pub params: HashMap<ScopeKey, Vec<String>>,
    /// Offset where nesting exceeded [`MAX_DEPTH`], if it did.
    pub too_deep: Option<TextSize>,
    depth: usize,
}

impl<'a> Flat<'a> {
    pub(crate) fn build(suite: &'a [Stmt]) -> Flat<'a> {
        let mut flat = Flat::default();
        flat.scopes.insert(
            MODULE,
            ScopeInfo {
                parent: MODULE,
                kind: ScopeKind::Module,
            },
        );
        flat.body(suite, MODULE);
        flat
    }

    pub(super) fn enter(&mut self, at: TextSize) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            if self.too_deep.is_none() {
                self.too_deep = Some(at);
            }
            return false;
        }
        true
    }

    pub(super) fn bind(
        &mut self,
        scope: ScopeKey,
        name: &str,
        value: BindValue<'a>,
        range: TextRange,
    ) {
        self.bindings.push(Binding {
            scope,
            name: name.to_owned(),
            value,
            range,
        });
    }

    pub(super) fn new_scope(
        &mut self,
        range: TextRange,
        kind: ScopeKind,
        parent: ScopeKey,
    ) -> ScopeKey {
        let k = key(range, kind);
        self.scopes.insert(k, ScopeInfo { parent, kind });
        k
    }

    pub(super) fn body(&mut self, body: &'a [Stmt], scope: ScopeKey) {
        for s in body {
            self.stmt(s, scope);
        }
    }

    pub(super) fn exprs_in(&mut self, exprs: &'a [Expr], scope: ScopeKey) {
        for e in exprs {
            self.expr(e, scope);
        }
    }

    pub(super) fn opt(&mut self, e: &'a Option<Box<Expr>>, scope: ScopeKey) {
        if let Some(e) = e {
            self.expr(e, scope);
        }
    }
}

/// Qualified name given to a function or lambda defined in this source.
pub(crate) fn fn_qual(scope: ScopeKey) -> String {
    format!("$fn:{scope}")
}

/// Scope key of a `def` statement (matches the key the walker gives it).
pub(crate) fn function_key(s: &Stmt) -> ScopeKey {
    key(s.range(), ScopeKind::Function)
}

/// Scope key of a lambda expression (matches the key the walker gives it).
pub(crate) fn lambda_key(e: &Expr) -> ScopeKey {
    key(e.range(), ScopeKind::Lambda)
}
