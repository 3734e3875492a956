//! Prints the chat messages `sdg new` sends for an intent, as JSON, for measuring a server's
//! prompt processing (`tests/llm/ttft.py`, figures in BENCHMARKS.md).
//!
//! ```text
//! cargo run --example spec_prompt -- [--structured] [--pasted-schema] "INTENT"
//! ```
//!
//! `--pasted-schema` prints the prompt as sdg sent it before the lean prompt: the same messages
//! with the whole JSON Schema pasted into the system prompt instead of the outline.

use sdg::author::{prompt, SpecTools};

fn main() {
    let mut structured = false;
    let mut pasted = false;
    let mut intent = None;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--structured" => structured = true,
            "--pasted-schema" => pasted = true,
            _ => intent = Some(a),
        }
    }
    let Some(intent) = intent else {
        eprintln!("usage: spec_prompt [--structured] [--pasted-schema] INTENT");
        std::process::exit(2);
    };
    let schema = sdg::pipeline::authoring::llm_schema();
    let example = sdg::pipeline::authoring::llm_example();
    let examples = [(
        "A linear relationship y = 2x + noise, with x uniform on [0, 1] and standard normal noise.",
        example.as_str(),
    )];
    let tools = SpecTools {
        schema: &schema,
        validate: &|_| Ok(()),
        examples: &examples,
    };
    let mut messages = prompt::spec_messages(&intent, &tools, structured);
    if pasted {
        // Before: the rules, the answer format, then the whole schema, then the example.
        let system = &mut messages[0].content;
        let at = system.find("\n\nExamples").unwrap_or(system.len());
        let head = system[..at]
            .split("\n\nThe s")
            .next()
            .unwrap_or_default()
            .to_string();
        let tail = system[at..].to_string();
        *system = format!(
            "{head}\n\nJSON Schema of a spec:\n{}{tail}",
            prompt::fenced("json", &schema.to_string())
        );
    }
    println!(
        "{}",
        serde_json::to_string(&messages).expect("messages serialise")
    );
}
