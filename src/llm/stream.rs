//! Streamed answers: the server-sent events of `"stream": true` (OpenAI's chat-completion
//! chunks, as Ollama, vLLM and llama.cpp's server send them), assembled into one answer.
//!
//! The stream is untrusted like any body: the client bounds the bytes fed in (the same
//! `max_response_bytes` as a whole body), and the assembler never panics on any input. Each
//! `data:` event is a JSON chunk whose `choices[0].delta.content` extends the text; the chunk
//! with a `finish_reason` (and `usage`, when the server sends it) ends the answer, `data:
//! [DONE]` ends the stream. A stream that stops before either, an event that is not JSON, or an
//! `error` event is an error; a finished answer then gets the same checks as a whole body
//! (truncation at `max_tokens`, empty answer) in [`super::response::finish`].

use std::time::Duration;

use serde::Deserialize;

use super::response::{Answer, RawUsage};

/// What a progress observer sees while an answer streams in.
#[derive(Clone, Copy, Debug)]
pub struct StreamProgress<'a> {
    /// Text pieces received so far (llama.cpp, Ollama and vLLM send one token per piece).
    pub tokens: u64,
    /// The answer's text so far. Untrusted: escape it before showing it
    /// (`crate::untrusted::terminal`).
    pub text: &'a str,
    /// Since the request was sent.
    pub elapsed: Duration,
    /// When the first piece of text arrived, since the request was sent.
    pub first_token: Option<Duration>,
    /// The answer is complete (the last call for this answer).
    pub done: bool,
}

/// Why a stream could not be assembled. `excerpt` is the offending bytes, for the message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct StreamError {
    pub(crate) reason: String,
    pub(crate) excerpt: Vec<u8>,
}

/// Assembles server-sent events, fed in arbitrary byte chunks, into an [`Answer`].
#[derive(Debug, Default)]
pub(crate) struct Assembler {
    /// The current, unfinished line.
    line: Vec<u8>,
    /// The `data:` lines of the current event, joined by `\n`.
    data: Vec<u8>,
    has_data: bool,
    answer: Answer,
    /// `data: [DONE]` was seen: anything after it is ignored.
    done: bool,
    tokens: u64,
}

