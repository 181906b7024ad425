//! Per-server state: the TLS configuration, the connection slots (a FIFO semaphore: one permit
//! per connection that may be open), the idle connections (a LIFO stack), whether the server is
//! marked down, and counters. Locks are held only to push, pop or read a value, never across I/O.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::conn::Conn;
use super::tls_link::{self, Target};
use super::{Endpoint, PoolSettings, ServerStats};
use crate::error::{Error, Result};

/// One configured key server.
pub(super) struct Server {
    /// Name, address and TLS configuration (`server.name`, `server.tls` read through `Deref`).
    target: Target,
    idle: Mutex<Vec<Conn>>,
    /// One permit per connection that may be open; tokio's semaphore serves waiters in order.
    slots: Semaphore,
    /// Requests waiting for a slot.
    waiting: AtomicUsize,
    /// Failures so far, as the cluster above reported them ([`super::Link::server_failed`]).
    failures: AtomicU64,
    opened: AtomicU64,
    reused: AtomicU64,
    discarded: AtomicU64,
    open: Arc<OpenCount>,
}

/// Connections open now and the most ever open at once; a [`Conn`] holds an [`OpenGuard`].
#[derive(Default)]
pub(super) struct OpenCount {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// Counts one open connection for as long as it lives.
pub(super) struct OpenGuard(Arc<OpenCount>);

impl OpenCount {
    /// Counts one connection open until the guard is dropped, and the peak.
    pub(super) fn track(self: &Arc<Self>) -> OpenGuard {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        OpenGuard(self.clone())
    }

    /// Connections open now and the most open at once.
    pub(super) fn counts(&self) -> (usize, usize) {
        (
            self.now.load(Ordering::Relaxed),
            self.peak.load(Ordering::Relaxed),
        )
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::Relaxed);
    }
}

// The fields every attempt reads (name, host, TLS configuration) are shared with the blocking
// pool's servers in `Target`; reading them through `Deref` keeps `server.name` short.
impl std::ops::Deref for Server {
    type Target = Target;

    fn deref(&self) -> &Target {
        &self.target
    }
}

impl Server {
    pub(super) fn new(endpoint: Endpoint, pool: &PoolSettings) -> Result<Self> {
        Ok(Self {
            target: Target::new(endpoint)?,
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(pool.max_connections_per_server.min(Semaphore::MAX_PERMITS)),
            waiting: AtomicUsize::new(0),
            failures: AtomicU64::new(0),
            opened: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            discarded: AtomicU64::new(0),
            open: Arc::default(),
        })
    }

    /// Waits for one of the server's connection slots, first come first served, until
    /// `deadline` (`budget` is the whole call's bound, for the error). Holding the slot
    /// allows one connection: a pooled one, or a new one.
    pub(super) async fn slot(
        &self,
        deadline: Instant,
        budget: Duration,
    ) -> Result<SemaphorePermit<'_>> {
        if let Ok(permit) = self.slots.try_acquire() {
            return Ok(permit);
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let waited = tokio::time::timeout_at(deadline, self.slots.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        match waited {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; a deadline is the only way out.
            _ => Err(self.timeout("wait for a free connection", budget)),
        }
    }

    /// Counts a connection just opened; the guard counts it closed when dropped.
    pub(super) fn track_open(&self) -> OpenGuard {
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.open.track()
    }

    /// How many times the server failed so far.
    pub(super) fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    pub(super) fn timeout(&self, phase: &'static str, after: Duration) -> Error {
        tls_link::timeout(&self.name, phase, after)
    }

    /// The most recently used idle connection that is neither too old nor idle too long.
    pub(super) fn checkout(&self, settings: &PoolSettings) -> Option<Conn> {
        let now = Instant::now();
        let usable = |c: &Conn| {
            now.duration_since(c.created) < settings.max_lifetime
                && now.duration_since(c.last_used) < settings.idle_timeout
        };
        let mut expired = Vec::new();
        let found = take_usable(&mut lock(&self.idle), usable, &mut expired);
        drop(expired); // closed outside the lock
        found
    }

    /// Puts a connection that just finished a round trip back on the stack, if there is room
    /// (or a request waits for it) and it is young enough.
    pub(super) fn checkin(&self, conn: Conn, settings: &PoolSettings) {
        if conn.created.elapsed() >= settings.max_lifetime {
            return;
        }
        let waiting = self.waiting.load(Ordering::Relaxed);
        let mut idle = lock(&self.idle);
        if idle.len() < settings.max_idle_per_server.max(waiting) {
            idle.push(conn);
        }
    }

    pub(super) fn count_reused(&self) {
        self.reused.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_discarded(&self) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
    }

    /// The cluster marked the server down: its idle connections are likely dead too.
    pub(super) fn mark_failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        self.drain_idle();
    }

