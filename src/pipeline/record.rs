//! The experiment record of a run: maps a [`RunReport`] onto the store's plain [`RunInfo`],
//! writes it (with the run's own dataset bytes kept in the record folder, taken from the staged
//! file before it is renamed into place), and finds the LLM provenance that `sdg new` left
//! beside the spec.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{PipelineError, RunReport, StagedRun};
use crate::experiments::{
    fsutil, DatasetRef, Experiment, ExperimentStore, Record, RunInfo, RuntimeIdentity,
    STATUS_FAILED, STATUS_PASSED,
};

/// Environment variable naming the experiments folder.
pub const ENV_EXPERIMENTS: &str = "SDG_EXPERIMENTS";

/// The default experiments folder: `./experiments`.
pub fn default_root() -> PathBuf {
    PathBuf::from("experiments")
}

/// What a record holds beyond the run itself.
#[derive(Debug, Clone, Default)]
pub struct RecordExtras {
    /// Where the code came from (model, sampling, usage), if an LLM wrote it.
    pub llm: Option<Value>,
    /// The `sdg iterate` round.
    pub round: Option<u32>,
    /// The experiment this one follows (previous iterate round).
    pub parent: Option<String>,
}

/// The report stored as `report.json`: the validation report.
pub fn report_json(r: &RunReport) -> Value {
    serde_json::to_value(&r.validation).unwrap_or(Value::Null)
}

/// The store's view of a run.
pub fn run_info(r: &RunReport, name: &str, extras: &RecordExtras) -> RunInfo {
    RunInfo {
        name: name.to_string(),
        approval: r.approval.clone(),
        runtime: RuntimeIdentity {
            package: r.runtime.package.clone(),
            artifacts: r.runtime.artifacts.clone(),
            wasmtime: r.runtime.wasmtime.to_string(),
            sdg: r.runtime.sdg.to_string(),
        },
        seed: r.seed,
        rows: r.rows,
        fuel_used: r.fuel_used,
        fuel_generation: r.fuel_generation,
        dataset: DatasetRef {
            path: r.dataset.path.display().to_string(),
            format: r.dataset.format.name().to_string(),
            bytes: r.dataset.bytes,
            sha256: r.dataset.sha256.clone(),
            rows: r.dataset.rows as u64,
        },
        status: if r.passed() {
            STATUS_PASSED
        } else {
            STATUS_FAILED
        }
        .to_string(),
        llm: extras.llm.clone(),
        round: extras.round,
        parent: extras.parent.clone(),
    }
}

/// Writes the immutable record of a staged run (spec, code, report, approval, and the dataset's
/// own bytes, linked or copied from the staged file), then puts the dataset in place at its
/// destination. Concurrent runs to one destination each keep their own bytes in their record;
/// the last to publish owns the destination. If the record cannot be written, the destination
/// is left as it was and the staged file is removed.
pub fn record_run(
    store: &ExperimentStore,
    staged: StagedRun,
    extras: &RecordExtras,
) -> Result<(RunReport, Experiment), PipelineError> {
    let StagedRun {
        mut report,
        dataset,
    } = staged;
    let info = run_info(&report, &report.name, extras);
    let exp = store.write_with_dataset(
        &info,
        report.spec_text.as_bytes(),
        report.code_text.as_bytes(),
        &report_json(&report),
        Some(dataset.staged_path()),
    )?;
    report.experiment = Some(exp.id().to_string());
    report.dataset = dataset.publish().map_err(|source| PipelineError::Publish {
        experiment: exp.id().to_string(),
        source,
    })?;
    Ok((report, exp))
}

/// The record a rerun would have, built in memory (for `sdg audit`; nothing is written).
pub fn rerun_record(original: &Record, r: &RunReport) -> Record {
    let info = run_info(r, &original.name, &RecordExtras::default());
    let mut report = serde_json::to_vec_pretty(&report_json(r)).unwrap_or_default();
    report.push(b'\n');
    Record {
        record_format: original.record_format,
        id: original.id.clone(),
        created_at: original.created_at.clone(),
        name: info.name,
        spec_sha256: fsutil::sha256_hex(r.spec_text.as_bytes()),
        code_sha256: fsutil::sha256_hex(r.code_text.as_bytes()),
        approval: original.approval.clone(),
        runtime: info.runtime,
        seed: info.seed,
        rows: info.rows,
        fuel_used: info.fuel_used,
        fuel_generation: info.fuel_generation,
        dataset: DatasetRef {
            path: original.dataset.path.clone(),
            ..info.dataset
        },
        status: info.status,
        report_sha256: fsutil::sha256_hex(&report),
        llm: original.llm.clone(),
        round: original.round,
        parent: original.parent.clone(),
        dataset_copy: original.dataset_copy.clone(),
    }
}

/// The LLM provenance file `sdg new` writes beside the spec's approvals.
pub fn provenance_path(spec: &Path, name: &str) -> PathBuf {
    crate::experiments::ApprovalStore::beside_spec(spec)
        .root
        .join(format!("{name}.llm.json"))
}

/// The LLM provenance of the code that ran, if `sdg new`/`sdg iterate` wrote it: model,
/// fingerprint, sampling and usage of the draft, and whether the code was edited since.
pub fn provenance(spec: &Path, name: &str, code: &str) -> Option<Value> {
    let path = provenance_path(spec, name);
    let bytes = fsutil::read_bounded(&path, 4 << 20).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let draft_sha = v.get("code_sha256")?.as_str()?.to_string();
    Some(json!({
        "model": v.get("model"),
        "system_fingerprint": v.get("system_fingerprint"),
        "sampling": v.get("sampling"),
        "usage": v.get("usage"),
        "draft_sha256": draft_sha,
        "edited_since_draft": draft_sha != fsutil::sha256_hex(code.as_bytes()),
    }))
}
