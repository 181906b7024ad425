//! `kmipkit._native.Model2`: one key per identifier, held by the key manager.

use std::sync::Arc;

use kmipkit::envelope::model2::{DecryptPolicy, Model2};
use pyo3::prelude::*;

use super::stream::{PyReader, PyWriter, wait_io};
use super::{NativeKeyCache, Obj, PlaintextIn, bytes_obj, key_ref_obj, plain_obj};
use crate::client::NativeClient;
use crate::envelope::versions_obj;
use crate::errors::IntoPy;
use crate::runtime::run;

/// Model 2: one key per identifier, named `prefix + id`.
#[pyclass(module = "kmipkit._native", name = "Model2", frozen)]
pub struct NativeModel2 {
    pub(crate) inner: Arc<Model2>,
}

#[pymethods]
impl NativeModel2 {
    #[new]
    #[pyo3(signature = (client, prefix, cache=None))]
    fn new(
        client: &NativeClient,
        prefix: String,
        cache: Option<&NativeKeyCache>,
    ) -> PyResult<Self> {
        let mut inner = Model2::new(client.client()?, prefix).py()?;
        if let Some(c) = cache {
            inner = inner.with_cache(c.inner.clone());
        }
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The KMIP Name of `id`'s key.
    fn key_name(&self, id: &str) -> PyResult<String> {
        self.inner.key_name(id).py()
    }

    /// Every version of `id`'s key: `((name, version, uid), state)`, oldest first.
    #[pyo3(signature = (id, aio=None))]
    fn versions(&self, py: Python<'_>, id: String, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.versions(&id).await },
            versions_obj,
        )
    }

    /// The current (highest Active) version of `id`'s key, created on first use:
    /// `(name, version, uid)`.
    #[pyo3(signature = (id, aio=None))]
    fn key_for(&self, py: Python<'_>, id: String, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.key_for(&id).await },
            key_ref_obj,
        )
    }

    /// The key of `id` if it exists.
    #[pyo3(signature = (id, aio=None))]
    fn find_key(&self, py: Python<'_>, id: String, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.find_key(&id).await },
            |py, k| match k {
                Some(k) => key_ref_obj(py, k),
                None => Ok(py.None()),
            },
        )
    }

    /// Forgets what is cached for `id`.
    fn forget(&self, id: &str) -> PyResult<()> {
        self.inner.forget(id).py()
    }

    /// Encrypts for `id` with `context` bound as associated data.
    #[pyo3(signature = (id, plaintext, context, aio=None))]
    fn encrypt(
        &self,
        py: Python<'_>,
        id: String,
        plaintext: Vec<u8>,
        context: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        let plaintext = PlaintextIn(plaintext);
        run(
            py,
            aio.as_ref(),
            async move { m.encrypt(&id, &context, &plaintext.0).await },
            bytes_obj,
        )
    }

    /// Decrypts a ciphertext made for `id`; a Compromised key version only when
    /// `allow_compromised`.
    #[pyo3(signature = (id, ciphertext, context, allow_compromised=false, aio=None))]
    fn decrypt(
        &self,
        py: Python<'_>,
        id: String,
        ciphertext: Vec<u8>,
        context: Vec<u8>,
        allow_compromised: bool,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        let policy = DecryptPolicy::allowing_compromised(allow_compromised);
        run(
            py,
            aio.as_ref(),
            async move { m.decrypt_with(&id, &ciphertext, &context, policy).await },
            plain_obj,
        )
    }

    /// Streams `src` encrypted for `id` into `dst`; returns the plaintext length.
    fn encrypt_stream(
        &self,
        py: Python<'_>,
        id: String,
        src: Obj,
        dst: Obj,
        context: &[u8],
    ) -> PyResult<u64> {
        let streamed = self
            .inner
            .encrypt_stream(&id, PyReader(src), PyWriter(dst), context);
        wait_io(py, streamed)
    }

    /// Streams a ciphertext for `id` from `src` decrypted into `dst`; returns the plaintext length.
    #[pyo3(signature = (id, src, dst, context, allow_compromised=false))]
    fn decrypt_stream(
        &self,
        py: Python<'_>,
        id: String,
        src: Obj,
        dst: Obj,
        context: &[u8],
        allow_compromised: bool,
    ) -> PyResult<u64> {
        let streamed = self.inner.decrypt_stream_with(
            &id,
            PyReader(src),
            PyWriter(dst),
            context,
            DecryptPolicy::allowing_compromised(allow_compromised),
        );
        wait_io(py, streamed)
    }

    fn __repr__(&self) -> String {
        "<Model2>".to_string()
    }
}
