//! Network transport (feature `net`): mutual-TLS connections to key servers, pooling, failover.
//!
//! A [`Transport`] carries opaque TTLV request bytes to one of the configured key servers and
//! returns the reply's bytes; it knows nothing of KMIP beyond the 8-byte TTLV header that frames
//! a reply (and a DiscoverVersions request it uses as a liveness probe).
//!
//! - TLS: rustls with the aws-lc-rs provider, TLS 1.2 and 1.3; the only trust anchor is the
//!   configured CA; SNI and host-name verification always (an IP host is checked against IP
//!   SANs); optional SHA-256 pin of the server's certificate checked in addition. There is no
//!   way to turn verification off.
//! - Pool: per server, idle connections are reused most-recent first; those idle longer than
//!   [`PoolSettings::idle_timeout`] or older than [`PoolSettings::max_lifetime`] are closed.
//!   A pooled connection is checked for a close before reuse, and after
//!   [`PoolSettings::probe_after_idle`] also probed with a DiscoverVersions round trip. A
//!   pooled connection that turns out dead before the request reached the server is replaced
//!   by a fresh one, transparently.
//! - Failover: servers are tried in configured order (the first is the primary). A server that
//!   fails is skipped for [`Timeouts::down_backoff`] while others are up; after a failure the
//!   transport waits [`Timeouts::failover_delay`] and tries the next, wrapping around, until
//!   [`Timeouts::deadline`]. [`Retry`] says whether a request may be resent at all.
//!
//! ```no_run
//! # async fn example(material: kmipkit::config::TlsMaterial, request: Vec<u8>) -> kmipkit::error::Result<()> {
//! use kmipkit::transport::{Endpoint, PoolSettings, Retry, Timeouts, Transport};
//! let primary = Endpoint::new("primary", "kms1.example.com", 5696, material.clone());
//! let secondary = Endpoint::new("secondary", "kms2.example.com", 5696, material);
//! let transport = Transport::new(vec![primary, secondary], Timeouts::default(),
//!     PoolSettings::default(), kmipkit::ttlv::Limits::default())?;
//! let reply = transport.send(&request, Retry::Any).await?;
//! println!("{} answered with {} bytes", reply.server, reply.bytes.len());
//! # Ok(()) }
//! ```

mod cert_info;
mod conn;
mod identity;
mod pool;
mod tls;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use zeroize::Zeroizing;

pub use cert_info::{CertificateInfo, TlsInfo};
pub use identity::material_for;
pub use pool::ServerStats;
pub use tls::material_from_pkcs12;

use crate::config::TlsMaterial;
use crate::error::{Attempt, Error, Result};
use crate::ttlv::Limits;
use conn::{Connected, clamp, connect};
use pool::Server;

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
        }
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
}

