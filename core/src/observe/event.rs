//! The one event model: every key-manager operation and configuration change becomes an [`Event`].
//!
//! Events hold names, identifiers, counts and enumerations only. No field is a byte buffer, so a
//! key, a ciphertext or a password cannot be put in one by accident; strings come from names
//! the operator or the server chose (key names, unique identifiers, server names).

use std::net::IpAddr;

use super::Level;
use crate::time::UtcTime;

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A request to a key server, successful or not.
    Operation,
    /// A configuration setting was loaded or changed.
    ConfigChange,
    /// The logger started (first message after every start, so restarts are visible).
    LogStart,
    /// Events were dropped because the log receiver was too slow; carries the count.
    Dropped,
}

impl EventKind {
    /// The value of the `event=` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Operation => "operation",
            Self::ConfigChange => "config_change",
            Self::LogStart => "log_start",
            Self::Dropped => "dropped",
        }
    }
}

/// Whether the operation succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It did what was asked.
    Success,
    /// It did not; `reason` says why.
    Failure,
}

impl Outcome {
    /// The value of the `outcome=` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// A field beyond the normalized ones, written from `level` up. Its key is a `'static` name
/// chosen in the code, never text from a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// The field name, e.g. `"request_bytes"`.
    pub key: &'static str,
    /// Its value.
    pub value: String,
    /// The least level that writes it.
    pub level: Level,
}

/// One thing that happened, with normalized fields.
///
/// ```
/// use kmipkit::observe::{Event, Level, Outcome};
/// let event = Event::operation("Get", 1_700_000_000_000)
///     .server("dc1", Some("10.0.0.5".parse().unwrap()), 5696)
///     .key("payroll-kek", "4d2f")
///     .user("app")
///     .finished(Outcome::Success, None, 12)
///     .detail(Level::Debug, "response_bytes", 344);
/// let fields = event.fields(Level::Basic);
/// assert!(fields.contains(&("ip_addr", "10.0.0.5".to_string())));
/// assert!(!fields.iter().any(|(k, _)| *k == "response_bytes"));
/// assert!(event.fields(Level::Debug).iter().any(|(k, _)| *k == "response_bytes"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When it happened, in milliseconds since the Unix epoch (UTC).
    pub unix_ms: u64,
    /// What kind of event this is.
    pub kind: EventKind,
    /// The KMIP operation (`"Create"`, `"Get"`), or what changed for other kinds.
    pub operation: String,
    /// The key server's configured name.
    pub server: Option<String>,
    /// The key server's IP address.
    pub ip_addr: Option<IpAddr>,
    /// The key server's port.
    pub port: Option<u16>,
    /// The key's name (KMIP Name attribute).
    pub key_name: Option<String>,
    /// The key's unique identifier on the server.
    pub key_uid: Option<String>,
    /// The KMIP user (credential user name or client certificate identity).
    pub user: Option<String>,
    /// Success or failure.
    pub outcome: Outcome,
    /// Why it failed: the KMIP Result Reason, or the kmipkit error kind.
    pub reason: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: Option<u64>,
    /// The request's id (KMIP batch/correlation id), to match log lines with server logs.
    pub request_id: Option<String>,
    /// Fields beyond the normalized ones.
    pub details: Vec<Detail>,
}

impl Event {
    /// A new event of `kind` about `operation` at `unix_ms`, successful until said otherwise.
    pub fn new(kind: EventKind, operation: impl Into<String>, unix_ms: u64) -> Self {
        Self {
            unix_ms,
            kind,
            operation: operation.into(),
            server: None,
            ip_addr: None,
            port: None,
            key_name: None,
            key_uid: None,
            user: None,
            outcome: Outcome::Success,
            reason: None,
            duration_ms: None,
            request_id: None,
            details: Vec::new(),
        }
    }

    /// A key-manager operation.
    pub fn operation(operation: impl Into<String>, unix_ms: u64) -> Self {
        Self::new(EventKind::Operation, operation, unix_ms)
    }

