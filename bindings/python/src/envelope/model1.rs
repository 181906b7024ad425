//! `kmipkit._native.Model1`: data keys protected by a key-encryption key on the key manager.

use std::sync::Arc;

use kmipkit::envelope::model1::{KekMethod, Model1, ProtectedDek};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::stream::{PyReader, PyWriter, io_error, wait_io};
use super::{NativeKeyCache, Obj, bytes_obj, crypto, dek, key_ref_obj, plain_obj};
use crate::client::NativeClient;
use crate::convert::Secret;
use crate::errors::IntoPy;
use crate::runtime::run;

/// Model 1: data keys protected by a key-encryption key on the key manager.
#[pyclass(module = "kmipkit._native", name = "Model1", frozen)]
pub struct NativeModel1 {
    pub(crate) inner: Model1,
}

#[pymethods]
impl NativeModel1 {
    #[new]
    #[pyo3(signature = (client, kek_name, kek_version, cache=None, kek_method=None))]
    fn new(
        client: &NativeClient,
        kek_name: String,
        kek_version: u32,
        cache: Option<&NativeKeyCache>,
        kek_method: Option<&str>,
    ) -> PyResult<Self> {
        let mut inner = Model1::new(client.client()?, kek_name, kek_version).py()?;
        if let Some(c) = cache {
            inner = inner.with_cache(c.inner.clone());
        }
        Ok(Self {
            inner: with_method(inner, kek_method)?,
        })
    }

    /// Model 1 with the KEK's current version (the highest Active one; 1 when it has none yet).
    #[staticmethod]
    #[pyo3(signature = (client, kek_name, cache=None, kek_method=None, aio=None))]
    fn current(
        py: Python<'_>,
        client: &NativeClient,
        kek_name: String,
        cache: Option<&NativeKeyCache>,
        kek_method: Option<&str>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let client = client.client()?;
        let cache = cache.map(|c| c.inner.clone());
        let method = kek_method.map(str::parse::<KekMethod>).transpose().py()?;
        run(
            py,
            aio.as_ref(),
            async move {
                let mut inner = Model1::current(client, kek_name).await?;
                if let Some(c) = cache {
                    inner = inner.with_cache(c);
                }
                if let Some(method) = method {
                    inner = inner.with_kek_method(method);
                }
                Ok(inner)
            },
            |py, inner| Ok(Py::new(py, NativeModel1 { inner })?.into_any()),
        )
    }

