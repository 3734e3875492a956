//! Statement walking: bindings made by statements (defs, imports,
//! assignments, loop/with/except targets, match patterns) and the scopes
//! that `def`s open.

use super::{fn_qual, BindValue, Flat, FnParts, ImportSite, ScopeKey, ScopeKind};
use rustpython_parser::ast::{self, Expr, Pattern, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

impl<'a> Flat<'a> {
    pub(super) fn stmt(&mut self, s: &'a Stmt, scope: ScopeKey) {
        if self.enter(s.start()) {
            self.stmts.push((s, scope));
            self.stmt_inner(s, scope);
        }
        self.depth -= 1;
    }

    fn function(&mut self, s: &'a Stmt, f: FnParts<'a>, scope: ScopeKey) {
        self.exprs_in(f.decorators, scope);
        self.opt(f.returns, scope);
        let inner = self.new_scope(s.range(), ScopeKind::Function, scope);
        self.bind(scope, f.name, BindValue::Qual(fn_qual(inner)), s.range());
        self.arguments(f.args, scope, inner);
        self.body(f.body, inner);
    }

    pub(super) fn arguments(&mut self, args: &'a ast::Arguments, outer: ScopeKey, inner: ScopeKey) {
        let positional = args.posonlyargs.iter().chain(&args.args);
        self.params
            .insert(inner, positional.map(|a| a.def.arg.to_string()).collect());
        let all = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs);
        for a in all {
            if let Some(d) = &a.default {
                self.expr(d, outer);
            }
            if let Some(ann) = &a.def.annotation {
                self.expr(ann, outer);
            }
            self.bind(inner, a.def.arg.as_str(), BindValue::Param, a.def.range);
        }
        for a in args.vararg.iter().chain(&args.kwarg) {
            if let Some(ann) = &a.annotation {
                self.expr(ann, outer);
            }
            self.bind(inner, a.arg.as_str(), BindValue::Param, a.range);
        }
    }

    fn stmt_inner(&mut self, s: &'a Stmt, scope: ScopeKey) {
        match s {
            Stmt::FunctionDef(f) => {
                let parts = FnParts {
                    name: f.name.as_str(),
                    args: &f.args,
                    body: &f.body,
                    decorators: &f.decorator_list,
                    returns: &f.returns,
                };
                self.function(s, parts, scope)
            }
            Stmt::AsyncFunctionDef(f) => {
                let parts = FnParts {
                    name: f.name.as_str(),
                    args: &f.args,
                    body: &f.body,
                    decorators: &f.decorator_list,
                    returns: &f.returns,
                };
                self.function(s, parts, scope)
            }
            Stmt::ClassDef(c) => {
                self.exprs_in(&c.decorator_list, scope);
                self.exprs_in(&c.bases, scope);
                for k in &c.keywords {
                    self.expr(&k.value, scope);
                }
                self.bind(scope, c.name.as_str(), BindValue::Opaque, s.range());
                let inner = self.new_scope(s.range(), ScopeKind::Class, scope);
                self.body(&c.body, inner);
            }
            Stmt::Return(r) => self.opt(&r.value, scope),
            Stmt::Delete(d) => self.exprs_in(&d.targets, scope),
            Stmt::Assign(a) => {
                for t in &a.targets {
                    self.target(t, Some(&a.value), scope);
                }
                self.expr(&a.value, scope);
            }
            Stmt::TypeAlias(t) => {
                self.target(&t.name, None, scope);
                self.expr(&t.value, scope);
            }
            Stmt::AugAssign(a) => {
                self.target(&a.target, None, scope);
                self.expr(&a.value, scope);
            }
            Stmt::AnnAssign(a) => {
                self.target(&a.target, a.value.as_deref(), scope);
                self.expr(&a.annotation, scope);
                self.opt(&a.value, scope);
            }
            Stmt::For(f) => {
                self.target(&f.target, None, scope);
                self.expr(&f.iter, scope);
                self.body(&f.body, scope);
                self.body(&f.orelse, scope);
            }
            Stmt::AsyncFor(f) => {
                self.target(&f.target, None, scope);
                self.expr(&f.iter, scope);
                self.body(&f.body, scope);
                self.body(&f.orelse, scope);
            }
            Stmt::While(w) => {
                self.expr(&w.test, scope);
                self.body(&w.body, scope);
                self.body(&w.orelse, scope);
            }
            Stmt::If(i) => {
                self.expr(&i.test, scope);
                self.body(&i.body, scope);
                self.body(&i.orelse, scope);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr, scope);
                    if let Some(v) = &item.optional_vars {
                        self.target(v, None, scope);
                    }
                }
                self.body(&w.body, scope);
            }
            Stmt::AsyncWith(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr, scope);
                    if let Some(v) = &item.optional_vars {
                        self.target(v, None, scope);
                    }
                }
                self.body(&w.body, scope);
            }
            Stmt::Match(m) => {
                self.expr(&m.subject, scope);
                for case in &m.cases {
                    self.pattern(&case.pattern, scope);
                    self.opt(&case.guard, scope);
                    self.body(&case.body, scope);
                }
            }
            Stmt::Raise(r) => {
                self.opt(&r.exc, scope);
                self.opt(&r.cause, scope);
            }
            Stmt::Try(t) => self.try_parts(&t.body, &t.handlers, &t.orelse, &t.finalbody, scope),
            Stmt::TryStar(t) => {
                self.try_parts(&t.body, &t.handlers, &t.orelse, &t.finalbody, scope)
            }
            Stmt::Assert(a) => {
                self.expr(&a.test, scope);
                self.opt(&a.msg, scope);
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.to_string();
                    let (bound, qual) = match &alias.asname {
                        Some(as_) => (as_.to_string(), full.clone()),
                        None => {
                            let first = full.split('.').next().unwrap_or_default().to_owned();
                            (first.clone(), first)
                        }
                    };
                    self.bind(scope, &bound, BindValue::Qual(qual), alias.range);
                    self.imports.push(ImportSite {
                        range: alias.range,
                        scope,
                        module: full,
                        member: None,
                        level: 0,
                    });
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                let level = i.level.as_ref().map_or(0, |l| l.to_u32());
                for alias in &i.names {
                    let name = alias.name.to_string();
                    if name != "*" {
                        let bound = alias
                            .asname
                            .as_ref()
                            .map_or(name.clone(), |a| a.to_string());
                        let value = if level == 0 {
                            BindValue::Qual(format!("{module}.{name}"))
                        } else {
                            BindValue::Opaque
                        };
                        self.bind(scope, &bound, value, alias.range);
                    }
                    self.imports.push(ImportSite {
                        range: alias.range,
                        scope,
                        module: module.clone(),
                        member: Some(name),
                        level,
                    });
                }
            }
            Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_) => {}
            Stmt::Expr(e) => self.expr(&e.value, scope),
        }
    }

    fn try_parts(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ast::ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
        scope: ScopeKey,
    ) {
        self.body(body, scope);
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.opt(&h.type_, scope);
            if let Some(n) = &h.name {
                self.bind(scope, n.as_str(), BindValue::Opaque, h.range);
            }
            self.body(&h.body, scope);
        }
        self.body(orelse, scope);
        self.body(finalbody, scope);
    }

    /// Record the bindings made by an assignment target, then walk it.
    pub(super) fn target(&mut self, t: &'a Expr, value: Option<&'a Expr>, scope: ScopeKey) {
        match t {
            Expr::Name(n) => {
                let v = value.map_or(BindValue::Opaque, BindValue::Expr);
                self.bind(scope, n.id.as_str(), v, n.range);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let values: Option<&'a [Expr]> = match value {
                    Some(Expr::Tuple(v)) if v.elts.len() == elts.len() => Some(&v.elts),
                    Some(Expr::List(v)) if v.elts.len() == elts.len() => Some(&v.elts),
                    _ => None,
                };
                for (i, e) in elts.iter().enumerate() {
                    let v = values.and_then(|vs| vs.get(i));
                    self.target_nowalk(e, v, scope);
                }
            }
            Expr::Starred(s) => self.target_nowalk(&s.value, None, scope),
            _ => {}
        }
        self.expr(t, scope);
    }

    fn target_nowalk(&mut self, t: &'a Expr, value: Option<&'a Expr>, scope: ScopeKey) {
        match t {
            Expr::Name(n) => {
                let v = value.map_or(BindValue::Opaque, BindValue::Expr);
                self.bind(scope, n.id.as_str(), v, n.range);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for e in elts {
                    self.target_nowalk(e, None, scope);
                }
            }
            Expr::Starred(s) => self.target_nowalk(&s.value, None, scope),
            _ => {}
        }
    }

    fn pattern(&mut self, p: &'a Pattern, scope: ScopeKey) {
        if !self.enter(pattern_start(p)) {
            self.depth -= 1;
            return;
        }
        match p {
            Pattern::MatchValue(v) => self.expr(&v.value, scope),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(s) => s.patterns.iter().for_each(|q| self.pattern(q, scope)),
            Pattern::MatchMapping(m) => {
                self.exprs_in(&m.keys, scope);
                m.patterns.iter().for_each(|q| self.pattern(q, scope));
                if let Some(r) = &m.rest {
                    self.bind(scope, r.as_str(), BindValue::Opaque, m.range);
                }
            }
            Pattern::MatchClass(c) => {
                self.expr(&c.cls, scope);
                c.patterns
                    .iter()
                    .chain(&c.kwd_patterns)
                    .for_each(|q| self.pattern(q, scope));
            }
            Pattern::MatchStar(s) => {
                if let Some(n) = &s.name {
                    self.bind(scope, n.as_str(), BindValue::Opaque, s.range);
                }
            }
            Pattern::MatchAs(a) => {
                if let Some(q) = &a.pattern {
                    self.pattern(q, scope);
                }
                if let Some(n) = &a.name {
                    self.bind(scope, n.as_str(), BindValue::Opaque, a.range);
                }
            }
            Pattern::MatchOr(o) => o.patterns.iter().for_each(|q| self.pattern(q, scope)),
        }
        self.depth -= 1;
    }
}

fn pattern_start(p: &Pattern) -> TextSize {
    match p {
        Pattern::MatchValue(x) => x.range.start(),
        Pattern::MatchSingleton(x) => x.range.start(),
        Pattern::MatchSequence(x) => x.range.start(),
        Pattern::MatchMapping(x) => x.range.start(),
        Pattern::MatchClass(x) => x.range.start(),
        Pattern::MatchStar(x) => x.range.start(),
        Pattern::MatchAs(x) => x.range.start(),
        Pattern::MatchOr(x) => x.range.start(),
    }
}
