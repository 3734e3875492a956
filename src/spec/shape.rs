//! Shape check: walks the positioned YAML tree against the published JSON Schema and reports every
//! mismatch at once (unknown and missing keys, wrong types, enum values, bounds, lengths,
//! patterns), each at its line and column.
//!
//! Serde alone stops at the first error and loses positions; walking the schema that
//! `sdg spec schema` publishes also keeps the validator and the schema from drifting apart. It
//! understands the subset of JSON Schema that schemars emits for our types: `$ref`/`$defs`,
//! `type`, `properties`, `required`, `additionalProperties`, `enum`/`const`, `anyOf`/`oneOf`,
//! `items`, numeric bounds and `format` (integer widths), string lengths and `pattern`,
//! `minItems`/`maxItems`, `minProperties`/`maxProperties`.
//!
//! Size (~680 lines): one recursive walk over one schema subset; its parts (branch choice,
//! did-you-mean, keyed/document requirement items) share the walker's state, and splitting them
//! would spread one algorithm over files that each make sense only with the others.

use serde_json::{Map, Value as Json};

use super::diag::{did_you_mean, path_string, Diagnostic, Seg};
use super::yaml::{Node, Value};

/// Checks `node` against `schema` (whose `$defs` are in `root`).
pub fn check(node: &Node, root: &Json) -> Vec<Diagnostic> {
    let mut w = Walker {
        root,
        out: Vec::new(),
        path: Vec::new(),
    };
    w.walk(node, root, None);
    w.out
}

struct Walker<'a> {
    root: &'a Json,
    out: Vec<Diagnostic>,
    path: Vec<Seg>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

fn type_matches(v: &Value, ty: &str) -> bool {
    matches!(
        (v, ty),
        (Value::Null, "null")
            | (Value::Bool(_), "boolean")
            | (Value::Int(_), "integer" | "number")
            | (Value::Float(_), "number")
            | (Value::Str(_), "string")
            | (Value::Seq(_), "array")
            | (Value::Map(_), "object")
    )
}

fn type_words(ty: &str) -> &str {
    match ty {
        "null" => "null",
        "boolean" => "true or false",
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "array" => "a list",
        "object" => "a mapping",
        other => other,
    }
}

fn types_of(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn json_of(v: &Value) -> Option<Json> {
    Some(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => {
            if let Ok(u) = u64::try_from(*i) {
                Json::from(u)
            } else {
                Json::from(i64::try_from(*i).ok()?)
            }
        }
        Value::Float(f) => Json::from(serde_json::Number::from_f64(*f)?),
        Value::Str(s) => Json::String(s.clone()),
        _ => return None,
    })
}

