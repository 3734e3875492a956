//! Leaf file helpers every stage may use, the sandbox included: SHA-256 in lowercase hex (of
//! bytes or streamed from a reader), and the one way sdg writes a file durably: a temporary file
//! beside its destination ([`Staged`]), written, fsynced, renamed over the destination, with the
//! folder fsynced where the caller needs the rename itself to survive a crash ([`write_atomic`]).
//!
//! This module imports nothing from the crate (like [`crate::untrusted`]), so `sandbox`, which
//! imports nothing else from the crate but leaf utilities, can share it with `columns` and
//! `experiments`. Errors are plain [`io::Error`]s; each caller wraps them in its stage's error.

use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// True if `s` looks like a lowercase hex SHA-256 (64 characters of `0-9a-f`).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lowercase hex SHA-256 and length of everything `r` yields, read in 64 KiB chunks.
pub fn hash_reader(mut r: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

/// Flushes a folder's entry table to disk (no-op where folders cannot be opened, e.g. Windows).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Sets unix permission bits (no-op elsewhere; read-only where `mode` has no write bit).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let mut perms = fs::metadata(path)?.permissions();
        perms.set_readonly(mode & 0o222 == 0);
        fs::set_permissions(path, perms)
    }
}

/// The folder a file at `path` lives in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A file written in a temporary place (`{prefix}*{suffix}`, mode 0600) in its destination's
/// folder, so that [`publish`](Self::publish) is one rename on the same file system. Dropped
/// without publishing, the temporary file is removed.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    dir: PathBuf,
}

impl Staged {
    /// Creates the temporary file beside `dest`.
    pub fn beside(dest: &Path, prefix: &str, suffix: &str) -> io::Result<Staged> {
        let dir = folder_of(dest);
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(suffix)
            .tempfile_in(&dir)?;
        Ok(Staged { tmp, dir })
    }

    /// The temporary file's path.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// The open temporary file.
    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    /// The folder of the temporary file and of its destination.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes`, gives the file `mode` and fsyncs it.
    pub fn write_synced(&mut self, bytes: &[u8], mode: u32) -> io::Result<()> {
        self.tmp.write_all(bytes)?;
        set_mode(self.tmp.path(), mode)?;
        self.tmp.as_file().sync_all()
    }

    /// Renames the file over `dest` (readers see the old or the new file, never half). The
    /// folder is not fsynced: call [`sync_dir`] on [`dir`](Self::dir) where the rename must last.
    pub fn publish(self, dest: &Path) -> io::Result<()> {
        self.tmp.persist(dest).map(drop).map_err(|e| e.error)
    }
}

/// Replaces `path` atomically: a temp file in the same folder (`.tmp-*.part`), written, given
/// `mode`, fsynced, renamed over `path`, then the folder fsynced.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut staged = Staged::beside(path, ".tmp-", ".part")?;
    staged.write_synced(bytes, mode)?;
    let dir = staged.dir().to_path_buf();
    staged.publish(path)?;
    sync_dir(&dir)
}

/// Creates `path` (which must not exist), writes `bytes`, sets `mode` and fsyncs it.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    set_mode(path, mode)?;
    file.sync_all()
}