impl Default for PoolSettings {
    /// 4 idle per server, idle timeout 60 s, lifetime 10 min, probe after 5 s idle.
    fn default() -> Self {
        Self {
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
    /// Servers that failed before this one answered, in order.
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

/// Connections to the configured key servers. Cheap to clone and share between tasks.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    servers: Vec<Server>,
    timeouts: Timeouts,
    pool: PoolSettings,
    limits: Limits,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("servers", &self.server_names())
            .field("timeouts", &self.inner.timeouts)
            .field("pool", &self.inner.pool)
            .finish()
    }
}

impl Transport {
    /// Checks every endpoint's TLS material and builds its TLS configuration now, so bad PEM,
    /// a key that does not match its certificate, or an unusable host fails here as
    /// [`Error::Config`] naming the server and the setting. Opens no connection.
    pub fn new(
        endpoints: Vec<Endpoint>,
        timeouts: Timeouts,
        pool: PoolSettings,
        limits: Limits,
    ) -> Result<Self> {
        let config = |reason: String| Error::Config {
            file: None,
            line: None,
            reason,
        };
        if endpoints.is_empty() {
            return Err(config("no key server is configured".into()));
        }
        for (i, endpoint) in endpoints.iter().enumerate() {
            if endpoints[..i].iter().any(|e| e.name == endpoint.name) {
                return Err(config(format!(
                    "two key servers are named `{}`; names must be unique",
                    endpoint.name
                )));
            }
        }
        let servers = endpoints
            .into_iter()
            .map(Server::new)
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            inner: Arc::new(Inner {
                servers,
                timeouts,
                pool,
                limits,
            }),
        })
    }

    /// Sends one TTLV request and returns the reply, failing over between servers as
    /// [`Retry`] allows, within [`Timeouts::deadline`].
    ///
    /// Errors: the first non-transport error (a reply over [`Limits`], a reply that is not
    /// TTLV); with [`Retry::IfNotSent`], a transport error after which the request may have
    /// reached the server; otherwise [`Error::AllServersFailed`] listing every attempt.
    pub async fn send(&self, request: &[u8], retry: Retry) -> Result<Reply> {
        let inner = &*self.inner;
        let deadline = later(inner.timeouts.deadline);
        let mut attempts = Vec::new();
        let mut next = 0;
        loop {
            if Instant::now() >= deadline {
                return Err(self.all_failed(attempts));
            }
            let index = self.pick(next);
            let server = &inner.servers[index];
            match self.attempt(server, request, retry, deadline).await {
                Ok(bytes) => {
                    server.mark_up();
                    return Ok(Reply {
                        bytes: Zeroizing::new(bytes),
                        server: server.name.clone(),
                        failed_attempts: attempts,
                    });
                }
                Err(e) if !e.is_transport_failure() => return Err(e),
                Err(e) => {
                    server.mark_down(later(inner.timeouts.down_backoff));
                    if retry == Retry::IfNotSent && !e.request_not_sent() {
                        return Err(e);
                    }
                    attempts.push(Attempt {
                        server: server.name.clone(),
                        error: Box::new(e),
                    });
                    next = (index + 1) % inner.servers.len();
                    if later(inner.timeouts.failover_delay) >= deadline {
                        return Err(self.all_failed(attempts));
                    }
                    tokio::time::sleep(inner.timeouts.failover_delay).await;
                }
            }
        }
    }

    /// Sends one request to the named server only: no failover, no resend after the request
    /// may have reached it (for `kmipkit servers check`). Bounded by [`Timeouts::deadline`].
    pub async fn send_to(&self, server: &str, request: &[u8]) -> Result<Reply> {
        let server = self.server(server)?;
        let deadline = later(self.inner.timeouts.deadline);
        match self
            .attempt(server, request, Retry::IfNotSent, deadline)
            .await
        {
            Ok(bytes) => {
                server.mark_up();
                Ok(Reply {
                    bytes: Zeroizing::new(bytes),
                    server: server.name.clone(),
                    failed_attempts: Vec::new(),
                })
            }
            Err(e) => {
                if e.is_transport_failure() {
                    server.mark_down(later(self.inner.timeouts.down_backoff));
                }
                Err(e)
            }
        }
    }

    /// The configured server names, primary first.
    pub fn server_names(&self) -> Vec<String> {
        self.inner.servers.iter().map(|s| s.name.clone()).collect()
    }

    /// The time bounds of every request.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The server names in the order a lookup should ask them: configured order, but servers
    /// that recently failed (skipped by failover for [`Timeouts::down_backoff`]) last.
    pub fn preferred_order(&self) -> Vec<String> {
        let now = Instant::now();
        let (up, down): (Vec<&Server>, Vec<&Server>) =
            self.inner.servers.iter().partition(|s| !s.is_down(now));
        up.into_iter().chain(down).map(|s| s.name.clone()).collect()
    }

    /// The host and port of the named server, as configured (for logs).
    pub fn server_address(&self, name: &str) -> Option<(&str, u16)> {
        let server = self.inner.servers.iter().find(|s| s.name == name)?;
        Some((server.host.as_str(), server.port))
    }

    /// Opens a new connection to the named server and reports the handshake: TLS version,
    /// cipher suite, the server's certificate, and timings. The connection then joins the pool.
    pub async fn tls_info(&self, server: &str) -> Result<TlsInfo> {
        let server = self.server(server)?;
        let deadline = later(self.inner.timeouts.deadline);
        let Connected {
            conn,
            peer,
            connect_time,
            handshake_time,
        } = connect(server, self.inner.timeouts.connect, deadline).await?;
        server.count_opened();
        let session = conn.session();
        let protocol_version = match session.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
            other => format!("{other:?}"),
        };
        let cipher_suite = session
            .negotiated_cipher_suite()
            .map_or_else(String::new, |s| {
                s.suite()
                    .as_str()
                    .map_or_else(|| format!("{:?}", s.suite()), str::to_string)
            });
        let chain = session.peer_certificates().unwrap_or_default();
        let certificate = chain
            .first()
            .ok_or_else(|| Error::Protocol {
                reason: format!("key server {} sent no certificate", server.name),
            })
            .and_then(|leaf| {
                cert_info::parse(leaf).map_err(|e| Error::Protocol {
                    reason: format!(
                        "the certificate of key server {} cannot be read: {e}",
                        server.name
                    ),
                })
            })?;
        let info = TlsInfo {
            server: server.name.clone(),
            address: peer.to_string(),
            protocol_version,
            cipher_suite,
            certificate,
            chain_len: chain.len(),
            connect_time,
            handshake_time,
        };
        server.checkin(conn, &self.inner.pool);
        Ok(info)
    }

    /// Connection counters per server, primary first.
    pub fn stats(&self) -> Vec<ServerStats> {
        self.inner.servers.iter().map(Server::stats).collect()
    }

    /// One attempt on one server: a pooled connection if a live one is there, else (or if the
    /// pooled one died before the request reached the server) a fresh one.
    async fn attempt(
        &self,
        server: &Server,
        request: &[u8],
        retry: Retry,
        deadline: Instant,
    ) -> Result<Vec<u8>> {
        let Inner {
            timeouts,
            pool,
            limits,
            ..
        } = &*self.inner;
        while let Some(mut conn) = server.checkout(pool) {
            if !conn.looks_open() {
                server.count_discarded();
                continue;
            }
            if conn.last_used.elapsed() >= pool.probe_after_idle {
                let bound = clamp(timeouts.connect.min(timeouts.request), deadline);
                if !conn.probe(server, bound, limits).await {
                    // The others sat idle as long: do not wait out a probe on each of them.
                    server.count_discarded();
                    server.drain_idle();
                    break;
                }
            }
            match conn
                .round_trip(server, request, clamp(timeouts.request, deadline), limits)
                .await
            {
                Ok(reply) => {
                    server.count_reused();
                    server.checkin(conn, pool);
                    return Ok(reply);
                }
                // Lost before a byte left, or (reads only) lost at all: a fresh connection
                // would have served it.
                Err(e @ Error::ConnectionLost { .. })
                    if e.request_not_sent() || retry == Retry::Any =>
                {
                    server.count_discarded();
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        let Connected { mut conn, .. } = connect(server, timeouts.connect, deadline).await?;
        server.count_opened();
        let reply = conn
            .round_trip(server, request, clamp(timeouts.request, deadline), limits)
            .await?;
        server.checkin(conn, pool);
        Ok(reply)
    }

    /// The first server from `next` on (wrapping) that is not marked down; `next` itself if
    /// all are down.
    fn pick(&self, next: usize) -> usize {
        let servers = &self.inner.servers;
        let now = Instant::now();
        (0..servers.len())
            .map(|k| (next + k) % servers.len())
            .find(|&i| !servers[i].is_down(now))
            .unwrap_or(next)
    }

    fn server(&self, name: &str) -> Result<&Server> {
        self.inner
            .servers
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| Error::Config {
                file: None,
                line: None,
                reason: format!(
                    "no key server is named `{name}`; configured: {}",
                    self.server_names().join(", ")
                ),
            })
    }

    fn all_failed(&self, attempts: Vec<Attempt>) -> Error {
        Error::AllServersFailed {
            deadline_ms: u64::try_from(self.inner.timeouts.deadline.as_millis())
                .unwrap_or(u64::MAX),
            attempts,
        }
    }
}

/// `after` from now; a duration too long for the clock (`Duration::MAX`) means a century.
fn later(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn transport_is_shareable() {
        assert_send_sync::<Transport>();
    }

    #[test]
    fn no_servers_is_a_config_error() {
        let err = Transport::new(
            Vec::new(),
            Timeouts::default(),
            PoolSettings::default(),
            Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }

    #[test]
    fn an_endless_timeout_is_a_far_instant_not_a_panic() {
        assert!(later(Duration::MAX) > Instant::now() + Duration::from_secs(86_400));
        assert!(later(Duration::ZERO) <= Instant::now());
    }

    #[test]
    fn reply_debug_hides_the_bytes() {
        let reply = Reply {
            bytes: Zeroizing::new(vec![0x42; 16]),
            server: "a".into(),
            failed_attempts: Vec::new(),
        };
        assert!(format!("{reply:?}").contains("<16 bytes>"));
    }
}
