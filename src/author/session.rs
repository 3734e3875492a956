//! The authoring loop: send a request, take the block out of the answer, check it, and on
//! failure run up to `repair_rounds` repair requests that show the model its answer and the
//! problems. Every exchange is kept ([`Attempt`]) whether the run succeeds or not.

use serde_json::Value;

use super::error::AuthorError;
use super::limits::MAX_INTENT_BYTES;
use super::prompt::{self, Target};
use super::record::{Attempt, AttemptKind, Drafted};
use super::tools::{AuthorOptions, CodeTools, SpecTools};
use super::yaml;
use crate::llm::extract::{self, Source};
use crate::llm::{JsonSchemaFormat, LlmClient, Message};

/// Name under which the spec schema is sent as `response_format`.
pub const SPEC_SCHEMA_NAME: &str = "sdg_spec";

/// Intent → spec YAML, validated by `tools.validate`.
pub fn draft_spec(
    client: &LlmClient,
    intent: &str,
    tools: &SpecTools,
    opts: &AuthorOptions,
) -> Result<Drafted, AuthorError> {
    if intent.trim().is_empty() {
        return Err(AuthorError::EmptyIntent);
    }
    if intent.len() > MAX_INTENT_BYTES {
        return Err(AuthorError::IntentTooLong {
            bytes: intent.len(),
            limit: MAX_INTENT_BYTES,
        });
    }
    let (target, format) = if opts.structured {
        let f = JsonSchemaFormat::strict(SPEC_SCHEMA_NAME, tools.schema.clone());
        (Target::SpecJson, Some(f))
    } else {
        (Target::SpecYaml, None)
    };
    let job = Job {
        target,
        format,
        base: prompt::spec_messages(intent, tools, opts.structured),
        first: AttemptKind::Draft,
        check: tools.validate,
        checker: "The spec validator",
    };
    job.run(client, opts)
}

/// Spec → Python code defining `function_name`, checked by `tools.check`.
pub fn draft_code(
    client: &LlmClient,
    spec_yaml: &str,
    function_name: &str,
    tools: &CodeTools,
    opts: &AuthorOptions,
) -> Result<Drafted, AuthorError> {
    non_empty(spec_yaml, "spec")?;
    if !crate::ident::is_identifier(function_name) {
        let name: String = function_name.chars().take(80).collect();
        return Err(AuthorError::BadFunctionName { name });
    }
    let job = Job {
        target: Target::Code,
        format: None,
        base: prompt::code_messages(spec_yaml, function_name),
        first: AttemptKind::Draft,
        check: tools.check,
        checker: "The code checker",
    };
    job.run(client, opts)
}

/// `sdg iterate`: spec + current code + the validation report's violations → corrected code,
/// checked by `tools.check` (with repair rounds like [`draft_code`]).
pub fn revise_code(
    client: &LlmClient,
    spec_yaml: &str,
    code: &str,
    violations: &Value,
    tools: &CodeTools,
    opts: &AuthorOptions,
) -> Result<Drafted, AuthorError> {
    non_empty(spec_yaml, "spec")?;
    non_empty(code, "code")?;
    let job = Job {
        target: Target::Code,
        format: None,
        base: prompt::revise_messages(spec_yaml, code, violations),
        first: AttemptKind::Revise,
        check: tools.check,
        checker: "The code checker",
    };
    job.run(client, opts)
}

fn non_empty(text: &str, what: &'static str) -> Result<(), AuthorError> {
    if text.trim().is_empty() {
        Err(AuthorError::EmptyInput { what })
    } else {
        Ok(())
    }
}

/// One authoring run's fixed parts.
struct Job<'a> {
    target: Target,
    format: Option<JsonSchemaFormat>,
    base: Vec<Message>,
    first: AttemptKind,
    check: &'a dyn Fn(&str) -> Result<(), String>,
    /// Who reports problems, for the repair prompt ("The spec validator").
    checker: &'static str,
}

/// What one answer yielded.
struct Outcome {
    /// The candidate text (YAML or code), if one was found.
    extracted: Option<String>,
    /// The answer as echoed back in a repair round: the block alone, or the raw reply.
    echo: String,
    /// Why it was not accepted.
    problems: Option<String>,
    /// Set when nothing could be extracted: what the reply held instead.
    no_block: Option<String>,
}

