//! Sets of attributes, Cryptographic Parameters and usage masks as the plain JSON a binding's
//! language hands over (a JavaScript object, a Python dict): one reader and one writer, so the
//! Node and WebAssembly packages (and any later front end) accept and show the same shapes.

use serde_json::{Map, Value as Json};

use super::{Attribute, Attributes};
use crate::error::{Error, Result};
use crate::message::CryptographicParameters;
use crate::spec::CryptographicUsageMask;

fn refuse(what: &str, reason: &str) -> Error {
    Error::Encode {
        what: what.to_string(),
        reason: reason.to_string(),
    }
}

impl Attributes {
    /// Attributes from plain JSON: an object of `name: value` (`{"CryptographicAlgorithm":
    /// "AES"}`), or, to give one attribute several times, a list of `[name, value]` pairs;
    /// `null` is none. Each is read by [`Attribute::from_plain`].
    ///
    /// ```
    /// use kmipkit::message::Attributes;
    /// use serde_json::json;
    /// let one = Attributes::from_plain(&json!({"CryptographicLength": 256})).unwrap();
    /// assert_eq!(one.iter().count(), 1);
    /// let two = Attributes::from_plain(&json!([["Name", "a"], ["Name", "b"]])).unwrap();
    /// assert_eq!(two.iter().count(), 2);
    /// assert!(Attributes::from_plain(&json!("AES")).is_err());
    /// ```
    pub fn from_plain(value: &Json) -> Result<Attributes> {
        let shape = "attributes are an object of name: value, or a list of [name, value] pairs";
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
                    let Some([Json::String(name), value]) = pair.as_array().map(Vec::as_slice)
                    else {
                        return Err(refuse("attributes", shape));
                    };
                    out.push(Attribute::from_plain(name, value)?);
                }
            }
            _ => return Err(refuse("attributes", shape)),
        }
        Ok(out)
    }

    /// The attributes as a plain object by tag name, values as [`Attribute::value_plain`] gives
    /// them; an attribute present more than once (several `Name`s or `Link`s) holds the list of
    /// its values.
    ///
    /// ```
    /// use kmipkit::message::{Attribute, Attributes, Name};
    /// use serde_json::json;
    /// let mut set = Attributes::default();
    /// set.push(Attribute::CryptographicLength(256));
    /// set.push(Attribute::Name(Name::text("a")));
    /// set.push(Attribute::Name(Name::text("b")));
    /// assert_eq!(set.to_plain(), json!({"CryptographicLength": 256, "Name": ["a", "b"]}));
    /// ```
    pub fn to_plain(&self) -> Json {
        let mut out = Map::new();
        let mut repeated: Vec<String> = Vec::new();
        for a in self.iter() {
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
}

impl CryptographicParameters {
    /// Cryptographic Parameters from a plain object by tag name (`{"BlockCipherMode": "GCM",
    /// "TagLength": 16}`), read as the attribute of that name.
    ///
    /// ```
    /// use kmipkit::message::CryptographicParameters;
    /// use serde_json::json;
    /// let p = CryptographicParameters::from_plain(&json!({"TagLength": 16})).unwrap();
    /// assert_eq!(p.tag_length, Some(16));
    /// assert!(CryptographicParameters::from_plain(&json!({"TagLen": 16})).is_err());
    /// ```
    pub fn from_plain(value: &Json) -> Result<CryptographicParameters> {
        match Attribute::from_plain("CryptographicParameters", value)? {
            Attribute::CryptographicParameters(p) => Ok(p),
            _ => Err(refuse(
                "cryptographic parameters",
                "an object of parameters by tag name, e.g. { BlockCipherMode: 'GCM' }",
            )),
        }
    }
}

/// A Cryptographic Usage Mask from a list of bit names (`["Encrypt", "Decrypt"]`) or a number.
///
/// ```
/// use kmipkit::message::usage_mask_from_plain;
/// use kmipkit::spec::CryptographicUsageMask as M;
/// use serde_json::json;
/// assert_eq!(usage_mask_from_plain(&json!(["Encrypt", "Decrypt"])).unwrap(), M::Encrypt | M::Decrypt);
/// assert!(usage_mask_from_plain(&json!(["Encrypted"])).is_err());
/// ```
pub fn usage_mask_from_plain(value: &Json) -> Result<CryptographicUsageMask> {
    match Attribute::from_plain("CryptographicUsageMask", value)? {
        Attribute::CryptographicUsageMask(mask) => Ok(mask),
        _ => Err(refuse("usage", "a list of usage mask names or a number")),
    }
}
