//! Streaming encryption over Python file-like objects: the GIL is released while the core
//! encrypts, and taken back only for each `read` / `write` call on the Python objects.

use std::io::{Read, Write};
use std::sync::Arc;

use kmipkit::envelope::format::{self, Decryptor, Encryptor, Header, Params};
use kmipkit::keys::SecretBytes;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes};

use super::{Obj, dek};
use crate::errors::to_py;

/// Writes to a Python file-like object (its `write`).
pub(super) struct PyWriter(Obj);

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let written = self
                .0
                .call_method1(py, "write", (PyBytes::new(py, buf),))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            // A raw (unbuffered) stream may take fewer bytes than given: report the count so
            // that `write_all` sends the rest. Anything but an int below `buf.len()` (`None`
            // from some file-likes) means all of it.
            let written = written.bind(py);
            match written.extract::<usize>() {
                Ok(n) if n < buf.len() && !written.is_instance_of::<PyBool>() => Ok(n),
                _ => Ok(buf.len()),
            }
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads from a Python file-like object (its `read(n)`).
pub(super) struct PyReader(Obj);

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
            // More than asked for cannot be kept, and dropping it would encrypt or decrypt
            // a silently truncated stream.
            let n = data.len();
            if n > buf.len() {
                return Err(std::io::Error::other(format!(
                    "read({}) returned {n} bytes",
                    buf.len()
                )));
            }
            buf[..n].copy_from_slice(data);
            Ok(n)
        })
    }
}

pub(super) fn io_error(e: std::io::Error) -> PyErr {
    match format::error_of(&e) {
        Some(err) => to_py(err.clone()),
        None => pyo3::exceptions::PyOSError::new_err(e.to_string()),
    }
}

/// Copies `src` through an encryptor into `dst` with the GIL released between Python calls.
pub(super) fn encrypt_stream(
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
pub(super) fn decrypt_stream(
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
    // A wrong key or context fails the key commitment here: raised as the core's error
    // (`IntegrityError`), not as an `OSError`.
    let mut dec = Decryptor::new(reader, &header, key, context).map_err(to_py)?;
    py.detach(|| std::io::copy(&mut dec, &mut PyWriter(dst)))
        .map_err(io_error)
}
