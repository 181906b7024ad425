//! Configuration: `kmipkit.toml` -> typed settings, with permission checks on secret files.
//!
//! The file lists the key servers (`[primary]`, then up to 63 `[[secondary]]`, tried in that
//! order; [`MAX_SERVERS`] in all), settings they share (`[defaults]`), the key the application
//! uses (`[key]`), the protocol version (`[protocol]`), `[timeouts]`, the connection `[pool]`,
//! failover policy (`[cluster]`), tamper-evident logging (`[log]`) and the CSV audit trail
//! (`[audit]`). Every section but
//! `[primary]` is optional. [`EXAMPLE_TOML`] is a commented example of every setting.
//!
//! The file never holds a secret: passwords come from a password file or an environment
//! variable. Like ssh, [`Config::load`] refuses a configuration file, private key, PKCS#12 file
//! or password file that other users can read or write, and a certificate they can change,
//! naming the file and the `chmod` that fixes it, and any file that is not a regular file (a
//! FIFO is refused, never waited on). Relative paths are resolved against the directory of the
//! configuration file. Unknown keys are errors, with the line and the likely intended key.
//! `Config::check` (feature `net`) then reads every file as a connection would.
//!
//! ```
//! use std::{path::Path, time::Duration};
//! use kmipkit::config::Config;
//!
//! let text = r#"
//!     [primary]
//!     host = "kms1.example.com"
//!     ca = "ca.pem"
//!     client_cert = "client.pem"
//!     client_key = "client.key"
//!
//!     [[secondary]]
//!     host = "kms2.example.com"
//!     port = 5697
//!     ca = "ca.pem"
//!     pkcs12 = "client.p12"
//!
//!     [timeouts]
//!     failover_delay = "500ms"
//! "#;
//! let config = Config::from_toml(text, Path::new("/etc/kmipkit")).unwrap();
//! assert_eq!(config.servers[1].name, "secondary-1");
//! assert_eq!(config.servers[1].address(), "kms2.example.com:5697");
//! assert_eq!(config.servers[0].ca, Path::new("/etc/kmipkit/ca.pem"));
//! assert_eq!(config.timeouts.failover_delay, Duration::from_millis(500));
//!
//! let err = Config::from_toml("[primary]\nhots = \"kms\"\n", Path::new(".")).unwrap_err();
//! assert!(err.to_string().contains("line 2"));
//! assert!(err.to_string().contains("did you mean `host`?"));
//! ```

mod builder;
mod files;
mod parse;
mod raw;
mod server;
mod tls_material;
mod values;
mod wire;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use builder::{ConfigBuilder, ServerBuilder, Setting};
pub use server::{DEFAULT_PORT, ServerConfig};
pub use tls_material::{TlsMaterial, TlsSources};
pub use wire::{HttpsEncoding, Wire};

use crate::error::{Error, Result};
use crate::observe::{AuditSettings, LogSettings};
use crate::spec::ProtocolVersion;
use files::{FileProblem, Protection};

/// The most key servers one configuration may list (`[primary]` and the `[[secondary]]` tables
/// together). Failover walks the list within one deadline; far more servers than a cluster has
/// is a mistake (or a hostile file), refused with this number.
pub const MAX_SERVERS: usize = 64;

/// The longest server `name`, in bytes: it is repeated in every message about the server.
pub const MAX_SERVER_NAME: usize = 64;

/// A commented example `kmipkit.toml` showing every setting (it parses; its files are placeholders).
pub const EXAMPLE_TOML: &str = include_str!("example.kmipkit.toml");

/// Everything `kmipkit.toml` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The key servers in the order they are tried: the primary first, then the secondaries.
    pub servers: Vec<ServerConfig>,
    /// The key the application uses.
    pub key: KeyConfig,
    /// Protocol version and message limits.
    pub protocol: ProtocolSettings,
    /// Time limits and failover pacing.
    pub timeouts: TimeoutSettings,
    /// Connection reuse.
    pub pool: PoolConfig,
    /// Tamper-evident logging (`[log]`); logs nothing without a `destination`.
    pub log: LogSettings,
    /// The CSV audit trail (`[audit]`), if configured.
    pub audit: Option<AuditSettings>,
    /// What failover may do when the servers do not share keys (`[cluster]`).
    pub cluster: ClusterSettings,
    /// The file this was loaded from (absolute), or `None` when parsed from text.
    pub path: Option<PathBuf>,
}

/// The key an application encrypts with (`[key]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyConfig {
    /// The key's name on the key server (KMIP Name attribute).
    pub name: Option<String>,
    /// The key version to use; `None` for the newest.
    pub version: Option<u32>,
}

/// KMIP protocol settings (`[protocol]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolSettings {
    /// A pinned version: speak only this one. `None`: negotiate with DiscoverVersions.
    pub version: Option<ProtocolVersion>,
    /// The newest version to offer when negotiating; `None` for the newest kmipkit speaks.
    pub max_version: Option<ProtocolVersion>,
    /// The largest response accepted, in bytes (sent as Maximum Response Size; default 16 MiB).
    pub max_response_size: usize,
}

