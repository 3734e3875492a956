//! The LLM client: talks to an OpenAI-compatible chat-completions server (Ollama, llama.cpp's
//! server, vLLM) and pulls code out of its untrusted replies. A leaf: it knows no other part of
//! sdg.
//!
//! ```no_run
//! use sdg::llm::{extract, LlmClient, LlmConfig, LlmOverrides, Message};
//! let config = LlmConfig::load(None, &LlmOverrides::default())?;
//! let client = LlmClient::new(config)?;
//! let reply = client.complete(&[Message::user("Write a YAML spec ...")], None)?;
//! let spec = extract::yaml(&reply.content)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Files: `config` (layered settings), `request` (what is sent), `response` (what comes back),
//! `client` (HTTP, retries, limits), `stream` (server-sent events → one answer), `error` (`LlmError`), `extract` (fenced code from prose).

mod client;
mod config;
mod error;
pub mod extract;
mod request;
mod response;
mod stream;

pub use client::{LlmClient, ProgressObserver};
pub use config::{
    LlmConfig, LlmEnv, LlmFileConfig, LlmLayer, LlmOverrides, Secret, DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MODEL, ENV_API_KEY, ENV_MODEL, ENV_URL, MAX_BACKOFF,
};
// The ranges the CLI's flag parsers share with the config file.
pub use config::{
    timeout_from_secs, MAX_RESPONSE_BYTES_LIMIT, MAX_RETRIES, MAX_TIMEOUT, MAX_TOKENS_LIMIT,
    TEMPERATURE_RANGE,
};
pub use error::{LlmError, BODY_EXCERPT_CHARS};
pub use extract::{ExtractError, Extracted};
pub use request::{JsonSchemaFormat, Message, Role, Sampling};
pub use response::{Completion, FinishReason, Usage};
pub use stream::StreamProgress;
