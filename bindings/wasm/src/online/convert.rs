//! JavaScript values <-> the core's KMIP values, as the Node package converts them: tag and
//! enumeration names as the core spells them, every value read by the core's own plain-JSON
//! readers (`Attribute::from_plain`), so the CLI, Python, Node and this package accept the same
//! text. No KMIP logic lives here.

use js_sys::{Object, Reflect, Uint8Array};
use kmipkit::Error;
use kmipkit::message::{Attribute, Attributes, CryptographicParameters};
use kmipkit::spec::{CryptographicUsageMask, ProtocolVersion};
use serde_json::{Map, Value as Json};
use wasm_bindgen::JsValue;

/// A JavaScript value as JSON (`undefined` and `null` as `Null`).
pub fn json_of(value: &JsValue) -> kmipkit::error::Result<Json> {
    if value.is_undefined() || value.is_null() {
        return Ok(Json::Null);
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| refuse("value", "it cannot be written as JSON"))?;
    serde_json::from_str(&text).map_err(|e| refuse("value", &e.to_string()))
}

/// Attributes from a plain object (`{ CryptographicAlgorithm: 'AES' }`) or, to give one
/// attribute several times, a list of `[name, value]` pairs.
pub fn attributes(value: &Json) -> kmipkit::error::Result<Attributes> {
    let mut out = Attributes::default();
    let shape = "attributes are an object of name: value, or a list of [name, value] pairs";
    match value {
        Json::Null => {}
        Json::Object(members) => {
            for (name, value) in members {
                out.push(Attribute::from_plain(name, value)?);
            }
        }
        Json::Array(pairs) => {
            for pair in pairs {
                let Some([Json::String(name), value]) = pair.as_array().map(Vec::as_slice) else {
                    return Err(refuse("attributes", shape));
                };
                out.push(Attribute::from_plain(name, value)?);
            }
        }
        _ => return Err(refuse("attributes", shape)),
    }
    Ok(out)
}

/// Attributes as a plain object by tag name; an attribute the server sent more than once
/// (several `Name`s or `Link`s) holds the list of its values.
pub fn attributes_out(attributes: &Attributes) -> Json {
    let mut out = Map::new();
    let mut repeated: Vec<String> = Vec::new();
    for a in attributes.iter() {
        let name = a.tag_name().into_owned();
        let value = a.value_plain();
        match out.get_mut(&name) {
            None => {
                out.insert(name, value);
            }
            Some(existing) => {
                if !repeated.contains(&name) {
                    *existing = Json::Array(vec![existing.take()]);
                    repeated.push(name);
                }
                if let Json::Array(list) = existing {
                    list.push(value);
                }
            }
        }
    }
    Json::Object(out)
}

/// Cryptographic Parameters from a plain object by tag name (`{ BlockCipherMode: 'GCM' }`).
pub fn parameters(value: &Json) -> kmipkit::error::Result<Option<CryptographicParameters>> {
    if value.is_null() {
        return Ok(None);
    }
    match Attribute::from_plain("CryptographicParameters", value)? {
        Attribute::CryptographicParameters(p) => Ok(Some(p)),
        _ => Err(refuse(
            "cryptographic parameters",
            "an object of parameters by tag name, e.g. { BlockCipherMode: 'GCM' }",
        )),
    }
}

/// A usage mask from a list of names (`['Encrypt', 'Decrypt']`) or a number.
pub fn usage_mask(value: &Json) -> kmipkit::error::Result<CryptographicUsageMask> {
    match Attribute::from_plain("CryptographicUsageMask", value)? {
        Attribute::CryptographicUsageMask(mask) => Ok(mask),
        _ => Err(refuse("usage", "a list of usage mask names or a number")),
    }
}

/// A protocol version from `"1.4"`.
pub fn version(text: &str) -> kmipkit::error::Result<ProtocolVersion> {
    text.parse()
        .map_err(|e| refuse("protocol version", &format!("{text:?}: {e}")))
}

/// A plain object under construction, for results with byte fields.
pub struct Out(pub Object);

impl Out {
    /// An empty object.
    pub fn new() -> Self {
        Self(Object::new())
    }

    /// Sets `key` (skipped when `value` is `None`).
    pub fn set(&self, key: &str, value: Option<JsValue>) -> &Self {
        if let Some(value) = value {
            // Setting a data property on a fresh plain object cannot fail.
            let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value);
        }
        self
    }

    /// Sets `key` to a new Uint8Array copy of `bytes`, when present.
    pub fn bytes(&self, key: &str, bytes: Option<&[u8]>) -> &Self {
        self.set(key, bytes.map(|b| Uint8Array::from(b).into()))
    }
}

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

/// The error for an argument the core's readers cannot use.
pub fn refuse(what: &str, reason: &str) -> Error {
    Error::Encode {
        what: what.to_string(),
        reason: reason.to_string(),
    }
}
