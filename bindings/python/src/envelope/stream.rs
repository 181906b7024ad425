//! Python file-like objects as `std::io` readers and writers for the core's streaming
//! ([`kmipkit::envelope::streaming`]): the GIL is released while the core works, and taken back
//! only for each `read` / `write` call on the Python objects.

use std::future::Future;
use std::io::{Read, Write};

use kmipkit::envelope::format;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes};

use super::Obj;
use crate::errors::to_py;
use crate::runtime::runtime;

/// Writes to a Python file-like object (its `write`).
pub(super) struct PyWriter(pub(super) Obj);

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
pub(super) struct PyReader(pub(super) Obj);

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

/// Waits for a core streaming call (the key from the key manager, then the copy) with the GIL
/// released; it is taken back only for each `read` / `write` on the Python objects.
pub(super) fn wait_io(
    py: Python<'_>,
    fut: impl Future<Output = std::io::Result<u64>> + Send,
) -> PyResult<u64> {
    let rt = runtime()?;
    py.detach(|| rt.block_on(fut)).map_err(io_error)
}
