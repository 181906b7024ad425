//! [`ErrorKind`]: the stable classification every binding maps from.
//!
//! Each kind has a numeric code, a name and a [`ErrorCategory`], written once as literals in
//! [`KINDS`]; renaming a Rust variant changes none of them. Codes and names are never reused:
//! a kind that goes away leaves its code and name retired.

use std::fmt;

/// Stable classification of an [`Error`](crate::Error); see [`ErrorKind::code`],
/// [`ErrorKind::name`] and [`ErrorKind::category`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::Decode`](crate::Error::Decode).
    Decode,
    /// See [`Error::LimitExceeded`](crate::Error::LimitExceeded).
    LimitExceeded,
    /// See [`Error::Syntax`](crate::Error::Syntax).
    Syntax,
    /// See [`Error::Model`](crate::Error::Model).
    Model,
    /// See [`Error::Encode`](crate::Error::Encode).
    Encode,
    /// See [`Error::Connect`](crate::Error::Connect).
    Connect,
    /// See [`Error::Tls`](crate::Error::Tls).
    Tls,
    /// See [`Error::Certificate`](crate::Error::Certificate).
    Certificate,
    /// See [`Error::Authentication`](crate::Error::Authentication).
    Authentication,
    /// See [`Error::Timeout`](crate::Error::Timeout).
    Timeout,
    /// See [`Error::ConnectionLost`](crate::Error::ConnectionLost).
    ConnectionLost,
    /// See [`Error::AllServersFailed`](crate::Error::AllServersFailed).
    AllServersFailed,
    /// See [`Error::Server`](crate::Error::Server).
    Server,
    /// See [`Error::Protocol`](crate::Error::Protocol).
    Protocol,
    /// See [`Error::Config`](crate::Error::Config).
    Config,
    /// See [`Error::Integrity`](crate::Error::Integrity).
    Integrity,
    /// See [`Error::Format`](crate::Error::Format).
    Format,
    /// See [`Error::Log`](crate::Error::Log).
    Log,
}

/// The broad class of an [`ErrorKind`]: what a binding maps to its base exception class and the
/// CLI to its exit code. Its [`name`](ErrorCategory::name) is stable.
///
/// Unlike [`ErrorKind`] this enumeration is exhaustive, so a front end maps every category with
/// a `match` the compiler checks, and every kind (new ones included) through its category;
/// adding a category is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// TTLV, KMIP XML or JSON that cannot be read or written (`"codec"`).
    Codec,
    /// A key server could not be reached or the connection failed (`"connection"`).
    Connection,
    /// A key server refused the client's identity (`"authentication"`).
    Authentication,
    /// A key server answered and refused the operation (`"server"`).
    Server,
    /// A reply that does not fit the request (`"protocol"`).
    Protocol,
    /// A configuration file or setting is not usable (`"config"`).
    Config,
    /// A ciphertext that cannot be decrypted: failed authentication or not readable (`"ciphertext"`).
    Ciphertext,
    /// A log, its state file or the audit trail failed (`"log"`).
    Log,
}

/// One row of the table: the kind and its stable code, name and category.
struct KindInfo {
    kind: ErrorKind,
    code: u32,
    name: &'static str,
    symbol: &'static str,
    category: ErrorCategory,
}

const fn row(
    kind: ErrorKind,
    code: u32,
    name: &'static str,
    symbol: &'static str,
    category: ErrorCategory,
) -> KindInfo {
    KindInfo {
        kind,
        code,
        name,
        symbol,
        category,
    }
}

