//! What `[log]` and `[audit]` in `kmipkit.toml` say, as typed values (no I/O here).

use std::path::PathBuf;

use super::{Format, Level};

/// Where log lines go (`destination` in `[log]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A file, rotated by size or reopened when logrotate moves it.
    File {
        /// The log file.
        path: PathBuf,
        /// How the file is rotated.
        rotation: Rotation,
    },
    /// The local syslog daemon over its unix datagram socket (`/dev/log` by default).
    Unix {
        /// The socket.
        socket: PathBuf,
    },
    /// A syslog receiver over UDP (RFC 5426), one line per datagram.
    Udp {
        /// `host:port`.
        address: String,
    },
    /// A syslog receiver over TCP, lines ending with LF (RFC 6587 non-transparent framing).
    Tcp {
        /// `host:port`.
        address: String,
    },
    /// A syslog receiver over TLS (RFC 5425 transport), lines ending with LF.
    Tls {
        /// `host:port`; the host must match the receiver's certificate.
        address: String,
        /// PEM CA certificate(s) that signed the receiver's certificate.
        ca: PathBuf,
    },
}

/// How a log file is rotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// kmipkit rotates: when the file would exceed `max_bytes`, it becomes `<log>.1` (the older
    /// ones shift to `.2`, ...) and at most `keep` old files are kept.
    Size {
        /// The largest size of one file.
        max_bytes: u64,
        /// How many rotated files are kept.
        keep: u32,
    },
    /// An external tool (logrotate) moves the file; kmipkit reopens the path when the file it
    /// writes to was moved or removed (no signal needed; use logrotate's `create`, not
    /// `copytruncate`).
    External,
}

/// The `[log]` section.
///
/// ```
/// use kmipkit::observe::{Format, Level, LogSettings};
/// let settings = LogSettings::default();
/// assert_eq!((settings.level, settings.format), (Level::Basic, Format::Rfc3164));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// How much is written.
    pub level: Level,
    /// The line format.
    pub format: Format,
    /// Where lines go; `None` when the file has no `[log]` section (nothing is logged).
    pub destination: Option<Destination>,
    /// The chain state file; by default `<log>.state` for files, none for network destinations
    /// (then serials restart with each process, which the verifier shows as a restart).
    pub state_file: Option<PathBuf>,
    /// The syslog facility number (10, authpriv, by default).
    pub facility: u8,
    /// Lines queued for a slow receiver before new ones are dropped (and counted).
    pub queue: usize,
    /// The host name in syslog headers; this machine's by default.
    pub hostname: Option<String>,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: Level::Basic,
            format: Format::Rfc3164,
            destination: None,
            state_file: None,
            facility: 10,
            queue: 1024,
            hostname: None,
        }
    }
}

impl LogSettings {
    /// The state file in use: the configured one, else `<log>.state` for a file destination.
    pub fn state_path(&self) -> Option<PathBuf> {
        match (&self.state_file, &self.destination) {
            (Some(path), _) => Some(path.clone()),
            (None, Some(Destination::File { path, .. })) => Some(super::ChainState::path_for(path)),
            _ => None,
        }
    }
}

/// The `[audit]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// The CSV file (created with mode 0600).
    pub path: PathBuf,
}

/// Syslog facility names and numbers (RFC 5424 table 1).
pub const FACILITIES: [(&str, u8); 20] = [
    ("kern", 0),
    ("user", 1),
    ("mail", 2),
    ("daemon", 3),
    ("auth", 4),
    ("syslog", 5),
    ("lpr", 6),
    ("news", 7),
    ("uucp", 8),
    ("cron", 9),
    ("authpriv", 10),
    ("ftp", 11),
    ("local0", 16),
    ("local1", 17),
    ("local2", 18),
    ("local3", 19),
    ("local4", 20),
    ("local5", 21),
    ("local6", 22),
    ("local7", 23),
];
