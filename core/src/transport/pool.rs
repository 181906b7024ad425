//! Per-server state: the TLS configuration, the idle connections (a LIFO stack), whether the
//! server is marked down, and counters. Locks are held only to push, pop or read a value,
//! never across I/O.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::conn::Conn;
use super::tls::{self, ClientTls};
use super::{Endpoint, PoolSettings};
use crate::error::{Error, Result};

/// One configured key server.
pub(super) struct Server {
    pub(super) name: String,
    pub(super) host: String,
    pub(super) port: u16,
    /// `host:port` (`[v6]:port`), as error messages print it.
    pub(super) address: String,
    pub(super) tls: ClientTls,
    idle: Mutex<Vec<Conn>>,
    down_until: Mutex<Option<Instant>>,
    opened: AtomicU64,
    reused: AtomicU64,
    discarded: AtomicU64,
}

/// Counters of one server's connections, from [`super::Transport::stats`].
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
    /// Whether the server is skipped for now after a failure.
    pub down: bool,
}

impl Server {
    pub(super) fn new(endpoint: Endpoint) -> Result<Self> {
        let Endpoint {
            name,
            host,
            port,
            tls,
        } = endpoint;
        if port == 0 {
            return Err(Error::Config {
                file: None,
                line: None,
                reason: format!(
                    "key server `{name}`: port 0 is not a port (KMIP's usual port is 5696)"
                ),
            });
        }
        let tls = tls::client_tls(&name, &host, &tls)?;
        let address = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        Ok(Self {
            name,
            host,
            port,
            address,
            tls,
            idle: Mutex::new(Vec::new()),
            down_until: Mutex::new(None),
            opened: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            discarded: AtomicU64::new(0),
        })
    }

    pub(super) fn timeout(&self, phase: &'static str, after: Duration) -> Error {
        Error::Timeout {
            server: self.name.clone(),
            phase,
            after_ms: u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// The most recently used idle connection that is neither too old nor idle too long.
    pub(super) fn checkout(&self, settings: &PoolSettings) -> Option<Conn> {
        let now = Instant::now();
        let usable = |c: &Conn| {
            now.duration_since(c.created) < settings.max_lifetime
                && now.duration_since(c.last_used) < settings.idle_timeout
        };
        let mut expired = Vec::new();
        let found = {
            let mut idle = lock(&self.idle);
            let mut found = None;
            while let Some(conn) = idle.pop() {
                if usable(&conn) {
                    found = Some(conn);
                    break;
                }
                expired.push(conn);
            }
            // The bottom of the stack is the longest idle.
            let keep = idle.iter().position(usable).unwrap_or(idle.len());
            expired.extend(idle.drain(..keep));
            found
        };
        drop(expired); // closed outside the lock
        found
    }

    /// Puts a connection that just finished a round trip back on the stack, if there is room
    /// and it is young enough.
    pub(super) fn checkin(&self, conn: Conn, settings: &PoolSettings) {
        if conn.created.elapsed() >= settings.max_lifetime {
            return;
        }
        let mut idle = lock(&self.idle);
        if idle.len() < settings.max_idle_per_server {
            idle.push(conn);
        }
    }

    pub(super) fn count_opened(&self) {
        self.opened.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_reused(&self) {
        self.reused.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_discarded(&self) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn is_down(&self, now: Instant) -> bool {
        lock(&self.down_until).is_some_and(|until| now < until)
    }

    /// Skips the server until `until`; its idle connections are likely dead too.
    pub(super) fn mark_down(&self, until: Instant) {
        *lock(&self.down_until) = Some(until);
        self.drain_idle();
    }

    /// Closes every idle connection.
    pub(super) fn drain_idle(&self) {
        let dead = std::mem::take(&mut *lock(&self.idle));
        drop(dead); // closed outside the lock
    }

    pub(super) fn mark_up(&self) {
        let mut down = lock(&self.down_until);
        if down.is_some() {
            *down = None;
        }
    }

    pub(super) fn stats(&self) -> ServerStats {
        ServerStats {
            server: self.name.clone(),
            connections_opened: self.opened.load(Ordering::Relaxed),
            connections_reused: self.reused.load(Ordering::Relaxed),
            stale_discarded: self.discarded.load(Ordering::Relaxed),
            idle: lock(&self.idle).len(),
            down: self.is_down(Instant::now()),
        }
    }
}

/// A poisoned lock only means another task panicked while pushing or popping; the data is a
/// plain stack or time and stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
