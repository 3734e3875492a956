//! What the caller lends the authoring loop: the spec's JSON Schema and validator, the code
//! checker, few-shot examples ([`SpecTools`], [`CodeTools`]), and the loop's knobs
//! ([`AuthorOptions`]). Taking these as inputs keeps `author` a leaf over `llm`.

/// The spec side: schema, validator, examples.
pub struct SpecTools<'a> {
    /// The spec's JSON Schema (`sdg spec schema`): outlined in the prompt (YAML mode), or sent
    /// as `response_format` in structured mode (and then not pasted into the prompt).
    pub schema: &'a serde_json::Value,
    /// Validates a spec's YAML text; `Err` holds the rendered diagnostics (compiler-style text),
    /// which are fed back to the model in a repair round.
    pub validate: &'a dyn Fn(&str) -> Result<(), String>,
    /// `(intent, spec YAML)` pairs shown to the model as examples; may be empty.
    pub examples: &'a [(&'a str, &'a str)],
}

/// The code side: the static checker.
pub struct CodeTools<'a> {
    /// Statically checks Python source (AST rules); `Err` holds the rendered violations.
    pub check: &'a dyn Fn(&str) -> Result<(), String>,
}

/// Knobs of the authoring loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorOptions {
    /// Repair rounds after a first answer that fails validation (default 1: at most 2 requests).
    pub repair_rounds: u32,
    /// Ask for the spec as JSON and send the schema as `response_format` (constrained decoding;
    /// Ollama, vLLM and llama.cpp's server support it). The JSON is converted to YAML here.
    /// Off (default): ask for one ```yaml block and send no `response_format`.
    pub structured: bool,
}

impl Default for AuthorOptions {
    fn default() -> Self {
        AuthorOptions {
            repair_rounds: 1,
            structured: false,
        }
    }
}