    /// Closes every idle connection.
    pub(super) fn drain_idle(&self) {
        let dead = std::mem::take(&mut *lock(&self.idle));
        drop(dead); // closed outside the lock
    }

    pub(super) fn stats(&self) -> ServerStats {
        let mut stats = ServerStats::new(self.name.clone());
        stats.connections_opened = self.opened.load(Ordering::Relaxed);
        stats.connections_reused = self.reused.load(Ordering::Relaxed);
        stats.stale_discarded = self.discarded.load(Ordering::Relaxed);
        stats.idle = lock(&self.idle).len();
        (stats.open, stats.open_peak) = self.open.counts();
        // Whether it is down is the cluster's to say (`Cluster::stats`).
        stats
    }
}

/// Pops the most recently used connection of an idle stack that is `usable`; the unusable ones
/// above it, and those at the bottom (the longest idle) up to the first usable one, move to
/// `expired` to be closed outside the lock.
pub(super) fn take_usable<C>(
    idle: &mut Vec<C>,
    usable: impl Fn(&C) -> bool,
    expired: &mut Vec<C>,
) -> Option<C> {
    let mut found = None;
    while let Some(conn) = idle.pop() {
        if usable(&conn) {
            found = Some(conn);
            break;
        }
        expired.push(conn);
    }
    let keep = idle.iter().position(&usable).unwrap_or(idle.len());
    expired.extend(idle.drain(..keep));
    found
}

/// A poisoned lock only means another task panicked while pushing or popping; the data is a
/// plain stack or time and stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TlsMaterial;

    fn server(max_connections_per_server: usize) -> Server {
        let tls = TlsMaterial::new(
            super::super::tls::UNIT_TEST_CA.as_bytes().to_vec(),
            Vec::new(),
            Vec::new(),
            None,
        );
        let pool = PoolSettings {
            max_connections_per_server,
            ..PoolSettings::default()
        };
        Server::new(Endpoint::new("kms", "127.0.0.1", 5696, tls), &pool).expect("server")
    }

    /// Requests that find every connection slot taken get one in the order they asked. One
    /// thread: each task registers its wait in the same poll that counts it as waiting.
    #[tokio::test]
    async fn slots_go_to_waiting_requests_first_come_first_served() {
        let server = Arc::new(server(1));
        let far = Instant::now() + Duration::from_secs(60);
        let held = server.slot(far, Duration::from_secs(60)).await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..6 {
            let (waiter, order) = (server.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = waiter.slot(far, Duration::from_secs(60)).await.unwrap();
                lock(&order).push(i);
            }));
            // The next request asks only once this one waits.
            while server.waiting.load(Ordering::Relaxed) < i + 1 {
                tokio::task::yield_now().await;
            }
        }
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*lock(&order), [0, 1, 2, 3, 4, 5]);
    }

    /// The wait for a slot ends at the request's deadline, as a timeout that sent nothing.
    #[tokio::test]
    async fn the_wait_for_a_slot_ends_at_the_deadline() {
        let server = server(1);
        let far = Instant::now() + Duration::from_secs(60);
        let _held = server.slot(far, Duration::from_secs(60)).await.unwrap();
        let soon = Instant::now() + Duration::from_millis(50);
        let err = server
            .slot(soon, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Timeout {
                    phase: "wait for a free connection",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.request_not_sent());
        assert_eq!(server.waiting.load(Ordering::Relaxed), 0);
    }
}
