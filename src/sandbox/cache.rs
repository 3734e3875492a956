//! The compiled-module cache: the start-up snapshot of `python.wasm` (see `snapshot`) compiled to
//! native code once, reused by every process.
//!
//! A `.cwasm` is native code that wasmtime maps and runs as found, so it is only loaded when it is
//! provably the file this code wrote: a private folder (0700), a private file (0600) owned by the
//! folder's owner, and a sidecar recording its size, sha256, inode and mtime at write time. A file
//! that fails any check, or that wasmtime refuses (another version or settings), is rebuilt.
//! `sdg runtime verify` re-hashes it in full. The key ([`cache_key`]) covers every input of the
//! compiled snapshot: every pinned artifact's hash (python.wasm is compiled, the stdlib zip is
//! read while the snapshot is taken), the snapshot digest (harness and snapshot format), the
//! wasmtime version and a digest of the engine settings. The sidecar also records the hashes of
//! the bytes actually compiled, measured at compile time: they are the runtime identity a run
//! reports. Writes are atomic (temp file, fsync, rename).

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use super::engine::{settings_digest, WASMTIME_VERSION};
use super::error::SandboxError;
use super::runtime::{private_dir, Runtime, PYTHON_WASM, STDLIB_ZIP};
use crate::fsutil::{sha256_hex, Staged};

/// How the module was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Mapped from a valid `.cwasm`.
    Loaded,
    /// Compiled now (none was cached, or the cached one was refused).
    Compiled,
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Debug)]
struct Sidecar {
    size: u64,
    sha256: String,
    ino: u64,
    mtime_ns: i128,
    /// (artifact name, sha256 of the bytes the snapshot was built from), measured at compile.
    inputs: Vec<(String, String)>,
}

/// A digest of everything the compiled snapshot depends on: every pinned artifact (name and
/// hash), the snapshot digest (harness, snapshot format), the wasmtime version and the engine
/// settings. Changing any one of them names a different cache file.
pub fn cache_key(engine: &Engine, rt: &Runtime) -> String {
    let mut h = Sha256::new();
    h.update(b"sdg cwasm key v2\0");
    for (name, sha) in &rt.pin.artifacts {
        h.update(name.as_bytes());
        h.update(b"\0");
        h.update(sha.as_bytes());
        h.update(b"\0");
    }
    h.update(super::snapshot::digest().as_bytes());
    h.update(b"\0");
    h.update(WASMTIME_VERSION.as_bytes());
    h.update(b"\0");
    h.update(settings_digest(engine).to_le_bytes());
    hex::encode(h.finalize())
}

/// The cache file for this runtime and engine.
pub fn cwasm_path(engine: &Engine, rt: &Runtime, cache_dir: &Path) -> PathBuf {
    let key = cache_key(engine, rt);
    cache_dir.join(format!("{}-wasmtime{WASMTIME_VERSION}.cwasm", &key[..32]))
}

/// The hashes of the inputs a trusted cache file was compiled from, as its sidecar recorded
/// them at compile time.
pub fn compiled_inputs(path: &Path) -> Result<Vec<(String, String)>, String> {
    Ok(read_sidecar(path)?.inputs)
}

fn read_sidecar(path: &Path) -> Result<Sidecar, String> {
    let side = fs::read(sidecar_path(path)).map_err(|e| format!("no sidecar: {e}"))?;
    serde_json::from_slice(&side).map_err(|e| format!("bad sidecar: {e}"))
}

fn sidecar_path(cwasm: &Path) -> PathBuf {
    cwasm.with_extension("meta")
}

fn mtime_ns(m: &fs::Metadata) -> i128 {
    i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())
}

