//! Tests of `sdg::llm`: the client against canned replies from a hand-rolled HTTP server on
//! 127.0.0.1:0, extraction of code from prose, and (`real_*`) the client against a real
//! llama.cpp server started by `tests/llm/serve.sh`.
//!
//! The `real_*` tests are `#[ignore]`d, so a plain `cargo nextest run` lists them as skipped; the
//! README's test command runs them (`--run-ignored all`), and there a missing server fails them
//! (see [`crate::real_llm::server_url`]). nextest runs them one at a time (`.config/nextest.toml`,
//! test group `real-llm`).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdg::llm::extract::{self, Source};
use sdg::llm::{
    Completion, FinishReason, JsonSchemaFormat, LlmClient, LlmConfig, LlmError, Message,
};
use serde_json::{json, Value};

use crate::canned::{completion_body, Canned, TestServer};
use crate::real_llm::server_url;

fn config(url: &str) -> LlmConfig {
    LlmConfig {
        base_url: url.to_string(),
        model: "test-model".into(),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        backoff: Duration::from_millis(10),
        ..LlmConfig::default()
    }
}

fn client(url: &str) -> LlmClient {
    LlmClient::new(config(url)).unwrap()
}

fn ask(c: &LlmClient) -> Result<Completion, LlmError> {
    c.complete(&[Message::user("hi")], None)
}

/// A port on which nothing listens.
fn closed_port_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    url
}

// ---------------------------------------------------------------------------------------------
// Requests.

#[test]
fn request_carries_sampling_schema_and_key() {
    let s = TestServer::start(vec![Canned::ok("{\"a\": 1}")]);
    let cfg = LlmConfig {
        api_key: Some("sk-test-123".into()),
        temperature: 0.0,
        top_p: 0.5,
        seed: Some(42),
        max_tokens: 77,
        ..config(&s.url)
    };
    let c = LlmClient::new(cfg).unwrap();
    let schema = JsonSchemaFormat::strict(
        "thing",
        json!({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}),
    );
    let msgs = [Message::system("be brief"), Message::user("give a")];
    let out = c.complete(&msgs, Some(&schema)).unwrap();

    let req = s.last();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(req.header("authorization"), Some("Bearer sk-test-123"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    let body = req.json();
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["top_p"], 0.5);
    assert_eq!(body["seed"], 42);
    assert_eq!(body["max_tokens"], 77);
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        body["messages"],
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "give a"}])
    );
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "thing", "strict": true,
               "schema": {"type": "object", "properties": {"a": {"type": "integer"}},
                          "required": ["a"]}}})
    );

    assert_eq!(out.content, "{\"a\": 1}");
    assert_eq!(out.model.as_deref(), Some("served-model"));
    assert_eq!(out.system_fingerprint.as_deref(), Some("fp_test"));
    assert_eq!(out.finish_reason, FinishReason::Stop);
    assert_eq!(out.usage.prompt_tokens, Some(11));
    assert_eq!(out.usage.completion_tokens, Some(7));
    assert_eq!(out.usage.total_tokens, Some(18));
    assert_eq!(out.attempts, 1);
    assert_eq!(out.first_token, None, "a whole body has no first token");
    assert_eq!(out.sampling.seed, Some(42));
    assert_eq!(out.sampling.json_schema.as_deref(), Some("thing"));

    // The record serialises, and without the key.
    let record = serde_json::to_string(&out).unwrap();
    let v: Value = serde_json::from_str(&record).unwrap();
    assert_eq!(v["sampling"]["max_tokens"], 77);
    assert_eq!(v["finish_reason"], "stop");
    assert!(v["elapsed"].as_f64().unwrap() >= 0.0);
    assert!(!record.contains("sk-test-123"));
    assert!(!format!("{c:?}").contains("sk-test-123"));
}

