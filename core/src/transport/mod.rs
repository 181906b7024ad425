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
//! - Pool: per server, at most [`PoolSettings::max_connections_per_server`] connections are
//!   open; a request that finds them all busy waits for one (first come, first served) until
//!   its deadline. Idle connections are reused most-recent first; those idle longer than
//!   [`PoolSettings::idle_timeout`] or older than [`PoolSettings::max_lifetime`] are closed.
//!   A pooled connection is checked for a close before reuse, and after
//!   [`PoolSettings::probe_after_idle`] also probed with a DiscoverVersions round trip. A
//!   pooled connection that turns out dead before the request reached the server is replaced
//!   by a fresh one, transparently.
//! - Failover: servers are tried in configured order (the first is the primary). A server that
//!   fails is skipped for [`Timeouts::down_backoff`] while others are up; after a failure the
//!   transport waits [`Timeouts::failover_delay`] and tries the next, wrapping around, until
//!   [`Timeouts::deadline`]. A server that failed for a reason retrying cannot fix
//!   ([`Error::is_configuration_failure`]: a certificate, a handshake that cannot succeed) is
//!   not tried again in the same call, and when every server failed so the call ends at once.
//!   [`Retry`] says whether a request may be resent at all.
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

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use zeroize::Zeroizing;

pub use cert_info::{CertificateInfo, TlsInfo};
pub use identity::material_for;
pub use pool::ServerStats;
pub use tls::material_from_pkcs12;

use crate::config::{MAX_SERVERS, TlsMaterial};
use crate::error::{Attempt, Error, Result, shown};
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

