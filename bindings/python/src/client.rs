//! `kmipkit._native.Client`: the core's async `Client` behind one method per operation.
//!
//! Every method blocks with the GIL released, or, given `aio=<event loop>`, returns an asyncio
//! future of that loop. Results are plain Python values (str, list, dict, bytes) or `Secret`
//! for key bytes; the Python package turns them into typed result objects.

use std::collections::HashMap;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::message::*;
use kmipkit::spec::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::config::NativeConfig;
use crate::convert::{self, Secret, enum_value, name_or_hex};
use crate::runtime::run;

type Obj = Py<PyAny>;

/// A connected KMIP client (primary and secondary servers, pooled mutual-TLS connections).
#[pyclass(module = "kmipkit._native", name = "Client", frozen)]
pub struct NativeClient {
    pub(crate) inner: Arc<Client>,
    pid: u32,
}

impl NativeClient {
    /// The client, refused in a process forked after it connected: its connections and runtime
    /// belong to the parent.
    pub(crate) fn client(&self) -> PyResult<Arc<Client>> {
        if self.pid != std::process::id() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this kmipkit client was connected before os.fork(); create a new client in the child process",
            ));
        }
        Ok(self.inner.clone())
    }
}

fn none(py: Python<'_>, _: ()) -> PyResult<Obj> {
    Ok(py.None())
}
fn text(py: Python<'_>, s: String) -> PyResult<Obj> {
    Ok(s.into_pyobject(py)?.into_any().unbind())
}
fn texts(py: Python<'_>, v: Vec<String>) -> PyResult<Obj> {
    Ok(PyList::new(py, v)?.into_any().unbind())
}
fn bytes_of(py: Python<'_>, b: Option<Bytes>) -> Obj {
    match b {
        Some(b) => PyBytes::new(py, &b.0).into_any().unbind(),
        None => py.None(),
    }
}

/// Cryptographic Parameters from a dict: `block_cipher_mode`, `padding_method`,
/// `hashing_algorithm`, `digital_signature_algorithm`, `cryptographic_algorithm` (names),
/// `random_iv` (bool), `iv_length`, `tag_length` (int).
fn params(
    dict: Option<HashMap<String, Bound<'_, PyAny>>>,
) -> PyResult<Option<CryptographicParameters>> {
    let Some(dict) = dict else { return Ok(None) };
    let mut p = CryptographicParameters::default();
    for (key, value) in dict {
        let name = || value.extract::<String>();
        match key.as_str() {
            "block_cipher_mode" => {
                p.block_cipher_mode = Some(enum_value(
                    "block cipher mode",
                    &name()?,
                    BlockCipherMode::from_name,
                )?)
            }
            "padding_method" => {
                p.padding_method = Some(enum_value(
                    "padding method",
                    &name()?,
                    PaddingMethod::from_name,
                )?)
            }
            "hashing_algorithm" => {
                p.hashing_algorithm = Some(enum_value(
                    "hashing algorithm",
                    &name()?,
                    HashingAlgorithm::from_name,
                )?)
            }
            "digital_signature_algorithm" => {
                p.digital_signature_algorithm = Some(enum_value(
                    "digital signature algorithm",
                    &name()?,
                    DigitalSignatureAlgorithm::from_name,
                )?)
            }
            "cryptographic_algorithm" => {
                p.cryptographic_algorithm = Some(enum_value(
                    "cryptographic algorithm",
                    &name()?,
                    CryptographicAlgorithm::from_name,
                )?)
            }
            "random_iv" => p.random_iv = Some(value.extract()?),
            "iv_length" => p.iv_length = Some(value.extract()?),
            "tag_length" => p.tag_length = Some(value.extract()?),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown cryptographic parameter {other:?}"
                )));
            }
        }
    }
    Ok(Some(p))
}

/// The object to register: `kind` is `SymmetricKey`, `SecretData`, `OpaqueObject` or
/// `Certificate` (X.509, DER).
fn object(kind: &str, material: Vec<u8>, algorithm: Option<&str>) -> PyResult<Object> {
    Ok(match kind {
        "SymmetricKey" => {
            let alg = enum_value(
                "algorithm",
                algorithm.unwrap_or("AES"),
                CryptographicAlgorithm::from_name,
            )?;
            Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(alg, material)))
        }
        "SecretData" => Object::SecretData(SecretData::new(SecretDataType::Password, material)),
        "OpaqueObject" => {
            Object::OpaqueObject(OpaqueObject::new(OpaqueDataType(0x8000_0000), material))
        }
        "Certificate" => Object::Certificate(Certificate::new(CertificateType::X_509, material)),
        other => {
            return Err(PyValueError::new_err(format!(
                "cannot register a {other:?}; use SymmetricKey, SecretData, OpaqueObject or Certificate"
            )));
        }
    })
}

