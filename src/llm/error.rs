//! `LlmError`: every way a call to the LLM server can fail, each with a message a person can act
//! on (the cause, the value in backticks, then a `hint:`).
//!
//! The server is untrusted: its words only ever reach a message through [`excerpt`], which bounds
//! and sanitises them. The API key never appears in any variant.

use std::time::Duration;

/// How many characters of a server body an error message quotes at most.
pub const BODY_EXCERPT_CHARS: usize = 500;

/// A failure of the LLM client. `is_transient` says which ones the client retries.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The configuration is not usable (bad URL, out-of-range sampling value, unreadable file).
    #[error("invalid LLM configuration: {reason}\nhint: {hint}")]
    Config { reason: String, hint: String },

    /// Nothing answered at the address (connection refused, DNS failure, unreachable host).
    #[error(
        "cannot reach the LLM server at `{url}` (after {attempts} attempt(s))\n\
         hint: is `ollama serve` (or another OpenAI-compatible server) running? \
         set SDG_LLM_URL to its base URL"
    )]
    Unreachable {
        url: String,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },

    /// The server accepted the connection but did not finish answering in time.
    #[error(
        "the LLM server at `{url}` did not answer within {timeout:?} (after {attempts} attempt(s))\n\
         hint: a large model on a CPU can be slow: raise the timeout, lower max_tokens, \
         or use a smaller model"
    )]
    Timeout {
        url: String,
        timeout: Duration,
        attempts: u32,
    },

    /// The connection broke while sending or receiving (reset, closed early).
    #[error("the connection to the LLM server at `{url}` failed (after {attempts} attempt(s))\nhint: check the server's log")]
    Transport {
        url: String,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },

    /// The server says it does not have the requested model.
    #[error(
        "the LLM server at `{url}` has no model `{model}`: {detail}\n\
         hint: run `ollama pull {model}`, or set SDG_LLM_MODEL to a model the server has \
         (`sdg` can list them with GET /v1/models)"
    )]
    ModelMissing {
        url: String,
        model: String,
        detail: String,
    },

    /// Any other non-success HTTP status. 5xx and 429 are retried; the rest are not.
    #[error("the LLM server at `{url}` answered HTTP {status} (after {attempts} attempt(s)): {body_excerpt}\nhint: {hint}")]
    Http {
        url: String,
        status: u16,
        attempts: u32,
        body_excerpt: String,
        hint: String,
    },

    /// The answer was larger than the configured bound.
    #[error(
        "the LLM server at `{url}` sent more than {limit} bytes\n\
         hint: lower max_tokens, or raise max_response_bytes if the server is trusted"
    )]
    BodyTooLarge { url: String, limit: usize },

    /// The answer was not the JSON we expect from an OpenAI-compatible server.
    #[error(
        "the LLM server at `{url}` sent a reply that is not an OpenAI chat completion: {reason}; \
         body starts: {body_excerpt}\n\
         hint: is SDG_LLM_URL the server's base URL (e.g. `http://127.0.0.1:11434`)?"
    )]
    BadResponse {
        url: String,
        reason: String,
        body_excerpt: String,
    },

    /// The model answered, but with no text at all.
    #[error("the model `{model}` returned an empty answer (finish_reason `{finish_reason}`)\nhint: retry, or rephrase the request")]
    EmptyContent {
        model: String,
        finish_reason: String,
    },

    /// The model stopped because it hit `max_tokens`; the partial text is kept.
    #[error(
        "the model's answer was cut off at max_tokens = {max_tokens} ({} characters received)\n\
         hint: raise max_tokens (config `max_tokens`, or the CLI flag)",
        partial.chars().count()
    )]
    Truncated { partial: String, max_tokens: u32 },

    /// The blocking API was called from inside a tokio runtime, where it would deadlock.
    #[error("the blocking LLM client was called from inside an async runtime\nhint: use `complete_async` there")]
    InsideAsyncRuntime,

    /// The client could not be set up (runtime or HTTP stack).
    #[error("cannot set up the LLM client: {reason}")]
    Setup { reason: String },
}

impl LlmError {
    /// Whether a later attempt may succeed: connection failures, timeouts, 5xx and 429.
    pub fn is_transient(&self) -> bool {
        match self {
            LlmError::Unreachable { .. }
            | LlmError::Timeout { .. }
            | LlmError::Transport { .. } => true,
            LlmError::Http { status, .. } => *status == 429 || (500..=599).contains(status),
            _ => false,
        }
    }

    /// Record how many attempts were made, for the variants that carry the count.
    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            LlmError::Unreachable { attempts, .. }
            | LlmError::Timeout { attempts, .. }
            | LlmError::Transport { attempts, .. }
            | LlmError::Http { attempts, .. } => *attempts = n,
            _ => {}
        }
        self
    }
}

/// A bounded, single-line, control-character-free quote of untrusted text for an error message.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text
        .chars()
        .take(BODY_EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        out.push_str(" …");
    }
    let trimmed = out.trim();
    if trimmed.is_empty() {
        "(empty body)".to_string()
    } else {
        format!("`{trimmed}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_and_single_line() {
        let long = "a\nb\u{1b}[31m".repeat(1000);
        let e = excerpt(long.as_bytes());
        assert!(!e.contains('\n') && !e.contains('\u{1b}'));
        assert!(e.chars().count() <= BODY_EXCERPT_CHARS + 4);
        assert!(e.ends_with("…`"));
        assert_eq!(excerpt(b"  "), "(empty body)");
    }

    #[test]
    fn transient_classification() {
        let http = |status| LlmError::Http {
            url: String::new(),
            status,
            attempts: 1,
            body_excerpt: String::new(),
            hint: String::new(),
        };
        assert!(http(500).is_transient());
        assert!(http(503).is_transient());
        assert!(http(429).is_transient());
        assert!(!http(400).is_transient());
        assert!(!http(404).is_transient());
        assert!(!LlmError::Truncated {
            partial: String::new(),
            max_tokens: 1
        }
        .is_transient());
    }
}
