//! [`KeyCache`]: unwrapped keys kept in protected memory for a bounded time, number of uses and
//! number of bytes, so that encrypting many messages costs one key-manager call per key lifetime.
//!
//! See [`KeyCache`].

mod flight;
mod scope;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use self::flight::{Flight, Outcome};
use super::SecretBytes;
use crate::error::Result;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use crate::platform::SystemClock;
pub use crate::platform::{Clock, ManualClock};
pub use scope::CacheScope;

/// The bounds of a [`KeyCache`]. A zero `max_age`, or a `max_uses` of 0 or 1, disables caching
/// while keeping concurrent fetches merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CacheLimits {
    /// An entry expires when it is this old (measured from the end of its fetch).
    pub max_age: Duration,
    /// An entry expires once it has been handed out this many times, counting the fetch itself.
    pub max_uses: u64,
    /// The cached key bytes (the sum of the keys' lengths) never exceed this.
    pub max_bytes: usize,
}

/// Five minutes, 2^32 uses, 64 KiB (2,048 AES-256 keys). Each cached key also occupies at least
/// one 4 KiB page of locked memory (see [`SecretBytes`]), so 64 KiB of 32-byte keys lock 8 MiB.
impl Default for CacheLimits {
    fn default() -> Self {
        Self {
            max_age: Duration::from_secs(300),
            max_uses: 1 << 32,
            max_bytes: 64 * 1024,
        }
    }
}

/// Counters since the cache was made; [`KeyCache::stats`] also reports its current size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CacheStats {
    /// Calls answered from the cache.
    pub hits: u64,
    /// Calls that found no usable entry (they fetched, or waited for another caller's fetch).
    pub misses: u64,
    /// Fetches started: key-manager calls made.
    pub fetches: u64,
    /// Fetches that failed (their error went to every waiter and was not cached).
    pub fetch_errors: u64,
    /// Calls that waited for another caller's fetch instead of making their own.
    pub coalesced: u64,
    /// Entries removed: expired by age or uses, evicted for space, by [`KeyCache::evict`] or
    /// [`KeyCache::purge`].
    pub evictions: u64,
    /// Fetched keys not cached because they are larger than `max_bytes` alone.
    pub oversize: u64,
    /// Keys cached now.
    pub entries: usize,
    /// Key bytes cached now.
    pub bytes: usize,
}

/// A cache of unwrapped keys by key identifier (use the KMIP Unique Identifier, which names one
/// version of one key).
///
/// - **Limits** ([`CacheLimits`]): an entry expires once it is `max_age` old or has been handed
///   out `max_uses` times, and the cached key bytes never exceed `max_bytes`; the least recently
///   used keys are evicted first to make room, and a key larger than `max_bytes` is returned but
///   not cached.
/// - **One fetch per key**: concurrent [`KeyCache::get_or_fetch`] calls for one key make one
///   key-manager call; the others wait for it (no busy waiting, no lock held across `.await`) and
///   all receive its key, or its error. Errors are never cached: the next call fetches again.
/// - **Revocation**: [`KeyCache::evict`] removes one key, [`KeyCache::purge`] all of them.
/// - **Scope**: a cache answers for one client identity and cluster only. Models call
///   [`KeyCache::bind`] with their client's [`CacheScope`] before each use: the first binds the
///   cache, and a client of another identity or cluster is refused, so a cache never hands out
///   a key that the key manager would refuse to that client.
/// - **Zeroization**: keys are [`SecretBytes`] (locked, zeroized on drop, redacted), shared as
///   `Arc<SecretBytes>`. Removing an entry drops the cache's reference; a caller still holding a
///   clone keeps the bytes until its last clone drops, and they are zeroized then. Hold the `Arc`
///   only for one operation.
/// - **Time** comes from a [`Clock`]: `SystemClock` on native targets, [`ManualClock`] in tests,
///   or the caller's own (for example `performance.now()` on wasm32, where no system clock exists).
///   The cache does no I/O and needs no runtime: the fetch is the caller's future, polled by the
///   caller's executor.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use std::time::Duration;
/// use kmipkit::keys::{CacheLimits, KeyCache, ManualClock, SecretBytes};
///
/// let clock = ManualClock::default();
/// let limits = CacheLimits { max_age: Duration::from_secs(60), ..CacheLimits::default() };
/// let cache = KeyCache::with_clock(limits, clock.clone());
/// # fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// // The first call fetches (here: a ready future standing in for a key-manager Get or Decrypt).
/// let key = block_on(cache.get_or_fetch("uid-1", || async { Ok(SecretBytes::from(&[7u8; 32][..])) }))?;
/// assert_eq!(key.expose(), &[7u8; 32][..]);
/// // The second is a hit: its fetch is never called.
/// block_on(cache.get_or_fetch("uid-1", || async { unreachable!() }))?;
/// assert_eq!((cache.stats().hits, cache.stats().fetches), (1, 1));
/// // A minute later the entry has expired.
/// clock.advance(Duration::from_secs(60));
/// assert!(cache.get("uid-1").is_none());
/// # }
/// # Ok::<_, kmipkit::Error>(())
/// ```
///
/// `Debug` shows the limits and counters, never a key identifier or key byte.
pub struct KeyCache {
    limits: CacheLimits,
    clock: Box<dyn Clock>,
    owner: Mutex<Option<CacheScope>>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// The fetch in progress for each key, if any. A flight removed from here (by `evict` or
    /// `purge`) still answers its waiters but does not cache its key.
    flights: HashMap<String, Arc<Flight>>,
    /// Advances on every use; orders entries for least-recently-used eviction.
    tick: u64,
    stats: CacheStats,
}

