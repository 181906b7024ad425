//! `kmipkit._native.operations()`: the core's list of client operations, so the Python package
//! can check that it offers each one (`python/tests/test_parity.py`).

use kmipkit::client::catalog::OPERATIONS;
use pyo3::prelude::*;

/// Every KMIP operation the core's client sends, as `(operation, method)`: the KMIP name
/// (`"ReKeyKeyPair"`) and the client method that sends it (`"rekey_key_pair"`).
#[pyfunction]
pub fn operations() -> Vec<(String, &'static str)> {
    OPERATIONS
        .iter()
        .map(|o| (o.operation.to_string(), o.method))
        .collect()
}