/// Connections to the configured key servers. Cheap to clone and share between tasks.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    servers: Vec<Server>,
    /// Digest of every server's address and TLS identity ([`Transport::identity_digest`]).
    identity: [u8; 32],
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
        if pool.max_connections_per_server == 0 {
            return Err(config(
                "max_connections_per_server is 0: no request could ever be sent; allow at least 1"
                    .into(),
            ));
        }
        if endpoints.len() > MAX_SERVERS {
            return Err(config(format!(
                "{} key servers are configured; kmipkit takes at most {MAX_SERVERS}",
                endpoints.len()
            )));
        }
        let mut names = HashSet::with_capacity(endpoints.len());
        for endpoint in &endpoints {
            if !names.insert(endpoint.name.as_str()) {
                return Err(config(format!(
                    "two key servers are named `{}`; names must be unique",
                    shown(&endpoint.name)
                )));
            }
        }
        let identity = identity_digest(&endpoints);
        let servers = endpoints
            .into_iter()
            .map(|endpoint| Server::new(endpoint, &pool))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            inner: Arc::new(Inner {
                servers,
                identity,
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
    /// reached the server; otherwise [`Error::AllServersFailed`] naming each server once (at
    /// the deadline, or at once when every server failed for a reason retrying cannot fix).
    pub async fn send(&self, request: &[u8], retry: Retry) -> Result<Reply> {
        let inner = &*self.inner;
        let deadline = later(inner.timeouts.deadline);
        let mut attempts = Vec::new();
        // Servers that failed for a reason retrying cannot fix (a certificate, a handshake that
        // cannot succeed) are not tried again in this call.
        let mut settled = vec![false; inner.servers.len()];
        let mut next = 0;
        loop {
            if Instant::now() >= deadline {
                return Err(self.all_failed(attempts));
            }
            let Some(index) = self.pick(next, &settled) else {
                return Err(self.all_failed(attempts));
            };
            let server = &inner.servers[index];
            match self.attempt(server, request, retry, deadline, true).await {
                Ok(Some(bytes)) => {
                    server.mark_up();
                    return Ok(Reply {
                        bytes: Zeroizing::new(bytes),
                        server: server.name.clone(),
                        failed_attempts: attempts,
                    });
                }
                // Marked down while this request waited for one of its connections.
                Ok(None) => next = (index + 1) % inner.servers.len(),
                Err(e) if !e.is_transport_failure() => return Err(e),
                Err(e) => {
                    server.mark_down(later(inner.timeouts.down_backoff));
                    if retry == Retry::IfNotSent && !e.request_not_sent() {
                        return Err(e);
                    }
                    if e.is_configuration_failure() {
                        settled[index] = true;
                    }
                    Attempt::record(&mut attempts, &server.name, e);
                    if settled.iter().all(|s| *s) {
                        return Err(self.all_failed(attempts));
                    }
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
            .attempt(server, request, Retry::IfNotSent, deadline, false)
            .await
        {
            Ok(None) => {
                Err(server.timeout("wait for a free connection", self.inner.timeouts.deadline))
            }
            Ok(Some(bytes)) => {
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

    /// A SHA-256 digest of every server's host, port, CA, pin and client certificate, in
    /// order: two transports with equal digests speak to the same servers as the same TLS
    /// identity. (It covers no private key: a certificate identifies its holder.)
    pub fn identity_digest(&self) -> [u8; 32] {
        self.inner.identity
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

    /// The common name of the client certificate the named server is shown (the identity a
    /// key server such as PyKMIP gives a client that sends no KMIP credential); `None` without
    /// a client certificate or for an unknown server. Servers of one cluster may be shown
    /// different certificates.
    pub fn client_identity(&self, name: &str) -> Option<&str> {
        let server = self.inner.servers.iter().find(|s| s.name == name)?;
        server.identity.as_deref()
    }

    /// Opens a new connection to the named server and reports the handshake: TLS version,
    /// cipher suite, the server's certificate, and timings. The connection then joins the pool.
    pub async fn tls_info(&self, server: &str) -> Result<TlsInfo> {
        let server = self.server(server)?;
        let deadline = later(self.inner.timeouts.deadline);
        let _slot = server.slot(deadline, self.inner.timeouts.deadline).await?;
        let Connected {
            conn,
            peer,
            connect_time,
            handshake_time,
        } = connect(server, self.inner.timeouts.connect, deadline).await?;
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

    /// One attempt on one server: once one of its [`PoolSettings::max_connections_per_server`]
    /// slots is free (in the order requests asked, until the deadline), a pooled connection if
    /// a live one is there, else (or if the pooled one died before the request reached the
    /// server) a fresh one.
    ///
    /// `None` when `skip_if_failed` and the server failed while this request waited: the
    /// requests ahead of it just found it down, so it goes to the next server instead.
    async fn attempt(
        &self,
        server: &Server,
        request: &[u8],
        retry: Retry,
        deadline: Instant,
        skip_if_failed: bool,
    ) -> Result<Option<Vec<u8>>> {
        let Inner {
            timeouts,
            pool,
            limits,
            ..
        } = &*self.inner;
        let failures = server.failures();
        let _slot = server.slot(deadline, timeouts.deadline).await?;
        if skip_if_failed && server.failures() != failures && server.is_down(Instant::now()) {
            return Ok(None);
        }
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
                    return Ok(Some(reply));
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
        let reply = conn
            .round_trip(server, request, clamp(timeouts.request, deadline), limits)
            .await?;
        server.checkin(conn, pool);
        Ok(Some(reply))
    }

    /// The first server from `next` on (wrapping) that is neither `settled` nor marked down;
    /// else the first that is not `settled`; `None` when all are.
    fn pick(&self, next: usize, settled: &[bool]) -> Option<usize> {
        let servers = &self.inner.servers;
        let now = Instant::now();
        let mut candidates = (0..servers.len())
            .map(|k| (next + k) % servers.len())
            .filter(|&i| !settled[i]);
        let first = candidates.clone().next()?;
        Some(
            candidates
                .find(|&i| !servers[i].is_down(now))
                .unwrap_or(first),
        )
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
                    "no key server is named `{}`; configured: {}",
                    shown(name),
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

/// See [`Transport::identity_digest`]. Every field is length-prefixed, so no two endpoint lists
/// hash alike by shifting bytes from one field to the next.
fn identity_digest(endpoints: &[Endpoint]) -> [u8; 32] {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let mut field = |bytes: &[u8]| {
        context.update(&(bytes.len() as u64).to_be_bytes());
        context.update(bytes);
    };
    for e in endpoints {
        field(e.host.as_bytes());
        field(&e.port.to_be_bytes());
        field(&e.tls.ca_pem);
        field(e.tls.pinned_sha256.as_ref().map_or(&[][..], |p| &p[..]));
        field(&e.tls.client_cert_pem);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
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

    fn endpoints(names: impl IntoIterator<Item = String>) -> Vec<Endpoint> {
        let material = TlsMaterial::new(Vec::new(), Vec::new(), Vec::new(), None);
        names
            .into_iter()
            .map(|name| Endpoint::new(name, "kms.example", 5696, material.clone()))
            .collect()
    }

    fn transport(endpoints: Vec<Endpoint>) -> Result<Transport> {
        Transport::new(
            endpoints,
            Timeouts::default(),
            PoolSettings::default(),
            Limits::default(),
        )
    }

    #[test]
    fn duplicate_names_are_refused() {
        let names = ["a", "b", "c", "b"].map(String::from);
        let err = transport(endpoints(names)).unwrap_err();
        assert!(err.to_string().contains("named `b`"), "{err}");
    }

    #[test]
    fn more_servers_than_the_limit_are_refused() {
        let names = (0..=MAX_SERVERS).map(|i| format!("s{i}"));
        let err = transport(endpoints(names)).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("{} key servers", MAX_SERVERS + 1)),
            "{err}"
        );
        assert!(err.to_string().contains("at most 64"), "{err}");
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
