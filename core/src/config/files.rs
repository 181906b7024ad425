//! Reading the files a configuration names, and refusing those other users can read or change.
//!
//! Like ssh: a configuration file, private key, PKCS#12 file or password file must not be readable
//! or writable by anyone but its owner (on unix, no group or other bits); a certificate may be
//! readable by all but writable by its owner only. The refusal names the file and the `chmod`
//! that fixes it.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::files::without_waiting;

/// Nothing kmipkit reads from a configured file is larger (a CA bundle is a few hundred KiB).
const MAX_FILE_SIZE: u64 = 4 << 20;

/// How much a file must be protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Protection {
    /// Holds a secret, or says where secrets are: owner only (mode 0600 or stricter).
    Secret,
    /// Public (a certificate): anyone may read it, only its owner may change it.
    Public,
}

/// Why a file cannot be used, in words that follow "<what it is> <path>: ".
#[derive(Debug)]
pub(super) enum FileProblem {
    /// The file does not exist.
    Missing,
    /// It is a directory or another non-file.
    NotAFile,
    /// Other users may read or change it; carries the whole message with the fix.
    #[cfg_attr(not(unix), allow(dead_code))]
    Exposed(String),
    /// It is larger than anything kmipkit reads.
    TooLarge,
    /// Another I/O error.
    Io(io::Error),
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("no such file"),
            Self::NotAFile => f.write_str("not a regular file"),
            Self::Exposed(message) => f.write_str(message),
            Self::TooLarge => write!(
                f,
                "larger than {} MiB; is this the right file?",
                MAX_FILE_SIZE >> 20
            ),
            Self::Io(e) => write!(f, "cannot read it: {e}"),
        }
    }
}

impl From<io::Error> for FileProblem {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => Self::Missing,
            _ => Self::Io(e),
        }
    }
}

/// Checks that `path` is a regular file with permissions fit for `protection`, without reading it.
pub(super) fn check(path: &Path, protection: Protection) -> Result<(), FileProblem> {
    let metadata = std::fs::metadata(path)?;
    check_metadata(path, &metadata, protection)
}

/// Reads a file after checking it, into memory that is zeroized when dropped.
///
/// Only a regular file is read. The path is checked before it is opened (so a device is never
/// opened), and opened without waiting (a FIFO put there in between opens at once instead of
/// blocking until some writer comes), then the type and permissions are checked again on the
/// file actually opened, not on whatever the path names later.
pub(super) fn read(path: &Path, protection: Protection) -> Result<Zeroizing<Vec<u8>>, FileProblem> {
    check(path, protection)?;
    let file = open_without_waiting(path)?;
    let metadata = file.metadata()?;
    check_metadata(path, &metadata, protection)?;
    // Sized up front so the buffer never reallocates, which would leave an unzeroized copy.
    let capacity = usize::try_from(metadata.len().min(MAX_FILE_SIZE)).unwrap_or(0) + 1;
    let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(FileProblem::TooLarge);
    }
    Ok(bytes)
}

/// Reads a password file: UTF-8, one trailing line break removed, not empty.
pub(super) fn read_password(path: &Path) -> Result<Zeroizing<String>, FileProblem> {
    let mut bytes = read(path, Protection::Secret)?;
    let mut text = match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Zeroizing::new(text),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            return Err(FileProblem::Io(io::Error::new(
                io::ErrorKind::InvalidData,
                "not UTF-8 text",
            )));
        }
    };
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.is_empty() {
        return Err(FileProblem::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is empty",
        )));
    }
    Ok(text)
}

/// Opens `path` for reading; never blocks in `open` (a FIFO without a writer would block forever).
fn open_without_waiting(path: &Path) -> io::Result<File> {
    without_waiting(OpenOptions::new().read(true)).open(path)
}

fn check_metadata(
    path: &Path,
    metadata: &std::fs::Metadata,
    protection: Protection,
) -> Result<(), FileProblem> {
    if !metadata.is_file() {
        return Err(FileProblem::NotAFile);
    }
    if metadata.len() > MAX_FILE_SIZE {
        return Err(FileProblem::TooLarge);
    }
    check_mode(path, metadata, protection)
}

#[cfg(unix)]
fn check_mode(
    path: &Path,
    metadata: &std::fs::Metadata,
    protection: Protection,
) -> Result<(), FileProblem> {
    use std::os::unix::fs::PermissionsExt;
    mode_problem(metadata.permissions().mode(), protection, path)
        .map_or(Ok(()), |m| Err(FileProblem::Exposed(m)))
}

#[cfg(not(unix))]
fn check_mode(_: &Path, _: &std::fs::Metadata, _: Protection) -> Result<(), FileProblem> {
    Ok(())
}

/// What is wrong with `mode` for a file of this protection, with the command that fixes it.
#[cfg_attr(not(unix), allow(dead_code))]
pub(super) fn mode_problem(mode: u32, protection: Protection, path: &Path) -> Option<String> {
    let mode = mode & 0o7777;
    let shown = path.display();
    match protection {
        Protection::Secret => {
            let others = mode & 0o077;
            let what = match (others & 0o044 != 0, others & 0o022 != 0) {
                (true, true) => "readable and writable by other users",
                (true, false) => "readable by other users",
                (false, true) => "writable by other users",
                (false, false) if others != 0 => "accessible by other users",
                (false, false) => return None,
            };
            Some(format!("{what} (mode {mode:04o}); run: chmod 600 {shown}"))
        }
        Protection::Public => (mode & 0o022 != 0)
            .then(|| format!("writable by other users (mode {mode:04o}); run: chmod go-w {shown}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let p = Path::new("/etc/kmipkit.toml");
        assert_eq!(
            mode_problem(0o100644, Protection::Secret, p).unwrap(),
            "readable by other users (mode 0644); run: chmod 600 /etc/kmipkit.toml"
        );
        assert!(mode_problem(0o600, Protection::Secret, p).is_none());
        assert!(mode_problem(0o400, Protection::Secret, p).is_none());
        assert!(
            mode_problem(0o620, Protection::Secret, p)
                .unwrap()
                .starts_with("writable")
        );
        assert!(
            mode_problem(0o666, Protection::Secret, p)
                .unwrap()
                .starts_with("readable and writable")
        );
        assert!(
            mode_problem(0o610, Protection::Secret, p)
                .unwrap()
                .starts_with("accessible")
        );
        assert!(mode_problem(0o644, Protection::Public, p).is_none());
        assert!(
            mode_problem(0o646, Protection::Public, p)
                .unwrap()
                .contains("chmod go-w")
        );
    }
}
