//! Conversions between Python values and the core's typed model: attributes (as the core's
//! plain JSON values), enumerations, protected key bytes. No KMIP logic lives here.

use kmipkit::keys::SecretBytes;
use kmipkit::message::{Attribute, AttributeReference, Attributes};
use kmipkit::spec::{CryptographicUsageMask, ProtocolVersion};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value as Json;

/// Key bytes in protected memory (locked, zeroized on drop); never shown by `repr`.
#[pyclass(module = "kmipkit._native", name = "Secret", frozen)]
pub struct Secret(pub SecretBytes);

#[pymethods]
impl Secret {
    /// The bytes, copied into a Python `bytes` object: only when the caller asks. In a child
    /// process forked after the key was made, `RuntimeError`: secret memory is not inherited.
    fn expose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        if !self.0.is_available() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this key was made before os.fork() and its protected memory is not inherited by the child process; fetch or make keys after forking",
            ));
        }
        Ok(pyo3::types::PyBytes::new(py, self.0.expose()))
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// Whether the bytes are locked in memory (kept out of swap).
    #[getter]
    fn locked(&self) -> bool {
        self.0.is_locked()
    }

    fn __repr__(&self) -> String {
        format!("<Secret {} bytes>", self.0.len())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Secret>().is_ok_and(|o| o.get().0 == self.0)
    }

    fn __hash__(&self) -> PyResult<isize> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "Secret is not hashable",
        ))
    }
}

/// An enumeration value by its KMIP name (`"AES"`, `"SymmetricKey"`).
pub fn enum_value<T>(what: &str, name: &str, parse: fn(&str) -> Option<T>) -> PyResult<T> {
    parse(name).ok_or_else(|| PyValueError::new_err(format!("unknown {what} {name:?}")))
}

/// A protocol version from `"1.4"` (the core's parser).
pub fn version(text: &str) -> PyResult<ProtocolVersion> {
    text.parse()
        .map_err(|e| PyValueError::new_err(format!("{e}: {text:?}")))
}

/// `"1.4"`.
pub fn version_text(v: ProtocolVersion) -> String {
    v.to_string()
}

/// One attribute from its tag name (`"CryptographicAlgorithm"`) and a Python value (the core's
/// `Attribute::from_plain`; names starting with `x-` or `y-` are vendor attributes). A name or
/// value the core refuses is a `ValueError`, as for any bad argument.
pub fn attribute(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Attribute> {
    Attribute::from_plain(name, &to_json(value, 0)?)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A usage mask from a list of names (`["Encrypt", "Decrypt"]`) or an integer, read as the
/// core reads the `CryptographicUsageMask` attribute.
pub fn usage_mask(value: &Bound<'_, PyAny>) -> PyResult<CryptographicUsageMask> {
    match attribute("CryptographicUsageMask", value)? {
        Attribute::CryptographicUsageMask(mask) => Ok(mask),
        _ => Err(PyValueError::new_err(
            "usage must be a list of usage mask names or an integer",
        )),
    }
}

/// Attributes from `(name, value)` pairs.
pub fn attributes(pairs: Vec<(String, Bound<'_, PyAny>)>) -> PyResult<Attributes> {
    let mut out = Attributes::default();
    for (name, value) in pairs {
        out.push(attribute(&name, &value)?);
    }
    Ok(out)
}

/// A reference to an attribute by tag name, or a vendor attribute by its name.
pub fn reference(name: &str) -> AttributeReference {
    AttributeReference::from_name(name)
}

/// A reference in its by-name form (see `AttributeReference::by_name`).
pub fn reference_by_name(name: &str) -> AttributeReference {
    AttributeReference::by_name(name)
}

/// The tag name of a reference.
pub fn reference_name(reference: &AttributeReference) -> String {
    reference.name()
}

/// `(tag name, Python value)` of an attribute read from a server (the core's `tag_name` and
/// `value_plain`).
pub fn attribute_out(py: Python<'_>, attribute: &Attribute) -> PyResult<(String, Py<PyAny>)> {
    let value = from_json(py, &attribute.value_plain())?;
    Ok((attribute.tag_name().into_owned(), value))
}

/// Nesting accepted in a Python attribute value (the core refuses deeper values anyway).
const MAX_DEPTH: usize = 32;

/// A Python value as plain JSON: `str`, `int`, `bool`, `float`, `None`, lists, tuples and dicts
/// with `str` keys.
fn to_json(value: &Bound<'_, PyAny>, depth: usize) -> PyResult<Json> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "attribute value nested deeper than {MAX_DEPTH} levels"
        )));
    }
    if value.is_none() {
        return Ok(Json::Null);
    }
    // `bool` first: in Python it is also an `int`.
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Json::Bool(b.is_true()));
    }
    if value.cast::<PyString>().is_ok() {
        return Ok(Json::String(value.extract()?));
    }
    if value.cast::<PyInt>().is_ok() {
        let n: i64 = value.extract().map_err(|_| {
            PyValueError::new_err(format!("attribute value {value} is out of range"))
        })?;
        return Ok(Json::from(n));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(serde_json::Number::from_f64(f.value()).map_or(Json::Null, Json::Number));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = serde_json::Map::new();
        for (key, member) in dict.iter() {
            object.insert(key.extract::<String>()?, to_json(&member, depth + 1)?);
        }
        return Ok(Json::Object(object));
    }
    if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
        let list = value
            .try_iter()?
            .map(|item| to_json(&item?, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Json::Array(list));
    }
    Err(PyTypeError::new_err(format!(
        "an attribute value is str, int, bool, a list or a dict, not {}",
        value.get_type().name()?
    )))
}

/// Plain JSON as the Python value it reads as.
fn from_json(py: Python<'_>, value: &Json) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Json::Null => py.None(),
        Json::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            _ => n.as_f64().into_pyobject(py)?.into_any().unbind(),
        },
        Json::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        Json::Array(list) => {
            let items = list
                .iter()
                .map(|v| from_json(py, v))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        Json::Object(members) => {
            let dict = PyDict::new(py);
            for (key, member) in members {
                dict.set_item(key, from_json(py, member)?)?;
            }
            dict.into_any().unbind()
        }
    })
}
