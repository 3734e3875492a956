//! The one module that knows every stage: spec → contract → code check → approval → sandbox →
//! columns → validation → dataset file ([`run`]), then the experiment record ([`record`]).
//! The dataset is staged beside its destination ([`run_staged`]) so the record keeps the run's
//! own bytes before they are renamed into place. Beside it, the commands built on runs:
//! [`authoring`] (intent → spec → code with the LLM), [`audit`] (re-run a record), [`compare`]
//! (two records side by side), [`iterate`] (LLM revisions until validation passes); and
//! [`hints`], the hint for each output-side failure. [`stages`] re-exports what the CLI names
//! from the stages, so that the CLI talks to this module only.

pub mod audit;
pub mod authoring;
pub mod compare;
pub mod hints;
pub mod iterate;
mod outputs;
pub mod record;
pub mod stages;

use std::path::{Path, PathBuf};

use crate::check::{self, CheckError, Violation};
use crate::columns::{self, ColumnError, DatasetFile, Format, StagedDataset};
use crate::contract::{Contract, ContractError};
use crate::experiments::signers::{self, SignersLocation, SignersSource};
use crate::experiments::{
    Approval, ApprovalError, ApprovalStore, ApprovalTrust, ExperimentError, TrustPolicy,
};
use crate::sandbox::{self, runtime::InstallSource, RunLimits, RunRequest, SandboxError};

pub use outputs::column_specs;

/// Largest code file read (bytes); the sandbox refuses larger ones too.
pub const MAX_CODE_FILE: u64 = sandbox::MAX_CODE_BYTES as u64;

/// What `sdg run` needs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub spec: PathBuf,
    pub code: Option<PathBuf>,
    pub rows: Option<u64>,
    /// The generator's seed [default: the spec's `seed.default`, else 42].
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub format: Format,
    pub home: PathBuf,
    pub source: InstallSource,
    /// Overrides of the default limits (the contract's time limit is applied on top).
    pub limits: RunLimits,
    /// Refuse code that is not approved for this exact spec (`sdg approve`). Off only for
    /// scripted use (`--yes`) and audits; the code check applies either way.
    pub require_approval: bool,
    /// How approvals are trusted: allowed signers, unsigned approvals.
    pub trust: TrustOptions,
}

/// How a run (or audit) decides to trust an approval.
#[derive(Debug, Clone, Default)]
pub struct TrustOptions {
    /// Accept an unsigned approval (`--allow-unsigned`); the record says so.
    pub allow_unsigned: bool,
    /// `--allowed-signers FILE` (else `$SDG_ALLOWED_SIGNERS`, the user's config file, then the
    /// project's `.sdg/allowed_signers`; see [`signers::locate`]).
    pub allowed_signers: Option<PathBuf>,
}

impl TrustOptions {
    /// The policy for approvals kept beside `spec_path`.
    pub fn policy_for_spec(&self, spec_path: &Path) -> TrustPolicy {
        let project = SignersLocation {
            path: signers::project_path(spec_path),
            source: SignersSource::Project,
        };
        TrustPolicy {
            allow_unsigned: self.allow_unsigned,
            signers: signers::locate(self.allowed_signers.as_deref(), Some(project)),
        }
    }
}

/// The stderr note for a trust that is weaker than it looks, if any.
pub fn trust_note(trust: &ApprovalTrust) -> Option<String> {
    match trust {
        ApprovalTrust::UnsignedAllowed => Some(
            "the approval is unsigned and accepted only because of --allow-unsigned; \
             the record says so"
                .into(),
        ),
        ApprovalTrust::Signed {
            principal,
            allowed_signers,
            source,
            ..
        } if source.is_weak() => Some(format!(
            "the approval's signer `{principal}` is trusted through {allowed_signers}, which \
             is only as trustworthy as whoever can write that folder (pin your own signers \
             with --allowed-signers, SDG_ALLOWED_SIGNERS or \
             $XDG_CONFIG_HOME/sdg/allowed_signers)"
        )),
        ApprovalTrust::Signed { .. } => None,
    }
}