/// The one table of stable values. The names are the ones Python's `KmipError.kind` and the
/// CLI's `--json` errors have always shown.
const KINDS: [KindInfo; 18] = {
    use ErrorCategory as C;
    use ErrorKind as K;
    [
        row(K::Decode, 0x0101, "Decode", "KMIPKIT_DECODE", C::Codec),
        row(
            K::LimitExceeded,
            0x0102,
            "LimitExceeded",
            "KMIPKIT_LIMIT_EXCEEDED",
            C::Codec,
        ),
        row(K::Syntax, 0x0103, "Syntax", "KMIPKIT_SYNTAX", C::Codec),
        row(K::Model, 0x0104, "Model", "KMIPKIT_MODEL", C::Codec),
        row(K::Encode, 0x0105, "Encode", "KMIPKIT_ENCODE", C::Codec),
        row(
            K::Connect,
            0x0201,
            "Connect",
            "KMIPKIT_CONNECT",
            C::Connection,
        ),
        row(K::Tls, 0x0202, "Tls", "KMIPKIT_TLS", C::Connection),
        row(
            K::Certificate,
            0x0203,
            "Certificate",
            "KMIPKIT_CERTIFICATE",
            C::Connection,
        ),
        row(
            K::Authentication,
            0x0204,
            "Authentication",
            "KMIPKIT_AUTHENTICATION",
            C::Authentication,
        ),
        row(
            K::Timeout,
            0x0205,
            "Timeout",
            "KMIPKIT_TIMEOUT",
            C::Connection,
        ),
        row(
            K::ConnectionLost,
            0x0206,
            "ConnectionLost",
            "KMIPKIT_CONNECTION_LOST",
            C::Connection,
        ),
        row(
            K::AllServersFailed,
            0x0207,
            "AllServersFailed",
            "KMIPKIT_ALL_SERVERS_FAILED",
            C::Connection,
        ),
        row(K::Server, 0x0301, "Server", "KMIPKIT_SERVER", C::Server),
        row(
            K::Protocol,
            0x0302,
            "Protocol",
            "KMIPKIT_PROTOCOL",
            C::Protocol,
        ),
        row(K::Config, 0x0401, "Config", "KMIPKIT_CONFIG", C::Config),
        row(
            K::Integrity,
            0x0501,
            "Integrity",
            "KMIPKIT_INTEGRITY",
            C::Ciphertext,
        ),
        row(K::Format, 0x0502, "Format", "KMIPKIT_FORMAT", C::Ciphertext),
        row(K::Log, 0x0601, "Log", "KMIPKIT_LOG", C::Log),
    ]
};

impl ErrorKind {
    /// Every kind, in code order: for bindings that build their mapping from the table and for
    /// tests that prove a mapping covers every kind.
    ///
    /// ```
    /// use kmipkit::ErrorKind;
    /// assert!(ErrorKind::ALL.contains(&ErrorKind::Log));
    /// assert_eq!(ErrorKind::ALL.len(), 18);
    /// ```
    pub const ALL: [ErrorKind; KINDS.len()] = {
        let mut all = [ErrorKind::Decode; KINDS.len()];
        let mut i = 0;
        while i < KINDS.len() {
            all[i] = KINDS[i].kind;
            i += 1;
        }
        all
    };

    const fn info(self) -> &'static KindInfo {
        let mut i = 0;
        // Every variant has a row (pinned by a unit test), so the loop always returns.
        while i < KINDS.len() - 1 && KINDS[i].kind as u8 != self as u8 {
            i += 1;
        }
        &KINDS[i]
    }

    /// The stable numeric code of this kind, for C result codes and binding error codes.
    ///
    /// ```
    /// assert_eq!(kmipkit::ErrorKind::Decode.code(), 0x0101);
    /// ```
    pub const fn code(self) -> u32 {
        self.info().code
    }

    /// The stable name of this kind (`"AllServersFailed"`), as bindings and `--json` show it.
    ///
    /// ```
    /// assert_eq!(kmipkit::ErrorKind::AllServersFailed.name(), "AllServersFailed");
    /// ```
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The stable string code of this kind (`"KMIPKIT_ALL_SERVERS_FAILED"`): the name in upper
    /// snake case after `KMIPKIT_`, the `.code` of the JavaScript bindings' errors.
    ///
    /// ```
    /// assert_eq!(kmipkit::ErrorKind::LimitExceeded.symbol(), "KMIPKIT_LIMIT_EXCEEDED");
    /// ```
    pub const fn symbol(self) -> &'static str {
        self.info().symbol
    }

    /// The broad class of this kind.
    ///
    /// ```
    /// use kmipkit::{ErrorCategory, ErrorKind};
    /// assert_eq!(ErrorKind::Certificate.category(), ErrorCategory::Connection);
    /// ```
    pub const fn category(self) -> ErrorCategory {
        self.info().category
    }

    /// The kind with this code, if any (a code from a C result or a serialized error).
    ///
    /// ```
    /// use kmipkit::ErrorKind;
    /// assert_eq!(ErrorKind::from_code(0x0301), Some(ErrorKind::Server));
    /// assert_eq!(ErrorKind::from_code(0x0300), None);
    /// ```
    pub fn from_code(code: u32) -> Option<ErrorKind> {
        KINDS.iter().find(|k| k.code == code).map(|k| k.kind)
    }

    /// The kind with this stable name, if any.
    ///
    /// ```
    /// use kmipkit::ErrorKind;
    /// assert_eq!(ErrorKind::from_name("Integrity"), Some(ErrorKind::Integrity));
    /// ```
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        KINDS.iter().find(|k| k.name == name).map(|k| k.kind)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ErrorCategory {
    /// Every category.
    pub const ALL: [ErrorCategory; 8] = [
        Self::Codec,
        Self::Connection,
        Self::Authentication,
        Self::Server,
        Self::Protocol,
        Self::Config,
        Self::Ciphertext,
        Self::Log,
    ];

    /// The stable name of this category (`"connection"`).
    ///
    /// ```
    /// assert_eq!(kmipkit::ErrorCategory::Ciphertext.name(), "ciphertext");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Self::Codec => "codec",
            Self::Connection => "connection",
            Self::Authentication => "authentication",
            Self::Server => "server",
            Self::Protocol => "protocol",
            Self::Config => "config",
            Self::Ciphertext => "ciphertext",
            Self::Log => "log",
        }
    }
}

