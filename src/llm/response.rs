//! What the client returns: a [`Completion`] parsed from an untrusted answer body.
//!
//! Parsing is lenient about extra fields and strict about the ones we use:
//! `choices[0].message.content` must be a non-empty string and `finish_reason` `"length"` turns
//! into [`LlmError::Truncated`] carrying the partial text. Nothing here panics on any input.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::{excerpt, LlmError};
use super::request::Sampling;

/// Why the model stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// A natural end or a stop sequence.
    Stop,
    /// `max_tokens` was reached (never returned inside a `Completion`: that is `Truncated`).
    Length,
    ContentFilter,
    ToolCalls,
    /// The server did not say.
    Unknown,
    /// Any other value, verbatim (bounded).
    #[serde(untagged)]
    Other(String),
}

impl FinishReason {
    fn parse(s: Option<&str>) -> Self {
        match s {
            None => FinishReason::Unknown,
            Some("stop") | Some("eos") => FinishReason::Stop,
            Some("length") => FinishReason::Length,
            Some("content_filter") => FinishReason::ContentFilter,
            Some("tool_calls") | Some("function_call") => FinishReason::ToolCalls,
            Some(other) => FinishReason::Other(other.chars().take(64).collect()),
        }
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::Unknown => "unknown",
            FinishReason::Other(s) => s,
        }
    }
}

/// Token counts as the server reports them (absent fields are `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub total_tokens: Option<u64>,
}

/// One successful answer, with everything an experiment record needs to reproduce it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Completion {
    /// The assistant's text (untrusted: pass it through [`super::extract`]).
    pub content: String,
    /// The model the server says answered (may differ from the one asked for: llama.cpp answers
    /// with whatever it has loaded).
    pub model: Option<String>,
    /// The server's build/config fingerprint, if it sends one.
    pub system_fingerprint: Option<String>,
    pub finish_reason: FinishReason,
    pub usage: Usage,
    /// The settings that were sent.
    pub sampling: Sampling,
    /// Wall time of the successful attempt, request to last byte.
    #[serde(serialize_with = "ser_secs")]
    pub elapsed: Duration,
    /// Time from the request to the first piece of text (streamed answers only; `None` when
    /// the server sent the answer whole). Mostly the server's prompt processing.
    #[serde(serialize_with = "ser_opt_secs")]
    pub first_token: Option<Duration>,
    /// How many attempts it took (1 = no retry).
    pub attempts: u32,
}

fn ser_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

fn ser_opt_secs<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.as_secs_f64()),
        None => s.serialize_none(),
    }
}

// Wire shapes: every field optional so a missing one becomes our own error, not serde's.
#[derive(Deserialize)]
struct RawCompletion {
    choices: Option<Vec<RawChoice>>,
    model: Option<String>,
    system_fingerprint: Option<String>,
    usage: Option<RawUsage>,
}

#[derive(Deserialize)]
struct RawChoice {
    message: Option<RawMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct RawMessage {
    content: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RawUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

impl RawUsage {
    pub(crate) fn into_usage(self) -> Usage {
        Usage {
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            total_tokens: self.total_tokens,
        }
    }
}

/// The parts of an answer, from a whole JSON body or assembled from a stream, before the
/// checks that turn it into a [`Completion`] (or a truncation / empty-answer error).
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub(crate) content: String,
    pub(crate) model: Option<String>,
    pub(crate) system_fingerprint: Option<String>,
    pub(crate) finish_reason: Option<String>,
    pub(crate) usage: Option<Usage>,
}

/// How an answer was received: what the record keeps besides the answer itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timing {
    pub(crate) elapsed: Duration,
    pub(crate) first_token: Option<Duration>,
    pub(crate) attempts: u32,
}

/// Parse a 2xx chat-completion body.
pub(crate) fn parse_completion(
    url: &str,
    body: &[u8],
    sampling: Sampling,
    timing: Timing,
) -> Result<Completion, LlmError> {
    let bad = |reason: String| LlmError::BadResponse {
        url: url.to_string(),
        reason,
        body_excerpt: excerpt(body),
    };
    let raw: RawCompletion =
        serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON ({e})")))?;
    let choice = raw
        .choices
        .and_then(|c| c.into_iter().next())
        .ok_or_else(|| bad("no `choices[0]`".into()))?;
    let content = choice
        .message
        .ok_or_else(|| bad("no `choices[0].message`".into()))?
        .content
        .unwrap_or_default();
    let answer = Answer {
        content,
        model: raw.model,
        system_fingerprint: raw.system_fingerprint,
        finish_reason: choice.finish_reason,
        usage: raw.usage.map(RawUsage::into_usage),
    };
    finish(answer, sampling, timing)
}

