//! Tests of `sdg::author`: the authoring loop against canned replies from a hand-rolled HTTP
//! server on 127.0.0.1:0 (what was sent is inspected), the JSON → YAML emitter round-tripped
//! through a real YAML parser, and (`real_*`) plumbing against a real llama.cpp server started
//! by `tests/llm/serve.sh`.
//!
//! The `real_*` tests are `#[ignore]`d: skipped by a plain `cargo nextest run`, run (and failed
//! without a server) by the README's `--run-ignored all`; see [`crate::real_llm::server_url`].

use std::cell::RefCell;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use sdg::author::{
    draft_code, draft_spec, revise_code, yaml, AttemptKind, AuthorError, AuthorOptions, CodeTools,
    Drafted, SpecTools, MAX_CODE_BYTES, MAX_INTENT_BYTES, MAX_PROBLEMS_BYTES, MAX_SPEC_BYTES,
    SPEC_SCHEMA_NAME,
};
use sdg::llm::{LlmClient, LlmConfig, LlmError};
use serde_json::{json, Value};

use crate::canned::{Canned, TestServer};
use crate::real_llm::server_url;

/// The `messages` of a request body, as (role, content).
fn messages(body: &Value) -> Vec<(String, String)> {
    body["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
                    (s("role"), s("content"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn last_user(body: &Value) -> String {
    messages(body)
        .into_iter()
        .rev()
        .find(|(r, _)| r == "user")
        .map(|(_, c)| c)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Tools: a toy spec validator and code checker that record their calls.

const VALID_SPEC: &str =
    "name: tickets\ncode_contract:\n  function:\n    name: generate_data\n    \
                          outputs:\n      tickets: {dtype: int64}\n";
const INVALID_SPEC: &str = "name: tickets\n";
const SPEC_ERROR: &str = "error[missing-key]: `code_contract` is required\n  --> spec.yaml:1:1\n  \
                          hint: add code_contract.function";

fn toy_schema() -> Value {
    json!({"type": "object", "required": ["name", "code_contract"],
           "properties": {"name": {"type": "string"}, "code_contract": {"type": "object"}}})
}

/// Accepts YAML that mentions `code_contract:` and `outputs:`; records every call.
struct Recorder {
    calls: RefCell<Vec<String>>,
}

impl Recorder {
    fn new() -> Self {
        Recorder {
            calls: RefCell::new(Vec::new()),
        }
    }
    fn validate(&self, yaml: &str) -> Result<(), String> {
        self.calls.borrow_mut().push(yaml.to_string());
        if yaml.contains("code_contract:") && yaml.contains("outputs:") {
            Ok(())
        } else {
            Err(SPEC_ERROR.to_string())
        }
    }
    fn check_code(&self, code: &str) -> Result<(), String> {
        self.calls.borrow_mut().push(code.to_string());
        if code.contains("print(") {
            Err("spec.py:4:5: error[no-printing]: call to `print` is forbidden".into())
        } else {
            Ok(())
        }
    }
    fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }
}

fn spec_run(
    server: &TestServer,
    intent: &str,
    rec: &Recorder,
    opts: &AuthorOptions,
) -> Result<Drafted, AuthorError> {
    let schema = toy_schema();
    let validate = |y: &str| rec.validate(y);
    let tools = SpecTools {
        schema: &schema,
        validate: &validate,
        examples: &[("coin flips", "name: coins\n")],
    };
    draft_spec(&server.client(), intent, &tools, opts)
}

fn yaml_reply(spec: &str) -> String {
    format!(
        "Sure! Here is the spec you asked for:\n\n```yaml\n{spec}```\n\nIt uses a Poisson rate."
    )
}

const INTENT: &str = "Number of support tickets per hour, about 3 per hour.";

// ---------------------------------------------------------------------------------------------
// Spec drafting.

#[test]
fn yaml_reply_with_prose_is_extracted_and_validated() {
    let server = TestServer::start(vec![Canned::reply(&yaml_reply(VALID_SPEC))]);
    let rec = Recorder::new();
    let d = spec_run(&server, INTENT, &rec, &AuthorOptions::default()).unwrap();
    assert_eq!(d.text, VALID_SPEC);
    assert_eq!(rec.calls(), vec![VALID_SPEC.to_string()]);
    assert_eq!(d.attempts.len(), 1);
    let a = &d.attempts[0];
    assert_eq!(a.kind, AttemptKind::Draft);
    assert_eq!(a.extracted.as_deref(), Some(VALID_SPEC));
    assert_eq!(a.problems, None);
    assert_eq!(a.completion.content, yaml_reply(VALID_SPEC));
    assert_eq!(a.completion.sampling.max_tokens, 777);
    // What was sent: system (rules, the schema's outline, example) + user (intent); no
    // response_format.
    let body = &server.bodies()[0];
    assert!(body.get("response_format").is_none(), "{body}");
    let m = messages(body);
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].0.as_str(), m[1].0.as_str()), ("system", "user"));
    assert!(
        m[0].1
            .contains("```text\nname: string\ncode_contract: {}\n```"),
        "{}",
        m[0].1
    );
    assert!(!m[0].1.contains(&toy_schema().to_string()));
    assert!(m[0].1.contains("Intent: coin flips"));
    assert!(m[1].1.contains(INTENT));
    assert_eq!(a.sent.len(), 2);
    assert_eq!(a.sent[1].content, m[1].1);
    // The record serialises.
    let rec_json = serde_json::to_value(&d).unwrap();
    assert_eq!(rec_json["attempts"][0]["kind"], "draft");
}

#[test]
fn invalid_then_valid_repairs_once_with_the_diagnostics() {
    let server = TestServer::start(vec![
        Canned::reply(&yaml_reply(INVALID_SPEC)),
        Canned::reply(&yaml_reply(VALID_SPEC)),
    ]);
    let rec = Recorder::new();
    let d = spec_run(&server, INTENT, &rec, &AuthorOptions::default()).unwrap();
    assert_eq!(d.text, VALID_SPEC);
    assert_eq!(server.hits(), 2);
    assert_eq!(
        rec.calls(),
        vec![INVALID_SPEC.to_string(), VALID_SPEC.to_string()]
    );
    let kinds: Vec<_> = d.attempts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AttemptKind::Draft, AttemptKind::Repair]);
    assert_eq!(d.attempts[0].problems.as_deref(), Some(SPEC_ERROR));
    assert_eq!(d.attempts[1].problems, None);
    // The repair request: the original two messages, the previous answer, the diagnostics.
    let bodies = server.bodies();
    let (first, repair) = (messages(&bodies[0]), messages(&bodies[1]));
    assert_eq!(repair.len(), 4);
    assert_eq!(repair[..2], first[..]);
    assert_eq!(repair[2].0, "assistant");
    assert_eq!(repair[2].1, format!("```yaml\n{INVALID_SPEC}```"));
    assert_eq!(repair[3].0, "user");
    assert!(repair[3].1.contains(SPEC_ERROR), "{}", repair[3].1);
    assert!(repair[3].1.contains("Fix exactly these problems"));
}

