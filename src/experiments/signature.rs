//! SSH signatures on approvals, the way git signs commits with `gpg.format=ssh`: an SSHSIG
//! (`ssh-keygen -Y sign`, OpenSSH's PROTOCOL.sshsig) in the namespace [`NAMESPACE`] over the
//! approval's canonical bytes ([`super::approval::Approval::signed_bytes`]), checked against an
//! allowed-signers file ([`super::signers`]).
//!
//! Signing keys are OpenSSH private key files. Keys protected by a passphrase are refused: sdg
//! neither prompts nor talks to ssh-agent (no terminal in scripted use, and no agent protocol to
//! audit); the hint says to sign with an unencrypted key kept for approvals. Ed25519 keys sign
//! and verify; other key types are named as unsupported.
//!
//! A signature is accepted only if, in order: it parses as one SSHSIG; its namespace is
//! [`NAMESPACE`]; the key inside it has the fingerprint the approval names; the key is listed
//! in the allowed-signers file; the approver is one of that line's principals; the line allows
//! the namespace; the approval's time is inside the line's validity; and the signature verifies
//! over the approval's bytes. Each failure is its own [`SignatureError`] variant.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use super::fsutil::{self, ReadError};
use super::signers::{match_list, AllowedSigners, SignersLocation, SignersSource};

/// The SSHSIG namespace of approvals (`ssh-keygen -Y sign -n sdg-approval`).
pub const NAMESPACE: &str = "sdg-approval";
/// Largest private key file read.
pub const MAX_KEY_BYTES: u64 = 64 * 1024;
/// Largest armored signature accepted.
pub const MAX_SIGNATURE_CHARS: usize = 16 * 1024;
/// Environment variable naming the signing key (as `--key`).
pub const ENV_SIGNING_KEY: &str = "SDG_SIGNING_KEY";

/// An approval's signature, as kept in the approval file and the experiment record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalSignature {
    /// The SSHSIG namespace it was made in (must be [`NAMESPACE`]).
    pub namespace: String,
    /// `SHA256:<base64>` fingerprint of the signing key (as `ssh-keygen -l` prints it).
    pub key_fingerprint: String,
    /// The armored SSHSIG (`-----BEGIN SSH SIGNATURE-----`).
    pub sshsig: String,
}

impl ApprovalSignature {
    /// Checks the shape of the fields (not the signature itself).
    pub fn check(&self) -> Result<(), String> {
        if self.namespace.is_empty() || self.namespace.len() > 64 {
            return Err("`signature.namespace` is empty or too long".into());
        }
        if !self.key_fingerprint.starts_with("SHA256:") || self.key_fingerprint.len() > 80 {
            return Err("`signature.key_fingerprint` is not a `SHA256:` fingerprint".into());
        }
        if self.sshsig.len() > MAX_SIGNATURE_CHARS {
            return Err("`signature.sshsig` is too long".into());
        }
        Ok(())
    }
}

/// How an approval was trusted by the run that used it (kept in the experiment record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ApprovalTrust {
    /// The signature verified against an allowed signer.
    Signed {
        /// The principal (the approver) the signature verified as.
        principal: String,
        /// The signing key's fingerprint.
        key_fingerprint: String,
        /// The allowed-signers file used.
        allowed_signers: String,
        /// Where that file came from.
        source: SignersSource,
    },
    /// Not signed; accepted only because the run was given `--allow-unsigned`.
    UnsignedAllowed,
}

