//! Approvals: a person's signature on one exact spec + code pair, kept as JSON at
//! `<spec_dir>/.sdg/approvals/<name>.json`, plus the LLM's original draft of the code
//! (`<name>.draft.py`) so the approved code can be diffed against what the model wrote.
//!
//! An approval is signed with the approver's SSH key ([`approve_signed`], SSHSIG over
//! [`Approval::signed_bytes`]) and trusted only if the signature verifies against an allowed
//! signer ([`verify_trusted`]); an unsigned one ([`approve`]) is accepted only when the caller
//! allows it, and the record says so ([`ApprovalTrust::UnsignedAllowed`]).
//!
//! Files are replaced atomically (temp file in the same folder, fsync, rename, fsync of the
//! folder) with mode 0600. Reading refuses symlinks and files over [`MAX_APPROVAL_BYTES`].

use super::fsutil::{self, ReadError};
pub use super::signature::{ApprovalSignature, ApprovalTrust, SignatureError, SigningKey};
use super::signers::SignersLocation;
use super::{names, signature, time};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

/// Largest approval file read.
pub const MAX_APPROVAL_BYTES: u64 = 1024 * 1024;
/// Largest draft file read.
pub const MAX_DRAFT_BYTES: u64 = 16 * 1024 * 1024;

/// One approval of a spec + code pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// SHA-256 (hex) of the spec's exact bytes.
    pub spec_sha256: String,
    /// SHA-256 (hex) of the code's exact bytes.
    pub code_sha256: String,
    /// Who approved (the caller passes `$SDG_USER` or `$USER`).
    pub approved_by: String,
    /// When, RFC 3339 UTC (`2026-11-25T20:14:29Z`).
    pub approved_at: String,
    /// Optional free text from the approver.
    #[serde(default)]
    pub note: Option<String>,
    /// The sdg version that wrote the approval.
    pub sdg_version: String,
    /// The spec's name the approval was made under (absent in approvals written before
    /// signing; signed as `null` then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The approver's SSH signature over [`Approval::signed_bytes`], if signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ApprovalSignature>,
    /// How the run that used this approval trusted it. Set by verification, kept in experiment
    /// records; an approval file in `.sdg/approvals/` carrying it is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<ApprovalTrust>,
}

impl Approval {
    /// Checks the fields of an approval read from disk; the reason says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if !fsutil::is_sha256_hex(&self.spec_sha256) {
            return Err("`spec_sha256` is not a 64-digit lowercase hex SHA-256".into());
        }
        if !fsutil::is_sha256_hex(&self.code_sha256) {
            return Err("`code_sha256` is not a 64-digit lowercase hex SHA-256".into());
        }
        names::check_person(&self.approved_by).map_err(|r| format!("`approved_by`: {r}"))?;
        if time::parse_rfc3339(&self.approved_at).is_none() {
            return Err("`approved_at` is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)".into());
        }
        if let Some(note) = &self.note {
            names::check_note(note).map_err(|r| format!("`note`: {r}"))?;
        }
        if self.sdg_version.is_empty() || self.sdg_version.len() > 64 {
            return Err("`sdg_version` is empty or too long".into());
        }
        if let Some(name) = &self.name {
            names::check_name(name).map_err(|r| format!("`name`: {r}"))?;
        }
        if let Some(sig) = &self.signature {
            sig.check()?;
        }
        Ok(())
    }

    /// The canonical bytes the signature covers: a fixed header, then one `field: value` line
    /// per field in a fixed order, free text as JSON strings (so no value can forge a line).
    /// `signature` and `trust` are not covered.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let js = |s: &str| serde_json::Value::from(s).to_string();
        let opt = |s: &Option<String>| s.as_deref().map_or("null".to_string(), js);
        format!(
            "sdg approval v1\nname: {}\nspec_sha256: {}\ncode_sha256: {}\napproved_by: {}\n\
             approved_at: {}\nnote: {}\nsdg_version: {}\n",
            opt(&self.name),
            js(&self.spec_sha256),
            js(&self.code_sha256),
            js(&self.approved_by),
            js(&self.approved_at),
            opt(&self.note),
            js(&self.sdg_version),
        )
        .into_bytes()
    }

    /// Checks the signature (if any) under `policy`: the trust a run records.
    pub fn check_trust(&self, policy: &TrustPolicy) -> Result<ApprovalTrust, SignatureError> {
        let Some(sig) = &self.signature else {
            return if policy.allow_unsigned {
                Ok(ApprovalTrust::UnsignedAllowed)
            } else {
                Err(SignatureError::Unsigned)
            };
        };
        let location = policy
            .signers
            .as_ref()
            .ok_or(SignatureError::NoAllowedSigners)?;
        let at = time::parse_rfc3339(&self.approved_at).ok_or(SignatureError::Malformed {
            reason: "`approved_at` is not an RFC 3339 time".into(),
        })?;
        let v = signature::verify(sig, &self.signed_bytes(), &self.approved_by, at, location)?;
        Ok(v.trust())
    }
}

