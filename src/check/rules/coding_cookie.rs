//! `SDG707 coding-cookie`: a PEP 263 encoding declaration (`coding[:=]name`
//! in a comment on line 1 or 2) naming anything but UTF-8.
//!
//! Why: the checker reads the source as UTF-8; an editor (Emacs, Vim) or a
//! Python that compiles the *bytes* honours the cookie and decodes the same
//! bytes as another program (`# coding: utf-7` turns `+AAo-` into a line
//! break). `utf-8` / `utf8` / `utf_8` (any case) are allowed: they change
//! nothing.
//!
//! ```python
//! # -*- coding: latin-1 -*-    # SDG707
//! ```

use super::super::lines::LineIndex;
use super::super::rule::Rule;
use super::super::text::violation;
use super::super::violation::Violation;

/// `(start, end)` byte span of the encoding name in a PEP 263 cookie line.
fn cookie(line: &str) -> Option<(usize, usize)> {
    let body = line.trim_start_matches([' ', '\t', '\x0c']);
    if !body.starts_with('#') {
        return None;
    }
    let base = line.len() - body.len();
    let mut from = 0;
    while let Some(i) = body[from..].find("coding") {
        let at = from + i + "coding".len();
        if matches!(body.as_bytes().get(at), Some(b':' | b'=')) {
            let rest = &body[at + 1..];
            let name_from = at + 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
            let name_len = body[name_from..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .unwrap_or(body.len() - name_from);
            if name_len > 0 {
                return Some((base + name_from, base + name_from + name_len));
            }
        }
        from = at;
    }
    None
}

fn is_utf8(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "-");
    n == "utf-8" || n == "utf8"
}

pub(crate) fn run(source: &str, index: &LineIndex<'_>, out: &mut Vec<Violation>) {
    let mut start = 0;
    for line in source.split_inclusive('\n').take(2) {
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some((a, b)) = cookie(text) {
            let name = &text[a..b];
            if !is_utf8(name) {
                out.push(violation(
                    index,
                    Rule::CodingCookie,
                    (start + a, start + b),
                    format!("encoding declaration `{name}`: the checker reads UTF-8, an editor or interpreter would decode this file differently"),
                    "remove the coding line (or declare utf-8)",
                ));
            }
        }
        start += line.len();
    }
}
