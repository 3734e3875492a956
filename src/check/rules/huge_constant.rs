//! `SDG602 huge-constant`: constant arithmetic whose result is absurdly large,
//! anywhere (module level, default arguments, function bodies).
//!
//! Why: `10**10**8` is one short expression that keeps CPython busy for
//! seconds and allocates a 40 MB integer; `"x" * 10**10` exhausts memory. At
//! module level it even ran before the generation time limit. The rule folds
//! constant expressions *abstractly*, estimating sizes instead of computing
//! them (an integer is tracked exactly while it fits in 126 bits, then as an
//! estimated bit length; a str/bytes/tuple/list as its length), through
//! `+ - * ** << >> // % & | ^ ~`, unary minus, `pow(a, b[, m])`, sequence
//! repetition and concatenation, and names bound exactly once in their scope
//! to such an expression (`N = 10**8` then `10**N`). Refused: an integer of
//! more than [`MAX_INT_BITS`] bits, a sequence of more than [`MAX_SEQ_LEN`]
//! elements. Reported once, at the innermost operation that crosses the bound.
//!
//! ```python
//! BIG = 10**10**8          # SDG602 at `10**10**8`
//! pad = "x" * (1 << 40)    # SDG602
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::super::walk::{BindValue, Flat, ScopeKey, MODULE};
use rustpython_parser::ast::{Constant, Expr, Operator, Ranged, UnaryOp};
use std::collections::HashMap;

/// Largest integer result accepted, in bits (about 3 000 decimal digits).
pub const MAX_INT_BITS: f64 = 10_000.0;
/// Longest str/bytes/tuple/list result accepted, in elements (10^7).
pub const MAX_SEQ_LEN: f64 = 1e7;
/// How many name indirections are followed.
const MAX_NAME_HOPS: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Int {
    Small(i128),
    /// Estimated bit length and sign.
    Big(f64, bool),
}

impl Int {
    fn bits(self) -> f64 {
        match self {
            Int::Small(v) => f64::from(128 - v.unsigned_abs().leading_zeros()),
            Int::Big(b, _) => b,
        }
    }
    fn neg(self) -> bool {
        match self {
            Int::Small(v) => v < 0,
            Int::Big(_, n) => n,
        }
    }
    fn big(bits: f64, neg: bool) -> Int {
        Int::Big(bits, neg)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    Int(Int),
    Float,
    Seq(f64),
    /// This very node crosses a bound (reported here).
    Huge,
    /// An operand is huge (already reported there).
    Poisoned,
    Unknown,
}

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    let mut f = Folder::new(cx);
    let flat: &Flat<'_> = cx.flat;
    for &(e, scope) in &flat.exprs {
        if !matches!(e, Expr::BinOp(_) | Expr::UnaryOp(_) | Expr::Call(_)) {
            continue;
        }
        if f.eval(e, scope, 0) == V::Huge {
            out.push(
                cx.violation(
                    Rule::HugeConstant,
                    e.range(),
                    f.why
                        .get(&key(e))
                        .cloned()
                        .unwrap_or_else(|| "constant result too large".into()),
                    "use a reasonable constant; sizes belong in the generator's inputs",
                ),
            );
        }
    }
}

fn key(e: &Expr) -> usize {
    e as *const Expr as usize
}

