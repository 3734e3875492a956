//! A bounded YAML reader: spec text → a [`Node`] tree where every value and key keeps its position.
//!
//! Specs come from an LLM or a person and are untrusted, so this reader accepts the plain subset of
//! YAML 1.2 a spec needs and refuses the rest *before* building anything big:
//!
//! - one document only (a second `---` document is refused);
//! - no anchors or aliases (the "billion laughs" bomb needs them, and a spec never does);
//! - no tags (`!!python/object`, `!custom`): a value's type comes from the schema, not the file;
//! - mapping keys are plain scalars, each at most once (a duplicate key is an error, not
//!   "last one wins");
//! - at most [`MAX_DEPTH`] levels of nesting, [`MAX_NODES`] values and [`MAX_SCALAR_BYTES`] per
//!   scalar (the file itself is capped by the caller, see `spec::MAX_SPEC_BYTES`).
//!
//! Plain scalars resolve with the YAML 1.2 core schema (`true`/`false`, `null`/`~`, integers,
//! floats, `.inf`/`.nan`); `yes`/`no`/`on`/`off` stay strings. Quoted and block scalars are strings.
//! The event parser is `saphyr-parser` (pure Rust, YAML 1.2, maintained), which reports spans.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 32;
/// Most values (scalars, mappings, sequences) in one spec.
pub const MAX_NODES: usize = 100_000;
/// Longest single scalar accepted (bytes).
pub const MAX_SCALAR_BYTES: usize = 64 * 1024;

/// A position in the source: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn from_span(s: &Span) -> Pos {
        Pos {
            line: s.start.line(),
            column: s.start.col() + 1,
        }
    }
}

/// A parsed value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in file order, each with its own position.
    Map(Vec<(Key, Node)>),
}

/// A mapping key (its text as written) and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
    /// Characters the key takes in the source (quotes and escapes included), for underlining.
    pub width: usize,
}

/// Why the text is not a spec-shaped YAML document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

/// A `\r` not followed by `\n` is a line break to YAML but not to editors, `lines()` or the
/// diagnostics' source excerpts; such files are refused with the position of the first one.
fn lone_carriage_return(text: &str) -> Result<(), YamlError> {
    let bytes = text.as_bytes();
    let Some(at) =
        (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
    else {
        return Ok(());
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Err(err(
        Pos { line, column },
        "a carriage return (\\r) that is not part of a \\r\\n line ending",
        Some("save the file with LF (or CRLF) line endings"),
    ))
}

fn err(pos: Pos, message: impl Into<String>, hint: Option<&str>) -> YamlError {
    YamlError {
        pos,
        message: message.into(),
        hint: hint.map(str::to_string),
    }
}

enum Frame {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Key, Node)>, Option<Key>),
}

/// Parses one YAML document into a [`Node`] tree, within the budgets above.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    lone_carriage_return(text)?;
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    let mut documents = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let m = e.marker();
            err(
                Pos {
                    line: m.line(),
                    column: m.col() + 1,
                },
                format!("YAML syntax: {}", e.info()),
                None,
            )
        })?;
        let pos = Pos::from_span(&span);
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        pos,
                        "a second YAML document (`---`) follows the first",
                        Some("a spec is one document; split it into two files"),
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(err(
                    pos,
                    "aliases (`*name`) are not allowed in specs",
                    Some("write the value out in full"),
                ))
            }
            Event::SequenceStart(anchor, tag) => {
                open(&mut stack, &mut nodes, pos, anchor, tag.is_some())?;
                stack.push(Frame::Seq(pos, Vec::new()));
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                open(&mut stack, &mut nodes, pos, anchor, tag.is_some())?;
                stack.push(Frame::Map(pos, Vec::new(), None));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(p, items)) => Node {
                    pos: p,
                    value: Value::Seq(items),
                },
                _ => return Err(err(pos, "unbalanced sequence end", None)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(p, entries, _)) => Node {
                    pos: p,
                    value: Value::Map(entries),
                },
                _ => return Err(err(pos, "unbalanced mapping end", None)),
            },
            Event::Scalar(text, style, anchor, tag) => {
                refuse_anchor_tag(pos, anchor, tag.is_some())?;
                bump(&mut nodes, pos)?;
                if text.len() > MAX_SCALAR_BYTES {
                    return Err(err(
                        pos,
                        format!(
                            "a scalar of {} bytes; the limit is {MAX_SCALAR_BYTES}",
                            text.len()
                        ),
                        None,
                    ));
                }
                if let Some(Frame::Map(_, entries, key @ None)) = stack.last_mut() {
                    let k = text.into_owned();
                    if let Some((first, _)) = entries.iter().find(|(e, _)| e.text == k) {
                        return Err(err(
                            pos,
                            format!(
                                "duplicate key `{k}` (first at line {}, column {})",
                                first.pos.line, first.pos.column
                            ),
                            Some("each key may appear once; merge the two entries"),
                        ));
                    }
                    let width = if span.end.line() == span.start.line() {
                        span.end.col().saturating_sub(span.start.col())
                    } else {
                        0
                    }
                    .max(k.chars().count());
                    *key = Some(Key {
                        text: k,
                        pos,
                        width,
                    });
                    continue;
                }
                Node {
                    pos,
                    value: resolve(&text, style),
                }
            }
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, key)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => return Err(err(node.pos, "mapping keys must be plain scalars", None)),
            },
        }
    }
    root.ok_or_else(|| {
        err(
            Pos { line: 1, column: 1 },
            "the file holds no YAML document",
            Some("start from `sdg spec schema` or an example in specs/"),
        )
    })
}

