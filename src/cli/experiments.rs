//! `sdg experiments [--name N] [--json]`: the records in the experiments folder, oldest first;
//! folders that cannot be read are listed as warnings, never hidden.

use std::path::Path;

use clap::Args;

use super::render::print_json;
use super::term::{errln, outln};
use crate::pipeline::stages::ExperimentStore;
use crate::untrusted::terminal_line as line;

#[derive(Debug, Args)]
pub struct ExperimentsArgs {
    /// Only the records of this spec name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
}

pub fn run(a: ExperimentsArgs, root: &Path) -> u8 {
    let mut listing = match ExperimentStore::new(root).list() {
        Ok(l) => l,
        Err(e) => {
            super::print_chain(&e);
            return 4;
        }
    };
    if let Some(n) = &a.name {
        listing.experiments.retain(|s| &s.name == n);
    }
    if a.json {
        print_json(&listing);
        return 0;
    }
    for w in &listing.warnings {
        errln!(
            "warning: {}: {}",
            line(&w.path.display().to_string()),
            line(&w.reason)
        );
    }
    if listing.experiments.is_empty() {
        errln!("sdg: no experiments in {}", root.display());
        return 0;
    }
    outln!(
        "{:<44} {:<7} {:>12} {:>10} {:<6} {:<12} APPROVED BY",
        "ID",
        "STATUS",
        "SEED",
        "ROWS",
        "ROUND",
        "DATASET"
    );
    for s in &listing.experiments {
        outln!(
            "{:<44} {:<7} {:>12} {:>10} {:<6} {:<12} {}",
            line(&s.id),
            line(&s.status),
            s.seed,
            s.rows,
            s.round.map_or("-".into(), |r| r.to_string()),
            // Records are files: a short or non-ASCII hash must not panic the listing.
            line(s.dataset_sha256.get(..12).unwrap_or(&s.dataset_sha256)),
            line(s.approved_by.as_deref().unwrap_or("-(--yes)"))
        );
    }
    0
}
