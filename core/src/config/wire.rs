//! How a key server is reached: KMIP's TTLV stream or KMIP over HTTPS (`url` in the file).
//! The transport carries it out; the types live here so that the configuration names them
//! without depending on the transport.

use std::fmt;

/// How requests travel to a key server over its mutual-TLS connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Wire {
    /// KMIP's own transport: TTLV messages straight on the TLS stream (port 5696).
    #[default]
    Ttlv,
    /// KMIP over HTTPS (OASIS KMIP Profiles, section 5.3): each request is an HTTP/1.1 POST to
    /// `path` on a kept-open connection; the reply is the body of a `200 OK`.
    Https {
        /// The target URI, `/kmip` by the profile's recommendation; starts with `/`.
        path: String,
        /// What the request and reply bodies hold.
        encoding: HttpsEncoding,
    },
}

impl Wire {
    /// KMIP over HTTPS to `path` in `encoding`.
    pub fn https(path: impl Into<String>, encoding: HttpsEncoding) -> Self {
        Self::Https {
            path: path.into(),
            encoding,
        }
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ttlv => f.write_str("KMIP TTLV over TLS"),
            Self::Https { path, encoding } => write!(f, "HTTPS POST {path} ({encoding})"),
        }
    }
}

/// The body of a KMIP-over-HTTPS request and reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HttpsEncoding {
    /// Binary TTLV, `Content-Type: application/octet-stream`.
    #[default]
    Ttlv,
    /// KMIP JSON (the profile's JSON encoding), `Content-Type: application/json`. Requests are
    /// written with numbers for masks and enumerations, which every reader of the encoding
    /// accepts; replies may use names, with or without underscores.
    Json,
}

impl HttpsEncoding {
    /// The `Content-Type` of bodies in this encoding.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Ttlv => "application/octet-stream",
            Self::Json => "application/json",
        }
    }
}

impl fmt::Display for HttpsEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ttlv => "TTLV",
            Self::Json => "JSON",
        })
    }
}
