//! `LlmClient`: sends chat completions to an OpenAI-compatible server, retrying transient
//! failures, bounding the answer, and classifying every failure into an [`LlmError`].
//!
//! The blocking API ([`LlmClient::complete`], [`LlmClient::models`]) owns a current-thread tokio
//! runtime, so callers need no async knowledge; the `*_async` twins run on the caller's tokio
//! runtime instead. Connections are not pooled: calls are long and rare, and a pooled connection
//! must not outlive the runtime that opened it.
//!
//! Answers are streamed (`"stream": true`): the text arrives piece by piece as server-sent events
//! ([`super::stream`]), each piece reported to the observer set with
//! [`LlmClient::with_progress`], so a person sees a slow model work. A server that ignores
//! `stream` and answers with one JSON body is read as before; either way the answer gets the
//! same bound (`max_response_bytes`), the same checks and the same errors.
//!
//! Retries: connect failures, timeouts, broken connections, HTTP 5xx and 429 are retried up to
//! `retries` times, sleeping `backoff`, `2*backoff`, `4*backoff`, ... (capped at
//! [`MAX_BACKOFF`]). Other 4xx, bad bodies, truncation and empty answers are never retried.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;

use super::config::{LlmConfig, MAX_BACKOFF};
use super::error::{excerpt, LlmError};
use super::request::{ChatRequest, JsonSchemaFormat, Message, Sampling};
use super::response::{
    error_detail, finish, parse_completion, parse_models, says_model_missing, Answer, Completion,
    Timing,
};
use super::stream::{Assembler, StreamProgress};

/// How much of an error body is read (the message quotes at most
/// [`super::BODY_EXCERPT_CHARS`] characters of it; the rest is model-missing detection slack).
const ERROR_BODY_BYTES: usize = 64 * 1024;

