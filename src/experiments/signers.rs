//! The allowed-signers file: which SSH keys may sign approvals, and as whom. The format is
//! OpenSSH's ALLOWED SIGNERS (`ssh-keygen(1)`), so one file serves `ssh-keygen -Y verify`, git's
//! `gpg.ssh.allowedSignersFile` and sdg:
//!
//! ```text
//! # principals [options] keytype base64-key [comment]
//! ada@example.org ssh-ed25519 AAAAC3Nza...
//! "sdg maintainers",bob namespaces="sdg-approval",valid-before="20271231Z" ssh-ed25519 AAAA...
//! ```
//!
//! Principals and namespaces are comma-separated patterns (`*`, `?`, `!negation`), as in
//! OpenSSH's `match_pattern_list`. Options understood: `namespaces`, `valid-after`,
//! `valid-before` (`YYYYMMDD[HHMM[SS]][Z]`; sdg reads every time as UTC, where `ssh-keygen`
//! reads a time without `Z` as local time) and `cert-authority` (such a line only vouches for
//! certificates, which sdg does not accept, so it never matches a plain key, as in OpenSSH).
//! Any other option makes the line an error: a file is trusted whole or not at all. A line whose
//! key type this build cannot read (ECDSA, security keys) is skipped: it cannot vouch for an
//! ed25519 signature, and a file shared with git may well list such keys.
//!
//! [`locate`] decides which file is the trust root (see [`SignersSource`]); only the first one
//! found is read, never a union, so a file an attacker can write cannot add to one they cannot.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ssh_key::{public::KeyData, PublicKey};

use super::fsutil::{self, ReadError};
use super::time;

/// Largest allowed-signers file read.
pub const MAX_SIGNERS_BYTES: u64 = 1024 * 1024;
/// Environment variable naming the allowed-signers file.
pub const ENV_ALLOWED_SIGNERS: &str = "SDG_ALLOWED_SIGNERS";
/// The file's name in the user's config folder and in a project's `.sdg` folder.
pub const FILE_NAME: &str = "allowed_signers";

/// Where the allowed-signers file came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignersSource {
    /// `--allowed-signers FILE`.
    Flag,
    /// `$SDG_ALLOWED_SIGNERS`.
    Env,
    /// `$XDG_CONFIG_HOME/sdg/allowed_signers` (else `~/.config/sdg/allowed_signers`).
    UserConfig,
    /// `<spec dir>/.sdg/allowed_signers`: inside the project, so trusted only as much as
    /// whoever can write that folder.
    Project,
    /// The file an experiment record says its run used (at `sdg audit`, when no stronger
    /// source is set): trusted only as much as the experiments folder and that file.
    Record,
}

impl SignersSource {
    /// True for sources that live where the approvals (or records) they vouch for live.
    pub fn is_weak(self) -> bool {
        matches!(self, SignersSource::Project | SignersSource::Record)
    }
}

/// The allowed-signers file to use and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignersLocation {
    pub path: PathBuf,
    pub source: SignersSource,
}

/// The user's config file: `$XDG_CONFIG_HOME/sdg/allowed_signers`, else
/// `$HOME/.config/sdg/allowed_signers`.
pub fn user_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("sdg").join(FILE_NAME))
}

/// The project's file for a spec: `<spec dir>/.sdg/allowed_signers`.
pub fn project_path(spec_path: &Path) -> PathBuf {
    let dir = match spec_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    dir.join(".sdg").join(FILE_NAME)
}

/// Picks the trust root: `flag` > `$SDG_ALLOWED_SIGNERS` > the user's config file (if it
/// exists) > `fallback` (the project's file or a record's, if it exists). A file named by the
/// flag or the variable is used even if missing (reading it then fails loudly).
pub fn locate(flag: Option<&Path>, fallback: Option<SignersLocation>) -> Option<SignersLocation> {
    if let Some(p) = flag {
        return Some(SignersLocation {
            path: p.to_path_buf(),
            source: SignersSource::Flag,
        });
    }
    if let Some(p) = std::env::var_os(ENV_ALLOWED_SIGNERS).filter(|v| !v.is_empty()) {
        return Some(SignersLocation {
            path: PathBuf::from(p),
            source: SignersSource::Env,
        });
    }
    if let Some(p) = user_config_path().filter(|p| p.exists()) {
        return Some(SignersLocation {
            path: p,
            source: SignersSource::UserConfig,
        });
    }
    fallback.filter(|l| l.path.exists())
}

