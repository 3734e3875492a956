//! The one place where the command line's text reaches a terminal.
//!
//! Much of what sdg prints holds text it does not control: guest stderr, exception messages and
//! tracebacks, LLM answers, spec text, code under review, fields of experiment records. Every
//! line goes through [`out_text`] / [`err_text`] (or the `outln!`/`errln!`/`out!`/`errln!`
//! macros), which pass it through [`untrusted::terminal`]: no ESC, C0 (but `\n`, `\t`), DEL, C1,
//! bidi or zero-width control reaches the terminal raw, whatever a caller forgot to escape.
//! A unit test scans `src/cli` and `src/report` so no other print path creeps in.
//!
//! sdg's own colour (the report's ✓/✗ and status, [`crate::report::render_terminal`]) is the
//! one exception: [`out_styled`] lets through exactly the SGR sequences sdg writes and escapes
//! everything else.
//!
//! Untrusted text that may span lines is shown by [`continued`]: its second and later lines are
//! indented behind `  | `, so no line from the guest can pose as one of sdg's own (`PASSED`,
//! `error:`). Writes ignore a closed pipe (`sdg experiments | head`) instead of panicking.

use std::io::Write;

use crate::untrusted;

/// The SGR sequences sdg itself writes (see `report::render_terminal`); nothing else passes
/// [`out_styled`] raw.
pub const OWN_SGR: [&str; 4] = ["\x1b[32m", "\x1b[31m", "\x1b[1m", "\x1b[0m"];

fn write_to(mut w: impl Write, text: &str) {
    // A closed pipe or full disk on stdout/stderr is not worth a panic: drop the text.
    let _ = w.write_all(text.as_bytes());
    let _ = w.flush();
}

/// Colour only when stdout is a terminal and `NO_COLOR` is unset.
pub fn color_stdout() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none()
}

/// Writes `text` to stdout, escaped for a terminal (`\n` and `\t` kept).
pub fn out_text(text: &str) {
    write_to(std::io::stdout().lock(), &untrusted::terminal(text));
}

/// Writes `text` to stderr, escaped for a terminal (`\n` and `\t` kept).
pub fn err_text(text: &str) {
    write_to(std::io::stderr().lock(), &untrusted::terminal(text));
}

/// Writes text holding sdg's own colour to stdout: the [`OWN_SGR`] sequences pass, every other
/// character goes through [`untrusted::terminal`].
pub fn out_styled(text: &str) {
    write_to(std::io::stdout().lock(), &escape_keeping_own_sgr(text));
}

/// [`untrusted::terminal`], except that the exact [`OWN_SGR`] sequences are kept.
pub fn escape_keeping_own_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let next = OWN_SGR
            .iter()
            .filter_map(|s| rest.find(s).map(|i| (i, *s)))
            .min_by_key(|(i, _)| *i);
        match next {
            Some((i, sgr)) => {
                out.push_str(&untrusted::terminal(&rest[..i]));
                out.push_str(sgr);
                rest = &rest[i + sgr.len()..];
            }
            None => {
                out.push_str(&untrusted::terminal(rest));
                rest = "";
            }
        }
    }
    out
}

/// Text that may span lines, for a line that starts with sdg's own label: every line after the
/// first is indented behind `  | ` (and a trailing newline is dropped).
pub fn continued(text: &str) -> String {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let mut lines = text.split('\n');
    let mut out = lines.next().unwrap_or("").to_string();
    for l in lines {
        out.push_str("\n  | ");
        out.push_str(l);
    }
    out
}

/// `println!` to stdout through [`out_text`].
macro_rules! outln {
    () => { $crate::cli::term::out_text("\n") };
    ($($t:tt)*) => {{
        let mut s = format!($($t)*);
        s.push('\n');
        $crate::cli::term::out_text(&s)
    }};
}

/// `print!` to stdout through [`out_text`].
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::term::out_text(&format!($($t)*)) };
}

/// `eprintln!` to stderr through [`err_text`].
macro_rules! errln {
    ($($t:tt)*) => {{
        let mut s = format!($($t)*);
        s.push('\n');
        $crate::cli::term::err_text(&s)
    }};
}

/// `eprint!` to stderr through [`err_text`].
macro_rules! err {
    ($($t:tt)*) => { $crate::cli::term::err_text(&format!($($t)*)) };
}

pub(crate) use {err, errln, out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}]0;pwned\u{7}b\u{1b}[2J\rPASSED\u{9b}31m\u{202e}cba\u{7f}";

    #[test]
    fn own_colour_passes_and_nothing_else_does() {
        let text = format!("\x1b[32m✓\x1b[0m {HOSTILE}\n\x1b[1m\x1b[31mFAILED\x1b[0m\n");
        let out = escape_keeping_own_sgr(&text);
        let mut rest = out.clone();
        for s in OWN_SGR {
            rest = rest.replace(s, "");
        }
        assert!(
            !rest
                .chars()
                .any(|c| c != '\n' && untrusted::is_dangerous(c)),
            "{rest:?}"
        );
        assert!(
            out.starts_with("\x1b[32m✓\x1b[0m a\\u{1b}]0;pwned"),
            "{out:?}"
        );
        assert!(out.ends_with("\x1b[1m\x1b[31mFAILED\x1b[0m\n"), "{out:?}");
        // An SGR sequence that is not sdg's own is escaped.
        assert_eq!(escape_keeping_own_sgr("\x1b[7m"), "\\u{1b}[7m");
    }

    #[test]
    fn continuation_lines_are_indented() {
        assert_eq!(continued("boom\nPASSED\n"), "boom\n  | PASSED");
        assert_eq!(continued("one line"), "one line");
    }

    /// Every print in `src/cli` and `src/report` goes through this module. `new.rs` belongs to the
    /// LLM work (streamed progress), which escapes its own output; listed here until it uses
    /// these macros.
    #[test]
    fn no_other_print_path_in_cli_or_report() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut offenders = Vec::new();
        for dir in ["src/cli", "src/report"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name == "term.rs" || name == "new.rs" {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    for bad in [
                        "println!",
                        "print!(",
                        "eprint!(",
                        "eprintln!",
                        "io::stdout",
                        "io::stderr",
                        "e.print()",
                    ] {
                        if code.contains(bad) {
                            offenders.push(format!("{dir}/{name}:{}: {}", i + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