/// What a successful run reports. Its JSON (`sdg run --json`) is the validation report's
/// fields at the top level (`status`, `violations`, `metrics`, `checks`: the same object
/// `sdg validate --json` prints and a record keeps as `report.json`), then the run's own.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// The validation report; `status` is the run's verdict.
    #[serde(flatten)]
    pub validation: crate::report::ValidationReport,
    /// The contract's name (the spec's `name`, else its file stem).
    pub name: String,
    pub spec: PathBuf,
    pub code: PathBuf,
    pub code_sha256: String,
    pub function: String,
    pub rows: u64,
    pub seed: u64,
    pub fuel_used: u64,
    pub fuel_generation: u64,
    pub dataset: DatasetFile,
    pub runtime: RuntimeIdentity,
    pub timings_ms: TimingsMs,
    pub guest_stdout_bytes: usize,
    pub guest_stderr_bytes: usize,
    /// The approval the run was made under (`None` with `--yes` and no valid approval).
    pub approval: Option<Approval>,
    /// The experiment record written for this run, once it is written.
    pub experiment: Option<String>,
    /// The spec's exact text, as run (for the record).
    #[serde(skip)]
    pub spec_text: String,
    /// The code's exact text, as run (for the record).
    #[serde(skip)]
    pub code_text: String,
}

impl RunReport {
    /// The validation's verdict.
    pub fn status(&self) -> crate::report::Status {
        self.validation.status
    }

