//! A small line-based unified diff, used to show how the approved code differs from the LLM's
//! draft. The edit script is `similar`'s Myers (O(ND)); this module only writes it as unified-diff
//! hunks (`similar`'s own unified format differs in details our output keeps). Inputs past
//! [`MAX_LINES`] lines, or needing more than [`MAX_EDITS`] line edits after the common head and
//! tail are trimmed, are shown as one hunk replacing the whole differing middle: correct, just
//! not minimal.

use similar::algorithms::Capture;
use similar::DiffTag;

/// Longest input (in lines, either side) diffed line by line.
pub const MAX_LINES: usize = 10_000;
/// Most line edits searched for before falling back to a whole replacement.
pub const MAX_EDITS: usize = 2_000;
/// Unchanged lines shown around each change.
pub const CONTEXT: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// A unified diff from `old` to `new` (headers `--- old` / `+++ new`); empty if they are equal.
pub fn diff(old: &str, new: &str) -> String {
    unified_diff("old", "new", old, new, CONTEXT)
}

/// A unified diff with the given header labels and context lines; empty if the texts are equal.
pub fn unified_diff(
    old_label: &str,
    new_label: &str,
    old: &str,
    new: &str,
    context: usize,
) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = edit_script(&a, &b);
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    write_hunks(&mut out, &a, &b, &ops, context);
    out
}

/// The edit script turning `a` into `b`, as one op per line, in order.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops = vec![Op::Equal; head];
    let middle = if a.len() > MAX_LINES || b.len() > MAX_LINES {
        None
    } else {
        myers(mid_a, mid_b, MAX_EDITS)
    };
    match middle {
        Some(m) => ops.extend(m),
        None => {
            ops.extend(std::iter::repeat_n(Op::Delete, mid_a.len()));
            ops.extend(std::iter::repeat_n(Op::Insert, mid_b.len()));
        }
    }
    ops.extend(std::iter::repeat_n(Op::Equal, tail));
    ops
}

/// A shortest edit script (`similar`'s Myers, no deadline so the result is deterministic), or
/// `None` if it needs more than `max_d` edits. Unlike the hand-written search this replaced, the
/// budget is checked after the search, so [`MAX_LINES`] alone bounds the work.
fn myers(a: &[&str], b: &[&str], max_d: usize) -> Option<Vec<Op>> {
    let mut capture = Capture::new();
    // The hook never fails.
    let _ = similar::algorithms::myers::diff(&mut capture, a, 0..a.len(), b, 0..b.len());
    let mut ops = Vec::with_capacity(a.len().max(b.len()));
    for op in capture.into_ops() {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => ops.extend(std::iter::repeat_n(Op::Equal, old.len())),
            DiffTag::Delete => ops.extend(std::iter::repeat_n(Op::Delete, old.len())),
            DiffTag::Insert => ops.extend(std::iter::repeat_n(Op::Insert, new.len())),
            DiffTag::Replace => {
                ops.extend(std::iter::repeat_n(Op::Delete, old.len()));
                ops.extend(std::iter::repeat_n(Op::Insert, new.len()));
            }
        }
    }
    let edits = ops.iter().filter(|o| **o != Op::Equal).count();
    if edits > max_d {
        return None;
    }
    // `similar` may insert before it deletes; a unified diff shows each changed block's removed
    // lines first (as diff(1) does, and as this module always has).
    for block in ops.split_mut(|o| *o == Op::Equal) {
        block.sort_unstable_by_key(|o| *o != Op::Delete);
    }
    Some(ops)
}

fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

fn range(start0: usize, len: usize) -> String {
    let start = if len == 0 { start0 } else { start0 + 1 };
    if len == 1 {
        format!("{start}")
    } else {
        format!("{start},{len}")
    }
}