/// Every way signing or checking a signature can fail.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error(
        "it is not signed\n\
         hint: sign it with `sdg approve NAME --key ~/.ssh/id_ed25519` (or $SDG_SIGNING_KEY), \
         or pass --allow-unsigned to accept unsigned approvals (the record says so)"
    )]
    Unsigned,

    #[error(
        "it is signed, but no allowed-signers file was found\n\
         hint: pass --allowed-signers FILE, set SDG_ALLOWED_SIGNERS, or create \
         $XDG_CONFIG_HOME/sdg/allowed_signers (ssh-keygen's ALLOWED SIGNERS format)"
    )]
    NoAllowedSigners,

    #[error(
        "{0}\nhint: fix the file (ssh-keygen's ALLOWED SIGNERS format: principals [options] key)"
    )]
    Signers(#[from] super::signers::SignersError),

    #[error(
        "its signature cannot be read: {reason}\n\
         hint: sign it again with `sdg approve NAME --key KEY`"
    )]
    Malformed { reason: String },

    #[error(
        "it was signed in the namespace `{found}`, not `{expected}`\n\
         hint: a signature made for another purpose (git, files) is not an approval; \
         sign with `sdg approve` or `ssh-keygen -Y sign -n {expected}`"
    )]
    WrongNamespace { found: String, expected: String },

    #[error(
        "it names the key {recorded}, but the signature was made with {actual}\n\
         hint: the approval was edited; sign it again with `sdg approve NAME --key KEY`"
    )]
    FingerprintMismatch { recorded: String, actual: String },

    #[error(
        "the signing key {fingerprint} is not in the allowed signers {}\n\
         hint: if you trust this key, add a line `PRINCIPAL ssh-... KEY` for it to that file",
        allowed_signers.display()
    )]
    UnknownKey {
        fingerprint: String,
        allowed_signers: PathBuf,
    },

    #[error(
        "the key {fingerprint} may sign only as `{principals}` in {}, not as `{principal}`\n\
         hint: approve with `--by` set to a principal of that key, or add the principal to its line",
        allowed_signers.display()
    )]
    PrincipalMismatch {
        principal: String,
        fingerprint: String,
        principals: String,
        allowed_signers: PathBuf,
    },

    #[error(
        "the key {fingerprint} is limited to the namespaces `{namespaces}` in {} (line {line}), \
         which exclude `{namespace}`\n\
         hint: add {namespace} to the line's namespaces=\"...\" if this key may approve code",
        allowed_signers.display()
    )]
    NamespaceNotAllowed {
        fingerprint: String,
        namespaces: String,
        namespace: String,
        allowed_signers: PathBuf,
        line: usize,
    },

    #[error(
        "the key {fingerprint} was not valid at {approved_at} (line {line} of {} allows {window})\n\
         hint: approve again with a key that is valid now",
        allowed_signers.display()
    )]
    OutsideValidity {
        fingerprint: String,
        approved_at: String,
        window: String,
        allowed_signers: PathBuf,
        line: usize,
    },

    #[error(
        "the signature does not match the approval's contents (signed by {fingerprint})\n\
         hint: the approval was changed after it was signed; review and approve again"
    )]
    BadSignature { fingerprint: String },

    #[error("the key algorithm `{algorithm}` is not supported\nhint: use an ed25519 key (`ssh-keygen -t ed25519`)")]
    UnsupportedAlgorithm { algorithm: String },

    #[error("cannot read the signing key {}: {reason}\nhint: pass --key PATH to an OpenSSH private key file (not the .pub)", path.display())]
    KeyUnreadable { path: PathBuf, reason: String },

    #[error(
        "the signing key {} is protected by a passphrase, which sdg does not ask for\n\
         hint: sdg reads unencrypted key files only (no prompt, no ssh-agent): make a key for \
         approvals with `ssh-keygen -t ed25519 -N '' -f ~/.ssh/sdg_approvals`",
        path.display()
    )]
    KeyEncrypted { path: PathBuf },

    #[error("no signing key\nhint: pass --key PATH, set SDG_SIGNING_KEY, or approve with --unsigned (runs then need --allow-unsigned)")]
    NoKey,
}

impl SignatureError {
    /// A stable name for `--json` (`signature_<what>`).
    pub fn kind(&self) -> &'static str {
        match self {
            SignatureError::Unsigned => "signature_missing",
            SignatureError::NoAllowedSigners => "signature_no_allowed_signers",
            SignatureError::Signers(_) => "signature_allowed_signers_invalid",
            SignatureError::Malformed { .. } => "signature_malformed",
            SignatureError::WrongNamespace { .. } => "signature_wrong_namespace",
            SignatureError::FingerprintMismatch { .. } => "signature_fingerprint_mismatch",
            SignatureError::UnknownKey { .. } => "signature_unknown_key",
            SignatureError::PrincipalMismatch { .. } => "signature_principal_mismatch",
            SignatureError::NamespaceNotAllowed { .. } => "signature_namespace_not_allowed",
            SignatureError::OutsideValidity { .. } => "signature_outside_validity",
            SignatureError::BadSignature { .. } => "signature_invalid",
            SignatureError::UnsupportedAlgorithm { .. } => "signature_unsupported_algorithm",
            SignatureError::KeyUnreadable { .. } => "signing_key_unreadable",
            SignatureError::KeyEncrypted { .. } => "signing_key_encrypted",
            SignatureError::NoKey => "signing_key_missing",
        }
    }
}

