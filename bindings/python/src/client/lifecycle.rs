//! State changes of one object: Activate, Destroy, Archive, Recover and Revoke.

use kmipkit::message::*;
use kmipkit::spec::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::results::*;
use super::{NativeClient, Obj};
use crate::convert::enum_value;
use crate::runtime::run;

#[pymethods]
impl NativeClient {
    /// Activate, Destroy, Archive or Recover one object (`operation` is the KMIP name).
    #[pyo3(signature = (operation, unique_identifier, aio=None))]
    fn lifecycle(
        &self,
        py: Python<'_>,
        operation: &str,
        unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let op = operation.to_string();
        if !matches!(operation, "Activate" | "Destroy" | "Archive" | "Recover") {
            return Err(PyValueError::new_err(format!(
                "unknown lifecycle operation {op:?}"
            )));
        }
        run(
            py,
            aio.as_ref(),
            async move {
                match op.as_str() {
                    "Activate" => c.activate(&unique_identifier).await,
                    "Destroy" => c.destroy(&unique_identifier).await,
                    "Archive" => c.archive(&unique_identifier).await,
                    _ => c.recover(&unique_identifier).await,
                }
            },
            none,
        )
    }

    /// Revoke with a reason code name (e.g. `CessationOfOperation`, `KeyCompromise`).
    #[pyo3(signature = (unique_identifier, reason, message=None, compromise_date=None, aio=None))]
    fn revoke(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        reason: &str,
        message: Option<String>,
        compromise_date: Option<i64>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let code = enum_value("revocation reason", reason, RevocationReasonCode::from_name)?;
        let mut request = RevokeRequest::new(Some(unique_identifier), code);
        request.revocation_reason.revocation_message = message;
        request.compromise_occurrence_date = compromise_date.map(DateTime);
        run(
            py,
            aio.as_ref(),
            async move { c.revoke(request).await.map(drop) },
            none,
        )
    }
}
