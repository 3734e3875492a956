//! Signed approvals: SSHSIG signatures (namespace `sdg-approval`) over an approval's canonical
//! bytes, checked against an allowed-signers file. Keys are made in the test (ed25519 from a
//! fixed seed, or by `ssh-keygen` for interop). Library tests name each refusal by its
//! [`SignatureError`] variant; the binary tests check `run`, `audit` and the record through the
//! JSON error `kind`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sdg::experiments::signature::{SignatureError, SigningKey, NAMESPACE};
use sdg::experiments::signers::{self, AllowedSigners, SignersError};
use sdg::experiments::{
    approve, approve_signed, fsutil, load_approval, verify_trusted, Approval, ApprovalError,
    ApprovalStore, ApprovalTrust, SignersLocation, SignersSource, TrustPolicy,
};
use serde_json::Value;
use ssh_key::private::Ed25519Keypair;
use ssh_key::{HashAlg, LineEnding, PrivateKey};

use crate::support::{repo, sdg};

const SPEC: &[u8] = b"name: people\n";
const CODE: &[u8] = b"import numpy as np\n";

/// A deterministic ed25519 key.
pub fn test_key(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

/// A private key file and an allowed-signers file trusting it as `principal`, in `dir`.
pub struct Signer {
    pub key: PathBuf,
    pub allowed: PathBuf,
    pub private: PrivateKey,
}

pub fn signer_in(dir: &Path, principal: &str, seed: u8) -> Signer {
    let private = test_key(seed);
    let key = dir.join(format!("key{seed}"));
    private.write_openssh_file(&key, LineEnding::LF).unwrap();
    let allowed = dir.join(format!("allowed_signers{seed}"));
    let line = signers::line_for(principal, private.public_key(), NAMESPACE).unwrap();
    fs::write(&allowed, format!("# test signers\n{line}\n")).unwrap();
    Signer {
        key,
        allowed,
        private,
    }
}

fn policy(path: &Path) -> TrustPolicy {
    TrustPolicy {
        allow_unsigned: false,
        signers: Some(SignersLocation {
            path: path.to_path_buf(),
            source: SignersSource::Flag,
        }),
    }
}

fn signing_key(s: &Signer) -> SigningKey {
    SigningKey::read(&s.key).unwrap()
}

/// The signature problem of an `Untrusted` error.
fn problem(e: ApprovalError) -> SignatureError {
    match e {
        ApprovalError::Untrusted { problem, .. } => *problem,
        other => panic!("expected an untrusted approval, got {other:?}"),
    }
}

fn store_in(dir: &Path) -> ApprovalStore {
    ApprovalStore::new(dir.join("approvals"))
}

/// Rewrites the stored approval of `people` with `edit` applied to its JSON.
fn edit_approval(store: &ApprovalStore, edit: impl FnOnce(&mut Value)) {
    let path = store.approval_path("people");
    let mut v: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

fn signed(dir: &Path, who: &str) -> (Signer, ApprovalStore, Approval) {
    let s = signer_in(dir, who, 7);
    let store = store_in(dir);
    let a = approve_signed(
        &store,
        "people",
        SPEC,
        CODE,
        who,
        Some("ok"),
        &signing_key(&s),
    )
    .unwrap();
    (s, store, a)
}

#[test]
fn signed_approval_verifies_and_names_its_signer() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, a) = signed(dir.path(), "ada");
    let sig = a.signature.as_ref().unwrap();
    assert_eq!(sig.namespace, "sdg-approval");
    assert!(sig.sshsig.starts_with("-----BEGIN SSH SIGNATURE-----"));
    let fp = s.private.fingerprint(HashAlg::Sha256).to_string();
    assert_eq!(sig.key_fingerprint, fp);
    let ok = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap();
    assert_eq!(
        ok.trust,
        Some(ApprovalTrust::Signed {
            principal: "ada".into(),
            key_fingerprint: fp,
            allowed_signers: s.allowed.display().to_string(),
            source: SignersSource::Flag,
        })
    );
}

