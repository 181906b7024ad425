//! [`ConfigBuilder`]: a configuration from code, checked exactly as `kmipkit.toml` is.
//!
//! The builder writes the settings it is given as the TOML a file would hold and parses that
//! with the file's own parser, then checks the files it names as [`Config::load`] does: one set
//! of rules, one set of messages, whichever way a configuration is made. Errors name the setting
//! and the value, never a line of the text the caller did not write.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Config, check_files, parse};
use crate::error::{Error, Result, shown};
use crate::spec::ProtocolVersion;

/// A setting's value, as [`ConfigBuilder::set`] and [`ServerBuilder::set`] take it.
///
/// A number given for a duration (`[timeouts]`, and `idle_timeout`, `max_lifetime`,
/// `probe_after_idle` in `[pool]`) counts seconds; text is read as the file reads it
/// (`"250ms"`, `"1.4"`, `"16MiB"`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Setting {
    /// Text, read as the file reads a quoted string.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction (seconds, for a duration).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A duration.
    Duration(Duration),
    /// A file path; relative paths resolve against the builder's base directory.
    Path(PathBuf),
}

macro_rules! setting_from {
    ($($ty:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$ty> for Setting {
            fn from($v: $ty) -> Self {
                $e
            }
        })*
    };
}

setting_from! {
    &str => |v| Setting::Text(v.to_string()),
    String => |v| Setting::Text(v),
    i64 => |v| Setting::Integer(v),
    i32 => |v| Setting::Integer(v.into()),
    u32 => |v| Setting::Integer(v.into()),
    u16 => |v| Setting::Integer(v.into()),
    usize => |v| Setting::Integer(i64::try_from(v).unwrap_or(i64::MAX)),
    f64 => |v| Setting::Float(v),
    bool => |v| Setting::Bool(v),
    Duration => |v| Setting::Duration(v),
    PathBuf => |v| Setting::Path(v),
    &Path => |v| Setting::Path(v.to_path_buf()),
    ProtocolVersion => |v| Setting::Text(v.to_string()),
}

/// The settings of one table, in the order given; setting a key again replaces it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Table(Vec<(String, Setting)>);

impl Table {
    fn set(&mut self, key: &str, value: Setting) {
        self.0.retain(|(k, _)| k != key);
        self.0.push((key.to_string(), value));
    }
}

/// One key server for [`ConfigBuilder::server`]: the settings of a `[primary]` or
/// `[[secondary]]` table.
///
/// ```
/// use kmipkit::config::ServerBuilder;
/// let server = ServerBuilder::new("kms1.example.com")
///     .port(5696)
///     .ca("ca.pem")
///     .client_cert("client.pem")
///     .client_key("client.key");
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ServerBuilder(Table);

impl ServerBuilder {
    /// The settings a server takes, by the names the file uses; bindings read their keyword
    /// arguments by these names.
    pub const KEYS: [&'static str; 14] = [
        "host",
        "port",
        "url",
        "encoding",
        "name",
        "ca",
        "client_cert",
        "client_key",
        "pkcs12",
        "pkcs12_password_file",
        "username",
        "password_file",
        "password_env",
        "fingerprint_sha256",
    ];

    /// A server at `host` (a host name or IP address); port 5696 unless set.
    pub fn new(host: impl Into<String>) -> Self {
        Self(Table::default()).set("host", host.into())
    }

    /// A server reached by KMIP over HTTPS at `url` (`https://host[:port][/path]`; the path is
    /// `/kmip` unless given), binary TTLV bodies unless [`ServerBuilder::encoding`] says JSON.
    ///
    /// ```
    /// use kmipkit::config::ServerBuilder;
    /// let server = ServerBuilder::https("https://kms.example.com:9998/kmip")
    ///     .encoding("json")
    ///     .ca("ca.pem")
    ///     .client_cert("client.pem")
    ///     .client_key("client.key");
    /// ```
    pub fn https(url: impl Into<String>) -> Self {
        Self(Table::default()).set("url", url.into())
    }

    /// The body encoding of KMIP over HTTPS: `"ttlv"` (the default) or `"json"`.
    pub fn encoding(self, encoding: impl Into<String>) -> Self {
        self.set("encoding", encoding.into())
    }

