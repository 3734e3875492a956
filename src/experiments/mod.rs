//! Experiment records and approvals.
//!
//! - [`approval`]: a person approves one exact spec + code pair (`.sdg/approvals/<name>.json`);
//!   [`approval::verify`] says precisely what changed since. The LLM's draft is kept for diffs
//!   ([`diff`](mod@diff)). Approvals are signed with SSH keys ([`signature`], SSHSIG as
//!   `ssh-keygen -Y sign` makes it) and trusted through an allowed-signers file ([`signers`]).
//! - [`record`]: the plain-typed [`Record`] of a run and its id; [`store`]: every run leaves an
//!   immutable folder `experiments/<id>/` (record, spec, code, report, approval), written
//!   atomically; list, load by id prefix; [`experiment`]: a loaded record, its files and the
//!   tamper check.
//! - [`audit`]: what differs between a run and its rerun; [`metrics`]: the metrics of two
//!   reports side by side.
//! - Helpers: [`time`] (RFC 3339 without a date library), [`fsutil`] (durable writes, bounded
//!   no-symlink reads), [`names`] (name, approver and note checks), [`error`].
//!
//! This module depends on nothing else in sdg: callers map their own structs onto [`RunInfo`].

pub mod approval;
pub mod audit;
pub mod diff;
pub mod error;
pub mod experiment;
pub mod fsutil;
pub mod metrics;
pub mod names;
pub mod record;
pub mod signature;
pub mod signers;
pub mod store;
pub mod time;

pub use approval::{
    approve, approve_signed, load_approval, load_draft, save_draft, verify, verify_trusted,
    Approval, ApprovalError, ApprovalStore, TrustPolicy,
};
pub use audit::{audit_diff, audit_diff_with, Difference, Severity};
pub use diff::{diff, unified_diff};
pub use error::ExperimentError;
pub use experiment::Experiment;
pub use metrics::{compare_metrics, MetricRow};
pub use record::{DatasetRef, Record, RunInfo, RuntimeIdentity, STATUS_FAILED, STATUS_PASSED};
pub use signature::{ApprovalSignature, ApprovalTrust, SignatureError, SigningKey};
pub use signers::{SignersLocation, SignersSource};
pub use store::{ExperimentStore, ListWarning, Listing, Summary, TMP_MAX_AGE};