#[test]
fn every_signed_field_is_covered_by_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, _) = signed(dir.path(), "ada");
    let original = fs::read(store.approval_path("people")).unwrap();
    let new_spec = b"name: people\n# edited\n";
    let new_code = b"import numpy as np\n# edited\n";
    // (field, value, spec, code) — hashes re-pointed at edited files are "a signature over
    // different hashes".
    let cases: Vec<(&str, Value, &[u8], &[u8])> = vec![
        ("note", "not what was signed".into(), SPEC, CODE),
        ("note", Value::Null, SPEC, CODE),
        ("approved_at", "2020-01-01T00:00:00Z".into(), SPEC, CODE),
        ("sdg_version", "9.9.9".into(), SPEC, CODE),
        (
            "spec_sha256",
            fsutil::sha256_hex(new_spec).into(),
            new_spec,
            CODE,
        ),
        (
            "code_sha256",
            fsutil::sha256_hex(new_code).into(),
            SPEC,
            new_code,
        ),
    ];
    for (field, value, spec, code) in cases {
        fs::write(store.approval_path("people"), &original).unwrap();
        edit_approval(&store, |v| v[field] = value.clone());
        let e = verify_trusted(&store, "people", spec, code, &policy(&s.allowed)).unwrap_err();
        assert!(
            matches!(problem(e), SignatureError::BadSignature { .. }),
            "{field} = {value}"
        );
    }
    // The approver's name: the signature no longer verifies (checked before the principal).
    fs::write(store.approval_path("people"), &original).unwrap();
    edit_approval(&store, |v| v["approved_by"] = "mallory".into());
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(problem(e), SignatureError::BadSignature { .. }));
}

#[test]
fn changed_spec_or_code_is_refused_by_hash_before_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, _) = signed(dir.path(), "ada");
    let p = policy(&s.allowed);
    let e = verify_trusted(&store, "people", b"name: other\n", CODE, &p).unwrap_err();
    assert!(matches!(e, ApprovalError::SpecChanged { .. }), "{e:?}");
    let e = verify_trusted(&store, "people", SPEC, b"x = 1\n", &p).unwrap_err();
    assert!(matches!(e, ApprovalError::CodeChanged { .. }), "{e:?}");
}

#[test]
fn a_key_missing_from_the_allowed_signers_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store, _) = signed(dir.path(), "ada");
    let other = signer_in(dir.path(), "ada", 9);
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&other.allowed)).unwrap_err();
    assert!(matches!(problem(e), SignatureError::UnknownKey { .. }));
    // An empty file trusts nobody.
    let empty = dir.path().join("empty");
    fs::write(&empty, "# nobody\n").unwrap();
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&empty)).unwrap_err();
    assert!(matches!(problem(e), SignatureError::UnknownKey { .. }));
}

#[test]
fn a_signature_in_another_namespace_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, a) = signed(dir.path(), "ada");
    // A real signature by the trusted key over the same bytes, made for git.
    let git = s
        .private
        .sign("git", HashAlg::Sha512, &a.signed_bytes())
        .unwrap()
        .to_pem(LineEnding::LF)
        .unwrap();
    edit_approval(&store, |v| v["signature"]["sshsig"] = git.into());
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(
        matches!(problem(e), SignatureError::WrongNamespace { ref found, .. } if found == "git")
    );
    // The recorded namespace alone edited.
    let (s, store, _) = signed(dir.path(), "ada");
    edit_approval(&store, |v| v["signature"]["namespace"] = "file".into());
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(problem(e), SignatureError::WrongNamespace { .. }));
}

#[test]
fn a_key_listed_for_another_principal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, _) = signed(dir.path(), "ada");
    let line = signers::line_for("bob", s.private.public_key(), NAMESPACE).unwrap();
    fs::write(&s.allowed, format!("{line}\n")).unwrap();
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(
        problem(e),
        SignatureError::PrincipalMismatch { ref principal, .. } if principal == "ada"
    ));
    // Patterns as OpenSSH reads them: a wildcard admits, a negation excludes.
    let key = s.private.public_key().to_openssh().unwrap();
    for (principals, ok) in [("a*", true), ("bob,?da", true), ("*,!ada", false)] {
        fs::write(&s.allowed, format!("{principals} {key}\n")).unwrap();
        let r = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed));
        assert_eq!(r.is_ok(), ok, "{principals}: {r:?}");
    }
}

#[test]
fn a_namespaces_option_without_sdg_approval_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, _) = signed(dir.path(), "ada");
    let key = s.private.public_key().to_openssh().unwrap();
    fs::write(&s.allowed, format!("ada namespaces=\"git,file\" {key}\n")).unwrap();
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(
        problem(e),
        SignatureError::NamespaceNotAllowed { line: 1, .. }
    ));
    fs::write(&s.allowed, format!("ada namespaces=\"git,sdg-*\" {key}\n")).unwrap();
    verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap();
}

