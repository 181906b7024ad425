//! Envelope encryption: the key cache, Model 1, Model 2, the ciphertext format with a caller's
//! key, and streaming over Python file-like objects.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use kmipkit::envelope::format::{self, Decryptor, Encryptor, Header, KeyRef, Params};
use kmipkit::envelope::model1::{Model1, ProtectedDek};
use kmipkit::envelope::model2::Model2;
use kmipkit::error::Error;
use kmipkit::keys::{CacheLimits, KeyCache, SecretBytes};
use kmipkit::message::{GetRequest, KeyMaterial, Object};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::client::NativeClient;
use crate::convert::Secret;
use crate::errors::{IntoPy, to_py};
use crate::runtime::{block, run};

type Obj = Py<PyAny>;

/// `(name, version, uid)`.
pub type KeyRefTuple = (String, u32, String);

pub fn key_ref_tuple(k: KeyRef) -> KeyRefTuple {
    (k.name, k.version, k.uid)
}

fn key_ref_obj(py: Python<'_>, k: KeyRef) -> PyResult<Obj> {
    Ok(key_ref_tuple(k).into_pyobject(py)?.into_any().unbind())
}

fn bytes_obj(py: Python<'_>, b: Vec<u8>) -> PyResult<Obj> {
    Ok(PyBytes::new(py, &b).into_any().unbind())
}

fn plain_obj(py: Python<'_>, b: format::Plaintext) -> PyResult<Obj> {
    Ok(plain_bytes(py, b).into_any().unbind())
}

/// Copies plaintext into Python `bytes`; the core's buffer is wiped when it drops.
fn plain_bytes(py: Python<'_>, b: format::Plaintext) -> Bound<'_, PyBytes> {
    PyBytes::new(py, b.as_slice())
}

/// Below this many bytes, local encryption costs less than releasing and re-acquiring the GIL,
/// so the GIL is kept.
const DETACH_FROM: usize = 16 * 1024;

/// Runs local crypto on `len` bytes, with the GIL released unless the work is tiny.
fn crypto<T: Send>(py: Python<'_>, len: usize, f: impl FnOnce() -> T + Send) -> T {
    if len >= DETACH_FROM {
        py.detach(f)
    } else {
        f()
    }
}

fn dek(key: &SecretBytes) -> PyResult<&[u8; 32]> {
    key.expose()
        .try_into()
        .map_err(|_| PyValueError::new_err(format!("a data key has 32 bytes, not {}", key.len())))
}

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

/// Writes to a Python file-like object (its `write`).
struct PyWriter(Obj);

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            self.0
                .call_method1(py, "write", (PyBytes::new(py, buf),))
                .map_err(|e| std::io::Error::other(e.to_string()))
        })?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads from a Python file-like object (its `read(n)`).
struct PyReader(Obj);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let chunk = self
                .0
                .call_method1(py, "read", (buf.len(),))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let chunk = chunk.bind(py);
            let data: &[u8] = chunk
                .cast::<PyBytes>()
                .map_err(|_| std::io::Error::other("read() must return bytes"))?
                .as_bytes();
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            Ok(n)
        })
    }
}

fn io_error(e: std::io::Error) -> PyErr {
    match format::error_of(&e) {
        Some(err) => to_py(err.clone()),
        None => pyo3::exceptions::PyOSError::new_err(e.to_string()),
    }
}

/// Copies `src` through an encryptor into `dst` with the GIL released between Python calls.
fn encrypt_stream(
    py: Python<'_>,
    src: Obj,
    dst: Obj,
    key: &[u8; 32],
    params: &Params,
    context: &[u8],
) -> PyResult<u64> {
    py.detach(|| {
        let mut enc = Encryptor::new(PyWriter(dst), key, params, context)?;
        let n = std::io::copy(&mut PyReader(src), &mut enc)?;
        enc.finish()?;
        Ok(n)
    })
    .map_err(io_error)
}