/// Loads the cached module, or compiles and caches it. `progress` hears about a compile.
pub fn load_or_compile(
    engine: &Engine,
    rt: &Runtime,
    cache_dir: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<(Module, CacheOutcome, Duration), SandboxError> {
    private_dir(cache_dir)?;
    let path = cwasm_path(engine, rt, cache_dir);
    let start = Instant::now();
    if trusted(&path, cache_dir).is_ok() {
        // SAFETY: `deserialize_file` runs the file's native code. `trusted` established that it is
        // the file this module wrote (private folder and file, same inode, size and mtime as
        // recorded right after the atomic rename); wasmtime itself checks version and settings.
        if let Ok(m) = unsafe { Module::deserialize_file(engine, &path) } {
            return Ok((m, CacheOutcome::Loaded, start.elapsed()));
        }
    }
    progress(&format!(
        "building the start-up snapshot of {} and compiling it to native code \
         (a few minutes, once per machine)",
        rt.python_wasm().display()
    ));
    compile_into(engine, rt, &path)?;
    // SAFETY: the file was written by `compile_into` just now, from bytes whose sha256 matched the
    // pin, into the private cache folder.
    let m = unsafe { Module::deserialize_file(engine, &path) }
        .map_err(|e| SandboxError::engine("loading the module just compiled", e))?;
    let took = start.elapsed();
    progress(&format!("compiled in {:.1} s", took.as_secs_f64()));
    Ok((m, CacheOutcome::Compiled, took))
}

/// Why a cache file is not trusted (`Ok` when it is).
pub fn trusted(path: &Path, cache_dir: &Path) -> Result<(), String> {
    let dir = fs::metadata(cache_dir).map_err(|e| e.to_string())?;
    if dir.permissions().mode() & 0o077 != 0 {
        return Err("cache folder is readable or writable by others".into());
    }
    let meta = fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.file_type().is_file() {
        return Err("not a regular file".into());
    }
    if meta.permissions().mode() & 0o077 != 0 || meta.uid() != dir.uid() {
        return Err("not a private file of the cache's owner".into());
    }
    let side = read_sidecar(path)?;
    if side.size != meta.len() || side.ino != meta.ino() || side.mtime_ns != mtime_ns(&meta) {
        return Err("changed since it was written".into());
    }
    Ok(())
}

/// Re-hashes a cache file against its sidecar.
pub fn verify_file(path: &Path) -> Result<(), String> {
    let side = read_sidecar(path)?;
    let got = super::runtime::hash_file(path).map_err(|e| e.to_string())?;
    if got != side.sha256 {
        return Err(format!("sha256 {got}, recorded {}", side.sha256));
    }
    Ok(())
}

fn compile_into(engine: &Engine, rt: &Runtime, path: &Path) -> Result<(), SandboxError> {
    let wasm_path = rt.python_wasm();
    let wasm = fs::read(&wasm_path).map_err(SandboxError::io(&wasm_path))?;
    let wasm_sha = sha256_hex(&wasm);
    if wasm_sha != rt.python_wasm_sha256() {
        return Err(SandboxError::Runtime {
            path: wasm_path,
            reason: format!(
                "sha256 {wasm_sha}, pinned {}; run `sdg runtime install --force`",
                rt.python_wasm_sha256()
            ),
        });
    }
    // The snapshot imports numpy from the stdlib zip: it is an input too.
    let stdlib_sha = rt.verify_artifact(STDLIB_ZIP)?;
    let snapshot = super::snapshot::build(engine, rt, &wasm)?;
    drop(wasm);
    let native = engine
        .precompile_module(&snapshot)
        .map_err(|e| SandboxError::engine("compiling the start-up snapshot", e))?;
    drop(snapshot);
    let inputs = vec![
        (PYTHON_WASM.to_string(), wasm_sha),
        (STDLIB_ZIP.to_string(), stdlib_sha),
    ];
    store(path, &native, inputs)
}

/// Writes `native` to the cache file `path` (atomically, 0600) and then its sidecar.
fn store(path: &Path, native: &[u8], inputs: Vec<(String, String)>) -> Result<(), SandboxError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = Staged::beside(path, ".cwasm-", "").map_err(SandboxError::io(dir))?;
    tmp.write_synced(native, 0o600)
        .map_err(SandboxError::io(tmp.path()))?;
    let sha = sha256_hex(native);
    // A stale sidecar must never vouch for the new file: remove it before the rename.
    let side_path = sidecar_path(path);
    let _ = fs::remove_file(&side_path);
    tmp.publish(path).map_err(SandboxError::io(path))?;
    let meta = fs::metadata(path).map_err(SandboxError::io(path))?;
    let side = Sidecar {
        size: meta.len(),
        sha256: sha,
        ino: meta.ino(),
        mtime_ns: mtime_ns(&meta),
        inputs,
    };
    let json = serde_json::to_vec(&side)
        .map_err(|e| SandboxError::io(&side_path)(std::io::Error::other(e)))?;
    let mut side_tmp = Staged::beside(&side_path, ".meta-", "").map_err(SandboxError::io(dir))?;
    side_tmp
        .write_synced(&json, 0o600)
        .map_err(SandboxError::io(side_tmp.path()))?;
    side_tmp
        .publish(&side_path)
        .map_err(SandboxError::io(&side_path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::runtime::Pin;

    fn runtime(pin: Pin) -> Runtime {
        Runtime {
            dir: PathBuf::from("/nonexistent"),
            pin,
        }
    }

    #[test]
    fn the_cache_key_covers_every_pinned_artifact() {
        let engine = crate::sandbox::engine().unwrap();
        let dir = Path::new("/cache");
        let base = cwasm_path(engine, &runtime(Pin::builtin()), dir);
        assert!(Pin::builtin().artifact_sha(STDLIB_ZIP).is_some());
        for i in 0..Pin::builtin().artifacts.len() {
            let mut pin = Pin::builtin();
            let sha = &mut pin.artifacts[i].1;
            *sha = sha.chars().rev().collect();
            let other = cwasm_path(engine, &runtime(pin.clone()), dir);
            assert_ne!(
                other, base,
                "changing `{}` kept the key",
                pin.artifacts[i].0
            );
        }
    }

    fn private_tempdir() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        fs::set_permissions(d.path(), fs::Permissions::from_mode(0o700)).unwrap();
        d
    }

    #[test]
    fn a_stored_file_is_trusted_and_verified_and_records_its_inputs() {
        let d = private_tempdir();
        let path = d.path().join("m.cwasm");
        let inputs = vec![("python.wasm".to_string(), "ab".repeat(32))];
        store(&path, b"native code", inputs.clone()).unwrap();
        assert_eq!(trusted(&path, d.path()), Ok(()));
        assert_eq!(verify_file(&path), Ok(()));
        assert_eq!(compiled_inputs(&path).unwrap(), inputs);
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mode = fs::metadata(sidecar_path(&path))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_flipped_byte_is_refused_by_verify_even_with_the_mtime_restored() {
        let d = private_tempdir();
        let path = d.path().join("m.cwasm");
        store(&path, b"native code", vec![]).unwrap();
        let before = fs::metadata(&path).unwrap();
        // Flip one byte in place (same inode, same size), then put the mtime back: the cheap
        // check at load still passes; the full re-hash of `sdg runtime verify` does not.
        let mut bytes = fs::read(&path).unwrap();
        bytes[0] ^= 1;
        fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
            .unwrap();
        let f = fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(before.modified().unwrap()).unwrap();
        drop(f);
        assert_eq!(trusted(&path, d.path()), Ok(()));
        let got = hex::encode(Sha256::digest(&bytes));
        let recorded = hex::encode(Sha256::digest(b"native code"));
        assert_eq!(
            verify_file(&path),
            Err(format!("sha256 {got}, recorded {recorded}"))
        );
        // Any change that moves the mtime is refused at load already.
        bytes[0] ^= 1;
        fs::write(&path, &bytes).unwrap();
        f_set_mtime_later(&path, &before);
        assert!(trusted(&path, d.path()).is_err());
    }

    fn f_set_mtime_later(path: &Path, before: &fs::Metadata) {
        let later = before.modified().unwrap() + Duration::from_secs(5);
        let f = fs::File::options().write(true).open(path).unwrap();
        f.set_modified(later).unwrap();
    }
}