fn bump(nodes: &mut usize, pos: Pos) -> Result<(), YamlError> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(err(
            pos,
            format!("more than {MAX_NODES} values in one spec"),
            None,
        ));
    }
    Ok(())
}

fn refuse_anchor_tag(pos: Pos, anchor: usize, tagged: bool) -> Result<(), YamlError> {
    if anchor != 0 {
        return Err(err(
            pos,
            "anchors (`&name`) are not allowed in specs",
            Some("write the value out in full"),
        ));
    }
    if tagged {
        return Err(err(
            pos,
            "tags (`!name`, `!!type`) are not allowed in specs",
            Some("remove the tag; the schema decides each value's type"),
        ));
    }
    Ok(())
}

/// Checks a mapping or sequence about to open: no anchor or tag, depth and count budgets, and not
/// in a key's place.
fn open(
    stack: &mut [Frame],
    nodes: &mut usize,
    pos: Pos,
    anchor: usize,
    tagged: bool,
) -> Result<(), YamlError> {
    refuse_anchor_tag(pos, anchor, tagged)?;
    if stack.len() >= MAX_DEPTH {
        return Err(err(
            pos,
            format!("nesting deeper than {MAX_DEPTH} levels"),
            Some("a spec needs only a few levels; flatten the structure"),
        ));
    }
    bump(nodes, pos)?;
    if matches!(stack.last(), Some(Frame::Map(_, _, None))) {
        return Err(err(pos, "mapping keys must be plain scalars", None));
    }
    Ok(())
}

/// YAML 1.2 core-schema resolution of a plain scalar; other styles are strings.
fn resolve(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let int_like = |s: &str| {
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if int_like(text) {
        if let Ok(i) = text.parse::<i128>() {
            return Value::Int(i);
        }
    }
    if let Some(h) = text.strip_prefix("0x") {
        if let Ok(i) = i128::from_str_radix(h, 16) {
            return Value::Int(i);
        }
    }
    if let Some(o) = text.strip_prefix("0o") {
        if let Ok(i) = i128::from_str_radix(o, 8) {
            return Value::Int(i);
        }
    }
    let float_like = {
        let b = text.strip_prefix(['-', '+']).unwrap_or(text);
        (b.starts_with(|c: char| c.is_ascii_digit()) || b.starts_with('.'))
            && b.bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
    };
    if float_like {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(n: &Node) -> &[(Key, Node)] {
        match &n.value {
            Value::Map(m) => m,
            v => panic!("not a map: {v:?}"),
        }
    }

    #[test]
    fn positions_and_core_schema() {
        let n = parse("a: 1\nb:\n  - yes\n  - 0x10\n  - 1.5e3\n  - '3'\n  - ~\nc: {d: .inf}\n")
            .unwrap();
        let m = map(&n);
        assert_eq!(m[0].0.text, "a");
        assert_eq!(m[0].1.value, Value::Int(1));
        assert_eq!(m[0].1.pos, Pos { line: 1, column: 4 });
        let Value::Seq(items) = &m[1].1.value else {
            panic!()
        };
        let vals: Vec<_> = items.iter().map(|i| i.value.clone()).collect();
        assert_eq!(
            vals,
            [
                Value::Str("yes".into()),
                Value::Int(16),
                Value::Float(1500.0),
                Value::Str("3".into()),
                Value::Null
            ]
        );
        assert_eq!(items[1].pos, Pos { line: 4, column: 5 });
        assert_eq!(m[2].0.pos, Pos { line: 8, column: 1 });
        assert_eq!(map(&m[2].1)[0].1.value, Value::Float(f64::INFINITY));
    }

    #[test]
    fn hostile_inputs_are_refused_by_name() {
        let cases = [
            ("a: &x [1]\nb: *x\n", "anchors"),
            ("a: !!python/object:os.system 1\n", "tags"),
            ("a: 1\n---\nb: 2\n", "second YAML document"),
            (
                "a: 1\na: 2\n",
                "duplicate key `a` (first at line 1, column 1)",
            ),
            ("[1]: 2\n", "mapping keys must be plain scalars"),
            ("a: [1, 2\n", "YAML syntax"),
            ("", "no YAML document"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err();
            assert!(e.message.contains(want), "{text:?}: {}", e.message);
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().message.contains("nesting deeper"));
        let big = format!("a: {}\n", "x".repeat(MAX_SCALAR_BYTES + 1));
        assert!(parse(&big).unwrap_err().message.contains("scalar of"));
        let many = format!("[{}]", "1,".repeat(MAX_NODES + 1));
        assert!(parse(&many).unwrap_err().message.contains("more than"));
        // Found by the fuzzer: a lone \r is a YAML line break that editors and the
        // diagnostics' excerpts do not count. Refused where it is; CRLF files are fine.
        let e = parse("a: 1\nb: 2\rc: 3\n").unwrap_err();
        assert!(e.message.contains("carriage return"), "{}", e.message);
        assert_eq!((e.pos.line, e.pos.column), (2, 5));
        assert!(parse("a: 1\r\nb: 2\r\n").is_ok());
    }

    #[test]
    fn billion_laughs_stops_at_the_first_anchor() {
        let mut s = String::from("a: &a [\"lol\",\"lol\"]\n");
        for i in 0..9 {
            let (p, c) = (b'a' + i, b'a' + i + 1);
            s += &format!(
                "{}: &{} [*{},*{},*{}]\n",
                c as char, c as char, p as char, p as char, p as char
            );
        }
        let e = parse(&s).unwrap_err();
        assert_eq!(e.pos.line, 1);
        assert!(e.message.contains("anchors"));
    }
}