/// Reads the header of `src`, asks `key_of` for the key, and decrypts the body into `dst`.
fn decrypt_stream(
    py: Python<'_>,
    src: Obj,
    dst: Obj,
    context: &[u8],
    key_of: impl FnOnce(Python<'_>, &Header) -> PyResult<Arc<SecretBytes>>,
) -> PyResult<u64> {
    let mut reader = PyReader(src);
    let header = py
        .detach(|| Header::read_from(&mut reader))
        .map_err(io_error)?;
    let key = key_of(py, &header)?;
    let key = dek(&key)?;
    py.detach(|| {
        let mut dec = Decryptor::new(reader, &header, key, context)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        std::io::copy(&mut dec, &mut PyWriter(dst))
    })
    .map_err(io_error)
}

/// Model 1: data keys protected by a key-encryption key on the key manager.
#[pyclass(module = "kmipkit._native", name = "Model1", frozen)]
pub struct NativeModel1 {
    pub(crate) inner: Model1,
}

#[pymethods]
impl NativeModel1 {
    #[new]
    #[pyo3(signature = (client, kek_name, kek_version, cache=None))]
    fn new(
        client: &NativeClient,
        kek_name: String,
        kek_version: u32,
        cache: Option<&NativeKeyCache>,
    ) -> PyResult<Self> {
        let mut inner = Model1::new(client.client()?, kek_name, kek_version).py()?;
        if let Some(c) = cache {
            inner = inner.with_cache(c.inner.clone());
        }
        Ok(Self { inner })
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

    /// Streams `src` (a binary file-like object) encrypted into `dst` under `key`, whose
    /// protected form goes into the header; returns the plaintext length.
    fn encrypt_stream(
        &self,
        py: Python<'_>,
        key: &Secret,
        protected: &[u8],
        src: Obj,
        dst: Obj,
        context: &[u8],
    ) -> PyResult<u64> {
        let blob = ProtectedDek::from_bytes(protected).py()?;
        let params = Params {
            wrapped_dek: protected.to_vec(),
            ..Params::new(blob.kek)
        };
        encrypt_stream(py, src, dst, dek(&key.0)?, &params, context)
    }

    /// Streams a Model 1 ciphertext from `src` decrypted into `dst`; returns the plaintext length.
    fn decrypt_stream(&self, py: Python<'_>, src: Obj, dst: Obj, context: &[u8]) -> PyResult<u64> {
        decrypt_stream(py, src, dst, context, |py, header| {
            if header.wrapped_dek.is_empty() {
                return Err(to_py(Error::Format {
                    reason: "the ciphertext carries no protected DEK (not a Model 1 ciphertext)"
                        .into(),
                }));
            }
            let protected = ProtectedDek::from_bytes(&header.wrapped_dek).py()?;
            let m = self.inner.clone();
            block(py, async move { m.unlock(&protected).await }).map(Arc::new)
        })
    }

    fn __repr__(&self) -> String {
        format!("<Model1 kek={:?}>", self.inner.kek_key_name())
    }
}

/// Model 2: one key per identifier, named `prefix + id`.
#[pyclass(module = "kmipkit._native", name = "Model2", frozen)]
pub struct NativeModel2 {
    pub(crate) inner: Arc<Model2>,
}

/// The AES-256 key `uid` from the key manager, in protected memory (conversion of a Get result).
async fn key_bytes(
    client: &kmipkit::client::Client,
    uid: String,
) -> kmipkit::error::Result<SecretBytes> {
    let got = client.get(GetRequest::new(Some(uid.clone()))).await?;
    match got.object.key_block().and_then(|b| {
        if b.is_wrapped() {
            None
        } else {
            b.key_material()
        }
    }) {
        Some(KeyMaterial::Bytes(b)) if matches!(got.object, Object::SymmetricKey(_)) => {
            Ok(SecretBytes::from(b.0.as_slice()))
        }
        _ => Err(Error::Protocol {
            reason: format!("object {uid:?} is not an unwrapped raw symmetric key"),
        }),
    }
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
            let key = key_bytes(m.client(), key_ref.uid.clone()).await?;
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
            let uid = header.key_ref.uid.clone();
            block(py, async move { key_bytes(m.client(), uid).await }).map(Arc::new)
        })
    }

    fn __repr__(&self) -> String {
        "<Model2>".to_string()
    }
}

/// The ciphertext format with a caller-supplied 32-byte key (no key manager): for test vectors
/// and for keys managed elsewhere.
#[pyfunction]
#[pyo3(signature = (key, plaintext, context, name="", version=0, uid="", wrapped_dek=None, salt=None, frame_size=None))]
pub fn seal<'py>(
    py: Python<'py>,
    key: &[u8],
    plaintext: &[u8],
    context: &[u8],
    name: &str,
    version: u32,
    uid: &str,
    wrapped_dek: Option<Vec<u8>>,
    salt: Option<[u8; 32]>,
    frame_size: Option<u32>,
) -> PyResult<Bound<'py, PyBytes>> {
    let key: &[u8; 32] = key
        .try_into()
        .map_err(|_| PyValueError::new_err("the key must have 32 bytes"))?;
    let mut params = Params::new(KeyRef {
        name: name.into(),
        version,
        uid: uid.into(),
    });
    if let Some(w) = wrapped_dek {
        params.wrapped_dek = w;
    }
    if let Some(f) = frame_size {
        params.frame_size = f;
    }
    let out = crypto(py, plaintext.len(), || match salt {
        Some(s) => format::seal_with_salt(key, &params, context, s, plaintext),
        None => format::seal(key, &params, context, plaintext),
    })
    .py()?;
    Ok(PyBytes::new(py, &out))
}

/// Decrypts a ciphertext with a caller-supplied 32-byte key.
#[pyfunction]
pub fn open<'py>(
    py: Python<'py>,
    key: &[u8],
    ciphertext: &[u8],
    context: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let key: &[u8; 32] = key
        .try_into()
        .map_err(|_| PyValueError::new_err("the key must have 32 bytes"))?;
    let out = crypto(py, ciphertext.len(), || {
        format::open(ciphertext, key, context)
    })
    .py()?;
    Ok(plain_bytes(py, out))
}

/// The header of a ciphertext: frame size, key reference and wrapped DEK (no key needed).
#[pyfunction]
pub fn header<'py>(py: Python<'py>, ciphertext: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let (h, body) = Header::parse(ciphertext).py()?;
    let d = PyDict::new(py);
    d.set_item("frame_size", h.frame_size)?;
    d.set_item("key", key_ref_tuple(h.key_ref))?;
    d.set_item("wrapped_dek", PyBytes::new(py, &h.wrapped_dek))?;
    d.set_item("header_length", body)?;
    Ok(d)
}
