//! `kmipkit_key_cache`: unwrapped keys kept in protected memory, bounded by age, uses and size,
//! shared by models — the core's `KeyCache`, as Python's `KeyCache`.

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use kmipkit::keys::{CacheLimits, KeyCache};

use crate::boundary::{ffi, ffi_value, give, handle, out, take_back, text};
use crate::result::kmipkit_result;

/// Unwrapped keys (Model 1 data keys, Model 2 keys) kept in locked, wiped-on-drop memory so
/// that opening many ciphertexts under one key costs one key-manager round trip per entry
/// lifetime. Give it to `kmipkit_model1_new` / `kmipkit_model2_new`; models may share one.
///
/// Thread safety: may be used from many threads at once; free it after every model using it
/// (each model keeps it alive, so freeing the handle first is allowed too).
pub struct kmipkit_key_cache {
    pub(crate) inner: Arc<KeyCache>,
}

/// Counters of a key cache since it was made, and its current size.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct kmipkit_key_cache_stats {
    /// Calls answered from the cache.
    pub hits: u64,
    /// Calls that found no usable entry.
    pub misses: u64,
    /// Key-manager fetches started.
    pub fetches: u64,
    /// Fetches that failed (not cached).
    pub fetch_errors: u64,
    /// Calls that waited for another caller's fetch instead of making their own.
    pub coalesced: u64,
    /// Entries removed for age, uses or size.
    pub evictions: u64,
    /// Keys too large to cache at all.
    pub oversize: u64,
    /// Keys cached now.
    pub entries: usize,
    /// Bytes of key material cached now.
    pub bytes: usize,
}

/// Makes a key cache into `*out_cache` (freed with `kmipkit_key_cache_free`). An entry expires
/// `max_age_ms` milliseconds after its fetch or once handed out `max_uses` times (counting the
/// fetch); cached key bytes never exceed `max_bytes`. Python's defaults are 300000 ms, 2^32
/// uses and 65536 bytes. A `max_age_ms` of 0, or a `max_uses` of 0 or 1, disables caching while
/// still merging concurrent fetches of one key.
///
/// ```c
/// kmipkit_key_cache *cache = NULL;
/// kmipkit_key_cache_new(300000, UINT64_C(1) << 32, 65536, &cache);
/// kmipkit_model1_new(client, "orders-kek", 0, cache, NULL, &model);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_key_cache_new(
    max_age_ms: u64,
    max_uses: u64,
    max_bytes: usize,
    out_cache: *mut *mut kmipkit_key_cache,
) -> kmipkit_result {
    ffi("kmipkit_key_cache_new", || {
        let slot = out(out_cache, "out_cache")?;
        *slot = std::ptr::null_mut();
        let limits = CacheLimits {
            max_age: Duration::from_millis(max_age_ms),
            max_uses,
            max_bytes,
        };
        *slot = give(kmipkit_key_cache {
            inner: Arc::new(KeyCache::new(limits)),
        });
        Ok(())
    })
}

/// Removes (and wipes) every cached key; the next use of each fetches it again.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_key_cache_purge(cache: *const kmipkit_key_cache) -> kmipkit_result {
    ffi("kmipkit_key_cache_purge", || {
        handle(cache, "cache")?.inner.purge();
        Ok(())
    })
}

/// Removes (and wipes) the key cached as `key_id`; `*out_evicted` says whether it was cached.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_key_cache_evict(
    cache: *const kmipkit_key_cache,
    key_id: *const c_char,
    out_evicted: *mut bool,
) -> kmipkit_result {
    ffi("kmipkit_key_cache_evict", || {
        let slot = out(out_evicted, "out_evicted")?;
        *slot = false;
        *slot = handle(cache, "cache")?.inner.evict(text(key_id, "key_id")?);
        Ok(())
    })
}

/// The number of keys cached now; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_key_cache_len(cache: *const kmipkit_key_cache) -> usize {
    ffi_value(0, || handle(cache, "cache").map_or(0, |c| c.inner.len()))
}

/// The cache's counters and size into `*out_stats`.
///
/// ```c
/// kmipkit_key_cache_stats stats;
/// kmipkit_key_cache_stats_get(cache, &stats);
/// printf("%llu hits\n", (unsigned long long)stats.hits);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_key_cache_stats_get(
    cache: *const kmipkit_key_cache,
    out_stats: *mut kmipkit_key_cache_stats,
) -> kmipkit_result {
    ffi("kmipkit_key_cache_stats_get", || {
        let slot = out(out_stats, "out_stats")?;
        *slot = kmipkit_key_cache_stats::default();
        let s = handle(cache, "cache")?.inner.stats();
        *slot = kmipkit_key_cache_stats {
            hits: s.hits,
            misses: s.misses,
            fetches: s.fetches,
            fetch_errors: s.fetch_errors,
            coalesced: s.coalesced,
            evictions: s.evictions,
            oversize: s.oversize,
            entries: s.entries,
            bytes: s.bytes,
        };
        Ok(())
    })
}

/// Frees the handle (a model given the cache keeps using it). NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_key_cache_free(cache: *mut kmipkit_key_cache) {
    ffi_value((), || take_back(cache));
}
