//! The host transport: the embedder carries the bytes ("send these bytes to server i, give me
//! the reply"), kmipkit does everything else — negotiation, failover, failover-safe creates,
//! Model 1, Model 2, rotation. A C program that owns its sockets supplies a callback; a
//! JavaScript host supplies an async function.

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use super::cluster::check_peers;
use super::seam::{Call, Link, Peer, Sent};
use super::settings::field;
use crate::error::{Error, Result};
use crate::platform::BoxFuture;

/// How the host sends: `(server index, request, time left)` to the reply bytes or a transport
/// error (see [`HostLink::lost`]).
/// The request may carry key material (a Register): it is wiped when the host drops it.
#[cfg(not(target_arch = "wasm32"))]
pub type HostSend = dyn Fn(usize, Zeroizing<Vec<u8>>, Duration) -> BoxFuture<'static, Result<Vec<u8>>>
    + Send
    + Sync;
/// How the host sends (see the native definition); not `Send` on wasm32.
#[cfg(target_arch = "wasm32")]
pub type HostSend =
    dyn Fn(usize, Zeroizing<Vec<u8>>, Duration) -> BoxFuture<'static, Result<Vec<u8>>>;

/// How the host waits between servers.
#[cfg(not(target_arch = "wasm32"))]
pub type HostPause = dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync;
/// How the host waits between servers; not `Send` on wasm32.
#[cfg(target_arch = "wasm32")]
pub type HostPause = dyn Fn(Duration) -> BoxFuture<'static, ()>;

/// A [`Link`] whose I/O the embedder does.
///
/// The host's function returns the reply — exactly one TTLV message — or a transport error that
/// tells the failover above whether the request may have reached the server:
/// [`HostLink::lost`] (connection cut; say whether any byte was sent), [`Error::Connect`],
/// [`Error::Timeout`]. Any other error ends the call without failover.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use kmipkit::transport::HostLink;
/// let link = HostLink::blocking(["kms1", "kms2"], |server, request, _time_left| {
///     if server == 0 {
///         return Err(HostLink::lost("kms1", false, "no route to host"));
///     }
///     Ok(request.to_vec()) // a real host writes the request and reads one reply
/// })?;
/// # }
/// # Ok::<(), kmipkit::Error>(())
/// ```
pub struct HostLink {
    peers: Vec<Peer>,
    identity: [u8; 32],
    send: Arc<HostSend>,
    pause: Box<HostPause>,
}

impl std::fmt::Debug for HostLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostLink")
            .field("peers", &self.peers)
            .finish_non_exhaustive()
    }
}

impl HostLink {
    /// A link over the host's async `send` and `pause`. `identity` is whatever identifies the
    /// host's TLS set-up (CA and client certificate, say): key caches bind to a digest of it
    /// and of the peers, so two set-ups never share cached keys.
    pub fn new(
        peers: Vec<Peer>,
        identity: &[u8],
        send: Box<HostSend>,
        pause: Box<HostPause>,
    ) -> Result<Self> {
        check_peers(&peers)?;
        let mut parts: Vec<Vec<u8>> = Vec::with_capacity(peers.len() * 3 + 1);
        for peer in &peers {
            parts.push(field(peer.name.as_bytes()));
            parts.push(field(peer.host.as_bytes()));
            parts.push(field(&peer.port.to_be_bytes()));
        }
        parts.push(field(identity));
        let borrowed: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        Ok(Self {
            identity: crate::observe::chain::sha256(&borrowed),
            peers,
            send: Arc::from(send),
            pause,
        })
    }

    /// A link over a blocking `send(server, request, time left)`; the pause between servers
    /// sleeps the thread. For hosts whose I/O blocks (C callbacks, tests). Servers are named as
    /// given, with no address.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn blocking<S, F>(names: impl IntoIterator<Item = S>, send: F) -> Result<Self>
    where
        S: Into<String>,
        F: Fn(usize, &[u8], Duration) -> Result<Vec<u8>> + Send + Sync + 'static,
    {
        let peers = names
            .into_iter()
            .map(|name| Peer {
                name: name.into(),
                host: String::new(),
                port: 0,
                client_identity: None,
            })
            .collect();
        let send = Arc::new(send);
        Self::new(
            peers,
            b"",
            Box::new(move |server, request: Zeroizing<Vec<u8>>, left| {
                let send = send.clone();
                Box::pin(async move { send(server, &request, left) })
            }),
            Box::new(|pause| Box::pin(async move { std::thread::sleep(pause) })),
        )
    }

    /// The error a host returns when the connection to `server` was cut: `request_sent` says
    /// whether any byte of the request left (if so, the server may have acted on it, and a
    /// create is looked up before it is sent again).
    pub fn lost(server: &str, request_sent: bool, reason: impl Into<String>) -> Error {
        Error::ConnectionLost {
            server: server.to_string(),
            request_sent,
            reason: reason.into(),
        }
    }
}

impl Link for HostLink {
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
        let reply = (self.send)(server, Zeroizing::new(request.to_vec()), call.budget);
        Box::pin(async move { Ok(Sent::Reply(Zeroizing::new(reply.await?))) })
    }

    fn pause(&self, pause: Duration) -> BoxFuture<'static, ()> {
        (self.pause)(pause)
    }
}
