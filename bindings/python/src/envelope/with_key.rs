//! The ciphertext format with a caller's key (no key manager): `seal`, `open`, `header`.

use kmipkit::envelope::format::{Header, KeyRef, Params, PreparedOpen, PreparedSeal};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::{crypto, key_ref_tuple};
use crate::errors::IntoPy;

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
    // The header and key schedule first, so that the ciphertext is written straight into the
    // `bytes` object returned: no Rust buffer, no copy.
    let prepared = PreparedSeal::new(key, &params, context, salt).py()?;
    let len = prepared.sealed_len(plaintext.len()).py()?;
    PyBytes::new_with(py, len, |out| {
        crypto(py, plaintext.len(), || prepared.seal_to(plaintext, out)).py()
    })
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
