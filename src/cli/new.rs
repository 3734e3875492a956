//! `sdg new "INTENT" [--name N] [--dir D]`: the LLM drafts a spec and its code; both are
//! validated/checked, written as `D/N.yaml` + `D/N.py`, and shown for review. While the model
//! answers, its progress is shown on stderr ([`show_llm_progress`], also used by `sdg iterate`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use clap::Args;

use super::llm_args::LlmArgs;
use crate::pipeline::authoring::{self, AuthoringError};
use crate::pipeline::stages::StreamProgress;
use crate::untrusted;

/// How often the progress line is redrawn on a terminal.
const TTY_EVERY: Duration = Duration::from_millis(250);
/// How often a progress line is printed when stderr is not a terminal (a log, CI).
const PLAIN_EVERY: Duration = Duration::from_secs(15);
/// How much of the end of the answer the terminal line shows.
const TAIL_CHARS: usize = 48;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What the dataset should be, in plain words.
    intent: String,
    /// The spec's name (file names NAME.yaml, NAME.py) [default: derived from the intent].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Where to write the files.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Replace existing files of that name.
    #[arg(long)]
    force: bool,
    /// Do not print the spec and code (only where they were written).
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    llm: LlmArgs,
}

pub fn run(a: NewArgs) -> u8 {
    let client = match a.llm.client() {
        Ok(c) => c.with_progress(show_llm_progress()),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut progress = |l: &str| super::progress(l);
    let out = match authoring::new_spec(
        &client,
        &a.intent,
        a.name.as_deref(),
        &a.dir,
        a.force,
        &a.llm.author(),
        &mut progress,
    ) {
        Ok(o) => o,
        Err(e) => {
            super::print_chain(&e);
            return match e {
                AuthoringError::Io { .. } | AuthoringError::Approval(_) => 4,
                AuthoringError::Author { ref source, .. }
                    if matches!(source, crate::pipeline::stages::AuthorError::Llm { .. }) =>
                {
                    3
                }
                _ => 2,
            };
        }
    };
    if !a.quiet {
        // Both came from the model: escaped for the terminal.
        let (spec, code) = (&out.spec_text, &out.code_text);
        println!(
            "# {}\n{}",
            out.spec_path.display(),
            untrusted::terminal(spec)
        );
        println!(
            "# {}\n{}",
            out.code_path.display(),
            untrusted::terminal(code)
        );
    }
    eprintln!(
        "sdg: wrote {} and {} ({} spec request(s), {} code request(s))",
        out.spec_path.display(),
        out.code_path.display(),
        out.requests.0,
        out.requests.1
    );
    let spec = out.spec_path.display();
    match &out.violations {
        Some(v) => {
            let v = untrusted::terminal(v);
            eprint!("{v}");
            if !v.ends_with('\n') {
                eprintln!();
            }
            eprintln!(
                "error: the drafted code still breaks the contract; edit {} until `sdg code check {spec}` is clean",
                out.code_path.display()
            );
            2
        }
        None => {
            eprintln!(
                "next: read the code, then `sdg review {spec}`, `sdg approve {spec}`, `sdg run {spec}`"
            );
            0
        }
    }
}

/// An observer for [`crate::llm::LlmClient::with_progress`] that shows a streamed answer on
/// stderr. On a terminal: one line redrawn in place with the token count, the seconds, and the
/// end of the text so far (escaped: the model's text is untrusted). Otherwise one line per
/// [`PLAIN_EVERY`], so a log stays short. Either way a summary line when the answer is complete,
/// with the time to the first token.
pub(super) fn show_llm_progress() -> impl Fn(&StreamProgress<'_>) + Send + Sync + 'static {
    let tty = std::io::stderr().is_terminal();
    let every = if tty { TTY_EVERY } else { PLAIN_EVERY };
    // (elapsed, tokens) when a line was last shown.
    let shown: Mutex<Option<(Duration, u64)>> = Mutex::new(None);
    move |p: &StreamProgress<'_>| {
        let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
        if p.done {
            if tty {
                eprint!("\r\x1b[2K");
            }
            let first = p.first_token.map_or(String::new(), |f| {
                format!(", the first after {:.1} s", f.as_secs_f64())
            });
            eprintln!(
                "sdg: the model answered {} token(s) in {:.1} s{first}",
                p.tokens,
                p.elapsed.as_secs_f64()
            );
            *shown = None;
            return;
        }
        let due = match *shown {
            None => true,
            // Fewer tokens than last time: a new answer (the last one failed).
            Some((at, tokens)) => p.tokens < tokens || p.elapsed.saturating_sub(at) >= every,
        };
        if !due {
            return;
        }
        *shown = Some((p.elapsed, p.tokens));
        if tty {
            let n = p.text.chars().count();
            let tail: String = p.text.chars().skip(n.saturating_sub(TAIL_CHARS)).collect();
            eprint!(
                "\r\x1b[2Ksdg: {} token(s), {:.0} s: {}",
                p.tokens,
                p.elapsed.as_secs_f64(),
                untrusted::terminal_line(&tail)
            );
        } else {
            eprintln!(
                "sdg: the model is answering: {} token(s) after {:.0} s",
                p.tokens,
                p.elapsed.as_secs_f64()
            );
        }
    }
}