#[test]
fn no_schema_means_no_response_format_and_no_key_means_no_header() {
    let s = TestServer::start(vec![Canned::ok("x")]);
    let cfg = LlmConfig {
        seed: None,
        ..config(&s.url)
    };
    LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("hi")], None)
        .unwrap();
    let req = s.last();
    let body = req.json();
    assert!(body.get("response_format").is_none());
    assert!(body.get("seed").is_none());
    assert!(req.header("authorization").is_none());
}

#[test]
fn base_url_with_v1_suffix_is_not_doubled() {
    let s = TestServer::start(vec![Canned::ok("x")]);
    let c = client(&format!("{}/v1/", s.url));
    ask(&c).unwrap();
    assert_eq!(s.last().path, "/v1/chat/completions");
}

// ---------------------------------------------------------------------------------------------
// Replies.

#[test]
fn prose_around_fences_extracts_the_yaml() {
    let reply =
        "Sure! Here is the spec you asked for:\n\n```yaml\nname: people\nrows: 100\n```\n\n\
                 Let me know if you need changes.";
    let s = TestServer::start(vec![Canned::ok(reply)]);
    let out = ask(&client(&s.url)).unwrap();
    let y = extract::yaml(&out.content).unwrap();
    assert_eq!(y.text, "name: people\nrows: 100\n");
    assert_eq!(
        y.source,
        Source::Fence {
            lang: "yaml".into()
        }
    );
    assert!(y.complete);
}

#[test]
fn wrong_keys_are_a_bad_response() {
    let s = TestServer::start(vec![Canned::json(200, json!({"result": "hello"}))]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::BadResponse { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("choices[0]") && msg.contains("result"),
        "{msg}"
    );
    assert_eq!(s.hits(), 1, "bad bodies are not retried");
}

#[test]
fn missing_choices_invalid_json_and_no_message_are_bad_responses() {
    for body in [
        json!({"choices": []}).to_string(),
        json!({"choices": [{"finish_reason": "stop"}]}).to_string(),
        "{\"choices\": [".to_string(),
        "<html>502 Bad Gateway</html>".to_string(),
    ] {
        let s = TestServer::start(vec![Canned::raw(200, body.clone())]);
        let e = ask(&client(&s.url)).unwrap_err();
        assert!(matches!(e, LlmError::BadResponse { .. }), "{body}: {e}");
        assert_eq!(s.hits(), 1);
    }
}

#[test]
fn empty_content_is_an_error() {
    let s = TestServer::start(vec![Canned::ok("  \n")]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::EmptyContent { .. }), "{e}");
}

#[test]
fn finish_reason_length_is_truncated_with_partial_text() {
    let s = TestServer::start(vec![Canned::json(
        200,
        completion_body("```yaml\nname: peo", "length"),
    )]);
    let cfg = LlmConfig {
        max_tokens: 5,
        ..config(&s.url)
    };
    let e = LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("hi")], None)
        .unwrap_err();
    match &e {
        LlmError::Truncated {
            partial,
            max_tokens,
        } => {
            assert_eq!(partial, "```yaml\nname: peo");
            assert_eq!(*max_tokens, 5);
            // The partial fence is still extractable, and flagged incomplete.
            let y = extract::yaml(partial).unwrap();
            assert!(!y.complete);
        }
        other => panic!("expected Truncated, got {other}"),
    }
    assert!(e.to_string().contains("max_tokens = 5"), "{e}");
    assert_eq!(s.hits(), 1, "truncation is not retried");
}

// ---------------------------------------------------------------------------------------------
// Streamed replies (server-sent events).

/// What a progress observer saw: `(tokens, text, done)` of every call.
type Seen = Arc<Mutex<Vec<(u64, String, bool)>>>;

/// A client whose progress observer records every call.
fn watched(url: &str) -> (LlmClient, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let c = client(url).with_progress(move |p| {
        s2.lock()
            .unwrap()
            .push((p.tokens, p.text.to_string(), p.done))
    });
    (c, seen)
}