    /// How new data keys are protected: `"encrypt"` or `"key-wrap"`.
    #[getter]
    fn kek_method(&self) -> &'static str {
        self.inner.kek_method().as_str()
    }

    /// The KEK's name (the only KEK whose data keys this model unlocks).
    #[getter]
    fn kek_name(&self) -> String {
        self.inner.kek_name().to_string()
    }

    /// The KEK version new data keys are protected under.
    #[getter]
    fn kek_version(&self) -> u32 {
        self.inner.kek_version()
    }

    /// The KEK's KMIP Name (`name/vN`).
    #[getter]
    fn kek_key_name(&self) -> String {
        self.inner.kek_key_name()
    }

    /// Finds the KEK, or creates and activates it: `(name, version, uid)`.
    #[pyo3(signature = (aio=None))]
    fn ensure_kek(&self, py: Python<'_>, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.ensure_kek().await },
            key_ref_obj,
        )
    }

    /// Finds the KEK: `(name, version, uid)`.
    #[pyo3(signature = (aio=None))]
    fn kek(&self, py: Python<'_>, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(py, aio.as_ref(), async move { m.kek().await }, key_ref_obj)
    }

    /// A new data key and its protected form: `(Secret, bytes)`. `local`: from the local CSPRNG
    /// instead of the key manager.
    #[pyo3(signature = (local=false, aio=None))]
    fn create_dek(
        &self,
        py: Python<'_>,
        local: bool,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move {
                let (key, protected) = if local {
                    m.create_local_dek().await?
                } else {
                    m.create_dek().await?
                };
                Ok((key, protected.to_bytes()?))
            },
            |py, (key, protected)| {
                Ok((Py::new(py, Secret(key))?, PyBytes::new(py, &protected))
                    .into_pyobject(py)?
                    .into_any()
                    .unbind())
            },
        )
    }

    /// Protects a data key under the current KEK: the protected-DEK bytes.
    #[pyo3(signature = (key, aio=None))]
    fn protect(
        &self,
        py: Python<'_>,
        key: &Secret,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        let key = key.0.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.protect(&key).await?.to_bytes() },
            bytes_obj,
        )
    }

    /// Sends protected-DEK bytes to the key manager for decryption: the data key as a `Secret`.
    #[pyo3(signature = (protected, aio=None))]
    fn unlock(
        &self,
        py: Python<'_>,
        protected: &[u8],
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        let protected = ProtectedDek::from_bytes(protected).py()?;
        run(
            py,
            aio.as_ref(),
            async move { m.unlock(&protected).await },
            |py, k| Ok(Py::new(py, Secret(k))?.into_any()),
        )
    }

    /// Encrypts locally under `key`, storing `protected` in the header.
    fn seal_with_dek<'py>(
        &self,
        py: Python<'py>,
        key: &Secret,
        protected: &[u8],
        context: &[u8],
        plaintext: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let protected = ProtectedDek::from_bytes(protected).py()?;
        let out = crypto(py, plaintext.len(), || {
            self.inner
                .seal_with_dek(&key.0, &protected, context, plaintext)
        })
        .py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// Decrypts a Model 1 ciphertext (unlocking its data key on the key manager).
    #[pyo3(signature = (ciphertext, context, aio=None))]
    fn open(
        &self,
        py: Python<'_>,
        ciphertext: Vec<u8>,
        context: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.open(&ciphertext, &context).await },
            plain_obj,
        )
    }

    /// Streams `src` (a binary file-like object) encrypted into `dst`; returns the plaintext
    /// length. Under a new data key from the key manager, or under `key` when given with its
    /// `protected` form (which goes into the header).
    #[pyo3(signature = (src, dst, context, key=None, protected=None))]
    fn encrypt_stream(
        &self,
        py: Python<'_>,
        src: Obj,
        dst: Obj,
        context: &[u8],
        key: Option<&Secret>,
        protected: Option<&[u8]>,
    ) -> PyResult<u64> {
        let (reader, writer) = (PyReader(src), PyWriter(dst));
        let (key, protected) = match (key, protected) {
            (None, None) => return wait_io(py, self.inner.encrypt_stream(reader, writer, context)),
            (Some(key), Some(protected)) => (key, protected),
            _ => {
                return Err(PyValueError::new_err(
                    "pass both a data key and its protected form, or neither",
                ));
            }
        };
        dek(&key.0)?;
        let blob = ProtectedDek::from_bytes(protected).py()?;
        let sealing = self
            .inner
            .sealing_key_with(Arc::new(key.0.clone()), &blob)
            .py()?;
        py.detach(|| sealing.encrypt_stream(reader, writer, context))
            .map_err(io_error)
    }

    /// Streams a Model 1 ciphertext from `src` decrypted into `dst`; returns the plaintext length.
    fn decrypt_stream(&self, py: Python<'_>, src: Obj, dst: Obj, context: &[u8]) -> PyResult<u64> {
        let reader = PyReader(src);
        wait_io(
            py,
            self.inner.decrypt_stream(reader, PyWriter(dst), context),
        )
    }

    fn __repr__(&self) -> String {
        format!("<Model1 kek={:?}>", self.inner.kek_key_name())
    }
}

/// `model` protecting new data keys with `method` (`"encrypt"` or `"key-wrap"`), when given.
fn with_method(model: Model1, method: Option<&str>) -> PyResult<Model1> {
    Ok(match method {
        Some(text) => model.with_kek_method(text.parse::<KekMethod>().py()?),
        None => model,
    })
}
