//! Rotation: Model 1 re-wrapping, Model 2 key versions, bulk rotation with progress callbacks,
//! dependency reports.

use std::sync::{Arc, Mutex};

use kmipkit::envelope::rotation::{
    self, DependencyReport, Model1Rotation, Model2Rotation, Progress, dependency_report,
};
use kmipkit::error::Error;
use kmipkit::spec::RevocationReasonCode;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::client::NativeClient;
use crate::convert::enum_value;
use crate::envelope::{KeyRefTuple, NativeModel1, NativeModel2, key_ref_tuple, versions_obj};
use crate::errors::IntoPy;
use crate::runtime::run;

type Obj = Py<PyAny>;

fn progress_tuple(p: &Progress) -> (usize, usize, usize, usize) {
    (
        p.processed,
        p.rotated,
        p.already_current,
        p.key_manager_calls,
    )
}

/// The first Python exception raised by a sink or progress callback during a bulk run.
#[derive(Clone, Default)]
struct Raised(Arc<Mutex<Option<PyErr>>>);

impl Raised {
    fn keep(&self, e: PyErr) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
    }
    fn take(&self) -> Option<PyErr> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Calls `sink(item, new_bytes)`; a Python exception stops the run.
fn call_sink(raised: &Raised, sink: &Obj, item: &Obj, new: Vec<u8>) -> kmipkit::error::Result<()> {
    Python::attach(|py| {
        sink.call1(py, (item.clone_ref(py), PyBytes::new(py, &new)))
            .map(drop)
    })
    .map_err(|e| {
        raised.keep(e);
        Error::Protocol {
            reason: "the sink raised an exception".into(),
        }
    })
}

fn call_progress(raised: &Raised, progress: &Option<Obj>, p: &Progress) {
    if let Some(f) = progress
        && let Err(e) = Python::attach(|py| f.call1(py, (progress_tuple(p),)).map(drop))
    {
        raised.keep(e);
    }
}

