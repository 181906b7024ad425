//! The key cache (`kmipkit::keys::KeyCache`): hits and misses, expiry by age (on a clock the test
//! moves, never a sleep) and by uses, the byte limit with least-recently-used eviction, oversize
//! keys, one fetch for many concurrent callers, errors, cancellation, eviction, purge and Debug.
//!
//! The futures run on a small executor built here on `std::task::Wake`, so these tests need no
//! runtime (and no `net` feature).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use kmipkit::keys::{CacheLimits, KeyCache, ManualClock, SecretBytes};
use kmipkit::{Error, ErrorKind};

const MINUTE: Duration = Duration::from_secs(60);

fn limits(max_age: Duration, max_uses: u64, max_bytes: usize) -> CacheLimits {
    CacheLimits {
        max_age,
        max_uses,
        max_bytes,
    }
}

fn cache(limits: CacheLimits) -> (KeyCache, ManualClock) {
    let clock = ManualClock::default();
    (KeyCache::with_clock(limits, clock.clone()), clock)
}

fn key(byte: u8, len: usize) -> SecretBytes {
    SecretBytes::from(vec![byte; len])
}

/// Fetches `key(byte, len)` through the cache and counts the fetches made.
fn fetch(
    cache: &KeyCache,
    id: &str,
    byte: u8,
    len: usize,
    fetches: &AtomicUsize,
) -> Arc<SecretBytes> {
    block_on(cache.get_or_fetch(id, || async {
        fetches.fetch_add(1, Ordering::SeqCst);
        Ok(key(byte, len))
    }))
    .unwrap()
}

#[test]
fn second_call_is_a_hit_and_other_keys_miss() {
    let (cache, _) = cache(limits(MINUTE, 100, 1024));
    let fetches = AtomicUsize::new(0);
    assert_eq!(fetch(&cache, "a", 1, 32, &fetches).expose(), [1; 32]);
    assert_eq!(fetch(&cache, "a", 9, 32, &fetches).expose(), [1; 32]);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(fetch(&cache, "b", 2, 32, &fetches).expose(), [2; 32]);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(cache.get("a").unwrap().expose(), [1; 32]);
    assert!(cache.get("c").is_none());

    let stats = cache.stats();
    assert_eq!((stats.hits, stats.misses, stats.fetches), (2, 3, 2));
    assert_eq!((stats.entries, stats.bytes, cache.len()), (2, 64, 2));
}

#[test]
fn entries_expire_by_age_on_the_controlled_clock() {
    let (cache, clock) = cache(limits(MINUTE, 100, 1024));
    let fetches = AtomicUsize::new(0);
    fetch(&cache, "a", 1, 32, &fetches);
    clock.advance(MINUTE - Duration::from_nanos(1));
    assert!(
        cache.get("a").is_some(),
        "still fresh one nanosecond before max_age"
    );
    clock.advance(Duration::from_nanos(1));
    assert!(cache.get("a").is_none(), "expired at max_age");
    assert_eq!(cache.len(), 0);
    fetch(&cache, "a", 1, 32, &fetches);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);

    // `remove_expired` erases idle keys without waiting for a lookup.
    fetch(&cache, "b", 2, 32, &fetches);
    clock.advance(MINUTE / 2);
    fetch(&cache, "c", 3, 32, &fetches);
    clock.advance(MINUTE / 2);
    assert_eq!(cache.remove_expired(), 2);
    assert_eq!(cache.len(), 1);
    assert!(cache.get("c").is_some());
}

#[test]
fn entries_expire_after_max_uses() {
    let (cache, _) = cache(limits(MINUTE, 3, 1024));
    let fetches = AtomicUsize::new(0);
    for _ in 0..3 {
        fetch(&cache, "a", 1, 32, &fetches); // the fetch and two hits: three uses
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(cache.len(), 0, "removed at its last use");
    fetch(&cache, "a", 1, 32, &fetches);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);

    // With one use allowed nothing is cached at all.
    let (once, _) = self::cache(limits(MINUTE, 1, 1024));
    fetch(&once, "a", 1, 32, &fetches);
    assert_eq!(once.len(), 0);
}

#[test]
fn byte_limit_evicts_the_least_recently_used() {
    let (cache, _) = cache(limits(MINUTE, 100, 96));
    let fetches = AtomicUsize::new(0);
    fetch(&cache, "a", 1, 32, &fetches);
    fetch(&cache, "b", 2, 32, &fetches);
    fetch(&cache, "c", 3, 32, &fetches);
    assert!(cache.get("a").is_some()); // "b" is now the least recently used
    fetch(&cache, "d", 4, 32, &fetches);
    assert!(cache.get("b").is_none());
    assert!(cache.get("a").is_some() && cache.get("c").is_some() && cache.get("d").is_some());
    assert_eq!(cache.stats().bytes, 96);

    // A 64-byte key evicts the two least recently used to fit.
    fetch(&cache, "e", 5, 64, &fetches);
    assert!(cache.get("a").is_none() && cache.get("c").is_none());
    assert!(cache.get("d").is_some() && cache.get("e").is_some());
    assert_eq!(cache.stats().bytes, 96);
    assert_eq!(cache.stats().evictions, 3);
}

