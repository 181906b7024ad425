//! Creating, registering and fetching objects: Create, Create Key Pair, Register, Re-Key,
//! Re-Key Key Pair, Derive Key, Get (one or a batch), Locate and Check. The composites
//! (Register defaults, wrapped Get, batched Get, AES key, locate by name) are the core's.

use std::collections::HashMap;

use kmipkit::message::*;
use kmipkit::spec::*;
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::crypto::params;
use super::results::*;
use super::{NativeClient, Obj};
use crate::convert::{self, enum_value};
use crate::runtime::run;

#[pymethods]
impl NativeClient {
    /// Create: returns the new object's unique identifier.
    #[pyo3(signature = (object_type, attributes, aio=None))]
    fn create(
        &self,
        py: Python<'_>,
        object_type: &str,
        attributes: Vec<(String, Bound<'_, PyAny>)>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let t = enum_value("object type", object_type, ObjectType::from_name)?;
        let request = CreateRequest::new(t, convert::attributes(attributes)?);
        run(
            py,
            aio.as_ref(),
            async move { c.create(request).await.map(|r| r.unique_identifier) },
            text,
        )
    }

    /// Create Key Pair: returns `(private_key_id, public_key_id)`.
    #[pyo3(signature = (common, private_key, public_key, aio=None))]
    fn create_key_pair(
        &self,
        py: Python<'_>,
        common: Vec<(String, Bound<'_, PyAny>)>,
        private_key: Vec<(String, Bound<'_, PyAny>)>,
        public_key: Vec<(String, Bound<'_, PyAny>)>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let request = CreateKeyPairRequest::new(
            convert::attributes(common)?,
            convert::attributes(private_key)?,
            convert::attributes(public_key)?,
        );
        run(
            py,
            aio.as_ref(),
            async move { c.create_key_pair(request).await },
            |py, r| {
                Ok((
                    r.private_key_unique_identifier,
                    r.public_key_unique_identifier,
                )
                    .into_pyobject(py)?
                    .into_any()
                    .unbind())
            },
        )
    }

    /// Register an object the caller supplies; returns its unique identifier.
    #[pyo3(signature = (object_type, material, attributes, algorithm=None, aio=None))]
    fn register(
        &self,
        py: Python<'_>,
        object_type: &str,
        material: Vec<u8>,
        attributes: Vec<(String, Bound<'_, PyAny>)>,
        algorithm: Option<&str>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let t = enum_value("object type", object_type, ObjectType::from_name)?;
        let algorithm = algorithm
            .map(|a| enum_value("algorithm", a, CryptographicAlgorithm::from_name))
            .transpose()?;
        let attributes = convert::attributes(attributes)?;
        run(
            py,
            aio.as_ref(),
            async move {
                c.register_material(t, material, algorithm, attributes)
                    .await
            },
            text,
        )
    }

    /// Re-Key: returns the new key's unique identifier.
    #[pyo3(signature = (unique_identifier, aio=None))]
    fn rekey(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let request = ReKeyRequest::new(Some(unique_identifier));
        run(
            py,
            aio.as_ref(),
            async move { c.rekey(request).await.map(|r| r.unique_identifier) },
            text,
        )
    }

    /// Re-Key Key Pair: returns the new `(private_key_id, public_key_id)`.
    #[pyo3(signature = (private_key_unique_identifier, aio=None))]
    fn rekey_key_pair(
        &self,
        py: Python<'_>,
        private_key_unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let request = ReKeyKeyPairRequest::new(Some(private_key_unique_identifier));
        run(
            py,
            aio.as_ref(),
            async move { c.rekey_key_pair(request).await },
            |py, r| {
                let pair = (
                    r.private_key_unique_identifier,
                    r.public_key_unique_identifier,
                );
                Ok(pair.into_pyobject(py)?.into_any().unbind())
            },
        )
    }

    /// A pre-active AES key of `bits` named `name` for `usage` (mask names or an integer);
    /// returns its unique identifier.
    #[pyo3(signature = (name, bits, usage, aio=None))]
    fn create_aes_key(
        &self,
        py: Python<'_>,
        name: String,
        bits: i32,
        usage: Bound<'_, PyAny>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let usage = convert::usage_mask(&usage)?;
        run(
            py,
            aio.as_ref(),
            async move { c.create_aes_key_with_usage(&name, bits, usage).await },
            text,
        )
    }

    /// Get: the object as a dict; key bytes as a `Secret`. With `wrapping_key`, the key comes
    /// back wrapped (AES key wrap) under that key.
    #[pyo3(signature = (unique_identifier, wrapping_key=None, aio=None))]
    fn get(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        wrapping_key: Option<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move {
                match wrapping_key {
                    Some(k) => c.get_wrapped(&unique_identifier, &k).await,
                    None => c.get(GetRequest::new(Some(unique_identifier))).await,
                }
            },
            managed_object,
        )
    }

    /// Get of several objects in one batch (one round trip): per identifier, the object as a
    /// dict or the exception the server's refusal maps to.
    #[pyo3(signature = (unique_identifiers, aio=None))]
    fn get_many(
        &self,
        py: Python<'_>,
        unique_identifiers: Vec<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.get_many(unique_identifiers).await },
            |py, outcomes| {
                let out = PyList::empty(py);
                for outcome in outcomes {
                    match outcome {
                        Ok(got) => out.append(managed_object(py, got)?)?,
                        Err(e) => out.append(crate::errors::to_py(e).into_value(py))?,
                    }
                }
                Ok(out.into_any().unbind())
            },
        )
    }

    /// Locate: the identifiers of objects matching every attribute.
    #[pyo3(signature = (attributes, maximum_items=None, offset_items=None, aio=None))]
    fn locate(
        &self,
        py: Python<'_>,
        attributes: Vec<(String, Bound<'_, PyAny>)>,
        maximum_items: Option<i32>,
        offset_items: Option<i32>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = LocateRequest::new(convert::attributes(attributes)?);
        request.maximum_items = maximum_items;
        request.offset_items = offset_items;
        run(
            py,
            aio.as_ref(),
            async move { c.locate(request).await.map(|r| r.unique_identifier) },
            texts,
        )
    }

    /// The identifiers of the objects named `name`.
    #[pyo3(signature = (name, aio=None))]
    fn locate_by_name(
        &self,
        py: Python<'_>,
        name: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.locate_by_name(&name).await },
            texts,
        )
    }