fn show(j: &Json) -> String {
    match j {
        Json::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

impl<'a> Walker<'a> {
    fn here(&self) -> String {
        path_string(&self.path)
    }

    fn report(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn resolve(&self, schema: &'a Json) -> &'a Json {
        let mut s = schema;
        for _ in 0..16 {
            let Some(r) = s.get("$ref").and_then(Json::as_str) else {
                break;
            };
            let Some(name) = r.strip_prefix("#/$defs/") else {
                break;
            };
            match self.root.get("$defs").and_then(|d| d.get(name)) {
                Some(t) => s = t,
                None => break,
            }
        }
        s
    }

    /// `key_width`: when the node is a mapping value, underline widths come from the value.
    fn walk(&mut self, node: &Node, schema: &'a Json, _key_width: Option<usize>) {
        let schema = self.resolve(schema);
        if schema == &Json::Bool(true) {
            return;
        }
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            return self.branch(node, branches);
        }
        let types = types_of(schema);
        if !types.is_empty() && !types.iter().any(|t| type_matches(&node.value, t)) {
            let want: Vec<&str> = types.iter().map(|t| type_words(t)).collect();
            let mut d = Diagnostic::new(
                "type",
                &self.here(),
                node.pos,
                format!(
                    "expected {}, found {}",
                    want.join(" or "),
                    kind(&node.value)
                ),
            );
            if let (Value::Str(s), true) = (&node.value, types.contains(&"number")) {
                if s.trim().parse::<f64>().is_ok() {
                    d = d.hint("remove the quotes to write a number");
                }
            }
            return self.report(d);
        }
        if let Value::Float(f) = node.value {
            if !f.is_finite() {
                return self.report(
                    Diagnostic::new(
                        "type",
                        &self.here(),
                        node.pos,
                        "`.inf` and `.nan` are not allowed",
                    )
                    .hint("write a finite number"),
                );
            }
        }
        if let Some(options) = schema.get("enum").and_then(Json::as_array) {
            return self.enumeration(node, options);
        }
        if let Some(c) = schema.get("const") {
            return self.enumeration(node, std::slice::from_ref(c));
        }
        match &node.value {
            Value::Map(entries) => self.object(node, entries, schema),
            Value::Seq(items) => self.array(node, items, schema),
            Value::Str(s) => self.string(node, s, schema),
            Value::Int(_) | Value::Float(_) => self.number(node, schema),
            _ => {}
        }
    }

    fn enumeration(&mut self, node: &Node, options: &[Json]) {
        let got = json_of(&node.value);
        if got.as_ref().is_some_and(|g| options.contains(g)) {
            return;
        }
        let names: Vec<String> = options.iter().map(show).collect();
        let hint = match &node.value {
            Value::Str(s) => did_you_mean(s, options.iter().filter_map(Json::as_str)),
            _ => None,
        };
        let found = match &node.value {
            Value::Str(s) => format!("`{s}`"),
            v => kind(v).to_string(),
        };
        self.report(
            Diagnostic::new(
                "enum",
                &self.here(),
                node.pos,
                format!("{found} is not a valid value"),
            )
            .expected(format!("one of {}", names.join(", ")))
            .hint_opt(hint),
        );
    }

    /// anyOf / oneOf: `Option<T>` (T or null), and the validation requirements' two shapes: a
    /// mapping with one key naming the kind (keyed) or a `check` field naming it (document).
    fn branch(&mut self, node: &Node, branches: &'a [Json]) {
        let resolved: Vec<&'a Json> = branches.iter().map(|b| self.resolve(b)).collect();
        let tags: Vec<Option<&str>> = resolved.iter().map(|b| single_tag(b)).collect();
        let checks: Vec<Option<&str>> = resolved.iter().map(|b| check_const(b)).collect();
        let tagged = tags
            .iter()
            .zip(&checks)
            .all(|(t, c)| t.is_some() || c.is_some());
        if tagged && !resolved.is_empty() {
            let keyed: Vec<(&str, &'a Json)> = tags
                .iter()
                .zip(&resolved)
                .filter_map(|(t, b)| Some(((*t)?, *b)))
                .collect();
            let document: Vec<(&str, &'a Json)> = checks
                .iter()
                .zip(&resolved)
                .filter_map(|(c, b)| Some(((*c)?, *b)))
                .collect();
            return self.kinds(node, &keyed, &document);
        }
        // Otherwise: the first branch whose type fits (null for Option), else the best attempt.
        let fits: Vec<&'a Json> = resolved
            .iter()
            .copied()
            .filter(|b| {
                let t = types_of(b);
                t.is_empty() || t.iter().any(|t| type_matches(&node.value, t))
            })
            .collect();
        let mut best: Option<Vec<Diagnostic>> = None;
        for b in fits.iter().chain(resolved.iter()) {
            let mut trial = Walker {
                root: self.root,
                out: Vec::new(),
                path: self.path.clone(),
            };
            trial.walk(node, b, None);
            if trial.out.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|d| trial.out.len() < d.len()) {
                best = Some(trial.out);
            }
        }
        self.out.extend(best.unwrap_or_default());
    }

    /// A mapping whose kind is named by its single key (`keyed`) or by its `check` field
    /// (`document`).
    fn kinds(&mut self, node: &Node, keyed: &[(&str, &'a Json)], document: &[(&str, &'a Json)]) {
        let mut names: Vec<&str> = keyed.iter().map(|(n, _)| *n).collect();
        for (n, _) in document {
            if !names.contains(n) {
                names.push(n);
            }
        }
        let shapes = match (keyed.is_empty(), document.is_empty()) {
            (false, false) => "`check: KIND` with the check's fields beside it, or `KIND: {...}`",
            (true, _) => "`check: KIND` with the check's fields beside it",
            (_, true) => "`KIND: {...}`",
        };
        let Value::Map(entries) = &node.value else {
            return self.report(
                Diagnostic::new(
                    "type",
                    &self.here(),
                    node.pos,
                    format!("expected a mapping, found {}", kind(&node.value)),
                )
                .expected(shapes.to_string()),
            );
        };
        let check = entries.iter().find(|(k, _)| k.text == "check");
        if let (Some((key, value)), false) = (check, document.is_empty()) {
            let mut path = self.path.clone();
            path.push(Seg::Key(key.text.clone()));
            let Value::Str(written) = &value.value else {
                return self.report(
                    Diagnostic::new(
                        "type",
                        &path_string(&path),
                        value.pos,
                        format!("expected the name of a check, found {}", kind(&value.value)),
                    )
                    .expected(format!("one of {}", list(&names))),
                );
            };
            // A kind's name as a key is both shapes at once, unless the kind has a field of
            // that name (`quantiles` has `quantiles`).
            let fields = document
                .iter()
                .find(|(n, _)| n == written)
                .and_then(|(_, s)| s.get("properties"))
                .and_then(Json::as_object);
            let both = entries.iter().find(|(k, _)| {
                names.contains(&k.text.as_str()) && !fields.is_some_and(|f| f.contains_key(&k.text))
            });
            if let Some((both, _)) = both {
                let mut path = self.path.clone();
                path.push(Seg::Key(both.text.clone()));
                return self.report(
                    Diagnostic::new(
                        "shape",
                        &path_string(&path),
                        both.pos,
                        format!(
                            "`check: {written}` and a `{}:` key in one item: it is written in both \
                             shapes at once",
                            both.text
                        ),
                    )
                    .width(both.width)
                    .expected(shapes.to_string())
                    .hint(format!(
                        "keep the `check:` form and move the fields out of `{}:`, or remove `check:`",
                        both.text
                    )),
                );
            }
            return match document.iter().find(|(n, _)| n == written) {
                Some((_, schema)) => self.walk(node, schema, None),
                None => self.report(
                    Diagnostic::new(
                        "enum",
                        &path_string(&path),
                        value.pos,
                        format!("unknown check `{written}`"),
                    )
                    .width(written.chars().count())
                    .expected(format!("one of {}", list(&names)))
                    .hint_opt(did_you_mean(written, names.iter().copied())),
                ),
            };
        }
        if let ([(key, value)], false) = (entries.as_slice(), keyed.is_empty()) {
            if let Some((_, schema)) = keyed.iter().find(|(n, _)| *n == key.text) {
                self.path.push(Seg::Key(key.text.clone()));
                self.walk(value, &schema["properties"][&key.text], None);
                self.path.pop();
                return;
            }
            let mut path = self.path.clone();
            path.push(Seg::Key(key.text.clone()));
            let hint = did_you_mean(&key.text, names.iter().copied())
                .or_else(|| (!document.is_empty()).then(|| format!("name the check: {shapes}")));
            return self.report(
                Diagnostic::new(
                    "unknown-key",
                    &path_string(&path),
                    key.pos,
                    format!("unknown kind `{}`", key.text),
                )
                .width(key.width)
                .expected(format!("one of {}", list(&names)))
                .hint_opt(hint),
            );
        }
        // Several keys and no `check`: guess the kind from the fields written.
        let guess = document
            .iter()
            .filter(|(_, s)| {
                let props = s.get("properties").and_then(Json::as_object);
                entries
                    .iter()
                    .all(|(k, _)| props.is_some_and(|p| p.contains_key(&k.text)))
            })
            .map(|(n, _)| *n)
            .collect::<Vec<_>>();
        let hint = match guess.as_slice() {
            [one] => format!("these fields fit `{one}`: add `check: {one}`"),
            [] | [_, _, ..] if !document.is_empty() => {
                "add `check: KIND` naming the check (see `sdg spec schema`)".to_string()
            }
            _ => "write each check as its own list item: `- KIND: {...}`".to_string(),
        };
        let message = if document.is_empty() {
            format!(
                "expected exactly one key naming the check, found {}",
                entries.len()
            )
        } else {
            format!(
                "no `check` naming the kind of check ({} keys, none of them `check`)",
                entries.len()
            )
        };
        self.report(
            Diagnostic::new("shape", &self.here(), node.pos, message)
                .expected(shapes.to_string())
                .hint(hint),
        );
    }

    fn object(&mut self, node: &Node, entries: &[(super::yaml::Key, Node)], schema: &'a Json) {
        let props: Option<&'a Map<String, Json>> =
            schema.get("properties").and_then(Json::as_object);
        let extra = schema.get("additionalProperties");
        for (key, value) in entries {
            self.path.push(Seg::Key(key.text.clone()));
            if let Some(p) = props.and_then(|m| m.get(&key.text)) {
                self.walk(value, p, None);
            } else {
                match extra {
                    Some(Json::Bool(false)) => {
                        let names: Vec<&str> = props
                            .map(|m| m.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let d = Diagnostic::new(
                            "unknown-key",
                            &self.here(),
                            key.pos,
                            format!("unknown key `{}`", key.text),
                        )
                        .width(key.width)
                        .expected(format!("one of {}", list(&names)))
                        .hint_opt(did_you_mean(&key.text, names.iter().copied()));
                        self.report(d);
                    }
                    Some(s @ Json::Object(_)) => {
                        let name_schema = schema.get("propertyNames");
                        if let Some(ns) = name_schema {
                            let k = Node {
                                pos: key.pos,
                                value: Value::Str(key.text.clone()),
                            };
                            self.walk(&k, ns, None);
                        }
                        self.walk(value, s, None);
                    }
                    _ => {}
                }
            }
            self.path.pop();
        }
        if let Some(req) = schema.get("required").and_then(Json::as_array) {
            for r in req.iter().filter_map(Json::as_str) {
                if !entries.iter().any(|(k, _)| k.text == r) {
                    let mut d = Diagnostic::new(
                        "missing-key",
                        &self.here(),
                        node.pos,
                        format!("missing required key `{r}`"),
                    );
                    if let Some(desc) = props
                        .and_then(|m| m.get(r))
                        .map(|p| self.resolve(p))
                        .and_then(|p| p.get("description"))
                        .and_then(Json::as_str)
                    {
                        d = d.hint(format!("`{r}`: {}", first_sentence(desc)));
                    }
                    self.report(d);
                }
            }
        }
        let n = entries.len() as u64;
        if let Some(min) = schema.get("minProperties").and_then(Json::as_u64) {
            if n < min {
                self.report(Diagnostic::new(
                    "length",
                    &self.here(),
                    node.pos,
                    format!(
                        "needs at least {min} entr{}, found {n}",
                        if min == 1 { "y" } else { "ies" }
                    ),
                ));
            }
        }
        if let Some(max) = schema.get("maxProperties").and_then(Json::as_u64) {
            if n > max {
                self.report(Diagnostic::new(
                    "length",
                    &self.here(),
                    node.pos,
                    format!("at most {max} entries allowed, found {n}"),
                ));
            }
        }
    }

    fn array(&mut self, node: &Node, items: &[Node], schema: &'a Json) {
        let n = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Json::as_u64) {
            if n < min {
                self.report(Diagnostic::new(
                    "length",
                    &self.here(),
                    node.pos,
                    format!("needs at least {min} item(s), found {n}"),
                ));
            }
        }
        if let Some(max) = schema.get("maxItems").and_then(Json::as_u64) {
            if n > max {
                self.report(Diagnostic::new(
                    "length",
                    &self.here(),
                    node.pos,
                    format!("at most {max} items allowed, found {n}"),
                ));
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.path.push(Seg::Index(i));
                self.walk(item, item_schema, None);
                self.path.pop();
            }
        }
    }

    fn string(&mut self, node: &Node, s: &str, schema: &Json) {
        let n = s.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Json::as_u64) {
            if n < min {
                self.report(Diagnostic::new(
                    "length",
                    &self.here(),
                    node.pos,
                    format!("at least {min} character(s) needed"),
                ));
            }
        }
        if let Some(max) = schema.get("maxLength").and_then(Json::as_u64) {
            if n > max {
                self.report(Diagnostic::new(
                    "length",
                    &self.here(),
                    node.pos,
                    format!("{n} characters; at most {max} allowed"),
                ));
            }
        }
        if let Some(p) = schema.get("pattern").and_then(Json::as_str) {
            if let Ok(re) = regex::Regex::new(p) {
                if !re.is_match(s) {
                    let examples: Vec<&str> = schema
                        .get("examples")
                        .and_then(Json::as_array)
                        .map(|e| e.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default();
                    let expected = if examples.is_empty() {
                        format!("text matching `{p}`")
                    } else {
                        format!("text matching `{p}`, e.g. {}", list(&examples))
                    };
                    self.report(
                        Diagnostic::new(
                            "pattern",
                            &self.here(),
                            node.pos,
                            format!(
                                "`{}` is not a valid {} here",
                                truncate(s),
                                if examples.is_empty() { "name" } else { "value" }
                            ),
                        )
                        .expected(expected)
                        .hint_opt(did_you_mean(s, examples.iter().copied())),
                    );
                }
            }
        }
    }

    fn number(&mut self, node: &Node, schema: &Json) {
        let v = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => return,
        };
        if let (Value::Int(i), Some(fmt)) =
            (&node.value, schema.get("format").and_then(Json::as_str))
        {
            let (lo, hi): (i128, i128) = match fmt {
                "uint8" => (0, u8::MAX.into()),
                "uint16" => (0, u16::MAX.into()),
                "uint32" | "uint" => (0, u32::MAX.into()),
                "uint64" => (0, u64::MAX.into()),
                "int32" => (i32::MIN.into(), i32::MAX.into()),
                "int64" | "int" => (i64::MIN.into(), i64::MAX.into()),
                _ => (i128::MIN, i128::MAX),
            };
            if *i < lo || *i > hi {
                return self.report(Diagnostic::new(
                    "range",
                    &self.here(),
                    node.pos,
                    format!("{i} does not fit: expected {lo} to {hi}"),
                ));
            }
        }
        let bound = |k: &str| schema.get(k).and_then(Json::as_f64);
        let bad = match (
            bound("minimum"),
            bound("maximum"),
            bound("exclusiveMinimum"),
            bound("exclusiveMaximum"),
        ) {
            (Some(m), _, _, _) if v < m => Some(format!("at least {}", fmtnum(m))),
            (_, Some(m), _, _) if v > m => Some(format!("at most {}", fmtnum(m))),
            (_, _, Some(m), _) if v <= m => Some(format!("more than {}", fmtnum(m))),
            (_, _, _, Some(m)) if v >= m => Some(format!("less than {}", fmtnum(m))),
            _ => None,
        };
        if let Some(want) = bad {
            self.report(
                Diagnostic::new(
                    "range",
                    &self.here(),
                    node.pos,
                    format!("{} is out of range", fmtnum(v)),
                )
                .expected(want),
            );
        }
    }
}

/// The kind a document-shape branch names: its `check` property's `const`.
fn check_const(b: &Json) -> Option<&str> {
    b.get("properties")?.get("check")?.get("const")?.as_str()
}

fn single_tag(b: &Json) -> Option<&str> {
    let req = b.get("required")?.as_array()?;
    let props = b.get("properties")?.as_object()?;
    match (req.as_slice(), props.len()) {
        ([Json::String(k)], 1) if b.get("type").and_then(Json::as_str) == Some("object") => Some(k),
        _ => None,
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fmtnum(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

fn first_sentence(s: &str) -> &str {
    s.split(". ").next().unwrap_or(s).trim_end_matches('.')
}
