//! Parsing, and turning parser failures into [`CheckError::Syntax`].
//!
//! rustpython-parser 0.4 implements the Python 3.11/3.12 grammar (it has
//! `match`, `type X = ...`, `except*`, PEP 695 generics) but not the 3.12
//! PEP 701 f-strings nor 3.14 t-strings. Those fail to parse; we recognise
//! them with a small scanner and name the construct so the LLM can be told
//! exactly what to rewrite.

use super::error::CheckError;
use super::lines::LineIndex;
use rustpython_parser::{ast, Parse};

/// Parse a module, mapping errors to positions in chars.
pub(crate) fn parse(source: &str, index: &LineIndex<'_>) -> Result<ast::Suite, CheckError> {
    match ast::Suite::parse(source, "<generator>") {
        Ok(suite) => Ok(suite),
        Err(err) => {
            let (line, column) = index.position(err.offset);
            if let Some(found) = scan_unsupported(source) {
                let (fl, fc) = index.position_of(found.offset);
                if fl <= line {
                    return Err(CheckError::Syntax {
                        line: fl,
                        column: fc,
                        message: found.message.to_owned(),
                        construct: Some(found.construct.to_owned()),
                    });
                }
            }
            Err(CheckError::Syntax {
                line,
                column,
                message: err.error.to_string(),
                construct: None,
            })
        }
    }
}

/// A recognised construct the parser does not support.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unsupported {
    pub offset: usize,
    pub construct: &'static str,
    pub message: &'static str,
}

const PEP701_QUOTES: &str = "f-string with nested quotes of the same kind (PEP 701, Python 3.12+) \
is not supported by the checker; use the other quote inside the braces";
const PEP701_BACKSLASH: &str = "backslash inside an f-string replacement field (PEP 701, Python \
3.12+) is not supported by the checker; compute the value in a variable first";
const TSTRING: &str = "template string t\"...\" (PEP 750, Python 3.14+) is not supported by the \
checker; use an f-string or str.format";

/// Scan string literals for PEP 701 f-strings and t-strings. Best effort: it
/// only needs to be right on sources that the parser already rejected.
pub(crate) fn scan_unsupported(source: &str) -> Option<Unsupported> {
    let chars: Vec<(usize, char)> = source.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if c == '#' {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
            continue;
        }
        if c != '\'' && c != '"' {
            i += 1;
            continue;
        }
        // Collect the prefix letters just before the quote.
        let mut p = i;
        while p > 0 && chars[p - 1].1.is_ascii_alphabetic() {
            p -= 1;
        }
        let prefix: String = chars[p..i]
            .iter()
            .map(|&(_, ch)| ch.to_ascii_lowercase())
            .collect();
        let ident_before = p > 0 && (chars[p - 1].1.is_alphanumeric() || chars[p - 1].1 == '_');
        let prefix_ok = !ident_before && prefix.len() <= 2;
        let is_f = prefix_ok && prefix.contains('f');
        let is_t = prefix_ok && prefix.contains('t');
        let raw = prefix.contains('r');
        let triple =
            chars.get(i + 1).map(|x| x.1) == Some(c) && chars.get(i + 2).map(|x| x.1) == Some(c);
        let start_offset = chars[p].0;
        if is_t {
            return Some(Unsupported {
                offset: start_offset,
                construct: "t-string",
                message: TSTRING,
            });
        }
        let mut j = if triple { i + 3 } else { i + 1 };
        let mut depth = 0usize;
        loop {
            let &(_, ch) = chars.get(j)?;
            if depth == 0 {
                if ch == '\\' && !raw {
                    j += 2;
                    continue;
                }
                if ch == c
                    && (!triple
                        || (chars.get(j + 1).map(|x| x.1) == Some(c)
                            && chars.get(j + 2).map(|x| x.1) == Some(c)))
                {
                    j += if triple { 3 } else { 1 };
                    break;
                }
                if ch == '\n' && !triple {
                    j += 1;
                    break;
                }
                if is_f && ch == '{' {
                    if chars.get(j + 1).map(|x| x.1) == Some('{') {
                        j += 2;
                        continue;
                    }
                    depth = 1;
                }
            } else {
                match ch {
                    '{' | '[' | '(' => depth += 1,
                    '}' | ']' | ')' => depth -= 1,
                    '\\' => {
                        return Some(Unsupported {
                            offset: start_offset,
                            construct: "pep701-fstring",
                            message: PEP701_BACKSLASH,
                        });
                    }
                    q if q == c => {
                        return Some(Unsupported {
                            offset: start_offset,
                            construct: "pep701-fstring",
                            message: PEP701_QUOTES,
                        });
                    }
                    '\'' | '"' => {
                        // A string of the other kind inside the braces: skip it.
                        j += 1;
                        while let Some(&(_, inner)) = chars.get(j) {
                            if inner == ch || inner == '\n' {
                                break;
                            }
                            j += 1;
                        }
                    }
                    _ => {}
                }
            }
            j += 1;
        }
        i = j;
    }
    None
}
