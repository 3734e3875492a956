//! `sdg review SPEC`: what a person needs before approving: the spec's status, the code with
//! line numbers, the code check's findings, the diff since the LLM's draft, and whether the
//! current spec + code are approved by a trusted signature (the same check as `sdg run`).

use std::path::PathBuf;

use clap::Args;

use super::render::print_json;
use super::term::{out, outln};
use crate::pipeline::stages::{
    load_draft, read_spec, unified_diff, verify_trusted, ApprovalStore, ApprovalTrust, Contract,
};
use crate::pipeline::{self, authoring::check_code_text};
use crate::untrusted::{self, terminal_line as line};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The spec (a path, or a name: NAME.yaml or NAME.json, here or in specs/).
    spec: String,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    trust: super::trust_args::TrustArgs,
}

pub fn run(a: ReviewArgs) -> u8 {
    let spec = match super::resolve_spec(&a.spec) {
        Ok(p) => p,
        Err(e) => return e.report(a.json),
    };
    match review(&spec, a.json, &a.trust.options()) {
        Ok(code) => code,
        Err(e) => {
            super::render::print_error(&e, a.json);
            e.exit_code()
        }
    }
}

fn review(
    spec: &PathBuf,
    json: bool,
    trust: &pipeline::TrustOptions,
) -> Result<u8, pipeline::PipelineError> {
    let text = read_spec(spec)?;
    let c = Contract::from_text(&text, spec)?;
    let (code_path, code) = pipeline::read_code(&c, None)?;
    let check = check_code_text(&c, &code);
    let store = ApprovalStore::beside_spec(spec);
    let draft = load_draft(&store, c.name())?;
    let diff = draft.as_ref().map(|d| {
        unified_diff(
            "LLM draft",
            &code_path.display().to_string(),
            &String::from_utf8_lossy(d),
            &code,
            3,
        )
    });
    let approval = verify_trusted(
        &store,
        c.name(),
        text.as_bytes(),
        code.as_bytes(),
        &trust.policy_for_spec(spec),
    );
    if json {
        print_json(&serde_json::json!({
            "spec": spec,
            "name": c.name(),
            "code": code_path,
            "language": c.language(),
            "behavioral_rules": c.behavioral_rules(),
            "notes": c.notes(),
            "check": match &check { Ok(()) => "CLEAN", Err(_) => "VIOLATIONS" },
            "violations": check.as_ref().err(),
            "draft_diff": diff,
            "approved": approval.is_ok(),
            "approval": approval.as_ref().ok(),
            "approval_problem": approval.as_ref().err().map(ToString::to_string),
        }));
    } else {
        outln!(
            "spec: {} (`{}`, valid)",
            line(&spec.display().to_string()),
            line(c.name())
        );
        let rules = c.behavioral_rules();
        if !rules.is_empty() {
            outln!("behavioral rules (from the spec):");
            for r in &rules {
                outln!("  - {}", line(r));
            }
        }
        for n in c.notes() {
            outln!(
                "note: {} (line {}, {})",
                line(&n.message),
                n.line,
                line(&n.path)
            );
        }
        outln!("code: {}\n", line(&code_path.display().to_string()));
        let width = code.lines().count().to_string().len();
        // `lines()` splits at `\n` only; a lone `\r` (a line break to Python) is escaped.
        for (i, text) in code.lines().enumerate() {
            outln!("{:>width$} | {}", i + 1, untrusted::terminal(text));
        }
        outln!();
        match &check {
            Ok(()) => outln!("code check: clean"),
            Err(v) => out!("code check: VIOLATIONS\n{v}"),
        }
        match &diff {
            None => outln!("draft: none kept (the code was not drafted by `sdg new`)"),
            Some(d) if d.is_empty() => outln!("draft: unchanged since the LLM wrote it"),
            Some(d) => out!("changes since the LLM's draft:\n{d}"),
        }
        match &approval {
            Ok(a) => {
                let how = match &a.trust {
                    Some(ApprovalTrust::Signed {
                        key_fingerprint,
                        allowed_signers,
                        ..
                    }) => format!(
                        "signed with {}, trusted through {}",
                        line(key_fingerprint),
                        line(allowed_signers)
                    ),
                    Some(ApprovalTrust::UnsignedAllowed) | None => {
                        "UNSIGNED, accepted with --allow-unsigned".to_string()
                    }
                };
                outln!(
                    "approval: approved by {} at {} ({how}; spec and code unchanged since)",
                    line(&a.approved_by),
                    line(&a.approved_at)
                )
            }
            Err(e) => outln!(
                "approval: NOT APPROVED: {}",
                super::term::continued(&e.to_string())
            ),
        }
    }
    Ok(if check.is_ok() { 0 } else { 2 })
}
