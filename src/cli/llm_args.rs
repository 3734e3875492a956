//! The LLM flags shared by `sdg new` and `sdg iterate`: server, model, sampling, config file,
//! and the authoring loop's knobs. Flags override `SDG_LLM_*`, which override the config file.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::numbers;
use crate::pipeline::stages::{AuthorOptions, LlmClient, LlmConfig, LlmError, LlmOverrides};

#[derive(Debug, Clone, Args)]
pub struct LlmArgs {
    /// The server's base URL (OpenAI-compatible: Ollama, llama.cpp server, vLLM) [env: SDG_LLM_URL]
    /// [default: http://127.0.0.1:11434].
    #[arg(long, value_name = "URL")]
    llm_url: Option<String>,
    /// The model [env: SDG_LLM_MODEL] [default: codestral:22b].
    #[arg(long, value_name = "NAME")]
    model: Option<String>,
    /// A TOML file with an `[llm]` table (base_url, model, temperature, ...).
    #[arg(long, value_name = "FILE", env = "SDG_LLM_CONFIG")]
    llm_config: Option<PathBuf>,
    /// Sampling temperature, 0.0..=2.0 [default: 0.2].
    #[arg(long, value_name = "T", value_parser = numbers::temperature, allow_negative_numbers = true)]
    temperature: Option<f64>,
    /// The sampling seed sent to the server.
    #[arg(long, value_name = "S", value_parser = numbers::seed, allow_negative_numbers = true)]
    llm_seed: Option<u64>,
    /// Most tokens per answer, 1..=1048576; an answer cut at this length is an error.
    #[arg(long, value_name = "N", value_parser = numbers::max_tokens, allow_negative_numbers = true)]
    max_tokens: Option<u32>,
    /// Seconds to wait for one answer, 0 < SECS <= 86400.
    #[arg(long, value_name = "SECS", value_parser = numbers::llm_timeout, allow_negative_numbers = true)]
    llm_timeout: Option<Duration>,
    /// Repair rounds after an answer that fails the validator or the code check, 0..=20.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = numbers::repair_rounds, allow_negative_numbers = true)]
    repair_rounds: u32,
    /// Ask for the spec as JSON constrained by the spec's JSON Schema (`response_format`).
    #[arg(long)]
    structured: bool,
}

/// Reports a configuration the client refused (a bad value in the `[llm]` file, say): exit 2,
/// as the JSON error object with `--json`.
pub fn report_config_error(e: &LlmError, json: bool) -> u8 {
    let (message, hint) = match e {
        LlmError::Config { reason, hint } => (reason.clone(), Some(hint.as_str())),
        other => (other.to_string(), None),
    };
    super::render::print_simple_error(
        "llm_config",
        &message,
        hint,
        2,
        json,
        serde_json::Map::new(),
    );
    2
}

impl LlmArgs {
    /// The client, configured from file < env < flags.
    pub fn client(&self) -> Result<LlmClient, LlmError> {
        let overrides = LlmOverrides {
            base_url: self.llm_url.clone(),
            model: self.model.clone(),
            temperature: self.temperature,
            seed: self.llm_seed,
            max_tokens: self.max_tokens,
            timeout_secs: self.llm_timeout.map(|d| d.as_secs_f64()),
            ..LlmOverrides::default()
        };
        LlmClient::new(LlmConfig::load(self.llm_config.as_deref(), &overrides)?)
    }

    pub fn author(&self) -> AuthorOptions {
        AuthorOptions {
            repair_rounds: self.repair_rounds,
            structured: self.structured,
        }
    }
}
