//! How much is logged: none, basic, verbose or debug.

use std::fmt;
use std::str::FromStr;

/// How much each event says; set by `level` in the `[log]` section of `kmipkit.toml`.
///
/// Levels are ordered: every field written at `Basic` is also written at `Verbose` and `Debug`.
/// No level ever writes a key, a password, plaintext or ciphertext: `Debug` adds protocol detail
/// (sizes, batch counts, protocol version), never values.
///
/// ```
/// use kmipkit::observe::Level;
/// let level: Level = "verbose".parse().unwrap();
/// assert!(level > Level::Basic);
/// assert!(level.startup_warning().is_some());
/// assert!(Level::Basic.startup_warning().is_none());
/// assert_eq!(Level::default(), Level::Basic);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    /// Nothing is logged (the audit trail, if configured, is still written).
    None,
    /// One line per operation and configuration change with the normalized fields.
    #[default]
    Basic,
    /// Adds error text, protocol version and which server answered.
    Verbose,
    /// Adds protocol detail: message sizes, batch item counts and the payloads' tag names.
    Debug,
}

impl Level {
    /// Every level, least first.
    pub const ALL: [Level; 4] = [Level::None, Level::Basic, Level::Verbose, Level::Debug];

    /// The name used in `kmipkit.toml`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Basic => "basic",
            Self::Verbose => "verbose",
            Self::Debug => "debug",
        }
    }

    /// The warning to print at start-up: verbose and debug use more disk and say more about
    /// operations (which keys are used, when, how large the messages are).
    pub const fn startup_warning(self) -> Option<&'static str> {
        match self {
            Self::None | Self::Basic => None,
            Self::Verbose | Self::Debug => Some(
                "kmipkit logging is set to a detailed level: logs use more disk space and reveal more about key operations (error details, servers, message sizes); use level = \"basic\" in production",
            ),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == s.trim())
            .ok_or_else(|| {
                "unknown log level; use one of \"none\", \"basic\", \"verbose\", \"debug\"".into()
            })
    }
}
