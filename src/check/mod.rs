//! Static contract check of LLM-written generator code.
//!
//! The host parses the approved Python source with `rustpython-parser`, walks the
//! AST once into flat tables (`walk`), resolves every name/attribute reference
//! to a dotted qualified name through imports and aliases (`scope`), then runs
//! one small rule per file under [`rules`] (ruff's model). Each rule has a stable
//! id (`SDG101`) and kebab name (`forbidden-import`), see [`Rule`].
//!
//! Before parsing, the raw text is scanned for characters that make the
//! reviewer, the parser and the interpreter read different programs (7xx
//! rules); after parsing, every identifier is NFKC-normalised as CPython does
//! (`normalise`) so the rules see the names that actually run.
//!
//! Entry points: [`check`] and [`render`]. `check` never panics: it runs on a
//! thread with a large stack (deep ASTs drop recursively) and refuses nesting
//! deeper than `walk::MAX_DEPTH` (400).

mod attrs;
mod context;
mod error;
mod lines;
mod names;
mod normalise;
mod policy;
mod render;
mod rule;
pub mod rules;
mod scope;
mod syntax;
mod text;
mod violation;
mod walk;

pub use error::CheckError;
pub use names::{ALWAYS_FORBIDDEN, FORBIDDEN_BUILTINS};
pub use policy::Policy;
pub use render::render;
pub use rule::Rule;
pub use violation::{Report, Violation};

/// Largest accepted source, in bytes (1 MiB).
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// Stack size of the worker thread that parses and walks the source.
const WORKER_STACK: usize = 256 << 20;

/// Check `source` against `policy`.
///
/// `Ok(vec![])` means clean. Violations are sorted by position (then rule id)
/// and deduplicated. Errors: source too large, or not parseable.
pub fn check(source: &str, policy: &Policy) -> Result<Vec<Violation>, CheckError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(CheckError::TooLarge {
            bytes: source.len(),
            limit: MAX_SOURCE_BYTES,
        });
    }
    let owned_src = source.to_owned();
    let owned_policy = policy.clone();
    let spawned = std::thread::Builder::new()
        .name("sdg-check".into())
        .stack_size(WORKER_STACK)
        .spawn(move || check_inline(&owned_src, &owned_policy));
    match spawned {
        Ok(handle) => match handle.join() {
            Ok(result) => result,
            Err(_) => Err(CheckError::Internal {
                message: "checker worker thread panicked".into(),
            }),
        },
        // Could not spawn (resource limits): run on the caller's stack.
        Err(_) => check_inline(source, policy),
    }
}

/// The check itself, on the current thread.
fn check_inline(source: &str, policy: &Policy) -> Result<Vec<Violation>, CheckError> {
    let index = lines::LineIndex::new(source);
    let mut out = Vec::new();
    rules::run_text(source, &index, &mut out);
    let suite = match syntax::parse(source, &index) {
        Ok(suite) => suite,
        // The named text findings explain (or are reason enough to refuse)
        // a source the parser rejects, e.g. one with a NUL or a U+2028.
        Err(_) if !out.is_empty() => return Ok(sorted(out)),
        Err(e) => return Err(e),
    };
    // Depth is checked on the parsed tree first: the normaliser recurses too.
    if let Some(offset) = walk::Flat::build(&suite).too_deep {
        return Err(too_deep(&index, offset));
    }
    let (suite, non_ascii) = if source.is_ascii() {
        (suite, Vec::new())
    } else {
        normalise::normalise(source, suite)
    };
    let flat = walk::Flat::build(&suite);
    let cx = context::Context::new(source, &index, &suite, &flat, policy, &non_ascii);
    rules::run_all(&cx, &mut out);
    Ok(sorted(out))
}

fn too_deep(
    index: &lines::LineIndex<'_>,
    offset: rustpython_parser::text_size::TextSize,
) -> CheckError {
    let (line, column) = index.position(offset);
    CheckError::Syntax {
        line,
        column,
        message: format!(
            "expression or block nesting deeper than {} levels (checker limit); simplify the code",
            walk::MAX_DEPTH
        ),
        construct: Some("nesting-depth".into()),
    }
}

/// Sort by position (then rule id) and drop exact duplicates.
fn sorted(mut out: Vec<Violation>) -> Vec<Violation> {
    out.sort_by(|a, b| {
        (a.line, a.column, a.end_line, a.end_column, a.rule.id()).cmp(&(
            b.line,
            b.column,
            b.end_line,
            b.end_column,
            b.rule.id(),
        ))
    });
    out.dedup_by(|a, b| {
        a.rule == b.rule
            && a.line == b.line
            && a.column == b.column
            && a.end_line == b.end_line
            && a.end_column == b.end_column
    });
    out
}
