//! The key cache the models share (`new KeyCache({ maxAge, maxUses, maxBytes })` in
//! `wasm/key-cache.js`): the core's [`kmipkit::keys::KeyCache`] on the host's monotonic clock
//! (`performance.now()`; wasm32 has no system clock). Limits on age, uses and bytes, keys zeroized
//! on eviction, counters: all the core's.

use std::sync::Arc;
use std::time::Duration;

use kmipkit::keys::{CacheLimits, KeyCache};
use wasm_bindgen::prelude::*;

use super::convert::Out;
use super::host::HostClock;
use crate::errors::invalid;

/// Unwrapped keys kept for reuse by the models it is given to (the wrapper in
/// `wasm/key-cache.js` is the documented API).
///
/// ```js
/// const cache = new OnlineKeyCache(300, 1000, 65536);
/// ```
#[wasm_bindgen(js_name = OnlineKeyCache)]
pub struct OnlineKeyCache {
    pub(crate) inner: Arc<KeyCache>,
}

/// An optional number from JavaScript: `None` for `undefined`, refused when not a number.
fn number(value: &JsValue, what: &str) -> Result<Option<f64>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
        _ => Err(invalid(&format!(
            "options.{what} must be a finite number >= 0"
        ))),
    }
}

/// An optional whole number from JavaScript, at most 2^53 (the largest integer a number holds
/// exactly).
fn whole(value: &JsValue, what: &str) -> Result<Option<u64>, JsValue> {
    match number(value, what)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && n <= 2f64.powi(53) => Ok(Some(n as u64)),
        Some(n) => Err(invalid(&format!(
            "options.{what} must be a whole number >= 0, not {n}"
        ))),
    }
}

#[wasm_bindgen(js_class = OnlineKeyCache)]
impl OnlineKeyCache {
    /// A cache keeping a key at most `max_age` seconds and `max_uses` uses, and at most
    /// `max_bytes` bytes of keys in all; `undefined` takes the core's default (300 s, 2^32 uses,
    /// 64 KiB).
    #[wasm_bindgen(constructor)]
    pub fn new(
        max_age: JsValue,
        max_uses: JsValue,
        max_bytes: JsValue,
    ) -> Result<OnlineKeyCache, JsValue> {
        let defaults = CacheLimits::default();
        let max_age = match number(&max_age, "maxAge")? {
            None => defaults.max_age,
            Some(s) => Duration::try_from_secs_f64(s)
                .map_err(|_| invalid(&format!("options.maxAge is too large: {s} seconds")))?,
        };
        let limits = CacheLimits {
            max_age,
            max_uses: whole(&max_uses, "maxUses")?.unwrap_or(defaults.max_uses),
            max_bytes: whole(&max_bytes, "maxBytes")?.map_or(defaults.max_bytes, |v| {
                usize::try_from(v).unwrap_or(usize::MAX)
            }),
        };
        let inner = Arc::new(KeyCache::with_clock(limits, HostClock::default()));
        Ok(Self { inner })
    }

    /// Removes every key (zeroized).
    pub fn purge(&self) {
        self.inner.purge();
    }

    /// Removes one key by its cache identifier; whether it was cached.
    pub fn evict(&self, key_id: &str) -> bool {
        self.inner.evict(key_id)
    }

    /// Keys held now.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// The counters: `{ hits, misses, fetches, fetchErrors, coalesced, evictions, oversize,
    /// entries, bytes }`.
    pub fn stats(&self) -> JsValue {
        let s = self.inner.stats();
        let out = Out::new();
        // Counters as numbers: exact below 2^53, far beyond any page's lifetime.
        for (name, value) in [
            ("hits", s.hits as f64),
            ("misses", s.misses as f64),
            ("fetches", s.fetches as f64),
            ("fetchErrors", s.fetch_errors as f64),
            ("coalesced", s.coalesced as f64),
            ("evictions", s.evictions as f64),
            ("oversize", s.oversize as f64),
            ("entries", s.entries as f64),
            ("bytes", s.bytes as f64),
        ] {
            out.set(name, Some(value.into()));
        }
        out.0.into()
    }
}
