//! What describes a cluster of key servers and its time bounds, whatever carries the bytes.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::config::TlsMaterial;
pub use crate::config::{HttpsEncoding, Wire};
use crate::error::Attempt;

/// One key server.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Name used in errors, logs and [`Reply::server`].
    pub name: String,
    /// DNS name or IP address; the server's certificate is verified against it, and a DNS name
    /// is sent as SNI.
    pub host: String,
    /// TCP port (KMIP's registered port is 5696).
    pub port: u16,
    /// CA, client certificate and key, optional pin. A client certificate and key that are both
    /// empty mean "no client certificate" (for the rare server that does not require one).
    pub tls: TlsMaterial,
    /// How requests travel: KMIP's own TTLV stream (the default) or KMIP over HTTPS.
    pub wire: Wire,
}

impl Endpoint {
    /// An endpoint from its parts.
    pub fn new(
        name: impl Into<String>,
        host: impl Into<String>,
        port: u16,
        tls: TlsMaterial,
    ) -> Self {
        Self {
            name: name.into(),
            host: host.into(),
            port,
            tls,
            wire: Wire::Ttlv,
        }
    }

    /// The same server reached the way `wire` says.
    ///
    /// ```
    /// use kmipkit::config::TlsMaterial;
    /// use kmipkit::transport::{Endpoint, HttpsEncoding, Wire};
    /// let material = TlsMaterial::new(Vec::new(), Vec::new(), Vec::new(), None);
    /// let kms = Endpoint::new("kms", "kms.example.com", 9998, material)
    ///     .with_wire(Wire::https("/kmip", HttpsEncoding::Ttlv));
    /// assert_eq!(kms.wire.to_string(), "HTTPS POST /kmip (TTLV)");
    /// ```
    pub fn with_wire(mut self, wire: Wire) -> Self {
        self.wire = wire;
        self
    }
}

/// Time bounds of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening the TCP connection; the TLS handshake gets the same bound again.
    pub connect: Duration,
    /// One attempt on one server: writing the request and reading the whole reply.
    pub request: Duration,
    /// The whole call, failover included; every step is cut short to end by it.
    pub deadline: Duration,
    /// Pause after a failed attempt before the next server is tried.
    pub failover_delay: Duration,
    /// How long a failed server is skipped (while another is up) before it is tried again.
    pub down_backoff: Duration,
}

impl Default for Timeouts {
    /// Connect 5 s, request 30 s, deadline 60 s, failover delay 250 ms, down backoff 5 s.
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

/// Connection pool settings, per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Idle connections kept per server (0 disables pooling).
    pub max_idle_per_server: usize,
    /// An idle connection older than this (since its last use) is closed.
    pub idle_timeout: Duration,
    /// A connection older than this (since it was opened) is closed.
    pub max_lifetime: Duration,
    /// A connection idle this long is probed with a DiscoverVersions round trip before reuse.
    pub probe_after_idle: Duration,
    /// Connections open at once per server, busy or idle (at least 1). A request that finds
    /// them all busy waits for one, in the order requests asked, until its deadline: many
    /// requests at once share a few connections instead of each opening its own (which costs
    /// a TLS handshake and overflows a small server's listen backlog).
    pub max_connections_per_server: usize,
}

impl Default for PoolSettings {
    /// 4 idle and 8 open per server, idle timeout 60 s, lifetime 10 min, probe after 5 s idle.
    fn default() -> Self {
        Self {
            max_connections_per_server: 8,
            max_idle_per_server: 4,
            idle_timeout: Duration::from_secs(60),
            max_lifetime: Duration::from_secs(600),
            probe_after_idle: Duration::from_secs(5),
        }
    }
}

/// Whether a request may be sent again, to the next server, after a transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads and cryptographic operations: move to the next server on any transport failure.
    Any,
    /// Create, Register, ReKey, CreateKeyPair: move on only when the failed attempt provably
    /// sent nothing ([`Error::request_not_sent`]); otherwise the error is returned so the
    /// caller can look the object up instead of making a duplicate.
    IfNotSent,
}

/// A reply and who gave it.
#[derive(Clone, PartialEq, Eq)]
pub struct Reply {
    /// Exactly one TTLV message. It may carry key material (a Get's key): never log it. Zeroized
    /// on drop.
    pub bytes: Zeroizing<Vec<u8>>,
    /// Name of the server that answered.
    pub server: String,
    /// Servers that failed before this one answered: one entry each, with its last failure and
    /// attempt count, in the order of their first failure.
    pub failed_attempts: Vec<Attempt>,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("server", &self.server)
            .field("failed_attempts", &self.failed_attempts)
            .finish()
    }
}

/// A SHA-256 digest of every server's host, port, CA, pin and client certificate, in order: two
/// clusters with equal digests speak to the same servers as the same TLS identity. (It covers
/// no private key: a certificate identifies its holder.)
#[cfg(feature = "net")]
pub(crate) fn endpoints_digest(endpoints: &[Endpoint]) -> [u8; 32] {
    let mut parts = Vec::with_capacity(endpoints.len() * 5);
    for e in endpoints {
        parts.push(field(e.host.as_bytes()));
        parts.push(field(&e.port.to_be_bytes()));
        parts.push(field(&e.tls.ca_pem));
        parts.push(field(
            e.tls.pinned_sha256.as_ref().map_or(&[][..], |p| &p[..]),
        ));
        parts.push(field(&e.tls.client_cert_pem));
        // Another path on the same host and port may be another key manager behind a proxy.
        if let Wire::Https { path, .. } = &e.wire {
            parts.push(field(path.as_bytes()));
        }
    }
    let borrowed: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    crate::observe::chain::sha256(&borrowed)
}

/// A length-prefixed field, so no two lists digest alike by shifting bytes between fields.
pub(super) fn field(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as u64).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}
