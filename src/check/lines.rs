//! Byte offset → 1-based (line, column-in-chars) conversion.
//!
//! rustpython gives byte offsets (`TextSize`); diagnostics want characters.
//! Line breaks are `\n`, `\r\n` and lone `\r`, as in Python.

use rustpython_parser::text_size::TextSize;

/// Start offsets of every line of a source.
pub(crate) struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { source, starts }
    }

    /// 1-based line and 1-based column (in chars) of a byte offset, clamped into the source.
    pub(crate) fn position(&self, offset: TextSize) -> (u32, u32) {
        self.position_of(usize::from(offset))
    }

    pub(crate) fn position_of(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.source.len());
        while offset > 0 && !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let col = self
            .source
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (to_u32(line + 1), to_u32(col + 1))
    }

    /// Text of a 1-based line without its line break ("" when out of range).
    pub(crate) fn line_text(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.source.len());
        let text = self.source.get(start..end).unwrap_or("");
        text.trim_end_matches(['\n', '\r'])
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