/// A fetched object as a dict; key bytes only as a `Secret`.
fn managed_object(py: Python<'_>, r: GetResponse) -> PyResult<Obj> {
    let d = PyDict::new(py);
    d.set_item("unique_identifier", &r.unique_identifier)?;
    d.set_item(
        "object_type",
        name_or_hex(r.object_type.name(), r.object_type.0),
    )?;
    let mut material: Option<Secret> = None;
    match &r.object {
        Object::Certificate(c) => {
            d.set_item("certificate", PyBytes::new(py, &c.certificate_value.0))?;
        }
        Object::OpaqueObject(o) => material = Some(Secret(o.opaque_data_value.0.as_slice().into())),
        other => {
            if let Some(block) = other.key_block() {
                d.set_item(
                    "key_format_type",
                    name_or_hex(block.key_format_type.name(), block.key_format_type.0),
                )?;
                d.set_item(
                    "cryptographic_algorithm",
                    block
                        .cryptographic_algorithm
                        .map(|a| name_or_hex(a.name(), a.0)),
                )?;
                d.set_item("cryptographic_length", block.cryptographic_length)?;
                d.set_item("wrapped", block.is_wrapped())?;
                if let Some(KeyMaterial::Bytes(b)) = block.key_material() {
                    material = Some(Secret(b.0.as_slice().into()));
                }
            }
        }
    }
    d.set_item("material", material.map(|m| Py::new(py, m)).transpose()?)?;
    Ok(d.into_any().unbind())
}

fn attribute_pairs(py: Python<'_>, attributes: &Attributes) -> PyResult<Obj> {
    let out = PyList::empty(py);
    for a in attributes.iter() {
        out.append(convert::attribute_out(py, a)?)?;
    }
    Ok(out.into_any().unbind())
}

#[pymethods]
impl NativeClient {
    /// Connects as the configuration says (negotiating the protocol version).
    #[staticmethod]
    #[pyo3(signature = (config, aio=None))]
    fn connect(
        py: Python<'_>,
        config: &NativeConfig,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let config = config.inner.clone();
        run(
            py,
            aio.as_ref(),
            async move { Client::connect(&config).await },
            |py, c| {
                Ok(Py::new(
                    py,
                    NativeClient {
                        inner: Arc::new(c),
                        pid: std::process::id(),
                    },
                )?
                .into_any())
            },
        )
    }

    /// The negotiated (or pinned) protocol version, e.g. `"2.0"`.
    #[getter]
    fn version(&self) -> String {
        convert::version_text(self.inner.version())
    }

    /// The configured server names, primary first.
    #[getter]
    fn server_names(&self) -> Vec<String> {
        self.inner.server_names()
    }

