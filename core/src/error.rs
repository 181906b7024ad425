//! The one error type of kmipkit.
//!
//! Every failure is an [`Error`]; its [`Error::kind`] is a stable [`ErrorKind`] whose numeric code
//! and name are never reused, and whose [`ErrorCategory`] bindings map to their base exception
//! classes, so no front end parses messages.

mod kind;

use std::fmt;

pub use kind::{ErrorCategory, ErrorKind};

use crate::spec::{Operation, ResultReason};

/// Everything that can go wrong in kmipkit.
///
/// ```
/// use kmipkit::{ttlv::{Item, Limits}, ErrorKind};
/// let err = Item::from_bytes(&[0x42, 0x00], &Limits::default()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Decode);
/// assert!(err.to_string().contains("truncated"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bytes received are not valid TTLV: truncated, wrong length for the item type, bad padding.
    #[error("invalid TTLV at byte {offset}: {reason}")]
    Decode {
        /// Byte offset from the start of the message where the problem was found.
        offset: usize,
        /// What was wrong, in plain words.
        reason: String,
    },
    /// The input exceeds a configured decoding limit (size, depth or item count).
    #[error(
        "{what} exceeds the limit of {limit} (found {found}); {}",
        limit_hint(what)
    )]
    LimitExceeded {
        /// Which limit: "message size", "nesting depth", "item count".
        what: &'static str,
        /// The configured limit.
        limit: usize,
        /// The value that was seen (or a lower bound of it).
        found: usize,
    },
    /// Text in the KMIP XML or JSON encoding could not be read.
    #[error("invalid KMIP {format} at {location}: {reason}")]
    Syntax {
        /// "XML" or "JSON".
        format: &'static str,
        /// Where in the text: a line/column or a path of tags.
        location: String,
        /// What was wrong.
        reason: String,
    },
    /// An item tree is well-formed TTLV but does not fit the typed KMIP model.
    #[error("KMIP message does not fit the model at {path}: {reason}")]
    Model {
        /// Path of tag names from the message root to the offending item.
        path: String,
        /// What was expected and what was found.
        reason: String,
    },
    /// A value cannot be encoded (for example an unsubstituted test-case placeholder).
    #[error("cannot encode {what}: {reason}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// Why it cannot be.
        reason: String,
    },
    /// A key server could not be reached (name resolution, TCP connect); nothing was sent to it.
    #[error(
        "cannot connect to key server {server} at {address}: {reason}; check the host name, port and firewall, and that the server is running"
    )]
    Connect {
        /// The server's configured name.
        server: String,
        /// Host and port tried.
        address: String,
        /// What failed.
        reason: String,
    },
    /// The TLS handshake cannot succeed for a reason other than a certificate: no protocol
    /// version or cipher suite in common, a peer that does not speak TLS or breaks it. Retrying
    /// the same server does not help (see [`Error::is_configuration_failure`]); a connection
    /// merely cut during the handshake is [`Error::ConnectionLost`] instead.
    #[error("TLS handshake with key server {server} failed: {reason}")]
    Tls {
        /// The server's configured name.
        server: String,
        /// What failed, and what to check.
        reason: String,
    },
    /// A certificate was rejected: the server's by kmipkit, or kmipkit's client certificate by the server.
    #[error("{rejected_by} rejected the {} certificate of key server {server}: {reason}", if *.rejected_by == Party::Client { "server's" } else { "client" })]
    Certificate {
        /// The server's configured name.
        server: String,
        /// Who refused the certificate.
        rejected_by: Party,
        /// Why, and what to fix.
        reason: String,
    },
    /// The key server did not accept the client's identity (KMIP Authentication Not Successful).
    #[error("key server {server} refused authentication: {reason}")]
    Authentication {
        /// The server's configured name.
        server: String,
        /// What the server said, and what to check.
        reason: String,
    },
    /// A step did not finish in time.
    #[error("key server {server} did not complete the {phase} within {after_ms} ms")]
    Timeout {
        /// The server's configured name.
        server: String,
        /// "connect", "TLS handshake" or "response".
        phase: &'static str,
        /// The bound that was exceeded, in milliseconds.
        after_ms: u64,
    },
    /// The connection broke during a request.
    #[error("connection to key server {server} was lost {}: {reason}", if *.request_sent { "after the request was sent" } else { "before the request was sent" })]
    ConnectionLost {
        /// The server's configured name.
        server: String,
        /// Whether any byte of the request was written (if so, the server may have acted on it).
        request_sent: bool,
        /// What happened.
        reason: String,
    },
    /// Every configured server failed: until the overall deadline, or at once when each failed
    /// for a reason retrying cannot fix ([`Error::is_configuration_failure`]).
    ///
    /// Its [`Error::kind`] is the most specific one that is true of the whole call: when every
    /// server's last failure is a configuration failure of one kind (a CA that signed none of
    /// the servers: [`ErrorKind::Certificate`]), that kind; otherwise
    /// [`ErrorKind::AllServersFailed`]. The message names each server once, with its last
    /// failure and the number of attempts, and is bounded in size however many servers and
    /// attempts there were.
    #[error("{}", all_failed_message(*deadline_ms, attempts))]
    AllServersFailed {
        /// The overall deadline, in milliseconds.
        deadline_ms: u64,
        /// One entry per server that failed, in the order of their first failure.
        attempts: Vec<Attempt>,
    },
    /// The key server refused an operation; carries the KMIP Result Reason.
    #[error("key server refused {}: {reason}{}{}", operation.map_or_else(|| "the request".to_string(), |o| o.to_string()), message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default(), explanation.as_ref().map(|e| format!("; {e}")).unwrap_or_default())]
    Server {
        /// The operation refused (absent in message-level errors).
        operation: Option<Operation>,
        /// The KMIP Result Reason.
        reason: ResultReason,
        /// The server's Result Message, as sent.
        message: Option<String>,
        /// What the server's profile says about this refusal and what to do instead, when the
        /// client knows the server's family and the profile predicts the refusal (see
        /// [`Recognised::explain`](crate::client::profile::Recognised::explain)); never a
        /// parsed server message.
        explanation: Option<String>,
    },
    /// A response does not fit the request (batch items, identifiers, payload types).
    #[error("protocol error: {reason}")]
    Protocol {
        /// What did not fit.
        reason: String,
    },
    /// A configuration file or setting is not usable.
    #[error("configuration{}{}: {reason}", file.as_deref().map(|f| format!(" {f}")).unwrap_or_default(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Config {
        /// The file at fault, if any.
        file: Option<String>,
        /// The line in that file, if known.
        line: Option<usize>,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A ciphertext failed authentication: wrong key or context, or it was modified or truncated.
    #[error("ciphertext failed authentication: {reason}")]
    Integrity {
        /// What failed (key commitment, which frame, truncation).
        reason: String,
    },
    /// Bytes are not a ciphertext this kmipkit can read (bad magic, unknown version or suite, bad header).
    #[error("not a readable kmipkit ciphertext: {reason}")]
    Format {
        /// What was found, and what was expected.
        reason: String,
    },
    /// A log, its chain state file or the audit trail could not be opened, written or read.
    #[error("log{}: {reason}", path.as_deref().map(|p| format!(" {p}")).unwrap_or_default())]
    Log {
        /// The file or destination at fault, if any.
        path: Option<String>,
        /// What failed and how to fix it.
        reason: String,
    },
}