    /// Sets `key` (one of [`ServerBuilder::KEYS`]; any other is refused by
    /// [`ConfigBuilder::build`] with the keys it takes).
    pub fn set(mut self, key: &str, value: impl Into<Setting>) -> Self {
        self.0.set(key, value.into());
        self
    }

    /// The TCP port.
    pub fn port(self, port: u16) -> Self {
        self.set("port", port)
    }

    /// The name used in messages and logs (default `primary`, `secondary-1`, ...).
    pub fn name(self, name: impl Into<String>) -> Self {
        self.set("name", name.into())
    }

    /// The CA certificate (PEM) that signed the server's certificate.
    pub fn ca(self, path: impl Into<PathBuf>) -> Self {
        self.set("ca", path.into())
    }

    /// The client certificate (PEM).
    pub fn client_cert(self, path: impl Into<PathBuf>) -> Self {
        self.set("client_cert", path.into())
    }

    /// The client private key (PEM); refused when other users can read it.
    pub fn client_key(self, path: impl Into<PathBuf>) -> Self {
        self.set("client_key", path.into())
    }

    /// A PKCS#12 client identity instead of `client_cert` + `client_key`, and the file holding
    /// its password, if it has one.
    pub fn pkcs12(self, path: impl Into<PathBuf>, password_file: Option<PathBuf>) -> Self {
        let server = self.set("pkcs12", path.into());
        match password_file {
            Some(p) => server.set("pkcs12_password_file", p),
            None => server,
        }
    }

    /// A KMIP user name with its password read from a file (mode 0600).
    pub fn credential_file(self, username: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.set("username", username.into())
            .set("password_file", path.into())
    }

    /// A KMIP user name with its password read from an environment variable.
    pub fn credential_env(self, username: impl Into<String>, variable: impl Into<String>) -> Self {
        self.set("username", username.into())
            .set("password_env", variable.into())
    }

    /// The SHA-256 fingerprint the server's certificate must have, in addition to the CA check.
    pub fn fingerprint_sha256(self, hex: impl Into<String>) -> Self {
        self.set("fingerprint_sha256", hex.into())
    }
}

/// Builds a [`Config`] from code: the same settings, checks and errors as a `kmipkit.toml` file
/// read by [`Config::load`] (files named are checked for presence and permissions too).
///
/// ```no_run
/// use std::time::Duration;
/// use kmipkit::config::{ConfigBuilder, ServerBuilder};
/// use kmipkit::spec::ProtocolVersion;
///
/// let config = ConfigBuilder::new()
///     .server(ServerBuilder::new("kms1.example.com").ca("ca.pem")
///         .client_cert("client.pem").client_key("client.key"))
///     .server(ServerBuilder::new("kms2.example.com").ca("ca.pem")
///         .client_cert("client.pem").client_key("client.key"))
///     .protocol_version(ProtocolVersion::V1_4)
///     .timeout("connect", Duration::from_secs(2))
///     .key_name("payroll-kek")
///     .base_dir("/etc/kmipkit")
///     .build()?;
/// assert_eq!(config.servers[1].name, "secondary-1");
/// # Ok::<(), kmipkit::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigBuilder {
    servers: Vec<ServerBuilder>,
    sections: Vec<(String, Table)>,
    base_dir: Option<PathBuf>,
}

/// The tables [`ConfigBuilder::set`] writes (servers go through [`ConfigBuilder::server`]).
const SECTIONS: [&str; 8] = [
    "defaults", "key", "protocol", "timeouts", "pool", "log", "audit", "cluster",
];

/// Settings that are durations: a number given for one counts seconds.
const DURATIONS: [(&str, &str); 8] = [
    ("timeouts", "connect"),
    ("timeouts", "request"),
    ("timeouts", "deadline"),
    ("timeouts", "failover_delay"),
    ("timeouts", "down_backoff"),
    ("pool", "idle_timeout"),
    ("pool", "max_lifetime"),
    ("pool", "probe_after_idle"),
];