    /// Waits until every log line and audit row queued so far is written, at most `timeout`
    /// seconds (GIL released); whether it finished in time.
    #[pyo3(signature = (timeout=10.0))]
    fn flush_log(&self, py: Python<'_>, timeout: f64) -> PyResult<bool> {
        let within = std::time::Duration::try_from_secs_f64(timeout)
            .map_err(|e| PyValueError::new_err(format!("timeout: {e}")))?;
        let client = self.inner.clone();
        Ok(py.detach(|| client.logger().flush(within)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<kmipkit Client servers={:?} version={}>",
            self.inner.server_names(),
            self.version()
        )
    }

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
        let request = RegisterRequest::new(
            object(object_type, material, algorithm)?,
            convert::attributes(attributes)?,
        );
        run(
            py,
            aio.as_ref(),
            async move { c.register(request).await.map(|r| r.unique_identifier) },
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
        let mut request = GetRequest::new(Some(unique_identifier));
        if let Some(k) = wrapping_key {
            let mut wrap = CryptographicParameters::default();
            wrap.block_cipher_mode = Some(BlockCipherMode::NISTKeyWrap);
            let mut spec =
                KeyWrappingSpecification::encrypt(EncryptionKeyInformation::new(k, Some(wrap)));
            spec.encoding_option = Some(EncodingOption::NoEncoding);
            request.key_wrapping_specification = Some(spec);
        }
        run(
            py,
            aio.as_ref(),
            async move { c.get(request).await },
            managed_object,
        )
    }

    /// Get of several objects in one batch (one round trip): per identifier, the object as a
    /// dict or the exception the server's refusal maps to.
    #[pyo3(signature = (unique_identifiers, aio=None))]
    fn get_batch(
        &self,
        py: Python<'_>,
        unique_identifiers: Vec<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let payloads: Vec<RequestPayload> = unique_identifiers
            .into_iter()
            .map(|id| GetRequest::new(Some(id)).into())
            .collect();
        run(
            py,
            aio.as_ref(),
            async move { c.batch(payloads).await },
            |py, outcomes| {
                let out = PyList::empty(py);
                for outcome in outcomes {
                    match outcome {
                        Ok(Some(ResponsePayload::Get(r))) => out.append(managed_object(py, r)?)?,
                        Ok(_) => out.append(
                            crate::errors::to_py(kmipkit::Error::Protocol {
                                reason: "a Get in the batch was answered without a Get payload"
                                    .into(),
                            })
                            .into_value(py),
                        )?,
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

    /// Get Attributes: `(name, value)` pairs; all attributes when `names` is empty.
    #[pyo3(signature = (unique_identifier, names, aio=None))]
    fn get_attributes(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        names: Vec<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let refs = names.iter().map(|n| convert::reference(n)).collect();
        let request = GetAttributesRequest::new(Some(unique_identifier), refs);
        run(
            py,
            aio.as_ref(),
            async move { c.get_attributes(request).await },
            |py, r| attribute_pairs(py, &r.attributes),
        )
    }

    /// Get Attribute List: the names of the attributes an object has.
    #[pyo3(signature = (unique_identifier, aio=None))]
    fn get_attribute_list(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.get_attribute_list(&unique_identifier).await },
            |py, refs| texts(py, refs.iter().map(convert::reference_name).collect()),
        )
    }

    /// Add Attribute, Modify Attribute or Set Attribute (`how` is `add`, `modify` or `set`).
    /// `current`: for Modify in KMIP 2.x, the value being replaced (needed for multi-valued
    /// attributes such as Name).
    #[pyo3(signature = (how, unique_identifier, name, value, current=None, aio=None))]
    fn change_attribute(
        &self,
        py: Python<'_>,
        how: &str,
        unique_identifier: String,
        name: &str,
        value: Bound<'_, PyAny>,
        current: Option<Bound<'_, PyAny>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let attribute = convert::attribute(name, &value)?;
        let id = Some(unique_identifier);
        match how {
            "add" => {
                let r = AddAttributeRequest::new(id, attribute);
                run(
                    py,
                    aio.as_ref(),
                    async move { c.add_attribute(r).await.map(drop) },
                    none,
                )
            }
            "modify" => {
                let mut r = ModifyAttributeRequest::new(id, attribute);
                if let Some(current) = current {
                    r.current_attribute =
                        Some(AttributeEntry::from(convert::attribute(name, &current)?));
                }
                run(
                    py,
                    aio.as_ref(),
                    async move { c.modify_attribute(r).await.map(drop) },
                    none,
                )
            }
            "set" => {
                let r = SetAttributeRequest::new(id, attribute);
                run(
                    py,
                    aio.as_ref(),
                    async move { c.set_attribute(r).await.map(drop) },
                    none,
                )
            }
            other => Err(PyValueError::new_err(format!(
                "unknown attribute change {other:?}"
            ))),
        }
    }

    /// Delete Attribute.
    #[pyo3(signature = (unique_identifier, name, aio=None))]
    fn delete_attribute(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        name: &str,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let r =
            DeleteAttributeRequest::new(Some(unique_identifier), convert::reference_by_name(name));
        run(
            py,
            aio.as_ref(),
            async move { c.delete_attribute(r).await.map(drop) },
            none,
        )
    }

    /// Activate, Destroy, Archive or Recover one object (`operation` is the KMIP name).
    #[pyo3(signature = (operation, unique_identifier, aio=None))]
    fn lifecycle(
        &self,
        py: Python<'_>,
        operation: &str,
        unique_identifier: String,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let op = operation.to_string();
        if !matches!(operation, "Activate" | "Destroy" | "Archive" | "Recover") {
            return Err(PyValueError::new_err(format!(
                "unknown lifecycle operation {op:?}"
            )));
        }
        run(
            py,
            aio.as_ref(),
            async move {
                match op.as_str() {
                    "Activate" => c.activate(&unique_identifier).await,
                    "Destroy" => c.destroy(&unique_identifier).await,
                    "Archive" => c.archive(&unique_identifier).await,
                    _ => c.recover(&unique_identifier).await,
                }
            },
            none,
        )
    }

    /// Revoke with a reason code name (e.g. `CessationOfOperation`, `KeyCompromise`).
    #[pyo3(signature = (unique_identifier, reason, message=None, compromise_date=None, aio=None))]
    fn revoke(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        reason: &str,
        message: Option<String>,
        compromise_date: Option<i64>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let code = enum_value("revocation reason", reason, RevocationReasonCode::from_name)?;
        let mut request = RevokeRequest::new(Some(unique_identifier), code);
        request.revocation_reason.revocation_message = message;
        request.compromise_occurrence_date = compromise_date.map(DateTime);
        run(
            py,
            aio.as_ref(),
            async move { c.revoke(request).await.map(drop) },
            none,
        )
    }

    /// Encrypt on the server: `{"data", "iv", "tag"}`.
    #[pyo3(signature = (unique_identifier, data, params=None, iv=None, aad=None, aio=None))]
    fn encrypt(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        data: Vec<u8>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        iv: Option<Vec<u8>>,
        aad: Option<Vec<u8>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = EncryptRequest::new(Some(unique_identifier), data);
        request.cryptographic_parameters = self::params(params)?;
        request.iv_counter_nonce = iv.map(Bytes);
        request.authenticated_encryption_additional_data = aad.map(Bytes);
        run(
            py,
            aio.as_ref(),
            async move { c.encrypt(request).await },
            |py, r| {
                let d = PyDict::new(py);
                d.set_item("data", bytes_of(py, r.data))?;
                d.set_item("iv", bytes_of(py, r.iv_counter_nonce))?;
                d.set_item("tag", bytes_of(py, r.authenticated_encryption_tag))?;
                Ok(d.into_any().unbind())
            },
        )
    }

    /// Decrypt on the server: the plaintext bytes.
    #[pyo3(signature = (unique_identifier, data, params=None, iv=None, aad=None, tag=None, aio=None))]
    fn decrypt(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        data: Vec<u8>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        iv: Option<Vec<u8>>,
        aad: Option<Vec<u8>>,
        tag: Option<Vec<u8>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = DecryptRequest::new(Some(unique_identifier), data);
        request.cryptographic_parameters = self::params(params)?;
        request.iv_counter_nonce = iv.map(Bytes);
        request.authenticated_encryption_additional_data = aad.map(Bytes);
        request.authenticated_encryption_tag = tag.map(Bytes);
        run(
            py,
            aio.as_ref(),
            async move { c.decrypt(request).await },
            |py, r| Ok(bytes_of(py, r.data)),
        )
    }

    /// Sign: the signature bytes.
    #[pyo3(signature = (unique_identifier, data, params=None, aio=None))]
    fn sign(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        data: Vec<u8>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = SignRequest::new(Some(unique_identifier), data);
        request.cryptographic_parameters = self::params(params)?;
        run(
            py,
            aio.as_ref(),
            async move { c.sign(request).await },
            |py, r| Ok(bytes_of(py, r.signature_data)),
        )
    }

    /// Signature Verify: whether the signature is valid.
    #[pyo3(signature = (unique_identifier, data, signature, params=None, aio=None))]
    fn signature_verify(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        data: Vec<u8>,
        signature: Vec<u8>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = SignatureVerifyRequest::new(Some(unique_identifier), data, signature);
        request.cryptographic_parameters = self::params(params)?;
        run(
            py,
            aio.as_ref(),
            async move { c.signature_verify(request).await },
            |py, r| {
                Ok(
                    pyo3::types::PyBool::new(py, r.validity_indicator == ValidityIndicator::Valid)
                        .to_owned()
                        .into_any()
                        .unbind(),
                )
            },
        )
    }

    /// MAC: the MAC bytes.
    #[pyo3(signature = (unique_identifier, data, params=None, aio=None))]
    fn mac(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        data: Vec<u8>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = MACRequest::new(Some(unique_identifier), data);
        request.cryptographic_parameters = self::params(params)?;
        run(
            py,
            aio.as_ref(),
            async move { c.mac(request).await },
            |py, r| Ok(bytes_of(py, r.mac_data)),
        )
    }

    /// MAC Verify: whether the MAC is valid.
    #[pyo3(signature = (unique_identifier, data, mac, params=None, aio=None))]
    fn mac_verify(
        &self,
        py: Python<'_>,
        unique_identifier: String,
        data: Vec<u8>,
        mac: Vec<u8>,
        params: Option<HashMap<String, Bound<'_, PyAny>>>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut request = MACVerifyRequest::new(Some(unique_identifier), data, mac);
        request.cryptographic_parameters = self::params(params)?;
        run(
            py,
            aio.as_ref(),
            async move { c.mac_verify(request).await },
            |py, r| {
                Ok(
                    pyo3::types::PyBool::new(py, r.validity_indicator == ValidityIndicator::Valid)
                        .to_owned()
                        .into_any()
                        .unbind(),
                )
            },
        )
    }

    /// Hash on the server: the digest.
    #[pyo3(signature = (data, algorithm, aio=None))]
    fn hash(
        &self,
        py: Python<'_>,
        data: Vec<u8>,
        algorithm: &str,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let mut params = CryptographicParameters::default();
        params.hashing_algorithm = Some(enum_value(
            "hashing algorithm",
            algorithm,
            HashingAlgorithm::from_name,
        )?);
        let request = HashRequest::new(params, data);
        run(
            py,
            aio.as_ref(),
            async move { c.hash(request).await },
            |py, r| Ok(bytes_of(py, r.data)),
        )
    }

    /// RNG Retrieve: random bytes from the server.
    #[pyo3(signature = (length, aio=None))]
    fn rng_retrieve(
        &self,
        py: Python<'_>,
        length: usize,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.rng_retrieve(length).await },
            |py, r| Ok(PyBytes::new(py, &r).into_any().unbind()),
        )
    }

    /// RNG Seed: offers seed bytes to the server's generator.
    #[pyo3(signature = (seed, aio=None))]
    fn rng_seed(
        &self,
        py: Python<'_>,
        seed: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.rng_seed(RNGSeedRequest::new(seed)).await.map(drop) },
            none,
        )
    }

