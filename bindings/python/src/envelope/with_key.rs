//! The ciphertext format with a caller's key (no key manager): `seal`, `open`, `header`.

use std::collections::BTreeMap;

use kmipkit::envelope::format::{Header, KeyRef, Params, PreparedOpen, PreparedSeal};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::{crypto, key_ref_tuple};
use crate::errors::IntoPy;

/// The ciphertext format with a caller-supplied 32-byte key (no key manager), under a fresh
/// random salt: for keys managed elsewhere.
#[pyfunction]
#[pyo3(signature = (key, plaintext, context, name="", version=0, uid="", wrapped_dek=None, frame_size=None))]
pub fn seal<'py>(
    py: Python<'py>,
    key: &[u8],
    plaintext: &[u8],
    context: &[u8],
    name: &str,
    version: u32,
    uid: &str,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
) -> PyResult<Bound<'py, PyBytes>> {
    let params = params(name, version, uid, wrapped_dek, frame_size);
    seal_under(py, key, plaintext, context, &params, None)
}

/// `seal` under a salt the caller chooses: only to reproduce the frozen test vectors. A salt used
/// twice with one key reuses the AES-GCM key and nonces (FORMAT.md §5), hence the name.
#[pyfunction]
#[pyo3(signature = (key, plaintext, context, salt, name="", version=0, uid="", wrapped_dek=None, frame_size=None))]
pub fn seal_with_fixed_salt_for_test_vectors<'py>(
    py: Python<'py>,
    key: &[u8],
    plaintext: &[u8],
    context: &[u8],
    salt: [u8; 32],
    name: &str,
    version: u32,
    uid: &str,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
) -> PyResult<Bound<'py, PyBytes>> {
    let params = params(name, version, uid, wrapped_dek, frame_size);
    seal_under(py, key, plaintext, context, &params, Some(salt))
}

fn params(
    name: &str,
    version: u32,
    uid: &str,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
) -> Params {
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
    params
}

fn seal_under<'py>(
    py: Python<'py>,
    key: &[u8],
    plaintext: &[u8],
    context: &[u8],
    params: &Params,
    salt: Option<[u8; 32]>,
) -> PyResult<Bound<'py, PyBytes>> {
    let key: &[u8; 32] = key
        .try_into()
        .map_err(|_| PyValueError::new_err("the key must have 32 bytes"))?;
    // The header and key schedule first, so that the ciphertext is written straight into the
    // `bytes` object returned: no Rust buffer, no copy.
    let prepared = PreparedSeal::new(key, params, context, salt).py()?;
    let len = prepared.sealed_len(plaintext.len()).py()?;
    PyBytes::new_with(py, len, |out| {
        crypto(py, plaintext.len(), || prepared.seal_to(plaintext, out)).py()
    })
}

/// The canonical bytes of a key-value encryption context (FORMAT.md §3.1), by the core.
#[pyfunction]
pub fn encode_context<'py>(
    py: Python<'py>,
    pairs: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = kmipkit::envelope::format::encode_context(pairs).py()?;
    Ok(PyBytes::new(py, &bytes))
}

/// The mapping whose canonical encoding is `data`, or `None` if it is no such encoding.
#[pyfunction]
pub fn decode_context(data: &[u8]) -> Option<BTreeMap<String, String>> {
    kmipkit::envelope::format::decode_context(data)
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
    // Decrypted straight into the `bytes` object returned, so no Rust buffer ever holds the
    // plaintext; on failure `open_to` zeroes what it wrote before the object is freed.
    let prepared = PreparedOpen::parse(ciphertext).py()?;
    PyBytes::new_with(py, prepared.opened_len(), |out| {
        crypto(py, ciphertext.len(), || prepared.open_to(key, context, out)).py()
    })
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