impl ProtocolSettings {
    /// The version the first request is sent with: the pinned one, else `max_version`, else 2.1.
    pub fn start_version(&self) -> ProtocolVersion {
        self.version
            .or(self.max_version)
            .unwrap_or(ProtocolVersion::V2_1)
    }
}

impl Default for ProtocolSettings {
    fn default() -> Self {
        Self {
            version: None,
            max_version: None,
            max_response_size: 16 << 20,
        }
    }
}

/// Time limits and failover pacing (`[timeouts]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutSettings {
    /// TCP connect and TLS handshake with one server (default 5 s).
    pub connect: Duration,
    /// One request's round trip on an open connection (default 30 s).
    pub request: Duration,
    /// One call from start to end, across every server and retry (default 60 s).
    pub deadline: Duration,
    /// Wait before trying the next server after one failed (default 250 ms).
    pub failover_delay: Duration,
    /// How long a server that failed is passed over before it is tried again (default 5 s).
    pub down_backoff: Duration,
}

impl Default for TimeoutSettings {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            failover_delay: Duration::from_millis(250),
            down_backoff: Duration::from_secs(5),
        }
    }
}

/// Failover policy for clusters whose servers may not share keys (`[cluster]`).
///
/// kmipkit cannot see whether the servers replicate (`kmipkit servers check` finds out). When the
/// primary cannot be asked, a Model 2 key (or Model 1 KEK) that is not found on the secondaries
/// may still exist on the primary: creating it on a secondary would give the identifier a second,
/// different key, and data sealed under it unreadable once the primary is back. So by default
/// create-on-first-use refuses while the primary is down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClusterSettings {
    /// Create a missing key on a secondary while the primary cannot be asked (default `false`).
    /// Set it only when the servers replicate keys, so the primary will learn of it.
    pub create_when_primary_down: bool,
}

/// Connection reuse (`[pool]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// Idle connections kept per server; 0 closes each connection after its request (default 4).
    pub max_idle_per_server: usize,
    /// An idle connection is closed after this long (default 60 s).
    pub idle_timeout: Duration,
    /// A connection is closed after this long, busy or not (default 10 min).
    pub max_lifetime: Duration,
    /// A connection idle this long is probed before reuse (default 5 s).
    pub probe_after_idle: Duration,
    /// Connections open at once per server, busy or idle; further requests wait for one in
    /// order, until their deadline (default 8, at least 1).
    pub max_connections_per_server: usize,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_idle_per_server: 4,
            idle_timeout: Duration::from_secs(60),
            max_lifetime: Duration::from_secs(600),
            probe_after_idle: Duration::from_secs(5),
            max_connections_per_server: 8,
        }
    }
}

impl Config {
    /// Reads, checks and parses a configuration file.
    ///
    /// Refuses the file when other users can read or write it, and likewise every private key,
    /// PKCS#12 and password file it names (certificates: when other users can change them), and
    /// names any file that is missing. Secret files are only checked here, not read.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        let path =
            std::path::absolute(path.as_ref()).unwrap_or_else(|_| path.as_ref().to_path_buf());
        let shown = path.display().to_string();
        let file_error = |problem: FileProblem| Error::Config {
            file: Some(shown.clone()),
            line: None,
            reason: problem.to_string(),
        };
        let bytes = files::read(&path, Protection::Secret).map_err(file_error)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| Error::Config {
            file: Some(shown.clone()),
            line: Some(values::line_of(
                &String::from_utf8_lossy(&bytes),
                e.valid_up_to(),
            )),
            reason: "not UTF-8 text".into(),
        })?;
        let base_dir = path.parent().unwrap_or(Path::new("."));
        let (mut config, referenced) = parse::parse(text, Some(shown.clone()), base_dir)?;
        check_files(&referenced, Some(shown))?;
        config.path = Some(path);
        Ok(config)
    }

    /// Parses configuration text without touching any file; relative paths are resolved against
    /// `base_dir`. For tests, bindings and configurations that do not live in a file.
    pub fn from_toml(text: &str, base_dir: &Path) -> Result<Config> {
        parse::parse(text, None, base_dir).map(|(config, _)| config)
    }
}

/// [`Config::load`]'s checks of the files a configuration names (present, regular, not exposed
/// to other users); `file` names the configuration in errors.
fn check_files(referenced: &[parse::FileRef], file: Option<String>) -> Result<()> {
    for file_ref in referenced {
        if let Err(problem) = files::check(&file_ref.resolved, file_ref.protection) {
            let written = crate::error::shown(&file_ref.written);
            let resolved = crate::error::shown_path(&file_ref.resolved);
            let reason = match problem {
                FileProblem::Exposed(_) | FileProblem::TooLarge => {
                    format!("{} = {written}: {resolved} is {problem}", file_ref.setting)
                }
                _ => format!(
                    "{} = {written}: {problem} (resolved to {resolved})",
                    file_ref.setting
                ),
            };
            // A line means something only in a file the caller wrote.
            let line = file.as_ref().map(|_| file_ref.line);
            return Err(Error::Config { file, line, reason });
        }
    }
    Ok(())
}
