//! The tokio mutual-TLS pool (feature `net`): a [`Link`] over pooled `tokio-rustls`
//! connections, and [`Transport`], the [`Cluster`] over it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use zeroize::Zeroizing;

use super::cert_info::TlsInfo;
use super::cluster::Cluster;
use super::conn::{Connected, clamp, connect};
use super::pool::Server;
use super::seam::{Call, Link, Peer, Sent, ServerStats};
use super::tls_link::{later, peers_of, tls_info, unknown_server};
use super::{Endpoint, PoolSettings, Reply, Retry, Timeouts};
use crate::error::{Error, Result};
use crate::platform::{BoxFuture, SystemClock};
use crate::ttlv::Limits;

/// Connections to the configured key servers over tokio, with failover. Cheap to clone and
/// share between tasks.
///
/// ```no_run
/// # async fn example(material: kmipkit::config::TlsMaterial, request: Vec<u8>) -> kmipkit::error::Result<()> {
/// use kmipkit::transport::{Endpoint, PoolSettings, Retry, Timeouts, Transport};
/// let primary = Endpoint::new("primary", "kms1.example.com", 5696, material.clone());
/// let secondary = Endpoint::new("secondary", "kms2.example.com", 5696, material);
/// let transport = Transport::new(vec![primary, secondary], Timeouts::default(),
///     PoolSettings::default(), kmipkit::ttlv::Limits::default())?;
/// let reply = transport.send(&request, Retry::Any).await?;
/// println!("{} answered with {} bytes", reply.server, reply.bytes.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Transport {
    cluster: Cluster,
    pool: Arc<TlsPool>,
}

/// The pooled connections of every server: the [`Link`] under a [`Transport`].
pub struct TlsPool {
    servers: Vec<Server>,
    peers: Vec<Peer>,
    /// Digest of every server's address and TLS identity ([`Link::identity`]).
    identity: [u8; 32],
    timeouts: Timeouts,
    pool: PoolSettings,
    limits: Limits,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("servers", &self.server_names())
            .field("timeouts", &self.pool.timeouts)
            .field("pool", &self.pool.pool)
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
        let pool = Arc::new(TlsPool::new(endpoints, timeouts, pool, limits)?);
        let link: Arc<dyn Link> = pool.clone();
        let cluster = Cluster::new(link, timeouts, Arc::new(SystemClock::default()))?;
        Ok(Self { cluster, pool })
    }

    /// Sends one TTLV request and returns the reply, failing over as [`Cluster::send`] does.
    pub async fn send(&self, request: &[u8], retry: Retry) -> Result<Reply> {
        self.cluster.send(request, retry).await
    }

    /// Sends one request to the named server only (see [`Cluster::send_to`]; for
    /// `kmipkit servers check`).
    pub async fn send_to(&self, server: &str, request: &[u8]) -> Result<Reply> {
        self.cluster.send_to(server, request).await
    }

    /// The cluster over this transport's pool: what a [`Client`](crate::client::Client) runs on.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// See [`Link::identity`].
    pub fn identity_digest(&self) -> [u8; 32] {
        self.pool.identity
    }

    /// The configured server names, primary first.
    pub fn server_names(&self) -> Vec<String> {
        self.cluster.server_names()
    }

    /// The time bounds of every request.
    pub fn timeouts(&self) -> Timeouts {
        self.pool.timeouts
    }

    /// See [`Cluster::preferred_order`].
    pub fn preferred_order(&self) -> Vec<String> {
        self.cluster.preferred_order()
    }

    /// The host and port of the named server, as configured (for logs).
    pub fn server_address(&self, name: &str) -> Option<(&str, u16)> {
        self.cluster.server_address(name)
    }

    /// The common name of the client certificate the named server is shown (the identity a
    /// key server such as PyKMIP gives a client that sends no KMIP credential); `None` without
    /// a client certificate or for an unknown server.
    pub fn client_identity(&self, name: &str) -> Option<&str> {
        self.cluster.client_identity(name)
    }

    /// Opens a new connection to the named server and reports the handshake: TLS version,
    /// cipher suite, the server's certificate, and timings. The connection then joins the pool.
    pub async fn tls_info(&self, server: &str) -> Result<TlsInfo> {
        self.pool.tls_info(server).await
    }

    /// Connection counters per server, primary first.
    pub fn stats(&self) -> Vec<ServerStats> {
        self.cluster.stats()
    }
}

impl TlsPool {
    fn new(
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

    /// Opens a new connection to the named server and reports the handshake: TLS version,
    /// cipher suite, the server's certificate, and timings. The connection then joins the pool.
    pub async fn tls_info(&self, server: &str) -> Result<TlsInfo> {
        let server = self.server(server)?;
        let deadline = Instant::from_std(later(self.timeouts.deadline));
        let _slot = server.slot(deadline, self.timeouts.deadline).await?;
        let Connected {
            conn,
            peer,
            connect_time,
            handshake_time,
        } = connect(server, self.timeouts.connect, deadline).await?;
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
    async fn attempt(
        &self,
        server: &Server,
        request: &[u8],
        retry: Retry,
        deadline: Instant,
        skip_if_failed: bool,
    ) -> Result<Option<Vec<u8>>> {
        let (timeouts, pool, limits) = (&self.timeouts, &self.pool, &self.limits);
        let failures = server.failures();
        let _slot = server.slot(deadline, timeouts.deadline).await?;
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

    fn server(&self, name: &str) -> Result<&Server> {
        self.servers
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| unknown_server(name, &self.peers))
    }
}

impl Link for TlsPool {
    fn peers(&self) -> &[Peer] {
        &self.peers
    }

    fn identity(&self) -> [u8; 32] {
        self.identity
    }

    fn send<'a>(
        &'a self,
        server: usize,
        request: &'a [u8],
        call: Call,
    ) -> BoxFuture<'a, Result<Sent>> {
        Box::pin(async move {
            let server = &self.servers[server];
            let deadline = Instant::from_std(later(call.budget));
            match self
                .attempt(server, request, call.retry, deadline, call.skip_if_failed)
                .await?
            {
                Some(reply) => Ok(Sent::Reply(Zeroizing::new(reply))),
                None => Ok(Sent::Skipped),
            }
        })
    }

    fn pause(&self, pause: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(pause))
    }

    fn server_failed(&self, server: usize) {
        self.servers[server].mark_failed();
    }

    fn stats(&self) -> Vec<ServerStats> {
        self.servers.iter().map(Server::stats).collect()
    }
}
