//! Checks on the small strings that end up in file names and records: spec names, experiment ids,
//! the approver's name and the approval note. Every check returns a reason a person can act on.

/// Longest spec name accepted (and kept in an experiment id).
pub const MAX_NAME: usize = 64;
/// Longest approver name accepted.
pub const MAX_PERSON: usize = 128;
/// Longest approval note accepted, in characters.
pub const MAX_NOTE: usize = 4096;

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Maps a free-form name onto `[A-Za-z0-9_.-]` (other characters become `_`), drops leading dots,
/// keeps at most [`MAX_NAME`] characters, and gives `unnamed` for an empty result.
pub fn sanitize(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| if name_char(c) { c } else { '_' })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches('.')
        .chars()
        .take(MAX_NAME)
        .collect();
    if trimmed.is_empty() {
        "unnamed".to_string()
    } else {
        trimmed
    }
}

/// Accepts a name used as a file name as is: 1..=[`MAX_NAME`] characters of `[A-Za-z0-9_.-]`,
/// not starting with a dot.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("the name is longer than {MAX_NAME} characters"));
    }
    if let Some(bad) = name.chars().find(|c| !name_char(*c)) {
        return Err(format!(
            "the name contains {bad:?}; use only letters, digits, `_`, `.` and `-`"
        ));
    }
    if name.starts_with('.') {
        return Err("the name starts with `.`".into());
    }
    Ok(())
}

/// Trims and checks an approver name: 1..=[`MAX_PERSON`] characters, no control characters.
pub fn check_person(who: &str) -> Result<String, String> {
    let who = who.trim();
    if who.is_empty() {
        return Err("the approver's name is empty; set SDG_USER (or USER)".into());
    }
    if who.chars().count() > MAX_PERSON {
        return Err(format!(
            "the approver's name is longer than {MAX_PERSON} characters"
        ));
    }
    if who.chars().any(char::is_control) {
        return Err("the approver's name contains control characters".into());
    }
    Ok(who.to_string())
}

/// Checks a note: at most [`MAX_NOTE`] characters, no control characters but newline and tab.
pub fn check_note(note: &str) -> Result<(), String> {
    if note.chars().count() > MAX_NOTE {
        return Err(format!("the note is longer than {MAX_NOTE} characters"));
    }
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(
            "the note contains control characters (only newline and tab are allowed)".into(),
        );
    }
    Ok(())
}
