//! Envelope encryption from Python: the key cache, Model 1, Model 2, streaming over Python
//! file-like objects, and the ciphertext format with a caller's key. Helpers every part shares
//! are here; each class lives in its own file.

mod cache;
mod model1;
mod model2;
mod stream;
mod with_key;

use kmipkit::envelope::format::{self, KeyRef};
use kmipkit::envelope::rotation::KeyVersion;

use kmipkit::keys::SecretBytes;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

pub use cache::NativeKeyCache;
pub use model1::NativeModel1;
pub use model2::NativeModel2;
pub use with_key::{
    decode_context, encode_context, header, open, seal, seal_with_fixed_salt_for_test_vectors,
};

type Obj = Py<PyAny>;

/// `(name, version, uid)`.
pub type KeyRefTuple = (String, u32, String);

pub fn key_ref_tuple(k: KeyRef) -> KeyRefTuple {
    (k.name, k.version, k.uid)
}

pub(super) fn key_ref_obj(py: Python<'_>, k: KeyRef) -> PyResult<Obj> {
    Ok(key_ref_tuple(k).into_pyobject(py)?.into_any().unbind())
}

/// Key versions as `[((name, version, uid), state), ...]`, oldest first.
pub(crate) fn versions_obj(py: Python<'_>, versions: Vec<KeyVersion>) -> PyResult<Obj> {
    let list: Vec<(KeyRefTuple, String)> = versions
        .into_iter()
        .map(|k| (key_ref_tuple(k.key), k.state.to_string()))
        .collect();
    Ok(list.into_pyobject(py)?.into_any().unbind())
}

pub(super) fn bytes_obj(py: Python<'_>, b: Vec<u8>) -> PyResult<Obj> {
    Ok(PyBytes::new(py, &b).into_any().unbind())
}

pub(super) fn plain_obj(py: Python<'_>, b: format::Plaintext) -> PyResult<Obj> {
    Ok(plain_bytes(py, b).into_any().unbind())
}

/// Copies plaintext into Python `bytes`; the core's buffer is wiped when it drops.
pub(super) fn plain_bytes(py: Python<'_>, b: format::Plaintext) -> Bound<'_, PyBytes> {
    PyBytes::new(py, b.as_slice())
}

/// Below this many bytes, local encryption costs less than releasing and re-acquiring the GIL,
/// so the GIL is kept.
const DETACH_FROM: usize = 16 * 1024;

/// Runs local crypto on `len` bytes, with the GIL released unless the work is tiny.
pub(super) fn crypto<T: Send>(py: Python<'_>, len: usize, f: impl FnOnce() -> T + Send) -> T {
    if len >= DETACH_FROM {
        py.detach(f)
    } else {
        f()
    }
}

/// Plaintext copied out of a Python `bytes` for an operation that runs without the GIL (on the
/// runtime, possibly as an asyncio future): wiped in one pass when the operation drops it.
pub(crate) struct PlaintextIn(pub Vec<u8>);

impl Drop for PlaintextIn {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
    }
}

pub(super) fn dek(key: &SecretBytes) -> PyResult<&[u8; 32]> {
    if !key.is_available() {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "this data key was made before os.fork() and its protected memory is not inherited by the child process; make or unlock keys after forking",
        ));
    }
    key.expose()
        .try_into()
        .map_err(|_| PyValueError::new_err(format!("a data key has 32 bytes, not {}", key.len())))
}
