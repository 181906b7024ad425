//! The TOML text -> [`Config`], with the line of every problem.
//!
//! [`raw`] reads the file's shape (tables, known keys) into structs whose leaves are spanned TOML
//! values; the typed values are then checked one by one here so each error can name the key, the
//! value as written and its line.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::{Spanned, Value};

use super::files::Protection;
use super::raw::{self, Field, RawFile, RawKey, RawPool, RawProtocol, RawServer, RawTimeouts};
use super::server::{DEFAULT_PORT, ServerConfig};
use super::{
    Config, KeyConfig, MAX_SERVER_NAME, MAX_SERVERS, PoolConfig, ProtocolSettings, TimeoutSettings,
    values,
};
use super::{HttpsEncoding, Wire};
use crate::error::{Error, Result, shown};
use crate::spec::ProtocolVersion;

// `[log]` and `[audit]`, in their own file beside this one; a child module so it can extend
// `Parser`.
#[path = "cluster_section.rs"]
mod cluster_section;
#[path = "log_section.rs"]
mod log_section;

/// A file the configuration names, for the checks [`Config::load`] makes before accepting it.
pub(super) struct FileRef {
    /// The key that names it, e.g. "client_key".
    pub setting: &'static str,
    /// The path as written in the file.
    pub written: String,
    /// The path resolved against the configuration's directory.
    pub resolved: PathBuf,
    /// Line of the setting.
    pub line: usize,
    /// How much it must be protected.
    pub protection: Protection,
}

/// Parses `text`; `file` names it in errors, relative paths are resolved against `base_dir`.
pub(super) fn parse(
    text: &str,
    file: Option<String>,
    base_dir: &Path,
) -> Result<(Config, Vec<FileRef>)> {
    run(Parser {
        text,
        file,
        base_dir,
        files: RefCell::new(Vec::new()),
        numbered: true,
    })
}

/// Parses text that [`super::builder`] wrote: the same checks, but errors name no line (the
/// caller never saw the text; each error names its key and value).
pub(super) fn parse_built(text: &str, base_dir: &Path) -> Result<(Config, Vec<FileRef>)> {
    run(Parser {
        text,
        file: None,
        base_dir,
        files: RefCell::new(Vec::new()),
        numbered: false,
    })
}

fn run(parser: Parser<'_>) -> Result<(Config, Vec<FileRef>)> {
    let text = parser.text;
    // Counted on the text first: TOML would build every table before the count could be read.
    if let Some((count, line)) = too_many_secondaries(text) {
        return Err(parser.error(Some(line), too_many(count)));
    }
    let raw = raw::read(text).map_err(|(line, reason)| parser.error(line, reason))?;
    let config = parser.config(raw)?;
    Ok((config, parser.files.into_inner()))
}

/// The number of `[[secondary]]` table headers and the line of the first one over
/// [`MAX_SERVERS`], when there are too many; one pass over the text.
fn too_many_secondaries(text: &str) -> Option<(usize, usize)> {
    let mut count = 0;
    let mut first_extra = None;
    for (i, line) in text.lines().enumerate() {
        let header = line
            .trim()
            .strip_prefix("[[")
            .and_then(|rest| rest.split_once("]]"))
            .map(|(name, _)| name.trim());
        if matches!(header, Some("secondary" | "\"secondary\"" | "'secondary'")) {
            count += 1;
            if count == MAX_SERVERS {
                first_extra = Some(i + 1);
            }
        }
    }
    first_extra.map(|line| (count, line))
}

/// The refusal of `secondaries` `[[secondary]]` tables beside `[primary]`.
fn too_many(secondaries: usize) -> String {
    format!(
        "{} key servers ([primary] and {secondaries} [[secondary]]); kmipkit takes at most \
         {MAX_SERVERS}: list the servers of one cluster only",
        secondaries + 1
    )
}

struct Parser<'a> {
    text: &'a str,
    file: Option<String>,
    base_dir: &'a Path,
    files: RefCell<Vec<FileRef>>,
    /// Whether the caller wrote the text, so line numbers mean something to them.
    numbered: bool,
}

