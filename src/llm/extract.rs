//! Pull the YAML, JSON or Python out of a model's reply. Replies are untrusted prose with code
//! fences somewhere in them, sometimes cut off.
//!
//! Order of preference, per language:
//! 1. the largest fenced block tagged with the language (```yaml/```yml, ```json,
//!    ```python/```py; `~~~` fences too);
//! 2. the largest untagged ("bare") fenced block;
//! 3. the whole reply stripped of prose, only when it looks like the language: for JSON the first
//!    balanced `{...}` that parses; for YAML from the first `key:` line; for Python from the first
//!    `import`/`from`/`def`/`class` line, with trailing prose lines dropped.
//!
//! Fences follow CommonMark: an opening line of 3+ backticks or tildes (up to 3 spaces indent)
//! closes only on a line of the same character, at least as long, with nothing after it, so
//! "```" inside a string or a 4-backtick outer fence around 3-backtick text both work. A fence
//! that never closes (a truncated reply) runs to the end and is marked `complete: false`.
//! CRLF line ends are normalised to LF.

use serde::Serialize;

/// Where the extracted text came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A fenced block tagged with `lang` (as written, lowercased).
    Fence { lang: String },
    /// A fenced block with no language tag.
    Bare,
    /// The reply itself, stripped of surrounding prose.
    Whole,
}

/// Text found in a reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Extracted {
    pub text: String,
    pub source: Source,
    /// False when the fence never closed: the reply was probably cut off.
    pub complete: bool,
}

/// The language asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Yaml,
    Json,
    Python,
}

impl Lang {
    fn name(self) -> &'static str {
        match self {
            Lang::Yaml => "yaml",
            Lang::Json => "json",
            Lang::Python => "python",
        }
    }

    fn matches(self, tag: &str) -> bool {
        match self {
            Lang::Yaml => matches!(tag, "yaml" | "yml"),
            Lang::Json => matches!(tag, "json" | "jsonc" | "json5"),
            Lang::Python => matches!(tag, "python" | "py" | "python3" | "py3"),
        }
    }
}

/// Nothing usable was found; the message says what was there instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no {wanted} found in the model's reply: {found}\nhint: ask the model to answer with one ```{wanted} block")]
pub struct ExtractError {
    pub wanted: &'static str,
    /// A description of what the reply held (fenced blocks and their tags, or its length).
    pub found: String,
}

/// Extract YAML.
pub fn yaml(text: &str) -> Result<Extracted, ExtractError> {
    extract(text, Lang::Yaml)
}

/// Extract JSON.
pub fn json(text: &str) -> Result<Extracted, ExtractError> {
    extract(text, Lang::Json)
}

/// Extract Python.
pub fn python(text: &str) -> Result<Extracted, ExtractError> {
    extract(text, Lang::Python)
}

/// A fenced block found in the reply.
#[derive(Debug)]
struct Block {
    tag: String,
    body: String,
    complete: bool,
}

/// Extract `lang` from `text`, by the order in the module doc.
pub fn extract(text: &str, lang: Lang) -> Result<Extracted, ExtractError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let blocks = fenced_blocks(&text);
    let largest = |want: &dyn Fn(&Block) -> bool| {
        blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| want(b) && !b.body.trim().is_empty())
            // Prefer complete blocks; among those the longest; ties go to the first.
            .max_by_key(|(i, b)| (b.complete, b.body.len(), std::cmp::Reverse(*i)))
            .map(|(_, b)| b)
    };
    if let Some(b) = largest(&|b| lang.matches(&b.tag)) {
        return Ok(Extracted {
            text: b.body.clone(),
            source: Source::Fence {
                lang: b.tag.clone(),
            },
            complete: b.complete,
        });
    }
    if let Some(b) = largest(&|b| b.tag.is_empty()) {
        return Ok(Extracted {
            text: b.body.clone(),
            source: Source::Bare,
            complete: b.complete,
        });
    }
    let whole = match lang {
        Lang::Json => whole_json(&text),
        Lang::Yaml => whole_yaml(&text),
        Lang::Python => whole_python(&text),
    };
    if let Some(t) = whole {
        return Ok(Extracted {
            text: t,
            source: Source::Whole,
            complete: true,
        });
    }
    let found = if blocks.is_empty() {
        format!(
            "no fenced block, and the {} characters of text do not look like {}",
            text.chars().count(),
            lang.name()
        )
    } else {
        let tags: Vec<String> = blocks
            .iter()
            .take(10)
            .map(|b| {
                if b.tag.is_empty() {
                    "an empty untagged block".to_string()
                } else {
                    format!("`{}`", b.tag.chars().take(20).collect::<String>())
                }
            })
            .collect();
        format!(
            "{} fenced block(s) tagged {}",
            blocks.len(),
            tags.join(", ")
        )
    };
    Err(ExtractError {
        wanted: lang.name(),
        found,
    })
}