/// The checks every answer gets, however it arrived: `finish_reason` `"length"` is
/// [`LlmError::Truncated`] (with the partial text), no text at all is [`LlmError::EmptyContent`].
pub(crate) fn finish(
    answer: Answer,
    sampling: Sampling,
    timing: Timing,
) -> Result<Completion, LlmError> {
    let finish_reason = FinishReason::parse(answer.finish_reason.as_deref());
    if finish_reason == FinishReason::Length {
        return Err(LlmError::Truncated {
            partial: answer.content,
            max_tokens: sampling.max_tokens,
        });
    }
    if answer.content.trim().is_empty() {
        return Err(LlmError::EmptyContent {
            model: answer.model.unwrap_or_else(|| sampling.model.clone()),
            finish_reason: finish_reason.as_str().to_string(),
        });
    }
    Ok(Completion {
        content: answer.content,
        model: answer.model,
        system_fingerprint: answer.system_fingerprint,
        finish_reason,
        usage: answer.usage.unwrap_or_default(),
        sampling,
        elapsed: timing.elapsed,
        first_token: timing.first_token,
        attempts: timing.attempts,
    })
}

#[derive(Deserialize)]
struct RawModels {
    data: Option<Vec<RawModel>>,
}

#[derive(Deserialize)]
struct RawModel {
    id: Option<String>,
}

/// Parse a `GET /v1/models` body into model ids, in the server's order.
pub(crate) fn parse_models(url: &str, body: &[u8]) -> Result<Vec<String>, LlmError> {
    let raw: RawModels = serde_json::from_slice(body).map_err(|e| LlmError::BadResponse {
        url: url.to_string(),
        reason: format!("invalid JSON in the model list ({e})"),
        body_excerpt: excerpt(body),
    })?;
    let data = raw.data.ok_or_else(|| LlmError::BadResponse {
        url: url.to_string(),
        reason: "no `data` array in the model list".into(),
        body_excerpt: excerpt(body),
    })?;
    Ok(data.into_iter().filter_map(|m| m.id).collect())
}

/// Whether an error body says the model does not exist. Known shapes:
/// Ollama `{"error":"model \"x\" not found, try pulling it first"}` (404);
/// vLLM `{"message":"The model `x` does not exist.","type":"NotFoundError"}` (404);
/// OpenAI `{"error":{"code":"model_not_found",...}}` (404);
/// llama.cpp router mode `{"error":{"message":"model not found",...}}` (400/404).
pub(crate) fn says_model_missing(status: u16, body: &[u8]) -> bool {
    if !matches!(status, 400 | 404) {
        return false;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_lowercase();
    text.contains("model_not_found")
        || (text.contains("model")
            && (text.contains("not found") || text.contains("does not exist")))
}

/// The server's own error message, if the body is a JSON error object; else an excerpt.
pub(crate) fn error_detail(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct E {
        error: Option<serde_json::Value>,
        message: Option<String>,
    }
    let msg = serde_json::from_slice::<E>(body).ok().and_then(|e| {
        match e.error {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Object(o)) => o
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string),
            _ => None,
        }
        .or(e.message)
    });
    match msg {
        Some(m) => excerpt(m.as_bytes()),
        None => excerpt(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampling() -> Sampling {
        Sampling::from_config(&super::super::LlmConfig::default(), None)
    }

    const T: Timing = Timing {
        elapsed: Duration::ZERO,
        first_token: None,
        attempts: 1,
    };

    #[test]
    fn parses_llama_cpp_reply() {
        let body = br#"{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"hi"}}],"model":"smollm2","system_fingerprint":"b0","usage":{"completion_tokens":3,"prompt_tokens":5,"total_tokens":8}}"#;
        let c = parse_completion("u", body, sampling(), T).unwrap();
        assert_eq!(c.content, "hi");
        assert_eq!(c.finish_reason, FinishReason::Stop);
        assert_eq!(c.usage.total_tokens, Some(8));
        assert_eq!(c.system_fingerprint.as_deref(), Some("b0"));
    }

    #[test]
    fn hostile_bodies_are_errors_not_panics() {
        for body in [
            &b""[..],
            b"null",
            b"[]",
            b"{\"choices\":7}",
            b"{\"choices\":[]}",
            b"{\"choices\":[{}]}",
            b"{\"choices\":[{\"message\":{\"content\":12}}]}",
            b"\xff\xfe",
        ] {
            let e = parse_completion("u", body, sampling(), T).unwrap_err();
            assert!(matches!(e, LlmError::BadResponse { .. }), "{e}");
        }
    }

    #[test]
    fn model_missing_shapes() {
        assert!(says_model_missing(
            404,
            br#"{"error":"model \"x\" not found, try pulling it first"}"#
        ));
        assert!(says_model_missing(
            404,
            br#"{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError"}"#
        ));
        assert!(!says_model_missing(404, b"404 page not found"));
        assert!(!says_model_missing(500, br#"{"error":"model not found"}"#));
    }
}
