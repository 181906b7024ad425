//! `kmipkit._native.Config`: a loaded `kmipkit.toml`, TOML text, or keyword arguments given to
//! the core's `ConfigBuilder` (the same checks and errors as a file).

use std::path::{Path, PathBuf};

use kmipkit::config::{Config, ConfigBuilder, ServerBuilder, Setting};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

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

    /// Keyword arguments through the core's `ConfigBuilder`: `servers` are objects with the
    /// attributes of `SERVER_KEYS` (None: not set), the tables map setting names to values.
    #[staticmethod]
    #[pyo3(signature = (servers, *, key_name=None, key_version=None, protocol_version=None,
        max_version=None, max_response_size=None, timeouts=None, pool=None, log=None, audit=None,
        create_when_primary_down=false, base_dir))]
    fn build(
        py: Python<'_>,
        servers: Vec<Bound<'_, PyAny>>,
        key_name: Option<Bound<'_, PyAny>>,
        key_version: Option<Bound<'_, PyAny>>,
        protocol_version: Option<Bound<'_, PyAny>>,
        max_version: Option<Bound<'_, PyAny>>,
        max_response_size: Option<Bound<'_, PyAny>>,
        timeouts: Option<Vec<(String, Bound<'_, PyAny>)>>,
        pool: Option<Vec<(String, Bound<'_, PyAny>)>>,
        log: Option<Vec<(String, Bound<'_, PyAny>)>>,
        audit: Option<Vec<(String, Bound<'_, PyAny>)>>,
        create_when_primary_down: bool,
        base_dir: PathBuf,
    ) -> PyResult<Self> {
        let mut builder = ConfigBuilder::new().base_dir(base_dir);
        for server in servers {
            let mut built = ServerBuilder::default();
            for key in ServerBuilder::KEYS {
                if let Some(value) = setting(&server.getattr(key)?)? {
                    built = built.set(key, value);
                }
            }
            builder = builder.server(built);
        }
        for (section, key, value) in [
            ("key", "name", key_name),
            ("key", "version", key_version),
            ("protocol", "version", protocol_version),
            ("protocol", "max_version", max_version),
            ("protocol", "max_response_size", max_response_size),
        ] {
            if let Some(value) = value.as_ref().map(setting).transpose()?.flatten() {
                builder = builder.set(section, key, value);
            }
        }
        for (section, table) in [
            ("timeouts", timeouts),
            ("pool", pool),
            ("log", log),
            ("audit", audit),
        ] {
            for (key, value) in table.unwrap_or_default() {
                if let Some(value) = setting(&value)? {
                    builder = builder.set(section, &key, value);
                }
            }
        }
        if create_when_primary_down {
            builder = builder.create_when_primary_down(true);
        }
        py.detach(|| builder.build())
            .py()
            .map(|inner| Self { inner })
    }

    /// The attributes `build` reads from each server object.
    #[classattr]
    #[allow(non_snake_case)]
    fn SERVER_KEYS() -> Vec<&'static str> {
        ServerBuilder::KEYS.to_vec()
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

/// A Python value as a setting: `None` is "not set"; `bool`, `int`, `float` and `str` keep their
/// type, an `os.PathLike` is a path, anything else its `str()` (as the file would quote it).
fn setting(value: &Bound<'_, PyAny>) -> PyResult<Option<Setting>> {
    if value.is_none() {
        return Ok(None);
    }
    // `bool` first: in Python it is also an `int`.
    let setting =
        if let Ok(b) = value.cast::<PyBool>() {
            Setting::Bool(b.is_true())
        } else if value.cast::<PyInt>().is_ok() {
            Setting::Integer(value.extract().map_err(|_| {
                PyValueError::new_err(format!("{value} is out of range for a setting"))
            })?)
        } else if let Ok(f) = value.cast::<PyFloat>() {
            Setting::Float(f.value())
        } else if value.cast::<PyString>().is_ok() {
            Setting::Text(value.extract()?)
        } else if let Ok(path) = value.extract::<PathBuf>() {
            Setting::Path(path)
        } else {
            match value.str() {
                Ok(text) => Setting::Text(text.extract()?),
                Err(_) => {
                    return Err(PyTypeError::new_err(format!(
                        "a setting is str, int, float, bool or a path, not {}",
                        value.get_type().name()?
                    )));
                }
            }
        };
    Ok(Some(setting))
}
