//! `sdg spec check SPEC [--json]` (every problem at once, compiler-style, then notes),
//! `sdg spec fmt SPEC --to keyed|document` (the same spec in the other shape) and
//! `sdg spec schema` (the JSON Schema, for LLM servers and editors).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::render::print_json;
use super::term::{err, errln, out, outln};
use crate::pipeline::stages::{
    forms, parse_as, read_spec, render_diagnostics, render_notes, spec_schema, to_yaml_compact,
    write_atomic, Contract, ContractError, Form, Syntax, RUNTIME_PYTHON,
};

#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// Check a spec: shape (against the JSON Schema) and meaning (bounds, references, caps).
    Check(CheckArgs),
    /// Print the spec's JSON Schema (draft 2020-12).
    Schema,
    /// Rewrite a spec in the keyed or the design document's shape, with the same meaning.
    ///
    /// Writes to stdout unless --in-place or --output. YAML comments are not kept.
    Fmt(FmtArgs),
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The spec file (YAML, or JSON if it ends in `.json`).
    spec: PathBuf,
    /// The shape to write.
    #[arg(long, value_enum)]
    to: Shape,
    /// The syntax to write (default: the output file's, else the input's).
    #[arg(long, value_enum)]
    syntax: Option<SyntaxArg>,
    /// Rewrite SPEC itself (atomically).
    #[arg(long, conflicts_with = "output")]
    in_place: bool,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Shape {
    /// `- KIND: {fields}`, `min`/`max`, `float64`: sdg's own shape.
    Keyed,
    /// `- check: KIND`, `constraints`, `float`: the design document's shape.
    Document,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SyntaxArg {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The spec file (YAML).
    spec: PathBuf,
    /// Print one JSON object: {"status": "OK"|"INVALID", "diagnostics": [...]}.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: SpecCommand) -> u8 {
    match cmd {
        SpecCommand::Schema => {
            match crate::untrusted::to_json_string_pretty(&spec_schema()) {
                Ok(s) => outln!("{s}"),
                Err(e) => {
                    errln!("error: cannot encode the schema: {e}");
                    return 4;
                }
            }
            0
        }
        SpecCommand::Check(a) => check(a),
        SpecCommand::Fmt(a) => fmt(a),
    }
}

fn check(a: CheckArgs) -> u8 {
    let result = read_spec(&a.spec).and_then(|text| Contract::from_text(&text, &a.spec));
    match (result, a.json) {
        (Ok(c), true) => {
            print_json(&serde_json::json!({
                "status": "OK",
                "spec": a.spec,
                "name": c.name(),
                "function": c.function(),
                "language": c.language(),
                "runtime_python": RUNTIME_PYTHON,
                "outputs": c.outputs(),
                "diagnostics": [],
                "notes": c.notes(),
            }));
            0
        }
        (Ok(c), false) => {
            if !c.notes().is_empty() {
                let text = read_spec(&a.spec).unwrap_or_default();
                err!(
                    "{}",
                    render_notes(&text, &a.spec.display().to_string(), c.notes())
                );
            }
            outln!(
                "ok: `{}` is a valid spec ({} outputs, function `{}`)",
                a.spec.display(),
                c.outputs().len(),
                c.function()
            );
            0
        }
        (Err(e), json) => {
            if json {
                let diagnostics = match &e {
                    ContractError::Invalid { diagnostics, .. } => diagnostics.clone(),
                    _ => Vec::new(),
                };
                print_json(&serde_json::json!({
                    "status": "INVALID",
                    "spec": a.spec,
                    "message": e.to_string(),
                    "diagnostics": diagnostics,
                }));
            } else {
                match e.rendered() {
                    Some(r) => err!("{r}"),
                    None => {
                        super::print_chain(&e);
                        if let Some(h) = e.hint() {
                            errln!("hint: {h}");
                        }
                    }
                }
            }
            2
        }
    }
}

/// `sdg spec fmt`: parse (shape only: a spec with semantic problems can still be rewritten),
/// write in the asked shape, and check that the result reads back with the same meaning before
/// anything is written.
fn fmt(a: FmtArgs) -> u8 {
    let text = match read_spec(&a.spec) {
        Ok(t) => t,
        Err(e) => {
            super::print_chain(&e);
            return 2;
        }
    };
    let file = a.spec.display().to_string();
    let parsed = match parse_as(&text, Syntax::of(&a.spec)) {
        Ok(p) => p,
        Err(diags) => {
            err!("{}", render_diagnostics(&text, &file, &diags));
            return 2;
        }
    };
    let form = match a.to {
        Shape::Keyed => Form::Keyed,
        Shape::Document => Form::Document,
    };
    let target = if a.in_place {
        Some(a.spec.clone())
    } else {
        a.output.clone()
    };
    let syntax = match (a.syntax, &target) {
        (Some(SyntaxArg::Json), _) => Syntax::Json,
        (Some(SyntaxArg::Yaml), _) => Syntax::Yaml,
        (None, Some(t)) => Syntax::of(t),
        (None, None) => Syntax::of(&a.spec),
    };
    let value = forms::to_json(&parsed.raw, form);
    let written = match syntax {
        Syntax::Yaml => to_yaml_compact(&value),
        // Terminal-dangerous characters from the spec are written as `\uXXXX`.
        Syntax::Json => match crate::untrusted::to_json_string_pretty(&value) {
            Ok(s) => s + "\n",
            Err(e) => {
                errln!("error: cannot encode the spec as JSON: {e}");
                return 4;
            }
        },
    };
    // The rewrite must read back, in its own syntax, as the same spec.
    match parse_as(&written, syntax) {
        Ok(back) if forms::same_meaning(&back.raw, &parsed.raw) => {}
        Ok(_) => {
            errln!(
                "error: internal: the {} rewrite does not mean the same; nothing written",
                form.name()
            );
            return 4;
        }
        Err(diags) => {
            errln!(
                "error: internal: the {} rewrite does not read back; nothing written",
                form.name()
            );
            err!("{}", render_diagnostics(&written, "rewrite", &diags));
            return 4;
        }
    }
    if has_comments(&text) {
        errln!(
            "note: `{}` has comments; the rewrite does not keep them",
            a.spec.display()
        );
    }
    match target {
        None => {
            out!("{written}");
            0
        }
        Some(path) => {
            match write_atomic(&path, written.as_bytes(), mode_of(&path).unwrap_or(0o644)) {
                Ok(()) => {
                    errln!("wrote `{}` ({} shape)", path.display(), form.name());
                    0
                }
                Err(e) => {
                    errln!("error: cannot write `{}`: {e}", path.display());
                    4
                }
            }
        }
    }
}

/// Whether YAML text has a comment line (a `#` first on its line; a trailing `# ...` after a
/// value is not detected, so this can miss some, never invent one).
fn has_comments(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with('#'))
}

/// The permission bits of an existing file (kept when it is rewritten).
fn mode_of(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::metadata(path).ok()?.permissions().mode() & 0o7777)
}
