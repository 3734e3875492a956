//! What the CLI names from the stages, re-exported so that it talks to `pipeline` only (the
//! architecture test holds it to that): the contract and its errors, spec reading and
//! rendering, run limits and the runtime's management, the experiment store and approvals,
//! the LLM's configuration. A command that needs more from a stage adds it here.

pub use crate::author::{yaml::to_yaml_compact, AuthorError, AuthorOptions};
pub use crate::check::render as render_code_check;
pub use crate::columns::{read_dataset, Format};
pub use crate::contract::{read as read_spec, Contract, ContractError, RUNTIME_PYTHON};
pub use crate::experiments::fsutil::write_atomic;
pub use crate::experiments::signature::{SignatureError, SigningKey, ENV_SIGNING_KEY, NAMESPACE};
pub use crate::experiments::{
    approve, approve_signed, load_draft, signers, unified_diff, verify_trusted, Approval,
    ApprovalError, ApprovalStore, ApprovalTrust, ExperimentStore, Severity,
};
pub use crate::llm::{
    timeout_from_secs, LlmClient, LlmConfig, LlmError, LlmOverrides, StreamProgress, MAX_TIMEOUT,
    MAX_TOKENS_LIMIT, TEMPERATURE_RANGE,
};
pub use crate::sandbox::{
    cache_trusted, cwasm_path, engine, load_or_compile, runtime, verify_file, PythonException,
    RunLimits, SandboxError, Violation as SandboxViolation, WASMTIME_VERSION,
};
pub use crate::spec::{
    forms, parse_as, render as render_diagnostics, render_notes, schema as spec_schema, Form,
    Syntax,
};
