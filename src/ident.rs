//! The one check for names that become Python: the generator function's name and the output
//! columns' names (which the code uses as keys and the guest may bind). A name is an ASCII Python
//! identifier of at most [`MAX_LEN`] characters (the spec schema's `IDENT` pattern says the same
//! to editors and LLMs) and not a Python keyword: `def class(...)` or a column `lambda` would be
//! a syntax error or a trap in the generated code.
//!
//! A leaf module: it imports nothing from the crate, so `contract` and `author` share it.

/// Longest identifier accepted, in characters.
pub const MAX_LEN: usize = 64;

/// Python 3's keywords (`keyword.kwlist`), which no name may be.
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Is `name` one of [`PYTHON_KEYWORDS`]?
pub fn is_keyword(name: &str) -> bool {
    PYTHON_KEYWORDS.contains(&name)
}

/// An ASCII Python identifier (`[A-Za-z_][A-Za-z0-9_]*`) of at most [`MAX_LEN`] characters that
/// is not a keyword.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_LEN
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_ascii_python_names_of_at_most_64_characters() {
        for ok in [
            "x",
            "_",
            "generate_data",
            "col_2",
            "Class",
            "none",
            &"a".repeat(64),
        ] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "2x", "a-b", "a b", "é", &"a".repeat(65)] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn python_keywords_are_refused() {
        for kw in [
            "class", "lambda", "None", "True", "def", "import", "yield", "await",
        ] {
            assert!(!is_identifier(kw), "{kw}");
        }
        assert_eq!(PYTHON_KEYWORDS.len(), 35);
    }
}