#[test]
fn still_invalid_after_one_repair_round_carries_both_attempts() {
    let server = TestServer::start(vec![Canned::reply(&yaml_reply(INVALID_SPEC))]);
    let rec = Recorder::new();
    let err = spec_run(&server, INTENT, &rec, &AuthorOptions::default()).unwrap_err();
    assert_eq!(server.hits(), 2, "exactly one repair round by default");
    match &err {
        AuthorError::StillInvalid {
            what,
            attempts,
            last_problems,
        } => {
            assert_eq!(*what, "spec");
            assert_eq!(attempts.len(), 2);
            assert_eq!(last_problems, SPEC_ERROR);
            assert!(attempts.iter().all(|a| a.problems.is_some()));
        }
        e => panic!("expected StillInvalid, got {e:?}"),
    }
    assert_eq!(err.attempts().len(), 2);
    let msg = err.to_string();
    assert!(msg.contains("still invalid after 2 attempt(s)") && msg.contains(SPEC_ERROR));
}

#[test]
fn repair_rounds_is_configurable() {
    for (rounds, hits) in [(0, 1), (2, 3)] {
        let server = TestServer::start(vec![Canned::reply(&yaml_reply(INVALID_SPEC))]);
        let opts = AuthorOptions {
            repair_rounds: rounds,
            ..AuthorOptions::default()
        };
        let err = spec_run(&server, INTENT, &Recorder::new(), &opts).unwrap_err();
        assert_eq!(server.hits(), hits);
        assert_eq!(err.attempts().len(), hits);
        // Each repair shows only the latest answer: the request stays 4 messages long.
        for b in server.bodies().iter().skip(1) {
            assert_eq!(messages(b).len(), 4);
        }
    }
}

