//! `NativeClient::stats`: the core's connection counters per server (what the pool opened,
//! reused and holds now, and whether a server is skipped after a failure), converted field by
//! field. Lets a service watch its pool, and lets the tests prove the connection cap holds.

use kmipkit::transport::ServerStats;
use napi_derive::napi;

use crate::client::NativeClient;

/// The connection counters of one server (the core's `ServerStats`).
#[napi(object)]
pub struct ConnectionStats {
    /// The server's configured name (`"primary"`, `"secondary-1"`, ...).
    pub server: String,
    /// TLS connections opened (each a TCP connect and a handshake).
    pub connections_opened: f64,
    /// Requests served on a pooled connection.
    pub connections_reused: f64,
    /// Pooled connections found dead and replaced.
    pub stale_discarded: f64,
    /// Connections idle in the pool now.
    pub idle: u32,
    /// Connections open now, busy or idle.
    pub open: u32,
    /// The most connections open at once so far (at most `pool.max_connections_per_server`).
    pub open_peak: u32,
    /// Whether the server is skipped for now after a failure.
    pub down: bool,
}

impl From<ServerStats> for ConnectionStats {
    fn from(s: ServerStats) -> Self {
        // Counters stay far below 2^53, where a JS number is exact.
        #[allow(clippy::cast_precision_loss)]
        let count = |n: u64| n as f64;
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            server: s.server,
            connections_opened: count(s.connections_opened),
            connections_reused: count(s.connections_reused),
            stale_discarded: count(s.stale_discarded),
            idle: small(s.idle),
            open: small(s.open),
            open_peak: small(s.open_peak),
            down: s.down,
        }
    }
}

#[napi]
impl NativeClient {
    /// Connection counters per server, primary first. Reads counters only: nothing is sent.
    #[napi]
    pub fn stats(&self) -> napi::Result<Vec<ConnectionStats>> {
        let stats = self.client()?.cluster().stats();
        Ok(stats.into_iter().map(ConnectionStats::from).collect())
    }
}
