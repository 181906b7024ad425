//! `kmipkit._native`: the Python binding of the kmipkit core (pyo3, abi3).
//!
//! Newtypes over core types and conversions only; the idiomatic API is the Python package
//! `kmipkit` (see `python/`). Blocking calls release the GIL; every network method also takes
//! `aio=<event loop>` and then returns an asyncio future. One tokio runtime per process,
//! rebuilt after `fork`.

// Python keyword arguments become Rust parameters one for one (plus `py` and `aio`).
#![allow(clippy::too_many_arguments)]

mod client;
mod codec;
mod config;
mod convert;
mod envelope;
mod errors;
mod observe;
mod rotation;
mod runtime;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<config::NativeConfig>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<convert::Secret>()?;
    m.add_class::<envelope::NativeKeyCache>()?;
    m.add_class::<envelope::NativeModel1>()?;
    m.add_class::<envelope::NativeModel2>()?;
    m.add_class::<rotation::NativeModel1Rotation>()?;
    m.add_class::<rotation::NativeModel2Rotation>()?;
    m.add_class::<codec::TextCodec>()?;
    m.add_function(wrap_pyfunction!(client::operations, m)?)?;
    m.add_function(wrap_pyfunction!(codec::dump_ttlv, m)?)?;
    m.add_function(wrap_pyfunction!(codec::normalize_ttlv, m)?)?;
    m.add_function(wrap_pyfunction!(codec::parse_message, m)?)?;
    m.add_function(wrap_pyfunction!(envelope::seal, m)?)?;
    m.add_function(wrap_pyfunction!(
        envelope::seal_with_fixed_salt_for_test_vectors,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(envelope::encode_context, m)?)?;
    m.add_function(wrap_pyfunction!(envelope::decode_context, m)?)?;
    m.add_function(wrap_pyfunction!(envelope::open, m)?)?;
    m.add_function(wrap_pyfunction!(envelope::header, m)?)?;
    m.add_function(wrap_pyfunction!(rotation::dependencies, m)?)?;
    m.add_function(wrap_pyfunction!(rotation::destroy_version, m)?)?;
    m.add_function(wrap_pyfunction!(observe::verify_log, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_kinds, m)?)?;
    Ok(())
}