/// What a caller accepts as a trusted approval.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustPolicy {
    /// Accept an unsigned approval (`--allow-unsigned`); recorded as such.
    pub allow_unsigned: bool,
    /// The allowed-signers file (see [`super::signers::locate`]); `None`: no file found.
    pub signers: Option<SignersLocation>,
}

/// Where approvals and drafts live: one folder, one `<name>.json` (and `<name>.draft.py`) each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalStore {
    /// The folder holding the approval files (created on first write).
    pub root: PathBuf,
}

impl ApprovalStore {
    /// A store in the given folder.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ApprovalStore { root: root.into() }
    }

    /// The default store for a spec file: `<spec_dir>/.sdg/approvals`.
    pub fn beside_spec(spec_path: &Path) -> Self {
        let dir = match spec_path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        ApprovalStore::new(dir.join(".sdg").join("approvals"))
    }

    /// The approval file of `name` (not checked; see [`names::check_name`]).
    pub fn approval_path(&self, name: &str) -> PathBuf {
        self.root.join(format!("{name}.json"))
    }

    /// The draft file of `name`.
    pub fn draft_path(&self, name: &str) -> PathBuf {
        self.root.join(format!("{name}.draft.py"))
    }
}

/// Every way approving or checking an approval can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    /// The spec name cannot be used as a file name.
    #[error("invalid spec name `{name}`: {reason}")]
    InvalidName { name: String, reason: String },

    /// The approver's name is unusable.
    #[error("invalid approver: {reason}")]
    InvalidApprover { reason: String },

    /// The note is unusable.
    #[error("invalid approval note: {reason}")]
    InvalidNote { reason: String },

    /// Nothing was approved under this name.
    #[error(
        "`{name}` has not been approved (no {path})\n\
         hint: review the code with `sdg review {name}`, then approve it"
    )]
    Missing { name: String, path: PathBuf },

    /// The spec's bytes differ from the approved ones.
    #[error(
        "the spec of `{name}` changed since it was approved (sha256 {} → {}){}\n\
         hint: review it with `sdg review {name}` and approve again",
        fsutil::short(approved), fsutil::short(now),
        if *code_also_changed { "; the code changed too" } else { "" }
    )]
    SpecChanged {
        name: String,
        approved: String,
        now: String,
        code_also_changed: bool,
    },

    /// The code's bytes differ from the approved ones.
    #[error(
        "the code of `{name}` changed since it was approved (sha256 {} → {})\n\
         hint: review it with `sdg review {name}` and approve again",
        fsutil::short(approved),
        fsutil::short(now)
    )]
    CodeChanged {
        name: String,
        approved: String,
        now: String,
    },

    /// The approval (or draft) file exists but cannot be trusted.
    #[error(
        "the approval file {path} is unusable: {reason}\n\
         hint: delete it, review the code with `sdg review <name>` and approve again"
    )]
    Corrupt { path: PathBuf, reason: String },

    /// The approval's signature is missing or does not verify.
    #[error("the approval of `{name}` cannot be trusted: {problem}")]
    Untrusted {
        name: String,
        problem: Box<SignatureError>,
    },

    /// The approval could not be signed.
    #[error("cannot sign the approval of `{name}`: {problem}")]
    Signing {
        name: String,
        problem: Box<SignatureError>,
    },

    /// Reading or writing failed.
    #[error("cannot {op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ApprovalError {
    /// A stable name for `--json`: `approval`, or the signature problem's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ApprovalError::Untrusted { problem, .. } | ApprovalError::Signing { problem, .. } => {
                problem.kind()
            }
            _ => "approval",
        }
    }
}