    pub fn passed(&self) -> bool {
        self.status() == crate::report::Status::Passed
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RuntimeIdentity {
    pub package: String,
    pub artifacts: Vec<(String, String)>,
    pub wasmtime: &'static str,
    pub sdg: &'static str,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TimingsMs {
    pub instantiate: f64,
    pub startup: f64,
    pub generation: f64,
    pub transfer: f64,
    pub sandbox_total: f64,
}

/// Why a run did not produce a dataset.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Contract(#[from] ContractError),

    #[error("cannot read the code `{}`", path.display())]
    Code {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("no code: the spec names none and no `--code` was given")]
    NoCode,

    #[error("the code `{}` is {bytes} bytes; the limit is {limit}", path.display())]
    CodeTooLarge {
        path: PathBuf,
        bytes: u64,
        limit: u64,
    },

    #[error("the code `{}` breaks the contract ({} violation{})", path.display(), violations.len(), if violations.len() == 1 { "" } else { "s" })]
    CodeCheck {
        path: PathBuf,
        /// The code, for rendering the violations with their source lines.
        text: String,
        violations: Vec<Violation>,
    },

    #[error("the code `{}` cannot be checked", path.display())]
    CodeUnreadable {
        path: PathBuf,
        #[source]
        source: CheckError,
    },

    #[error(transparent)]
    Sandbox(#[from] SandboxError),

    #[error(transparent)]
    Columns(#[from] ColumnError),

    #[error(transparent)]
    Approval(#[from] ApprovalError),

    #[error(transparent)]
    Experiment(#[from] ExperimentError),

    #[error("cannot use the temporary folder {}", path.display())]
    Scratch {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The run is recorded (with its dataset's bytes), but the dataset could not be renamed
    /// into its destination.
    #[error(
        "the run is recorded as experiment `{experiment}`, but its dataset was not put in place"
    )]
    Publish {
        experiment: String,
        #[source]
        source: ColumnError,
    },
}

impl PipelineError {
    /// The CLI's exit code: 2 bad input, 3 the sandbox stopped the run, 4 internal error.
    pub fn exit_code(&self) -> u8 {
        match self {
            PipelineError::Contract(_)
            | PipelineError::Code { .. }
            | PipelineError::NoCode
            | PipelineError::CodeTooLarge { .. }
            | PipelineError::CodeCheck { .. }
            | PipelineError::CodeUnreadable { .. } => 2,
            PipelineError::Columns(ColumnError::Read { .. }) => 2,
            PipelineError::Sandbox(e) if e.is_guest_stop() => 3,
            PipelineError::Columns(
                ColumnError::BadColumn { .. } | ColumnError::BadBatch { .. },
            ) => 3,
            PipelineError::Approval(ApprovalError::Io { .. }) => 4,
            PipelineError::Approval(_) => 2,
            PipelineError::Experiment(
                ExperimentError::Io { .. } | ExperimentError::DatasetChanged { .. },
            ) => 4,
            PipelineError::Experiment(_) => 2,
            PipelineError::Sandbox(_)
            | PipelineError::Columns(_)
            | PipelineError::Scratch { .. }
            | PipelineError::Publish { .. } => 4,
        }
    }

    /// A stable name for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            PipelineError::Contract(_) => "spec",
            PipelineError::Code { .. }
            | PipelineError::NoCode
            | PipelineError::CodeTooLarge { .. } => "code",
            PipelineError::CodeCheck { .. } | PipelineError::CodeUnreadable { .. } => "code_check",
            PipelineError::Sandbox(e) => e.kind(),
            PipelineError::Columns(
                ColumnError::BadColumn { .. } | ColumnError::BadBatch { .. },
            ) => "bad_result",
            PipelineError::Columns(ColumnError::Read { .. }) => "read",
            PipelineError::Columns(_) => "write",
            PipelineError::Approval(e) => e.kind(),
            PipelineError::Experiment(ExperimentError::Tampered { .. }) => "tampered",
            PipelineError::Experiment(ExperimentError::DatasetChanged { .. }) => "dataset_changed",
            PipelineError::Experiment(ExperimentError::Io { .. }) => "record_io",
            PipelineError::Experiment(_) => "experiment",
            PipelineError::Scratch { .. } => "io",
            PipelineError::Publish { .. } => "write",
        }
    }
}

/// Reads the approved code named by `--code` or the spec.
pub fn read_code(
    contract: &Contract,
    given: Option<&Path>,
) -> Result<(PathBuf, String), PipelineError> {
    let path = given
        .map(Path::to_path_buf)
        .or_else(|| contract.code_path().map(Path::to_path_buf))
        .ok_or(PipelineError::NoCode)?;
    let io = |source| PipelineError::Code {
        path: path.clone(),
        source,
    };
    let bytes = std::fs::metadata(&path).map_err(io)?.len();
    if bytes > MAX_CODE_FILE {
        return Err(PipelineError::CodeTooLarge {
            path,
            bytes,
            limit: MAX_CODE_FILE,
        });
    }
    let text = std::fs::read_to_string(&path).map_err(io)?;
    Ok((path, text))
}

/// The static contract check of the code: every violation, or a clean bill.
pub fn check_code(contract: &Contract, path: &Path, code: &str) -> Result<(), PipelineError> {
    let violations = check::check(code, &check::Policy::from(contract)).map_err(|source| {
        PipelineError::CodeUnreadable {
            path: path.to_path_buf(),
            source,
        }
    })?;
    if violations.is_empty() {
        return Ok(());
    }
    Err(PipelineError::CodeCheck {
        path: path.to_path_buf(),
        text: code.to_string(),
        violations,
    })
}

/// Runs the contract's validation requirements over a batch.
pub fn validate_batch(
    contract: &Contract,
    batch: &arrow::array::RecordBatch,
    rows: u64,
) -> crate::report::ValidationReport {
    crate::validate::validate(
        batch,
        &contract.expected_columns(),
        rows,
        contract.requirements(),
        &contract.validation_settings(),
    )
}

/// Default dataset path: `out/<spec name>.<format>`.
pub fn default_out(contract: &Contract, format: Format) -> PathBuf {
    PathBuf::from("out").join(format!("{}.{}", contract.name(), format.name()))
}

/// A finished run whose dataset is written in full beside its destination but not yet in place:
/// the experiment record keeps these bytes ([`record::record_run`]) before they are published.
#[derive(Debug)]
pub struct StagedRun {
    /// The run's report; `dataset.path` is the destination.
    pub report: RunReport,
    /// The dataset's file, until it is published (dropped unpublished, it is removed).
    pub dataset: StagedDataset,
}

/// Runs the pipeline and puts the dataset in place: [`run_staged`], then publish.
pub fn run(opts: &RunOptions, progress: &mut dyn FnMut(&str)) -> Result<RunReport, PipelineError> {
    let StagedRun {
        mut report,
        dataset,
    } = run_staged(opts, progress)?;
    report.dataset = dataset.publish()?;
    Ok(report)
}

/// Runs the pipeline: generation, validation and the dataset file, staged beside its
/// destination (see [`StagedRun`]).
pub fn run_staged(
    opts: &RunOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<StagedRun, PipelineError> {
    let spec_text = crate::contract::read(&opts.spec)?;
    let contract = Contract::from_text(&spec_text, &opts.spec)?;
    let rows = contract.rows(opts.rows)?;
    let seed = opts.seed.unwrap_or(contract.default_seed());
    let (code_path, code) = read_code(&contract, opts.code.as_deref())?;
    check_code(&contract, &code_path, &code)?;
    let approval = approval_for(
        &opts.spec,
        &contract,
        &spec_text,
        &code,
        opts.require_approval,
        &opts.trust,
    )?;
    if let Some(note) = approval
        .as_ref()
        .and_then(|a| a.trust.as_ref())
        .and_then(trust_note)
    {
        progress(&note);
    }
    let (sandbox, _) = sandbox::open(&opts.home, &opts.source, progress)?;
    let mut limits = opts.limits.clone();
    limits.time_limit = contract.time_limit();
    let req = RunRequest {
        code: code.clone(),
        function: contract.function().to_string(),
        rows,
        seed,
        outputs: column_specs(&contract),
        limits,
    };
    let out = sandbox.run(&req)?;
    let batch = columns::to_batch(out.columns, &req.outputs)?;
    let validation = validate_batch(&contract, &batch, rows);
    let path = opts
        .out
        .clone()
        .unwrap_or_else(|| default_out(&contract, opts.format));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ColumnError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let staged = columns::stage_dataset(&batch, &path, opts.format)?;
    let dataset = staged.file().clone();
    let rt = sandbox.runtime();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let report = RunReport {
        validation,
        name: contract.name().to_string(),
        spec: opts.spec.clone(),
        code: code_path,
        code_sha256: crate::experiments::fsutil::sha256_hex(code.as_bytes()),
        function: contract.function().to_string(),
        rows,
        seed,
        fuel_used: out.fuel_used,
        fuel_generation: out.fuel_generation,
        dataset,
        runtime: RuntimeIdentity {
            package: rt.pin.requirement(),
            artifacts: sandbox.identity().to_vec(),
            wasmtime: sandbox::WASMTIME_VERSION,
            sdg: env!("CARGO_PKG_VERSION"),
        },
        timings_ms: TimingsMs {
            instantiate: ms(out.timings.instantiate),
            startup: ms(out.timings.startup),
            generation: ms(out.timings.generation),
            transfer: ms(out.timings.transfer),
            sandbox_total: ms(out.timings.total),
        },
        guest_stdout_bytes: out.stdout.len(),
        guest_stderr_bytes: out.stderr.len(),
        approval,
        experiment: None,
        spec_text,
        code_text: code,
    };
    Ok(StagedRun {
        report,
        dataset: staged,
    })
}

/// The approval of this exact spec + code (kept beside the spec, under the contract's name),
/// its signature verified under `trust`. Required: a missing, stale or untrusted approval is an
/// error. Not required: it is recorded if it is valid and trusted.
pub fn approval_for(
    spec_path: &Path,
    contract: &Contract,
    spec_text: &str,
    code: &str,
    required: bool,
    trust: &TrustOptions,
) -> Result<Option<Approval>, PipelineError> {
    let store = ApprovalStore::beside_spec(spec_path);
    match crate::experiments::verify_trusted(
        &store,
        contract.name(),
        spec_text.as_bytes(),
        code.as_bytes(),
        &trust.policy_for_spec(spec_path),
    ) {
        Ok(a) => Ok(Some(a)),
        Err(e) if required => Err(PipelineError::Approval(e)),
        Err(_) => Ok(None),
    }
}
