//! sdg, the Synthetic Dataset Generator: from a person's intent to a dataset they can trust.
//!
//! ```text
//! intent → LLM → YAML spec (untrusted) → spec validation → contract (trusted)
//!   → LLM writes Python (numpy) → a person reviews and approves it
//!   → static contract check → sandbox (CPython-on-WASI under wasmtime) → columns as Arrow
//!   → statistical validation → PASSED/FAILED report + experiment record
//! ```
//!
//! One module per stage, imports pointing downstream only: [`spec`] (the untrusted YAML, read
//! within budgets, its JSON Schema and diagnostics), [`contract`] (the trusted contract built from it), [`sandbox`] (the walled room; imports nothing else from the crate),
//! [`columns`] (guest buffers → checked Arrow arrays, dataset writers), [`pipeline`] (the one
//! module that knows every stage) and [`cli`]. [`untrusted`] is a leaf every stage may use: it
//! makes text from the guest, an LLM or a file inert before a terminal or `--json` shows it;
//! [`fsutil`] (hashes, durable writes) and [`ident`] (the one Python-name check) are others.

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
