//! Cryptography on the server with keys that never leave it: Encrypt, Decrypt, Sign, Signature
//! Verify, MAC, MAC Verify, Hash, and its random numbers (RNG Retrieve, RNG Seed).

use std::collections::HashMap;

use kmipkit::message::*;
use kmipkit::spec::*;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::results::*;
use super::{NativeClient, Obj};
use crate::convert::enum_value;
use crate::runtime::run;

/// Cryptographic Parameters from a dict: `block_cipher_mode`, `padding_method`,
/// `hashing_algorithm`, `digital_signature_algorithm`, `cryptographic_algorithm` (names),
/// `random_iv` (bool), `iv_length`, `tag_length` (int).
pub(super) fn params(
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

#[pymethods]
impl NativeClient {
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
            |py, r| valid(py, r.validity_indicator),
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
            |py, r| valid(py, r.validity_indicator),
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
}

/// A Validity Indicator as a Python bool: `True` only for `Valid`.
fn valid(py: Python<'_>, v: ValidityIndicator) -> PyResult<Obj> {
    Ok(pyo3::types::PyBool::new(py, v == ValidityIndicator::Valid)
        .to_owned()
        .into_any()
        .unbind())
}
