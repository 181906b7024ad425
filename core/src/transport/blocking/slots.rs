//! Per-server state of the blocking pool: the connection slots (a FIFO queue under a `Mutex` and a
//! `Condvar`: one slot per connection that may be open), the idle connections (a LIFO stack),
//! and counters. Locks are held only to push, pop or read a value, never across I/O.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::super::pool::{OpenCount, OpenGuard, take_usable};
use super::super::tls_link::{self, Target};
use super::super::{Endpoint, PoolSettings, ServerStats};
use super::conn::Conn;
use crate::error::{Error, Result};

/// One configured key server.
pub(super) struct Server {
    target: Target,
    idle: Mutex<Vec<Conn>>,
    slots: Slots,
    /// Failures so far, as the cluster above reported them ([`crate::transport::Link::server_failed`]).
    failures: AtomicU64,
    opened: AtomicU64,
    reused: AtomicU64,
    discarded: AtomicU64,
    open: Arc<OpenCount>,
}

// Name, address and TLS configuration are shared with the tokio pool's servers in `Target`.
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
            slots: Slots::new(pool.max_connections_per_server),
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
    pub(super) fn slot(&self, deadline: Instant, budget: Duration) -> Result<Slot<'_>> {
        self.slots
            .acquire(deadline)
            .ok_or_else(|| self.timeout("wait for a free connection", budget))
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
        let waiting = self.slots.waiting();
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

/// Connection slots handed out in the order requests asked for them.
struct Slots {
    queue: Mutex<Queue>,
    /// Signalled when a slot is freed or a waiter leaves the queue.
    changed: Condvar,
}

struct Queue {
    free: usize,
    /// The ticket the next waiter draws.
    next: u64,
    /// Tickets of the waiting requests, oldest first.
    waiting: VecDeque<u64>,
}

/// One connection slot, held until dropped.
pub(super) struct Slot<'a>(&'a Slots);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut queue = lock(&self.0.queue);
        queue.free += 1;
        let waiters = !queue.waiting.is_empty();
        drop(queue);
        // Waking costs a system call even with nobody asleep: only when someone waits.
        if waiters {
            self.0.changed.notify_all();
        }
    }
}

impl Slots {
    fn new(count: usize) -> Self {
        Self {
            queue: Mutex::new(Queue {
                free: count.max(1),
                next: 0,
                waiting: VecDeque::new(),
            }),
            changed: Condvar::new(),
        }
    }

    /// A slot, once every request that asked earlier has one, or `None` at `deadline`.
    fn acquire(&self, deadline: Instant) -> Option<Slot<'_>> {
        let mut queue = lock(&self.queue);
        if queue.free > 0 && queue.waiting.is_empty() {
            queue.free -= 1;
            return Some(Slot(self));
        }
        let ticket = queue.next;
        queue.next += 1;
        queue.waiting.push_back(ticket);
        loop {
            if queue.free > 0 && queue.waiting.front() == Some(&ticket) {
                queue.waiting.pop_front();
                queue.free -= 1;
                let more = queue.free > 0 && !queue.waiting.is_empty();
                drop(queue);
                if more {
                    // The next in line may take another free slot.
                    self.changed.notify_all();
                }
                return Some(Slot(self));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                queue.waiting.retain(|t| *t != ticket);
                drop(queue);
                // Whoever was behind this request may now be first.
                self.changed.notify_all();
                return None;
            }
            queue = self
                .changed
                .wait_timeout(queue, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Requests waiting for a slot.
    fn waiting(&self) -> usize {
        lock(&self.queue).waiting.len()
    }
}

/// A poisoned lock only means another thread panicked while pushing or popping; the data is a
/// plain stack or counter and stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requests that find every slot taken get one in the order they asked.
    #[test]
    fn slots_go_to_waiting_requests_first_come_first_served() {
        let slots = Arc::new(Slots::new(1));
        let far = Instant::now() + Duration::from_secs(60);
        let held = slots.acquire(far).expect("free");
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        for i in 0..6 {
            let (waiter, order) = (slots.clone(), order.clone());
            threads.push(std::thread::spawn(move || {
                let _slot = waiter.acquire(far).expect("in turn");
                lock(&order).push(i);
            }));
            // The next request asks only once this one waits.
            while slots.waiting() < i + 1 {
                std::thread::yield_now();
            }
        }
        drop(held);
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*lock(&order), [0, 1, 2, 3, 4, 5]);
    }

    /// The wait ends at the deadline, and the request leaves the queue, so the one behind it
    /// is served next.
    #[test]
    fn the_wait_ends_at_the_deadline_and_leaves_the_queue() {
        let slots = Arc::new(Slots::new(1));
        let far = Instant::now() + Duration::from_secs(60);
        let held = slots.acquire(far).expect("free");
        let soon = Instant::now() + Duration::from_millis(100);
        let early = {
            let slots = slots.clone();
            std::thread::spawn(move || slots.acquire(soon).is_none())
        };
        while slots.waiting() < 1 {
            std::thread::yield_now();
        }
        let late = {
            let slots = slots.clone();
            std::thread::spawn(move || slots.acquire(far).is_some())
        };
        assert!(early.join().unwrap(), "the first waiter times out");
        drop(held);
        assert!(
            late.join().unwrap(),
            "the second is served after the first left"
        );
        assert_eq!(slots.waiting(), 0);
    }

    /// With several slots, as many requests hold one at once, and no more.
    #[test]
    fn never_more_slots_than_the_cap() {
        let slots = Arc::new(Slots::new(3));
        let far = Instant::now() + Duration::from_secs(60);
        let (now, peak) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)));
        let threads: Vec<_> = (0..24)
            .map(|_| {
                let (slots, now, peak) = (slots.clone(), now.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _slot = slots.acquire(far).expect("in turn");
                    let current = {
                        let mut now = lock(&now);
                        *now += 1;
                        *now
                    };
                    let mut peak_now = lock(&peak);
                    *peak_now = (*peak_now).max(current);
                    drop(peak_now);
                    std::thread::sleep(Duration::from_millis(2));
                    *lock(&now) -= 1;
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(*lock(&peak) <= 3, "peak {}", *lock(&peak));
    }
}