#[test]
fn a_key_larger_than_max_bytes_is_returned_but_not_cached() {
    let (cache, _) = cache(limits(MINUTE, 100, 16));
    let fetches = AtomicUsize::new(0);
    assert_eq!(fetch(&cache, "big", 7, 32, &fetches).expose(), [7; 32]);
    assert_eq!((cache.len(), cache.stats().oversize), (0, 1));
    fetch(&cache, "big", 7, 32, &fetches);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    fetch(&cache, "small", 1, 16, &fetches);
    assert_eq!(cache.len(), 1);
}

#[test]
fn fifty_concurrent_callers_make_one_fetch() {
    let (cache, _) = cache(limits(MINUTE, 1000, 1024));
    let fetches = AtomicUsize::new(0);
    let gate = Gate::default();
    let callers: Vec<_> = (0..50)
        .map(|_| {
            cache.get_or_fetch("k", || async {
                fetches.fetch_add(1, Ordering::SeqCst);
                gate.opened().await;
                Ok(key(0x5a, 32))
            })
        })
        .collect();
    let mut callers: Vec<_> = callers.into_iter().map(Box::pin).collect();
    // Every caller has started and is waiting: one on its fetch, 49 on that fetch.
    for caller in &mut callers {
        assert_pending(caller.as_mut());
    }
    let stats = cache.stats();
    assert_eq!((stats.fetches, stats.coalesced, stats.misses), (1, 49, 50));
    gate.open();
    for key in join_all(callers) {
        assert_eq!(key.unwrap().expose(), [0x5a; 32]);
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(cache.len(), 1);
}

#[test]
fn fifty_threads_make_one_fetch() {
    let (cache, _) = cache(limits(MINUTE, 1000, 1024));
    let fetches = AtomicUsize::new(0);
    let gate = Gate::default();
    let start = Barrier::new(50);
    let keys: Vec<Arc<SecretBytes>> = thread::scope(|scope| {
        let threads: Vec<_> = (0..50)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    block_on(cache.get_or_fetch("k", || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        gate.opened().await;
                        Ok(key(0x3c, 32))
                    }))
                })
            })
            .collect();
        // Open the gate only once all 50 callers are inside the cache, so they really overlap.
        while cache.stats().misses < 50 {
            thread::yield_now();
        }
        gate.open();
        threads
            .into_iter()
            .map(|t| t.join().unwrap().unwrap())
            .collect()
    });
    assert!(keys.iter().all(|k| k.expose() == [0x3c; 32]));
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(cache.stats().coalesced, 49);
}