    /// Check: returns the identifier checked.
    #[pyo3(signature = (unique_identifier, aio=None))]
    fn check(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let request = CheckRequest::new(Some(unique_identifier.clone()));
        run(
            py,
            aio.as_ref(),
            async move {
                c.check(request)
                    .await
                    .map(|r| r.unique_identifier.unwrap_or(unique_identifier))
            },
            text,
        )
    }

    /// Derive Key: a new symmetric key derived from `base` (PBKDF2, HASH, HMAC, ... by
    /// `method`), with `data` as the derivation data; returns its unique identifier.
    #[pyo3(signature = (base, method, data, attributes, params=None, salt=None, iterations=None, aio=None))]
    fn derive_key(
        &self,
        py: Python<'_>,
        base: Vec<String>,
        method: &str,
        data: Vec<u8>,
        attributes: Vec<(String, Bound<'_, PyAny>)>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        salt: Option<Vec<u8>>,
        iterations: Option<i32>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut derivation = DerivationParameters::with_data(data);
        derivation.cryptographic_parameters = self::params(params)?;
        derivation.salt = salt.map(Bytes);
        derivation.iteration_count = iterations;
        let method = enum_value("derivation method", method, DerivationMethod::from_name)?;
        let request = DeriveKeyRequest::new(
            ObjectType::SymmetricKey,
            base,
            method,
            derivation,
            convert::attributes(attributes)?,
        );
        run(
            py,
            aio.as_ref(),
            async move { c.derive_key(request).await.map(|r| r.unique_identifier) },
            text,
        )
    }
}