/// Watches a streamed answer arrive (see [`LlmClient::with_progress`]).
pub type ProgressObserver = dyn Fn(&StreamProgress<'_>) + Send + Sync;

/// A client for one configured server and model.
pub struct LlmClient {
    config: LlmConfig,
    http: reqwest::Client,
    progress: Option<Box<ProgressObserver>>,
    /// Drives the blocking API. `Option` only so that `Drop` can take it out.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for LlmClient {
    fn drop(&mut self) {
        // A plain drop of a runtime panics inside another runtime; this does not.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A successful HTTP exchange: status 2xx and a bounded body.
struct RawReply {
    body: Body,
    elapsed: Duration,
    first_token: Option<Duration>,
}

/// How the body came.
enum Body {
    /// One body (JSON), read whole.
    Whole(Vec<u8>),
    /// Server-sent events, assembled.
    Streamed(Answer),
}

impl LlmClient {
    /// Build a client; validates `config` (normalising its base URL).
    pub fn new(mut config: LlmConfig) -> Result<Self, LlmError> {
        config.validate()?;
        // reqwest is built without a bundled rustls provider (aws-lc-rs needs cmake); install
        // ring as the process default unless the host application already installed one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .pool_max_idle_per_host(0)
            .user_agent(concat!("sdg/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Setup {
                reason: format!("HTTP client: {e}"),
            })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LlmError::Setup {
                reason: format!("tokio runtime: {e}"),
            })?;
        Ok(LlmClient {
            config,
            http,
            progress: None,
            runtime: Some(runtime),
        })
    }

    /// Call `observer` after each piece of a streamed answer (the CLI shows a counter). It runs
    /// on the thread that reads the answer: keep it quick.
    pub fn with_progress(
        mut self,
        observer: impl Fn(&StreamProgress<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Box::new(observer));
        self
    }

    /// The checked configuration in use.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Blocking chat completion. Must not be called from inside a tokio runtime.
    pub fn complete(
        &self,
        messages: &[Message],
        schema: Option<&JsonSchemaFormat>,
    ) -> Result<Completion, LlmError> {
        self.block_on(self.complete_async(messages, schema))
    }

    /// Blocking `GET /v1/models`: the model ids the server offers.
    pub fn models(&self) -> Result<Vec<String>, LlmError> {
        self.block_on(self.models_async())
    }

    /// Blocking check that the configured model is listed by the server.
    /// Note llama.cpp lists one model (its alias or file name) and answers any name with it.
    pub fn check_model(&self) -> Result<(), LlmError> {
        let models = self.models()?;
        if models.iter().any(|m| m == &self.config.model) {
            return Ok(());
        }
        let listed = if models.is_empty() {
            "the server lists no models".to_string()
        } else {
            let shown: Vec<String> = models.iter().take(20).map(|m| format!("`{m}`")).collect();
            format!("the server lists {}", shown.join(", "))
        };
        Err(LlmError::ModelMissing {
            url: self.config.base_url.clone(),
            model: self.config.model.clone(),
            detail: listed,
        })
    }

    fn block_on<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, LlmError>>,
    ) -> Result<T, LlmError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(LlmError::InsideAsyncRuntime);
        }
        match &self.runtime {
            Some(rt) => rt.block_on(fut),
            None => Err(LlmError::Setup {
                reason: "the client's runtime is gone".into(),
            }),
        }
    }

    /// Async chat completion, on the caller's tokio runtime (needs the `time` driver enabled).
    pub async fn complete_async(
        &self,
        messages: &[Message],
        schema: Option<&JsonSchemaFormat>,
    ) -> Result<Completion, LlmError> {
        let sampling = Sampling::from_config(&self.config, schema);
        let body =
            serde_json::to_vec(&ChatRequest::new(&sampling, messages, schema)).map_err(|e| {
                LlmError::Setup {
                    reason: format!("cannot encode the request: {e}"),
                }
            })?;
        let url = format!("{}/v1/chat/completions", self.config.base_url);
        let (reply, attempts) = self
            .with_retries(|| self.send(reqwest::Method::POST, &url, Some(body.clone())))
            .await?;
        let timing = Timing {
            elapsed: reply.elapsed,
            first_token: reply.first_token,
            attempts,
        };
        match reply.body {
            Body::Whole(body) => parse_completion(&url, &body, sampling, timing),
            Body::Streamed(answer) => finish(answer, sampling, timing),
        }
    }

    /// Async `GET /v1/models`.
    pub async fn models_async(&self) -> Result<Vec<String>, LlmError> {
        let url = format!("{}/v1/models", self.config.base_url);
        let (reply, _) = self
            .with_retries(|| self.send(reqwest::Method::GET, &url, None))
            .await?;
        match reply.body {
            Body::Whole(body) => parse_models(&url, &body),
            Body::Streamed(_) => Err(LlmError::BadResponse {
                url,
                reason: "the model list came as an event stream".into(),
                body_excerpt: excerpt(b""),
            }),
        }
    }

    async fn with_retries<F, Fut>(&self, mut attempt: F) -> Result<(RawReply, u32), LlmError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<RawReply, LlmError>>,
    {
        let mut n: u32 = 0;
        loop {
            n += 1;
            match attempt().await {
                Ok(r) => return Ok((r, n)),
                Err(e) if e.is_transient() && n <= self.config.retries => {
                    let factor = 1u32.checked_shl(n - 1).unwrap_or(u32::MAX);
                    let sleep = self
                        .config
                        .backoff
                        .checked_mul(factor)
                        .unwrap_or(MAX_BACKOFF)
                        .min(MAX_BACKOFF);
                    tokio::time::sleep(sleep).await;
                }
                Err(e) => return Err(e.with_attempts(n)),
            }
        }
    }

    /// One HTTP exchange: send, check status, read a bounded body.
    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<RawReply, LlmError> {
        let started = Instant::now();
        let mut req = self.http.request(method, url);
        if let Some(key) = &self.config.api_key {
            let mut v =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    LlmError::Config {
                        reason: "the API key contains characters not allowed in an HTTP header"
                            .into(),
                        hint: "check SDG_LLM_API_KEY".into(),
                    }
                })?;
            v.set_sensitive(true);
            req = req.header(AUTHORIZATION, v);
        }
        if let Some(b) = body {
            req = req
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(b);
        }
        let mut resp = req.send().await.map_err(|e| self.transport_error(url, e))?;
        let status = resp.status();
        let limit = self.config.max_response_bytes;
        let too_large = || LlmError::BodyTooLarge {
            url: url.to_string(),
            limit,
        };
        if !status.is_success() {
            // Only the start of an error body is ever quoted: read that much, drop the rest.
            let mut buf: Vec<u8> = Vec::new();
            while buf.len() < ERROR_BODY_BYTES {
                match resp.chunk().await {
                    Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
                    // A broken error body still yields the status error.
                    Ok(None) | Err(_) => break,
                }
            }
            buf.truncate(ERROR_BODY_BYTES);
            return Err(self.status_error(url, status, &buf));
        }
        if resp
            .content_length()
            .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
        {
            return Err(too_large());
        }
        let streamed = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("text/event-stream")
            });
        let mut read: usize = 0;
        let mut buf: Vec<u8> = Vec::new();
        let mut events = Assembler::default();
        let mut first_token = None;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport_error(url, e))?
        {
            read = read.saturating_add(chunk.len());
            if read > limit {
                return Err(too_large());
            }
            if !streamed {
                buf.extend_from_slice(&chunk);
                continue;
            }
            let before = events.tokens();
            events.feed(&chunk).map_err(|e| stream_error(url, e))?;
            if events.tokens() > before {
                let elapsed = started.elapsed();
                let first = *first_token.get_or_insert(elapsed);
                if let Some(observe) = &self.progress {
                    observe(&StreamProgress {
                        tokens: events.tokens(),
                        text: events.text(),
                        elapsed,
                        first_token: Some(first),
                        done: false,
                    });
                }
            }
        }
        let body = if streamed {
            let tokens = events.tokens();
            let answer = events.end().map_err(|e| stream_error(url, e))?;
            if let Some(observe) = &self.progress {
                observe(&StreamProgress {
                    tokens,
                    text: &answer.content,
                    elapsed: started.elapsed(),
                    first_token,
                    done: true,
                });
            }
            Body::Streamed(answer)
        } else {
            Body::Whole(buf)
        };
        Ok(RawReply {
            body,
            elapsed: started.elapsed(),
            first_token,
        })
    }
}

