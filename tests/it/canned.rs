//! A canned OpenAI-compatible HTTP server on 127.0.0.1:0 for tests (llm, author, workflow):
//! serves the i-th canned reply to the i-th request (the last repeats), optionally late or
//! without `Content-Length`, as one JSON body or as server-sent events, and keeps every request it received (method, path, headers, body).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use sdg::llm::{LlmClient, LlmConfig};
use serde_json::{json, Value};

/// One canned answer.
#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Send `Content-Length`; when false the body is delimited by closing the connection.
    pub content_length: bool,
    /// The `Content-Type` header.
    pub content_type: &'static str,
}

impl Canned {
    pub fn json(status: u16, body: Value) -> Self {
        Canned::raw(status, body.to_string())
    }
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Canned {
            status,
            body: body.into(),
            delay: Duration::ZERO,
            content_length: true,
            content_type: "application/json",
        }
    }
    /// A streamed answer (`text/event-stream`) as llama.cpp sends it: a role-only chunk, one
    /// chunk per piece of `pieces`, a chunk with `finish`, a usage chunk, then `[DONE]`.
    pub fn streamed(pieces: &[&str], finish: &str) -> Self {
        let mut events = vec![chunk(json!({"role": "assistant", "content": null}), None)];
        events.extend(pieces.iter().map(|p| chunk(json!({"content": p}), None)));
        events.push(chunk(json!({}), Some(finish)));
        events.push(json!({"choices": [], "usage":
            {"prompt_tokens": 11, "completion_tokens": pieces.len(),
             "total_tokens": 11 + pieces.len()}}));
        let mut body: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
        body.push_str("data: [DONE]\n\n");
        Canned::sse(body)
    }
    /// Raw server-sent events, status 200.
    pub fn sse(body: impl Into<Vec<u8>>) -> Self {
        Canned {
            content_type: "text/event-stream",
            ..Canned::raw(200, body)
        }
    }
    pub fn ok(content: &str) -> Self {
        Canned::json(200, completion_body(content, "stop"))
    }
    /// A 200 completion with `content`, finished normally.
    pub fn reply(content: &str) -> Self {
        Canned::ok(content)
    }
    /// A 200 completion with `content` and the given `finish_reason`.
    pub fn finished(content: &str, finish: &str) -> Self {
        Canned::json(200, completion_body(content, finish))
    }
}

pub fn completion_body(content: &str, finish: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1,
        "model": "served-model", "system_fingerprint": "fp_test",
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    })
}

fn chunk(delta: Value, finish: Option<&str>) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
           "model": "served-model", "system_fingerprint": "fp_test",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

/// What the server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct TestServer {
    pub url: String,
    hits: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl TestServer {
    /// Serve `replies[i]` to the i-th request; the last one repeats.
    pub fn start(replies: Vec<Canned>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (h, r) = (hits.clone(), received.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let i = h.fetch_add(1, Ordering::SeqCst);
                if let Some(req) = read_request(&mut stream) {
                    r.lock().unwrap().push(req);
                }
                let reply = replies[i.min(replies.len() - 1)].clone();
                thread::sleep(reply.delay);
                let _ = write_reply(&mut stream, &reply);
            }
        });
        TestServer {
            url,
            hits,
            received,
        }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn last(&self) -> Received {
        self.received.lock().unwrap().last().cloned().unwrap()
    }

    /// The JSON bodies received, in order (`null` for a body that is not JSON).
    pub fn bodies(&self) -> Vec<Value> {
        let r = self.received.lock().unwrap();
        r.iter()
            .map(|q| serde_json::from_slice(&q.body).unwrap_or(Value::Null))
            .collect()
    }

    /// A client for this server: model `test-model`, short timeouts, `max_tokens` 777.
    pub fn client(&self) -> LlmClient {
        LlmClient::new(LlmConfig {
            base_url: self.url.clone(),
            model: "test-model".into(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(2),
            backoff: Duration::from_millis(10),
            max_tokens: 777,
            ..LlmConfig::default()
        })
        .unwrap()
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Received> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        path,
        headers,
        body,
    })
}

fn write_reply(stream: &mut TcpStream, r: &Canned) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nConnection: close\r\n",
        r.status, r.content_type
    );
    if r.content_length {
        head.push_str(&format!("Content-Length: {}\r\n", r.body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&r.body)?;
    stream.flush()
}
