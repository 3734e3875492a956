//! Small filesystem helpers shared by approvals and experiment records: bounded reads that refuse
//! symlinks, and short hashes for messages. SHA-256 and durable writes (write + fsync + rename +
//! fsync of the folder) are the crate's one copy in the leaf [`crate::fsutil`], re-exported here.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

pub use crate::fsutil::{is_sha256_hex, set_mode, sha256_hex, sync_dir, write_atomic, write_new};

/// The first 12 hex digits of a hash followed by `…`, for messages.
pub fn short(hash: &str) -> String {
    let head: String = hash.chars().take(12).collect();
    if head.len() < hash.len() {
        format!("{head}…")
    } else {
        head
    }
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
    crate::fsutil::hash_reader(open_nofollow(path)?).map_err(ReadError::Io)
}
