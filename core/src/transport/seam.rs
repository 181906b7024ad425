//! The client's I/O seam: one request to server *i* of the cluster, its reply back.
//!
//! Everything above it — failover, back-off, the call's deadline ([`Cluster`](super::Cluster)),
//! the [`Client`](crate::client::Client), Model 1, Model 2, rotation — is the same whoever
//! carries the bytes: the tokio mutual-TLS pool ([`Transport`](super::Transport), feature
//! `net`), the blocking `std::net` + rustls pool ([`BlockingTransport`](super::BlockingTransport),
//! feature `net`), or the embedder through a [`HostLink`](super::HostLink) (a C callback, a
//! JavaScript async function).

use std::time::Duration;

use zeroize::Zeroizing;

use super::Retry;
use crate::error::Result;
use crate::platform::{BoxFuture, MaybeSend, MaybeSync};

/// One server of the cluster, as a [`Link`] describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// The configured name, unique in the cluster (errors, logs, [`super::Reply::server`]).
    pub name: String,
    /// The host the link connects to (for events; the link verifies certificates against it).
    pub host: String,
    /// The port the link connects to.
    pub port: u16,
    /// The common name of the client certificate this server is shown, if the link knows it.
    pub client_identity: Option<String>,
}

/// The bounds of one attempt on one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// Time left before the whole call's deadline: the attempt must end by then.
    pub budget: Duration,
    /// Whether the request may be sent again (on a fresh connection) when a reused connection
    /// turns out dead after the request may have left.
    pub retry: Retry,
    /// Whether the attempt may give up with [`Sent::Skipped`] when the server was reported
    /// failed ([`Link::server_failed`]) while this request waited for a connection.
    pub skip_if_failed: bool,
}

/// What one attempt came to.
pub enum Sent {
    /// Exactly one TTLV message. It may carry key material: never log it.
    Reply(Zeroizing<Vec<u8>>),
    /// Nothing was sent: the server failed while the request waited for a connection (see
    /// [`Call::skip_if_failed`]); the caller tries the next server.
    Skipped,
}

/// Carries request bytes to one server of a cluster and returns its reply.
///
/// A failed attempt returns the transport [`Error`](crate::Error) that says what happened and
/// whether the request may have reached the server ([`Error::request_not_sent`],
/// [`Error::is_configuration_failure`]): the failover above decides from it whether to resend.
///
/// ```
/// use std::time::Duration;
/// use kmipkit::platform::BoxFuture;
/// use kmipkit::transport::{Call, Link, Peer, Sent};
///
/// /// A link whose only server echoes what it is sent.
/// struct Echo(Vec<Peer>);
///
/// impl Link for Echo {
///     fn peers(&self) -> &[Peer] {
///         &self.0
///     }
///     fn identity(&self) -> [u8; 32] {
///         [0; 32]
///     }
///     fn send<'a>(&'a self, _server: usize, request: &'a [u8], _call: Call)
///         -> BoxFuture<'a, kmipkit::error::Result<Sent>> {
///         Box::pin(async move { Ok(Sent::Reply(request.to_vec().into())) })
///     }
///     fn pause(&self, _pause: Duration) -> BoxFuture<'static, ()> {
///         Box::pin(async {})
///     }
/// }
/// ```
pub trait Link: MaybeSend + MaybeSync {
    /// The servers, primary first; [`Link::send`]'s `server` indexes this list.
    fn peers(&self) -> &[Peer];

    /// A digest of who this link speaks to and as whom (addresses, trust anchors, client
    /// certificates): two links with equal digests reach the same servers as the same identity.
    /// Key caches bind to it ([`crate::keys::KeyCache`]).
    fn identity(&self) -> [u8; 32];

    /// Sends `request` to server `server` and returns its reply, within `call.budget`.
    fn send<'a>(
        &'a self,
        server: usize,
        request: &'a [u8],
        call: Call,
    ) -> BoxFuture<'a, Result<Sent>>;

    /// Waits `pause` (the failover delay between servers) in the link's own way: a tokio
    /// timer, a thread sleep, a JavaScript `setTimeout`.
    fn pause(&self, pause: Duration) -> BoxFuture<'static, ()>;

    /// The cluster marked `server` down: its idle connections are likely dead too.
    fn server_failed(&self, server: usize) {
        let _ = server;
    }

    /// Connection counters per server, primary first (empty when the link keeps none).
    fn stats(&self) -> Vec<ServerStats> {
        Vec::new()
    }
}

/// Counters of one server's connections, from [`super::Cluster::stats`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerStats {
    /// The server's configured name.
    pub server: String,
    /// TLS connections opened (each a full TCP connect and handshake).
    pub connections_opened: u64,
    /// Requests served on a pooled connection.
    pub connections_reused: u64,
    /// Pooled connections found closed, failing the probe, or lost before a request reached the
    /// server, and replaced by a fresh one.
    pub stale_discarded: u64,
    /// Connections idle in the pool now.
    pub idle: usize,
    /// Connections open now, busy or idle.
    pub open: usize,
    /// The most connections that were open at once (never more than
    /// [`super::PoolSettings::max_connections_per_server`]).
    pub open_peak: usize,
    /// Whether the server is skipped for now after a failure.
    pub down: bool,
}

impl ServerStats {
    /// Counters of a server that has seen nothing yet.
    pub fn new(server: impl Into<String>) -> Self {
        Self {
            server: server.into(),
            connections_opened: 0,
            connections_reused: 0,
            stale_discarded: 0,
            idle: 0,
            open: 0,
            open_peak: 0,
            down: false,
        }
    }
}