#[test]
fn validity_options_are_checked_at_the_approval_time() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, _) = signed(dir.path(), "ada");
    let key = s.private.public_key().to_openssh().unwrap();
    for (opts, ok) in [
        ("valid-before=\"20200101Z\"", false),
        ("valid-after=\"29990101\"", false),
        (
            "valid-after=\"20200101000000Z\",valid-before=\"29991231Z\"",
            true,
        ),
    ] {
        fs::write(&s.allowed, format!("ada {opts} {key}\n")).unwrap();
        match verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)) {
            Ok(_) => assert!(ok, "{opts}"),
            Err(e) => {
                assert!(!ok, "{opts}: {e}");
                assert!(matches!(problem(e), SignatureError::OutsideValidity { .. }));
            }
        }
    }
}

#[test]
fn a_fingerprint_that_is_not_the_signing_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (s, store, _) = signed(dir.path(), "ada");
    let other = test_key(9).fingerprint(HashAlg::Sha256).to_string();
    edit_approval(&store, |v| v["signature"]["key_fingerprint"] = other.into());
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(
        problem(e),
        SignatureError::FingerprintMismatch { .. }
    ));
    // A signature that is not an SSHSIG at all.
    edit_approval(&store, |v| {
        v["signature"]["sshsig"] =
            "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n".into()
    });
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(problem(e), SignatureError::Malformed { .. }));
}

#[test]
fn unsigned_approvals_need_the_explicit_allowance() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let a = approve(&store, "people", SPEC, CODE, "ada", None).unwrap();
    assert_eq!(a.signature, None);
    let mut p = TrustPolicy::default();
    let e = verify_trusted(&store, "people", SPEC, CODE, &p).unwrap_err();
    assert!(matches!(problem(e), SignatureError::Unsigned));
    p.allow_unsigned = true;
    let ok = verify_trusted(&store, "people", SPEC, CODE, &p).unwrap();
    assert_eq!(ok.trust, Some(ApprovalTrust::UnsignedAllowed));
    // Stripping the signature off a signed approval is the same as never signing it.
    let (s, store, _) = signed(dir.path(), "ada");
    edit_approval(&store, |v| {
        v.as_object_mut().unwrap().remove("signature");
    });
    let e = verify_trusted(&store, "people", SPEC, CODE, &policy(&s.allowed)).unwrap_err();
    assert!(matches!(problem(e), SignatureError::Unsigned));
}

#[test]
fn a_signed_approval_with_no_allowed_signers_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store, _) = signed(dir.path(), "ada");
    let e = verify_trusted(&store, "people", SPEC, CODE, &TrustPolicy::default()).unwrap_err();
    assert!(matches!(problem(e), SignatureError::NoAllowedSigners));
    let p = policy(&dir.path().join("missing"));
    let e = verify_trusted(&store, "people", SPEC, CODE, &p).unwrap_err();
    assert!(matches!(
        problem(e),
        SignatureError::Signers(SignersError::Unreadable { .. })
    ));
}

#[test]
fn an_approval_file_claiming_trust_or_another_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    approve(&store, "people", SPEC, CODE, "ada", None).unwrap();
    let original = fs::read(store.approval_path("people")).unwrap();
    edit_approval(&store, |v| {
        v["trust"] = serde_json::json!({"status": "unsigned_allowed"})
    });
    let e = load_approval(&store, "people").unwrap_err();
    assert!(matches!(e, ApprovalError::Corrupt { .. }), "{e:?}");
    fs::write(store.approval_path("people"), &original).unwrap();
    edit_approval(&store, |v| v["name"] = "other".into());
    let e = load_approval(&store, "people").unwrap_err();
    assert!(matches!(e, ApprovalError::Corrupt { .. }), "{e:?}");
}

#[test]
fn keys_that_cannot_sign_are_refused_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let enc = dir.path().join("enc");
    ssh_keygen(&["-q", "-t", "ed25519", "-N", "a passphrase", "-f"], &enc);
    assert!(matches!(
        SigningKey::read(&enc),
        Err(SignatureError::KeyEncrypted { .. })
    ));
    let public = enc.with_extension("pub");
    assert!(matches!(
        SigningKey::read(&public),
        Err(SignatureError::KeyUnreadable { .. })
    ));
    assert!(matches!(
        SigningKey::read(&dir.path().join("none")),
        Err(SignatureError::KeyUnreadable { .. })
    ));
    for kind in ["ecdsa", "rsa"] {
        let path = dir.path().join(kind);
        ssh_keygen(&["-q", "-t", kind, "-N", "", "-f"], &path);
        assert!(
            matches!(
                SigningKey::read(&path),
                Err(SignatureError::UnsupportedAlgorithm { .. })
            ),
            "{kind}"
        );
    }
}

