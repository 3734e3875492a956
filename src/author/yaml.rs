//! A small deterministic JSON → YAML emitter, for writing a structured (JSON) reply as the
//! spec's YAML file.
//!
//! Block style throughout; keys in the order given (serde_json's `preserve_order`); empty
//! containers as `{}` / `[]`. A string is written plain only when that is unambiguous in YAML
//! 1.2 *and* 1.1 readers; otherwise it is double-quoted with escapes. Quoted: the empty string;
//! reserved words (`true`/`false`/`null`/`~`, any case, and the 1.1 booleans `yes`/`no`/`on`/
//! `off`/`y`/`n`); anything starting with a digit, `.` or `+` (numbers, dates, `.inf`); a leading
//! indicator ``-?:,[]{}#&*!|>'"%@` ``; `: ` or ` #` inside or a trailing `:`; leading or trailing
//! spaces; `<<`; any tab, line break, non-printable or terminal-dangerous character (bidi,
//! zero-width: escaped, so the file shows what it means). Floats always carry a `.` and a
//! signed exponent (`1.0e-7`) so YAML 1.1 readers see floats too. Keys longer than 1000
//! characters use the explicit `? key` form. Recursion depth follows the value's nesting, which
//! serde_json's parser caps at 128.

use serde_json::Value;

/// Longest key written in the implicit `key: value` form (YAML 1.2's limit is 1024).
const MAX_IMPLICIT_KEY_CHARS: usize = 1000;

/// Widest line a flow list (`[a, b]`) may make in [`to_yaml_compact`].
const MAX_FLOW_LINE: usize = 96;

/// `value` as a YAML document (no `---`), ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    emit(value, false)
}

/// Like [`to_yaml`], but a list of scalars that fits on its line is written in flow style
/// (`allowed_imports: [numpy]`), as people write specs.
pub fn to_yaml_compact(value: &Value) -> String {
    emit(value, true)
}

fn emit(value: &Value, compact: bool) -> String {
    let mut out = String::new();
    let e = Emit { compact };
    match value {
        Value::Object(m) if !m.is_empty() => e.write_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => e.write_seq(a, 0, &mut out),
        v => {
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
    out
}

fn indent(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

struct Emit {
    compact: bool,
}

impl Emit {
    fn write_map(&self, m: &serde_json::Map<String, Value>, ind: usize, out: &mut String) {
        for (k, v) in m {
            indent(ind, out);
            let key = scalar_str(k);
            if key.chars().count() > MAX_IMPLICIT_KEY_CHARS {
                // YAML caps implicit keys at 1024 characters; longer ones need `? key` / `: value`.
                out.push_str("? ");
                out.push_str(&key);
                out.push('\n');
                indent(ind, out);
            } else {
                out.push_str(&key);
            }
            out.push(':');
            let line = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
            self.write_value_after_indicator(v, ind + 2, line, out);
        }
    }

    fn write_seq(&self, a: &[Value], ind: usize, out: &mut String) {
        for v in a {
            indent(ind, out);
            out.push('-');
            match v {
                // Compact form: the child's first line goes after "- ", the rest stay indented.
                Value::Object(m) if !m.is_empty() => {
                    let mut child = String::new();
                    self.write_map(m, ind + 2, &mut child);
                    out.push(' ');
                    out.push_str(&child[ind + 2..]);
                }
                Value::Array(a) if !a.is_empty() => {
                    let mut child = String::new();
                    self.write_seq(a, ind + 2, &mut child);
                    out.push(' ');
                    out.push_str(&child[ind + 2..]);
                }
                v => {
                    out.push(' ');
                    out.push_str(&inline(v));
                    out.push('\n');
                }
            }
        }
    }

    /// After `key:` (`line` characters so far on its line): a scalar on the same line, a container
    /// on the following lines (in compact mode, a short list of scalars on the same line).
    fn write_value_after_indicator(
        &self,
        v: &Value,
        child_ind: usize,
        line: usize,
        out: &mut String,
    ) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                if let Some(flow) = self
                    .flow_map(m)
                    .filter(|f| line + 1 + f.len() <= MAX_FLOW_LINE)
                {
                    out.push(' ');
                    out.push_str(&flow);
                    out.push('\n');
                    return;
                }
                out.push('\n');
                self.write_map(m, child_ind, out);
            }
            Value::Array(a) if !a.is_empty() => {
                if let Some(flow) = self.flow(a).filter(|f| line + 1 + f.len() <= MAX_FLOW_LINE) {
                    out.push(' ');
                    out.push_str(&flow);
                    out.push('\n');
                    return;
                }
                out.push('\n');
                self.write_seq(a, child_ind, out);
            }
            v => {
                out.push(' ');
                out.push_str(&inline(v));
                out.push('\n');
            }
        }
    }

    /// `{k: v, ...}` for a mapping of scalars (and flow lists) in compact mode.
    fn flow_map(&self, m: &serde_json::Map<String, Value>) -> Option<String> {
        if !self.compact {
            return None;
        }
        let items = m
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Value::Array(a) if !a.is_empty() => self.flow(a)?,
                    Value::Object(o) if !o.is_empty() => return None,
                    v => flow_scalar(v),
                };
                let key = match scalar_str(k) {
                    s if s.contains([',', '[', ']', '{', '}']) || s.starts_with('?') => {
                        double_quoted(k)
                    }
                    s => s,
                };
                (key.chars().count() <= MAX_IMPLICIT_KEY_CHARS).then(|| format!("{key}: {value}"))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(format!("{{{}}}", items.join(", ")))
    }

    /// `[a, b]` for a list of scalars in compact mode. Inside flow collections `,[]{}` are
    /// indicators too, so a string containing one is double-quoted.
    fn flow(&self, a: &[Value]) -> Option<String> {
        if !self.compact {
            return None;
        }
        let items = a
            .iter()
            .map(|v| match v {
                Value::Array(_) | Value::Object(_) => None,
                v => Some(flow_scalar(v)),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(format!("[{}]", items.join(", ")))
    }
}

/// A scalar inside a flow collection, where `,[]{}` are indicators too: a string holding one is
/// double-quoted.
fn flow_scalar(v: &Value) -> String {
    match v {
        Value::String(s) if s.contains([',', '[', ']', '{', '}']) => double_quoted(s),
        v => inline(v),
    }
}

/// A scalar or an empty container on one line.
fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => scalar_str(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn number(n: &serde_json::Number) -> String {
    let s = n.to_string();
    if !n.is_f64() {
        return s;
    }
    // serde_json writes e.g. `1e-7`, `1e300`, `2.5e-8`; YAML 1.1 wants `1.0e-7`, `1.0e+300`.
    match s.split_once(['e', 'E']) {
        Some((mant, exp)) => {
            let mant = if mant.contains('.') {
                mant.to_string()
            } else {
                format!("{mant}.0")
            };
            let exp = if exp.starts_with(['+', '-']) {
                exp.to_string()
            } else {
                format!("+{exp}")
            };
            format!("{mant}e{exp}")
        }
        None if s.contains('.') => s,
        None => format!("{s}.0"),
    }
}

/// A string as a YAML scalar: plain when safe, else double-quoted.
pub fn scalar_str(s: &str) -> String {
    if needs_quotes(s) {
        double_quoted(s)
    } else {
        s.to_string()
    }
}

const RESERVED: &[&str] = &[
    "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", "<<", "=",
];

fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    let last = s.chars().next_back().unwrap_or(first);
    RESERVED.iter().any(|r| s.eq_ignore_ascii_case(r))
        || first.is_ascii_digit()
        || matches!(first, '.' | '+')
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || first == ' '
        || last == ' '
        || last == ':'
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| !plain_char(c))
}

