//! The blocking mutual-TLS pool (feature `net`): a [`Link`] on `std::net::TcpStream` and
//! `rustls::ClientConnection`, with no async runtime. It behaves as the tokio pool does — the
//! same TLS configuration and verification, connection cap with an ordered wait, idle pool,
//! probe after idle, error classification — but each request does its I/O on the calling
//! thread, inside the future's first poll (run it with [`crate::platform::block_on`]).

mod conn;
mod slots;

use std::sync::Arc;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use self::conn::{Connected, clamp, connect};
use self::slots::Server;
use super::cert_info::TlsInfo;
use super::cluster::Cluster;
use super::seam::{Call, Link, Peer, Sent, ServerStats};
use super::tls_link::{later, peers_of, tls_info, unknown_server};
use super::{Endpoint, PoolSettings, Retry, Timeouts};
use crate::error::{Error, Result};
use crate::platform::{BoxFuture, SystemClock};
use crate::ttlv::Limits;

/// Connections to the configured key servers on `std::net` and rustls: a [`Link`] for code
/// without an async runtime. `Send + Sync`: share it (or the [`Cluster`] over it) between
/// threads; each request blocks its own thread, never the others.
///
/// Do not drive it from inside an async runtime's task: its I/O blocks the thread.
///
/// ```no_run
/// # fn example(material: kmipkit::config::TlsMaterial, request: Vec<u8>) -> kmipkit::error::Result<()> {
/// use kmipkit::platform::block_on;
/// use kmipkit::transport::{BlockingTransport, Endpoint, PoolSettings, Retry, Timeouts};
/// let primary = Endpoint::new("primary", "kms1.example.com", 5696, material.clone());
/// let secondary = Endpoint::new("secondary", "kms2.example.com", 5696, material);
/// let transport = BlockingTransport::new(vec![primary, secondary], Timeouts::default(),
///     PoolSettings::default(), kmipkit::ttlv::Limits::default())?;
/// let cluster = transport.into_cluster()?;
/// let reply = block_on(cluster.send(&request, Retry::Any))?;
/// println!("{} answered with {} bytes", reply.server, reply.bytes.len());
/// # Ok(()) }
/// ```
pub struct BlockingTransport {
    servers: Vec<Server>,
    peers: Vec<Peer>,
    /// Digest of every server's address and TLS identity ([`Link::identity`]).
    identity: [u8; 32],
    timeouts: Timeouts,
    pool: PoolSettings,
    limits: Limits,
}

impl std::fmt::Debug for BlockingTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingTransport")
            .field("peers", &self.peers)
            .field("timeouts", &self.timeouts)
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

