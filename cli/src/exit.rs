//! Errors of the command and their exit codes.
//!
//! Every failure becomes a [`Failure`]: an exit code from the stable table below, a message that
//! names what went wrong, and a hint saying what to do. Scripts rely on the codes, so they never
//! change meaning; README.md documents them.

use std::fmt;

use kmipkit::{Error, ErrorCategory, ErrorKind};

/// The documented exit codes of `kmipkit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: anything not covered below (an unexpected answer, an internal problem).
    General = 1,
    /// 2: the command line is wrong (unknown flag, missing argument, refused combination).
    Usage = 2,
    /// 3: the configuration file, or a file it names, is missing, exposed or invalid.
    Config = 3,
    /// 4: no key server could be reached, or TLS failed (handshake, certificate, timeout).
    Connection = 4,
    /// 5: a key server answered and refused (permission, not found, wrong state, authentication).
    Refused = 5,
    /// 6: data failed authentication: wrong key or context, modified or truncated, not a ciphertext.
    Integrity = 6,
    /// 7: a local file could not be read or written.
    Io = 7,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// A short stable name for JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Usage => "usage",
            Self::Config => "config",
            Self::Connection => "connection",
            Self::Refused => "refused",
            Self::Integrity => "integrity",
            Self::Io => "io",
        }
    }
}

/// A failed command: what to print and which code to exit with.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// What went wrong, in one sentence.
    pub message: String,
    /// What to do about it, when there is something useful to say.
    pub hint: Option<String>,
    /// The core's stable error kind, when the failure came from the core.
    pub kind: Option<ErrorKind>,
    /// The KMIP Result Reason of a key server's refusal (`ItemNotFound`), as `--json` shows it.
    pub reason: Option<kmipkit::spec::ResultReason>,
}

impl Failure {
    /// A failure with `exit` and `message`.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            hint: None,
            kind: None,
            reason: None,
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// A local file problem (exit 7), naming the file.
    pub fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::new(Exit::Io, format!("cannot {what} {}: {err}", path.display()))
    }

    /// Adds or replaces the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        let kind = err.kind();
        let (exit, hint) = classify(&err);
        Self {
            exit,
            // The core's message names each server once and is bounded in size.
            message: err.to_string(),
            hint,
            kind: Some(kind),
            reason: match &err {
                Error::Server { reason, .. } => Some(*reason),
                _ => None,
            },
        }
    }
}

/// The exit code of each category of core error: every kind, new ones included, has one.
fn exit_for(category: ErrorCategory) -> Exit {
    match category {
        ErrorCategory::Codec | ErrorCategory::Protocol => Exit::General,
        ErrorCategory::Connection => Exit::Connection,
        ErrorCategory::Authentication | ErrorCategory::Server => Exit::Refused,
        ErrorCategory::Config => Exit::Config,
        ErrorCategory::Ciphertext => Exit::Integrity,
        ErrorCategory::Log => Exit::Io,
    }
}

/// The exit code of a core error, and advice for the common cases.
fn classify(err: &Error) -> (Exit, Option<String>) {
    // Every server failed the same way, for a reason retrying cannot fix: advise on that.
    if let Error::AllServersFailed { attempts, .. } = err
        && err.kind() != ErrorKind::AllServersFailed
        && let Some(first) = attempts.first()
    {
        return classify(&first.error);
    }
    let exit = match err {
        // A refused identifier or prefix is a mistake on the command line.
        Error::Encode { what, .. } if what == "key name" => Exit::Usage,
        _ => exit_for(err.kind().category()),
    };
    (exit, advice(err))
}