/// Which side of a TLS connection refused a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// kmipkit refused the server's certificate.
    Client,
    /// The key server refused kmipkit's client certificate.
    Server,
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Client => "kmipkit",
            Self::Server => "the key server",
        })
    }
}

/// The failed attempts of one call on one server, as reported by [`Error::AllServersFailed`]
/// and [`crate::transport::Reply::failed_attempts`].
///
/// ```
/// use kmipkit::{Attempt, Error};
/// let refused = Error::Connect { server: "dc1".into(), address: "10.0.0.1:5696".into(), reason: "refused".into() };
/// let attempt = Attempt::new("dc1", refused);
/// assert_eq!(attempt.count, 1);
/// assert!(!attempt.request_may_have_arrived);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The server's configured name.
    pub server: String,
    /// The last failure there.
    pub error: Box<Error>,
    /// How many attempts failed on this server (at least 1).
    pub count: usize,
    /// Whether any of those attempts may have delivered the request (see
    /// [`Error::request_not_sent`]), even if the last one provably did not.
    pub request_may_have_arrived: bool,
}

impl Attempt {
    /// One failed attempt on `server`.
    pub fn new(server: impl Into<String>, error: Error) -> Self {
        Self {
            server: server.into(),
            request_may_have_arrived: !error.request_not_sent(),
            error: Box::new(error),
            count: 1,
        }
    }