#[test]
fn a_fetch_error_reaches_every_waiter_and_is_not_cached() {
    let (cache, _) = cache(limits(MINUTE, 1000, 1024));
    let fetches = AtomicUsize::new(0);
    let gate = Gate::default();
    let callers: Vec<_> = (0..10)
        .map(|_| {
            Box::pin(cache.get_or_fetch("k", || async {
                fetches.fetch_add(1, Ordering::SeqCst);
                gate.opened().await;
                Err(Error::Protocol {
                    reason: "key manager unavailable".into(),
                })
            }))
        })
        .collect();
    let mut callers = callers;
    for caller in &mut callers {
        assert_pending(caller.as_mut());
    }
    gate.open();
    for result in join_all(callers) {
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Protocol);
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!((cache.len(), cache.stats().fetch_errors), (0, 1));
    // The next call fetches again, and succeeds.
    assert_eq!(fetch(&cache, "k", 1, 32, &fetches).expose(), [1; 32]);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[test]
fn a_cancelled_fetch_hands_over_to_a_waiter() {
    let (cache, _) = cache(limits(MINUTE, 1000, 1024));
    let gate = Gate::default();
    let mut leader = Box::pin(cache.get_or_fetch("k", || async {
        gate.opened().await;
        Ok(key(1, 32))
    }));
    let mut waiter = Box::pin(cache.get_or_fetch("k", || async { Ok(key(2, 32)) }));
    assert_pending(leader.as_mut());
    assert_pending(waiter.as_mut());
    drop(leader); // e.g. a timeout around the caller's request
    assert_eq!(block_on(waiter).unwrap().expose(), [2; 32]);
    assert_eq!(cache.stats().fetches, 2);
    assert_eq!(cache.get("k").unwrap().expose(), [2; 32]);
}

#[test]
fn evict_and_purge_remove_keys_and_drop_the_cache_reference() {
    let (cache, _) = cache(limits(MINUTE, 1000, 1024));
    let fetches = AtomicUsize::new(0);
    let held = fetch(&cache, "a", 1, 32, &fetches);
    fetch(&cache, "b", 2, 32, &fetches);
    assert_eq!(Arc::strong_count(&held), 2);
    assert!(cache.evict("a"));
    assert!(!cache.evict("a"));
    // The bytes now live only in the caller's handle; they are zeroized when it drops.
    assert_eq!(Arc::strong_count(&held), 1);
    fetch(&cache, "a", 1, 32, &fetches);
    assert_eq!(fetches.load(Ordering::SeqCst), 3);

    cache.purge();
    assert!(cache.is_empty());
    assert_eq!((cache.stats().entries, cache.stats().bytes), (0, 0));
    fetch(&cache, "b", 2, 32, &fetches);
    assert_eq!(fetches.load(Ordering::SeqCst), 4);
}

#[test]
fn a_key_evicted_while_being_fetched_is_not_cached() {
    let (cache, _) = cache(limits(MINUTE, 1000, 1024));
    let gate = Gate::default();
    let mut before = Box::pin(cache.get_or_fetch("k", || async {
        gate.opened().await;
        Ok(key(1, 32))
    }));
    assert_pending(before.as_mut());
    cache.evict("k"); // the key manager reported the key revoked
    gate.open();
    assert_eq!(block_on(before).unwrap().expose(), [1; 32]);
    assert!(cache.is_empty());

    // After a purge, a fetch in progress also does not fill the cache.
    let gate = Gate::default();
    let mut before = Box::pin(cache.get_or_fetch("k", || async {
        gate.opened().await;
        Ok(key(1, 32))
    }));
    assert_pending(before.as_mut());
    cache.purge();
    gate.open();
    block_on(before).unwrap();
    assert!(cache.is_empty());
}

#[test]
fn zero_age_disables_caching() {
    let (cache, _) = cache(limits(Duration::ZERO, 1000, 1024));
    let fetches = AtomicUsize::new(0);
    fetch(&cache, "a", 1, 32, &fetches);
    fetch(&cache, "a", 1, 32, &fetches);
    assert_eq!((fetches.load(Ordering::SeqCst), cache.len()), (2, 0));
}

#[test]
fn debug_shows_no_key_bytes_or_identifiers() {
    let (cache, _) = cache(CacheLimits::default());
    let fetches = AtomicUsize::new(0);
    let key = fetch(&cache, "customer-4711", 0xab, 32, &fetches);
    for text in [
        format!("{cache:?}"),
        format!("{cache:#?}"),
        format!("{key:?}"),
    ] {
        assert!(!text.to_lowercase().contains("abab"), "{text}");
        assert!(!text.contains("171, 171"), "{text}");
        assert!(!text.contains("customer-4711"), "{text}");
    }
    assert!(format!("{cache:?}").contains("entries: 1"));
}

/// A future that stays pending until [`Gate::open`], standing in for a slow key manager.
#[derive(Default)]
struct Gate(Mutex<(bool, Vec<Waker>)>);

impl Gate {
    fn open(&self) {
        let wakers = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            std::mem::take(&mut state.1)
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    async fn opened(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.0.lock().unwrap();
            if state.0 {
                return Poll::Ready(());
            }
            state.1.push(cx.waker().clone());
            Poll::Pending
        })
        .await;
    }
}

/// Wakes a thread parked in [`block_on`] or [`join_all`].
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` once on this thread and asserts that it is waiting (e.g. on a [`Gate`]).
fn assert_pending<F: Future + ?Sized>(future: Pin<&mut F>) {
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    assert!(future.poll(&mut Context::from_waker(&waker)).is_pending());
}

/// Runs a future on this thread, parking (not spinning) while it is pending.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Runs futures together on this thread until all are done, in their order.
fn join_all<F: Future>(futures: Vec<Pin<Box<F>>>) -> Vec<F::Output> {
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut slots: Vec<_> = futures.into_iter().map(|f| (Some(f), None)).collect();
    loop {
        for (future, output) in &mut slots {
            if let Some(f) = future
                && let Poll::Ready(value) = f.as_mut().poll(&mut cx)
            {
                *output = Some(value);
                *future = None;
            }
        }
        if slots.iter().all(|(future, _)| future.is_none()) {
            return slots.into_iter().filter_map(|(_, output)| output).collect();
        }
        thread::park();
    }
}

#[test]
fn the_cache_is_shareable_and_its_futures_are_send() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let (cache, _) = cache(CacheLimits::default());
    assert_send_sync(&cache);
    let future = cache.get_or_fetch("k", || async { Ok(key(1, 32)) });
    assert_send(&future); // so a multi-threaded runtime can spawn it
    assert_eq!(block_on(future).unwrap().len(), 32);
}