#[test]
fn streamed_answer_is_assembled_and_progress_is_reported() {
    let s = TestServer::start(vec![Canned::streamed(&["name", ": ", "coins\n"], "stop")]);
    let (c, seen) = watched(&s.url);
    let out = ask(&c).unwrap();
    assert_eq!(out.content, "name: coins\n");
    assert_eq!(out.finish_reason, FinishReason::Stop);
    assert_eq!(out.model.as_deref(), Some("served-model"));
    assert_eq!(out.system_fingerprint.as_deref(), Some("fp_test"));
    assert_eq!(out.usage.completion_tokens, Some(3));
    assert_eq!(out.usage.prompt_tokens, Some(11));
    assert!(out.first_token.is_some_and(|f| f <= out.elapsed));
    let seen = seen.lock().unwrap();
    // However the bytes were split on the way, the counts only grow, the text only extends, and
    // exactly the last call says the answer is complete, with all of it.
    assert_eq!(seen.last(), Some(&(3, "name: coins\n".to_string(), true)));
    assert_eq!(seen.iter().filter(|(_, _, done)| *done).count(), 1);
    for w in seen.windows(2) {
        assert!(w[0].0 <= w[1].0 && w[1].1.starts_with(&w[0].1), "{seen:?}");
    }
}

#[test]
fn streamed_length_is_truncated_with_the_partial_text() {
    let s = TestServer::start(vec![Canned::streamed(
        &["```yaml\n", "name: peo"],
        "length",
    )]);
    match ask(&client(&s.url)).unwrap_err() {
        LlmError::Truncated {
            partial,
            max_tokens,
        } => assert_eq!((partial.as_str(), max_tokens), ("```yaml\nname: peo", 4096)),
        other => panic!("expected Truncated, got {other}"),
    }
    assert_eq!(s.hits(), 1, "truncation is not retried");
}

#[test]
fn streamed_empty_answer_is_empty_content() {
    let s = TestServer::start(vec![Canned::streamed(&[], "stop")]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::EmptyContent { .. }), "{e}");
}

#[test]
fn stream_cut_short_or_broken_is_a_bad_response_not_retried() {
    let piece = json!({"choices": [{"delta": {"content": "Hel"}, "finish_reason": null}]});
    for body in [
        // The connection closes before any finish_reason or [DONE].
        format!("data: {piece}\n\n"),
        // An event that is not JSON.
        format!("data: {piece}\n\ndata: {{\"choices\": [\n\n"),
        // The server reports an error in the stream.
        format!("data: {piece}\n\ndata: {{\"error\": {{\"message\": \"boom\"}}}}\n\n"),
    ] {
        let s = TestServer::start(vec![Canned::sse(body.clone())]);
        let e = ask(&client(&s.url)).unwrap_err();
        assert!(matches!(e, LlmError::BadResponse { .. }), "{body}: {e}");
        assert_eq!(s.hits(), 1, "{body}");
    }
}

#[test]
fn oversized_stream_is_refused() {
    let pieces: Vec<String> = (0..2000).map(|i| format!("piece {i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    // No Content-Length: the bound is enforced while the events arrive.
    let s = TestServer::start(vec![Canned {
        content_length: false,
        ..Canned::streamed(&refs, "stop")
    }]);
    let cfg = LlmConfig {
        max_response_bytes: 4096,
        ..config(&s.url)
    };
    let e = LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("x")], None)
        .unwrap_err();
    assert!(
        matches!(e, LlmError::BodyTooLarge { limit: 4096, .. }),
        "{e}"
    );
    assert_eq!(s.hits(), 1);
}

// ---------------------------------------------------------------------------------------------
// HTTP errors and retries.

