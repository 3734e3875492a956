//! `sdg iterate`: run the spec's code on the pre-declared seeds; while validation fails, send
//! the violations to the LLM for new code, check it, and run it again on the *same* seeds.
//! Every run of every round is recorded (round number, parent); the rounds are returned for a
//! comparison table. A passing revision replaces the code file and becomes the new LLM draft:
//! it still needs a person's review and approval before `sdg run` accepts it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{json, Value};

use super::authoring::{check_code_text, keep_draft, revision_provenance};
use super::record::{provenance, record_run, RecordExtras};
use super::{run_staged, PipelineError, RunOptions};
use crate::author::{self, AuthorOptions, CodeTools};
use crate::contract::Contract;
use crate::experiments::{fsutil, ExperimentStore};
use crate::llm::LlmClient;
use crate::report::{Status, Violation};

/// What to iterate.
#[derive(Debug, Clone)]
pub struct IterateOptions {
    /// The run options of round 0 (spec, code, rows, format, limits, approval rule); `seed` is
    /// ignored in favour of `seeds`.
    pub run: RunOptions,
    /// The pre-declared seeds every round runs on.
    pub seeds: Vec<u64>,
    /// LLM revisions at most.
    pub max_rounds: u32,
    pub author: AuthorOptions,
}

/// One seed's run in a round. `status`, `metrics` and `violations` are those of the run's
/// report (`sdg run --json`), so a round reads like the runs it made.
#[derive(Debug, Clone, Serialize)]
pub struct SeedRun {
    pub seed: u64,
    /// `PASSED`, `FAILED`, or `ERROR (<kind>)` when the run stopped.
    pub status: String,
    /// The run's metrics (empty, and omitted, when the run stopped).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, Value>,
    /// The run's violations (omitted when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    pub experiment: Option<String>,
    /// Failed checks (names), or the error message.
    pub failures: Vec<String>,
    /// Every check as `kind[columns]` and whether it passed (empty when the run stopped).
    pub checks: Vec<(String, bool)>,
    /// What the LLM is sent about this run: its violations, or the error.
    #[serde(skip)]
    pub feedback: Value,
}

/// One round: the code it ran and how each seed went.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub round: u32,
    pub code_sha256: String,
    pub runs: Vec<SeedRun>,
    /// Why the round has no runs (the LLM failed, the revision failed the check), if so.
    pub error: Option<String>,
}

impl Round {
    /// Every seed passed.
    pub fn passed(&self) -> bool {
        self.error.is_none()
            && !self.runs.is_empty()
            && self.runs.iter().all(|r| r.status == "PASSED")
    }
}

/// All rounds, and where a passing revision was written.
#[derive(Debug, Clone, Serialize)]
pub struct IterateOutcome {
    /// `PASSED` when the last round passed on every seed, else `FAILED`.
    pub status: Status,
    pub rounds: Vec<Round>,
    /// The code file replaced by a passing revision, if any.
    pub updated_code: Option<PathBuf>,
}

impl IterateOutcome {
    pub fn passed(&self) -> bool {
        self.rounds.last().is_some_and(Round::passed)
    }
}

