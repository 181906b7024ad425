//! `kmipkit._native.Config`: a loaded `kmipkit.toml` (or TOML text built from keyword arguments).

use std::path::Path;

use kmipkit::config::Config;
use pyo3::prelude::*;

use crate::convert::version_text;
use crate::errors::IntoPy;

/// A checked kmipkit configuration. Holds file paths and settings, never a secret.
#[pyclass(module = "kmipkit._native", name = "Config", frozen)]
#[derive(Clone)]
pub struct NativeConfig {
    pub(crate) inner: Config,
}

#[pymethods]
impl NativeConfig {
    /// Reads, permission-checks and parses a `kmipkit.toml` file.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        py.detach(|| Config::load(&path))
            .py()
            .map(|inner| Self { inner })
    }

    /// Parses configuration text; relative paths resolve against `base_dir`.
    #[staticmethod]
    fn from_toml(text: &str, base_dir: std::path::PathBuf) -> PyResult<Self> {
        Config::from_toml(text, Path::new(&base_dir))
            .py()
            .map(|inner| Self { inner })
    }

    /// `(name, host, port)` of each server, primary first.
    #[getter]
    fn servers(&self) -> Vec<(String, String, u16)> {
        self.inner
            .servers
            .iter()
            .map(|s| (s.name.clone(), s.host.clone(), s.port))
            .collect()
    }

    /// The `[key]` name, if set.
    #[getter]
    fn key_name(&self) -> Option<String> {
        self.inner.key.name.clone()
    }

    /// The `[key]` version, if set.
    #[getter]
    fn key_version(&self) -> Option<u32> {
        self.inner.key.version
    }

    /// The pinned protocol version, if any.
    #[getter]
    fn protocol_version(&self) -> Option<String> {
        self.inner.protocol.version.map(version_text)
    }

    /// The file it was loaded from, if any.
    #[getter]
    fn path(&self) -> Option<String> {
        self.inner.path.as_ref().map(|p| p.display().to_string())
    }

    fn __repr__(&self) -> String {
        let servers: Vec<String> = self
            .inner
            .servers
            .iter()
            .map(|s| format!("{}={}", s.name, s.address()))
            .collect();
        format!("<kmipkit Config servers=[{}]>", servers.join(", "))
    }
}
