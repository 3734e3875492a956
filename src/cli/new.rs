//! `sdg new "INTENT" [--name N] [--dir D]`: the LLM drafts a spec and its code; both are
//! validated/checked, written as `D/N.yaml` + `D/N.py`, and shown for review.

use std::path::PathBuf;

use clap::Args;

use super::llm_args::LlmArgs;
use crate::pipeline::authoring::{self, AuthoringError};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What the dataset should be, in plain words.
    intent: String,
    /// The spec's name (file names NAME.yaml, NAME.py) [default: derived from the intent].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Where to write the files.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Replace existing files of that name.
    #[arg(long)]
    force: bool,
    /// Do not print the spec and code (only where they were written).
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    llm: LlmArgs,
}

pub fn run(a: NewArgs) -> u8 {
    let client = match a.llm.client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut progress = |l: &str| super::progress(l);
    let out = match authoring::new_spec(
        &client,
        &a.intent,
        a.name.as_deref(),
        &a.dir,
        a.force,
        &a.llm.author(),
        &mut progress,
    ) {
        Ok(o) => o,
        Err(e) => {
            super::print_chain(&e);
            return match e {
                AuthoringError::Io { .. } | AuthoringError::Approval(_) => 4,
                AuthoringError::Author { ref source, .. }
                    if matches!(source, crate::author::AuthorError::Llm { .. }) =>
                {
                    3
                }
                _ => 2,
            };
        }
    };
    if !a.quiet {
        println!("# {}\n{}", out.spec_path.display(), out.spec_text);
        println!("# {}\n{}", out.code_path.display(), out.code_text);
    }
    eprintln!(
        "sdg: wrote {} and {} ({} spec request(s), {} code request(s))",
        out.spec_path.display(),
        out.code_path.display(),
        out.requests.0,
        out.requests.1
    );
    let spec = out.spec_path.display();
    match &out.violations {
        Some(v) => {
            eprint!("{v}");
            eprintln!(
                "error: the drafted code still breaks the contract; edit {} until `sdg code check {spec}` is clean",
                out.code_path.display()
            );
            2
        }
        None => {
            eprintln!(
                "next: read the code, then `sdg review {spec}`, `sdg approve {spec}`, `sdg run {spec}`"
            );
            0
        }
    }
}
