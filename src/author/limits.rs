//! Bounds on everything the authoring loop sends to the model, and the one helper that cuts a
//! text to a bound with a visible note (never in the middle of a UTF-8 character).

/// Longest accepted intent, in bytes. Longer intents are refused, not cut: the intent is the
/// person's request and must reach the model whole.
pub const MAX_INTENT_BYTES: usize = 4 * 1024;
/// Longest spec text sent (YAML, or JSON in structured mode); longer is cut with a note.
pub const MAX_SPEC_BYTES: usize = 64 * 1024;
/// Longest code text sent; longer is cut with a note.
pub const MAX_CODE_BYTES: usize = 256 * 1024;
/// Longest problems text (validator diagnostics, checker violations, validation report) sent.
pub const MAX_PROBLEMS_BYTES: usize = 16 * 1024;
/// Longest JSON Schema text put in the prompt.
pub const MAX_SCHEMA_BYTES: usize = 64 * 1024;
/// Budget for all few-shot examples together; examples that do not fit are left out whole.
pub const MAX_EXAMPLES_BYTES: usize = 32 * 1024;

/// `text` cut to at most `limit` bytes (at a character boundary, preferably a line end), with a
/// note saying how much of `what` was left out. Unchanged when it fits.
pub fn bound(text: &str, limit: usize, what: &str) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut cut = limit;
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    // Prefer ending at a line break when one is reasonably close.
    if let Some(nl) = text[..cut].rfind('\n') {
        if nl + 1 >= cut / 2 {
            cut = nl + 1;
        }
    }
    let kept = &text[..cut];
    let sep = if kept.ends_with('\n') { "" } else { "\n" };
    format!(
        "{kept}{sep}[... truncated: {} more bytes of the {what} not shown ({} bytes in all)]",
        text.len() - cut,
        text.len()
    )
}

#[cfg(test)]
mod tests {
    use super::bound;

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(bound("abc", 3, "spec"), "abc");
    }

    #[test]
    fn long_text_is_cut_at_a_line_with_a_note() {
        let t = "line one\nline two\nline three\n";
        let b = bound(t, 14, "spec");
        assert!(b.starts_with("line one\n[... truncated: "), "{b}");
        assert!(b.contains("of the spec not shown (29 bytes in all)"), "{b}");
    }

    #[test]
    fn multibyte_text_is_cut_on_a_char_boundary() {
        let t = "é".repeat(100);
        let b = bound(&t, 7, "code");
        assert!(b.starts_with("ééé\n[... truncated: 194 more bytes"), "{b}");
    }
}