#[test]
fn structured_mode_sends_the_schema_and_converts_json_to_yaml() {
    let reply = r#"{"name": "tickets", "code_contract": {"function": {"name": "generate_data",
        "outputs": {"tickets": {"dtype": "int64", "description": "yes: per hour # approx"}}}},
        "version": 1, "rate": 3.5, "flags": [true, null, "no"]}"#;
    let server = TestServer::start(vec![Canned::reply(reply)]);
    let rec = Recorder::new();
    let opts = AuthorOptions {
        structured: true,
        ..AuthorOptions::default()
    };
    let d = spec_run(&server, INTENT, &rec, &opts).unwrap();
    let body = &server.bodies()[0];
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {
            "name": SPEC_SCHEMA_NAME, "schema": toy_schema(), "strict": true}})
    );
    let system = &messages(body)[0].1;
    assert!(system.contains("one JSON object"));
    // The grammar enforces the schema: the prompt carries neither it nor its outline.
    assert!(!system.contains("\"required\"") && !system.contains("code_contract: {}"));
    let want = "name: tickets\ncode_contract:\n  function:\n    name: generate_data\n    \
                outputs:\n      tickets:\n        dtype: int64\n        \
                description: \"yes: per hour # approx\"\nversion: 1\nrate: 3.5\nflags:\n  \
                - true\n  - null\n  - \"no\"\n";
    assert_eq!(d.text, want);
    assert_eq!(
        rec.calls(),
        vec![want.to_string()],
        "the validator sees the YAML"
    );
    let back: Value = serde_yaml_ng::from_str(&d.text).unwrap();
    let orig: Value = serde_json::from_str(reply).unwrap();
    assert_eq!(back.to_string(), orig.to_string());
}

