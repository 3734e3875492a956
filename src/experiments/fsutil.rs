//! Small filesystem helpers shared by approvals and experiment records: SHA-256, durable writes
//! (write + fsync + rename + fsync of the folder), and bounded reads that refuse symlinks.

use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

pub use crate::fsutil::{is_sha256_hex, sha256_hex};

/// The first 12 hex digits of a hash followed by `…`, for messages.
pub fn short(hash: &str) -> String {
    let head: String = hash.chars().take(12).collect();
    if head.len() < hash.len() {
        format!("{head}…")
    } else {
        head
    }
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

/// Replaces `path` atomically: a temp file in the same folder, written, given `mode`, fsynced,
/// renamed over `path`, then the folder fsynced. Readers see the old or the new file, never half.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(".part")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    set_mode(tmp.path(), mode)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Creates `path` (which must not exist), writes `bytes`, sets `mode` and fsyncs it.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    set_mode(path, mode)?;
    file.sync_all()
}

/// Why a bounded, no-symlink read failed.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing at the path.
    NotFound,
    /// The path is a symbolic link; such links are never followed.
    Symlink,
    /// The path is a folder, device, socket…
    NotAFile,
    /// Larger than the bound.
    TooLarge { size: u64, max: u64 },
    /// Any other I/O failure.
    Io(io::Error),
}

impl ReadError {
    /// A short reason for messages.
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotFound => "the file is missing".into(),
            ReadError::Symlink => "it is a symbolic link, which sdg refuses to follow here".into(),
            ReadError::NotAFile => "it is not a regular file".into(),
            ReadError::TooLarge { size, max } => {
                format!("it is {size} bytes, more than the {max} bytes allowed")
            }
            ReadError::Io(e) => format!("cannot read it: {e}"),
        }
    }
}

fn open_nofollow(path: &Path) -> Result<File, ReadError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ReadError::NotFound),
        Err(e) => return Err(ReadError::Io(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(ReadError::Symlink);
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    let opened = file.metadata().map_err(ReadError::Io)?;
    if !opened.is_file() {
        return Err(ReadError::NotAFile);
    }
    #[cfg(unix)]
    {
        // The path was swapped between the check and the open (e.g. for a symlink).
        use std::os::unix::fs::MetadataExt;
        if opened.dev() != meta.dev() || opened.ino() != meta.ino() {
            return Err(ReadError::Symlink);
        }
    }
    Ok(file)
}

/// Reads a regular file (never through a symlink) of at most `max` bytes.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_nofollow(path)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > max {
        return Err(ReadError::TooLarge { size, max });
    }
    let mut buf = Vec::with_capacity(size as usize);
    // `take` bounds the read even if the file grows after the size check.
    file.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() as u64 > max {
        return Err(ReadError::TooLarge {
            size: buf.len() as u64,
            max,
        });
    }
    Ok(buf)
}

/// SHA-256 (lowercase hex) and length of a regular file (never through a symlink), streamed.
pub fn hash_file(path: &Path) -> Result<(String, u64), ReadError> {
    let mut file = open_nofollow(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), total))
}
