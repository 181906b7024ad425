//! kmipkit errors as Python exceptions.
//!
//! The exception classes are defined in Python (`kmipkit/errors.py`) so that they are ordinary,
//! documented, picklable classes; this module picks the class for an [`ErrorKind`] and fills in
//! the attributes. Messages are the core's, which never contain key bytes or passwords.

use kmipkit::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

/// The Python class for `kind`: `kmipkit.errors` maps every stable kind name to its class
/// (`_KIND_CLASSES`); a kind newer than the package gets the class of its category
/// (`_CATEGORY_CLASSES`), so no kind is ever raised as a bare `KmipError`.
fn class<'py>(module: &Bound<'py, PyModule>, kind: ErrorKind) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(class) = module.getattr("_KIND_CLASSES")?.get_item(kind.name()) {
        return Ok(class);
    }
    module
        .getattr("_CATEGORY_CLASSES")?
        .get_item(kind.category().name())
}

/// `(name, code, category)` of every kind the core has, for the package's tests that prove
/// `kmipkit.errors` has a class for each.
#[pyfunction]
pub fn error_kinds() -> Vec<(&'static str, u32, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.name(), k.code(), k.category().name()))
        .collect()
}

/// The Python exception for `err`: its class from `kmipkit.errors`, its message, `code`, `kind`,
/// and for server refusals `result_reason`, `operation`, `result_message` and `explanation`.
pub fn to_py(err: Error) -> PyErr {
    Python::attach(|py| build(py, &err).unwrap_or_else(|e| e))
}

fn build(py: Python<'_>, err: &Error) -> Result<PyErr, PyErr> {
    let module = py.import("kmipkit.errors")?;
    let kind = err.kind();
    let class = class(&module, kind)?;
    let extra = PyDict::new(py);
    extra.set_item("code", kind.code())?;
    extra.set_item("kind", kind.name())?;
    extra.set_item("category", kind.category().name())?;
    match err {
        Error::Server {
            operation,
            reason,
            message,
            explanation,
        } => {
            extra.set_item("result_reason", reason.to_string())?;
            extra.set_item("operation", operation.and_then(|o| o.name()))?;
            extra.set_item("result_message", message.as_deref())?;
            extra.set_item("explanation", explanation.as_deref())?;
        }
        Error::Config { file, line, .. } => {
            extra.set_item("file", file.as_deref())?;
            extra.set_item("line", *line)?;
        }
        Error::Log { path, .. } => extra.set_item("path", path.as_deref())?,
        Error::AllServersFailed { attempts, .. } => {
            let list: Vec<(String, String)> = attempts
                .iter()
                .map(|a| (a.server.clone(), a.error.to_string()))
                .collect();
            extra.set_item("attempts", list)?;
        }
        _ => {}
    }
    let exc = class.call((err.to_string(),), Some(&extra))?;
    Ok(PyErr::from_value(exc))
}

/// A Python error for a failure inside the binding itself (never a core error).
pub fn internal(what: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(what.into())
}

/// Shorthand: core results into Python results.
pub trait IntoPy<T> {
    /// Converts the core error, if any, into its Python exception.
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