struct Entry {
    key: Arc<SecretBytes>,
    fetched_at: Duration,
    uses: u64,
    last_used: u64,
}

/// What a caller does after looking its key up.
enum Lookup {
    Hit(Arc<SecretBytes>),
    Wait(Arc<Flight>),
    Lead(Arc<Flight>),
}

impl KeyCache {
    /// A cache with these limits on the [`SystemClock`] (not on wasm32-unknown-unknown, which has
    /// no clock: use [`KeyCache::with_clock`] there).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn new(limits: CacheLimits) -> Self {
        Self::with_clock(limits, SystemClock::default())
    }

    /// A cache with these limits, reading time from `clock`.
    pub fn with_clock(limits: CacheLimits, clock: impl Clock + 'static) -> Self {
        Self {
            limits,
            clock: Box::new(clock),
            owner: Mutex::default(),
            inner: Mutex::default(),
        }
    }

    /// Binds this cache to `scope` on first use, and refuses any other scope afterwards (an
    /// [`Error::Config`](crate::Error::Config) saying so): one cache, one client identity and
    /// cluster.
    ///
    /// ```
    /// use kmipkit::keys::{CacheLimits, CacheScope, KeyCache, ManualClock};
    /// let cache = KeyCache::with_clock(CacheLimits::default(), ManualClock::default());
    /// cache.bind(CacheScope::from_digest([1; 32]))?;
    /// assert!(cache.bind(CacheScope::from_digest([2; 32])).is_err());
    /// # Ok::<(), kmipkit::Error>(())
    /// ```
    pub fn bind(&self, scope: CacheScope) -> Result<()> {
        let mut owner = self.owner.lock().unwrap_or_else(PoisonError::into_inner);
        scope::bind(&mut owner, scope)
    }

    /// The cached key for `key_id`, or else the key from `fetch` (a key-manager Get, Decrypt or
    /// unwrap), which is then cached within the limits.
    ///
    /// `fetch` is called only when no entry is usable and no other call is fetching this key;
    /// concurrent calls for one key wait for the one fetch in progress and receive its key or its
    /// error. Errors are not cached. If the caller running the fetch is dropped (cancelled) or its
    /// fetch panics, one of the waiters fetches instead, with its own `fetch`.
    ///
    /// Every key handed out counts one use, including to the callers that waited for a fetch.
    pub async fn get_or_fetch<F, Fut>(&self, key_id: &str, fetch: F) -> Result<Arc<SecretBytes>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<SecretBytes>>,
    {
        let flight = loop {
            match self.lookup(key_id, true) {
                Lookup::Hit(key) => return Ok(key),
                Lookup::Lead(flight) => break flight,
                Lookup::Wait(flight) => match flight.wait().await {
                    Outcome::Done(Ok(key)) => {
                        self.count_use(key_id, &key);
                        return Ok(key);
                    }
                    Outcome::Done(Err(error)) => return Err(error),
                    Outcome::Abandoned => continue,
                },
            }
        };
        let lead = Lead {
            cache: self,
            key_id,
            flight,
            finished: false,
        };
        let result = fetch().await.map(Arc::new);
        lead.finish(result)
    }

    /// The cached key for `key_id`, counting one use, or `None` without fetching.
    pub fn get(&self, key_id: &str) -> Option<Arc<SecretBytes>> {
        match self.lookup(key_id, false) {
            Lookup::Hit(key) => Some(key),
            Lookup::Wait(_) | Lookup::Lead(_) => None,
        }
    }

    /// Removes `key_id`'s entry, and detaches its fetch in progress so that the fetched key is
    /// handed to the callers already waiting but not cached. Returns whether an entry was cached.
    ///
    /// Call it whenever the key must stop being used: when this client revokes, deactivates or
    /// destroys the key (or re-keys it), and when the key manager answers that the key is revoked,
    /// compromised, deactivated or destroyed (for example a Result Reason of Permission Denied or
    /// Wrong Key Lifecycle State for an operation with this key).
    pub fn evict(&self, key_id: &str) -> bool {
        let (removed, _flight) = {
            let mut inner = self.inner();
            let flight = inner.flights.remove(key_id);
            let removed = inner.remove(key_id);
            (removed, flight)
        };
        // The key bytes drop here, outside the lock (zeroized now unless a caller holds a clone).
        removed.is_some()
    }

    /// Empties the cache and detaches every fetch in progress (as [`KeyCache::evict`] does for one).
    pub fn purge(&self) {
        let (_entries, _flights) = {
            let mut inner = self.inner();
            inner.stats.evictions += inner.entries.len() as u64;
            inner.stats.entries = 0;
            inner.stats.bytes = 0;
            let flights = std::mem::take(&mut inner.flights);
            (std::mem::take(&mut inner.entries), flights)
        };
    }

    /// Removes every entry that has expired by age. Expired entries are otherwise removed when
    /// they are next looked up or when room is needed; call this periodically to erase idle keys
    /// sooner. Returns how many were removed.
    pub fn remove_expired(&self) -> usize {
        let now = self.clock.now();
        let removed = self.inner().remove_expired(now, self.limits.max_age);
        removed.len()
    }

    /// The number of keys cached now.
    pub fn len(&self) -> usize {
        self.inner().entries.len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The counters, and the current number of entries and bytes.
    pub fn stats(&self) -> CacheStats {
        self.inner().stats
    }

    /// The limits this cache was made with.
    pub fn limits(&self) -> CacheLimits {
        self.limits
    }

    fn lookup(&self, key_id: &str, may_fetch: bool) -> Lookup {
        let now = self.clock.now();
        let mut inner = self.inner();
        if let Some(entry) = inner.entries.get(key_id) {
            // A key cached before this process was forked is not readable here: fetch again.
            if now.saturating_sub(entry.fetched_at) < self.limits.max_age
                && entry.key.is_available()
            {
                let key = Arc::clone(&entry.key);
                inner.use_entry(key_id, self.limits.max_uses);
                inner.stats.hits += 1;
                return Lookup::Hit(key);
            }
            inner.remove(key_id);
        }
        inner.stats.misses += 1;
        if let Some(flight) = inner.flights.get(key_id) {
            let flight = Arc::clone(flight);
            inner.stats.coalesced += u64::from(may_fetch);
            return Lookup::Wait(flight);
        }
        let flight = Arc::new(Flight::default());
        if may_fetch {
            inner.stats.fetches += 1;
            inner.flights.insert(key_id.to_owned(), Arc::clone(&flight));
        }
        Lookup::Lead(flight)
    }

    /// Counts a use of a key received from another caller's fetch, if that key is still cached.
    fn count_use(&self, key_id: &str, key: &Arc<SecretBytes>) {
        let mut inner = self.inner();
        if inner
            .entries
            .get(key_id)
            .is_some_and(|entry| Arc::ptr_eq(&entry.key, key))
        {
            inner.use_entry(key_id, self.limits.max_uses);
        }
    }

    /// Caches a freshly fetched key if its flight is still the current one and the limits allow.
    fn store(&self, key_id: &str, flight: &Arc<Flight>, key: &Arc<SecretBytes>) {
        let now = self.clock.now();
        // Keys removed to make room drop here, after the lock is released.
        let _removed = self.store_locked(&mut self.inner(), now, key_id, flight, key);
    }

    fn store_locked(
        &self,
        inner: &mut Inner,
        now: Duration,
        key_id: &str,
        flight: &Arc<Flight>,
        key: &Arc<SecretBytes>,
    ) -> Vec<Arc<SecretBytes>> {
        let limits = self.limits;
        if !inner
            .flights
            .get(key_id)
            .is_some_and(|current| Arc::ptr_eq(current, flight))
        {
            return Vec::new(); // evicted or purged while fetching
        }
        inner.flights.remove(key_id);
        if limits.max_age.is_zero() || limits.max_uses <= 1 {
            return Vec::new();
        }
        if key.len() > limits.max_bytes {
            inner.stats.oversize += 1;
            return Vec::new();
        }
        // Expired entries go first, then the least recently used until the key fits.
        let mut removed = inner.remove_expired(now, limits.max_age);
        while inner.stats.bytes + key.len() > limits.max_bytes {
            let Some(oldest) = inner.least_recently_used() else {
                break;
            };
            removed.extend(inner.remove(&oldest));
        }
        inner.tick += 1;
        let entry = Entry {
            key: Arc::clone(key),
            fetched_at: now,
            uses: 1,
            last_used: inner.tick,
        };
        inner.stats.bytes += key.len();
        inner.stats.entries += 1;
        inner.entries.insert(key_id.to_owned(), entry);
        removed
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // Every method leaves `Inner` consistent before anything can panic, so a poisoned lock
        // (a panic in another thread while holding it) is safe to keep using.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// Counts one use of a cached entry, removing it when that was its last allowed use.
    fn use_entry(&mut self, key_id: &str, max_uses: u64) {
        self.tick += 1;
        let tick = self.tick;
        let Some(entry) = self.entries.get_mut(key_id) else {
            return;
        };
        entry.uses += 1;
        entry.last_used = tick;
        if entry.uses >= max_uses {
            self.remove(key_id);
        }
    }

    /// Removes one entry and returns its key, so the caller can drop it after releasing the lock.
    fn remove(&mut self, key_id: &str) -> Option<Arc<SecretBytes>> {
        let entry = self.entries.remove(key_id)?;
        self.stats.evictions += 1;
        self.stats.entries -= 1;
        self.stats.bytes -= entry.key.len();
        Some(entry.key)
    }

    fn remove_expired(&mut self, now: Duration, max_age: Duration) -> Vec<Arc<SecretBytes>> {
        let expired: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, entry)| now.saturating_sub(entry.fetched_at) >= max_age)
            .map(|(key_id, _)| key_id.clone())
            .collect();
        expired.iter().filter_map(|id| self.remove(id)).collect()
    }

    fn least_recently_used(&self) -> Option<String> {
        self.entries
            .iter()
            .min_by_key(|(_, entry)| entry.last_used)
            .map(|(key_id, _)| key_id.clone())
    }
}

