//! `SDG306 recursion`: a function that can call itself, directly or through
//! other functions/lambdas defined in the file.
//!
//! Why: recursion depth grows with inputs and can exhaust the sandbox's stack
//! (a crash instead of data); generators should loop or vectorise instead.
//! Builds a graph whose nodes are the file's `def`s and lambdas and whose
//! edges are *references* (not only calls: `map(f, xs)` inside `f` counts) as
//! resolved through aliases (`g = f`), then reports every reference that lies
//! on a cycle: `f = lambda n: f(n - 1)`, `def a(): b()` + `def b(): a()`.
//!
//! ```python
//! def fact(n):
//!     return n * fact(n - 1)   # SDG306 at `fact`
//! ```

use super::super::context::Context;
use super::super::rule::Rule;
use super::super::violation::Violation;
use super::super::walk::{ScopeKey, MODULE};
use std::collections::{HashMap, HashSet};

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    // (from, to, ref index)
    let mut edges: Vec<(ScopeKey, ScopeKey, usize)> = Vec::new();
    for (i, r) in cx.refs.iter().enumerate() {
        let from = cx.function_of(r.scope);
        if from == MODULE {
            continue;
        }
        for q in &r.quals {
            if let Some(to) = q
                .strip_prefix("$fn:")
                .and_then(|k| k.parse::<ScopeKey>().ok())
            {
                edges.push((from, to, i));
            }
        }
    }
    let component = components(edges.iter().map(|&(from, to, _)| (from, to)));
    let mut reported: HashSet<usize> = HashSet::new();
    for (from, to, i) in &edges {
        let on_cycle = from == to
            || (component.contains_key(from) && component.get(from) == component.get(to));
        if on_cycle && reported.insert(*i) {
            let Some(r) = cx.refs.get(*i) else { continue };
            let name = cx.text(r.range);
            let msg = if from == to {
                format!("`{name}` refers to itself (recursion)")
            } else {
                format!("`{name}` is part of a call cycle (mutual recursion)")
            };
            out.push(cx.violation(
                Rule::Recursion,
                r.range,
                msg,
                "rewrite with a loop or vectorised numpy code",
            ));
        }
    }
}

/// Strongly connected components (iterative Kosaraju): node → component id.
/// Linear in nodes + edges, so adversarial call graphs stay cheap.
fn components(edges: impl Iterator<Item = (ScopeKey, ScopeKey)>) -> HashMap<ScopeKey, usize> {
    let mut fwd: HashMap<ScopeKey, Vec<ScopeKey>> = HashMap::new();
    let mut rev: HashMap<ScopeKey, Vec<ScopeKey>> = HashMap::new();
    let mut nodes: Vec<ScopeKey> = Vec::new();
    let mut seen_edge = HashSet::new();
    for (a, b) in edges {
        if seen_edge.insert((a, b)) {
            fwd.entry(a).or_default().push(b);
            rev.entry(b).or_default().push(a);
            nodes.push(a);
            nodes.push(b);
        }
    }
    // Pass 1: post-order of the forward graph.
    let mut visited = HashSet::new();
    let mut order = Vec::new();
    for &start in &nodes {
        if !visited.insert(start) {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        while let Some((n, i)) = stack.pop() {
            let next = fwd.get(&n).and_then(|v| v.get(i)).copied();
            match next {
                Some(m) => {
                    stack.push((n, i + 1));
                    if visited.insert(m) {
                        stack.push((m, 0));
                    }
                }
                None => order.push(n),
            }
        }
    }
    // Pass 2: reverse graph, in reverse post-order.
    let mut component = HashMap::new();
    for (id, &start) in order.iter().rev().enumerate() {
        if component.contains_key(&start) {
            continue;
        }
        component.insert(start, id);
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            for &m in rev.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
                if let std::collections::hash_map::Entry::Vacant(e) = component.entry(m) {
                    e.insert(id);
                    stack.push(m);
                }
            }
        }
    }
    component
}
