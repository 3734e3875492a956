//! Name resolution: every Name/Attribute chain → the dotted qualified names it
//! may denote, through imports and aliases.
//!
//! Flow-insensitive and deliberately over-approximating: a name bound in a
//! scope to several things denotes all of them (`x = np.save` anywhere in a
//! function makes every `x` there `numpy.save`). Handles `import a.b as c`,
//! `from m import n as k`, `x = np`, `x = np.save`, tuple assignment
//! `a, b = np, np.save`, walrus, `x = a if c else b`, `[np.save][0]`,
//! `getattr(np, "save")` (literal names), lambdas and defs (`$fn:<key>`).
//! A name bound nowhere resolves to itself (a builtin such as `open`);
//! `builtins.x` is normalised to `x`.

use super::walk::{fn_qual, lambda_key, BindValue, Flat, ScopeKey, ScopeKind, MODULE};
use rustpython_parser::ast::{Constant, Expr};
use std::collections::{HashMap, HashSet};

/// Most qualified names one binding may accumulate.
const MAX_ALIASES: usize = 64;
/// Fixed-point rounds for alias chains written in reverse order (known gap:
/// a chain needing more rounds than this is not followed to its end).
const MAX_ROUNDS: usize = 64;
/// Resolution depth; above the walker's limit so accepted ASTs always resolve fully.
const MAX_RESOLVE_DEPTH: usize = super::walk::MAX_DEPTH + 8;

pub(crate) struct Resolver {
    bound: HashSet<(ScopeKey, String)>,
    aliases: HashMap<(ScopeKey, String), Vec<String>>,
    parents: HashMap<ScopeKey, (ScopeKey, ScopeKind)>,
}

impl Resolver {
    pub(crate) fn build(flat: &Flat<'_>) -> Resolver {
        let mut r = Resolver {
            bound: HashSet::new(),
            aliases: HashMap::new(),
            parents: flat
                .scopes
                .iter()
                .map(|(k, s)| (*k, (s.parent, s.kind)))
                .collect(),
        };
        for b in &flat.bindings {
            r.bound.insert((b.scope, b.name.clone()));
            if let BindValue::Qual(q) = &b.value {
                r.add_alias(b.scope, &b.name, normalise(q));
            }
        }
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            for b in &flat.bindings {
                if let BindValue::Expr(e) = &b.value {
                    for q in r.resolve(e, b.scope) {
                        changed |= r.add_alias(b.scope, &b.name, q);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        r
    }

    fn add_alias(&mut self, scope: ScopeKey, name: &str, qual: String) -> bool {
        let entry = self.aliases.entry((scope, name.to_owned())).or_default();
        if entry.len() >= MAX_ALIASES || entry.contains(&qual) {
            return false;
        }
        entry.push(qual);
        true
    }

    /// Qualified names `e` may denote (empty: unknown / computed value).
    pub(crate) fn resolve(&self, e: &Expr, scope: ScopeKey) -> Vec<String> {
        self.resolve_at(e, scope, 0)
    }

    fn resolve_at(&self, e: &Expr, scope: ScopeKey, depth: usize) -> Vec<String> {
        if depth > MAX_RESOLVE_DEPTH {
            return Vec::new();
        }
        let d = depth + 1;
        match e {
            Expr::Name(n) => self.lookup(n.id.as_str(), scope),
            Expr::Attribute(a) => suffix(self.resolve_at(&a.value, scope, d), a.attr.as_str()),
            Expr::Call(c) => match getattr_literal(self, c, scope) {
                Some((obj, name)) => suffix(self.resolve_at(obj, scope, d), name),
                None => Vec::new(),
            },
            Expr::Lambda(_) => vec![fn_qual(lambda_key(e))],
            Expr::IfExp(i) => {
                let mut v = self.resolve_at(&i.body, scope, d);
                v.extend(self.resolve_at(&i.orelse, scope, d));
                v
            }
            Expr::BoolOp(b) => b
                .values
                .iter()
                .flat_map(|x| self.resolve_at(x, scope, d))
                .collect(),
            Expr::NamedExpr(n) => self.resolve_at(&n.value, scope, d),
            Expr::Subscript(s) => match s.value.as_ref() {
                Expr::List(l) => l
                    .elts
                    .iter()
                    .flat_map(|x| self.resolve_at(x, scope, d))
                    .collect(),
                Expr::Tuple(t) => t
                    .elts
                    .iter()
                    .flat_map(|x| self.resolve_at(x, scope, d))
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Look a bare name up from `scope` outwards.
    pub(crate) fn lookup(&self, name: &str, scope: ScopeKey) -> Vec<String> {
        let mut s = scope;
        let mut first = true;
        for _ in 0..10_000 {
            let (parent, kind) = self
                .parents
                .get(&s)
                .copied()
                .unwrap_or((MODULE, ScopeKind::Module));
            // Class bodies are not visible from nested scopes (Python rule).
            let visible = first || kind != ScopeKind::Class;
            if visible && self.bound.contains(&(s, name.to_owned())) {
                return self
                    .aliases
                    .get(&(s, name.to_owned()))
                    .cloned()
                    .unwrap_or_default();
            }
            if s == MODULE {
                break;
            }
            s = parent;
            first = false;
        }
        vec![normalise(name)]
    }

    /// Is `name` bound (to anything) in exactly this scope?
    pub(crate) fn is_bound_in(&self, name: &str, scope: ScopeKey) -> bool {
        self.bound.contains(&(scope, name.to_owned()))
    }
}

fn suffix(quals: Vec<String>, attr: &str) -> Vec<String> {
    quals
        .into_iter()
        .map(|q| normalise(&format!("{q}.{attr}")))
        .collect()
}

fn normalise(q: &str) -> String {
    q.strip_prefix("builtins.")
        .or_else(|| q.strip_prefix("__builtin__."))
        .unwrap_or(q)
        .to_owned()
}

/// `getattr(obj, "literal", ...)` where `getattr` is the builtin: (obj, literal).
pub(crate) fn getattr_literal<'e>(
    r: &Resolver,
    c: &'e rustpython_parser::ast::ExprCall,
    scope: ScopeKey,
) -> Option<(&'e Expr, &'e str)> {
    let Expr::Name(n) = c.func.as_ref() else {
        return None;
    };
    if n.id.as_str() != "getattr" || r.lookup("getattr", scope) != ["getattr"] {
        return None;
    }
    let obj = c.args.first()?;
    match c.args.get(1)? {
        Expr::Constant(k) => match &k.value {
            Constant::Str(s) => Some((obj, s.as_str())),
            _ => None,
        },
        _ => None,
    }
}
