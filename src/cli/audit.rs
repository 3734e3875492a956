//! `sdg audit EXPERIMENT [--json]`: re-runs a record from its own spec and code and proves it
//! reproduces (same dataset hash, fuel, runtime, report), or names every difference (exit 1).

use std::path::{Path, PathBuf};

use clap::Args;

use super::render::{print_error, print_json};
use super::term::outln;
use crate::pipeline::audit::{audit, AuditOptions};
use crate::pipeline::stages::{ApprovalTrust, ExperimentStore, RunLimits, Severity};
use crate::pipeline::PipelineError;
use crate::untrusted::terminal_line as line;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The experiment (id or unique prefix).
    experiment: String,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
    /// Linear-memory cap of the guest, in MiB, 1..=4096 (if the original run raised it).
    #[arg(long, value_name = "MIB", value_parser = super::numbers::memory_mib, allow_negative_numbers = true)]
    memory_mib: Option<u64>,
    #[command(flatten)]
    trust: super::trust_args::TrustArgs,
}

pub fn run(a: AuditArgs, root: &Path, home: PathBuf) -> u8 {
    let mut limits = RunLimits::default();
    if let Some(m) = a.memory_mib {
        limits.memory_bytes = super::numbers::mib_to_bytes(m);
    }
    let opts = AuditOptions {
        home,
        source: super::install_source(None),
        limits,
        trust: a.trust.options(),
    };
    let mut progress = |l: &str| super::progress(l);
    let result = ExperimentStore::new(root)
        .load(&a.experiment)
        .map_err(PipelineError::from)
        .and_then(|e| audit(&e, &opts, &mut progress));
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            print_error(&e, a.json);
            return e.exit_code();
        }
    };
    let ok = outcome.reproduced();
    if a.json {
        print_json(&serde_json::json!({
            "experiment": outcome.original.id,
            "status": if ok { "REPRODUCED" } else { "NOT_REPRODUCED" },
            "differences": outcome.differences,
            "dataset_sha256": outcome.rerun.dataset.sha256,
            "fuel_used": outcome.rerun.fuel_used,
            "approval_trust": outcome.approval_trust,
        }));
    } else {
        let r = &outcome.original;
        match &outcome.approval_trust {
            Some(ApprovalTrust::Signed {
                principal,
                key_fingerprint,
                ..
            }) => outln!(
                "approval: signed by {} (key {}), verified",
                crate::untrusted::terminal_line(principal),
                crate::untrusted::terminal_line(key_fingerprint)
            ),
            Some(ApprovalTrust::UnsignedAllowed) => {
                outln!("approval: UNSIGNED (accepted with --allow-unsigned)")
            }
            None => outln!("approval: none (the run was unapproved)"),
        }
        for d in &outcome.differences {
            let tag = match d.severity {
                Severity::Breaks => "DIFFERS",
                Severity::Warning => "note",
            };
            let at = d
                .path
                .as_deref()
                .map(|p| format!(" at {}", line(p)))
                .unwrap_or_default();
            outln!(
                "{tag}: {}{at}: {} → {}",
                line(&d.what),
                line(&d.original),
                line(&d.rerun)
            );
        }
        if ok {
            outln!(
                "REPRODUCED {}: dataset sha256 {}, fuel {}, report identical",
                line(&r.id),
                line(&r.dataset.sha256),
                r.fuel_used
            );
        } else {
            outln!("NOT REPRODUCED {}: see the differences above", line(&r.id));
        }
    }
    if ok {
        0
    } else {
        1
    }
}
