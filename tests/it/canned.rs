//! A canned OpenAI-compatible HTTP server on 127.0.0.1:0 for tests: serves the i-th canned
//! reply to the i-th request (the last repeats) and keeps every JSON body it received.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use sdg::llm::{LlmClient, LlmConfig};
use serde_json::{json, Value};

#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn reply(content: &str) -> Self {
        Canned::finished(content, "stop")
    }
    pub fn finished(content: &str, finish: &str) -> Self {
        let body = json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1,
            "model": "served-model",
            "choices": [{"index": 0, "finish_reason": finish,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
        });
        Canned {
            status: 200,
            body: body.to_string().into_bytes(),
        }
    }
}

pub struct TestServer {
    pub url: String,
    hits: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Value>>>,
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
                if let Some(body) = read_body(&mut stream) {
                    let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    r.lock().unwrap().push(v);
                }
                let reply = &replies[i.min(replies.len() - 1)];
                let _ = write_reply(&mut stream, reply);
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

    /// The JSON bodies received, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }

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

fn read_body(stream: &mut TcpStream) -> Option<Vec<u8>> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
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
    let len: usize = head
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(body)
}

fn write_reply(stream: &mut TcpStream, r: &Canned) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n",
        r.status,
        r.body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&r.body)?;
    stream.flush()
}