#[test]
fn ollama_404_model_missing_names_the_model_and_is_not_retried() {
    let s = TestServer::start(vec![Canned::json(
        404,
        json!({"error": "model \"test-model\" not found, try pulling it first"}),
    )]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::ModelMissing { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("`ollama pull test-model`"), "{msg}");
    assert!(msg.contains("try pulling it first"), "{msg}");
    assert_eq!(s.hits(), 1);
}

#[test]
fn vllm_404_model_missing_is_detected() {
    let s = TestServer::start(vec![Canned::json(
        404,
        json!({"object": "error", "message": "The model `test-model` does not exist.",
               "type": "NotFoundError", "code": 404}),
    )]);
    let e = ask(&client(&s.url)).unwrap_err();
    assert!(matches!(e, LlmError::ModelMissing { .. }), "{e}");
}

#[test]
fn plain_404_is_http_error_with_url_hint() {
    let s = TestServer::start(vec![Canned::raw(404, "404 page not found")]);
    let e = ask(&client(&s.url)).unwrap_err();
    match &e {
        LlmError::Http { status: 404, .. } => {}
        other => panic!("expected Http 404, got {other}"),
    }
    assert!(e.to_string().contains("SDG_LLM_URL"), "{e}");
}

#[test]
fn server_error_then_success_is_retried() {
    let s = TestServer::start(vec![
        Canned::json(500, json!({"error": "boom"})),
        Canned::ok("fine"),
    ]);
    let out = ask(&client(&s.url)).unwrap();
    assert_eq!(out.content, "fine");
    assert_eq!(out.attempts, 2);
    assert_eq!(s.hits(), 2);
}

#[test]
fn rate_limit_then_success_is_retried() {
    let s = TestServer::start(vec![Canned::raw(429, "slow down"), Canned::ok("fine")]);
    let out = ask(&client(&s.url)).unwrap();
    assert_eq!(out.attempts, 2);
}

#[test]
fn persistent_server_error_gives_up_after_retries() {
    let s = TestServer::start(vec![Canned::json(
        503,
        json!({"error": {"message": "overloaded"}}),
    )]);
    let e = ask(&client(&s.url)).unwrap_err(); // retries = 2 by default
    match &e {
        LlmError::Http {
            status: 503,
            attempts: 3,
            body_excerpt,
            ..
        } => assert_eq!(body_excerpt, "`overloaded`"),
        other => panic!("expected Http 503 after 3 attempts, got {other}"),
    }
    assert_eq!(s.hits(), 3);
}

#[test]
fn bad_request_is_not_retried_and_quotes_the_server() {
    let s = TestServer::start(vec![Canned::json(
        400,
        json!({"error": {"code": 400, "message": "'messages' must be an array", "type": "invalid_request_error"}}),
    )]);
    let e = ask(&client(&s.url)).unwrap_err();
    match &e {
        LlmError::Http {
            status: 400,
            attempts: 1,
            ..
        } => {}
        other => panic!("expected Http 400, got {other}"),
    }
    assert!(e.to_string().contains("'messages' must be an array"), "{e}");
    assert_eq!(s.hits(), 1);
}

#[test]
fn unauthorized_hints_at_the_key_without_showing_it() {
    let s = TestServer::start(vec![Canned::json(401, json!({"error": "invalid api key"}))]);
    let cfg = LlmConfig {
        api_key: Some("sk-wrong-secret".into()),
        ..config(&s.url)
    };
    let e = LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("x")], None)
        .unwrap_err();
    assert!(
        matches!(
            e,
            LlmError::Http {
                status: 401,
                attempts: 1,
                ..
            }
        ),
        "{e}"
    );
    let msg = format!("{e} {e:?}");
    assert!(msg.contains("SDG_LLM_API_KEY"), "{msg}");
    assert!(!msg.contains("sk-wrong-secret"), "{msg}");
    assert_eq!(s.hits(), 1);
}

#[test]
fn error_body_excerpt_is_bounded() {
    let s = TestServer::start(vec![Canned::raw(400, "x".repeat(100_000))]);
    let e = ask(&client(&s.url)).unwrap_err();
    match &e {
        LlmError::Http {
            status: 400,
            body_excerpt,
            ..
        } => assert!(body_excerpt.chars().count() <= sdg::llm::BODY_EXCERPT_CHARS + 4),
        other => panic!("expected Http 400, got {other}"),
    }
    assert!(e.to_string().len() < 1_000, "{} chars", e.to_string().len());
    // A huge error body is still reported as the HTTP error, not as an oversized body.
    let s = TestServer::start(vec![Canned::raw(500, "y".repeat(100_000))]);
    let cfg = LlmConfig {
        max_response_bytes: 1024,
        retries: 0,
        ..config(&s.url)
    };
    let e = LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("x")], None)
        .unwrap_err();
    assert!(matches!(e, LlmError::Http { status: 500, .. }), "{e}");
}