fn write_hunks(out: &mut String, a: &[&str], b: &[&str], ops: &[Op], context: usize) {
    // Positions in a and b before each op.
    let mut pos = Vec::with_capacity(ops.len() + 1);
    let (mut i, mut j) = (0usize, 0usize);
    for op in ops {
        pos.push((i, j));
        match op {
            Op::Equal => (i, j) = (i + 1, j + 1),
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    pos.push((i, j));
    let changes: Vec<usize> = (0..ops.len()).filter(|&t| ops[t] != Op::Equal).collect();
    let mut c = 0;
    while c < changes.len() {
        let mut last = c;
        while last + 1 < changes.len() && changes[last + 1] - changes[last] - 1 <= 2 * context {
            last += 1;
        }
        let start = changes[c].saturating_sub(context);
        let end = (changes[last] + 1 + context).min(ops.len());
        let slice = &ops[start..end];
        let a_len = slice.iter().filter(|o| **o != Op::Insert).count();
        let b_len = slice.iter().filter(|o| **o != Op::Delete).count();
        let (a0, b0) = pos[start];
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a0, a_len),
            range(b0, b_len)
        ));
        for t in start..end {
            let (ai, bj) = pos[t];
            match ops[t] {
                Op::Equal => push_line(out, ' ', a[ai]),
                Op::Delete => push_line(out, '-', a[ai]),
                Op::Insert => push_line(out, '+', b[bj]),
            }
        }
        c = last + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a unified diff produced here to `old` (test oracle).
    fn apply(old: &str, patch: &str) -> String {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut i = 0usize;
        let mut lines = patch.split_inclusive('\n').skip(2).peekable();
        while let Some(line) = lines.next() {
            if let Some(h) = line.strip_prefix("@@ -") {
                let a_part = h.split(' ').next().unwrap();
                let mut it = a_part.split(',');
                let start: usize = it.next().unwrap().parse().unwrap();
                let len: usize = it.next().map_or(1, |l| l.parse().unwrap());
                let start0 = if len == 0 { start } else { start - 1 };
                while i < start0 {
                    out.push_str(a[i]);
                    i += 1;
                }
                continue;
            }
            let no_eol = lines.peek().is_some_and(|l| l.starts_with('\\'));
            let body = &line[1..];
            let body = if no_eol {
                body.strip_suffix('\n').unwrap()
            } else {
                body
            };
            if no_eol {
                lines.next();
            }
            match &line[..1] {
                " " => {
                    out.push_str(body);
                    i += 1;
                }
                "-" => i += 1,
                "+" => out.push_str(body),
                other => panic!("bad line {other:?}"),
            }
        }
        while i < a.len() {
            out.push_str(a[i]);
            i += 1;
        }
        out
    }

    #[test]
    fn equal_is_empty() {
        assert_eq!(diff("a\nb\n", "a\nb\n"), "");
    }

    #[test]
    fn one_change_in_the_middle() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            diff(old, new),
            "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn insert_into_empty_and_missing_newline() {
        assert_eq!(diff("", "x\n"), "--- old\n+++ new\n@@ -0,0 +1 @@\n+x\n");
        assert_eq!(
            diff("a\n", "a"),
            "--- old\n+++ new\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn patches_apply_back() {
        let cases = [
            ("a\nb\nc\n", "b\nc\nd\n"),
            ("x\ny\nz", "x\nq\nz"),
            ("", "1\n2\n"),
            ("1\n2\n", ""),
            (
                "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n",
                "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\nm\nn\n",
            ),
        ];
        for (old, new) in cases {
            assert_eq!(apply(old, &diff(old, new)), new, "{old:?} -> {new:?}");
        }
        // Pseudo-random edits, including ones past the edit budget.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for round in 0..30 {
            let n = next() % 300 + if round == 29 { 5000 } else { 0 };
            let old: String = (0..n).map(|_| format!("{}\n", next() % 7)).collect();
            let new: String = (0..n).map(|_| format!("{}\n", next() % 7)).collect();
            assert_eq!(apply(&old, &diff(&old, &new)), new);
        }
    }

    #[test]
    fn minimal_on_simple_cases() {
        let d = diff("a\nb\nc\n", "a\nc\n");
        assert_eq!(d, "--- old\n+++ new\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
    }
}
