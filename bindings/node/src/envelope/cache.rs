//! `NativeKeyCache`: unwrapped keys kept in protected memory, shared by the models it is given to.

use std::sync::Arc;
use std::time::Duration;

use kmipkit::keys::{CacheLimits, KeyCache};
use napi_derive::napi;

use crate::errors;

/// The cache's counters.
#[napi(object)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: f64,
    /// Lookups that were not.
    pub misses: f64,
    /// Keys fetched from the key manager.
    pub fetches: f64,
    /// Fetches that failed.
    pub fetch_errors: f64,
    /// Lookups that waited on another caller's fetch of the same key.
    pub coalesced: f64,
    /// Keys removed (age, uses, size, purge, evict).
    pub evictions: f64,
    /// Keys too big to be cached at all.
    pub oversize: f64,
    /// Keys held now.
    pub entries: f64,
    /// Bytes of key material held now.
    pub bytes: f64,
}

/// Unwrapped keys in protected memory with a maximum age, number of uses and total size.
///
/// ```js
/// const cache = new native.NativeKeyCache(300, 1000, 65536)
/// ```
#[napi]
pub struct NativeKeyCache {
    pub(crate) inner: Arc<KeyCache>,
}

#[napi]
impl NativeKeyCache {
    /// A cache keeping a key at most `max_age` seconds and `max_uses` uses, and at most
    /// `max_bytes` bytes of keys in all.
    #[napi(constructor)]
    pub fn new(max_age: f64, max_uses: f64, max_bytes: f64) -> napi::Result<Self> {
        let max_age = Duration::try_from_secs_f64(max_age).map_err(|e| {
            errors::to_napi(refuse(format!("maxAge is a number of seconds >= 0 ({e})")))
        })?;
        let whole = |v: f64, what: &str| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 2f64.powi(53) {
                Ok(v as u64)
            } else {
                Err(errors::to_napi(refuse(format!(
                    "{what} is a whole number >= 0, not {v}"
                ))))
            }
        };
        let limits = CacheLimits {
            max_age,
            max_uses: whole(max_uses, "maxUses")?,
            max_bytes: usize::try_from(whole(max_bytes, "maxBytes")?).unwrap_or(usize::MAX),
        };
        Ok(Self {
            inner: Arc::new(KeyCache::new(limits)),
        })
    }

    /// Removes every key (zeroized).
    #[napi]
    pub fn purge(&self) {
        self.inner.purge();
    }

    /// Removes one key by its KMIP unique identifier; whether it was cached.
    #[napi]
    pub fn evict(&self, key_id: String) -> bool {
        self.inner.evict(&key_id)
    }

    /// Keys held now.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// The counters.
    #[napi]
    pub fn stats(&self) -> CacheStats {
        let s = self.inner.stats();
        // Counters as JS numbers: exact below 2^53, far beyond any process's lifetime.
        CacheStats {
            hits: s.hits as f64,
            misses: s.misses as f64,
            fetches: s.fetches as f64,
            fetch_errors: s.fetch_errors as f64,
            coalesced: s.coalesced as f64,
            evictions: s.evictions as f64,
            oversize: s.oversize as f64,
            entries: s.entries as f64,
            bytes: s.bytes as f64,
        }
    }
}

fn refuse(reason: String) -> kmipkit::Error {
    kmipkit::Error::Config {
        file: None,
        line: None,
        reason,
    }
}
