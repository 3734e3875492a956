//! The compiled-module cache: the start-up snapshot of `python.wasm` (see `snapshot`) compiled to
//! native code once, reused by every process.
//!
//! A `.cwasm` is native code that wasmtime maps and runs as found, so it is only loaded when it is
//! provably the file this code wrote: a private folder (0700), a private file (0600) owned by the
//! folder's owner, and a sidecar recording its size, sha256, inode and mtime at write time. A file
//! that fails any check, or that wasmtime refuses (another version or settings), is rebuilt.
//! `sdg runtime verify` re-hashes it in full. Keys: artifact hash + snapshot digest (harness and
//! snapshot format) + wasmtime version + a digest of the engine settings. Writes are atomic (temp file, fsync, rename).

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use super::engine::{settings_digest, WASMTIME_VERSION};
use super::error::SandboxError;
use super::runtime::{private_dir, write_synced, Runtime};

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
}

/// The cache file for this runtime and engine.
pub fn cwasm_path(engine: &Engine, rt: &Runtime, cache_dir: &Path) -> PathBuf {
    let sha = rt.python_wasm_sha256();
    let short = sha.get(..32).unwrap_or(sha);
    let snap = super::snapshot::digest();
    cache_dir.join(format!(
        "{short}-snapshot{}-wasmtime{WASMTIME_VERSION}-{:016x}.cwasm",
        &snap[..12],
        settings_digest(engine)
    ))
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
    let side = fs::read(sidecar_path(path)).map_err(|e| format!("no sidecar: {e}"))?;
    let side: Sidecar = serde_json::from_slice(&side).map_err(|e| format!("bad sidecar: {e}"))?;
    if side.size != meta.len() || side.ino != meta.ino() || side.mtime_ns != mtime_ns(&meta) {
        return Err("changed since it was written".into());
    }
    Ok(())
}

/// Re-hashes a cache file against its sidecar.
pub fn verify_file(path: &Path) -> Result<(), String> {
    let side = fs::read(sidecar_path(path)).map_err(|e| format!("no sidecar: {e}"))?;
    let side: Sidecar = serde_json::from_slice(&side).map_err(|e| format!("bad sidecar: {e}"))?;
    let got = super::runtime::hash_file(path).map_err(|e| e.to_string())?;
    if got != side.sha256 {
        return Err(format!("sha256 {got}, recorded {}", side.sha256));
    }
    Ok(())
}

fn compile_into(engine: &Engine, rt: &Runtime, path: &Path) -> Result<(), SandboxError> {
    let wasm_path = rt.python_wasm();
    let wasm = fs::read(&wasm_path).map_err(SandboxError::io(&wasm_path))?;
    let got = hex::encode(Sha256::digest(&wasm));
    if got != rt.python_wasm_sha256() {
        return Err(SandboxError::Runtime {
            path: wasm_path,
            reason: format!(
                "sha256 {got}, pinned {}; run `sdg runtime install --force`",
                rt.python_wasm_sha256()
            ),
        });
    }
    let snapshot = super::snapshot::build(engine, rt, &wasm)?;
    drop(wasm);
    let native = engine
        .precompile_module(&snapshot)
        .map_err(|e| SandboxError::engine("compiling the start-up snapshot", e))?;
    drop(snapshot);
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".cwasm-")
        .tempfile_in(dir)
        .map_err(SandboxError::io(dir))?;
    write_synced(tmp.path(), &native)?;
    let sha = hex::encode(Sha256::digest(&native));
    drop(native);
    // A stale sidecar must never vouch for the new file: remove it before the rename.
    let side_path = sidecar_path(path);
    let _ = fs::remove_file(&side_path);
    tmp.persist(path)
        .map_err(|e| SandboxError::io(path)(e.error))?;
    let meta = fs::metadata(path).map_err(SandboxError::io(path))?;
    let side = Sidecar {
        size: meta.len(),
        sha256: sha,
        ino: meta.ino(),
        mtime_ns: mtime_ns(&meta),
    };
    let json = serde_json::to_vec(&side)
        .map_err(|e| SandboxError::io(&side_path)(std::io::Error::other(e)))?;
    let side_tmp = tempfile::Builder::new()
        .prefix(".meta-")
        .tempfile_in(dir)
        .map_err(SandboxError::io(dir))?;
    write_synced(side_tmp.path(), &json)?;
    side_tmp
        .persist(&side_path)
        .map_err(|e| SandboxError::io(&side_path)(e.error))?;
    Ok(())
}
