//! JS values <-> the core's values. KMIP names are spelled as the core spells them everywhere
//! (tag names such as `CryptographicAlgorithm`, enumeration names such as `AES`), and every
//! value is read by the core's own plain-JSON readers (`Attribute::from_plain`), so Node, Python
//! and the CLI accept the same text. No KMIP logic lives here.

use kmipkit::Error;
use kmipkit::keys::SecretBytes;
use kmipkit::message::{Attribute, Attributes, CryptographicParameters};
use kmipkit::spec::{CryptographicUsageMask, ProtocolVersion};
use napi::bindgen_prelude::Buffer;
use serde_json::{Map, Value as Json};

/// Attributes from a plain object (`{ CryptographicAlgorithm: 'AES', Name: 'orders' }`) or, to
/// give one attribute several times, a list of `[name, value]` pairs.
pub fn attributes(value: &Json) -> kmipkit::error::Result<Attributes> {
    let mut out = Attributes::default();
    match value {
        Json::Null => {}
        Json::Object(members) => {
            for (name, value) in members {
                out.push(Attribute::from_plain(name, value)?);
            }
        }
        Json::Array(pairs) => {
            for pair in pairs {
                match pair.as_array().map(Vec::as_slice) {
                    Some([Json::String(name), value]) => {
                        out.push(Attribute::from_plain(name, value)?)
                    }
                    _ => {
                        return Err(refuse(
                            "attributes",
                            "a list of attributes holds [name, value] pairs",
                        ));
                    }
                }
            }
        }
        _ => {
            return Err(refuse(
                "attributes",
                "attributes are an object of name: value, or a list of [name, value] pairs",
            ));
        }
    }
    Ok(out)
}

/// Attributes as a plain object by tag name (values as `Attribute::value_plain` gives them);
/// an attribute the server sent more than once (several `Name`s or `Link`s) holds the list of
/// its values.
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

/// Cryptographic Parameters from a plain object by tag name
/// (`{ BlockCipherMode: 'GCM', TagLength: 16 }`), read as the attribute of that name.
pub fn parameters(value: Option<Json>) -> kmipkit::error::Result<Option<CryptographicParameters>> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    match Attribute::from_plain("CryptographicParameters", &value)? {
        Attribute::CryptographicParameters(p) => Ok(Some(p)),
        _ => Err(refuse(
            "cryptographic parameters",
            "an object of parameters by tag name, e.g. { BlockCipherMode: 'GCM' }",
        )),
    }
}

/// A usage mask from a list of names (`['Encrypt', 'Decrypt']`) or a number, read as the
/// `CryptographicUsageMask` attribute.
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

/// Secret bytes copied into a new Buffer, only for a caller who asked for them; the core's
/// copy is zeroized when `secret` drops here.
pub fn exposed(secret: SecretBytes) -> Buffer {
    Buffer::from(secret.expose().to_vec())
}

/// Bytes for a Buffer.
pub fn buffer(bytes: Option<kmipkit::message::Bytes>) -> Option<Buffer> {
    bytes.map(|mut b| Buffer::from(std::mem::take(&mut b.0)))
}

fn refuse(what: &str, reason: &str) -> Error {
    Error::Encode {
        what: what.to_string(),
        reason: reason.to_string(),
    }
}