impl ConfigBuilder {
    /// An empty configuration: add at least one server.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key server: the first is the primary, the others are tried in order after it.
    pub fn server(mut self, server: ServerBuilder) -> Self {
        self.servers.push(server);
        self
    }

    /// Declares the table `section`, with no settings yet, as a file's bare `[audit]` line does:
    /// a table that needs a setting (`[audit] path`) is then refused, not silently dropped.
    /// Bindings that read a configuration object declare each table it has.
    ///
    /// ```
    /// use kmipkit::config::{ConfigBuilder, ServerBuilder};
    /// let server = ServerBuilder::new("kms.example.com").ca("ca.pem").client_cert("c.pem").client_key("c.key");
    /// let err = ConfigBuilder::new().server(server).table("audit").to_toml().map(|_| ()).unwrap_err();
    /// assert!(err.to_string().contains("[audit] needs path"), "{err}");
    /// ```
    pub fn table(mut self, section: &str) -> Self {
        if !self.sections.iter().any(|(s, _)| s == section) {
            self.sections.push((section.to_string(), Table::default()));
        }
        self
    }

    /// Sets `key` in the table `section` (`"timeouts"`, `"pool"`, `"log"`, ...), as a file would.
    /// Unknown sections and keys are refused by [`ConfigBuilder::build`], naming the ones there are.
    pub fn set(mut self, section: &str, key: &str, value: impl Into<Setting>) -> Self {
        match self.sections.iter_mut().find(|(s, _)| s == section) {
            Some((_, table)) => table.set(key, value.into()),
            None => {
                let mut table = Table::default();
                table.set(key, value.into());
                self.sections.push((section.to_string(), table));
            }
        }
        self
    }

    /// The key the application uses (`[key] name`).
    pub fn key_name(self, name: impl Into<String>) -> Self {
        self.set("key", "name", name.into())
    }

    /// The key version to use (`[key] version`); the newest when not set.
    pub fn key_version(self, version: u32) -> Self {
        self.set("key", "version", version)
    }

    /// How Model 1 protects new data keys under the key (`[key] kek_method`).
    pub fn key_kek_method(self, method: super::KekMethod) -> Self {
        self.set("key", "kek_method", method.as_str())
    }

    /// Speak only this protocol version (`[protocol] version`).
    pub fn protocol_version(self, version: ProtocolVersion) -> Self {
        self.set("protocol", "version", version)
    }

    /// The newest version to offer when negotiating (`[protocol] max_version`).
    pub fn max_version(self, version: ProtocolVersion) -> Self {
        self.set("protocol", "max_version", version)
    }

    /// The largest response accepted, in bytes (`[protocol] max_response_size`).
    pub fn max_response_size(self, bytes: usize) -> Self {
        self.set("protocol", "max_response_size", bytes)
    }

    /// A `[timeouts]` setting: `connect`, `request`, `deadline`, `failover_delay`, `down_backoff`.
    pub fn timeout(self, key: &str, value: impl Into<Setting>) -> Self {
        self.set("timeouts", key, value)
    }

    /// A `[pool]` setting: `max_connections_per_server`, `max_idle_per_server`, `idle_timeout`,
    /// `max_lifetime`, `probe_after_idle`.
    pub fn pool(self, key: &str, value: impl Into<Setting>) -> Self {
        self.set("pool", key, value)
    }

    /// A `[log]` setting (`level`, `format`, `destination`, `path`, ...; see
    /// [`EXAMPLE_TOML`](super::EXAMPLE_TOML)).
    pub fn log(self, key: &str, value: impl Into<Setting>) -> Self {
        self.set("log", key, value)
    }

    /// The CSV audit trail's file (`[audit] path`).
    pub fn audit_path(self, path: impl Into<PathBuf>) -> Self {
        self.set("audit", "path", path.into())
    }

    /// `[cluster] create_when_primary_down`.
    pub fn create_when_primary_down(self, allow: bool) -> Self {
        self.set("cluster", "create_when_primary_down", allow)
    }

