//! Attributes by name: one read from a name and a plain value, one printed as its name and text.
//! Every front end (the CLI's `key attributes`, Python's keyword attributes) goes through these,
//! so a value is spelled the same way everywhere.

use std::borrow::Cow;

use serde_json::Value as Json;

use super::{Attribute, CustomAttribute, tag_for_name};
use crate::error::{Error, Result, shown};
use crate::message::Name;
use crate::message::codec::{Ctx, tag_name};
use crate::spec::{self, ProtocolVersion, Tag};
use crate::ttlv::{Item, Value, json};

impl Attribute {
    /// An attribute from its name and a plain JSON value, as a person or a binding writes it.
    ///
    /// The name is the tag name (`"CryptographicAlgorithm"`) or the 1.x attribute name
    /// (`"Cryptographic Algorithm"`); names starting with `x-` or `y-` are vendor attributes
    /// whose value is text, a whole number or a boolean. The value is read by
    /// [`json::from_plain`]: enumerations by name, masks as a list of bit names, dates as Unix
    /// seconds or ISO 8601 text, structures as objects by tag name; a `Name` may be plain text.
    ///
    /// ```
    /// use kmipkit::message::Attribute;
    /// use kmipkit::spec::{CryptographicAlgorithm, CryptographicUsageMask as M};
    /// use serde_json::json;
    /// let a = Attribute::from_plain("CryptographicAlgorithm", &json!("AES")).unwrap();
    /// assert_eq!(a, Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES));
    /// let mask = Attribute::from_plain("CryptographicUsageMask", &json!(["Encrypt", "Decrypt"]));
    /// assert_eq!(mask.unwrap(), Attribute::CryptographicUsageMask(M::Encrypt | M::Decrypt));
    /// let err = Attribute::from_plain("CryptoAlgorithm", &json!("AES")).unwrap_err();
    /// assert!(err.to_string().contains("unknown attribute"), "{err}");
    /// ```
    pub fn from_plain(name: &str, value: &Json) -> Result<Attribute> {
        if name.starts_with("x-") || name.starts_with("y-") {
            return vendor(name, value);
        }
        let refuse = |reason: String| Error::Encode {
            what: format!("attribute {}", shown(name)),
            reason,
        };
        let Some(tag) = tag_for_name(name) else {
            return Err(refuse(
                "unknown attribute; use a KMIP attribute's tag name (CryptographicAlgorithm) \
                 or an x- vendor attribute name"
                    .into(),
            ));
        };
        if let (Tag::Name, Json::String(text)) = (tag, value) {
            return Ok(Attribute::Name(Name::text(text.as_str())));
        }
        let item = json::from_plain(tag, value)?;
        let ctx = Ctx::new(ProtocolVersion::V2_0);
        match Attribute::typed(tag, &item, &ctx) {
            Some(typed) => typed,
            None => match spec::attribute_name(tag) {
                // A specification attribute without a typed variant is sent as it is.
                Some(attribute_name) => Ok(Attribute::Custom(CustomAttribute {
                    tag: Some(tag),
                    vendor_identification: None,
                    name: attribute_name.to_string(),
                    value: Some(Item::new(Tag::AttributeValue, item.value)),
                })),
                None => Err(refuse(format!("{tag:?} is not an attribute"))),
            },
        }
    }

