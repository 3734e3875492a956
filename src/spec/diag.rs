//! Diagnostics about a spec: what is wrong, where (YAML path and line:column), what was expected,
//! and a hint; rendered like a compiler error with the source line, or as JSON.

use serde::Serialize;

use super::yaml::{Node, Pos, Value};

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable kind, e.g. `unknown-key`, `type`, `range`, `reference`.
    pub code: &'static str,
    /// Where in the document, e.g. `validation_requirements[1].distribution_test.alpha`.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// How many characters to underline from `column` (at least 1).
    #[serde(skip)]
    pub width: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, path: &str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            path: path.to_string(),
            line: pos.line,
            column: pos.column,
            width: 0,
            message: message.into(),
            expected: None,
            hint: None,
        }
    }
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
    pub fn hint_opt(mut self, h: Option<String>) -> Self {
        self.hint = h;
        self
    }
    pub fn width(mut self, w: usize) -> Self {
        self.width = w;
        self
    }
}

/// `did you mean `x`?` when one candidate is close to what was written.
pub fn did_you_mean<'a>(
    got: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(got, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// One segment of a YAML path.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a path as `a.b[2].c`.
pub fn path_string(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                segs.push(Seg::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                if let Ok(n) = rest[1..end].parse() {
                    segs.push(Seg::Index(n));
                }
                rest = &rest[end + 1..];
            }
        } else {
            segs.push(Seg::Key(rest.to_string()));
        }
    }
    segs
}

/// The position of the deepest node along `path` (a key's own position when the path ends at a
/// key), for diagnostics made after parsing. Returns the width of the key text when it ends at one.
pub fn locate(root: &Node, path: &str) -> (Pos, usize) {
    let mut node = root;
    let mut at = (root.pos, 0);
    for seg in parse_path(path) {
        match (&node.value, seg) {
            (Value::Map(entries), Seg::Key(k)) => {
                match entries.iter().find(|(key, _)| key.text == k) {
                    Some((key, value)) => {
                        at = (key.pos, key.width);
                        node = value;
                    }
                    None => break,
                }
            }
            (Value::Seq(items), Seg::Index(i)) => match items.get(i) {
                Some(item) => {
                    at = (item.pos, 0);
                    node = item;
                }
                None => break,
            },
            _ => break,
        }
    }
    at
}

/// The value node at `path`, if the document has one there.
pub fn node_at<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let mut node = root;
    for seg in parse_path(path) {
        node = match (&node.value, seg) {
            (Value::Map(entries), Seg::Key(k)) => &entries.iter().find(|(key, _)| key.text == k)?.1,
            (Value::Seq(items), Seg::Index(i)) => items.get(i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Width of the token starting at `column` on `line` (for underlining a value).
fn token_width(line: &str, column: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(column.saturating_sub(1)).collect();
    let quoted = matches!(rest.first(), Some('"' | '\''));
    let mut w = 0;
    for (i, c) in rest.iter().enumerate() {
        if quoted && i > 0 && *c == rest[0] {
            return i + 1;
        }
        if !quoted && (c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#')) {
            break;
        }
        w = i + 1;
    }
    w.max(1)
}

/// Renders diagnostics compiler-style: `error[code]: message`, `--> file:line:col`, the source
/// line with carets, then `= at`, `= expected` and `= hint` lines. Plain text (no colour).
///
/// The spec is a file (perhaps an LLM's): every piece of its text (the source line, and
/// messages, paths and hints that quote it) is escaped to one inert line
/// ([`crate::untrusted::terminal_line`]); the carets are placed under the escaped text.
pub fn render(text: &str, file: &str, diags: &[Diagnostic]) -> String {
    let mut out = render_as("error", text, file, diags);
    let n = diags.len();
    out += &format!(
        "{}: {n} problem{}\n",
        crate::untrusted::terminal_line(file),
        if n == 1 { "" } else { "s" }
    );
    out
}

/// Renders notes (things worth knowing about a valid spec) like [`render`], as `note[code]`,
/// without the summary line.
pub fn render_notes(text: &str, file: &str, notes: &[Diagnostic]) -> String {
    render_as("note", text, file, notes)
}

fn render_as(label: &str, text: &str, file: &str, diags: &[Diagnostic]) -> String {
    use crate::untrusted::{self, terminal_line as line};
    let lines: Vec<&str> = text.lines().collect();
    let file = line(file);
    let mut out = String::new();
    for d in diags {
        out += &format!("{label}[{}]: {}\n", d.code, line(&d.message));
        out += &format!("  --> {file}:{}:{}\n", d.line, d.column);
        if let Some(src) = d.line.checked_sub(1).and_then(|i| lines.get(i)) {
            let num = d.line.to_string();
            let pad = " ".repeat(num.len());
            let src: String = src.chars().take(200).collect();
            let width = if d.width > 0 {
                d.width
            } else {
                token_width(&src, d.column)
            };
            let start = d.column.saturating_sub(1).min(200);
            let before: String = src.chars().take(start).collect();
            let marked: String = src.chars().skip(start).take(width).collect();
            let caret_pad = " ".repeat(line(&before).chars().count());
            // Escaping only lengthens: widen the underline by what it added.
            let carets = width + line(&marked).chars().count() - marked.chars().count();
            out += &format!(
                "{pad} |\n{num} | {}\n{pad} | {caret_pad}{}\n",
                line(&src),
                "^".repeat(carets.min(80))
            );
        }
        if !d.path.is_empty() {
            out += &format!("   = at: {}\n", line(&d.path));
        }
        if let Some(e) = &d.expected {
            out += &format!("   = expected: {}\n", line(e));
        }
        if let Some(h) = &d.hint {
            out += &format!("   = hint: {}\n", line(h));
        }
        out.push('\n');
    }
    debug_assert!(!out.chars().any(|c| c != '\n' && untrusted::is_dangerous(c)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_and_locate() {
        let segs = vec![Seg::Key("a".into()), Seg::Index(1), Seg::Key("b".into())];
        assert_eq!(path_string(&segs), "a[1].b");
        assert_eq!(parse_path("a[1].b"), segs);
        let root = super::super::yaml::parse("a:\n  - x: 1\n  - b: 2\n").unwrap();
        let (pos, w) = locate(&root, "a[1].b");
        assert_eq!((pos.line, pos.column, w), (3, 5, 1));
        // A missing tail stops at the deepest node found.
        let (pos, _) = locate(&root, "a[1].zzz");
        assert_eq!((pos.line, pos.column), (3, 5));
    }

    #[test]
    fn rendering_shows_the_line_and_carets() {
        let text = "a: 1\nkey: 'value here'\n";
        let d = Diagnostic::new(
            "type",
            "key",
            Pos { line: 2, column: 6 },
            "expected a number",
        )
        .hint("write a number");
        let r = render(text, "s.yaml", &[d]);
        assert_eq!(
            r,
            "error[type]: expected a number\n  --> s.yaml:2:6\n  |\n2 | key: 'value here'\n  |      ^^^^^^^^^^^^\n   = at: key\n   = hint: write a number\n\ns.yaml: 1 problem\n"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("distibution", ["column", "distribution", "params"]).as_deref(),
            Some("did you mean `distribution`?")
        );
        assert_eq!(did_you_mean("zzz", ["column", "params"]), None);
    }
}
