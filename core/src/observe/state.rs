//! The chain state file: the last serial and hash, so a restart continues the chain and a
//! removed tail of the log is noticed.
//!
//! The file sits next to the log (`<log>.state` by default) and holds three lines:
//!
//! ```text
//! kmipkit-log-state 1
//! serial=42
//! hash=<64 hex digits>
//! ```
//!
//! It is replaced atomically after every line written: a temporary file in the same directory
//! is written, flushed to disk (`fsync`), renamed over the old one, and the directory is
//! flushed, so a crash leaves either the old or the new state, never a torn one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::chain::{Digest, hex};
use crate::error::{Error, Result};

const MAGIC: &str = "kmipkit-log-state 1";

/// Where a chain stands: the serial and hash of its last line (0 and zeros before the first).
///
/// ```
/// use kmipkit::observe::ChainState;
/// let dir = std::env::temp_dir().join(format!("kmipkit-state-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("kmipkit.log.state");
/// let state = ChainState { last_serial: 42, last_hash: [7; 32] };
/// state.save(&path).unwrap();
/// assert_eq!(ChainState::load(&path).unwrap(), Some(state));
/// assert_eq!(ChainState::load(&dir.join("missing")).unwrap(), None);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChainState {
    /// The serial number of the last line written.
    pub last_serial: u64,
    /// The hash of the last line written.
    pub last_hash: Digest,
}

impl ChainState {
    /// The default state file of a log file: `<log>.state`.
    pub fn path_for(log: &Path) -> PathBuf {
        let mut name = log.as_os_str().to_owned();
        name.push(".state");
        PathBuf::from(name)
    }

    /// Reads a state file; `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<ChainState>> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(log_error(path, format!("cannot read the chain state: {e}"))),
        };
        Self::parse(&text)
            .map(Some)
            .ok_or_else(|| {
                log_error(
                    path,
                    "not a kmipkit chain state file (damaged or replaced); check the log with `kmipkit log verify`, then remove this file to start a new chain",
                )
            })
    }

    /// Parses the text of a state file.
    pub fn parse(text: &str) -> Option<ChainState> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let last_serial = lines.next()?.strip_prefix("serial=")?.parse().ok()?;
        let hash_hex = lines.next()?.strip_prefix("hash=")?;
        let line = format!("serial={last_serial} hash={hash_hex}");
        let last_hash = super::chain::parse_line(&line)?.hash;
        Some(ChainState {
            last_serial,
            last_hash,
        })
    }

    /// The text of a state file.
    pub fn to_text(&self) -> String {
        format!(
            "{MAGIC}\nserial={}\nhash={}\n",
            self.last_serial,
            hex(&self.last_hash)
        )
    }

    /// Replaces the state file atomically (temporary file, fsync, rename, fsync of the
    /// directory); the file is private to its owner (mode 0600).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut temp = path.as_os_str().to_owned();
        temp.push(".tmp");
        let temp = PathBuf::from(temp);
        let write = || -> std::io::Result<()> {
            let mut file = private_file(&temp)?;
            file.write_all(self.to_text().as_bytes())?;
            file.sync_all()?;
            fs::rename(&temp, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // Makes the rename itself durable; not every platform can open a directory.
                if let Ok(dir) = fs::File::open(dir) {
                    let _ = dir.sync_all();
                }
            }
            Ok(())
        };
        write().map_err(|e| log_error(path, format!("cannot save the chain state: {e}")))
    }
}

/// Creates (truncating) a file only its owner can read and write.
pub(crate) fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

pub(crate) fn log_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Log {
        path: Some(path.display().to_string()),
        reason: reason.into(),
    }
}