    /// The directory relative paths resolve against (default: the current directory).
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = Some(dir.into());
        self
    }

    /// The checked configuration, or the first problem as [`Error::Config`] naming the setting.
    pub fn build(&self) -> Result<Config> {
        let text = self.toml().map_err(|reason| Error::Config {
            file: None,
            line: None,
            reason,
        })?;
        let base_dir = self.base_dir.as_deref().unwrap_or(Path::new("."));
        let (config, referenced) = parse::parse_built(&text, base_dir)?;
        check_files(&referenced, None)?;
        Ok(config)
    }

    /// The settings as the `kmipkit.toml` text a file would hold, once [`ConfigBuilder::build`]
    /// accepted them (so the text loads): for tools that write a configuration file instead of
    /// formatting TOML themselves. Relative paths stay relative (to the file's directory when
    /// it is loaded; checked here against [`ConfigBuilder::base_dir`]).
    ///
    /// ```no_run
    /// use kmipkit::config::{ConfigBuilder, ServerBuilder};
    /// let kms = ServerBuilder::new("kms.example.com")
    ///     .ca("ca.pem")
    ///     .client_cert("client.pem")
    ///     .client_key("client.key");
    /// let builder = ConfigBuilder::new().server(kms).base_dir("/etc/myapp");
    /// std::fs::write("/etc/myapp/kmipkit.toml", builder.to_toml()?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_toml(&self) -> Result<String> {
        self.build()?;
        self.toml().map_err(|reason| Error::Config {
            file: None,
            line: None,
            reason,
        })
    }

    /// The settings as the TOML a file would hold.
    fn toml(&self) -> Result<String, String> {
        let Some((primary, secondaries)) = self.servers.split_first() else {
            return Err("no key server: add at least one (the primary)".into());
        };
        let mut text = String::new();
        write_table(&mut text, "[primary]", "", &primary.0)?;
        for server in secondaries {
            write_table(&mut text, "[[secondary]]", "", &server.0)?;
        }
        for (section, table) in &self.sections {
            // Checked here, not left to the parser: the name becomes a table header.
            if !SECTIONS.contains(&section.as_str()) {
                return Err(format!(
                    "unknown section `{}`; the sections are {} (servers are added one by one)",
                    shown(section),
                    SECTIONS.join(", ")
                ));
            }
            write_table(&mut text, &format!("[{section}]"), section, table)?;
        }
        Ok(text)
    }
}

fn write_table(
    text: &mut String,
    header: &str,
    section: &str,
    table: &Table,
) -> Result<(), String> {
    text.push_str(header);
    text.push('\n');
    for (key, value) in &table.0 {
        let duration = DURATIONS.contains(&(section, key.as_str()));
        let value = toml_value(value, duration).map_err(|why| {
            let place = if section.is_empty() {
                String::new()
            } else {
                format!("{section}.")
            };
            format!("{place}{}: {why}", shown(key))
        })?;
        let _ = writeln!(text, "{} = {value}", toml_key(key));
    }
    Ok(())
}

/// A key as written: bare when TOML allows it, else quoted (so no key can add a table).
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value(value: &Setting, duration: bool) -> Result<String, String> {
    Ok(match value {
        Setting::Text(text) => toml_string(text),
        Setting::Bool(b) => b.to_string(),
        Setting::Duration(d) => toml_string(&format!("{}ms", d.as_millis())),
        Setting::Integer(n) if duration => seconds(*n as f64)?,
        Setting::Float(f) if duration => seconds(*f)?,
        Setting::Integer(n) => n.to_string(),
        Setting::Float(f) if f.is_finite() => format!("{f:?}"),
        Setting::Float(_) => return Err("not a finite number".into()),
        Setting::Path(path) => match path.to_str() {
            Some(text) => toml_string(text),
            None => return Err(format!("{} is not UTF-8", path.display())),
        },
    })
}

/// A number of seconds as the file writes a duration.
fn seconds(value: f64) -> Result<String, String> {
    if !value.is_finite() || value < 0.0 || value > u64::MAX as f64 / 1000.0 {
        return Err(format!(
            "{value} is not a duration; give seconds from 0, or text such as \"250ms\""
        ));
    }
    Ok(toml_string(&format!(
        "{}ms",
        (value * 1000.0).round() as u64
    )))
}

#[cfg(test)]
#[path = "builder_tests.rs"]
mod tests;
