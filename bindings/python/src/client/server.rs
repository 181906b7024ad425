//! About the server rather than an object: Query, Discover Versions, and Poll / Cancel of
//! asynchronous operations.

use kmipkit::message::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::results::*;
use super::{NativeClient, Obj};
use crate::convert;
use crate::runtime::run;

#[pymethods]
impl NativeClient {
    /// Poll or Cancel an asynchronous operation by its correlation value (`operation` is
    /// `Poll` or `Cancel`).
    #[pyo3(signature = (operation, correlation_value, aio=None))]
    fn asynchronous(
        &self,
        py: Python<'_>,
        operation: &str,
        correlation_value: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        match operation {
            "Poll" => run(
                py,
                aio.as_ref(),
                async move { c.poll(PollRequest::new(correlation_value)).await.map(drop) },
                none,
            ),
            "Cancel" => run(
                py,
                aio.as_ref(),
                async move {
                    c.cancel(CancelRequest::new(correlation_value))
                        .await
                        .map(drop)
                },
                none,
            ),
            other => Err(PyValueError::new_err(format!(
                "unknown operation {other:?}"
            ))),
        }
    }

    /// Query: operations, object types and server information.
    #[pyo3(signature = (aio=None))]
    fn query(&self, py: Python<'_>, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.query_all().await },
            |py, r| {
                let d = PyDict::new(py);
                let ops: Vec<String> = r.operation.iter().map(|o| o.to_string()).collect();
                let types: Vec<String> = r.object_type.iter().map(|o| o.to_string()).collect();
                d.set_item("operations", ops)?;
                d.set_item("object_types", types)?;
                d.set_item("vendor_identification", r.vendor_identification)?;
                let info = r
                    .server_information
                    .as_ref()
                    .map(ServerInformation::summary);
                d.set_item("server_information", info)?;
                Ok(d.into_any().unbind())
            },
        )
    }

    /// Discover Versions: the versions (of `offered`, or all) the server supports, in the order
    /// it answers (its preference; PyKMIP keeps the order offered).
    #[pyo3(signature = (offered, aio=None))]
    fn discover_versions(
        &self,
        py: Python<'_>,
        offered: Vec<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let offered = offered
            .iter()
            .map(|v| convert::version(v))
            .collect::<PyResult<Vec<_>>>()?;
        run(
            py,
            aio.as_ref(),
            async move { c.discover_versions(offered).await },
            |py, v| texts(py, v.into_iter().map(convert::version_text).collect()),
        )
    }
}
