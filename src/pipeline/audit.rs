//! `sdg audit`: re-run an experiment record from its own spec and code (never the files in the
//! working tree), with its seed, rows and format, and name every difference that matters for
//! reproducibility: dataset hash, fuel, runtime identity, validation report. Before anything
//! runs, the record's approval must be for the record's own spec and code, and its signature
//! must still verify (an unsigned one only with `--allow-unsigned`).

use std::path::PathBuf;

use serde::Serialize;

use super::record::rerun_record;
use super::{run, trust_note, PipelineError, RunOptions, TrustOptions};
use crate::columns::Format;
use crate::experiments::signers::{self, SignersLocation, SignersSource};
use crate::experiments::{
    audit_diff, fsutil, names, ApprovalError, ApprovalTrust, Difference, Experiment, Record,
    Severity, TrustPolicy,
};
use crate::sandbox::{runtime::InstallSource, RunLimits};

/// How to re-run.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub home: PathBuf,
    pub source: InstallSource,
    /// Limits for the rerun; the fuel is raised to cover what the original run used.
    pub limits: RunLimits,
    /// How the record's approval is trusted (`--allowed-signers`, `--allow-unsigned`).
    pub trust: TrustOptions,
}

/// What an audit found.
#[derive(Debug, Clone, Serialize)]
pub struct AuditOutcome {
    /// The audited record.
    pub original: Record,
    /// The rerun's record (in memory; not stored).
    pub rerun: Record,
    /// Every difference; empty when the run reproduced.
    pub differences: Vec<Difference>,
    /// How the record's approval was trusted now (`None`: the run was unapproved).
    pub approval_trust: Option<ApprovalTrust>,
}

impl AuditOutcome {
    /// True when nothing that breaks reproduction differs.
    pub fn reproduced(&self) -> bool {
        !self
            .differences
            .iter()
            .any(|d| d.severity == Severity::Breaks)
    }
}

fn format_of(name: &str) -> Option<Format> {
    [Format::Parquet, Format::Arrow, Format::Csv]
        .into_iter()
        .find(|f| f.name() == name)
}

/// Verifies the record's files against its hashes, re-runs it in a scratch folder and diffs.
pub fn audit(
    exp: &Experiment,
    opts: &AuditOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<AuditOutcome, PipelineError> {
    exp.verify_files()?;
    let record = &exp.record;
    let spec = exp.spec()?;
    let code = exp.code()?;
    let approval_trust = check_approval(record, &spec, &code, &opts.trust)?;
    if let Some(note) = approval_trust.as_ref().and_then(trust_note) {
        progress(&note);
    }
    let report = exp.report()?;
    let format = format_of(&record.dataset.format).ok_or_else(|| {
        crate::experiments::ExperimentError::Corrupt {
            path: exp.dir.join("record.json"),
            reason: format!("unknown dataset format {:?}", record.dataset.format),
        }
    })?;
    let scratch = tempfile::Builder::new()
        .prefix("sdg-audit-")
        .tempdir()
        .map_err(|source| PipelineError::Scratch {
            path: std::env::temp_dir(),
            source,
        })?;
    let io = |path: PathBuf| move |source| PipelineError::Scratch { path, source };
    let spec_path = scratch
        .path()
        .join(format!("{}.yaml", names::sanitize(&record.name)));
    let code_path = scratch.path().join("code.py");
    std::fs::write(&spec_path, &spec).map_err(io(spec_path.clone()))?;
    std::fs::write(&code_path, &code).map_err(io(code_path.clone()))?;
    let mut limits = opts.limits.clone();
    limits.fuel = limits
        .fuel
        .max(record.fuel_used.saturating_add(record.fuel_used / 10 + 1));
    let run_opts = RunOptions {
        spec: spec_path,
        code: Some(code_path),
        rows: Some(record.rows),
        seed: Some(record.seed),
        out: Some(scratch.path().join(format!("dataset.{}", format.name()))),
        format,
        home: opts.home.clone(),
        source: opts.source.clone(),
        limits,
        require_approval: false,
        trust: TrustOptions::default(),
    };
    progress(&format!(
        "re-running {} (seed {}, {} rows)",
        record.id, record.seed, record.rows
    ));
    let rerun_report = run(&run_opts, progress)?;
    let rerun = rerun_record(record, &rerun_report);
    // A record written before the report carried the design document's names is compared
    // without them (they are derived from values the diff already compares, or from the
    // dataset, whose hash it compares).
    let rerun_json = crate::report::without_names_missing_from(
        &report,
        &super::record::report_json(&rerun_report),
    );
    let differences = audit_diff(record, &rerun, &report, &rerun_json);
    Ok(AuditOutcome {
        original: record.clone(),
        rerun,
        differences,
        approval_trust,
    })
}

/// The record's approval must be for its own spec and code, and its signature must verify now:
/// against `--allowed-signers`, `$SDG_ALLOWED_SIGNERS` or the user's file, else the file the
/// run used (as weak as the experiments folder, and said so).
fn check_approval(
    record: &Record,
    spec: &[u8],
    code: &[u8],
    trust: &TrustOptions,
) -> Result<Option<ApprovalTrust>, PipelineError> {
    let Some(approval) = &record.approval else {
        return Ok(None);
    };
    let (spec_now, code_now) = (fsutil::sha256_hex(spec), fsutil::sha256_hex(code));
    if approval.spec_sha256 != spec_now {
        return Err(ApprovalError::SpecChanged {
            name: record.name.clone(),
            approved: approval.spec_sha256.clone(),
            code_also_changed: approval.code_sha256 != code_now,
            now: spec_now,
        }
        .into());
    }
    if approval.code_sha256 != code_now {
        return Err(ApprovalError::CodeChanged {
            name: record.name.clone(),
            approved: approval.code_sha256.clone(),
            now: code_now,
        }
        .into());
    }
    let recorded = match &approval.trust {
        Some(ApprovalTrust::Signed {
            allowed_signers, ..
        }) => Some(SignersLocation {
            path: allowed_signers.into(),
            source: SignersSource::Record,
        }),
        _ => None,
    };
    let policy = TrustPolicy {
        allow_unsigned: trust.allow_unsigned,
        signers: signers::locate(trust.allowed_signers.as_deref(), recorded),
    };
    let now = approval
        .check_trust(&policy)
        .map_err(|problem| ApprovalError::Untrusted {
            name: record.name.clone(),
            problem: Box::new(problem),
        })?;
    Ok(Some(now))
}