#[test]
fn structured_mode_repairs_invalid_json_and_keeps_the_schema() {
    let server = TestServer::start(vec![
        Canned::reply(r#"{"name": "tickets", "code_contract": {"#),
        Canned::reply(r#"{"name": "t", "code_contract": {"outputs": {}}}"#),
    ]);
    let opts = AuthorOptions {
        structured: true,
        ..AuthorOptions::default()
    };
    let d = spec_run(&server, INTENT, &Recorder::new(), &opts).unwrap();
    assert_eq!(d.text, "name: t\ncode_contract:\n  outputs: {}\n");
    let bodies = server.bodies();
    assert_eq!(bodies[1]["response_format"], bodies[0]["response_format"]);
    let fix = last_user(&bodies[1]);
    assert!(fix.contains("no JSON object"), "{fix}");
    assert!(d.attempts[0].extracted.is_none());
}

#[test]
fn no_block_is_repaired_then_reported() {
    // First: prose only, then a valid answer.
    let server = TestServer::start(vec![
        Canned::reply("I am sorry, I cannot write specs."),
        Canned::reply(&yaml_reply(VALID_SPEC)),
    ]);
    let d = spec_run(&server, INTENT, &Recorder::new(), &AuthorOptions::default()).unwrap();
    assert_eq!(d.attempts.len(), 2);
    let bodies = server.bodies();
    let repair = messages(&bodies[1]);
    assert_eq!(repair[2].1, "I am sorry, I cannot write specs.");
    assert!(repair[3].1.contains("no ```yaml block"), "{}", repair[3].1);

    // Prose only, twice: NoBlock for attempt 2, with both exchanges.
    let server = TestServer::start(vec![Canned::reply("No.")]);
    let rec = Recorder::new();
    let err = spec_run(&server, INTENT, &rec, &AuthorOptions::default()).unwrap_err();
    match &err {
        AuthorError::NoBlock {
            attempt, attempts, ..
        } => assert_eq!((*attempt, attempts.len()), (2, 2)),
        e => panic!("expected NoBlock, got {e:?}"),
    }
    assert!(rec.calls().is_empty(), "nothing to validate");
    assert!(err.to_string().contains("no ```yaml block"), "{err}");
}

#[test]
fn truncated_reply_surfaces_as_the_llm_error() {
    let partial = "```yaml\nname: tickets\ncode_con";
    let server = TestServer::start(vec![Canned::finished(partial, "length")]);
    let err = spec_run(&server, INTENT, &Recorder::new(), &AuthorOptions::default()).unwrap_err();
    assert_eq!(server.hits(), 1, "a truncated answer is not repaired");
    match &err {
        AuthorError::Llm {
            source:
                LlmError::Truncated {
                    partial: p,
                    max_tokens,
                },
            attempts,
        } => {
            assert_eq!((p.as_str(), *max_tokens), (partial, 777));
            assert!(attempts.is_empty());
        }
        e => panic!("expected Llm(Truncated), got {e:?}"),
    }
    assert!(err.to_string().contains("cut off at max_tokens = 777"));

    // Truncated on the repair round: the first exchange is kept.
    let server = TestServer::start(vec![
        Canned::reply(&yaml_reply(INVALID_SPEC)),
        Canned::finished(partial, "length"),
    ]);
    let err = spec_run(&server, INTENT, &Recorder::new(), &AuthorOptions::default()).unwrap_err();
    assert!(matches!(
        err,
        AuthorError::Llm {
            source: LlmError::Truncated { .. },
            ..
        }
    ));
    assert_eq!(err.attempts().len(), 1);
}

#[test]
fn unreachable_server_is_an_llm_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = LlmClient::new(LlmConfig {
        base_url: format!("http://127.0.0.1:{port}"),
        retries: 0,
        ..LlmConfig::default()
    })
    .unwrap();
    let schema = toy_schema();
    let tools = SpecTools {
        schema: &schema,
        validate: &|_| Ok(()),
        examples: &[],
    };
    let err = draft_spec(&client, INTENT, &tools, &AuthorOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            AuthorError::Llm {
                source: LlmError::Unreachable { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn empty_or_oversized_inputs_are_refused_before_any_request() {
    let server = TestServer::start(vec![Canned::reply(&yaml_reply(VALID_SPEC))]);
    let rec = Recorder::new();
    let opts = AuthorOptions::default();
    assert!(matches!(
        spec_run(&server, " \n\t", &rec, &opts),
        Err(AuthorError::EmptyIntent)
    ));
    let long = "x".repeat(MAX_INTENT_BYTES + 1);
    match spec_run(&server, &long, &rec, &opts) {
        Err(AuthorError::IntentTooLong { bytes, limit }) => {
            assert_eq!((bytes, limit), (MAX_INTENT_BYTES + 1, MAX_INTENT_BYTES))
        }
        other => panic!("{other:?}"),
    }
    // Exactly at the limit is fine.
    let at_limit = "y".repeat(MAX_INTENT_BYTES);
    assert!(spec_run(&server, &at_limit, &rec, &opts).is_ok());
    let check = |_: &str| Ok(());
    let tools = CodeTools { check: &check };
    let c = server.client();
    assert!(matches!(
        draft_code(&c, "", "f", &tools, &opts),
        Err(AuthorError::EmptyInput { what: "spec" })
    ));
    assert!(matches!(
        revise_code(&c, VALID_SPEC, "  ", &json!([]), &tools, &opts),
        Err(AuthorError::EmptyInput { what: "code" })
    ));
    assert_eq!(server.hits(), 1);
}

// ---------------------------------------------------------------------------------------------
// Code drafting and revision.

const GOOD_CODE: &str = "import numpy as np\n\n\ndef generate_data(num_samples, seed):\n    \
                         rng = np.random.default_rng(seed)\n    return rng.poisson(3.0, num_samples)\n";
const BAD_CODE: &str = "import numpy as np\n\ndef generate_data(num_samples, seed):\n    \
                        print('hi')\n    return np.zeros(num_samples)\n";

fn python_reply(code: &str) -> String {
    format!("Here is the generator.\n\n```python\n{code}```\n\nThe rng is seeded, as required.")
}

#[test]
fn code_reply_with_prose_around_the_fence() {
    let server = TestServer::start(vec![Canned::reply(&python_reply(GOOD_CODE))]);
    let rec = Recorder::new();
    let check = |c: &str| rec.check_code(c);
    let tools = CodeTools { check: &check };
    let d = draft_code(
        &server.client(),
        VALID_SPEC,
        "generate_data",
        &tools,
        &AuthorOptions::default(),
    )
    .unwrap();
    assert_eq!(d.text, GOOD_CODE);
    assert_eq!(rec.calls(), vec![GOOD_CODE.to_string()]);
    let body = &server.bodies()[0];
    assert!(body.get("response_format").is_none());
    let m = messages(body);
    assert!(m[0].1.contains("`def generate_data(num_samples, seed):`"));
    assert!(m[1].1.contains(VALID_SPEC));
}

#[test]
fn code_failing_the_check_is_repaired_with_the_violations() {
    let server = TestServer::start(vec![
        Canned::reply(&python_reply(BAD_CODE)),
        Canned::reply(&python_reply(GOOD_CODE)),
    ]);
    let rec = Recorder::new();
    let check = |c: &str| rec.check_code(c);
    let tools = CodeTools { check: &check };
    let d = draft_code(
        &server.client(),
        VALID_SPEC,
        "generate_data",
        &tools,
        &AuthorOptions::default(),
    )
    .unwrap();
    assert_eq!(d.text, GOOD_CODE);
    assert_eq!(d.attempts.len(), 2);
    let repair = messages(&server.bodies()[1]);
    assert_eq!(
        repair[2],
        ("assistant".into(), format!("```python\n{BAD_CODE}```"))
    );
    assert!(repair[3]
        .1
        .contains("The code checker found these problems"));
    assert!(repair[3]
        .1
        .contains("error[no-printing]: call to `print` is forbidden"));
    assert!(repair[3].1.contains("```python"));
}

#[test]
fn revise_code_sends_spec_code_and_violations() {
    let violations = json!([{"requirement": "moments", "column": "tickets",
                            "expected": {"mean": 3.0}, "observed": {"mean": 4.1}}]);
    let server = TestServer::start(vec![Canned::reply(&python_reply(GOOD_CODE))]);
    let check = |_: &str| Ok(());
    let d = revise_code(
        &server.client(),
        VALID_SPEC,
        BAD_CODE,
        &violations,
        &CodeTools { check: &check },
        &AuthorOptions::default(),
    )
    .unwrap();
    assert_eq!(d.text, GOOD_CODE);
    assert_eq!(d.attempts[0].kind, AttemptKind::Revise);
    let user = last_user(&server.bodies()[0]);
    assert!(user.contains(VALID_SPEC) && user.contains(BAD_CODE));
    assert!(user.contains("\"observed\": {\n"), "{user}");
    assert!(user.contains("\"mean\": 4.1"));
}

#[test]
fn everything_sent_is_bounded() {
    let server = TestServer::start(vec![Canned::reply(&python_reply(BAD_CODE))]);
    let huge_spec = "# filler\n".repeat(MAX_SPEC_BYTES / 4);
    let huge_code = "x = 1\n".repeat(MAX_CODE_BYTES / 2);
    let huge_violations = json!(vec!["violation text"; MAX_PROBLEMS_BYTES]);
    let huge_problems = "problem\n".repeat(MAX_PROBLEMS_BYTES);
    let check = |_: &str| Err(huge_problems.clone());
    let err = revise_code(
        &server.client(),
        &huge_spec,
        &huge_code,
        &huge_violations,
        &CodeTools { check: &check },
        &AuthorOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, AuthorError::StillInvalid { .. }));
    let bodies = server.bodies();
    let first = last_user(&bodies[0]);
    let limit = MAX_SPEC_BYTES + MAX_CODE_BYTES + MAX_PROBLEMS_BYTES + 4096;
    assert!(first.len() < limit, "{}", first.len());
    assert_eq!(first.matches("[... truncated: ").count(), 3);
    let fix = last_user(&bodies[1]);
    assert!(fix.len() < MAX_PROBLEMS_BYTES + 1024, "{}", fix.len());
    assert!(fix.contains("of the problems not shown"));
}

#[test]
fn hostile_replies_never_panic() {
    let replies = [
        "",
        "```",
        "```yaml",
        "```yaml\n```",
        "~~~~\n\u{0}\u{1}\n",
        "{\"a\": [1, 2",
        "{\"a\": 1e999}",
        "[]",
        "null",
        "```json\n\"just a string\"\n```",
        "\u{feff}\u{2028}é```python\ndef f(:\n```",
    ];
    for structured in [false, true] {
        for r in replies {
            let server = TestServer::start(vec![Canned::reply(r)]);
            let opts = AuthorOptions {
                structured,
                repair_rounds: 0,
            };
            let rec = Recorder::new();
            let _ = spec_run(&server, INTENT, &rec, &opts);
            let check = |c: &str| rec.check_code(c);
            let _ = draft_code(
                &server.client(),
                VALID_SPEC,
                "f",
                &CodeTools { check: &check },
                &opts,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON → YAML emitter, round-tripped through a real YAML parser.

#[test]
fn yaml_emitter_round_trips_tricky_values() {
    let tricky = [
        "",
        " ",
        "true",
        "True",
        "FALSE",
        "null",
        "Null",
        "~",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "n",
        "0",
        "12",
        "-7",
        "+3",
        "1.5",
        "1e3",
        ".5",
        ".inf",
        "-.inf",
        ".NaN",
        "0x1F",
        "0o17",
        "1_000",
        "2024-01-01",
        "12:30",
        "- item",
        "-",
        "?",
        "? q",
        ":",
        ": x",
        ",",
        "[a]",
        "{b}",
        "#c",
        "&anchor",
        "*alias",
        "!tag",
        "!!str",
        "|",
        ">",
        "'single'",
        "\"double\"",
        "%YAML",
        "@at",
        "`tick`",
        "a: b",
        "a:b",
        "a #b",
        "a#b",
        "ends:",
        " lead",
        "trail ",
        "two\nlines",
        "\n",
        "tab\there",
        "cr\rlf",
        "back\\slash",
        "bell\u{7}",
        "del\u{7f}",
        "nel\u{85}",
        "ls\u{2028}",
        "nbsp\u{a0}x",
        "bom\u{feff}",
        "café ünïcödé 中文 🎲",
        "<<",
        "=",
        "---",
        "...",
        "a - b",
        "it's",
        "say \"hi\"",
        "numpy.random.default_rng(seed)",
        "x, y",
        "k: {v}",
    ];
    let mut obj = serde_json::Map::new();
    for (i, s) in tricky.iter().enumerate() {
        obj.insert(format!("k{i}"), json!(s));
        obj.insert((*s).to_string(), json!(i));
    }
    let doc = json!({
        "strings": tricky.to_vec(),
        "as_keys_and_values": obj,
        "numbers": [0, -1, 1.5, -2.25, 1e-7, 1e300, 2.0, 18446744073709551615u64,
                    -9223372036854775808i64, 0.1, 123456.789],
        "nested": [[[]], [{}], [[1, [2, {"a": [3]}]]], {"x": [{"y": {"z": []}}]}],
        "empty_string_key": {"": ""},
        "long_key": {"k".repeat(2000): "v", "é".repeat(1001): {"a": 1}},
        "long_key_in_seq": [{"q".repeat(1500): [1]}],
        "bools": [true, false, null]
    });
    let yaml_text = yaml::to_yaml(&doc);
    let back: Value = serde_yaml_ng::from_str(&yaml_text)
        .unwrap_or_else(|e| panic!("emitted YAML does not parse: {e}\n{yaml_text}"));
    // to_string compares key order too (preserve_order).
    assert_eq!(back.to_string(), doc.to_string(), "\n{yaml_text}");
    // The compact form (`sdg spec fmt`, the LLM's example: flow lists and maps where they fit)
    // reads back the same, with serde_yaml_ng and with sdg's own spec reader.
    let compact = yaml::to_yaml_compact(&doc);
    assert!(compact.contains(", ") && compact != yaml_text, "{compact}");
    let back: Value = serde_yaml_ng::from_str(&compact)
        .unwrap_or_else(|e| panic!("compact YAML does not parse: {e}\n{compact}"));
    assert_eq!(back.to_string(), doc.to_string(), "\n{compact}");
    let tree = sdg::spec::yaml::parse(&compact).unwrap();
    let ours = sdg::spec::tree_to_json(&tree).unwrap();
    assert_eq!(ours.to_string(), doc.to_string(), "\n{compact}");
    for top in [
        json!("true"),
        json!(""),
        json!(3),
        json!(null),
        json!([]),
        json!({}),
        json!("a\nb"),
    ] {
        let back: Value = serde_yaml_ng::from_str(&yaml::to_yaml(&top)).unwrap();
        assert_eq!(back, top);
    }
}

#[test]
fn yaml_emitter_is_deterministic_and_block_style() {
    let v = json!({"b": 1, "a": {"c": [1, 2]}});
    let y = yaml::to_yaml(&v);
    assert_eq!(y, "b: 1\na:\n  c:\n    - 1\n    - 2\n");
    assert_eq!(y, yaml::to_yaml(&v));
}

// ---------------------------------------------------------------------------------------------
// Against a real llama.cpp server (tests/llm/serve.sh), SmolLM2-135M: plumbing, not content.

fn real_client(url: &str, max_tokens: u32) -> LlmClient {
    LlmClient::new(LlmConfig {
        base_url: url.to_string(),
        model: "smollm2".into(),
        temperature: 0.0,
        seed: Some(42),
        max_tokens,
        timeout: Duration::from_secs(300),
        retries: 0,
        ..LlmConfig::default()
    })
    .unwrap()
}

/// A trimmed spec schema: `name` and `code_contract.function.{name, outputs}`, tight enough that
/// a grammar-constrained answer stays short.
fn mini_schema() -> Value {
    let ident = json!({"type": "string", "pattern": "^[a-z][a-z0-9_]{0,23}$"});
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["name", "code_contract"],
        "properties": {
            "name": ident,
            "code_contract": {
                "type": "object", "additionalProperties": false, "required": ["function"],
                "properties": {"function": {
                    "type": "object", "additionalProperties": false,
                    "required": ["name", "outputs"],
                    "properties": {
                        "name": ident,
                        "outputs": {
                            "type": "object", "minProperties": 1, "maxProperties": 2,
                            "additionalProperties": {
                                "type": "object", "additionalProperties": false,
                                "required": ["dtype"],
                                "properties": {"dtype": {"enum": ["float64", "int64", "bool"]}}
                            }
                        }
                    }
                }}
            }
        }
    })
}

/// A few-shot example for the real tests.
const COINS: (&str, &str) = (
    "coin flips",
    "name: coins\ncode_contract:\n  function:\n    name: generate_data\n    outputs:\n      \
     heads:\n        dtype: bool\n",
);

/// The minimal validator: the YAML parses and has `name` and `code_contract.function.{name,
/// outputs}` with at least one output.
fn mini_validate(yaml_text: &str) -> Result<(), String> {
    let v: Value = serde_yaml_ng::from_str(yaml_text).map_err(|e| format!("error: {e}"))?;
    let f = &v["code_contract"]["function"];
    let mut errors = Vec::new();
    if !v["name"].is_string() {
        errors.push("error: `name` must be a string");
    }
    if !f["name"].is_string() {
        errors.push("error: `code_contract.function.name` must be a string");
    }
    if f["outputs"].as_object().is_none_or(|o| o.is_empty()) {
        errors.push("error: `code_contract.function.outputs` needs at least one output");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_structured_spec_draft_is_json_converted_to_valid_yaml() {
    let url = server_url();
    let schema = mini_schema();
    let calls = RefCell::new(Vec::<String>::new());
    let validate = |y: &str| {
        calls.borrow_mut().push(y.to_string());
        mini_validate(y)
    };
    let tools = SpecTools {
        schema: &schema,
        validate: &validate,
        examples: &[COINS],
    };
    let opts = AuthorOptions {
        structured: true,
        ..AuthorOptions::default()
    };
    let t = Instant::now();
    let d = draft_spec(&real_client(&url, 256), INTENT, &tools, &opts)
        .unwrap_or_else(|e| panic!("{e}\nattempts: {:#?}", e.attempts()));
    let u = &d.attempts.last().unwrap().completion.usage;
    eprintln!(
        "real structured spec in {:?} ({} attempt(s), prompt {:?} / completion {:?} tokens):\n{}",
        t.elapsed(),
        d.attempts.len(),
        u.prompt_tokens,
        u.completion_tokens,
        d.text
    );
    // The server answered JSON (its grammar), which became YAML that says the same thing.
    let last = d.attempts.last().unwrap();
    let reply: Value = serde_json::from_str(last.completion.content.trim()).expect("JSON reply");
    let back: Value = serde_yaml_ng::from_str(&d.text).expect("YAML text");
    assert_eq!(back.to_string(), reply.to_string());
    assert_eq!(
        calls.borrow().last(),
        Some(&d.text),
        "the validator saw the YAML"
    );
    assert_eq!(calls.borrow().len(), d.attempts.len());
    assert!(!last.sent[0].content.contains("maxProperties"));
}

/// Whatever a tiny model answers, the record is consistent: every extracted candidate was
/// checked once, failed attempts carry problems and the next request quotes them.
fn assert_consistent(result: &Result<Drafted, AuthorError>, checked: &[String]) {
    let attempts = match result {
        Ok(d) => &d.attempts,
        Err(e @ AuthorError::Llm { source, .. }) => {
            assert!(
                matches!(source, LlmError::Truncated { .. }),
                "unexpected: {e}"
            );
            e.attempts()
        }
        Err(e) => e.attempts(),
    };
    let extracted: Vec<String> = attempts
        .iter()
        .filter_map(|a| a.extracted.clone())
        .collect();
    assert_eq!(
        extracted, checked,
        "each candidate checked exactly once, in order"
    );
    for pair in attempts.windows(2) {
        let problems = pair[0]
            .problems
            .as_deref()
            .expect("a repaired attempt had problems");
        let repair = &pair[1].sent.last().unwrap().content;
        assert!(
            repair.contains(problems.lines().next().unwrap_or_default()),
            "{repair}"
        );
        assert_eq!(pair[1].kind, AttemptKind::Repair);
    }
    if let Ok(d) = result {
        assert_eq!(d.attempts.last().unwrap().problems, None);
    }
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_yaml_spec_draft_plumbing() {
    let url = server_url();
    let schema = mini_schema();
    let calls = RefCell::new(Vec::<String>::new());
    let validate = |y: &str| {
        calls.borrow_mut().push(y.to_string());
        mini_validate(y)
    };
    let tools = SpecTools {
        schema: &schema,
        validate: &validate,
        examples: &[COINS],
    };
    let t = Instant::now();
    let r = draft_spec(
        &real_client(&url, 160),
        INTENT,
        &tools,
        &AuthorOptions::default(),
    );
    eprintln!(
        "real yaml spec in {:?}: {}",
        t.elapsed(),
        match &r {
            Ok(d) => format!("ok after {} attempt(s):\n{}", d.attempts.len(), d.text),
            Err(
                e @ AuthorError::Llm {
                    source: LlmError::Truncated { partial, .. },
                    ..
                },
            ) => format!(
                "{e} ({} attempt(s) recorded)\npartial: {partial}",
                e.attempts().len()
            ),
            Err(e) => format!("{e} ({} attempt(s) recorded)", e.attempts().len()),
        }
    );
    assert_consistent(&r, &calls.borrow());
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_code_draft_plumbing() {
    let url = server_url();
    let calls = RefCell::new(Vec::<String>::new());
    let check = |c: &str| {
        calls.borrow_mut().push(c.to_string());
        if c.contains("def generate_data(") && c.contains("default_rng(") {
            Ok(())
        } else {
            Err(
                "code.py:1:1: error[contract]: define `generate_data` and use \
                 `np.random.default_rng(seed)`"
                    .to_string(),
            )
        }
    };
    let t = Instant::now();
    let r = draft_code(
        &real_client(&url, 160),
        VALID_SPEC,
        "generate_data",
        &CodeTools { check: &check },
        &AuthorOptions::default(),
    );
    eprintln!(
        "real code in {:?}: {}",
        t.elapsed(),
        match &r {
            Ok(d) => format!("ok after {} attempt(s):\n{}", d.attempts.len(), d.text),
            Err(
                e @ AuthorError::Llm {
                    source: LlmError::Truncated { partial, .. },
                    ..
                },
            ) => format!(
                "{e} ({} attempt(s) recorded)\npartial: {partial}",
                e.attempts().len()
            ),
            Err(e) => format!("{e} ({} attempt(s) recorded)", e.attempts().len()),
        }
    );
    assert_consistent(&r, &calls.borrow());
}

#[test]
fn yaml_mode_accepts_a_json_block_as_yaml() {
    let reply = "Here you go:\n```json\n{\"name\": \"t\", \"code_contract\": {\"outputs\": {\"x\": {}}}}\n```";
    let server = TestServer::start(vec![Canned::reply(reply)]);
    let rec = Recorder::new();
    let d = spec_run(&server, INTENT, &rec, &AuthorOptions::default()).unwrap();
    assert_eq!(d.text, "name: t\ncode_contract:\n  outputs:\n    x: {}\n");
    assert_eq!(rec.calls(), vec![d.text.clone()]);
    // Pretty-printed JSON has `"key": value` lines that look like YAML to the whole-reply
    // heuristic; the fenced JSON still wins.
    let pretty = serde_json::to_string_pretty(&json!({"name": "t",
        "code_contract": {"outputs": {"x": {}}}}))
    .unwrap();
    let server = TestServer::start(vec![Canned::reply(&format!(
        "JSON:\n```json\n{pretty}\n```\n"
    ))]);
    let d = spec_run(&server, INTENT, &Recorder::new(), &AuthorOptions::default()).unwrap();
    assert_eq!(d.text, "name: t\ncode_contract:\n  outputs:\n    x: {}\n");
}

#[test]
fn function_name_must_be_an_identifier() {
    let server = TestServer::start(vec![Canned::reply(&python_reply(GOOD_CODE))]);
    let check = |_: &str| Ok(());
    let tools = CodeTools { check: &check };
    for bad in [
        "",
        "1st",
        "generate data",
        "f()",
        "é",
        &"x".repeat(65),
        "class",
        "lambda",
        "None",
    ] {
        let r = draft_code(
            &server.client(),
            VALID_SPEC,
            bad,
            &tools,
            &AuthorOptions::default(),
        );
        assert!(
            matches!(r, Err(AuthorError::BadFunctionName { .. })),
            "{bad:?}: {r:?}"
        );
    }
    assert_eq!(server.hits(), 0);
    let ok = draft_code(
        &server.client(),
        VALID_SPEC,
        "_gen2",
        &tools,
        &AuthorOptions::default(),
    );
    assert!(ok.is_ok());
}

#[test]
#[ignore = "needs a real LLM server: bash tests/llm/serve.sh"]
fn real_revise_code_plumbing() {
    let url = server_url();
    let calls = RefCell::new(Vec::<String>::new());
    let check = |c: &str| {
        calls.borrow_mut().push(c.to_string());
        if c.contains("print(") {
            Err("code.py:4:5: error[no-printing]: call to `print` is forbidden".to_string())
        } else {
            Ok(())
        }
    };
    let violations = json!([{"requirement": "moments", "column": "tickets",
                            "expected": {"mean": 3.0}, "observed": {"mean": 0.0}}]);
    let t = Instant::now();
    let r = revise_code(
        &real_client(&url, 160),
        VALID_SPEC,
        BAD_CODE,
        &violations,
        &CodeTools { check: &check },
        &AuthorOptions {
            repair_rounds: 0,
            ..AuthorOptions::default()
        },
    );
    eprintln!(
        "real revise in {:?}: {}",
        t.elapsed(),
        match &r {
            Ok(d) => format!("ok:\n{}", d.text),
            Err(e) => format!("{e} ({} attempt(s) recorded)", e.attempts().len()),
        }
    );
    assert_consistent(&r, &calls.borrow());
    let attempts = match &r {
        Ok(d) => &d.attempts[..],
        Err(e) => e.attempts(),
    };
    if let Some(first) = attempts.first() {
        assert_eq!(first.kind, AttemptKind::Revise);
        assert!(first.sent[1].content.contains("\"observed\""));
    }
}
