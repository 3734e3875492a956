//! Compiler-style rendering of violations:
//!
//! ```text
//! gen.py:1:8: SDG101 forbidden-import: import of forbidden module `os`
//!   1 | import os
//!     |        ^^
//!   = hint: remove the import; ...
//! ```

use super::lines::LineIndex;
use super::violation::Violation;
use std::fmt::Write;

/// Render every violation (in the given order), each followed by a blank line.
pub fn render(source: &str, path: &str, violations: &[Violation]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    for v in violations {
        let _ = writeln!(
            out,
            "{path}:{}:{}: {} {}: {}",
            v.line,
            v.column,
            v.rule.id(),
            v.rule.name(),
            v.message
        );
        let text = index.line_text(v.line);
        let num = v.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(out, " {num} | {text}");
        let col = v.column.max(1) as usize;
        let line_chars = text.chars().count();
        let end = if v.end_line == v.line {
            v.end_column.max(v.column + 1) as usize
        } else {
            line_chars + 1
        };
        let width = end.saturating_sub(col).max(1);
        let lead: String = text
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let lead_fill = " ".repeat((col - 1).saturating_sub(lead.chars().count()));
        let _ = writeln!(out, " {pad} | {lead}{lead_fill}{}", "^".repeat(width));
        if !v.hint.is_empty() {
            let _ = writeln!(out, " {pad} = hint: {}", v.hint);
        }
        out.push('\n');
    }
    out
}
