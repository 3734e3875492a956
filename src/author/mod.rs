//! Authoring: turn a person's intent into a dataset spec, and a spec into generator code, with
//! an LLM. Each step is one request, a check of the answer by the caller's validator, and up to
//! `repair_rounds` repair requests that feed the problems back. A leaf over [`crate::llm`]: the
//! spec schema, validator and code checker come in as [`SpecTools`] / [`CodeTools`].
//!
//! ```no_run
//! use sdg::author::{draft_spec, AuthorOptions, SpecTools};
//! use sdg::llm::{LlmClient, LlmConfig, LlmOverrides};
//! let client = LlmClient::new(LlmConfig::load(None, &LlmOverrides::default())?)?;
//! let schema = serde_json::json!({"type": "object"});
//! let validate = |yaml: &str| if yaml.contains("name:") { Ok(()) } else { Err("no name".into()) };
//! let tools = SpecTools { schema: &schema, validate: &validate, examples: &[] };
//! let drafted = draft_spec(&client, "tickets per hour", &tools, &AuthorOptions::default())?;
//! println!("{} after {} request(s)", drafted.text, drafted.attempts.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Files: `session` (the loop: `draft_spec`, `draft_code`, `revise_code`), `prompt` (the
//! messages), `outline` (a JSON Schema in a few lines, for the prompt), `yaml` (JSON → YAML for structured answers), `name` (`suggest_name`), `limits`
//! (bounds on what is sent), `tools` (inputs and options), `record` (`Attempt`, `Drafted`),
//! `error` (`AuthorError`).

mod error;
pub mod limits;
mod name;
pub mod outline;
pub mod prompt;
mod record;
mod session;
mod tools;
pub mod yaml;

pub use error::AuthorError;
pub use limits::{MAX_CODE_BYTES, MAX_INTENT_BYTES, MAX_PROBLEMS_BYTES, MAX_SPEC_BYTES};
pub use name::{suggest_name, MAX_NAME_CHARS};
pub use record::{Attempt, AttemptKind, Drafted};
pub use session::{draft_code, draft_spec, revise_code, SPEC_SCHEMA_NAME};
pub use tools::{AuthorOptions, CodeTools, SpecTools};
