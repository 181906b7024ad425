//! Core responses as Python values: plain str, list, dict and bytes, key bytes only as `Secret`.

use kmipkit::message::*;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::Obj;
use crate::convert::{self, Secret};

pub(super) fn none(py: Python<'_>, _: ()) -> PyResult<Obj> {
    Ok(py.None())
}
pub(super) fn text(py: Python<'_>, s: String) -> PyResult<Obj> {
    Ok(s.into_pyobject(py)?.into_any().unbind())
}
pub(super) fn texts(py: Python<'_>, v: Vec<String>) -> PyResult<Obj> {
    Ok(PyList::new(py, v)?.into_any().unbind())
}
pub(super) fn bytes_of(py: Python<'_>, b: Option<Bytes>) -> Obj {
    match b {
        Some(b) => PyBytes::new(py, &b.0).into_any().unbind(),
        None => py.None(),
    }
}

/// A fetched object as a dict; key bytes only as a `Secret`.
pub(super) fn managed_object(py: Python<'_>, r: GetResponse) -> PyResult<Obj> {
    let d = PyDict::new(py);
    d.set_item("unique_identifier", &r.unique_identifier)?;
    d.set_item("object_type", r.object_type.to_string())?;
    if let Some(block) = r.object.key_block() {
        d.set_item("key_format_type", block.key_format_type.to_string())?;
        d.set_item(
            "cryptographic_algorithm",
            block.cryptographic_algorithm.map(|a| a.to_string()),
        )?;
        d.set_item("cryptographic_length", block.cryptographic_length)?;
        d.set_item("wrapped", block.is_wrapped())?;
    }
    let mut material: Option<Secret> = None;
    match r.object.material() {
        Some(Material::Certificate(bytes)) => d.set_item("certificate", PyBytes::new(py, bytes))?,
        Some(Material::Secret(bytes)) => material = Some(Secret(bytes)),
        // A template or a transparent key: no bytes (a later kind too, until it is named here).
        _ => {}
    }
    d.set_item("material", material.map(|m| Py::new(py, m)).transpose()?)?;
    Ok(d.into_any().unbind())
}

pub(super) fn attribute_pairs(py: Python<'_>, attributes: &Attributes) -> PyResult<Obj> {
    let out = PyList::empty(py);
    for a in attributes.iter() {
        out.append(convert::attribute_out(py, a)?)?;
    }
    Ok(out.into_any().unbind())
}
