//! Register and changing an object's attributes (Add, Modify, Set — KMIP 2.0 — and Delete
//! Attribute), named as the Node package names them. Values are read by the core's
//! `Attribute::from_plain`, as Locate reads them; Register's defaults (key block per object
//! type) are the core's `register_material`. Arguments are converted before anything is sent.

use js_sys::Promise;
use kmipkit::message::{
    AddAttributeRequest, Attribute, AttributeEntry, AttributeReference, DeleteAttributeRequest,
    ModifyAttributeRequest, SetAttributeRequest,
};
use kmipkit::spec::{CryptographicAlgorithm, ObjectType};
use wasm_bindgen::prelude::*;

use super::client::{OnlineClient, promise};
use super::convert;
use crate::errors::IntoJs;

fn attribute(name: &str, value: &JsValue) -> Result<Attribute, JsValue> {
    Attribute::from_plain(name, &convert::json_of(value).js()?).js()
}

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Register: stores `material` as an object of `object_type` (`"SymmetricKey"`,
    /// `"SecretData"`, `"OpaqueObject"`, ...) with `attributes`; `algorithm` (a Cryptographic
    /// Algorithm name) for keys, AES when absent. Its unique identifier.
    pub fn register(
        &self,
        object_type: String,
        material: Vec<u8>,
        attributes: JsValue,
        algorithm: Option<String>,
    ) -> Result<Promise, JsValue> {
        let t = ObjectType::from_name(&object_type)
            .ok_or_else(|| {
                convert::refuse("object type", &format!("unknown object type {object_type:?}; use a KMIP Object Type name such as SymmetricKey or SecretData"))
            })
            .js()?;
        let algorithm = match algorithm {
            None => None,
            Some(a) => Some(
                CryptographicAlgorithm::from_name(&a)
                    .ok_or_else(|| {
                        convert::refuse("algorithm", &format!("unknown algorithm {a:?}; use a Cryptographic Algorithm name such as AES or HMAC_SHA256"))
                    })
                    .js()?,
            ),
        };
        let attributes =
            kmipkit::message::Attributes::from_plain(&convert::json_of(&attributes).js()?).js()?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let id = c
                .register_material(t, material, algorithm, attributes)
                .await?;
            Ok(id.into())
        }))
    }

    /// Add Attribute: gives `id` the attribute `name` with `value`.
    #[wasm_bindgen(js_name = addAttribute)]
    pub fn add_attribute(
        &self,
        id: String,
        name: String,
        value: JsValue,
    ) -> Result<Promise, JsValue> {
        let attribute = attribute(&name, &value)?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let request = AddAttributeRequest::new(Some(id), attribute);
            c.add_attribute(request).await.map(|_| JsValue::UNDEFINED)
        }))
    }

    /// Modify Attribute: sets `name` of `id` to `value`; with `current`, the value replaced.
    #[wasm_bindgen(js_name = modifyAttribute)]
    pub fn modify_attribute(
        &self,
        id: String,
        name: String,
        value: JsValue,
        current: JsValue,
    ) -> Result<Promise, JsValue> {
        let attribute = attribute(&name, &value)?;
        let current = match current.is_undefined() || current.is_null() {
            true => None,
            false => Some(AttributeEntry::from(self::attribute(&name, &current)?)),
        };
        let c = self.inner.clone();
        Ok(promise(async move {
            let mut request = ModifyAttributeRequest::new(Some(id), attribute);
            request.current_attribute = current;
            c.modify_attribute(request)
                .await
                .map(|_| JsValue::UNDEFINED)
        }))
    }

    /// Set Attribute (KMIP 2.0): sets `name` of `id` to `value`, adding it when absent.
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(
        &self,
        id: String,
        name: String,
        value: JsValue,
    ) -> Result<Promise, JsValue> {
        let attribute = attribute(&name, &value)?;
        let c = self.inner.clone();
        Ok(promise(async move {
            let request = SetAttributeRequest::new(Some(id), attribute);
            c.set_attribute(request).await.map(|_| JsValue::UNDEFINED)
        }))
    }

    /// Delete Attribute: removes the attribute `name` from `id`.
    #[wasm_bindgen(js_name = deleteAttribute)]
    pub fn delete_attribute(&self, id: String, name: String) -> Promise {
        let reference = AttributeReference::by_name(&name);
        let c = self.inner.clone();
        promise(async move {
            let request = DeleteAttributeRequest::new(Some(id), reference);
            c.delete_attribute(request)
                .await
                .map(|_| JsValue::UNDEFINED)
        })
    }
}
