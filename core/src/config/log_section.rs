//! `[log]` and `[audit]`: where tamper-evident log lines and the CSV audit trail go.
//!
//! Paths kmipkit writes (log, state, audit) are resolved against the configuration's directory
//! but need not exist yet; the TLS receiver's CA must, like every certificate the file names.

use std::path::PathBuf;

use toml::Value;

use super::super::files::Protection;
use super::super::raw::{Field, RawAudit, RawLog};
use super::super::values;
use super::Parser;
use crate::error::Result;
use crate::observe::{AuditSettings, Destination, FACILITIES, LogSettings, Rotation};

impl Parser<'_> {
    pub(super) fn log(&self, raw: Option<RawLog>) -> Result<LogSettings> {
        let d = LogSettings::default();
        let Some(raw) = raw else { return Ok(d) };
        let level = match &raw.level {
            Some(f) => self.checked("level", f, |s| s.parse())?,
            None => d.level,
        };
        let format = match &raw.format {
            Some(f) => self.checked("format", f, |s| s.parse())?,
            None => d.format,
        };
        let destination = self.destination(&raw)?;
        let facility = match &raw.facility {
            Some(f) => self.checked("facility", f, |s| {
                FACILITIES
                    .iter()
                    .find(|(name, _)| *name == s.trim())
                    .map(|(_, n)| *n)
                    .ok_or_else(|| {
                        "unknown facility; use auth, authpriv, daemon, user or local0 to local7"
                            .to_string()
                    })
            })?,
            None => d.facility,
        };
        let queue = match &raw.queue {
            Some(f) => self.integer("queue", f, |n| match usize::try_from(n) {
                Ok(n @ 1..) => Ok(n),
                _ => Err("not a queue length; use a whole number from 1".into()),
            })?,
            None => d.queue,
        };
        Ok(LogSettings {
            level,
            format,
            destination,
            state_file: self.output_path("state_file", &raw.state_file)?,
            facility,
            queue,
            hostname: self.string("hostname", &raw.hostname)?,
        })
    }

    fn destination(&self, raw: &RawLog) -> Result<Option<Destination>> {
        const KINDS: &str = "use one of \"file\", \"syslog\", \"udp\", \"tcp\", \"tls\"";
        let Some(field) = &raw.destination else {
            if raw.path.is_some() {
                // `path` alone means a file: the common case needs one line.
                return self.file_destination(raw).map(Some);
            }
            return Ok(None);
        };
        let kind = self.checked("destination", field, |s| {
            Ok::<_, String>(s.trim().to_string())
        })?;
        let address = || match &raw.address {
            Some(f) => self.checked("address", f, |s| match s.rsplit_once(':') {
                Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                    Ok(s.to_string())
                }
                _ => Err("not host:port; write e.g. \"logs.example.com:514\"".into()),
            }),
            None => Err(self.value_error(
                "destination",
                field,
                "needs address = \"host:port\" in [log]",
            )),
        };
        Ok(Some(match kind.as_str() {
            "file" => self.file_destination(raw)?,
            "syslog" => Destination::Unix {
                socket: self
                    .output_path("socket", &raw.socket)?
                    .unwrap_or_else(|| PathBuf::from("/dev/log")),
            },
            "udp" => Destination::Udp {
                address: address()?,
            },
            "tcp" => Destination::Tcp {
                address: address()?,
            },
            "tls" => {
                let address = address()?;
                let Some(ca) = self.path("ca", raw.ca.as_ref(), Protection::Public)? else {
                    return Err(self.value_error(
                        "destination",
                        field,
                        "needs ca = \"path/to/ca.pem\" in [log], the CA that signed the receiver's certificate",
                    ));
                };
                Destination::Tls { address, ca }
            }
            _ => {
                return Err(self.value_error(
                    "destination",
                    field,
                    &format!("unknown destination; {KINDS}"),
                ));
            }
        }))
    }

    fn file_destination(&self, raw: &RawLog) -> Result<Destination> {
        let Some(path) = self.output_path("path", &raw.path)? else {
            let line = raw.destination.as_ref().map(|f| self.line(&f.span()));
            return Err(self.error(
                line,
                "[log] destination = \"file\" needs path = \"path/to/kmipkit.log\"",
            ));
        };
        let rotation = match &raw.rotate {
            Some(f) if self.written(f).trim_matches('"') == "external" => Rotation::External,
            Some(f) if self.written(f).trim_matches('"') != "size" => {
                return Err(self.value_error(
                    "rotate",
                    f,
                    "use \"size\" (kmipkit rotates) or \"external\" (logrotate moves the file)",
                ));
            }
            _ => {
                let max_bytes = match &raw.max_size {
                    Some(f) => match f.get_ref() {
                        Value::Integer(n) if *n > 0 => u64::try_from(*n).unwrap_or(u64::MAX),
                        _ => self.checked("max_size", f, |s| {
                            values::size(s).map_err(|_| {
                                "not a file size; write e.g. \"10MiB\" (1KiB to 2GiB)".to_string()
                            })
                        })? as u64,
                    },
                    None => 10 << 20,
                };
                let keep = match &raw.keep {
                    Some(f) => self.integer("keep", f, |n| {
                        u32::try_from(n)
                            .map_err(|_| "not a count; use a whole number from 0".into())
                    })?,
                    None => 5,
                };
                Rotation::Size { max_bytes, keep }
            }
        };
        Ok(Destination::File { path, rotation })
    }

    pub(super) fn audit(&self, raw: Option<RawAudit>) -> Result<Option<AuditSettings>> {
        let Some(raw) = raw else { return Ok(None) };
        match self.output_path("path", &raw.path)? {
            Some(path) => Ok(Some(AuditSettings { path })),
            None => Err(self.error(None, "[audit] needs path = \"path/to/audit.csv\"")),
        }
    }

    /// A path kmipkit writes (log, state, audit): resolved, but not required to exist yet.
    fn output_path(&self, key: &str, field: &Field) -> Result<Option<PathBuf>> {
        Ok(self.string(key, field)?.map(|p| self.base_dir.join(p)))
    }
}
