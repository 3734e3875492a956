//! `sdg approve SPEC [--key KEY | --unsigned] [--by NAME] [--note TEXT]`: records that a person
//! approved this exact spec + code (bound to both sha256), signed with their SSH key (SSHSIG,
//! namespace `sdg-approval`). Code that fails the contract check cannot be approved.
//!
//! The key: `--key`, else `$SDG_SIGNING_KEY`, else git's `user.signingkey` when git signs with
//! SSH (`gpg.format=ssh`) and the setting is a file. `--unsigned` writes an approval that runs
//! accept only with `--allow-unsigned`. After signing, the approval is checked against the
//! allowed signers a run would use, and a warning says how to trust the key if they do not.

use super::term::{errln, outln};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::pipeline::stages::{
    approve, approve_signed, read_spec, signers, Approval, ApprovalError, ApprovalStore, Contract,
    SignatureError, SigningKey, ENV_SIGNING_KEY, NAMESPACE,
};
use crate::pipeline::{self, PipelineError, TrustOptions};
use crate::untrusted::terminal_line;

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The spec (a path, or a name: NAME.yaml or NAME.json, here or in specs/).
    spec: String,
    /// Who approves: the principal the allowed signers list for the key [default: $SDG_USER,
    /// else $USER].
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// A note kept with the approval.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// The OpenSSH private key that signs (unencrypted) [default: $SDG_SIGNING_KEY, else git's
    /// user.signingkey with gpg.format=ssh].
    #[arg(long, value_name = "PATH", conflicts_with = "unsigned")]
    key: Option<PathBuf>,
    /// Write an unsigned approval (runs then need --allow-unsigned).
    #[arg(long)]
    unsigned: bool,
    /// The allowed signers to check the new signature against (as `sdg run` would).
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
}

/// git's SSH signing key, if git is set up to sign with SSH and names a key file.
fn git_signing_key() -> Option<PathBuf> {
    let get = |k: &str| {
        let o = std::process::Command::new("git")
            .args(["config", "--get", k])
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        let v = String::from_utf8(o.stdout).ok()?.trim().to_string();
        (o.status.success() && !v.is_empty()).then_some(v)
    };
    if get("gpg.format")? != "ssh" {
        return None;
    }
    let key = get("user.signingkey")?;
    if key.starts_with("key::") || key.starts_with("ssh-") {
        return None;
    }
    match key.strip_prefix("~/") {
        Some(rest) => Some(PathBuf::from(std::env::var_os("HOME")?).join(rest)),
        None => Some(PathBuf::from(key)),
    }
}

fn signing_key(a: &ApproveArgs) -> Option<PathBuf> {
    a.key
        .clone()
        .or_else(|| {
            std::env::var_os(ENV_SIGNING_KEY)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(git_signing_key)
}

pub fn run(a: ApproveArgs) -> u8 {
    let spec = match super::resolve_spec(&a.spec) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let who =
        a.by.clone()
            .or_else(|| std::env::var("SDG_USER").ok())
            .or_else(|| std::env::var("USER").ok())
            .filter(|w| !w.trim().is_empty());
    let Some(who) = who else {
        errln!("error: who approves? pass --by NAME or set SDG_USER");
        return 2;
    };
    let key_path = if a.unsigned { None } else { signing_key(&a) };
    let result = (|| -> Result<_, PipelineError> {
        let text = read_spec(&spec)?;
        let c = Contract::from_text(&text, &spec)?;
        let (code_path, code) = pipeline::read_code(&c, None)?;
        pipeline::check_code(&c, &code_path, &code)?;
        let store = ApprovalStore::beside_spec(&spec);
        let signing_error = |problem: SignatureError| ApprovalError::Signing {
            name: c.name().to_string(),
            problem: Box::new(problem),
        };
        let (spec_b, code_b) = (text.as_bytes(), code.as_bytes());
        let approval = if a.unsigned {
            approve(&store, c.name(), spec_b, code_b, &who, a.note.as_deref())?
        } else {
            let path = key_path
                .clone()
                .ok_or_else(|| signing_error(SignatureError::NoKey))?;
            let key = SigningKey::read(&path).map_err(signing_error)?;
            approve_signed(
                &store,
                c.name(),
                spec_b,
                code_b,
                &who,
                a.note.as_deref(),
                &key,
            )?
        };
        Ok((c, code_path, approval, store))
    })();
    match result {
        Ok((c, code_path, approval, store)) => {
            outln!(
                "approved `{}`: {} (sha256 {}) + {} (sha256 {}) by {} at {}{}",
                c.name(),
                spec.display(),
                &approval.spec_sha256[..12],
                code_path.display(),
                &approval.code_sha256[..12],
                terminal_line(&approval.approved_by),
                approval.approved_at,
                match &approval.signature {
                    Some(s) => format!(", signed with {}", s.key_fingerprint),
                    None => ", UNSIGNED".to_string(),
                }
            );
            errln!(
                "sdg: kept in {}; any edit to the spec or code voids it",
                store.approval_path(c.name()).display()
            );
            if approval.signature.is_some() {
                warn_if_untrusted(&a, &spec, &approval, key_path.as_deref());
            } else {
                errln!(
                    "sdg: warning: the approval is unsigned: `sdg run` accepts it only with \
                     --allow-unsigned"
                );
            }
            0
        }
        Err(e) => {
            super::render::print_error(&e, false);
            e.exit_code()
        }
    }
}

/// Checks the new signature as a run would, and says how to trust the key if it fails.
fn warn_if_untrusted(a: &ApproveArgs, spec: &Path, approval: &Approval, key: Option<&Path>) {
    let trust = TrustOptions {
        allow_unsigned: false,
        allowed_signers: a.allowed_signers.clone(),
    };
    let policy = trust.policy_for_spec(spec);
    let Err(problem) = approval.check_trust(&policy) else {
        return;
    };
    errln!(
        "sdg: warning: `sdg run` will refuse this approval until its key is trusted: {}",
        problem.to_string().lines().next().unwrap_or_default()
    );
    let public = key
        .and_then(|k| SigningKey::read(k).ok())
        .map(|k| k.public_key());
    let file = policy
        .signers
        .map(|l| l.path)
        .or_else(signers::user_config_path);
    if let (Some(public), Some(file)) = (public, file) {
        if let Ok(line) = signers::line_for(&approval.approved_by, &public, NAMESPACE) {
            errln!(
                "sdg: to trust it, add this line to {}:\n{}",
                file.display(),
                terminal_line(&line)
            );
        }
    }
}
