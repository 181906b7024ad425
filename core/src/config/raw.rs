//! The shape of `kmipkit.toml` as serde reads it, and TOML errors in an operator's words.
//!
//! Every leaf is a spanned TOML value, so [`super::parse`] can check it with the line and the
//! text as written; unknown keys are refused here (`deny_unknown_fields`) with a suggestion.

use toml::{Spanned, Value};

use super::values;
use crate::error::shown;

/// A setting: absent, or a TOML value and where it is written.
pub(super) type Field = Option<Spanned<Value>>;

/// The whole file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub key: Option<RawKey>,
    pub defaults: Option<RawServer>,
    pub primary: Option<Spanned<RawServer>>,
    #[serde(default)]
    pub secondary: Vec<Spanned<RawServer>>,
    pub protocol: Option<RawProtocol>,
    pub timeouts: Option<RawTimeouts>,
    pub pool: Option<RawPool>,
    pub log: Option<RawLog>,
    pub audit: Option<RawAudit>,
    pub cluster: Option<RawCluster>,
}

/// `[cluster]`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCluster {
    pub create_when_primary_down: Field,
}

/// `[key]`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKey {
    pub name: Field,
    pub version: Field,
}

/// `[primary]`, each `[[secondary]]`, and `[defaults]`.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    pub name: Field,
    pub host: Field,
    pub port: Field,
    pub url: Field,
    pub encoding: Field,
    pub ca: Field,
    pub client_cert: Field,
    pub client_key: Field,
    pub pkcs12: Field,
    pub pkcs12_password_file: Field,
    pub fingerprint_sha256: Field,
    pub username: Field,
    pub password_file: Field,
    pub password_env: Field,
    /// Known only to refuse it with the reason.
    pub password: Field,
    /// Known only to refuse it with the reason.
    pub pkcs12_password: Field,
}

/// `[protocol]`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProtocol {
    pub version: Field,
    pub max_version: Field,
    pub max_response_size: Field,
}

/// `[timeouts]`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTimeouts {
    pub connect: Field,
    pub request: Field,
    pub deadline: Field,
    pub failover_delay: Field,
    pub down_backoff: Field,
}

/// `[pool]`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPool {
    pub max_idle_per_server: Field,
    pub idle_timeout: Field,
    pub max_lifetime: Field,
    pub probe_after_idle: Field,
    pub max_connections_per_server: Field,
}

/// `[log]`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLog {
    pub level: Field,
    pub format: Field,
    pub destination: Field,
    pub path: Field,
    pub rotate: Field,
    pub max_size: Field,
    pub keep: Field,
    pub socket: Field,
    pub address: Field,
    pub ca: Field,
    pub state_file: Field,
    pub facility: Field,
    pub queue: Field,
    pub hostname: Field,
}

/// `[audit]`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudit {
    pub path: Field,
}

/// Reads the file's shape; on failure, the line (when known) and the reason.
pub(super) fn read(text: &str) -> Result<RawFile, (Option<usize>, String)> {
    toml::from_str(text).map_err(|e| explain(text, &e))
}

/// A TOML syntax or shape error, with unknown keys explained.
fn explain(text: &str, e: &toml::de::Error) -> (Option<usize>, String) {
    let line = e.span().map(|s| values::line_of(text, s.start));
    let message = e.message().trim();
    let reason = match unknown_key(message) {
        Some((key, mut expected)) => {
            // Known only to be refused: never offered.
            expected.retain(|k| !matches!(*k, "password" | "pkcs12_password"));
            let section = line
                .and_then(|l| section_of(text, l))
                .map(|s| format!(" in {}", shown(s)))
                .unwrap_or_default();
            let hint = match values::suggestion(key, &expected) {
                Some(close) => format!("did you mean `{close}`?"),
                None if matches!(key, "server" | "servers") => {
                    "the first server is [primary], the others [[secondary]]".into()
                }
                None if expected.is_empty() => "this table takes no keys".into(),
                None => format!("expected one of {}", expected.join(", ")),
            };
            format!("unknown key `{}`{section}; {hint}", shown(key))
        }
        None if message.contains("expected a sequence") => {
            "secondary servers are a list: write each one as [[secondary]] (two brackets)".into()
        }
        None if message == "duplicate key" => {
            let key = e.span().and_then(|s| text.get(s)).unwrap_or("").trim();
            format!(
                "duplicate key `{}`; each key may appear once per table",
                shown(key)
            )
        }
        // serde names the internal struct; the operator wrote a table.
        None => match message.find("expected struct Raw") {
            Some(at) => format!("{}expected a table", &message[..at]),
            None => message.to_string(),
        },
    };
    (line, reason)
}

/// The key and the expected keys of serde's "unknown field `x`, expected one of `a`, `b`".
fn unknown_key(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((key, expected))
}

/// The table header (`[primary]`, `[[secondary]]`) that `line` belongs to, if it is not one itself.
fn section_of(text: &str, line: usize) -> Option<&str> {
    let own = text.lines().nth(line.checked_sub(1)?)?.trim();
    if own.starts_with('[') {
        return None;
    }
    let header = text
        .lines()
        .take(line)
        .map(str::trim)
        .filter(|l| l.starts_with('['))
        .last();
    header.map(|l| l.find(" #").map_or(l, |end| l[..end].trim_end()))
}