impl Job<'_> {
    fn run(self, client: &LlmClient, opts: &AuthorOptions) -> Result<Drafted, AuthorError> {
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut sent = self.base.clone();
        let mut kind = self.first;
        loop {
            let completion = match client.complete(&sent, self.format.as_ref()) {
                Ok(c) => c,
                Err(source) => return Err(AuthorError::Llm { source, attempts }),
            };
            let outcome = self.evaluate(&completion.content);
            attempts.push(Attempt {
                kind,
                sent: std::mem::take(&mut sent),
                completion,
                extracted: outcome.extracted.clone(),
                problems: outcome.problems.clone(),
            });
            let Some(problems) = outcome.problems else {
                let text = outcome.extracted.unwrap_or_default();
                return Ok(Drafted { text, attempts });
            };
            let repairs_done = attempts.len() - 1;
            if repairs_done >= opts.repair_rounds as usize {
                return Err(match outcome.no_block {
                    Some(found) => AuthorError::NoBlock {
                        attempt: attempts.len(),
                        wanted: self.wanted(),
                        found,
                        attempts,
                    },
                    None => AuthorError::StillInvalid {
                        what: self.target.what(),
                        attempts,
                        last_problems: problems,
                    },
                });
            }
            sent = prompt::repair_messages(
                &self.base,
                &outcome.echo,
                &problems,
                self.checker,
                self.target,
            );
            kind = AttemptKind::Repair;
        }
    }

    fn wanted(&self) -> &'static str {
        match self.target {
            Target::SpecYaml => "```yaml block",
            Target::SpecJson => "JSON object",
            Target::Code => "```python block",
        }
    }

    /// Extract, convert (JSON → YAML), check. Never panics on any reply.
    fn evaluate(&self, reply: &str) -> Outcome {
        if self.target == Target::SpecYaml {
            if let Some(outcome) = self.json_instead_of_yaml(reply) {
                return outcome;
            }
        }
        let found = match self.target {
            Target::SpecYaml => extract::yaml(reply),
            Target::SpecJson => extract::json(reply),
            Target::Code => extract::python(reply),
        };
        let block = match found {
            Ok(b) => b.text,
            Err(e) => {
                return Outcome {
                    extracted: None,
                    echo: reply.to_string(),
                    problems: Some(format!(
                        "Your answer contained no {}: {}.",
                        self.wanted(),
                        e.found
                    )),
                    no_block: Some(e.found),
                }
            }
        };
        let (text, echo) = match self.target {
            Target::SpecJson => match serde_json::from_str::<Value>(&block) {
                Ok(v) => (yaml::to_yaml(&v), block),
                Err(e) => {
                    return Outcome {
                        extracted: Some(block.clone()),
                        echo: block,
                        problems: Some(format!("Your answer is not valid JSON: {e}.")),
                        no_block: None,
                    }
                }
            },
            Target::SpecYaml => (with_newline(block.clone()), prompt::fenced("yaml", &block)),
            Target::Code => (
                with_newline(block.clone()),
                prompt::fenced("python", &block),
            ),
        };
        self.checked(text, echo)
    }

    /// YAML was asked for but the answer holds a JSON object instead (JSON is YAML, but the YAML
    /// extractor does not look inside ```json blocks): take it, written as YAML. Used when no
    /// YAML was found, or only by the whole-reply heuristic while the JSON sits in a fence.
    fn json_instead_of_yaml(&self, reply: &str) -> Option<Outcome> {
        let json = extract::json(reply).ok()?;
        match extract::yaml(reply) {
            Err(_) => {}
            Ok(y) if y.source == Source::Whole && json.source != Source::Whole => {}
            Ok(_) => return None,
        }
        let block = json.text;
        let value: Value = serde_json::from_str(&block).ok()?;
        let text = yaml::to_yaml(&value);
        let echo = prompt::fenced("yaml", &text);
        Some(self.checked(text, echo))
    }

    /// Run the caller's check on a candidate.
    fn checked(&self, text: String, echo: String) -> Outcome {
        let problems = (self.check)(&text).err().map(|p| {
            if p.trim().is_empty() {
                "(the checker reported a failure without details)".to_string()
            } else {
                p
            }
        });
        Outcome {
            extracted: Some(text),
            echo,
            problems,
            no_block: None,
        }
    }
}

fn with_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
