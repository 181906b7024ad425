//! `kmipkit._native.KeyCache`: unwrapped keys kept in protected memory, shared by models.

use std::sync::Arc;
use std::time::Duration;

use kmipkit::keys::{CacheLimits, KeyCache};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Unwrapped keys kept in protected memory with a maximum age, number of uses and size.
#[pyclass(module = "kmipkit._native", name = "KeyCache", frozen)]
pub struct NativeKeyCache {
    pub(crate) inner: Arc<KeyCache>,
}

#[pymethods]
impl NativeKeyCache {
    #[new]
    #[pyo3(signature = (max_age=300.0, max_uses=1u64 << 32, max_bytes=65536))]
    fn new(max_age: f64, max_uses: u64, max_bytes: usize) -> PyResult<Self> {
        let max_age = Duration::try_from_secs_f64(max_age)
            .map_err(|e| PyValueError::new_err(format!("max_age: {e}")))?;
        let limits = CacheLimits {
            max_age,
            max_uses,
            max_bytes,
        };
        Ok(Self {
            inner: Arc::new(KeyCache::new(limits)),
        })
    }

    /// Removes every key (zeroized).
    fn purge(&self) {
        self.inner.purge();
    }

    /// Removes one key by its identifier; whether it was cached.
    fn evict(&self, key_id: &str) -> bool {
        self.inner.evict(key_id)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Counters: hits, misses, fetches, fetch_errors, coalesced, evictions, oversize, entries, bytes.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.stats();
        let d = PyDict::new(py);
        d.set_item("hits", s.hits)?;
        d.set_item("misses", s.misses)?;
        d.set_item("fetches", s.fetches)?;
        d.set_item("fetch_errors", s.fetch_errors)?;
        d.set_item("coalesced", s.coalesced)?;
        d.set_item("evictions", s.evictions)?;
        d.set_item("oversize", s.oversize)?;
        d.set_item("entries", s.entries)?;
        d.set_item("bytes", s.bytes)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let s = self.inner.stats();
        format!(
            "<KeyCache entries={} hits={} misses={}>",
            s.entries, s.hits, s.misses
        )
    }
}