/// The caller running a fetch. If it is dropped before [`Lead::finish`] (the caller's future was
/// cancelled, or the fetch panicked), its flight is abandoned so that a waiter fetches instead.
struct Lead<'a> {
    cache: &'a KeyCache,
    key_id: &'a str,
    flight: Arc<Flight>,
    finished: bool,
}

impl Lead<'_> {
    fn finish(mut self, result: Result<Arc<SecretBytes>>) -> Result<Arc<SecretBytes>> {
        self.finished = true;
        match &result {
            Ok(key) => self.cache.store(self.key_id, &self.flight, key),
            Err(_) => self.cache.end_flight(self.key_id, &self.flight, true),
        }
        self.flight.finish(Outcome::Done(result.clone()));
        result
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.cache.end_flight(self.key_id, &self.flight, false);
            self.flight.finish(Outcome::Abandoned);
        }
    }
}

impl KeyCache {
    /// Unregisters a flight that caches nothing (it failed, or was abandoned).
    fn end_flight(&self, key_id: &str, flight: &Arc<Flight>, failed: bool) {
        let mut inner = self.inner();
        inner.stats.fetch_errors += u64::from(failed);
        if inner
            .flights
            .get(key_id)
            .is_some_and(|current| Arc::ptr_eq(current, flight))
        {
            inner.flights.remove(key_id);
        }
    }
}

/// Limits and counters only: never a key identifier or key byte.
impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner();
        f.debug_struct("KeyCache")
            .field("limits", &self.limits)
            .field("in_flight", &inner.flights.len())
            .field("stats", &inner.stats)
            .finish_non_exhaustive()
    }
}
