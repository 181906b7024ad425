//! The client's KMIP operations, one method per core operation (named as the Node package names
//! them): Query, Discover Versions, Create (AES key), Get, Activate, Revoke, Destroy, Locate,
//! Get Attributes, Get Attribute List, Encrypt and Decrypt. Each converts its arguments first
//! (a bad one rejects before anything is sent), then runs the core's method.

use js_sys::{Array, Promise};
use kmipkit::message::{
    AttributeReference, DecryptRequest, EncryptRequest, GetAttributesRequest, GetRequest,
    LocateRequest, Material, RevokeRequest, ServerInformation,
};
use kmipkit::spec::RevocationReasonCode;
use wasm_bindgen::prelude::*;

use super::client::{OnlineClient, promise};
use super::convert::{self, Out};
use crate::errors::IntoJs;
use crate::json_value;

fn strings(items: impl IntoIterator<Item = String>) -> JsValue {
    items
        .into_iter()
        .map(|s| JsValue::from_str(&s))
        .collect::<Array>()
        .into()
}

fn json(doc: &serde_json::Value) -> kmipkit::error::Result<JsValue> {
    json_value(doc).map_err(|_| convert::refuse("result", "it could not be read back as JSON"))
}

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Query: `{ operations, objectTypes, vendorIdentification?, serverInformation? }`.
    pub fn query(&self) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            let r = c.query_all().await?;
            let out = Out::new();
            out.set(
                "operations",
                Some(strings(r.operation.iter().map(|o| o.to_string()))),
            );
            out.set(
                "objectTypes",
                Some(strings(r.object_type.iter().map(|t| t.to_string()))),
            );
            out.set(
                "vendorIdentification",
                r.vendor_identification.map(|v| v.into()),
            );
            let info = r
                .server_information
                .as_ref()
                .map(ServerInformation::summary);
            out.set("serverInformation", info.map(|v| v.into()));
            Ok(out.0.into())
        })
    }

    /// Discover Versions: those of `offered` (all when empty) the server supports.
    #[wasm_bindgen(js_name = discoverVersions)]
    pub fn discover_versions(&self, offered: Vec<String>) -> Result<Promise, JsValue> {
        let offered: Vec<_> = offered
            .iter()
            .map(|v| convert::version(v))
            .collect::<Result<_, _>>()
            .js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let versions = c.discover_versions(offered).await?;
            Ok(strings(versions.iter().map(ToString::to_string)))
        }))
    }

    /// Create: a pre-active AES key of `bits` named `name`, for `usage` (mask names or a
    /// number; Encrypt and Decrypt when undefined). Its unique identifier.
    #[wasm_bindgen(js_name = createAesKey)]
    pub fn create_aes_key(
        &self,
        name: String,
        bits: i32,
        usage: JsValue,
    ) -> Result<Promise, JsValue> {
        let usage = convert::json_of(&usage).js()?;
        let usage = match usage.is_null() {
            true => None,
            false => Some(kmipkit::message::usage_mask_from_plain(&usage).js()?),
        };
        let c = self.inner.clone();
        Ok(promise(async move {
            let id = match usage {
                None => c.create_aes_key(&name, bits).await?,
                Some(usage) => c.create_aes_key_with_usage(&name, bits, usage).await?,
            };
            Ok(id.into())
        }))
    }

    /// Get: the object `id`; its key bytes (`material`) only when `include_material` is true;
    /// with `wrapping_key`, the key block wrapped by that key (AES Key Wrap) instead of plain.
    pub fn get(&self, id: String, include_material: bool, wrapping_key: Option<String>) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            let r = match wrapping_key {
                Some(k) => c.get_wrapped(&id, &k).await?,
                None => c.get(GetRequest::new(Some(id))).await?,
            };
            let block = r.object.key_block();
            let out = Out::new();
            out.set("uniqueIdentifier", Some(r.unique_identifier.clone().into()));
            out.set("objectType", Some(r.object_type.to_string().into()));
            out.set(
                "keyFormatType",
                block.map(|b| b.key_format_type.to_string().into()),
            );
            let algorithm = block.and_then(|b| b.cryptographic_algorithm);
            out.set(
                "cryptographicAlgorithm",
                algorithm.map(|a| a.to_string().into()),
            );
            let length = block.and_then(|b| b.cryptographic_length);
            out.set("cryptographicLength", length.map(JsValue::from));
            out.set("wrapped", block.map(|b| b.is_wrapped().into()));
            match r.object.material() {
                Some(Material::Certificate(bytes)) => {
                    out.bytes("certificate", Some(bytes));
                }
                // Copied out only when asked; the core's copy is zeroized when it drops here.
                Some(Material::Secret(secret)) if include_material => {
                    out.bytes("material", Some(secret.expose()));
                }
                _ => {}
            }
            Ok(out.0.into())
        })
    }

    /// Activate: makes a pre-active object usable.
    pub fn activate(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move { c.activate(&id).await.map(|()| JsValue::UNDEFINED) })
    }

    /// Revoke for `reason` (a Revocation Reason Code name) with an optional message and, for
    /// the compromise reasons, when the compromise happened (seconds since the Unix epoch).
    pub fn revoke(
        &self,
        id: String,
        reason: String,
        message: Option<String>,
        compromise_date: Option<f64>,
    ) -> Result<Promise, JsValue> {
        // A JavaScript number: whole seconds within what KMIP's Date-Time (an i64) holds.
        let compromise_date = match compromise_date {
            Some(d) if d.fract() != 0.0 || !(0.0..=9.0e15).contains(&d) => {
                return Err(convert::refuse(
                    "compromiseDate",
                    "must be whole seconds since the Unix epoch (a Date's getTime() / 1000)",
                ))
                .js();
            }
            Some(d) => Some(kmipkit::message::DateTime(d as i64)),
            None => None,
        };
        let code = RevocationReasonCode::from_name(&reason)
            .ok_or_else(|| {
                convert::refuse(
                    "revocation reason",
                    &format!("unknown reason {reason:?}; use a Revocation Reason Code name such as CessationOfOperation or KeyCompromise"),
                )
            })
            .js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let mut request = RevokeRequest::new(Some(id), code);
            request.revocation_reason.revocation_message = message;
            request.compromise_occurrence_date = compromise_date;
            c.revoke(request).await.map(|_| JsValue::UNDEFINED)
        }))
    }

    /// Destroy: erases an object's key material (revoke an active key first).
    pub fn destroy(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move { c.destroy(&id).await.map(|()| JsValue::UNDEFINED) })
    }

    /// Locate: identifiers of the objects matching `attributes` (an object or pairs).
    pub fn locate(
        &self,
        attributes: JsValue,
        max_items: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Promise, JsValue> {
        let attributes =
            kmipkit::message::Attributes::from_plain(&convert::json_of(&attributes).js()?).js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let mut request = LocateRequest::new(attributes);
            request.maximum_items = max_items;
            request.offset_items = offset;
            Ok(strings(c.locate(request).await?.unique_identifier))
        }))
    }

    /// The identifiers of the objects named `name`.
    #[wasm_bindgen(js_name = locateByName)]
    pub fn locate_by_name(&self, name: String) -> Promise {
        let c = self.inner.clone();
        promise(async move { Ok(strings(c.locate_by_name(&name).await?)) })
    }

    /// Get Attributes: `names` (all when empty) of `id`, as an object by tag name.
    #[wasm_bindgen(js_name = getAttributes)]
    pub fn get_attributes(&self, id: String, names: Vec<String>) -> Promise {
        let c = self.inner.clone();
        let references = names
            .iter()
            .map(|n| AttributeReference::from_name(n))
            .collect();
        promise(async move {
            let request = GetAttributesRequest::new(Some(id), references);
            let r = c.get_attributes(request).await?;
            json(&r.attributes.to_plain())
        })
    }

    /// Get Attribute List: the names of the attributes `id` has.
    #[wasm_bindgen(js_name = getAttributeList)]
    pub fn get_attribute_list(&self, id: String) -> Promise {
        let c = self.inner.clone();
        promise(async move {
            let names = c.get_attribute_list(&id).await?;
            Ok(strings(names.iter().map(|r| r.name())))
        })
    }

    /// Encrypt on the server with key `id`: `{ data, iv?, tag? }`.
    pub fn encrypt(
        &self,
        id: String,
        data: Vec<u8>,
        parameters: JsValue,
        iv: Option<Vec<u8>>,
        aad: Option<Vec<u8>>,
    ) -> Result<Promise, JsValue> {
        let parameters = convert::parameters(&convert::json_of(&parameters).js()?).js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let mut request = EncryptRequest::new(Some(id), data);
            request.cryptographic_parameters = parameters;
            request.iv_counter_nonce = iv.map(Into::into);
            request.authenticated_encryption_additional_data = aad.map(Into::into);
            let r = c.encrypt(request).await?;
            let out = Out::new();
            out.bytes("data", Some(r.data.as_ref().map_or(&[][..], |d| &d.0)));
            out.bytes("iv", r.iv_counter_nonce.as_ref().map(|b| &b.0[..]));
            out.bytes(
                "tag",
                r.authenticated_encryption_tag.as_ref().map(|b| &b.0[..]),
            );
            Ok(out.0.into())
        }))
    }

    /// Decrypt on the server with key `id`: the plaintext.
    #[allow(clippy::too_many_arguments)]
    pub fn decrypt(
        &self,
        id: String,
        data: Vec<u8>,
        parameters: JsValue,
        iv: Option<Vec<u8>>,
        aad: Option<Vec<u8>>,
        tag: Option<Vec<u8>>,
    ) -> Result<Promise, JsValue> {
        let parameters = convert::parameters(&convert::json_of(&parameters).js()?).js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let mut request = DecryptRequest::new(Some(id), data);
            request.cryptographic_parameters = parameters;
            request.iv_counter_nonce = iv.map(Into::into);
            request.authenticated_encryption_additional_data = aad.map(Into::into);
            request.authenticated_encryption_tag = tag.map(Into::into);
            let mut r = c.decrypt(request).await?;
            let plain = r
                .data
                .as_mut()
                .map(|d| std::mem::take(&mut d.0))
                .unwrap_or_default();
            let plain = zeroize::Zeroizing::new(plain);
            Ok(js_sys::Uint8Array::from(&plain[..]).into())
        }))
    }
}
