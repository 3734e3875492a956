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
//! | 0 | [`dtype`] | nothing (leaf: the column types a spec declares, shared by every stage) |
//! | 1 | [`validate::stats`] | nothing (the pure statistics: no knowledge of specs) |
//! | 2 | [`validate::result`] | earlier layers (what a check produces) |
//! | 3 | [`validate::checks`] | earlier layers (the check language a spec is written in: one file per kind) |
//! | 4 | [`spec`] | earlier layers (the untrusted YAML, within budgets; schema, diagnostics) |
//! | 5 | [`contract`] | earlier layers (the trusted contract, with its own plain types) |
//! | 6 | [`check`] | earlier layers (static code check; its `Policy` comes from the contract) |
//! | 7 | [`sandbox`] | leaf utilities only (the walled room) |
//! | 8 | [`columns`] | earlier layers (guest buffers → checked Arrow arrays, dataset files) |
//! | 9 | [`validate`] | earlier layers (the runner: every check of a spec over the data) |
//! | 10 | [`report`] | earlier layers (renders validate's results) |
//! | 11 | [`experiments`] | earlier layers (records, approvals, audit) |
//! | 12 | [`llm`] | leaf utilities only (side stage: the OpenAI-compatible client) |
//! | 13 | [`author`] | [`llm`] and leaf utilities (side stage: intent → spec → code) |
//! | 14 | [`pipeline`] | earlier layers (the one module that knows every stage) |
//! | 15 | [`cli`] | [`pipeline`] (its `stages` re-exports), [`report`], leaf utilities |
//!
//! A row may name a submodule (`validate::checks`): a file belongs to the longest row its
//! module path starts with, and a path it imports is placed the same way. No exceptions.

pub mod author;
pub mod check;
pub mod cli;
pub mod columns;
pub mod contract;
pub mod dtype;
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