/// A public ECDSA key (from `ssh-keygen -t ecdsa`), a type this build does not read.
const ECDSA_KEY: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNZzMxM87SN3vioVlgULeBduoOlbqrpnblzjWbEig4gbBXumMOTlYfpVDtDSzuK6oZVPNUKvqcAHs7tA4dKuLA0=";

#[test]
fn allowed_signers_files_are_read_as_openssh_writes_them() {
    let k1 = test_key(1).public_key().to_openssh().unwrap();
    let k2 = test_key(2).public_key().to_openssh().unwrap();
    let text = format!(
        "# comment\n\n  \"sdg maintainers\",ada@example.org {k1} a comment\n\
         bob namespaces=\"git,sdg-approval\",valid-before=\"20991231Z\" {k2}\n\
         ca@example.org cert-authority {k1}\n\
         carol {ECDSA_KEY}\n"
    );
    let f = AllowedSigners::parse(Path::new("f"), &text).unwrap();
    assert_eq!(
        f.entries.len(),
        3,
        "the ECDSA line (unreadable here) is skipped"
    );
    assert_eq!(f.entries[0].principals, "sdg maintainers,ada@example.org");
    assert_eq!(f.entries[0].line, 3);
    assert_eq!(f.entries[1].namespaces.as_deref(), Some("git,sdg-approval"));
    assert!(f.entries[1].valid_before.is_some());
    assert!(f.entries[2].cert_authority);
    assert_eq!(
        f.lines_for(test_key(1).public_key().key_data()).count(),
        1,
        "a cert-authority line never vouches for a plain key"
    );
    for (bad, line) in [
        (format!("ada {k1}\nbob frobnicate {k2}\n"), 2),
        (format!("ada namespaces=git {k1}\n"), 1),
        (format!("ada valid-before=\"tomorrow\" {k1}\n"), 1),
        ("ada\n".to_string(), 1),
        ("\"ada ssh-ed25519 AAAA\n".to_string(), 1),
        ("ada ssh-ed25519 !!notbase64\n".to_string(), 1),
    ] {
        match AllowedSigners::parse(Path::new("f"), &bad) {
            Err(SignersError::BadLine { line: l, .. }) => assert_eq!(l, line, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

// ------------------------------------------------------------------ interop with ssh-keygen

fn ssh_keygen(args: &[&str], path: &Path) {
    let o = Command::new("ssh-keygen")
        .args(args)
        .arg(path)
        .output()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_signature_made_by_ssh_keygen_verifies_in_sdg() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("id");
    ssh_keygen(&["-q", "-t", "ed25519", "-N", "", "-C", "ada", "-f"], &key);
    let public = fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = dir.path().join("allowed_signers");
    fs::write(
        &allowed,
        format!("ada namespaces=\"sdg-approval\" {public}"),
    )
    .unwrap();
    // sdg writes the approval unsigned; ssh-keygen signs its canonical bytes.
    let store = store_in(dir.path());
    let a = approve(
        &store,
        "people",
        SPEC,
        CODE,
        "ada",
        Some("signed by ssh-keygen"),
    )
    .unwrap();
    let msg = dir.path().join("msg");
    fs::write(&msg, a.signed_bytes()).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "sdg-approval", "-f"])
        .arg(&key)
        .arg(&msg)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sshsig = fs::read_to_string(msg.with_extension("sig")).unwrap();
    let fp = ssh_key::PublicKey::from_openssh(public.trim())
        .unwrap()
        .fingerprint(HashAlg::Sha256)
        .to_string();
    edit_approval(&store, |v| {
        v["signature"] = serde_json::json!({
            "namespace": "sdg-approval", "key_fingerprint": fp, "sshsig": sshsig
        })
    });
    let ok = verify_trusted(&store, "people", SPEC, CODE, &policy(&allowed)).unwrap();
    assert!(
        matches!(ok.trust, Some(ApprovalTrust::Signed { ref principal, .. }) if principal == "ada")
    );
}

fn keygen_verify(allowed: &Path, principal: &str, sig: &Path, msg: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "sdg-approval", "-I", principal, "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(sig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(msg).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_signature_made_by_sdg_verifies_in_ssh_keygen() {
    let dir = tempfile::tempdir().unwrap();
    // A principal with a space: sdg writes it quoted, as ssh-keygen reads it.
    let (s, _, a) = signed(dir.path(), "sdg maintainers");
    let sig = dir.path().join("approval.sig");
    fs::write(&sig, &a.signature.as_ref().unwrap().sshsig).unwrap();
    let o = keygen_verify(&s.allowed, "sdg maintainers", &sig, &a.signed_bytes());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // ssh-keygen refuses what sdg refuses: other bytes, another principal.
    let mut changed = a.clone();
    changed.note = Some("changed".into());
    let o = keygen_verify(&s.allowed, "sdg maintainers", &sig, &changed.signed_bytes());
    assert!(!o.status.success());
    let o = keygen_verify(&s.allowed, "mallory", &sig, &a.signed_bytes());
    assert!(!o.status.success());
}

// ------------------------------------------------------------------ the binary

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// A copy of the seed_linear example, a signer trusted as `tester` (through
/// `$SDG_ALLOWED_SIGNERS`), and an empty config home so nothing of the machine's leaks in.
struct Work {
    dir: tempfile::TempDir,
    signer: Signer,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        for ext in ["yaml", "py"] {
            fs::copy(
                repo(&format!("specs/seed_linear.{ext}")),
                dir.path().join(format!("seed_linear.{ext}")),
            )
            .unwrap();
        }
        let keys = dir.path().join("keys");
        fs::create_dir(&keys).unwrap();
        fs::create_dir(dir.path().join("config")).unwrap();
        let signer = signer_in(&keys, "tester", 3);
        Work { dir, signer }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = sdg();
        c.current_dir(self.dir.path())
            .env("SDG_EXPERIMENTS", self.path("experiments"))
            .env("SDG_USER", "tester")
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("SDG_ALLOWED_SIGNERS", &self.signer.allowed)
            .env("SDG_SIGNING_KEY", &self.signer.key)
            .args(args);
        c
    }
    fn sdg(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }
    fn record(&self, id: &str) -> Value {
        let p = self.path("experiments").join(id).join("record.json");
        serde_json::from_slice(&fs::read(p).unwrap()).unwrap()
    }
}

fn run_json(w: &Work, extra: &[&str]) -> Output {
    let mut args = vec!["run", "seed_linear.yaml", "--rows", "2000", "--json"];
    args.extend_from_slice(extra);
    w.sdg(&args)
}

#[test]
fn run_verifies_the_signature_and_the_record_keeps_it() {
    let w = Work::new();
    let o = w.sdg(&["approve", "seed_linear", "--note", "signed"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run_json(&w, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json(&o);
    let fp = w.signer.private.fingerprint(HashAlg::Sha256).to_string();
    assert_eq!(v["approval"]["trust"]["status"], "signed", "{v}");
    assert_eq!(v["approval"]["trust"]["principal"], "tester");
    assert_eq!(v["approval"]["trust"]["key_fingerprint"], fp.as_str());
    assert_eq!(v["approval"]["trust"]["source"], "env");
    let rec = w.record(v["experiment"].as_str().unwrap());
    assert_eq!(rec["approval"]["signature"]["key_fingerprint"], fp.as_str());
    assert_eq!(rec["approval"]["trust"]["status"], "signed");

    // The same approval against allowed signers that do not list the key: refused, exit 2.
    let stranger = signer_in(&w.path("keys"), "tester", 4);
    let allowed = stranger.allowed.to_str().unwrap();
    let o = run_json(&w, &["--allowed-signers", allowed]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(json(&o)["error"]["kind"], "signature_unknown_key");
    // --yes runs it, but records no approval it cannot trust.
    let o = run_json(&w, &["--allowed-signers", allowed, "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(json(&o)["approval"].is_null());
}

#[test]
fn unsigned_approvals_run_only_with_allow_unsigned_and_are_recorded_as_such() {
    let w = Work::new();
    let o = w.sdg(&["approve", "seed_linear", "--unsigned"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run_json(&w, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(json(&o)["error"]["kind"], "signature_missing");
    assert!(
        !w.path("out").exists(),
        "nothing is written for a refused run"
    );
    let o = run_json(&w, &["--allow-unsigned"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json(&o);
    let rec = w.record(v["experiment"].as_str().unwrap());
    assert_eq!(rec["approval"]["trust"]["status"], "unsigned_allowed");
    assert!(rec["approval"]["signature"].is_null());
    // Approving without a key (and without --unsigned) is a named error.
    let o = w
        .cmd(&["approve", "seed_linear"])
        .env_remove("SDG_SIGNING_KEY")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn audit_refuses_a_record_whose_approval_no_longer_verifies() {
    let w = Work::new();
    assert_eq!(w.sdg(&["approve", "seed_linear"]).status.code(), Some(0));
    let o = run_json(&w, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let id = json(&o)["experiment"].as_str().unwrap().to_string();
    let o = w.sdg(&["audit", &id, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = json(&o);
    assert_eq!(v["status"], "REPRODUCED");
    assert_eq!(v["approval_trust"]["status"], "signed");

    // The signer is no longer trusted.
    let stranger = signer_in(&w.path("keys"), "tester", 5);
    let o = w.sdg(&[
        "audit",
        &id,
        "--json",
        "--allowed-signers",
        stranger.allowed.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(json(&o)["error"]["kind"], "signature_unknown_key");

    // Someone who can write the experiments folder edits the approval and every hash that
    // covers it: the files agree, the signature does not.
    let dir = w.path("experiments").join(&id);
    let mut rec = w.record(&id);
    rec["approval"]["note"] = "approved by the board".into();
    let approval_bytes = {
        let mut b = serde_json::to_vec_pretty(&rec["approval"]).unwrap();
        b.push(b'\n');
        b
    };
    for (f, bytes) in [
        ("approval.json", approval_bytes),
        ("record.json", serde_json::to_vec_pretty(&rec).unwrap()),
    ] {
        let p = dir.join(f);
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(&p, bytes).unwrap();
    }
    let o = w.sdg(&["audit", &id, "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(json(&o)["error"]["kind"], "signature_invalid");
}

#[test]
fn the_projects_allowed_signers_are_used_last_and_called_weak() {
    let w = Work::new();
    assert_eq!(w.sdg(&["approve", "seed_linear"]).status.code(), Some(0));
    fs::copy(&w.signer.allowed, w.path(".sdg/allowed_signers")).unwrap();
    let o = w
        .cmd(&["run", "seed_linear.yaml", "--rows", "2000", "--json"])
        .env_remove("SDG_ALLOWED_SIGNERS")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(json(&o)["approval"]["trust"]["source"], "project");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("only as trustworthy as whoever can write"),
        "{}",
        text(&o)
    );
    // A user's own file wins over the project's, and it does not trust this key.
    let stranger = signer_in(&w.path("keys"), "tester", 6);
    fs::create_dir_all(w.path("config/sdg")).unwrap();
    fs::copy(&stranger.allowed, w.path("config/sdg/allowed_signers")).unwrap();
    let o = w
        .cmd(&["run", "seed_linear.yaml", "--rows", "2000", "--json"])
        .env_remove("SDG_ALLOWED_SIGNERS")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(json(&o)["error"]["kind"], "signature_unknown_key");
}

#[test]
fn review_reports_approved_only_for_a_trusted_signature() {
    let w = Work::new();
    assert_eq!(w.sdg(&["approve", "seed_linear"]).status.code(), Some(0));
    let fp = w.signer.private.fingerprint(HashAlg::Sha256).to_string();
    let o = w.sdg(&["review", "seed_linear", "--json"]);
    let v = json(&o);
    assert_eq!(v["approved"], true, "{v}");
    assert_eq!(
        v["approval"]["trust"]["key_fingerprint"],
        fp.as_str(),
        "{v}"
    );
    let o = w.sdg(&["review", "seed_linear"]);
    assert!(
        text(&o).contains(&format!("signed with {fp}")),
        "{}",
        text(&o)
    );
    // The same hashes, signed by a key the allowed signers do not list: not approved, as
    // `sdg run` would refuse it.
    let stranger = signer_in(&w.path("keys"), "tester", 4);
    let o = w.sdg(&[
        "review",
        "seed_linear",
        "--json",
        "--allowed-signers",
        stranger.allowed.to_str().unwrap(),
    ]);
    let v = json(&o);
    assert_eq!(v["approved"], false, "{v}");
    assert!(v["approval_problem"].is_string(), "{v}");
    // An unsigned approval is approved for review only with --allow-unsigned, as for run.
    assert_eq!(
        w.sdg(&["approve", "seed_linear", "--unsigned"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        json(&w.sdg(&["review", "seed_linear", "--json"]))["approved"],
        false
    );
    assert_eq!(
        json(&w.sdg(&["review", "seed_linear", "--json", "--allow-unsigned"]))["approved"],
        true
    );
}