fn finish(py: Python<'_>, out: (kmipkit::error::Result<Progress>, Raised)) -> PyResult<Obj> {
    let (result, raised) = out;
    if let Some(e) = raised.take() {
        return Err(e);
    }
    Ok(progress_tuple(&result.py()?)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// Model 1 rotation: re-wraps protected data keys under the target KEK version.
#[pyclass(module = "kmipkit._native", name = "Model1Rotation", frozen)]
pub struct NativeModel1Rotation {
    inner: Arc<tokio::sync::Mutex<Model1Rotation>>,
    target_name: String,
}

#[pymethods]
impl NativeModel1Rotation {
    #[new]
    fn new(target: &NativeModel1) -> Self {
        Self {
            inner: Arc::new(tokio::sync::Mutex::new(Model1Rotation::new(
                target.inner.clone(),
            ))),
            target_name: target.inner.kek_key_name(),
        }
    }

    /// Whether the ciphertext's data key is already under the target KEK version.
    /// Waits for a running `rewrap_all` with the GIL released: its sink needs the GIL.
    fn is_current(&self, py: Python<'_>, ciphertext: &[u8]) -> PyResult<bool> {
        py.detach(|| self.inner.blocking_lock().is_current(ciphertext))
            .py()
    }

    /// The ciphertext with its data key re-wrapped (the body is unchanged).
    #[pyo3(signature = (ciphertext, aio=None))]
    fn rewrap(
        &self,
        py: Python<'_>,
        ciphertext: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let r = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { r.lock().await.rewrap(&ciphertext).await },
            |py, b| Ok(PyBytes::new(py, &b).into_any().unbind()),
        )
    }

    /// Re-wraps `(item, ciphertext)` pairs: `sink(item, new)` stores each new form,
    /// `progress((processed, rotated, already_current, key_manager_calls))` after each item.
    /// Returns the final counts.
    #[pyo3(signature = (items, sink, progress=None, aio=None))]
    fn rewrap_all(
        &self,
        py: Python<'_>,
        items: Vec<(Obj, Vec<u8>)>,
        sink: Obj,
        progress: Option<Obj>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let r = self.inner.clone();
        let raised = Raised::default();
        let fut = async move {
            let mut rot = r.lock().await;
            let result = rot
                .rewrap_all(
                    items,
                    |item, new| call_sink(&raised, &sink, item, new),
                    |p| call_progress(&raised, &progress, p),
                )
                .await;
            Ok((result, raised))
        };
        run(py, aio.as_ref(), fut, finish)
    }

    fn __repr__(&self) -> String {
        format!("<Model1Rotation target={:?}>", self.target_name)
    }
}

/// Model 2 rotation: key versions per identifier and bulk re-encryption.
#[pyclass(module = "kmipkit._native", name = "Model2Rotation", frozen)]
pub struct NativeModel2Rotation {
    inner: Arc<Model2Rotation>,
}

#[pymethods]
impl NativeModel2Rotation {
    #[new]
    fn new(model: &NativeModel2) -> Self {
        Self {
            inner: Arc::new(Model2Rotation::new(model.inner.clone())),
        }
    }

    /// Every version of `id`'s key: `((name, version, uid), state)`, oldest first.
    #[pyo3(signature = (id, aio=None))]
    fn versions(&self, py: Python<'_>, id: String, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let r = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { r.versions(&id).await },
            versions_obj,
        )
    }

    /// Adds a new (Pre-Active) version of `id`'s key.
    #[pyo3(signature = (id, aio=None))]
    fn add_version(
        &self,
        py: Python<'_>,
        id: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let r = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { r.add_version(&id).await },
            |py, k| Ok(key_ref_tuple(k).into_pyobject(py)?.into_any().unbind()),
        )
    }

    /// Makes `version` the primary (KMIP Activate).
    #[pyo3(signature = (id, version, aio=None))]
    fn promote(
        &self,
        py: Python<'_>,
        id: String,
        version: u32,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let r = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { r.promote(&id, version).await },
            |py, ()| Ok(py.None()),
        )
    }

    /// Deactivates `version` (it still decrypts).
    #[pyo3(signature = (id, version, aio=None))]
    fn deactivate(
        &self,
        py: Python<'_>,
        id: String,
        version: u32,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let r = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { r.deactivate(&id, version).await },
            |py, ()| Ok(py.None()),
        )
    }

    /// Revokes `version` for `reason` (a Revocation Reason Code name, e.g. `KeyCompromise`);
    /// its key leaves the model's cache at once.
    #[pyo3(signature = (id, version, reason, aio=None))]
    fn revoke(
        &self,
        py: Python<'_>,
        id: String,
        version: u32,
        reason: &str,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let code = enum_value("revocation reason", reason, RevocationReasonCode::from_name)?;
        let r = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { r.revoke(&id, version, code).await },
            |py, ()| Ok(py.None()),
        )
    }

    /// Re-encrypts `(item, context, ciphertext)` triples of `id` under the primary version;
    /// `sink(item, new)` and `progress(counts)` as for Model 1. Returns the final counts.
    #[pyo3(signature = (id, items, sink, progress=None, aio=None))]
    fn reencrypt_all(
        &self,
        py: Python<'_>,
        id: String,
        items: Vec<(Obj, Vec<u8>, Vec<u8>)>,
        sink: Obj,
        progress: Option<Obj>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let r = self.inner.clone();
        let raised = Raised::default();
        let fut = async move {
            let result = r
                .reencrypt_all(
                    &id,
                    items,
                    |item, new| call_sink(&raised, &sink, item, new),
                    |p| call_progress(&raised, &progress, p),
                )
                .await;
            Ok((result, raised))
        };
        run(py, aio.as_ref(), fut, finish)
    }

    fn __repr__(&self) -> String {
        "<Model2Rotation>".to_string()
    }
}

fn report(items: Vec<(Obj, Vec<u8>)>) -> DependencyReport<Obj> {
    dependency_report(items)
}

/// Which items depend on which key version: `{(name, version, uid): [items]}` and the items
/// whose header could not be read.
#[pyfunction]
pub fn dependencies<'py>(
    py: Python<'py>,
    items: Vec<(Obj, Vec<u8>)>,
) -> PyResult<(Bound<'py, PyDict>, Vec<Obj>)> {
    let r = report(items);
    let d = PyDict::new(py);
    for ((name, version, uid), items) in r.by_version {
        d.set_item((name, version, uid), items)?;
    }
    Ok((d, r.unreadable))
}

/// Revokes and destroys a key version, refused while any of `items` depends on it.
#[pyfunction]
#[pyo3(signature = (client, items, key, aio=None))]
pub fn destroy_version(
    py: Python<'_>,
    client: &NativeClient,
    items: Vec<(Obj, Vec<u8>)>,
    key: KeyRefTuple,
    aio: Option<Bound<'_, PyAny>>,
) -> PyResult<Obj> {
    let c = client.client()?;
    let r = report(items);
    let key = kmipkit::envelope::format::KeyRef {
        name: key.0,
        version: key.1,
        uid: key.2,
    };
    run(
        py,
        aio.as_ref(),
        async move { rotation::destroy_version(&c, &r, &key).await },
        |py, ()| Ok(py.None()),
    )
}