    /// Records a failure on `server` in `attempts`: a new entry for a server not seen yet, else
    /// the server's entry counts one more attempt and keeps the newest error. The list stays
    /// as long as the number of servers, however many attempts there are.
    // Only the transport (feature `net`) records attempts.
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) fn record(attempts: &mut Vec<Attempt>, server: &str, error: Error) {
        match attempts.iter_mut().find(|a| a.server == server) {
            Some(entry) => {
                entry.count += 1;
                entry.request_may_have_arrived |= !error.request_not_sent();
                *entry.error = error;
            }
            None => attempts.push(Attempt::new(server, error)),
        }
    }
}

/// Servers listed in an [`Error::AllServersFailed`] message; the others are counted.
const LISTED_SERVERS: usize = 8;

/// Characters of one server's failure in an [`Error::AllServersFailed`] message.
const FAILURE_CHARS: usize = 512;

/// The message of [`Error::AllServersFailed`]: each server once, bounded in size.
fn all_failed_message(deadline_ms: u64, attempts: &[Attempt]) -> String {
    if attempts.is_empty() {
        return format!(
            "no key server answered within {deadline_ms} ms: none could be tried in that time"
        );
    }
    let mut text = match attempts.iter().all(|a| a.error.is_configuration_failure()) {
        true => "every key server failed for a reason retrying cannot fix: ".to_string(),
        false => format!("no key server answered within {deadline_ms} ms: "),
    };
    for (i, attempt) in attempts.iter().take(LISTED_SERVERS).enumerate() {
        if i > 0 {
            text.push_str("; ");
        }
        let failure = attempt.error.to_string();
        // Transport errors name their server; say it when one does not.
        if !failure.contains(attempt.server.as_str()) {
            text.push_str(&attempt.server);
            text.push_str(": ");
        }
        match failure.char_indices().nth(FAILURE_CHARS) {
            Some((cut, _)) => {
                text.push_str(&failure[..cut]);
                text.push_str("...");
            }
            None => text.push_str(&failure),
        }
        let plural = if attempt.count == 1 { "" } else { "s" };
        text.push_str(&format!(" ({} attempt{plural})", attempt.count));
    }
    if attempts.len() > LISTED_SERVERS {
        text.push_str(&format!(
            "; and {} more servers",
            attempts.len() - LISTED_SERVERS
        ));
    }
    text
}

/// The kind every server's last failure shares, when each is a configuration failure.
fn configuration_kind(attempts: &[Attempt]) -> Option<ErrorKind> {
    let first = attempts.first()?.error.kind();
    attempts
        .iter()
        .all(|a| a.error.is_configuration_failure() && a.error.kind() == first)
        .then_some(first)
}