/// Characters allowed in a plain scalar here: printable, no tab and no line break.
fn plain_char(c: char) -> bool {
    matches!(c, ' '..='~')
        || (printable(c) && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// YAML's c-printable set (minus tab and line feeds, handled separately), less the characters
/// that can fool a reader or a terminal (bidi controls, zero-width and C1 characters, see
/// [`crate::untrusted::is_dangerous`]): those are written as `\uXXXX` escapes inside double
/// quotes, which YAML reads back as the same character.
fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !crate::untrusted::is_dangerous(c)
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_style_with_keys_in_order() {
        let v = json!({"name": "x", "code_contract": {"function": {"name": "generate_data",
            "outputs": {"b": {"dtype": "int64"}, "a": {"dtype": "float64"}}}},
            "list": [1, {"k": "v", "k2": [true, null]}, [2, 3], [], {}]});
        assert_eq!(
            to_yaml(&v),
            "name: x\ncode_contract:\n  function:\n    name: generate_data\n    outputs:\n      \
             b:\n        dtype: int64\n      a:\n        dtype: float64\nlist:\n  - 1\n  - k: v\n    \
             k2:\n      - true\n      - null\n  - - 2\n    - 3\n  - []\n  - {}\n"
        );
    }

    #[test]
    fn quoting_rules() {
        for (s, want) in [
            ("plain words", "plain words"),
            ("it's fine", "it's fine"),
            ("café", "café"),
            ("", "\"\""),
            ("true", "\"true\""),
            ("NULL", "\"NULL\""),
            ("~", "\"~\""),
            ("yes", "\"yes\""),
            ("12", "\"12\""),
            ("2024-01-01", "\"2024-01-01\""),
            (".inf", "\".inf\""),
            ("-x", "\"-x\""),
            ("a: b", "\"a: b\""),
            ("a #b", "\"a #b\""),
            ("a:", "\"a:\""),
            ("a:b", "a:b"),
            (" lead", "\" lead\""),
            ("trail ", "\"trail \""),
            ("two\nlines", "\"two\\nlines\""),
            ("tab\there", "\"tab\\there\""),
            ("q\"uote", "q\"uote"),
            ("\"q", "\"\\\"q\""),
            ("back\\slash\n", "\"back\\\\slash\\n\""),
            ("bell\u{7}", "\"bell\\x07\""),
            (
                "numpy.random.default_rng(seed)",
                "numpy.random.default_rng(seed)",
            ),
        ] {
            assert_eq!(scalar_str(s), want, "for {s:?}");
        }
    }

    #[test]
    fn floats_keep_a_dot_and_a_signed_exponent() {
        assert_eq!(to_yaml(&json!(1e-7)), "1.0e-7\n");
        assert_eq!(to_yaml(&json!(1e300)), "1.0e+300\n");
        assert_eq!(to_yaml(&json!(2.0)), "2.0\n");
        assert_eq!(to_yaml(&json!(-3)), "-3\n");
    }
}
