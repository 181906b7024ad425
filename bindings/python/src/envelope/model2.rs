//! `kmipkit._native.Model2`: one key per identifier, held by the key manager.

use std::sync::Arc;

use kmipkit::envelope::format::Params;
use kmipkit::envelope::lookup::fetch_key_of;
use kmipkit::envelope::model2::Model2;
use kmipkit::error::Error;
use pyo3::prelude::*;

use super::stream::{decrypt_stream, encrypt_stream};
use super::{NativeKeyCache, Obj, bytes_obj, dek, key_ref_obj, plain_obj};
use crate::client::NativeClient;
use crate::errors::{IntoPy, to_py};
use crate::runtime::{block, run};

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

    /// The key of `id`, created on first use: `(name, version, uid)`.
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
        run(
            py,
            aio.as_ref(),
            async move { m.encrypt(&id, &context, &plaintext).await },
            bytes_obj,
        )
    }

    /// Decrypts a ciphertext made for `id`.
    #[pyo3(signature = (id, ciphertext, context, aio=None))]
    fn decrypt(
        &self,
        py: Python<'_>,
        id: String,
        ciphertext: Vec<u8>,
        context: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let m = self.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { m.decrypt(&id, &ciphertext, &context).await },
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
        let m = self.inner.clone();
        let (key_ref, key) = block(py, async move {
            let key_ref = m.key_for(&id).await?;
            let (key, _) = fetch_key_of(m.client(), &key_ref).await?;
            Ok((key_ref, key))
        })?;
        encrypt_stream(py, src, dst, dek(&key)?, &Params::new(key_ref), context)
    }

    /// Streams a ciphertext for `id` from `src` decrypted into `dst`; returns the plaintext length.
    fn decrypt_stream(
        &self,
        py: Python<'_>,
        id: String,
        src: Obj,
        dst: Obj,
        context: &[u8],
    ) -> PyResult<u64> {
        let name = self.inner.key_name(&id).py()?;
        decrypt_stream(py, src, dst, context, |py, header| {
            if header.key_ref.name != name {
                return Err(to_py(Error::Integrity {
                    reason: format!(
                        "the ciphertext was made with key {:?}, not {name:?}: it belongs to another identifier",
                        header.key_ref.name
                    ),
                }));
            }
            let m = self.inner.clone();
            let key_ref = header.key_ref.clone();
            block(py, async move {
                Ok(fetch_key_of(m.client(), &key_ref).await?.0)
            })
            .map(Arc::new)
        })
    }

    fn __repr__(&self) -> String {
        "<Model2>".to_string()
    }
}