/// An opening fence: its character, its length, and the language tag.
fn opening(line: &str) -> Option<(char, usize, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(ch).len();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if ch == '`' && info.contains('`') {
        return None; // inline code such as ```x``` on one line, not a fence
    }
    let tag = info
        .trim_start_matches(['{', '.'])
        .split(|c: char| c.is_whitespace() || c == '}' || c == ',')
        .next()
        .unwrap_or("")
        .to_lowercase();
    Some((ch, len, tag))
}

fn closes(line: &str, ch: char, len: usize) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = line[indent..].trim_end();
    let n = rest.len() - rest.trim_start_matches(ch).len();
    n >= len && n == rest.len()
}

fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        let Some((ch, len, tag)) = opening(line) else {
            continue;
        };
        let mut body: Vec<&str> = Vec::new();
        let mut complete = false;
        for inner in lines.by_ref() {
            if closes(inner, ch, len) {
                complete = true;
                break;
            }
            body.push(inner);
        }
        let mut body = body.join("\n");
        if !body.is_empty() {
            body.push('\n');
        }
        blocks.push(Block {
            tag,
            body,
            complete,
        });
    }
    blocks
}

/// Most `{` positions tried when looking for a JSON object in prose.
const MAX_JSON_STARTS: usize = 32;

fn whole_json(text: &str) -> Option<String> {
    let mut from = 0;
    for _ in 0..MAX_JSON_STARTS {
        let start = from + text[from..].find('{')?;
        if let Some(end) = balanced_end(&text[start..]) {
            let cand = &text[start..start + end];
            if serde_json::from_str::<serde_json::Value>(cand).is_ok() {
                return Some(format!("{cand}\n"));
            }
        }
        from = start + 1;
    }
    None
}

/// Byte length of the balanced `{...}` at the start of `s`, strings and escapes respected.
fn balanced_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_yaml_key_line(line: &str) -> bool {
    let Some((key, rest)) = line.split_once(':') else {
        return false;
    };
    !key.is_empty()
        && !key.starts_with([' ', '-', '#'])
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\''))
        && (rest.is_empty() || rest.starts_with(' '))
}

fn whole_yaml(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| is_yaml_key_line(l) || l.trim_end() == "---")?;
    let yamlish = |l: &&&str| {
        let t = l.trim();
        t.is_empty()
            || l.starts_with([' ', '\t', '-', '#'])
            || is_yaml_key_line(l)
            || t == "---"
            || t == "..."
    };
    let end = start + lines[start..].iter().take_while(yamlish).count();
    let body = &lines[start..end];
    if !body.iter().any(|l| is_yaml_key_line(l)) {
        return None;
    }
    Some(trim_block(body))
}

fn is_python_start(line: &str) -> bool {
    ["import ", "from ", "def ", "class ", "async def ", "@"]
        .iter()
        .any(|p| line.starts_with(p))
}

/// A top-level line that reads as English rather than code.
fn is_prose(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || line.starts_with([' ', '\t', '#']) || is_python_start(line) {
        return false;
    }
    let words = t.split_whitespace().count();
    let codey = t.contains(['=', '(', ')', '[', ']', '{', '}']);
    let sentence = t.starts_with(char::is_uppercase) && t.ends_with(['.', ':', '!', '?']);
    (sentence && words >= 3) || (!codey && words >= 6)
}

fn whole_python(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| is_python_start(l))?;
    // Stop at the first prose line after the code started.
    let end = start
        + 1
        + lines[start + 1..]
            .iter()
            .take_while(|l| !is_prose(l))
            .count();
    Some(trim_block(&lines[start..end]))
}

fn trim_block(lines: &[&str]) -> String {
    let mut s = lines.join("\n").trim_end().to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_and_closing_rules() {
        assert_eq!(opening("```yaml"), Some(('`', 3, "yaml".into())));
        assert_eq!(
            opening("  ~~~~ Python extra"),
            Some(('~', 4, "python".into()))
        );
        assert_eq!(opening("```{.py}"), Some(('`', 3, "py".into())));
        assert_eq!(opening("```x```"), None);
        assert_eq!(opening("    ```"), None);
        assert!(closes("```", '`', 3));
        assert!(closes("`````  ", '`', 3));
        assert!(!closes("``` python", '`', 3));
        assert!(!closes("```", '`', 4));
        assert!(!closes("~~~", '`', 3));
    }

    #[test]
    fn balanced_respects_strings() {
        assert_eq!(balanced_end(r#"{"a": "}{"} tail"#), Some(11));
        assert_eq!(balanced_end(r#"{"a": "\"}"}"#), Some(12));
        assert_eq!(balanced_end("{"), None);
        assert_eq!(balanced_end("}"), None);
    }
}