impl Error {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Decode { .. } => ErrorKind::Decode,
            Self::LimitExceeded { .. } => ErrorKind::LimitExceeded,
            Self::Syntax { .. } => ErrorKind::Syntax,
            Self::Model { .. } => ErrorKind::Model,
            Self::Encode { .. } => ErrorKind::Encode,
            Self::Connect { .. } => ErrorKind::Connect,
            Self::Tls { .. } => ErrorKind::Tls,
            Self::Certificate { .. } => ErrorKind::Certificate,
            Self::Authentication { .. } => ErrorKind::Authentication,
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::ConnectionLost { .. } => ErrorKind::ConnectionLost,
            Self::AllServersFailed { attempts, .. } => {
                configuration_kind(attempts).unwrap_or(ErrorKind::AllServersFailed)
            }
            Self::Server { .. } => ErrorKind::Server,
            Self::Protocol { .. } => ErrorKind::Protocol,
            Self::Config { .. } => ErrorKind::Config,
            Self::Integrity { .. } => ErrorKind::Integrity,
            Self::Format { .. } => ErrorKind::Format,
            Self::Log { .. } => ErrorKind::Log,
        }
    }

    pub(crate) fn decode(offset: usize, reason: impl Into<String>) -> Self {
        Self::Decode {
            offset,
            reason: reason.into(),
        }
    }

    /// Whether the request provably never reached a server, so resending it cannot duplicate
    /// its effect (a Create sent twice makes two keys).
    ///
    /// ```
    /// use kmipkit::Error;
    /// let refused = Error::Connect { server: "a".into(), address: "127.0.0.1:5696".into(), reason: "refused".into() };
    /// assert!(refused.request_not_sent());
    /// let lost = Error::ConnectionLost { server: "a".into(), request_sent: true, reason: "reset".into() };
    /// assert!(!lost.request_not_sent());
    /// ```
    pub fn request_not_sent(&self) -> bool {
        match self {
            Self::Connect { .. } | Self::Tls { .. } | Self::Certificate { .. } => true,
            Self::Timeout { phase, .. } => *phase != "response",
            Self::ConnectionLost { request_sent, .. } => !request_sent,
            Self::AllServersFailed { attempts, .. } => {
                attempts.iter().all(|a| !a.request_may_have_arrived)
            }
            _ => false,
        }
    }

    /// Whether the failure is about reaching a server, so failover may try another one, as
    /// opposed to an answer (a refusal, a protocol error) that another server would repeat.
    pub fn is_transport_failure(&self) -> bool {
        matches!(
            self,
            Self::Connect { .. }
                | Self::Tls { .. }
                | Self::Certificate { .. }
                | Self::Timeout { .. }
                | Self::ConnectionLost { .. }
        )
    }

    /// Whether retrying on the same server cannot fix the failure: a certificate refused by
    /// either side, a TLS handshake that cannot succeed (no version or cipher suite in common, a
    /// peer that does not speak TLS), an identity the server does not accept. The transport
    /// tries a server that failed so only once per request, and gives up at once when every
    /// server did.
    ///
    /// ```
    /// use kmipkit::{Error, Party};
    /// let wrong_ca = Error::Certificate { server: "a".into(), rejected_by: Party::Client, reason: "unknown issuer".into() };
    /// assert!(wrong_ca.is_configuration_failure());
    /// let refused = Error::Connect { server: "a".into(), address: "127.0.0.1:5696".into(), reason: "refused".into() };
    /// assert!(!refused.is_configuration_failure());
    /// ```
    pub fn is_configuration_failure(&self) -> bool {
        matches!(
            self,
            Self::Tls { .. } | Self::Certificate { .. } | Self::Authentication { .. }
        )
    }

    pub(crate) fn model(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Model {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// What a user can do about an [`Error::LimitExceeded`], in the setting each front end has: the
/// configuration file for the CLI and Python, the [`Limits`](crate::ttlv::Limits) field in Rust.
fn limit_hint(what: &str) -> &'static str {
    match what {
        "message size" => {
            "if the key server is trusted, raise `max_response_size` in the [protocol] section of \
             kmipkit.toml (Python: `max_response_size`; Rust: `Limits::max_message_size`)"
        }
        "nesting depth" => {
            "no real KMIP message nests this deep; the bound is `Limits::max_depth` (Rust only)"
        }
        "item count" => {
            "no real KMIP message holds this many items; the bound is `Limits::max_items` (Rust only)"
        }
        _ => "raise the bound in `Limits` (Rust) if the peer is trusted",
    }
}

/// The longest user value an error message quotes whole.
const SHOWN_BYTES: usize = 80;

/// A value the user wrote, as an error message quotes it: whole when short, else its first 80
/// bytes (cut at a character boundary), an ellipsis and its length, so a hostile megabyte-long
/// host name or path cannot flood a terminal or a log.
pub(crate) fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    if value.len() <= SHOWN_BYTES {
        return value.into();
    }
    let mut end = SHOWN_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &value[..end], value.len()).into()
}

/// A path for an error message: whole up to 4096 bytes (Linux's `PATH_MAX`: anything longer
/// names no file), cut like [`shown`] beyond.
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    const PATH_MAX: usize = 4096;
    let text = path.display().to_string();
    if text.len() <= PATH_MAX {
        return text;
    }
    let mut end = PATH_MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