/// A private key ready to sign approvals.
pub struct SigningKey {
    key: PrivateKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.fingerprint())
    }
}

impl SigningKey {
    /// Wraps a key (e.g. one made in a test with `PrivateKey::from(Ed25519Keypair::from_seed)`).
    pub fn new(key: PrivateKey) -> Result<SigningKey, SignatureError> {
        if key.is_encrypted() {
            return Err(SignatureError::KeyEncrypted {
                path: PathBuf::from("(in memory)"),
            });
        }
        if !matches!(key.algorithm(), ssh_key::Algorithm::Ed25519) {
            return Err(SignatureError::UnsupportedAlgorithm {
                algorithm: key.algorithm().to_string(),
            });
        }
        Ok(SigningKey { key })
    }

    /// Reads an OpenSSH private key file (bounded, no symlinks).
    pub fn read(path: &Path) -> Result<SigningKey, SignatureError> {
        let unreadable = |reason: String| SignatureError::KeyUnreadable {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = fsutil::read_bounded(path, MAX_KEY_BYTES).map_err(|e| match e {
            ReadError::NotFound => unreadable("no such file".into()),
            e => unreadable(e.reason()),
        })?;
        let key = PrivateKey::from_openssh(&bytes).map_err(|e| {
            let looks_public = bytes.starts_with(b"ssh-") || bytes.starts_with(b"ecdsa-");
            match e {
                _ if looks_public => {
                    unreadable("it is a public key; pass the private key file".into())
                }
                ssh_key::Error::AlgorithmUnknown => SignatureError::UnsupportedAlgorithm {
                    algorithm: "not ssh-ed25519".into(),
                },
                ssh_key::Error::AlgorithmUnsupported { algorithm } => {
                    SignatureError::UnsupportedAlgorithm {
                        algorithm: algorithm.to_string(),
                    }
                }
                e => unreadable(format!("not an OpenSSH private key ({e})")),
            }
        })?;
        SigningKey::new(key).map_err(|e| match e {
            SignatureError::KeyEncrypted { .. } => SignatureError::KeyEncrypted {
                path: path.to_path_buf(),
            },
            e => e,
        })
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key().clone()
    }

    /// `SHA256:<base64>` of the public key.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// Signs `msg` in [`NAMESPACE`] (SHA-512, as `ssh-keygen -Y sign` does).
    pub fn sign(&self, msg: &[u8]) -> Result<ApprovalSignature, SignatureError> {
        let sig = self
            .key
            .sign(NAMESPACE, HashAlg::Sha512, msg)
            .map_err(|e| SignatureError::Malformed {
                reason: format!("signing failed: {e}"),
            })?;
        let sshsig = sig
            .to_pem(LineEnding::LF)
            .map_err(|e| SignatureError::Malformed {
                reason: e.to_string(),
            })?;
        Ok(ApprovalSignature {
            namespace: NAMESPACE.to_string(),
            key_fingerprint: self.fingerprint(),
            sshsig,
        })
    }
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub principal: String,
    pub key_fingerprint: String,
    pub location: SignersLocation,
}

impl Verified {
    /// The record's form.
    pub fn trust(&self) -> ApprovalTrust {
        ApprovalTrust::Signed {
            principal: self.principal.clone(),
            key_fingerprint: self.key_fingerprint.clone(),
            allowed_signers: self.location.path.display().to_string(),
            source: self.location.source,
        }
    }
}

fn window(after: Option<u64>, before: Option<u64>) -> String {
    let t = |s: u64| super::time::rfc3339(s);
    match (after, before) {
        (Some(a), Some(b)) => format!("{} to {}", t(a), t(b)),
        (Some(a), None) => format!("from {}", t(a)),
        (None, Some(b)) => format!("until {}", t(b)),
        (None, None) => "always".into(),
    }
}

/// Checks `sig` over `msg` as made by `principal` at `signed_at` (seconds since the epoch),
/// against the allowed signers at `location`.
pub fn verify(
    sig: &ApprovalSignature,
    msg: &[u8],
    principal: &str,
    signed_at: u64,
    location: &SignersLocation,
) -> Result<Verified, SignatureError> {
    let signers = AllowedSigners::read(&location.path)?;
    verify_with(sig, msg, principal, signed_at, &signers, location)
}

/// [`verify`] with an already parsed file.
pub fn verify_with(
    sig: &ApprovalSignature,
    msg: &[u8],
    principal: &str,
    signed_at: u64,
    signers: &AllowedSigners,
    location: &SignersLocation,
) -> Result<Verified, SignatureError> {
    if sig.sshsig.len() > MAX_SIGNATURE_CHARS {
        return Err(SignatureError::Malformed {
            reason: "the signature is too long".into(),
        });
    }
    let parsed =
        SshSig::from_pem(sig.sshsig.as_bytes()).map_err(|e| SignatureError::Malformed {
            reason: e.to_string(),
        })?;
    if parsed.namespace() != NAMESPACE || sig.namespace != NAMESPACE {
        let found = if parsed.namespace() != NAMESPACE {
            parsed.namespace()
        } else {
            sig.namespace.as_str()
        };
        return Err(SignatureError::WrongNamespace {
            found: found.to_string(),
            expected: NAMESPACE.to_string(),
        });
    }
    let key = parsed.public_key();
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    if fingerprint != sig.key_fingerprint {
        return Err(SignatureError::FingerprintMismatch {
            recorded: sig.key_fingerprint.clone(),
            actual: fingerprint,
        });
    }
    let public = PublicKey::from(key.clone());
    public
        .verify(NAMESPACE, msg, &parsed)
        .map_err(|e| match e {
            ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
                SignatureError::UnsupportedAlgorithm {
                    algorithm: key.algorithm().to_string(),
                }
            }
            _ => SignatureError::BadSignature {
                fingerprint: fingerprint.clone(),
            },
        })?;
    let path = location.path.clone();
    let lines: Vec<_> = signers.lines_for(key).collect();
    if lines.is_empty() {
        return Err(SignatureError::UnknownKey {
            fingerprint,
            allowed_signers: path,
        });
    }
    let as_principal: Vec<_> = lines
        .iter()
        .filter(|l| match_list(principal, &l.principals))
        .collect();
    let Some(first) = as_principal.first() else {
        return Err(SignatureError::PrincipalMismatch {
            principal: principal.to_string(),
            fingerprint,
            principals: lines
                .iter()
                .map(|l| l.principals.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
            allowed_signers: path,
        });
    };
    let in_namespace: Vec<_> = as_principal
        .iter()
        .filter(|l| {
            l.namespaces
                .as_deref()
                .is_none_or(|n| match_list(NAMESPACE, n))
        })
        .collect();
    let Some(first_ns) = in_namespace.first() else {
        return Err(SignatureError::NamespaceNotAllowed {
            fingerprint,
            namespaces: first.namespaces.clone().unwrap_or_default(),
            namespace: NAMESPACE.to_string(),
            allowed_signers: path,
            line: first.line,
        });
    };
    let valid = in_namespace.iter().any(|l| {
        l.valid_after.is_none_or(|a| signed_at >= a) && l.valid_before.is_none_or(|b| signed_at < b)
    });
    if !valid {
        return Err(SignatureError::OutsideValidity {
            fingerprint,
            approved_at: super::time::rfc3339(signed_at),
            window: window(first_ns.valid_after, first_ns.valid_before),
            allowed_signers: path,
            line: first_ns.line,
        });
    }
    Ok(Verified {
        principal: principal.to_string(),
        key_fingerprint: fingerprint,
        location: location.clone(),
    })
}