#[test]
fn server_down_names_the_url_and_the_fix() {
    let url = closed_port_url();
    let cfg = LlmConfig {
        retries: 1,
        ..config(&url)
    };
    let e = LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("x")], None)
        .unwrap_err();
    match &e {
        LlmError::Unreachable { attempts: 2, .. } => {}
        other => panic!("expected Unreachable after 2 attempts, got {other}"),
    }
    let msg = e.to_string();
    assert!(msg.contains(&url), "{msg}");
    assert!(
        msg.contains("ollama serve") && msg.contains("SDG_LLM_URL"),
        "{msg}"
    );
}

#[test]
fn slow_server_times_out_and_is_retried() {
    let slow = Canned {
        delay: Duration::from_millis(1500),
        ..Canned::ok("late")
    };
    let s = TestServer::start(vec![slow]);
    let cfg = LlmConfig {
        timeout: Duration::from_millis(300),
        retries: 1,
        ..config(&s.url)
    };
    let e = LlmClient::new(cfg)
        .unwrap()
        .complete(&[Message::user("x")], None)
        .unwrap_err();
    match &e {
        LlmError::Timeout {
            timeout, attempts, ..
        } => {
            assert_eq!(*timeout, Duration::from_millis(300));
            assert_eq!(*attempts, 2);
        }
        other => panic!("expected Timeout, got {other}"),
    }
    assert!(e.to_string().contains("raise the timeout"), "{e}");
}

#[test]
fn oversized_body_is_refused_with_or_without_content_length() {
    let big = completion_body(&"y".repeat(10_000), "stop").to_string();
    for content_length in [true, false] {
        let s = TestServer::start(vec![Canned {
            content_length,
            ..Canned::raw(200, big.clone())
        }]);
        let cfg = LlmConfig {
            max_response_bytes: 4096,
            ..config(&s.url)
        };
        let e = LlmClient::new(cfg)
            .unwrap()
            .complete(&[Message::user("x")], None)
            .unwrap_err();
        assert!(
            matches!(e, LlmError::BodyTooLarge { limit: 4096, .. }),
            "content_length={content_length}: {e}"
        );
        assert_eq!(s.hits(), 1);
    }
    // The same body fits under the default 8 MiB bound.
    let s = TestServer::start(vec![Canned::raw(200, big)]);
    assert_eq!(ask(&client(&s.url)).unwrap().content.len(), 10_000);
}

#[test]
fn models_lists_ids_and_check_model_reports_missing() {
    let s = TestServer::start(vec![Canned::json(
        200,
        json!({"object": "list", "data": [{"id": "llama3:8b", "object": "model"},
                                          {"id": "test-model", "object": "model"}]}),
    )]);
    let c = client(&s.url);
    assert_eq!(c.models().unwrap(), vec!["llama3:8b", "test-model"]);
    assert_eq!(s.last().method, "GET");
    assert_eq!(s.last().path, "/v1/models");
    c.check_model().unwrap();

    let cfg = LlmConfig {
        model: "codestral:22b".into(),
        ..config(&s.url)
    };
    let e = LlmClient::new(cfg).unwrap().check_model().unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, LlmError::ModelMissing { .. }), "{msg}");
    assert!(
        msg.contains("`llama3:8b`") && msg.contains("ollama pull codestral:22b"),
        "{msg}"
    );
}