impl BlockingTransport {
    /// Checks every endpoint's TLS material and builds its TLS configuration now, so bad PEM,
    /// a key that does not match its certificate, or an unusable host fails here as
    /// [`Error::Config`] naming the server and the setting. Opens no connection.
    pub fn new(
        endpoints: Vec<Endpoint>,
        timeouts: Timeouts,
        pool: PoolSettings,
        limits: Limits,
    ) -> Result<Self> {
        let (peers, identity) = peers_of(&endpoints, &pool)?;
        let servers = endpoints
            .into_iter()
            .map(|endpoint| Server::new(endpoint, &pool))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            servers,
            peers,
            identity,
            timeouts,
            pool,
            limits,
        })
    }

    /// The [`Cluster`] over this transport, with its timeouts and the system clock: failover,
    /// back-off and the call's deadline.
    pub fn into_cluster(self) -> Result<Cluster> {
        let timeouts = self.timeouts;
        Cluster::new(Arc::new(self), timeouts, Arc::new(SystemClock::default()))
    }

    /// The time bounds of every request.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Opens a new connection to the named server and reports the handshake: TLS version,
    /// cipher suite, the server's certificate, and timings. The connection then joins the pool.
    pub fn tls_info(&self, server: &str) -> Result<TlsInfo> {
        let server = self.server(server)?;
        let deadline = later(self.timeouts.deadline);
        let _slot = server.slot(deadline, self.timeouts.deadline)?;
        let Connected {
            conn,
            peer,
            connect_time,
            handshake_time,
        } = connect(server, self.timeouts.connect, deadline)?;
        let info = tls_info(server, conn.session(), peer, [connect_time, handshake_time])?;
        server.checkin(conn, &self.pool);
        Ok(info)
    }

    /// One attempt on one server: once one of its [`PoolSettings::max_connections_per_server`]
    /// slots is free (in the order requests asked, until the deadline), a pooled connection if
    /// a live one is there, else (or if the pooled one died before the request reached the
    /// server) a fresh one.
    ///
    /// `None` when `skip_if_failed` and the server failed while this request waited: the
    /// requests ahead of it just found it down, so it goes to the next server instead.
    fn attempt(
        &self,
        server: &Server,
        request: &[u8],
        retry: Retry,
        deadline: Instant,
        skip_if_failed: bool,
    ) -> Result<Option<Vec<u8>>> {
        let (timeouts, pool, limits) = (&self.timeouts, &self.pool, &self.limits);
        let failures = server.failures();
        let _slot = server.slot(deadline, timeouts.deadline)?;
        if skip_if_failed && server.failures() != failures {
            return Ok(None);
        }
        while let Some(mut conn) = server.checkout(pool) {
            if !conn.looks_open() {
                server.count_discarded();
                continue;
            }
            if conn.last_used.elapsed() >= pool.probe_after_idle {
                let bound = clamp(timeouts.connect.min(timeouts.request), deadline);
                if !conn.probe(server, bound, limits) {
                    // The others sat idle as long: do not wait out a probe on each of them.
                    server.count_discarded();
                    server.drain_idle();
                    break;
                }
            }
            match conn.round_trip(server, request, clamp(timeouts.request, deadline), limits) {
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
        let Connected { mut conn, .. } = connect(server, timeouts.connect, deadline)?;
        let reply = conn.round_trip(server, request, clamp(timeouts.request, deadline), limits)?;
        server.checkin(conn, pool);
        Ok(Some(reply))
    }

    fn server(&self, name: &str) -> Result<&Server> {
        self.servers
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| unknown_server(name, &self.peers))
    }
}

impl Link for BlockingTransport {
    fn peers(&self) -> &[Peer] {
        &self.peers
    }

    fn identity(&self) -> [u8; 32] {
        self.identity
    }

    /// Does the whole attempt, blocking, when the future is first polled.
    fn send<'a>(
        &'a self,
        server: usize,
        request: &'a [u8],
        call: Call,
    ) -> BoxFuture<'a, Result<Sent>> {
        Box::pin(async move {
            let server = &self.servers[server];
            let deadline = later(call.budget);
            match self.attempt(server, request, call.retry, deadline, call.skip_if_failed)? {
                Some(reply) => Ok(Sent::Reply(Zeroizing::new(reply))),
                None => Ok(Sent::Skipped),
            }
        })
    }

    fn pause(&self, pause: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async move { std::thread::sleep(pause) })
    }

    fn server_failed(&self, server: usize) {
        self.servers[server].mark_failed();
    }

    fn stats(&self) -> Vec<ServerStats> {
        self.servers.iter().map(Server::stats).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TlsMaterial;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_transport_is_shareable_between_threads() {
        assert_send_sync::<BlockingTransport>();
    }

    fn transport(pool: PoolSettings) -> Result<BlockingTransport> {
        let tls = TlsMaterial::new(
            super::super::tls::UNIT_TEST_CA.as_bytes().to_vec(),
            Vec::new(),
            Vec::new(),
            None,
        );
        let endpoints = vec![Endpoint::new("kms", "127.0.0.1", 5696, tls)];
        BlockingTransport::new(endpoints, Timeouts::default(), pool, Limits::default())
    }

    #[test]
    fn bad_settings_are_config_errors() {
        let none = BlockingTransport::new(
            Vec::new(),
            Timeouts::default(),
            PoolSettings::default(),
            Limits::default(),
        );
        assert!(matches!(none, Err(Error::Config { .. })), "{none:?}");
        let capped = transport(PoolSettings {
            max_connections_per_server: 0,
            ..PoolSettings::default()
        });
        let err = capped.unwrap_err().to_string();
        assert!(err.contains("max_connections_per_server is 0"), "{err}");
        let unknown = transport(PoolSettings::default())
            .unwrap()
            .tls_info("other")
            .unwrap_err()
            .to_string();
        assert!(
            unknown.contains("no key server is named `other`"),
            "{unknown}"
        );
    }
}
