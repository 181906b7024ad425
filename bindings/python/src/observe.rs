//! Logging and audit: the log itself is configured in `[log]` and `[audit]` of the configuration
//! (the client starts it when it connects); this module verifies a written log.

use std::path::PathBuf;

use kmipkit::observe::verify::{VerifyOptions, verify_files};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPy;

/// Verifies the hash chain of a log and its rotated files: `{"intact", "lines", "first_serial",
/// "last_serial", "findings"}` where each finding is a sentence naming the file, line and serial.
#[pyfunction]
pub fn verify_log<'py>(py: Python<'py>, paths: Vec<PathBuf>) -> PyResult<Bound<'py, PyDict>> {
    let report = py
        .detach(|| verify_files(&paths, &VerifyOptions::default()))
        .py()?;
    let d = PyDict::new(py);
    d.set_item("intact", report.is_intact())?;
    d.set_item("lines", report.lines)?;
    d.set_item("first_serial", report.first_serial)?;
    d.set_item("last_serial", report.last_serial)?;
    let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    d.set_item("findings", findings)?;
    Ok(d)
}