#[derive(Deserialize)]
struct RawChunk {
    choices: Option<Vec<RawDeltaChoice>>,
    model: Option<String>,
    system_fingerprint: Option<String>,
    usage: Option<RawUsage>,
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawDeltaChoice {
    delta: Option<RawDelta>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct RawDelta {
    content: Option<String>,
}

impl Assembler {
    /// Text pieces received so far.
    pub(crate) fn tokens(&self) -> u64 {
        self.tokens
    }

    /// The text so far.
    pub(crate) fn text(&self) -> &str {
        &self.answer.content
    }

    /// Feed the next bytes of the stream.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<(), StreamError> {
        for &b in bytes {
            if b == b'\n' {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.line_done(&line)?;
            } else {
                self.line.push(b);
            }
        }
        Ok(())
    }

    /// The stream ended: the answer, if it was complete.
    pub(crate) fn end(mut self) -> Result<Answer, StreamError> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.line_done(&line)?;
        }
        self.event_done()?;
        if self.done || self.answer.finish_reason.is_some() {
            Ok(self.answer)
        } else {
            let tail = self.answer.content.as_bytes();
            Err(StreamError {
                reason: format!(
                    "the stream ended before the answer did ({} piece(s) received)",
                    self.tokens
                ),
                excerpt: tail[tail.len().saturating_sub(200)..].to_vec(),
            })
        }
    }

    fn line_done(&mut self, line: &[u8]) -> Result<(), StreamError> {
        if line.is_empty() {
            return self.event_done();
        }
        // `field: value` (one optional space after the colon); `:comment` lines are skipped.
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(0) => return Ok(()),
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            // llama.cpp has sent errors as `error: {...}` lines.
            b"error" => {
                return Err(StreamError {
                    reason: "the server reported an error in the stream".into(),
                    excerpt: value.to_vec(),
                })
            }
            _ => {}
        }
        Ok(())
    }

    fn event_done(&mut self) -> Result<(), StreamError> {
        if !self.has_data {
            return Ok(());
        }
        let data = std::mem::take(&mut self.data);
        self.has_data = false;
        if self.done {
            return Ok(());
        }
        if data.trim_ascii() == b"[DONE]" {
            self.done = true;
            return Ok(());
        }
        let bad = |reason: String| StreamError {
            reason,
            excerpt: data.clone(),
        };
        let chunk: RawChunk = serde_json::from_slice(&data)
            .map_err(|e| bad(format!("an event in the stream is not JSON ({e})")))?;
        if chunk.error.is_some() {
            return Err(bad("the server reported an error in the stream".into()));
        }
        let a = &mut self.answer;
        if chunk.model.is_some() {
            a.model = chunk.model;
        }
        if chunk.system_fingerprint.is_some() {
            a.system_fingerprint = chunk.system_fingerprint;
        }
        if let Some(u) = chunk.usage {
            a.usage = Some(u.into_usage());
        }
        if let Some(choice) = chunk.choices.and_then(|c| c.into_iter().next()) {
            if let Some(text) = choice.delta.and_then(|d| d.content) {
                if !text.is_empty() {
                    a.content.push_str(&text);
                    self.tokens += 1;
                }
            }
            if choice.finish_reason.is_some() {
                a.finish_reason = choice.finish_reason;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(content: &str, finish: Option<&str>) -> String {
        let v = serde_json::json!({"model": "m", "system_fingerprint": "fp",
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]});
        format!("data: {v}\n\n")
    }

    fn stream() -> String {
        let mut s = String::from(": keep-alive\n\n");
        s += &chunk("", None);
        s += &chunk("Hello", None);
        s += &chunk(", wörld", None);
        s += &chunk("", Some("stop"));
        s += "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\r\n\r\n";
        s += "data: [DONE]\n\n";
        s
    }

    #[test]
    fn assembles_text_finish_usage_however_the_bytes_are_split() {
        let bytes = stream().into_bytes();
        for split in 0..=bytes.len() {
            let mut a = Assembler::default();
            a.feed(&bytes[..split]).unwrap();
            a.feed(&bytes[split..]).unwrap();
            assert_eq!(a.tokens(), 2);
            let ans = a.end().unwrap();
            assert_eq!(ans.content, "Hello, wörld");
            assert_eq!(ans.finish_reason.as_deref(), Some("stop"));
            assert_eq!(ans.model.as_deref(), Some("m"));
            assert_eq!(ans.system_fingerprint.as_deref(), Some("fp"));
            assert_eq!(ans.usage.and_then(|u| u.total_tokens), Some(7));
        }
    }

    #[test]
    fn a_stream_that_stops_early_is_an_error() {
        let mut a = Assembler::default();
        a.feed(chunk("Hel", None).as_bytes()).unwrap();
        let e = a.end().unwrap_err();
        assert!(e.reason.starts_with("the stream ended before"), "{e:?}");
    }

    #[test]
    fn finish_without_done_is_complete_and_events_after_done_are_ignored() {
        let mut a = Assembler::default();
        a.feed(chunk("x", Some("length")).as_bytes()).unwrap();
        let ans = a.end().unwrap();
        assert_eq!(ans.finish_reason.as_deref(), Some("length"));
        let mut a = Assembler::default();
        a.feed(format!("{}data: [DONE]\n\ndata: junk\n\n", chunk("y", None)).as_bytes())
            .unwrap();
        assert_eq!(a.end().unwrap().content, "y");
    }

    #[test]
    fn error_events_and_non_json_are_errors() {
        for bad in [
            "data: {\"error\":{\"message\":\"boom\"}}\n\n",
            "error: {\"message\":\"boom\"}\n\n",
            "data: {\"choices\": [\n\n",
            "data: \u{1b}[2J\n\n",
        ] {
            let mut a = Assembler::default();
            let r = a.feed(bad.as_bytes()).and_then(|()| a.end().map(|_| ()));
            assert!(r.is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hostile_bytes_never_panic() {
        for bad in [
            &b"\xff\xfe\n\n"[..],
            b"data:\n\n",
            b"data: null\n\n",
            b"data: []\n\n",
            b"data: {\"choices\": 7}\n\n",
            b"data: {\"choices\": [{\"delta\": {\"content\": 12}}]}\n\n",
            b":\n:\n\n\n",
            b"data",
        ] {
            let mut a = Assembler::default();
            let _ = a.feed(bad).and_then(|()| a.end().map(|_| ()));
        }
    }
}