impl fmt::Display for ErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The pinned values of each kind. Bindings, scripts and C callers depend on them, so they
    /// are written out again rather than read from the table; a new variant does not compile
    /// until it is added here (and to `KINDS` and `EVERY`).
    fn pinned(kind: ErrorKind) -> (&'static str, u32, &'static str) {
        use ErrorKind as K;
        match kind {
            K::Decode => ("Decode", 0x0101, "codec"),
            K::LimitExceeded => ("LimitExceeded", 0x0102, "codec"),
            K::Syntax => ("Syntax", 0x0103, "codec"),
            K::Model => ("Model", 0x0104, "codec"),
            K::Encode => ("Encode", 0x0105, "codec"),
            K::Connect => ("Connect", 0x0201, "connection"),
            K::Tls => ("Tls", 0x0202, "connection"),
            K::Certificate => ("Certificate", 0x0203, "connection"),
            K::Authentication => ("Authentication", 0x0204, "authentication"),
            K::Timeout => ("Timeout", 0x0205, "connection"),
            K::ConnectionLost => ("ConnectionLost", 0x0206, "connection"),
            K::AllServersFailed => ("AllServersFailed", 0x0207, "connection"),
            K::Server => ("Server", 0x0301, "server"),
            K::Protocol => ("Protocol", 0x0302, "protocol"),
            K::Config => ("Config", 0x0401, "config"),
            K::Integrity => ("Integrity", 0x0501, "ciphertext"),
            K::Format => ("Format", 0x0502, "ciphertext"),
            K::Log => ("Log", 0x0601, "log"),
        }
    }

    /// Every variant, written out.
    const EVERY: [ErrorKind; 18] = {
        use ErrorKind as K;
        [
            K::Decode,
            K::LimitExceeded,
            K::Syntax,
            K::Model,
            K::Encode,
            K::Connect,
            K::Tls,
            K::Certificate,
            K::Authentication,
            K::Timeout,
            K::ConnectionLost,
            K::AllServersFailed,
            K::Server,
            K::Protocol,
            K::Config,
            K::Integrity,
            K::Format,
            K::Log,
        ]
    };

    #[test]
    fn every_kind_keeps_its_name_code_and_category() {
        let all: HashSet<ErrorKind> = ErrorKind::ALL.into_iter().collect();
        assert_eq!(all, EVERY.into_iter().collect::<HashSet<_>>());
        for kind in EVERY {
            let (name, code, category) = pinned(kind);
            assert_eq!(kind.info().kind, kind, "{kind:?} has no row in KINDS");
            assert_eq!(kind.name(), name, "{kind:?}");
            assert_eq!(kind.code(), code, "{kind:?}");
            assert_eq!(kind.category().name(), category, "{kind:?}");
            assert_eq!(kind.to_string(), name);
            assert_eq!(ErrorKind::from_code(code), Some(kind));
            assert_eq!(ErrorKind::from_name(name), Some(kind));
            // The symbol is the name in upper snake case: "AllServersFailed" ->
            // "KMIPKIT_ALL_SERVERS_FAILED".
            let mut symbol = String::from("KMIPKIT");
            for c in name.chars() {
                if c.is_ascii_uppercase() {
                    symbol.push('_');
                }
                symbol.push(c.to_ascii_uppercase());
            }
            assert_eq!(kind.symbol(), symbol, "{kind:?}");
        }
        let categories: HashSet<ErrorCategory> = EVERY.iter().map(|k| k.category()).collect();
        assert_eq!(categories.len(), ErrorCategory::ALL.len());
    }

    #[test]
    fn codes_names_and_category_names_are_unique() {
        let codes: HashSet<u32> = KINDS.iter().map(|k| k.code).collect();
        let names: HashSet<&str> = KINDS.iter().map(|k| k.name).collect();
        let kinds: HashSet<ErrorKind> = KINDS.iter().map(|k| k.kind).collect();
        assert_eq!(codes.len(), KINDS.len());
        assert_eq!(names.len(), KINDS.len());
        assert_eq!(kinds.len(), KINDS.len());
        let categories: HashSet<&str> = ErrorCategory::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(categories.len(), ErrorCategory::ALL.len());
        assert_eq!(ErrorKind::from_code(0), None);
        assert_eq!(ErrorKind::from_name("decode"), None);
    }
}