fn run_round(
    opts: &IterateOptions,
    store: &ExperimentStore,
    round: u32,
    code: Option<PathBuf>,
    extras: &RecordExtras,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<SeedRun>, PipelineError> {
    let mut runs = Vec::new();
    for &seed in &opts.seeds {
        let mut o = opts.run.clone();
        o.seed = Some(seed);
        if code.is_some() {
            o.code = code.clone();
            o.require_approval = false;
        }
        progress(&format!("round {round}: seed {seed}"));
        match run_staged(&o, progress) {
            Ok(staged) => {
                let (report, exp) = record_run(store, staged, extras)?;
                runs.push(SeedRun {
                    seed,
                    status: if report.passed() { "PASSED" } else { "FAILED" }.to_string(),
                    experiment: Some(exp.id().to_string()),
                    failures: report
                        .validation
                        .violations
                        .iter()
                        .map(|v| v.check.clone())
                        .collect(),
                    checks: report
                        .validation
                        .checks
                        .iter()
                        .map(|c| (format!("{}[{}]", c.check, c.columns.join(",")), c.passed))
                        .collect(),
                    feedback: json!({"seed": seed, "violations": report.validation.violations}),
                    metrics: report.validation.metrics.clone(),
                    violations: report.validation.violations.clone(),
                });
            }
            // Round 0 is the person's code: a broken spec, unapproved code or sandbox failure
            // there is the person's to fix, not the LLM's.
            Err(e) if round == 0 => return Err(e),
            Err(e) => runs.push(SeedRun {
                seed,
                status: format!("ERROR ({})", e.kind()),
                experiment: None,
                failures: vec![e.to_string()],
                checks: Vec::new(),
                feedback: json!({"seed": seed, "error": e.to_string()}),
                metrics: BTreeMap::new(),
                violations: Vec::new(),
            }),
        }
    }
    Ok(runs)
}

/// Runs round 0 and up to `max_rounds` LLM revisions.
pub fn iterate(
    client: &LlmClient,
    store: &ExperimentStore,
    opts: &IterateOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<IterateOutcome, PipelineError> {
    let spec_text = crate::contract::read(&opts.run.spec)?;
    let contract = Contract::from_text(&spec_text, &opts.run.spec)?;
    let name = contract.name().to_string();
    let (code_path, mut code) = super::read_code(&contract, opts.run.code.as_deref())?;
    let scratch = tempfile::Builder::new()
        .prefix("sdg-iterate-")
        .tempdir()
        .map_err(|source| PipelineError::Scratch {
            path: std::env::temp_dir(),
            source,
        })?;
    let extras = RecordExtras {
        llm: provenance(&opts.run.spec, &name, &code),
        round: Some(0),
        parent: None,
    };
    let runs = run_round(opts, store, 0, None, &extras, progress)?;
    let mut rounds = vec![Round {
        round: 0,
        code_sha256: fsutil::sha256_hex(code.as_bytes()),
        runs,
        error: None,
    }];
    let check = |c: &str| check_code_text(&contract, c);
    let mut last_good: Option<(String, Value)> = None;
    for k in 1..=opts.max_rounds {
        let prev = rounds.last().expect("round 0 exists");
        if prev.passed() {
            break;
        }
        let violations = Value::Array(
            prev.runs
                .iter()
                .filter(|r| r.status != "PASSED")
                .map(|r| r.feedback.clone())
                .collect(),
        );
        let parent = prev.runs.iter().find_map(|r| r.experiment.clone());
        progress(&format!(
            "round {k}: asking {} for a revision",
            client.config().model
        ));
        let drafted = match author::revise_code(
            client,
            &spec_text,
            &code,
            &violations,
            &CodeTools { check: &check },
            &opts.author,
        ) {
            Ok(d) => d,
            Err(e) => {
                rounds.push(Round {
                    round: k,
                    code_sha256: String::new(),
                    runs: vec![],
                    error: Some(e.to_string()),
                });
                break;
            }
        };
        let path = scratch.path().join(format!("round-{k}.py"));
        std::fs::write(&path, &drafted.text).map_err(|source| PipelineError::Scratch {
            path: path.clone(),
            source,
        })?;
        let prov = revision_provenance(&drafted, &drafted.text);
        let extras = RecordExtras {
            llm: Some(prov.clone()),
            round: Some(k),
            parent,
        };
        let runs = run_round(opts, store, k, Some(path), &extras, progress)?;
        code = drafted.text;
        let round = Round {
            round: k,
            code_sha256: fsutil::sha256_hex(code.as_bytes()),
            runs,
            error: None,
        };
        if round.passed() {
            last_good = Some((code.clone(), prov));
        }
        rounds.push(round);
    }
    let mut updated_code = None;
    if let Some((good, prov)) = last_good {
        fsutil::write_atomic(&code_path, good.as_bytes(), 0o644).map_err(|source| {
            PipelineError::Code {
                path: code_path.clone(),
                source,
            }
        })?;
        keep_draft(&opts.run.spec, &name, &good, &prov).map_err(|e| PipelineError::Scratch {
            path: code_path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        updated_code = Some(code_path);
    }
    let status = if rounds.last().is_some_and(Round::passed) {
        Status::Passed
    } else {
        Status::Failed
    };
    Ok(IterateOutcome {
        status,
        rounds,
        updated_code,
    })
}