    /// The attribute's name as bindings show it: its tag name (`"CryptographicAlgorithm"`), or a
    /// vendor attribute's own name. ([`AttributeEntry::name`](super::AttributeEntry::name) gives
    /// the 1.x name, `"Cryptographic Algorithm"`.)
    ///
    /// ```
    /// use kmipkit::message::{Attribute, CustomAttribute};
    /// assert_eq!(Attribute::CryptographicLength(256).tag_name(), "CryptographicLength");
    /// let vendor = Attribute::Custom(CustomAttribute::text("x-team", "payments"));
    /// assert_eq!(vendor.tag_name(), "x-team");
    /// ```
    pub fn tag_name(&self) -> Cow<'static, str> {
        match self {
            Attribute::Custom(c) => Cow::Owned(c.name.clone()),
            other => match other.tag().name() {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(tag_name(other.tag())),
            },
        }
    }

    /// The value as the plain JSON a binding hands to its language: a `Name` as its text, a
    /// mask as the list of its bit names, a date as Unix seconds, a vendor value as its scalar,
    /// everything else as [`Attribute::value_json`]. [`Attribute::from_plain`] reads it back.
    ///
    /// ```
    /// use kmipkit::message::{Attribute, DateTime, Name};
    /// use kmipkit::spec::CryptographicUsageMask as M;
    /// use serde_json::json;
    /// assert_eq!(Attribute::Name(Name::text("orders")).value_plain(), json!("orders"));
    /// let mask = Attribute::CryptographicUsageMask(M::Encrypt | M::Decrypt);
    /// assert_eq!(mask.value_plain(), json!(["Encrypt", "Decrypt"]));
    /// assert_eq!(Attribute::ActivationDate(DateTime(1_700_000_000)).value_plain(), json!(1_700_000_000));
    /// ```
    pub fn value_plain(&self) -> Json {
        match self {
            Attribute::Name(n) => Json::String(n.name_value.clone()),
            Attribute::CryptographicUsageMask(m) => m
                .names()
                .map(|n| n.map_or_else(|bits| format!("{bits:#x}"), str::to_string))
                .map(Json::String)
                .collect(),
            Attribute::Custom(c) => c.value.as_ref().map_or(Json::Null, json::plain),
            other => match other.date() {
                Some(seconds) => Json::from(seconds),
                None => other.value_json(),
            },
        }
    }

    /// The value as text for a person: names for enumerations, `Encrypt|Decrypt` for masks,
    /// `2024-01-02T03:04:05Z` for dates, `ReplacementObjectLink -> 42` for links, a structure's
    /// fields as JSON.
    ///
    /// ```
    /// use kmipkit::message::{Attribute, DateTime};
    /// use kmipkit::spec::CryptographicAlgorithm;
    /// assert_eq!(Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES).value_text(), "AES");
    /// assert_eq!(Attribute::InitialDate(DateTime(0)).value_text(), "1970-01-01T00:00:00Z");
    /// ```
    pub fn value_text(&self) -> String {
        if let Some(seconds) = self.date() {
            return crate::time::UtcTime::from_unix(seconds).to_string();
        }
        match self {
            Attribute::Name(n) => n.name_value.clone(),
            Attribute::ObjectType(t) => t.to_string(),
            Attribute::CryptographicAlgorithm(a) => a.to_string(),
            Attribute::CryptographicUsageMask(m) => m.to_string(),
            Attribute::State(s) => s.to_string(),
            Attribute::Link(l) => format!("{} -> {}", l.link_type, l.linked_object_identifier),
            other => match other.value_plain() {
                Json::String(text) => text,
                value => value.to_string(),
            },
        }
    }

    /// The Unix seconds of a date attribute.
    fn date(&self) -> Option<i64> {
        match self {
            Attribute::InitialDate(d)
            | Attribute::ActivationDate(d)
            | Attribute::ProcessStartDate(d)
            | Attribute::ProtectStopDate(d)
            | Attribute::DeactivationDate(d)
            | Attribute::DestroyDate(d)
            | Attribute::CompromiseOccurrenceDate(d)
            | Attribute::CompromiseDate(d)
            | Attribute::ArchiveDate(d)
            | Attribute::LastChangeDate(d)
            | Attribute::OriginalCreationDate(d) => Some(d.0),
            _ => None,
        }
    }
}

/// A vendor attribute with a scalar value.
fn vendor(name: &str, value: &Json) -> Result<Attribute> {
    let value = match value {
        Json::String(text) => Value::TextString(text.clone().into()),
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(n) => i32::try_from(n).map_or(Value::LongInteger(n), Value::Integer),
            None => return Err(vendor_refused(name)),
        },
        _ => return Err(vendor_refused(name)),
    };
    let mut attribute = CustomAttribute::text(name, "");
    attribute.value = Some(Item::new(Tag::AttributeValue, value));
    Ok(Attribute::Custom(attribute))
}

fn vendor_refused(name: &str) -> Error {
    Error::Encode {
        what: format!("attribute {}", shown(name)),
        reason: "a vendor attribute's value is text, a whole number or a boolean".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::DateTime;
    use crate::spec::{ObjectType, State};
    use serde_json::json;

    /// What a server returns reads back from its plain value, under its own name.
    #[test]
    fn plain_values_read_back() {
        let attributes = [
            Attribute::Name(Name::text("orders")),
            Attribute::ObjectType(ObjectType::SymmetricKey),
            Attribute::State(State::PreActive),
            Attribute::CryptographicLength(256),
            Attribute::ActivationDate(DateTime(1_700_000_000)),
            Attribute::Sensitive(true),
            Attribute::Comment("kept".into()),
            Attribute::Custom(CustomAttribute::text("x-team", "payments")),
            Attribute::from_plain(
                "ApplicationSpecificInformation",
                &json!({"ApplicationNamespace": "ssl", "ApplicationData": "example"}),
            )
            .unwrap(),
            Attribute::from_plain(
                "Link",
                &json!({"LinkType": "ReplacementObjectLink", "LinkedObjectIdentifier": "42"}),
            )
            .unwrap(),
        ];
        for attribute in attributes {
            let name = attribute.tag_name();
            let back = Attribute::from_plain(&name, &attribute.value_plain());
            assert_eq!(back.as_ref(), Ok(&attribute), "{name}");
        }
    }

    #[test]
    fn names_values_and_refusals() {
        let by_1x_name = Attribute::from_plain("Cryptographic Length", &json!(128)).unwrap();
        assert_eq!(by_1x_name, Attribute::CryptographicLength(128));
        let vendor = Attribute::from_plain("x-count", &json!(7)).unwrap();
        assert_eq!(vendor.value_plain(), json!(7));
        assert_eq!(vendor.value_text(), "7");
        let link = Attribute::from_plain(
            "Link",
            &json!({"LinkType": "ReplacementObjectLink", "LinkedObjectIdentifier": "42"}),
        )
        .unwrap();
        assert_eq!(link.value_text(), "ReplacementObjectLink -> 42");
        for (name, value, expected) in [
            ("NoSuchThing", json!(1), "unknown attribute"),
            ("RequestHeader", json!({}), "not an attribute"),
            (
                "CryptographicAlgorithm",
                json!("AESX"),
                "CryptographicAlgorithm",
            ),
            ("CryptographicLength", json!("long"), "CryptographicLength"),
            ("x-list", json!([1]), "vendor attribute"),
            ("Name", json!(5), "Name"),
        ] {
            let err = Attribute::from_plain(name, &value).unwrap_err().to_string();
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
}