fn checked_name(name: &str) -> Result<(), ApprovalError> {
    names::check_name(name).map_err(|reason| ApprovalError::InvalidName {
        name: name.escape_debug().take(100).collect(),
        reason,
    })
}

fn create_root(store: &ApprovalStore) -> Result<(), ApprovalError> {
    std::fs::create_dir_all(&store.root).map_err(|source| ApprovalError::Io {
        op: "create the folder",
        path: store.root.clone(),
        source,
    })
}

/// Records that `who` approved this exact spec + code pair under `name`, unsigned, replacing any
/// earlier approval of `name`. `who` is trimmed; `note` is kept as given. Runs accept it only
/// with `--allow-unsigned`.
pub fn approve(
    store: &ApprovalStore,
    name: &str,
    spec: &[u8],
    code: &[u8],
    who: &str,
    note: Option<&str>,
) -> Result<Approval, ApprovalError> {
    let approval = build(name, spec, code, who, note)?;
    write(store, name, &approval)?;
    Ok(approval)
}

/// As [`approve`], signed with `key` (the approver `who` is the principal the allowed-signers
/// file must list for the key).
pub fn approve_signed(
    store: &ApprovalStore,
    name: &str,
    spec: &[u8],
    code: &[u8],
    who: &str,
    note: Option<&str>,
    key: &SigningKey,
) -> Result<Approval, ApprovalError> {
    let mut approval = build(name, spec, code, who, note)?;
    if approval.approved_by.contains([',', '"']) {
        return Err(ApprovalError::InvalidApprover {
            reason: "a signer's name cannot contain a comma or a double quote (allowed-signers \
                     principals are comma-separated)"
                .into(),
        });
    }
    let sig = key
        .sign(&approval.signed_bytes())
        .map_err(|problem| ApprovalError::Signing {
            name: name.to_string(),
            problem: Box::new(problem),
        })?;
    approval.signature = Some(sig);
    write(store, name, &approval)?;
    Ok(approval)
}

fn build(
    name: &str,
    spec: &[u8],
    code: &[u8],
    who: &str,
    note: Option<&str>,
) -> Result<Approval, ApprovalError> {
    checked_name(name)?;
    let who =
        names::check_person(who).map_err(|reason| ApprovalError::InvalidApprover { reason })?;
    if let Some(note) = note {
        names::check_note(note).map_err(|reason| ApprovalError::InvalidNote { reason })?;
    }
    Ok(Approval {
        spec_sha256: fsutil::sha256_hex(spec),
        code_sha256: fsutil::sha256_hex(code),
        approved_by: who,
        approved_at: time::rfc3339(time::now().0),
        note: note.map(str::to_string),
        sdg_version: env!("CARGO_PKG_VERSION").to_string(),
        name: Some(name.to_string()),
        signature: None,
        trust: None,
    })
}

/// Writes `approval` as the approval of `name` (atomic, 0600).
pub fn write(store: &ApprovalStore, name: &str, approval: &Approval) -> Result<(), ApprovalError> {
    checked_name(name)?;
    let mut json = serde_json::to_vec_pretty(approval).map_err(|e| ApprovalError::Io {
        op: "encode",
        path: store.approval_path(name),
        source: io::Error::other(e),
    })?;
    json.push(b'\n');
    create_root(store)?;
    let path = store.approval_path(name);
    fsutil::write_atomic(&path, &json, 0o600).map_err(|source| ApprovalError::Io {
        op: "write",
        path,
        source,
    })
}