    /// A configuration change: `setting` (e.g. `"log.level"`) now has `value`.
    ///
    /// ```
    /// use kmipkit::observe::{Event, Level};
    /// let e = Event::config_change("log.level", "verbose", 0);
    /// assert!(e.fields(Level::Basic).contains(&("value", "verbose".to_string())));
    /// ```
    pub fn config_change(setting: &str, value: impl ToString, unix_ms: u64) -> Self {
        Self::new(EventKind::ConfigChange, "config_change", unix_ms)
            .detail(Level::Basic, "setting", setting)
            .detail(Level::Basic, "value", value)
    }

    /// Sets the key server.
    pub fn server(mut self, name: &str, ip_addr: Option<IpAddr>, port: u16) -> Self {
        self.server = Some(name.to_string());
        self.ip_addr = ip_addr;
        self.port = Some(port);
        self
    }

    /// Sets the key's name and unique identifier (either may be empty to leave it out).
    pub fn key(mut self, name: &str, uid: &str) -> Self {
        self.key_name = Some(name.to_string()).filter(|s| !s.is_empty());
        self.key_uid = Some(uid.to_string()).filter(|s| !s.is_empty());
        self
    }

    /// Sets the user.
    pub fn user(mut self, user: &str) -> Self {
        self.user = Some(user.to_string());
        self
    }

    /// Sets the outcome, the failure reason and the duration.
    pub fn finished(mut self, outcome: Outcome, reason: Option<String>, duration_ms: u64) -> Self {
        self.outcome = outcome;
        self.reason = reason;
        self.duration_ms = Some(duration_ms);
        self
    }

    /// Adds a field written from `level` up.
    pub fn detail(mut self, level: Level, key: &'static str, value: impl ToString) -> Self {
        self.details.push(Detail {
            key,
            value: value.to_string(),
            level,
        });
        self
    }

    /// The fields written at `level`, in their fixed order (the order every format uses):
    /// `time event op server ip_addr port key_name key_uid user outcome reason duration_ms
    /// request_id`, then the details. Absent fields are left out.
    pub fn fields(&self, level: Level) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("time", iso8601(self.unix_ms)),
            ("event", self.kind.as_str().to_string()),
            ("op", self.operation.clone()),
        ];
        let optional = [
            ("server", self.server.clone()),
            ("ip_addr", self.ip_addr.map(|ip| ip.to_string())),
            ("port", self.port.map(|p| p.to_string())),
            ("key_name", self.key_name.clone()),
            ("key_uid", self.key_uid.clone()),
            ("user", self.user.clone()),
            ("outcome", Some(self.outcome.as_str().to_string())),
            ("reason", self.reason.clone()),
            ("duration_ms", self.duration_ms.map(|d| d.to_string())),
            ("request_id", self.request_id.clone()),
        ];
        out.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
        out.extend(
            self.details
                .iter()
                .filter(|d| d.level <= level)
                .map(|d| (d.key, d.value.clone())),
        );
        out
    }

    /// Syslog severity: failures and drops are warnings, configuration changes notices.
    pub fn severity(&self) -> u8 {
        match (self.kind, self.outcome) {
            (EventKind::Dropped, _) | (_, Outcome::Failure) => 4,
            (EventKind::ConfigChange | EventKind::LogStart, _) => 5,
            _ => 6,
        }
    }
}

/// `unix_ms` as RFC 3339 UTC with milliseconds: `2023-11-14T22:13:20.000Z`.
///
/// ```
/// assert_eq!(kmipkit::observe::iso8601(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
/// ```
pub fn iso8601(unix_ms: u64) -> String {
    let t = UtcTime::from_unix(i64::try_from(unix_ms / 1000).unwrap_or(i64::MAX));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        unix_ms % 1000
    )
}

/// `unix_ms` as an RFC 3164 timestamp in UTC: `Nov 14 22:13:20`, the day padded with a space.
pub(crate) fn rfc3164_time(unix_ms: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = UtcTime::from_unix(i64::try_from(unix_ms / 1000).unwrap_or(i64::MAX));
    format!(
        "{} {:>2} {:02}:{:02}:{:02}",
        MONTHS[usize::from(t.month - 1)],
        t.day,
        t.hour,
        t.minute,
        t.second
    )
}
