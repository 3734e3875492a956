//! `sdg approve SPEC [--by NAME] [--note TEXT]`: records that a person approved this exact spec
//! + code (bound to both sha256). Code that fails the contract check cannot be approved.

use clap::Args;

use crate::contract::{self, Contract};
use crate::experiments::{approve, ApprovalStore};
use crate::pipeline::{self, PipelineError};

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The spec (a path, or a name: NAME.yaml here or in specs/).
    spec: String,
    /// Who approves [default: $SDG_USER, else $USER].
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// A note kept with the approval.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

pub fn run(a: ApproveArgs) -> u8 {
    let spec = match super::resolve_spec(&a.spec) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let who =
        a.by.clone()
            .or_else(|| std::env::var("SDG_USER").ok())
            .or_else(|| std::env::var("USER").ok())
            .filter(|w| !w.trim().is_empty());
    let Some(who) = who else {
        eprintln!("error: who approves? pass --by NAME or set SDG_USER");
        return 2;
    };
    let result = (|| -> Result<_, PipelineError> {
        let text = contract::read(&spec)?;
        let c = Contract::from_text(&text, &spec)?;
        let (code_path, code) = pipeline::read_code(&c, None)?;
        pipeline::check_code(&c, &code_path, &code)?;
        let store = ApprovalStore::beside_spec(&spec);
        let approval = approve(
            &store,
            c.name(),
            text.as_bytes(),
            code.as_bytes(),
            &who,
            a.note.as_deref(),
        )?;
        Ok((c, code_path, approval, store))
    })();
    match result {
        Ok((c, code_path, approval, store)) => {
            println!(
                "approved `{}`: {} (sha256 {}) + {} (sha256 {}) by {} at {}",
                c.name(),
                spec.display(),
                &approval.spec_sha256[..12],
                code_path.display(),
                &approval.code_sha256[..12],
                approval.approved_by,
                approval.approved_at
            );
            eprintln!(
                "sdg: kept in {}; any edit to the spec or code voids it",
                store.approval_path(c.name()).display()
            );
            0
        }
        Err(e) => {
            super::render::print_error(&e, false);
            e.exit_code()
        }
    }
}
