//! A scratch project for runs of the real `sdg` binary on the seed spec: its own folder (the
//! working directory, with `experiments/` inside), outputs and helpers to read what came back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// A file of the repository.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The seed spec (x ~ U(0, 1), y = 2x + noise), run from the repository with `--yes`.
pub fn seed_spec() -> PathBuf {
    repo("specs/seed_linear.yaml")
}

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Self {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// The project's experiments folder.
    pub fn experiments(&self) -> PathBuf {
        self.path("experiments")
    }

    /// `sdg ARGS` in the project, recording into its experiments folder.
    pub fn sdg(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sdg"));
        c.current_dir(self.dir.path())
            .env("SDG_EXPERIMENTS", self.experiments())
            .args(args);
        c
    }

    /// `sdg run --yes --json` of the seed spec with `seed` and `rows`, to `out` (relative to the
    /// project), with `extra` arguments.
    pub fn run(&self, seed: u64, rows: u64, out: &str, extra: &[&str]) -> Command {
        let (seed, rows) = (seed.to_string(), rows.to_string());
        let mut c = self.sdg(&["run", "--yes", "--json", "--seed", &seed, "--rows", &rows]);
        c.args(["--out", out]).args(extra).arg(seed_spec());
        c
    }
}

/// stdout and stderr, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The one JSON object a `--json` command printed.
pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

/// Lowercase hex SHA-256 of a file's bytes.
pub fn sha256_of(path: &Path) -> String {
    hex::encode(Sha256::digest(fs::read(path).unwrap()))
}

/// The names in a folder, sorted (empty if it does not exist).
pub fn entries(dir: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file under `dir` with its bytes, sorted by path (to prove a folder was left alone).
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Makes `cmd`'s process unable to write any file past `bytes` (RLIMIT_FSIZE), with SIGXFSZ
/// ignored so the write fails with EFBIG instead of killing it. Root is bound by it too.
#[cfg(unix)]
pub fn limit_file_size(cmd: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls (setrlimit, signal) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
