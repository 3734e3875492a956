//! sdg, the Synthetic Dataset Generator: from a person's intent to a dataset they can trust.
//!
//! ```text
//! intent → LLM → YAML spec (untrusted) → spec validation → contract (trusted)
//!   → LLM writes Python (numpy) → a person reviews and approves it
//!   → static contract check → sandbox (CPython-on-WASI under wasmtime) → columns as Arrow
//!   → statistical validation → PASSED/FAILED report + experiment record
//! ```
//!
//! One module per stage, imports pointing downstream only. The layer table, in pipeline order (a
//! module may import one above it, never one below; `tests/it/architecture.rs` holds the same
//! table and fails on an arrow against it):
//!
//! | layer | module | may import |
//! |---|---|---|
//! | 0 | [`untrusted`] | nothing (leaf utility: makes hostile text inert; anyone may use it) |
//! | 0 | [`fsutil`] | nothing (leaf utility: hashes, durable writes; anyone may use it) |
//! | 0 | [`ident`] | nothing (leaf utility: the one Python-name check; anyone may use it) |
//! | 1 | [`spec`] | earlier layers (the untrusted YAML, within budgets; schema, diagnostics) |
//! | 2 | [`contract`] | earlier layers (the trusted contract, with its own plain types) |
//! | 3 | [`check`] | earlier layers (static code check; its `Policy` comes from the contract) |
//! | 4 | [`sandbox`] | leaf utilities only (the walled room) |
//! | 5 | [`columns`] | earlier layers (guest buffers → checked Arrow arrays, dataset files) |
//! | 6 | [`validate`] | earlier layers (statistics; owns the check results it produces) |
//! | 7 | [`report`] | earlier layers (renders validate's results) |
//! | 8 | [`experiments`] | earlier layers (records, approvals, audit) |
//! | 9 | [`llm`] | leaf utilities only (side stage: the OpenAI-compatible client) |
//! | 10 | [`author`] | [`llm`] and leaf utilities (side stage: intent → spec → code) |
//! | 11 | [`pipeline`] | earlier layers (the one module that knows every stage) |
//! | 12 | [`cli`] | [`pipeline`] (its `stages` re-exports), [`report`], leaf utilities |
//!
//! One named exception, to go: `spec` imports the requirement types that still live in
//! `validate::requirement` (they move to the spec's side with the one-file-per-check work).

pub mod author;
pub mod check;
pub mod cli;
pub mod columns;
pub mod contract;
pub mod experiments;
pub mod fsutil;
pub mod ident;
pub mod llm;
pub mod pipeline;
pub mod report;
pub mod sandbox;
pub mod spec;
pub mod untrusted;
pub mod validate;
