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
//! It is saved whenever the logger's queue runs empty (once per burst of lines) and on every
//! flush, and replaced atomically: a temporary file in the same directory
//! is written, flushed to disk (`fsync`), renamed over the old one, and the directory is
//! flushed, so a crash leaves either the old or the new state, never a torn one.

use std::fs;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::chain::{Digest, hex};
use crate::error::{Error, Result};

/// The first line of a state file.
pub(crate) const MAGIC: &str = "kmipkit-log-state 1";

/// The longest state file read, in bytes: its three lines take under 110, so a longer file is
/// damaged or not a state file, and a huge or endless one (`--state /dev/zero`) is not read whole.
pub(crate) const MAX_STATE_BYTES: u64 = 256;

/// How much of the end of a log [`ChainState::caught_up`] reads: far more than one burst of
/// lines written between two saves of the state (a full default queue of 1,024 lines).
pub const CATCH_UP_BYTES: u64 = 16 << 20;

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
        let cannot_read =
            |e: std::io::Error| log_error(path, format!("cannot read the chain state: {e}"));
        let file = match crate::files::open_regular(fs::OpenOptions::new().read(true), path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(cannot_read(e)),
        };
        let mut text = String::new();
        file.take(MAX_STATE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(cannot_read)?;
        Some(&text)
            .filter(|text| text.len() as u64 <= MAX_STATE_BYTES)
            .and_then(|text| Self::parse(text))
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
        let last_serial: u64 = lines.next()?.strip_prefix("serial=")?.parse().ok()?;
        // No log reaches 2^63 lines; a state file that says so is damaged, and continuing
        // from it would overflow the next serial.
        if last_serial >= 1 << 63 {
            return None;
        }
        let hash_hex = lines.next()?.strip_prefix("hash=")?;
        let line = format!("serial={last_serial} hash={hash_hex}");
        let last_hash = super::chain::parse_line(&line)?.hash;
        Some(ChainState {
            last_serial,
            last_hash,
        })
    }

    /// This state moved past the lines of `log` that chain from it: lines a crash left written
    /// but not yet recorded in the state file (it is saved once per burst). Without this, a
    /// restart would give the next lines the serials of those and break the chain.
    ///
    /// Only the last [`CATCH_UP_BYTES`] of the log are read, one line at a time; a line longer
    /// than [`MAX_LINE_BYTES`](super::verify::MAX_LINE_BYTES) ends the walk. Lines that do not
    /// chain (altered, inserted) are not followed, so tampering after the state is still
    /// reported by the verifier, and a missing state file is never replaced by the log's tail.
    ///
    /// ```
    /// use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin};
    /// let dir = std::env::temp_dir().join(format!("kmipkit-catch-up-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let log = dir.join("kmipkit.log");
    /// let mut chain = Chain::new(ChainState::default());
    /// let origin = Origin::new("h", 1);
    /// let first = chain.append(Format::Json, &origin, Level::Basic, &Event::operation("Get", 0));
    /// let saved = *chain.state();
    /// let second = chain.append(Format::Json, &origin, Level::Basic, &Event::operation("Get", 1));
    /// std::fs::write(&log, format!("{first}\n{second}\n")).unwrap();
    /// assert_eq!(saved.caught_up(&log), *chain.state());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn caught_up(self, log: &Path) -> ChainState {
        let Ok(mut file) = crate::files::open_regular(fs::OpenOptions::new().read(true), log)
        else {
            return self;
        };
        let length = file.metadata().map_or(0, |m| m.len());
        let start = length.saturating_sub(CATCH_UP_BYTES);
        if file.seek(SeekFrom::Start(start)).is_err() {
            return self;
        }
        let mut reader = BufReader::new(file);
        let mut buffer = Vec::new();
        let cap = super::verify::MAX_LINE_BYTES as u64 + 1;
        let mut state = self;
        loop {
            buffer.clear();
            match (&mut reader).take(cap).read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => return state,
                Ok(_) if buffer.len() as u64 == cap => return state,
                Ok(_) => {}
            }
            let Ok(text) = std::str::from_utf8(&buffer) else {
                continue;
            };
            let Some(line) = super::chain::parse_line(text) else {
                continue;
            };
            let next = state.last_serial.checked_add(1);
            if Some(line.serial) == next
                && super::chain::link(&state.last_hash, &line.canonical, "") == line.hash
            {
                state = ChainState {
                    last_serial: line.serial,
                    last_hash: line.hash,
                };
            }
        }
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
    ///
    /// The temporary file has an unpredictable name and is created with `O_EXCL|O_NOFOLLOW`
    /// ([`crate::files::create_temp`]): a link planted beside the state is never written through.
    pub fn save(&self, path: &Path) -> Result<()> {
        let (mut file, temp) = crate::files::create_temp(path)
            .map_err(|e| log_error(path, format!("cannot save the chain state: {e}")))?;
        let mut write = || -> std::io::Result<()> {
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
        write().map_err(|e| {
            let _ = fs::remove_file(&temp);
            log_error(path, format!("cannot save the chain state: {e}"))
        })
    }
}

pub(crate) fn log_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Log {
        path: Some(path.display().to_string()),
        reason: reason.into(),
    }
}
