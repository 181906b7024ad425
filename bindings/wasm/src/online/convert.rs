//! JavaScript values <-> the core's KMIP values, as the Node package converts them: tag and
//! enumeration names as the core spells them, every value read by the core's own plain-JSON
//! readers (`Attribute::from_plain`), so the CLI, Python, Node and this package accept the same
//! text. No KMIP logic lives here.

use js_sys::{Object, Reflect, Uint8Array};
use kmipkit::Error;
use kmipkit::message::CryptographicParameters;
use kmipkit::spec::ProtocolVersion;
use serde_json::Value as Json;
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

/// Cryptographic Parameters from a plain object by tag name (`{ BlockCipherMode: 'GCM' }`);
/// none for `undefined` or `null`.
pub fn parameters(value: &Json) -> kmipkit::error::Result<Option<CryptographicParameters>> {
    match value {
        Json::Null => Ok(None),
        v => CryptographicParameters::from_plain(v).map(Some),
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