#[test]
fn https_is_supported_by_the_client() {
    // Nothing listens there, so the TLS stack is never exercised; this checks that an https URL
    // is accepted and that building the client (rustls + ring) does not panic.
    let url = closed_port_url().replace("http://", "https://");
    let e = client(&url)
        .complete(&[Message::user("x")], None)
        .unwrap_err();
    assert!(matches!(e, LlmError::Unreachable { .. }), "{e}");
}

#[tokio::test(flavor = "current_thread")]
async fn async_variant_works_and_blocking_refuses_inside_a_runtime() {
    let s = TestServer::start(vec![Canned::ok("async ok")]);
    let c = client(&s.url);
    let out = c.complete_async(&[Message::user("x")], None).await.unwrap();
    assert_eq!(out.content, "async ok");
    let e = c.complete(&[Message::user("x")], None).unwrap_err();
    assert!(matches!(e, LlmError::InsideAsyncRuntime), "{e}");
    // Dropping a client (and its runtime) inside a runtime must not panic either.
    drop(c);
}

#[test]
fn async_future_is_send_so_it_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    let c = client(&closed_port_url());
    let msgs = [Message::user("x")];
    let fut = c.complete_async(&msgs, None);
    assert_send(&fut);
    let models = c.models_async();
    assert_send(&models);
}

// ---------------------------------------------------------------------------------------------
// Extraction.

#[test]
fn extract_prefers_tagged_then_bare_then_whole() {
    let text = "Intro\n```\nbare: 1\n```\n```yml\ntagged: 2\n```\n";
    let y = extract::yaml(text).unwrap();
    assert_eq!(
        (y.text.as_str(), y.source),
        ("tagged: 2\n", Source::Fence { lang: "yml".into() })
    );

    let y = extract::yaml("Here:\n```\nbare: 1\n```\n```python\nx = 1\n```").unwrap();
    assert_eq!((y.text.as_str(), y.source), ("bare: 1\n", Source::Bare));

    let y = extract::yaml("Here is the spec:\nname: people\nrows: 10\ncolumns:\n  - id\n").unwrap();
    assert_eq!(y.source, Source::Whole);
    assert_eq!(y.text, "name: people\nrows: 10\ncolumns:\n  - id\n");
}

#[test]
fn extract_picks_the_largest_tagged_block() {
    let text = "e.g.\n```python\nx = 1\n```\nFull code:\n```py\nimport numpy as np\n\ndef f():\n    return 1\n```\n";
    let p = extract::python(text).unwrap();
    assert!(p.text.starts_with("import numpy"), "{}", p.text);
    assert_eq!(p.source, Source::Fence { lang: "py".into() });
}

#[test]
fn extract_handles_crlf_tilde_and_nested_backticks() {
    let y = extract::yaml("Spec:\r\n~~~yaml\r\na: 1\r\n~~~\r\n").unwrap();
    assert_eq!(y.text, "a: 1\n");

    // A 4-backtick fence around text holding a 3-backtick fence.
    let text = "````python\ns = '''\n```\nnot the end\n```\n'''\nprint(s)\n````\nDone.";
    let p = extract::python(text).unwrap();
    assert!(
        p.text.ends_with("print(s)\n") && p.text.contains("not the end"),
        "{}",
        p.text
    );
    assert!(p.complete);

    // Backticks inside a line do not close a 3-backtick fence.
    let text = "```python\nfence = \"```\"\nx = 1\n```\n";
    assert_eq!(
        extract::python(text).unwrap().text,
        "fence = \"```\"\nx = 1\n"
    );
}

#[test]
fn extract_unterminated_fence_is_returned_as_incomplete() {
    let p = extract::python("Here you go:\n```python\nimport numpy as np\nx = np.ze").unwrap();
    assert_eq!(p.text, "import numpy as np\nx = np.ze\n");
    assert!(!p.complete);
    // A complete block is preferred over a longer truncated one.
    let text = "```yaml\na: 1\n```\nagain:\n```yaml\na: 1\nb: 2\nc: 3";
    let y = extract::yaml(text).unwrap();
    assert_eq!(y.text, "a: 1\n");
    assert!(y.complete);
}