    /// Poll or Cancel an asynchronous operation by its correlation value (`operation` is
    /// `Poll` or `Cancel`).
    #[pyo3(signature = (operation, correlation_value, aio=None))]
    fn asynchronous(
        &self,
        py: Python<'_>,
        operation: &str,
        correlation_value: Vec<u8>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        match operation {
            "Poll" => run(
                py,
                aio.as_ref(),
                async move { c.poll(PollRequest::new(correlation_value)).await.map(drop) },
                none,
            ),
            "Cancel" => run(
                py,
                aio.as_ref(),
                async move {
                    c.cancel(CancelRequest::new(correlation_value))
                        .await
                        .map(drop)
                },
                none,
            ),
            other => Err(PyValueError::new_err(format!(
                "unknown operation {other:?}"
            ))),
        }
    }

    /// Query: operations, object types and server information.
    #[pyo3(signature = (aio=None))]
    fn query(&self, py: Python<'_>, aio: Option<Bound<'_, PyAny>>) -> PyResult<Obj> {
        let c = self.client()?;
        run(
            py,
            aio.as_ref(),
            async move { c.query_all().await },
            |py, r| {
                let d = PyDict::new(py);
                let ops: Vec<String> = r
                    .operation
                    .iter()
                    .map(|o| name_or_hex(o.name(), o.0))
                    .collect();
                let types: Vec<String> = r
                    .object_type
                    .iter()
                    .map(|o| name_or_hex(o.name(), o.0))
                    .collect();
                d.set_item("operations", ops)?;
                d.set_item("object_types", types)?;
                d.set_item("vendor_identification", r.vendor_identification)?;
                let info = r.server_information.map(|s| {
                    [s.server_name, s.server_version, s.product_name]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                });
                d.set_item("server_information", info)?;
                Ok(d.into_any().unbind())
            },
        )
    }

    /// Discover Versions: the versions (of `offered`, or all) the server supports, best first.
    #[pyo3(signature = (offered, aio=None))]
    fn discover_versions(
        &self,
        py: Python<'_>,
        offered: Vec<String>,
        aio: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Obj> {
        let c = self.client()?;
        let offered = offered
            .iter()
            .map(|v| convert::version(v))
            .collect::<PyResult<Vec<_>>>()?;
        run(
            py,
            aio.as_ref(),
            async move { c.discover_versions(offered).await },
            |py, v| texts(py, v.into_iter().map(convert::version_text).collect()),
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