impl Parser<'_> {
    fn config(&self, raw: RawFile) -> Result<Config> {
        let defaults = raw.defaults.unwrap_or_default();
        for (key, field) in [
            ("name", &defaults.name),
            ("host", &defaults.host),
            ("url", &defaults.url),
            ("fingerprint_sha256", &defaults.fingerprint_sha256),
        ] {
            if let Some(f) = field {
                return Err(self.value_error(
                    key,
                    f,
                    "cannot be in [defaults]; set it in each server's own table",
                ));
            }
        }
        let Some(primary) = raw.primary else {
            let reason = match raw.secondary.is_empty() {
                true => {
                    "no key server: add a [primary] table with at least host, ca, client_cert and client_key"
                }
                false => {
                    "[[secondary]] servers but no [primary]: the server tried first goes in [primary]"
                }
            };
            return Err(self.error(None, reason));
        };
        // Refused before any server is read: the work below grows with the count. (Written
        // as an inline array, the tables escape the count on the text.)
        if let Some(extra) = raw.secondary.get(MAX_SERVERS - 1) {
            let line = self.line(&extra.span());
            return Err(self.error(Some(line), too_many(raw.secondary.len())));
        }
        let mut servers = vec![self.server(&primary, &defaults, "primary".into())?];
        for (i, secondary) in raw.secondary.iter().enumerate() {
            servers.push(self.server(secondary, &defaults, format!("secondary-{}", i + 1))?);
        }
        self.check_unique_names(&servers, &primary, &raw.secondary)?;
        Ok(Config {
            servers,
            key: self.key(raw.key)?,
            protocol: self.protocol(raw.protocol.unwrap_or_default())?,
            timeouts: self.timeouts(raw.timeouts.unwrap_or_default())?,
            pool: self.pool(raw.pool.unwrap_or_default())?,
            log: self.log(raw.log)?,
            audit: self.audit(raw.audit)?,
            cluster: self.cluster(raw.cluster)?,
            path: None,
        })
    }

    fn server(
        &self,
        table: &Spanned<RawServer>,
        defaults: &RawServer,
        default_name: String,
    ) -> Result<ServerConfig> {
        let own = table.get_ref();
        for (key, field) in [
            ("password", &own.password),
            ("password", &defaults.password),
        ] {
            if let Some(f) = field {
                let why = "a password is never written in the configuration (it is often shared); \
                    use password_file = \"path\" (mode 0600) or password_env = \"VARIABLE\"";
                // Named by key only: the refusal must not echo the password.
                return Err(self.error(Some(self.line(&f.span())), format!("{key}: {why}")));
            }
        }
        if let Some(field) = own
            .pkcs12_password
            .as_ref()
            .or(defaults.pkcs12_password.as_ref())
        {
            let why = "a password is never written in the configuration; use pkcs12_password_file = \"path\" (mode 0600)";
            let line = self.line(&field.span());
            return Err(self.error(Some(line), format!("pkcs12_password: {why}")));
        }
        // The client identity and the credential are taken as a group: a server that sets any
        // part of one takes nothing of that group from [defaults].
        let identity_own = [
            &own.client_cert,
            &own.client_key,
            &own.pkcs12,
            &own.pkcs12_password_file,
        ];
        let identity = if identity_own.iter().any(|f| f.is_some()) {
            own
        } else {
            defaults
        };
        let credential_own = [&own.username, &own.password_file, &own.password_env];
        let credential = if credential_own.iter().any(|f| f.is_some()) {
            own
        } else {
            defaults
        };

        let name = match &own.name {
            Some(f) => self.checked("name", f, |name| {
                if name.len() > MAX_SERVER_NAME {
                    return Err(format!(
                        "{} bytes; a server name is at most {MAX_SERVER_NAME}",
                        name.len()
                    ));
                }
                Ok(name.to_string())
            })?,
            None => default_name,
        };
        let header = self.line(&table.span());
        let missing =
            |what: &str| self.error(Some(header), format!("key server {name} has no {what}"));
        let (host, port, wire) = match &own.url {
            Some(url) => {
                for (key, field) in [("host", &own.host), ("port", &own.port)] {
                    if let Some(f) = field {
                        return Err(self.value_error(
                            key,
                            f,
                            "set together with url, which names the host and port; keep one",
                        ));
                    }
                }
                let (host, port, path) = self.checked("url", url, values::https_url)?;
                let encoding = match &own.encoding {
                    Some(f) => self.checked("encoding", f, values::https_encoding)?,
                    None => HttpsEncoding::Ttlv,
                };
                (host, port, Wire::https(path, encoding))
            }
            None => {
                if let Some(f) = &own.encoding {
                    return Err(self.value_error(
                        "encoding",
                        f,
                        "only for KMIP over HTTPS; add url = \"https://host:port/kmip\" instead of host",
                    ));
                }
                let host = match &own.host {
                    Some(f) => self.checked("host", f, values::host)?,
                    None => {
                        return Err(missing(
                            "host; add host = \"kms.example.com\" (or its IP address), or url = \"https://kms.example.com/kmip\" for KMIP over HTTPS",
                        ));
                    }
                };
                let port = match own.port.as_ref().or(defaults.port.as_ref()) {
                    Some(f) => self.port(f)?,
                    None => DEFAULT_PORT,
                };
                (host, port, Wire::Ttlv)
            }
        };
        let ca_field = own.ca.as_ref().or(defaults.ca.as_ref());
        let Some(ca) = self.path("ca", ca_field, Protection::Public)? else {
            return Err(missing(
                "ca; add ca = \"path/to/ca.pem\", the CA certificate that signed the key server's certificate",
            ));
        };
        let client_cert = self.path(
            "client_cert",
            identity.client_cert.as_ref(),
            Protection::Public,
        )?;
        let client_key = self.path(
            "client_key",
            identity.client_key.as_ref(),
            Protection::Secret,
        )?;
        let pkcs12 = self.path("pkcs12", identity.pkcs12.as_ref(), Protection::Secret)?;
        let pkcs12_password_file = self.path(
            "pkcs12_password_file",
            identity.pkcs12_password_file.as_ref(),
            Protection::Secret,
        )?;
        match (&client_cert, &client_key, &pkcs12) {
            (Some(_), Some(_), None) | (None, None, Some(_)) => {}
            (None, None, None) => {
                return Err(missing(
                    "client certificate; add client_cert and client_key (PEM files), or pkcs12",
                ));
            }
            (_, _, Some(_)) => {
                return Err(missing(
                    "single client identity: set either client_cert and client_key, or pkcs12, not both",
                ));
            }
            (Some(_), None, None) => return Err(missing("client_key to go with its client_cert")),
            (None, Some(_), None) => return Err(missing("client_cert to go with its client_key")),
        }
        if let (Some(f), None) = (&identity.pkcs12_password_file, &pkcs12) {
            return Err(self.value_error("pkcs12_password_file", f, "set, but pkcs12 is not"));
        }
        let fingerprint_sha256 = own
            .fingerprint_sha256
            .as_ref()
            .map(|f| self.checked("fingerprint_sha256", f, values::fingerprint))
            .transpose()?;
        let username = self.string("username", &credential.username)?;
        let password_file = self.path(
            "password_file",
            credential.password_file.as_ref(),
            Protection::Secret,
        )?;
        let password_env = credential
            .password_env
            .as_ref()
            .map(|f| self.checked("password_env", f, values::env_name))
            .transpose()?;
        if let (Some(_), Some(f)) = (&password_file, &credential.password_env) {
            return Err(self.value_error(
                "password_env",
                f,
                "set together with password_file; keep one of them",
            ));
        }
        if username.is_none() && (password_file.is_some() || password_env.is_some()) {
            return Err(missing("username to go with its password"));
        }
        Ok(ServerConfig {
            name,
            host,
            port,
            wire,
            ca,
            client_cert,
            client_key,
            pkcs12,
            pkcs12_password_file,
            fingerprint_sha256,
            username,
            password_file,
            password_env,
        })
    }

    fn check_unique_names(
        &self,
        servers: &[ServerConfig],
        primary: &Spanned<RawServer>,
        secondary: &[Spanned<RawServer>],
    ) -> Result<()> {
        let tables: Vec<&Spanned<RawServer>> = std::iter::once(primary).chain(secondary).collect();
        // Name -> index of the first server with it: linear, whatever the count.
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(servers.len());
        for (i, server) in servers.iter().enumerate() {
            let Some(&first) = seen.get(server.name.as_str()) else {
                seen.insert(&server.name, i);
                continue;
            };
            let table = tables[i].get_ref();
            let line = table
                .name
                .as_ref()
                .map_or_else(|| self.line(&tables[i].span()), |f| self.line(&f.span()));
            let first_server = match self.numbered {
                true => format!("the server at line {}", self.line(&tables[first].span())),
                false => format!("server {} of the list", first + 1),
            };
            let reason = format!(
                "key server name `{}` is already used by {first_server}; give each server its own name",
                shown(&server.name)
            );
            return Err(self.error(Some(line), reason));
        }
        Ok(())
    }

    fn key(&self, raw: Option<RawKey>) -> Result<KeyConfig> {
        let Some(raw) = raw else {
            return Ok(KeyConfig::default());
        };
        let version = match &raw.version {
            Some(f) => Some(self.integer("version", f, |n| {
                u32::try_from(n).map_err(|_| "not a key version; use a whole number from 0".into())
            })?),
            None => None,
        };
        Ok(KeyConfig {
            name: self.string("name", &raw.name)?,
            version,
        })
    }

    fn protocol(&self, raw: RawProtocol) -> Result<ProtocolSettings> {
        let version = raw
            .version
            .as_ref()
            .map(|f| self.version("version", f))
            .transpose()?;
        let max_version = raw
            .max_version
            .as_ref()
            .map(|f| self.version("max_version", f))
            .transpose()?;
        if let (Some(pinned), Some(max), Some(f)) = (version, max_version, &raw.version)
            && pinned > max
        {
            let why = format!("newer than max_version = \"{max}\"");
            return Err(self.value_error("version", f, &why));
        }
        let max_response_size = match &raw.max_response_size {
            None => ProtocolSettings::default().max_response_size,
            Some(f) => match f.get_ref() {
                Value::Integer(n) => self.integer("max_response_size", f, |_| {
                    values::byte_count(u64::try_from(*n).unwrap_or(0))
                })?,
                _ => self.checked("max_response_size", f, values::size)?,
            },
        };
        Ok(ProtocolSettings {
            version,
            max_version,
            max_response_size,
        })
    }

    fn timeouts(&self, raw: RawTimeouts) -> Result<TimeoutSettings> {
        let d = TimeoutSettings::default();
        Ok(TimeoutSettings {
            connect: self.duration("connect", &raw.connect, d.connect, true)?,
            request: self.duration("request", &raw.request, d.request, true)?,
            deadline: self.duration("deadline", &raw.deadline, d.deadline, true)?,
            failover_delay: self.duration(
                "failover_delay",
                &raw.failover_delay,
                d.failover_delay,
                false,
            )?,
            down_backoff: self.duration(
                "down_backoff",
                &raw.down_backoff,
                d.down_backoff,
                false,
            )?,
        })
    }

    fn pool(&self, raw: RawPool) -> Result<PoolConfig> {
        let d = PoolConfig::default();
        let max_idle_per_server = match &raw.max_idle_per_server {
            Some(f) => self.integer("max_idle_per_server", f, |n| {
                usize::try_from(n).map_err(|_| "not a count; use a whole number from 0".into())
            })?,
            None => d.max_idle_per_server,
        };
        let max_connections_per_server = match &raw.max_connections_per_server {
            Some(f) => self.integer("max_connections_per_server", f, |n| {
                usize::try_from(n)
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| "not a count of connections; use a whole number from 1".into())
            })?,
            None => d.max_connections_per_server,
        };
        Ok(PoolConfig {
            max_idle_per_server,
            max_connections_per_server,
            idle_timeout: self.duration(
                "idle_timeout",
                &raw.idle_timeout,
                d.idle_timeout,
                false,
            )?,
            max_lifetime: self.duration("max_lifetime", &raw.max_lifetime, d.max_lifetime, true)?,
            probe_after_idle: self.duration(
                "probe_after_idle",
                &raw.probe_after_idle,
                d.probe_after_idle,
                false,
            )?,
        })
    }

    // Typed leaves.

    fn string(&self, key: &str, field: &Field) -> Result<Option<String>> {
        let Some(f) = field else { return Ok(None) };
        match f.get_ref() {
            Value::String(s) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Value::String(_) => {
                Err(self.value_error(key, f, "empty; remove the line or give a value"))
            }
            other => Err(self.value_error(
                key,
                f,
                &format!("expected a string in quotes, found {}", other.type_str()),
            )),
        }
    }

    /// A string value checked by `check`.
    fn checked<T>(
        &self,
        key: &str,
        f: &Spanned<Value>,
        check: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T> {
        let text = self.string(key, &Some(f.clone()))?.unwrap_or_default();
        check(&text).map_err(|why| self.value_error(key, f, &why))
    }

    /// An integer value checked by `check`.
    fn integer<T>(
        &self,
        key: &str,
        f: &Spanned<Value>,
        check: impl FnOnce(i64) -> Result<T, String>,
    ) -> Result<T> {
        match f.get_ref() {
            Value::Integer(n) => check(*n).map_err(|why| self.value_error(key, f, &why)),
            Value::String(s) if s.trim().parse::<i64>().is_ok() => {
                Err(self.value_error(key, f, "write the number without quotes"))
            }
            other => Err(self.value_error(
                key,
                f,
                &format!("not a number (found {})", other.type_str()),
            )),
        }
    }

    fn port(&self, f: &Spanned<Value>) -> Result<u16> {
        self.integer("port", f, values::port)
    }

    fn duration(
        &self,
        key: &str,
        field: &Field,
        default: Duration,
        nonzero: bool,
    ) -> Result<Duration> {
        let Some(f) = field else { return Ok(default) };
        if let Value::Integer(_) | Value::Float(_) = f.get_ref() {
            return Err(self.value_error(
                key,
                f,
                "a duration needs a unit and quotes: \"250ms\", \"5s\", \"2m\"",
            ));
        }
        let d = self.checked(key, f, values::duration)?;
        if nonzero && d.is_zero() {
            return Err(self.value_error(key, f, "must be longer than zero"));
        }
        Ok(d)
    }

    fn version(&self, key: &str, f: &Spanned<Value>) -> Result<ProtocolVersion> {
        match f.get_ref() {
            // `version = 1.4` without quotes: read the digits as written, not the float.
            Value::Float(_) => {
                values::version(self.written(f)).map_err(|why| self.value_error(key, f, &why))
            }
            _ => self.checked(key, f, values::version),
        }
    }

    /// Resolves a path setting and records the file for [`Config::load`]'s checks.
    fn path(
        &self,
        key: &'static str,
        field: Option<&Spanned<Value>>,
        protection: Protection,
    ) -> Result<Option<PathBuf>> {
        let Some(f) = field else { return Ok(None) };
        let Some(written) = self.string(key, &Some(f.clone()))? else {
            return Ok(None);
        };
        let resolved = self.base_dir.join(&written);
        let line = self.line(&f.span());
        self.files.borrow_mut().push(FileRef {
            setting: key,
            written,
            resolved: resolved.clone(),
            line,
            protection,
        });
        Ok(Some(resolved))
    }

    // Errors.

    fn written(&self, f: &Spanned<Value>) -> &str {
        self.text.get(f.span()).unwrap_or("")
    }

    fn line(&self, span: &Range<usize>) -> usize {
        values::line_of(self.text, span.start)
    }

    fn value_error(&self, key: &str, f: &Spanned<Value>, why: &str) -> Error {
        self.error(
            Some(self.line(&f.span())),
            format!("{key} = {}: {why}", shown(self.written(f))),
        )
    }

    fn error(&self, line: Option<usize>, reason: impl Into<String>) -> Error {
        Error::Config {
            file: self.file.clone(),
            line: line.filter(|_| self.numbered),
            reason: reason.into(),
        }
    }
}