/// One usable line of an allowed-signers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerEntry {
    /// 1-based line number.
    pub line: usize,
    /// The principals pattern list, as written (quotes removed).
    pub principals: String,
    /// The `namespaces` pattern list, if restricted.
    pub namespaces: Option<String>,
    /// `valid-after`, seconds since the epoch (UTC).
    pub valid_after: Option<u64>,
    /// `valid-before`, seconds since the epoch (UTC).
    pub valid_before: Option<u64>,
    /// A `cert-authority` line (never matches a plain key).
    pub cert_authority: bool,
    /// The key.
    pub key: KeyData,
}

/// A parsed allowed-signers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigners {
    pub path: PathBuf,
    pub entries: Vec<SignerEntry>,
}

/// Why an allowed-signers file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SignersError {
    #[error("cannot read the allowed-signers file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("the allowed-signers file {}, line {line}: {reason}", path.display())]
    BadLine {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl AllowedSigners {
    /// Reads and parses a file (bounded, no symlinks).
    pub fn read(path: &Path) -> Result<AllowedSigners, SignersError> {
        let bytes = fsutil::read_bounded(path, MAX_SIGNERS_BYTES).map_err(|e| {
            SignersError::Unreadable {
                path: path.to_path_buf(),
                reason: match e {
                    ReadError::NotFound => "no such file".to_string(),
                    e => e.reason(),
                },
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|_| SignersError::Unreadable {
            path: path.to_path_buf(),
            reason: "not UTF-8".into(),
        })?;
        AllowedSigners::parse(path, &text)
    }

    /// Parses the text of a file; `path` is only for messages.
    pub fn parse(path: &Path, text: &str) -> Result<AllowedSigners, SignersError> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_matches([' ', '\t', '\r']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = parse_line(i + 1, line).map_err(|reason| SignersError::BadLine {
                path: path.to_path_buf(),
                line: i + 1,
                reason,
            })?;
            entries.extend(entry);
        }
        Ok(AllowedSigners {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// Every line listing this key (cert-authority lines excluded).
    pub fn lines_for<'a>(&'a self, key: &'a KeyData) -> impl Iterator<Item = &'a SignerEntry> {
        self.entries
            .iter()
            .filter(move |e| !e.cert_authority && &e.key == key)
    }
}

/// Splits off the next whitespace-delimited token, honouring double quotes.
fn next_token(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut quoted = false;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            ' ' | '\t' if !quoted => {
                end = i;
                break;
            }
            _ => out.push(c),
        }
    }
    if quoted {
        return None;
    }
    Some((out, &s[end..]))
}

/// Removes the quotes of a quoted list item (`"a b",c` → `a b,c`).
fn unquote(s: &str) -> String {
    s.replace('"', "")
}

/// Splits on commas outside quotes.
fn split_options(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn looks_like_key_type(t: &str) -> bool {
    t.starts_with("ssh-") || t.starts_with("ecdsa-sha2-") || t.starts_with("sk-")
}

/// One line: `Ok(None)` for a well-formed line whose key type this build cannot read (e.g. an
/// ECDSA key in a file shared with git): it can never match an ed25519 signature, so it is
/// skipped rather than making the whole file unusable.
fn parse_line(line_no: usize, line: &str) -> Result<Option<SignerEntry>, String> {
    let (principals, rest) = next_token(line).ok_or("an unterminated quote in the principals")?;
    let principals = unquote(&principals);
    if principals.is_empty() {
        return Err("no principals".into());
    }
    let (second, rest) = next_token(rest).ok_or("no key after the principals")?;
    let mut opts = Options::default();
    let (key_type, rest) = if looks_like_key_type(&second) {
        (second, rest)
    } else {
        for opt in split_options(&second) {
            apply_option(&mut opts, &opt)?;
        }
        next_token(rest).ok_or("no key after the options")?
    };
    let (blob, _comment) = next_token(rest).ok_or("the key has no base64 part")?;
    let key = match PublicKey::from_openssh(&format!("{key_type} {blob}")) {
        Ok(k) => k,
        Err(ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. }) => {
            return Ok(None)
        }
        Err(e) => return Err(format!("the key `{key_type}` cannot be read: {e}")),
    };
    Ok(Some(SignerEntry {
        line: line_no,
        principals,
        namespaces: opts.namespaces,
        valid_after: opts.valid_after,
        valid_before: opts.valid_before,
        cert_authority: opts.cert_authority,
        key: key.key_data().clone(),
    }))
}

#[derive(Default)]
struct Options {
    namespaces: Option<String>,
    valid_after: Option<u64>,
    valid_before: Option<u64>,
    cert_authority: bool,
}

fn apply_option(entry: &mut Options, opt: &str) -> Result<(), String> {
    let (name, value) = match opt.split_once('=') {
        Some((n, v)) => (n.to_ascii_lowercase(), Some(v)),
        None => (opt.to_ascii_lowercase(), None),
    };
    let quoted = |v: Option<&str>| -> Result<String, String> {
        let v = v.ok_or(format!("option `{name}` needs a value"))?;
        v.strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains('"'))
            .map(str::to_string)
            .ok_or(format!(
                "option `{name}`: the value must be in double quotes"
            ))
    };
    match (name.as_str(), value) {
        ("cert-authority", None) => entry.cert_authority = true,
        ("namespaces", v) => entry.namespaces = Some(quoted(v)?),
        ("valid-after", v) => entry.valid_after = Some(parse_time(&quoted(v)?)?),
        ("valid-before", v) => entry.valid_before = Some(parse_time(&quoted(v)?)?),
        _ => return Err(format!("unknown option `{name}`")),
    }
    Ok(())
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally ending in `Z`; read as UTC.
pub fn parse_time(s: &str) -> Result<u64, String> {
    let bad = || format!("`{s}` is not a time (YYYYMMDD[HHMM[SS]][Z])");
    let digits = s.strip_suffix(['Z', 'z']).unwrap_or(s);
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().map_err(|_| bad());
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, sec) = match digits.len() {
        8 => (0, 0, 0),
        12 => (num(8..10)?, num(10..12)?, 0),
        _ => (num(8..10)?, num(10..12)?, num(12..14)?),
    };
    let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}Z");
    time::parse_rfc3339(&text).ok_or_else(bad)
}

fn match_pattern(s: &[char], p: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((&'*', rest)) => (0..=s.len()).any(|i| match_pattern(&s[i..], rest)),
        Some((&'?', rest)) => !s.is_empty() && match_pattern(&s[1..], rest),
        Some((c, rest)) => s.first() == Some(c) && match_pattern(&s[1..], rest),
    }
}

/// OpenSSH's `match_pattern_list`: true if `s` matches a pattern of the comma-separated list
/// and no negated (`!`) pattern.
pub fn match_list(s: &str, list: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let mut positive = false;
    for pat in list.split(',') {
        let (neg, pat) = match pat.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pat),
        };
        let pat: Vec<char> = pat.chars().collect();
        if match_pattern(&s, &pat) {
            if neg {
                return false;
            }
            positive = true;
        }
    }
    positive
}

/// The line to add to an allowed-signers file so `key` may sign approvals as `principal`.
pub fn line_for(principal: &str, key: &PublicKey, namespace: &str) -> Result<String, String> {
    let key = key.to_openssh().map_err(|e| e.to_string())?;
    let key = key.split(' ').take(2).collect::<Vec<_>>().join(" ");
    if principal.contains([',', '"']) {
        return Err("a principal cannot contain a comma or a double quote".into());
    }
    let principal = if principal.contains([' ', '\t']) {
        format!("\"{principal}\"")
    } else {
        principal.to_string()
    };
    Ok(format!("{principal} namespaces=\"{namespace}\" {key}"))
}