/// Result alias used throughout kmipkit.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_limit_names_the_setting_every_front_end_has() {
        let err = Error::LimitExceeded {
            what: "message size",
            limit: 1024,
            found: 4096,
        };
        let text = err.to_string();
        assert!(
            text.contains("`max_response_size` in the [protocol] section of kmipkit.toml"),
            "{text}"
        );
        assert!(text.contains("Limits::max_message_size"), "{text}");
        let depth = Error::LimitExceeded {
            what: "nesting depth",
            limit: 64,
            found: 65,
        };
        assert!(depth.to_string().contains("Limits::max_depth"), "{depth}");
        assert!(!depth.to_string().contains("max_response_size"), "{depth}");
    }

    #[test]
    fn long_values_are_cut_at_a_character_boundary() {
        assert_eq!(shown("kms1.example.com"), "kms1.example.com");
        let exact = "x".repeat(80);
        assert_eq!(shown(&exact), exact);
        let long = "é".repeat(1_000_000);
        let cut = shown(&long);
        assert!(cut.ends_with("… (2000000 bytes)"), "{cut}");
        assert!(cut.len() < 120, "{cut}");
        let path = std::path::PathBuf::from("/".repeat(5000));
        assert!(shown_path(&path).ends_with("… (5000 bytes)"));
        assert_eq!(
            shown_path(std::path::Path::new("/etc/ca.pem")),
            "/etc/ca.pem"
        );
    }

    fn refused(server: &str) -> Error {
        Error::Certificate {
            server: server.into(),
            rejected_by: Party::Client,
            reason: "the server's certificate is not signed by the configured CA".repeat(50),
        }
    }

    /// However many servers and attempts, the message stays small and names each listed server
    /// once, with its attempt count.
    #[test]
    fn the_every_server_message_is_bounded() {
        let mut attempts = Vec::new();
        for _ in 0..237 {
            for i in 0..100 {
                let name = format!("server-{i:03}");
                Attempt::record(&mut attempts, &name, refused(&name));
            }
        }
        assert_eq!(attempts.len(), 100);
        assert!(attempts.iter().all(|a| a.count == 237));
        let err = Error::AllServersFailed {
            deadline_ms: 60_000,
            attempts,
        };
        let message = err.to_string();
        assert!(message.len() < 6_000, "{} bytes", message.len());
        assert_eq!(message.matches("server-000").count(), 1, "{message}");
        assert!(message.contains("(237 attempts)"), "{message}");
        assert!(message.ends_with("; and 92 more servers"), "{message}");
        assert_eq!(err.kind(), ErrorKind::Certificate);
    }

    #[test]
    fn the_kind_is_the_shared_refusal_or_the_whole_call() {
        let refused_everywhere = Error::AllServersFailed {
            deadline_ms: 1,
            attempts: vec![
                Attempt::new("a", refused("a")),
                Attempt::new("b", refused("b")),
            ],
        };
        assert_eq!(refused_everywhere.kind(), ErrorKind::Certificate);
        let down = Error::Connect {
            server: "b".into(),
            address: "127.0.0.1:5696".into(),
            reason: "refused".into(),
        };
        let mixed = Error::AllServersFailed {
            deadline_ms: 1,
            attempts: vec![
                Attempt::new("a", refused("a")),
                Attempt::new("b", down.clone()),
            ],
        };
        assert_eq!(mixed.kind(), ErrorKind::AllServersFailed);
        let all_down = Error::AllServersFailed {
            deadline_ms: 1,
            attempts: vec![Attempt::new("b", down)],
        };
        assert_eq!(all_down.kind(), ErrorKind::AllServersFailed);
        assert!(
            all_down
                .to_string()
                .starts_with("no key server answered within 1 ms: ")
        );
    }

    /// A server whose earlier attempt may have delivered the request keeps saying so after a
    /// later attempt that provably sent nothing.
    #[test]
    fn an_attempt_that_may_have_arrived_is_remembered() {
        let mut attempts = Vec::new();
        let lost = Error::ConnectionLost {
            server: "a".into(),
            request_sent: true,
            reason: "reset".into(),
        };
        let refused = Error::Connect {
            server: "a".into(),
            address: "127.0.0.1:5696".into(),
            reason: "refused".into(),
        };
        Attempt::record(&mut attempts, "a", lost);
        Attempt::record(&mut attempts, "a", refused);
        let err = Error::AllServersFailed {
            deadline_ms: 1,
            attempts,
        };
        assert!(!err.request_not_sent());
    }
}
