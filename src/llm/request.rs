//! What the client sends: chat [`Message`]s, an optional [`JsonSchemaFormat`] for structured
//! output, and the [`Sampling`] settings that go into every request (and into the experiment
//! record with the answer).
//!
//! The body is OpenAI's `POST /v1/chat/completions`. Structured output uses the nested OpenAI
//! form, `response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict"}}`,
//! which Ollama, vLLM and llama.cpp's server all accept (a server that ignores it gets only what
//! the prompt says). Answers are always asked for as a stream (`"stream": true`, with `usage` in
//! the last chunk): see [`super::stream`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::config::LlmConfig;

/// Who speaks a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One chat message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// A JSON Schema the answer must follow (OpenAI "structured outputs").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsonSchemaFormat {
    /// A short identifier, `[a-zA-Z0-9_-]`, max 64 characters (OpenAI's rule).
    pub name: String,
    /// The JSON Schema itself.
    pub schema: Value,
    /// Ask the server to enforce the schema exactly.
    pub strict: bool,
}

impl JsonSchemaFormat {
    /// A strict schema format.
    pub fn strict(name: impl Into<String>, schema: Value) -> Self {
        JsonSchemaFormat {
            name: name.into(),
            schema,
            strict: true,
        }
    }
}

/// The generation settings actually sent, recorded with every [`super::Completion`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    pub model: String,
    pub temperature: f64,
    pub top_p: f64,
    pub seed: Option<u64>,
    pub max_tokens: u32,
    /// Name of the JSON Schema sent as `response_format`, if any.
    pub json_schema: Option<String>,
}

impl Sampling {
    pub(crate) fn from_config(c: &LlmConfig, schema: Option<&JsonSchemaFormat>) -> Self {
        Sampling {
            model: c.model.clone(),
            temperature: c.temperature,
            top_p: c.top_p,
            seed: c.seed,
            max_tokens: c.max_tokens,
            json_schema: schema.map(|s| s.name.clone()),
        }
    }
}

#[derive(Serialize)]
struct ResponseFormat<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    json_schema: &'a JsonSchemaFormat,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

/// The request body, borrowed from its parts.
#[derive(Serialize)]
pub(crate) struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f64,
    top_p: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    max_tokens: u32,
    stream: bool,
    /// Asks for `usage` in the last streamed chunk (servers that do not know it ignore it).
    stream_options: StreamOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ResponseFormat<'a>>,
}

impl<'a> ChatRequest<'a> {
    pub(crate) fn new(
        sampling: &'a Sampling,
        messages: &'a [Message],
        schema: Option<&'a JsonSchemaFormat>,
    ) -> Self {
        ChatRequest {
            model: &sampling.model,
            messages,
            temperature: sampling.temperature,
            top_p: sampling.top_p,
            seed: sampling.seed,
            max_tokens: sampling.max_tokens,
            stream: true,
            stream_options: StreamOptions {
                include_usage: true,
            },
            response_format: schema.map(|s| ResponseFormat {
                kind: "json_schema",
                json_schema: s,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_has_sampling_and_nested_schema() {
        let c = LlmConfig::default();
        let schema = JsonSchemaFormat::strict("spec", json!({"type": "object"}));
        let s = Sampling::from_config(&c, Some(&schema));
        let msgs = [Message::user("hi")];
        let body = serde_json::to_value(ChatRequest::new(&s, &msgs, Some(&schema))).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "codestral:22b",
                "messages": [{"role": "user", "content": "hi"}],
                "temperature": 0.2, "top_p": 0.95, "seed": 0, "max_tokens": 4096,
                "stream": true, "stream_options": {"include_usage": true},
                "response_format": {"type": "json_schema", "json_schema": {
                    "name": "spec", "schema": {"type": "object"}, "strict": true}}
            })
        );
    }
}