#[test]
fn extract_json_from_prose_skips_non_json_braces() {
    let text = "The set {a, b} is not JSON, but this is: {\"k\": \"}{\", \"n\": [1, 2]} — ok?";
    let j = extract::json(text).unwrap();
    assert_eq!(j.source, Source::Whole);
    let v: Value = serde_json::from_str(&j.text).unwrap();
    assert_eq!(v, json!({"k": "}{", "n": [1, 2]}));

    let j = extract::json("```json\n{\"a\": 1}\n```").unwrap();
    assert_eq!(
        j.source,
        Source::Fence {
            lang: "json".into()
        }
    );
}

#[test]
fn extract_python_whole_drops_trailing_prose() {
    let text = "Sure.\nimport numpy as np\n\ndef gen(rng):\n    return rng.normal()\n\n\
                This function draws one normal value.\n";
    let p = extract::python(text).unwrap();
    assert_eq!(p.source, Source::Whole);
    assert_eq!(
        p.text,
        "import numpy as np\n\ndef gen(rng):\n    return rng.normal()\n"
    );
}

#[test]
fn extract_reports_what_it_found() {
    let e = extract::yaml("```python\nx = 1\n```\n```toml\na = 1\n```").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("no yaml") && msg.contains("`python`") && msg.contains("`toml`"),
        "{msg}"
    );
    let e = extract::json("I cannot help with that.").unwrap_err();
    assert!(e.to_string().contains("no fenced block"), "{e}");
    assert!(extract::python("").is_err());
    assert!(
        extract::yaml("```yaml\n```").is_err(),
        "an empty block is not an answer"
    );
}

#[test]
fn extract_never_panics_on_odd_input() {
    for text in [
        "```",
        "````",
        "~~~\n",
        "```\r",
        "{",
        "}",
        "{{{{",
        "\"",
        "```json\n{\n",
        "é```é",
        "---",
        ":",
        "import",
        "\u{0}```yaml\n\u{0}",
    ] {
        let _ = extract::yaml(text);
        let _ = extract::json(text);
        let _ = extract::python(text);
    }
}

// ---------------------------------------------------------------------------------------------
// Against a real llama.cpp server (tests/llm/serve.sh). Plumbing, not content: the model is tiny.

