//! Expression walking, including the scopes that lambdas and
//! comprehensions open.

use super::{Flat, ScopeKey, ScopeKind};
use rustpython_parser::ast::{self, Expr, Ranged};

impl<'a> Flat<'a> {
    fn comprehension(
        &mut self,
        e: &'a Expr,
        gens: &'a [ast::Comprehension],
        elts: &[&'a Expr],
        scope: ScopeKey,
    ) {
        let inner = self.new_scope(e.range(), ScopeKind::Comprehension, scope);
        for (i, g) in gens.iter().enumerate() {
            self.expr(&g.iter, if i == 0 { scope } else { inner });
            self.target(&g.target, None, inner);
            self.exprs_in(&g.ifs, inner);
        }
        for x in elts {
            self.expr(x, inner);
        }
    }

    pub(crate) fn expr(&mut self, e: &'a Expr, scope: ScopeKey) {
        if self.enter(e.start()) {
            self.exprs.push((e, scope));
            self.expr_inner(e, scope);
        }
        self.depth -= 1;
    }

    fn expr_inner(&mut self, e: &'a Expr, scope: ScopeKey) {
        match e {
            Expr::BoolOp(b) => self.exprs_in(&b.values, scope),
            Expr::NamedExpr(n) => {
                self.target(&n.target, Some(&n.value), scope);
                self.expr(&n.value, scope);
            }
            Expr::BinOp(b) => {
                self.expr(&b.left, scope);
                self.expr(&b.right, scope);
            }
            Expr::UnaryOp(u) => self.expr(&u.operand, scope),
            Expr::Lambda(l) => {
                let inner = self.new_scope(e.range(), ScopeKind::Lambda, scope);
                self.arguments(&l.args, scope, inner);
                self.expr(&l.body, inner);
            }
            Expr::IfExp(i) => {
                self.expr(&i.test, scope);
                self.expr(&i.body, scope);
                self.expr(&i.orelse, scope);
            }
            Expr::Dict(d) => {
                for k in d.keys.iter().flatten() {
                    self.expr(k, scope);
                }
                self.exprs_in(&d.values, scope);
            }
            Expr::Set(s) => self.exprs_in(&s.elts, scope),
            Expr::ListComp(c) => self.comprehension(e, &c.generators, &[&c.elt], scope),
            Expr::SetComp(c) => self.comprehension(e, &c.generators, &[&c.elt], scope),
            Expr::GeneratorExp(c) => self.comprehension(e, &c.generators, &[&c.elt], scope),
            Expr::DictComp(c) => self.comprehension(e, &c.generators, &[&c.key, &c.value], scope),
            Expr::Await(a) => self.expr(&a.value, scope),
            Expr::Yield(y) => self.opt(&y.value, scope),
            Expr::YieldFrom(y) => self.expr(&y.value, scope),
            Expr::Compare(c) => {
                self.expr(&c.left, scope);
                self.exprs_in(&c.comparators, scope);
            }
            Expr::Call(c) => {
                self.expr(&c.func, scope);
                self.exprs_in(&c.args, scope);
                for k in &c.keywords {
                    self.expr(&k.value, scope);
                }
            }
            Expr::FormattedValue(f) => {
                self.expr(&f.value, scope);
                self.opt(&f.format_spec, scope);
            }
            Expr::JoinedStr(j) => self.exprs_in(&j.values, scope),
            Expr::Constant(_) | Expr::Name(_) => {}
            Expr::Attribute(a) => self.expr(&a.value, scope),
            Expr::Subscript(s) => {
                self.expr(&s.value, scope);
                self.expr(&s.slice, scope);
            }
            Expr::Starred(s) => self.expr(&s.value, scope),
            Expr::List(l) => self.exprs_in(&l.elts, scope),
            Expr::Tuple(t) => self.exprs_in(&t.elts, scope),
            Expr::Slice(s) => {
                self.opt(&s.lower, scope);
                self.opt(&s.upper, scope);
                self.opt(&s.step, scope);
            }
        }
    }
}
