//! `kmipkit._native.Client`: the core's async `Client` behind one method per operation.
//!
//! Every method blocks with the GIL released, or, given `aio=<event loop>`, returns an asyncio
//! future of that loop. Results are plain Python values (str, list, dict, bytes) or `Secret`
//! for key bytes; the Python package turns them into typed result objects.
//!
//! The methods are grouped by concern, one `#[pymethods]` block per file (pyo3's
//! `multiple-pymethods`): connecting here, then `objects` (create, register, get, locate),
//! `attributes`, `lifecycle` (activate ... revoke), `crypto` (server-side cryptography and
//! random numbers) and `server` (query, versions, asynchronous operations). `results` turns core
//! responses into Python values.

mod attributes;
mod catalog;
mod crypto;
mod lifecycle;
mod objects;
mod results;
mod server;

pub use catalog::operations;

use std::sync::Arc;

use kmipkit::client::Client;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::config::NativeConfig;
use crate::convert;
use crate::runtime::run;

type Obj = Py<PyAny>;

/// A connected KMIP client (primary and secondary servers, pooled mutual-TLS connections).
#[pyclass(module = "kmipkit._native", name = "Client", frozen)]
pub struct NativeClient {
    pub(crate) inner: Arc<Client>,
    pid: u32,
}

impl NativeClient {
    /// The client, refused in a process forked after it connected: its connections and runtime
    /// belong to the parent.
    pub(crate) fn client(&self) -> PyResult<Arc<Client>> {
        if self.pid != std::process::id() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this kmipkit client was connected before os.fork(); create a new client in the child process",
            ));
        }
        Ok(self.inner.clone())
    }
}

#[pymethods]
impl NativeClient {
    /// Connects as the configuration says (negotiating the protocol version).
    #[staticmethod]
    #[pyo3(signature = (config, aio=None))]
    fn connect(
        py: Python<'_>,
        config: &NativeConfig,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let config = config.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { Client::connect(&config).await },
            |py, c| {
                Ok(Py::new(
                    py,
                    NativeClient {
                        inner: Arc::new(c),
                        pid: std::process::id(),
                    },
                )?
                .into_any())
            },
        )
    }

    /// The negotiated (or pinned) protocol version, e.g. `"2.0"`.
    #[getter]
    fn version(&self) -> String {
        convert::version_text(self.inner.version())
    }

    /// The configured server names, primary first.
    #[getter]
    fn server_names(&self) -> Vec<String> {
        self.inner.server_names()
    }

    /// Waits until every log line and audit row queued so far is written, at most `timeout`
    /// seconds (GIL released); whether it finished in time.
    #[pyo3(signature = (timeout=10.0))]
    fn flush_log(&self, py: Python<'_>, timeout: f64) -> PyResult<bool> {
        let within = std::time::Duration::try_from_secs_f64(timeout)
            .map_err(|e| PyValueError::new_err(format!("timeout: {e}")))?;
        let client = self.inner.clone();
        Ok(py.detach(|| client.logger().flush(within)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<kmipkit Client servers={:?} version={}>",
            self.inner.server_names(),
            self.version()
        )
    }
}