/// What to do about a core error, for the common cases.
fn advice(err: &Error) -> Option<String> {
    let text = match err {
        Error::Config { .. } => {
            "fix the file named above; `kmipkit config example` prints a commented kmipkit.toml"
        }
        Error::Connect { .. } => {
            "is the key server running and reachable? check host and port of that server in kmipkit.toml, then run `kmipkit servers check`"
        }
        Error::Tls { .. } => {
            "the server may not speak TLS 1.2/1.3 on that port, or offers no common cipher suite; run `kmipkit servers check`"
        }
        Error::Certificate { .. } => {
            "check `ca` (the CA that signed the server's certificate), the server's host name against its certificate, and `client_cert`/`client_key` in kmipkit.toml"
        }
        Error::Timeout { .. } | Error::ConnectionLost { .. } | Error::AllServersFailed { .. } => {
            "no configured key server answered; run `kmipkit servers check` to see each one"
        }
        Error::Authentication { .. } => {
            "the server does not accept this client identity: check client_cert (it needs extended key usage clientAuth) and username/password_file"
        }
        Error::Server { reason, .. } => return server_hint(*reason),
        Error::Integrity { .. } => {
            "wrong key or encryption context (--context must match what was used to encrypt), or the data was modified or truncated; discard any output"
        }
        Error::Format { .. } => "the input is not a kmipkit ciphertext, or its header was damaged",
        Error::Encode { what, .. } if what == "key name" => {
            "identifiers and prefixes contain no '/'; a prefix is empty or ends with its only ':' (--prefix customer:); KEK names contain no ':'"
        }
        Error::Log { .. } => {
            "check the [log] and [audit] paths in kmipkit.toml and their permissions"
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// What to do about a refusal, by KMIP Result Reason.
fn server_hint(reason: kmipkit::spec::ResultReason) -> Option<String> {
    use kmipkit::spec::ResultReason as R;
    let text = match reason {
        R::ItemNotFound => {
            "no such object for this client: check the name or id with `kmipkit key locate`"
        }
        R::PermissionDenied => {
            "the object belongs to another client identity, or policy forbids this"
        }
        R::WrongKeyLifecycleState => {
            "the key is in the wrong state for this (see `kmipkit key get`): activate a pre-active key; revoke an active key before destroying it"
        }
        R::OperationNotSupported => "this key server does not implement that operation",
        R::AuthenticationNotSuccessful => {
            "the server does not accept this client identity: check client_cert and the credential in kmipkit.toml"
        }
        _ => return None,
    };
    Some(text.to_string())
}

/// The result type of every subcommand.
pub type CliResult<T = ()> = Result<T, Failure>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Scripts depend on these numbers: they must never change.
    #[test]
    fn codes_are_stable() {
        let all = [
            (Exit::General, 1),
            (Exit::Usage, 2),
            (Exit::Config, 3),
            (Exit::Connection, 4),
            (Exit::Refused, 5),
            (Exit::Integrity, 6),
            (Exit::Io, 7),
        ];
        for (exit, code) in all {
            assert_eq!(exit.code(), code, "{exit:?}");
        }
    }

    #[test]
    fn core_errors_map_to_their_codes() {
        let connect = Error::Connect {
            server: "kms1".into(),
            address: "127.0.0.1:1".into(),
            reason: "refused".into(),
        };
        let cases = [
            (connect.clone(), Exit::Connection),
            (
                Error::Integrity {
                    reason: "tag".into(),
                },
                Exit::Integrity,
            ),
            (
                Error::Format {
                    reason: "magic".into(),
                },
                Exit::Integrity,
            ),
            (
                Error::Config {
                    file: None,
                    line: None,
                    reason: "x".into(),
                },
                Exit::Config,
            ),
            (
                Error::Server {
                    operation: None,
                    reason: kmipkit::spec::ResultReason::ItemNotFound,
                    message: None,
                    explanation: None,
                },
                Exit::Refused,
            ),
            (
                Error::Protocol {
                    reason: "odd".into(),
                },
                Exit::General,
            ),
            (
                Error::Log {
                    path: None,
                    reason: "disk full".into(),
                },
                Exit::Io,
            ),
            (
                Error::Authentication {
                    server: "kms1".into(),
                    reason: "unknown client".into(),
                },
                Exit::Refused,
            ),
            (
                Error::Encode {
                    what: "key name".into(),
                    reason: "contains '/'".into(),
                },
                Exit::Usage,
            ),
        ];
        for (err, exit) in cases {
            let failure = Failure::from(err);
            assert_eq!(failure.exit, exit, "{}", failure.message);
        }
        let mut attempt = kmipkit::Attempt::new("kms1", connect.clone());
        attempt.count = 3;
        let repeated = Error::AllServersFailed {
            deadline_ms: 100,
            attempts: vec![attempt],
        };
        let failure = Failure::from(repeated);
        assert_eq!(failure.exit, Exit::Connection);
        assert_eq!(failure.kind, Some(ErrorKind::AllServersFailed));
        assert_eq!(
            failure.message.matches("refused").count(),
            1,
            "{}",
            failure.message
        );
        assert!(
            failure.message.ends_with("(3 attempts)"),
            "{}",
            failure.message
        );
    }

    /// Every server refused the way retrying cannot fix: the code, kind and advice are those of
    /// that refusal, not of "no server answered".
    #[test]
    fn a_refusal_shared_by_every_server_is_told_as_itself() {
        let refused = |server: &str| kmipkit::Error::Certificate {
            server: server.into(),
            rejected_by: kmipkit::Party::Client,
            reason: "the server's certificate is not signed by the configured CA".into(),
        };
        let all = Error::AllServersFailed {
            deadline_ms: 60_000,
            attempts: vec![
                kmipkit::Attempt::new("dc1", refused("dc1")),
                kmipkit::Attempt::new("dc2", refused("dc2")),
            ],
        };
        let failure = Failure::from(all);
        assert_eq!(failure.exit, Exit::Connection);
        assert_eq!(failure.kind, Some(ErrorKind::Certificate));
        assert!(
            failure.hint.as_deref().is_some_and(|h| h.contains("`ca`")),
            "{:?}",
            failure.hint
        );
        assert!(
            failure.message.contains("dc1") && failure.message.contains("dc2"),
            "{}",
            failure.message
        );
    }
}