struct Folder<'c, 'a> {
    cx: &'c Context<'a>,
    memo: HashMap<usize, V>,
    why: HashMap<usize, String>,
    /// Bindings per (scope, name).
    binds: HashMap<(ScopeKey, &'a str), Vec<&'a BindValue<'a>>>,
}

impl<'c, 'a> Folder<'c, 'a> {
    fn new(cx: &'c Context<'a>) -> Self {
        let mut binds: HashMap<(ScopeKey, &'a str), Vec<&'a BindValue<'a>>> = HashMap::new();
        let flat: &'a Flat<'a> = cx.flat;
        for b in &flat.bindings {
            binds
                .entry((b.scope, b.name.as_str()))
                .or_default()
                .push(&b.value);
        }
        Folder {
            cx,
            memo: HashMap::new(),
            why: HashMap::new(),
            binds,
        }
    }

    fn eval(&mut self, e: &'a Expr, scope: ScopeKey, hops: usize) -> V {
        if let Some(v) = self.memo.get(&key(e)) {
            return *v;
        }
        // Provisional entry breaks cycles through names (`a = a * 2`).
        self.memo.insert(key(e), V::Unknown);
        let v = self.compute(e, scope, hops);
        let v = match v {
            V::Int(i) if i.bits() > MAX_INT_BITS => {
                self.why.insert(
                    key(e),
                    format!(
                        "constant arithmetic gives an integer of about {} bits (limit {MAX_INT_BITS})",
                        approx(i.bits())
                    ),
                );
                V::Huge
            }
            V::Seq(n) if n > MAX_SEQ_LEN => {
                self.why.insert(
                    key(e),
                    format!(
                        "constant expression builds a sequence of about {} elements (limit {MAX_SEQ_LEN:e})",
                        approx(n)
                    ),
                );
                V::Huge
            }
            v => v,
        };
        self.memo.insert(key(e), v);
        v
    }

    fn compute(&mut self, e: &'a Expr, scope: ScopeKey, hops: usize) -> V {
        match e {
            Expr::Constant(c) => constant(&c.value),
            Expr::List(l) if !l.elts.iter().any(|x| matches!(x, Expr::Starred(_))) => {
                V::Seq(l.elts.len() as f64)
            }
            Expr::Tuple(t) if !t.elts.iter().any(|x| matches!(x, Expr::Starred(_))) => {
                V::Seq(t.elts.len() as f64)
            }
            Expr::UnaryOp(u) => match self.eval(&u.operand, scope, hops) {
                V::Huge | V::Poisoned => V::Poisoned,
                V::Int(i) => match u.op {
                    UnaryOp::USub => V::Int(match i {
                        Int::Small(v) => v
                            .checked_neg()
                            .map_or(Int::big(i.bits(), !i.neg()), Int::Small),
                        Int::Big(b, n) => Int::Big(b, !n),
                    }),
                    UnaryOp::UAdd => V::Int(i),
                    UnaryOp::Invert => V::Int(match i {
                        Int::Small(v) => Int::Small(!v),
                        Int::Big(b, n) => Int::Big(b + 1.0, !n),
                    }),
                    UnaryOp::Not => V::Int(Int::Small(0)),
                },
                V::Float => V::Float,
                _ => V::Unknown,
            },
            Expr::BinOp(b) => {
                let l = self.eval(&b.left, scope, hops);
                let r = self.eval(&b.right, scope, hops);
                binop(l, b.op, r)
            }
            Expr::Call(c) if c.keywords.is_empty() && self.is_builtin_pow(&c.func, scope) => {
                let args: Vec<V> = c.args.iter().map(|a| self.eval(a, scope, hops)).collect();
                match args.as_slice() {
                    [a, b] => binop(*a, Operator::Pow, *b),
                    [a, b, m] => {
                        if [a, b, m].iter().any(|v| matches!(v, V::Huge | V::Poisoned)) {
                            V::Poisoned
                        } else if let V::Int(m) = m {
                            V::Int(Int::big(m.bits(), false))
                        } else {
                            V::Unknown
                        }
                    }
                    _ => V::Unknown,
                }
            }
            Expr::Name(n) if hops < MAX_NAME_HOPS => match self.binding(n.id.as_str(), scope) {
                Some((value, at)) => match self.eval(value, at, hops + 1) {
                    V::Huge | V::Poisoned => V::Poisoned,
                    v => v,
                },
                None => V::Unknown,
            },
            _ => V::Unknown,
        }
    }

    /// The expression a name is bound to, if it is bound exactly once (by a
    /// plain assignment) in the nearest scope that binds it.
    fn binding(&self, name: &str, scope: ScopeKey) -> Option<(&'a Expr, ScopeKey)> {
        let mut s = scope;
        for _ in 0..10_000 {
            if let Some(values) = self.binds.get(&(s, name)) {
                return match values.as_slice() {
                    [BindValue::Expr(e)] => Some((*e, s)),
                    _ => None,
                };
            }
            if s == MODULE {
                return None;
            }
            s = self.cx.flat.scopes.get(&s).map_or(MODULE, |i| i.parent);
        }
        None
    }

    fn is_builtin_pow(&self, func: &Expr, scope: ScopeKey) -> bool {
        matches!(func, Expr::Name(n) if n.id.as_str() == "pow")
            && self.cx.resolver.lookup("pow", scope) == ["pow"]
    }
}

fn constant(c: &Constant) -> V {
    match c {
        Constant::Int(i) => {
            let bits = i.bits();
            if bits <= 126 {
                i.to_string()
                    .parse()
                    .map_or(V::Unknown, |v| V::Int(Int::Small(v)))
            } else {
                V::Int(Int::big(bits as f64, i.to_string().starts_with('-')))
            }
        }
        Constant::Bool(b) => V::Int(Int::Small(i128::from(*b))),
        Constant::Float(_) | Constant::Complex { .. } => V::Float,
        Constant::Str(s) => V::Seq(s.chars().count() as f64),
        Constant::Bytes(b) => V::Seq(b.len() as f64),
        Constant::Tuple(t) => V::Seq(t.len() as f64),
        Constant::None | Constant::Ellipsis => V::Unknown,
    }
}

fn binop(l: V, op: Operator, r: V) -> V {
    use Operator as O;
    if matches!(l, V::Huge | V::Poisoned) || matches!(r, V::Huge | V::Poisoned) {
        return V::Poisoned;
    }
    match (l, r) {
        (V::Int(a), V::Int(b)) => int_op(a, op, b),
        (V::Float, V::Int(_) | V::Float) | (V::Int(_), V::Float) => match op {
            O::MatMult | O::LShift | O::RShift | O::BitAnd | O::BitOr | O::BitXor => V::Unknown,
            _ => V::Float,
        },
        (V::Seq(n), V::Int(k)) | (V::Int(k), V::Seq(n)) if op == O::Mult => repeat(n, k),
        (V::Seq(a), V::Seq(b)) if op == O::Add => V::Seq(a + b),
        _ => V::Unknown,
    }
}

fn repeat(n: f64, k: Int) -> V {
    if k.neg() || n == 0.0 {
        return V::Seq(0.0);
    }
    match k {
        Int::Small(k) => V::Seq(n * k as f64),
        Int::Big(..) => V::Seq(f64::INFINITY),
    }
}

fn int_op(a: Int, op: Operator, b: Int) -> V {
    use Operator as O;
    let exact =
        |r: Option<i128>, bits: f64, neg: bool| V::Int(r.map_or(Int::big(bits, neg), Int::Small));
    let (sa, sb) = match (a, b) {
        (Int::Small(x), Int::Small(y)) => (Some(x), Some(y)),
        _ => (None, None),
    };
    let both = sa.zip(sb);
    match op {
        O::Add | O::Sub => {
            let r = both.and_then(|(x, y)| {
                if op == O::Add {
                    x.checked_add(y)
                } else {
                    x.checked_sub(y)
                }
            });
            exact(r, a.bits().max(b.bits()) + 1.0, a.neg())
        }
        O::Mult => exact(
            both.and_then(|(x, y)| x.checked_mul(y)),
            a.bits() + b.bits(),
            a.neg() != b.neg(),
        ),
        O::Div => V::Float,
        O::FloorDiv => exact(
            both.and_then(|(x, y)| {
                if y == 0 {
                    None
                } else {
                    x.checked_div_euclid(y)
                }
            }),
            a.bits(),
            a.neg() != b.neg(),
        ),
        O::Mod => exact(
            both.and_then(|(x, y)| {
                if y == 0 {
                    None
                } else {
                    x.checked_rem_euclid(y)
                }
            }),
            a.bits().min(b.bits()),
            b.neg(),
        ),
        O::Pow => pow(a, b),
        O::LShift => match (a, b) {
            (Int::Small(0), _) => V::Int(Int::Small(0)),
            (_, x) if x.neg() => V::Unknown, // ValueError at run time
            (_, Int::Small(k)) => {
                let bits = a.bits() + k as f64;
                let r = if bits <= 126.0 {
                    sa.and_then(|x| u32::try_from(k).ok().and_then(|k| x.checked_shl(k)))
                } else {
                    None
                };
                exact(r, bits, a.neg())
            }
            (_, Int::Big(..)) => V::Int(Int::big(f64::INFINITY, a.neg())),
        },
        O::RShift => match b {
            Int::Small(k) if k >= 0 => exact(
                sa.map(|x| {
                    if k >= 127 {
                        if x < 0 {
                            -1
                        } else {
                            0
                        }
                    } else {
                        x >> k
                    }
                }),
                (a.bits() - k as f64).max(1.0),
                a.neg(),
            ),
            _ => V::Unknown,
        },
        O::BitAnd | O::BitOr | O::BitXor => {
            let r = both.map(|(x, y)| match op {
                O::BitAnd => x & y,
                O::BitOr => x | y,
                _ => x ^ y,
            });
            exact(r, a.bits().max(b.bits()), false)
        }
        O::MatMult => V::Unknown,
    }
}

fn pow(a: Int, b: Int) -> V {
    if b.neg() {
        return V::Float; // int ** negative int is a float in Python
    }
    // |a| <= 1: the result is 0, 1 or -1 whatever the exponent.
    if let Int::Small(x) = a {
        if x.unsigned_abs() <= 1 {
            let odd = match b {
                Int::Small(k) => k % 2 == 1,
                Int::Big(..) => true,
            };
            return V::Int(Int::Small(match (x, b) {
                (0, Int::Small(0)) => 1,
                (0, _) => 0,
                (1, _) => 1,
                _ => {
                    if odd {
                        -1
                    } else {
                        1
                    }
                }
            }));
        }
    }
    let neg = a.neg();
    match b {
        Int::Small(k) => {
            let per = match a {
                Int::Small(x) => (x.unsigned_abs() as f64).log2(),
                Int::Big(bits, _) => bits,
            };
            let bits = per * k as f64 + 1.0;
            let exact = match a {
                Int::Small(x) if bits <= 126.0 => {
                    u32::try_from(k).ok().and_then(|k| x.checked_pow(k))
                }
                _ => None,
            };
            V::Int(exact.map_or(Int::big(bits, neg && k % 2 == 1), Int::Small))
        }
        Int::Big(..) => V::Int(Int::big(f64::INFINITY, neg)),
    }
}

/// `3.3e8` style rendering of a size estimate.
fn approx(x: f64) -> String {
    if !x.is_finite() {
        "unbounded".into()
    } else if x < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.1e}")
    }
}
