//! Key pairs and server-side signatures and MACs, named as the Node package names them: Create
//! Key Pair, Sign, Signature Verify and MAC. Conversions only: the core's methods do the work.

use js_sys::{Promise, Uint8Array};
use kmipkit::message::{
    Bytes, CreateKeyPairRequest, DerivationParameters, DeriveKeyRequest, MACRequest, SignRequest,
    SignatureVerifyRequest,
};
use kmipkit::spec::{DerivationMethod, ObjectType, ValidityIndicator};
use wasm_bindgen::prelude::*;

use super::client::{OnlineClient, promise};
use super::convert::{self, Out};
use crate::errors::IntoJs;

fn parameters(
    value: &JsValue,
) -> Result<Option<kmipkit::message::CryptographicParameters>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    convert::parameters(&convert::json_of(value).js()?).js()
}

fn attributes(value: &JsValue) -> Result<kmipkit::message::Attributes, JsValue> {
    kmipkit::message::Attributes::from_plain(&convert::json_of(value).js()?).js()
}

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Create Key Pair: `common` attributes for both keys, then each key's own; the pair's
    /// identifiers as `{ privateKeyId, publicKeyId }`.
    #[wasm_bindgen(js_name = createKeyPair)]
    pub fn create_key_pair(
        &self,
        common: JsValue,
        private_key: JsValue,
        public_key: JsValue,
    ) -> Result<Promise, JsValue> {
        let request = CreateKeyPairRequest::new(
            attributes(&common)?,
            attributes(&private_key)?,
            attributes(&public_key)?,
        );
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c.create_key_pair(request).await?;
            let out = Out::new();
            out.set("privateKeyId", Some(r.private_key_unique_identifier.into()));
            out.set("publicKeyId", Some(r.public_key_unique_identifier.into()));
            Ok(out.0.into())
        }))
    }

    /// Sign: the signature of `data` with the private key `id`.
    pub fn sign(&self, id: String, data: Vec<u8>, params: JsValue) -> Result<Promise, JsValue> {
        let mut request = SignRequest::new(Some(id), data);
        request.cryptographic_parameters = parameters(&params)?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c.sign(request).await?;
            Ok(Uint8Array::from(r.signature_data.as_ref().map_or(&[][..], |b| &b.0[..])).into())
        }))
    }

    /// Signature Verify: whether `signature` over `data` is valid for the public key `id`.
    #[wasm_bindgen(js_name = signatureVerify)]
    pub fn signature_verify(
        &self,
        id: String,
        data: Vec<u8>,
        signature: Vec<u8>,
        params: JsValue,
    ) -> Result<Promise, JsValue> {
        let mut request = SignatureVerifyRequest::new(Some(id), data, signature);
        request.cryptographic_parameters = parameters(&params)?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c.signature_verify(request).await?;
            Ok((r.validity_indicator == ValidityIndicator::Valid).into())
        }))
    }

    /// MAC of `data` with the key `id`.
    pub fn mac(&self, id: String, data: Vec<u8>, params: JsValue) -> Result<Promise, JsValue> {
        let mut request = MACRequest::new(Some(id), data);
        request.cryptographic_parameters = parameters(&params)?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let r = c.mac(request).await?;
            Ok(Uint8Array::from(r.mac_data.as_ref().map_or(&[][..], |b| &b.0[..])).into())
        }))
    }
}

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Derive Key: a new symmetric key from the `base` objects by `method` (a Derivation Method
    /// name: `"PBKDF2"`, `"HMAC"`, ...) with `data` as derivation data; its unique identifier.
    #[wasm_bindgen(js_name = deriveKey)]
    #[allow(clippy::too_many_arguments)] // wasm-bindgen methods take their arguments flat
    pub fn derive_key(
        &self,
        base: Vec<String>,
        method: String,
        data: Vec<u8>,
        attributes: JsValue,
        params: JsValue,
        salt: Option<Vec<u8>>,
        iterations: Option<i32>,
    ) -> Result<Promise, JsValue> {
        let method = DerivationMethod::from_name(&method)
            .ok_or_else(|| {
                convert::refuse(
                    "derivation method",
                    &format!("unknown method {method:?}; use a Derivation Method name such as PBKDF2 or HMAC"),
                )
            })
            .js()?;
        let mut derivation = DerivationParameters::with_data(data);
        derivation.cryptographic_parameters = parameters(&params)?;
        derivation.salt = salt.map(Bytes);
        derivation.iteration_count = iterations;
        let request = DeriveKeyRequest::new(
            ObjectType::SymmetricKey,
            base,
            method,
            derivation,
            self::attributes(&attributes)?,
        );
        let c = self.inner.clone();
        Ok(promise(async move {
            Ok(c.derive_key(request).await?.unique_identifier.into())
        }))
    }
}