/// Reads the approval of `name`: `Missing` if there is none, `Corrupt` if it cannot be trusted.
pub fn load_approval(store: &ApprovalStore, name: &str) -> Result<Approval, ApprovalError> {
    checked_name(name)?;
    let path = store.approval_path(name);
    let bytes = match fsutil::read_bounded(&path, MAX_APPROVAL_BYTES) {
        Ok(b) => b,
        Err(ReadError::NotFound) => {
            return Err(ApprovalError::Missing {
                name: name.to_string(),
                path,
            })
        }
        Err(e) => {
            return Err(ApprovalError::Corrupt {
                path,
                reason: e.reason(),
            })
        }
    };
    let approval = parse_approval(&bytes).map_err(|reason| ApprovalError::Corrupt {
        path: path.clone(),
        reason,
    })?;
    if approval.trust.is_some() {
        return Err(ApprovalError::Corrupt {
            path,
            reason: "it claims a `trust`, which only a verification can establish".into(),
        });
    }
    if approval.name.as_deref().is_some_and(|n| n != name) {
        return Err(ApprovalError::Corrupt {
            path,
            reason: format!(
                "it was made for `{}`, not `{name}`",
                approval.name.unwrap_or_default()
            ),
        });
    }
    Ok(approval)
}

/// Parses and checks approval JSON (as stored in `<name>.json` or an experiment's `approval.json`).
pub fn parse_approval(bytes: &[u8]) -> Result<Approval, String> {
    let approval: Approval =
        serde_json::from_slice(bytes).map_err(|e| format!("not a valid approval JSON: {e}"))?;
    approval.check()?;
    Ok(approval)
}

/// Checks that `spec` and `code` are exactly the bytes approved under `name`.
pub fn verify(
    store: &ApprovalStore,
    name: &str,
    spec: &[u8],
    code: &[u8],
) -> Result<Approval, ApprovalError> {
    let approval = load_approval(store, name)?;
    let spec_now = fsutil::sha256_hex(spec);
    let code_now = fsutil::sha256_hex(code);
    if spec_now != approval.spec_sha256 {
        return Err(ApprovalError::SpecChanged {
            name: name.to_string(),
            approved: approval.spec_sha256,
            code_also_changed: code_now != approval.code_sha256,
            now: spec_now,
        });
    }
    if code_now != approval.code_sha256 {
        return Err(ApprovalError::CodeChanged {
            name: name.to_string(),
            approved: approval.code_sha256,
            now: code_now,
        });
    }
    Ok(approval)
}

/// [`verify`], then the signature under `policy`: the approval with its [`ApprovalTrust`] set.
pub fn verify_trusted(
    store: &ApprovalStore,
    name: &str,
    spec: &[u8],
    code: &[u8],
    policy: &TrustPolicy,
) -> Result<Approval, ApprovalError> {
    let mut approval = verify(store, name, spec, code)?;
    let trust = approval
        .check_trust(policy)
        .map_err(|problem| ApprovalError::Untrusted {
            name: name.to_string(),
            problem: Box::new(problem),
        })?;
    approval.trust = Some(trust);
    Ok(approval)
}

/// Keeps the LLM's original draft of the code for `name` (replacing an earlier draft).
pub fn save_draft(store: &ApprovalStore, name: &str, code: &[u8]) -> Result<(), ApprovalError> {
    checked_name(name)?;
    if code.len() as u64 > MAX_DRAFT_BYTES {
        return Err(ApprovalError::Io {
            op: "write",
            path: store.draft_path(name),
            source: io::Error::other(format!(
                "the draft is {} bytes, more than the {MAX_DRAFT_BYTES} bytes allowed",
                code.len()
            )),
        });
    }
    create_root(store)?;
    let path = store.draft_path(name);
    fsutil::write_atomic(&path, code, 0o600).map_err(|source| ApprovalError::Io {
        op: "write",
        path,
        source,
    })
}

/// The saved draft of `name`, or `None` if there is none.
pub fn load_draft(store: &ApprovalStore, name: &str) -> Result<Option<Vec<u8>>, ApprovalError> {
    checked_name(name)?;
    let path = store.draft_path(name);
    match fsutil::read_bounded(&path, MAX_DRAFT_BYTES) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(ReadError::NotFound) => Ok(None),
        Err(e) => Err(ApprovalError::Corrupt {
            path,
            reason: e.reason(),
        }),
    }
}
