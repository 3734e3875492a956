//! [`AuthorError`]: why an authoring run produced no accepted answer. Every variant that follows
//! model exchanges carries them (`attempts`), so a failed run can still be recorded.

use super::record::Attempt;
use crate::llm::LlmError;

/// A failed authoring run.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    /// The intent is empty or only whitespace.
    #[error("the intent is empty\nhint: describe the dataset you want in a sentence or two")]
    EmptyIntent,

    /// The intent is longer than [`super::MAX_INTENT_BYTES`].
    #[error(
        "the intent is {bytes} bytes long; the limit is {limit}\n\
         hint: describe the dataset in a few sentences; put details into the spec afterwards"
    )]
    IntentTooLong { bytes: usize, limit: usize },

    /// A spec or code to work from is empty.
    #[error("the {what} to work from is empty")]
    EmptyInput { what: &'static str },

    /// The function name to write is not a Python identifier of at most 64 characters, or is a
    /// keyword.
    #[error("`{name}` is not a usable function name\nhint: use a Python identifier such as `generate_data`")]
    BadFunctionName { name: String },

    /// The LLM request failed (unreachable, HTTP error, truncated answer, ...). `attempts` holds
    /// the exchanges that completed before it.
    #[error("{source}")]
    Llm {
        #[source]
        source: LlmError,
        attempts: Vec<Attempt>,
    },

    /// The last answer (1-based `attempt`) held nothing extractable, even after repair rounds.
    #[error(
        "no {wanted} in the model's answer (attempt {attempt}): {found}\n\
         hint: the model may be too small or the prompt too long for it; try another model"
    )]
    NoBlock {
        attempt: usize,
        wanted: &'static str,
        found: String,
        attempts: Vec<Attempt>,
    },

    /// The last answer still failed validation after the repair rounds.
    #[error(
        "the model's {what} is still invalid after {} attempt(s):\n{last_problems}\n\
         hint: edit it by hand, rephrase the intent, or allow more repair rounds",
        attempts.len()
    )]
    StillInvalid {
        what: &'static str,
        attempts: Vec<Attempt>,
        last_problems: String,
    },
}

impl AuthorError {
    /// The exchanges made before the failure (empty for input errors).
    pub fn attempts(&self) -> &[Attempt] {
        match self {
            AuthorError::Llm { attempts, .. }
            | AuthorError::NoBlock { attempts, .. }
            | AuthorError::StillInvalid { attempts, .. } => attempts,
            _ => &[],
        }
    }
}
