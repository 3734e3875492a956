//! Text that came from outside: the guest (stdout, stderr, exception messages, tracebacks), an
//! LLM (answers, drafts), or a file (spec, code, records). Such text never reaches a terminal
//! as it is: an escape sequence could retitle the window, clear the screen, print a fake
//! `PASSED`, move the cursor to hide a line from the reviewer, or reorder what is shown
//! (bidi controls). This leaf module (it knows no stage) makes such text inert:
//!
//! - [`terminal`] for multi-line text (code listings, tracebacks): keeps `\n` and `\t`;
//! - [`terminal_line`] for text shown inside one line (names, messages): escapes `\n` too;
//! - [`to_json_string`] for `--json`: serde_json already writes C0 controls as `\u00XX`; this also
//!   writes DEL, the C1 controls (`U+0080..U+009F`, of which `U+009B` is a one-character CSI on
//!   some terminals), bidi and zero-width controls and line/paragraph separators as `\uXXXX`, so
//!   the JSON printed to a terminal is as inert as the text output and still decodes to the
//!   same value.
//!
//! Escaped characters are written as `\u{1b}`-style tokens (visible, unambiguous), and a
//! backslash is left alone: the escaping is for a person's eyes, not a reversible encoding.

use std::borrow::Cow;

/// Must `c` be escaped before it reaches a terminal? (`\n` and `\t` are decided by the caller.)
pub fn is_dangerous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'            // C0 controls: ESC, BEL, CR, BS, ...
        | '\u{7f}'                    // DEL
        | '\u{80}'..='\u{9f}'         // C1 controls: CSI (9B), OSC (9D), ST (9C), ...
        | '\u{61c}'                   // ARABIC LETTER MARK
        | '\u{200b}'..='\u{200f}'     // zero-width space/joiners, LRM, RLM
        | '\u{2028}' | '\u{2029}'     // line and paragraph separators
        | '\u{202a}'..='\u{202e}'     // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'     // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'     // bidi isolates
        | '\u{feff}'                  // BOM / zero-width no-break space
        | '\u{fff9}'..='\u{fffb}'     // interlinear annotation controls
    )
}

/// Multi-line untrusted text for a terminal: keeps `\n` and `\t`, escapes the rest of
/// [`is_dangerous`] as `\u{..}`. Borrowed when nothing needed escaping.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape(s, |c| c != '\n' && c != '\t' && is_dangerous(c))
}

/// Untrusted text shown inside one line: like [`terminal`], and `\n` and `\t` are escaped too.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    escape(s, is_dangerous)
}

fn escape(s: &str, must: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&must) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if must(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serializes `value` as compact JSON in which no string holds a character of
/// [`is_dangerous`] raw: each is written as a `\uXXXX` escape (same value once decoded).
pub fn to_json_string<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut buf = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, InertFormatter);
    value.serialize(&mut ser)?;
    // The serializer writes UTF-8 only (string fragments come from `&str`).
    Ok(String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into()))
}

/// Like [`to_json_string`], pretty-printed.
pub fn to_json_string_pretty<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<String> {
    // Pretty output through the compact inert formatter would lose the indentation, so
    // re-escape the pretty output's string fragments instead: serde_json's pretty output only
    // holds dangerous characters inside strings, where `\uXXXX` is a valid escape.
    let pretty = serde_json::to_string_pretty(value)?;
    Ok(escape_json_text(&pretty))
}

/// Rewrites every dangerous character of already-encoded JSON text as `\uXXXX`. Valid only for
/// JSON from serde_json, where such characters can occur only inside strings.
fn escape_json_text(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_dangerous(c) && c != '\n' {
            push_u_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

fn push_u_escape(out: &mut String, c: char) {
    // Every dangerous character is in the Basic Multilingual Plane: one `\uXXXX` suffices.
    out.push_str(&format!("\\u{:04x}", c as u32));
}

/// A serde_json formatter that escapes [`is_dangerous`] characters inside strings.
struct InertFormatter;

impl serde_json::ser::Formatter for InertFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_dangerous(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut esc = String::with_capacity(6);
                push_u_escape(&mut esc, c);
                writer.write_all(esc.as_bytes())?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "a\u{1b}]0;pwned\u{7}b\u{1b}[2J\rPASSED\u{9b}31m\u{202e}cba\u{7f}\u{2028}";

    #[test]
    fn terminal_output_has_no_dangerous_character() {
        for out in [terminal(HOSTILE), terminal_line(HOSTILE)] {
            assert!(!out.chars().any(is_dangerous), "{out:?}");
        }
        assert_eq!(terminal("x\ny\tz"), "x\ny\tz");
        assert_eq!(terminal_line("x\ny"), "x\\ny");
        assert_eq!(terminal("\u{1b}[2J"), "\\u{1b}[2J");
        assert!(matches!(terminal("plain é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_is_inert_and_decodes_to_the_same_value() {
        let v = serde_json::json!({"message": HOSTILE, "list": [HOSTILE]});
        for text in [
            to_json_string(&v).unwrap(),
            to_json_string_pretty(&v).unwrap(),
        ] {
            assert!(
                !text.chars().any(|c| c != '\n' && is_dangerous(c)),
                "{text:?}"
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v);
        }
    }
}