fn real_client(url: &str, f: impl FnOnce(&mut LlmConfig)) -> LlmClient {
    let mut cfg = LlmConfig {
        base_url: url.to_string(),
        model: "smollm2".into(),
        temperature: 0.0,
        seed: Some(42),
        max_tokens: 64,
        timeout: Duration::from_secs(300),
        retries: 0,
        ..LlmConfig::default()
    };
    f(&mut cfg);
    LlmClient::new(cfg).unwrap()
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_plain_completion_has_content_and_usage() {
    let url = server_url();
    let c = real_client(&url, |c| c.max_tokens = 48);
    let out = c
        .complete(
            &[
                Message::system("You answer in one short sentence."),
                Message::user("What color is the sky?"),
            ],
            None,
        )
        .unwrap();
    eprintln!(
        "plain: {:?} {:?} in {:?}",
        out.content, out.usage, out.elapsed
    );
    assert!(!out.content.trim().is_empty());
    assert_eq!(out.finish_reason, FinishReason::Stop);
    assert!(out.usage.prompt_tokens.unwrap_or(0) > 0);
    assert!(out.usage.completion_tokens.unwrap_or(0) > 0);
    assert!(out.model.is_some());
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_schema_constrained_output_satisfies_the_schema() {
    let url = server_url();
    let schema = json!({
        "type": "object",
        "properties": {
            "color": {"type": "string", "enum": ["red", "green", "blue"]},
            "count": {"type": "integer"}
        },
        "required": ["color", "count"],
        "additionalProperties": false
    });
    let c = real_client(&url, |c| c.max_tokens = 64);
    let prompt = format!(
        "Pick a color and a count of apples. Answer with JSON following this schema:\n{schema}"
    );
    let out = c
        .complete(
            &[Message::user(prompt)],
            Some(&JsonSchemaFormat::strict("pick", schema)),
        )
        .unwrap();
    eprintln!("schema: {:?} in {:?}", out.content, out.elapsed);
    let v: Value = serde_json::from_str(&extract::json(&out.content).unwrap().text)
        .unwrap_or_else(|e| panic!("not JSON: {e}: {:?}", out.content));
    let obj = v.as_object().expect("an object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 2, "{v}");
    assert!(
        ["red", "green", "blue"].contains(&v["color"].as_str().unwrap_or("")),
        "{v}"
    );
    assert!(v["count"].is_i64() || v["count"].is_u64(), "{v}");
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_schema_is_enforced_by_the_server_not_the_prompt() {
    // The prompt asks for a poem and never mentions JSON: only `response_format` (a grammar in
    // llama.cpp) can make the answer follow the schema. Fails if the field is dropped or ignored.
    let url = server_url();
    let schema = json!({
        "type": "object",
        "properties": {"mood": {"type": "string", "enum": ["calm", "stormy"]},
                       "lines": {"type": "integer"}},
        "required": ["mood", "lines"],
        "additionalProperties": false
    });
    let c = real_client(&url, |c| c.max_tokens = 64);
    let out = c
        .complete(
            &[Message::user("Write a poem about the sea.")],
            Some(&JsonSchemaFormat::strict("poem", schema)),
        )
        .unwrap();
    let v: Value = serde_json::from_str(&out.content)
        .unwrap_or_else(|e| panic!("not JSON: {e}: {:?}", out.content));
    assert!(
        ["calm", "stormy"].contains(&v["mood"].as_str().unwrap_or("")),
        "{v}"
    );
    assert!(v["lines"].is_i64() || v["lines"].is_u64(), "{v}");
    assert_eq!(v.as_object().map(|o| o.len()), Some(2), "{v}");
}

/// The text of an answer, whether it ended or hit max_tokens.
fn text_of(r: Result<Completion, LlmError>) -> String {
    match r {
        Ok(c) => c.content,
        Err(LlmError::Truncated { partial, .. }) => partial,
        Err(e) => panic!("{e}"),
    }
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_same_seed_and_temperature_zero_is_deterministic() {
    let url = server_url();
    let c = real_client(&url, |c| {
        c.max_tokens = 24;
        c.seed = Some(7);
    });
    let msgs = [Message::user("Write one sentence about numbers.")];
    let a = text_of(c.complete(&msgs, None));
    let b = text_of(c.complete(&msgs, None));
    eprintln!("determinism: {a:?}");
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_max_tokens_5_is_truncated() {
    let url = server_url();
    let c = real_client(&url, |c| c.max_tokens = 5);
    let e = c
        .complete(&[Message::user("Count from one to fifty in words.")], None)
        .unwrap_err();
    match e {
        LlmError::Truncated {
            partial,
            max_tokens,
        } => {
            assert_eq!(max_tokens, 5);
            assert!(!partial.is_empty());
        }
        other => panic!("expected Truncated, got {other}"),
    }
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_wrong_model_name_is_served_by_the_loaded_model() {
    // llama.cpp's server (single-model mode) ignores the requested name and answers with the
    // model it has loaded; the reply's `model` says which. `check_model` catches the mismatch.
    let url = server_url();
    let c = real_client(&url, |c| {
        c.model = "no-such-model:1b".into();
        c.max_tokens = 48;
    });
    let models = c.models().unwrap();
    assert_eq!(models, vec!["smollm2"]);
    let e = c.check_model().unwrap_err();
    assert!(matches!(e, LlmError::ModelMissing { .. }), "{e}");
    let out = c.complete(&[Message::user("Say hi.")], None).unwrap();
    assert_eq!(out.model.as_deref(), Some("smollm2"));
    assert_eq!(out.sampling.model, "no-such-model:1b");
}
