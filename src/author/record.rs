//! The record of an authoring run: every exchange with the model ([`Attempt`]) and the result
//! ([`Drafted`]). All of it serialises, so the caller can store it with the experiment.

use serde::Serialize;

use crate::llm::{Completion, Message};

/// Why a request was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptKind {
    /// The first spec or code request.
    Draft,
    /// A code revision from validation violations (`sdg iterate`).
    Revise,
    /// A repair round after the previous answer failed validation or had no block.
    Repair,
}

/// One request and its answer.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub kind: AttemptKind,
    /// The messages sent (already bounded).
    pub sent: Vec<Message>,
    /// The model's answer, with model, usage, sampling and timing.
    pub completion: Completion,
    /// What was taken from the answer: the spec YAML (converted from JSON in structured mode)
    /// or the code. `None` when nothing could be extracted.
    pub extracted: Option<String>,
    /// Why the answer was not accepted (validator / checker output, or "no block", or a JSON
    /// parse error). `None` for the accepted answer.
    pub problems: Option<String>,
}

/// An accepted answer and how it was reached.
#[derive(Clone, Debug, Serialize)]
pub struct Drafted {
    /// The final text: spec YAML, or Python code. Ends with a newline.
    pub text: String,
    /// Every exchange, in order; the last one is the accepted answer.
    pub attempts: Vec<Attempt>,
}