fn stream_error(url: &str, e: super::stream::StreamError) -> LlmError {
    LlmError::BadResponse {
        url: url.to_string(),
        reason: e.reason,
        body_excerpt: excerpt(&e.excerpt),
    }
}

impl LlmClient {
    fn transport_error(&self, url: &str, e: reqwest::Error) -> LlmError {
        let url = url.to_string();
        // A connect timeout is "unreachable", not "slow": check connect first.
        if e.is_connect() {
            LlmError::Unreachable {
                url,
                attempts: 1,
                source: e,
            }
        } else if e.is_timeout() {
            LlmError::Timeout {
                url,
                timeout: self.config.timeout,
                attempts: 1,
            }
        } else {
            LlmError::Transport {
                url,
                attempts: 1,
                source: e,
            }
        }
    }

    fn status_error(&self, url: &str, status: StatusCode, body: &[u8]) -> LlmError {
        if says_model_missing(status.as_u16(), body) {
            return LlmError::ModelMissing {
                url: self.config.base_url.clone(),
                model: self.config.model.clone(),
                detail: error_detail(body),
            };
        }
        let hint = match status.as_u16() {
            401 | 403 => "the server wants an API key: set SDG_LLM_API_KEY",
            404 => "is SDG_LLM_URL the server's base URL, without a path beyond `/v1`?",
            413 => "the prompt is too large for the server",
            429 => "the server is rate-limiting: wait, or lower concurrency",
            400..=499 => "the server rejected the request; its message is above",
            _ => "the server failed; check its log (retried already)",
        };
        LlmError::Http {
            url: url.to_string(),
            status: status.as_u16(),
            attempts: 1,
            body_excerpt: if body.is_empty() {
                excerpt(body)
            } else {
                error_detail(body)
            },
            hint: hint.to_string(),
        }
    }
}
