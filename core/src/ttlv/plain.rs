//! Plain JSON back into an item: the inverse of [`super::json::plain`], for values a person or a
//! binding writes without tags and types (`"AES"`, `256`, `["Encrypt", "Decrypt"]`,
//! `{"BlockCipherMode": "GCM"}`). The item type of each value comes from its tag in the
//! specification table.

use serde_json::Value as Json;

use crate::error::{Error, Result, shown};
use crate::spec::{ProtocolVersion, Tag};

use super::text::{Names, Placeholders, names_for, parse_integer, parse_tag, parse_value_text};
use super::{Item, ItemType, Value};

/// Nesting a plain value may have: KMIP attributes nest three or four structures deep.
const MAX_DEPTH: usize = 16;

/// Reads `value` as the plain JSON of an item tagged `tag` (see [`super::json::plain`]): the
/// item type comes from the tag (as in KMIP 2.0), enumerations and masks are read by name or
/// number, a mask also from a list of bit names, date-times from ISO 8601 text or Unix seconds,
/// byte strings from hex, a structure from an object keyed by tag names (a list gives repeated
/// children).
///
/// ```
/// use kmipkit::spec::Tag;
/// use kmipkit::ttlv::{Value, json};
/// let mask = json::from_plain(Tag::CryptographicUsageMask, &serde_json::json!(["Encrypt", "Decrypt"]));
/// assert_eq!(mask.unwrap().value, Value::Integer(0x0C));
/// let params = json::from_plain(Tag::CryptographicParameters,
///     &serde_json::json!({"BlockCipherMode": "GCM", "TagLength": 16})).unwrap();
/// assert_eq!(json::plain(&params), serde_json::json!({"BlockCipherMode": "GCM", "TagLength": 16}));
/// let err = json::from_plain(Tag::CryptographicAlgorithm, &serde_json::json!("AESX")).unwrap_err();
/// assert!(err.to_string().contains("CryptographicAlgorithm"), "{err}");
/// ```
pub fn from_plain(tag: Tag, value: &Json) -> Result<Item<'static>> {
    let mut path = Vec::new();
    item(tag, value, &mut path)
}

fn item(tag: Tag, value: &Json, path: &mut Vec<Tag>) -> Result<Item<'static>> {
    path.push(tag);
    let result = match path.len() > MAX_DEPTH {
        true => Err(fail(path, format!("nested deeper than {MAX_DEPTH} levels"))),
        false => match item_type(tag, value) {
            Some(ty) => typed_value(tag, ty, value, path),
            None => Err(fail(
                path,
                format!(
                    "the type of {tag:?} is not known (a vendor tag, or a value of none of its \
                     types); write it in the KMIP JSON encoding instead"
                ),
            )),
        },
    };
    path.pop();
    Ok(Item::new(tag, result?))
}

/// The item type of `tag` in KMIP 2.0; when it has several (`LinkedObjectIdentifier`: text, or
/// an enumeration or integer placeholder), the one `value` is written as.
fn item_type(tag: Tag, value: &Json) -> Option<ItemType> {
    let info = tag.info()?;
    if let Some(ty) = info.item_type_in(ProtocolVersion::V2_0) {
        return Some(ty);
    }
    let preferred: &[ItemType] = match value {
        Json::String(_) => &[ItemType::TextString, ItemType::ByteString],
        Json::Number(_) => &[
            ItemType::Integer,
            ItemType::Enumeration,
            ItemType::LongInteger,
        ],
        Json::Bool(_) => &[ItemType::Boolean],
        Json::Object(_) => &[ItemType::Structure],
        Json::Array(_) | Json::Null => &[],
    };
    preferred.iter().copied().find(|&ty| {
        info.typed
            .iter()
            .any(|&(t, range)| t == ty && range.contains(ProtocolVersion::V2_0))
    })
}

/// A problem with the item at `path`.
fn fail(path: &[Tag], reason: String) -> Error {
    Error::Encode {
        what: path_text(path),
        reason,
    }
}

/// The value of an item of type `ty`.
fn typed_value(
    tag: Tag,
    ty: ItemType,
    value: &Json,
    path: &mut Vec<Tag>,
) -> Result<Value<'static>> {
    let names = names_for(tag, ty, None);
    match (ty, value) {
        (ItemType::Structure, Json::Object(members)) => {
            let mut children = Vec::new();
            for (name, member) in members {
                let child = parse_tag(name).map_err(|r| fail(path, r))?;
                let repeated = match member {
                    Json::Array(list) if !is_mask(child) => list.iter().collect(),
                    _ => vec![member],
                };
                for one in repeated {
                    children.push(item(child, one, path)?);
                }
            }
            Ok(Value::Structure(children))
        }
        _ => scalar(ty, value, names).map_err(|r| fail(path, r)),
    }
}

/// A value of any type but Structure.
fn scalar(ty: ItemType, value: &Json, names: Names) -> std::result::Result<Value<'static>, String> {
    match (ty, value) {
        (ItemType::Structure, _) => Err(format!(
            "expected an object of its fields by tag name, found {}",
            kind(value)
        )),
        (ItemType::TextString, Json::String(text)) => Ok(Value::TextString(text.clone().into())),
        (ItemType::Integer, Json::Array(bits)) if matches!(names, Names::Mask(_)) => {
            let mut mask = 0i32;
            for bit in bits {
                mask |= match bit {
                    Json::String(name) => parse_integer(name, names)?,
                    Json::Number(n) => number(n, ty)?,
                    other => return Err(format!("a mask bit is a name, found {}", kind(other))),
                };
            }
            Ok(Value::Integer(mask))
        }
        (_, Json::String(text)) if ty != ItemType::TextString => {
            // `$NAME` means a test-case placeholder in the KMIP text encodings, never here.
            if text.trim_start().starts_with('$') {
                return Err(format!("`{}` is not a {ty}", shown(text)));
            }
            parse_value_text(ty, text, names, &mut Placeholders::new())
        }
        (ItemType::Boolean, Json::Bool(b)) => Ok(Value::Boolean(*b)),
        (_, Json::Number(n)) if ty != ItemType::TextString && ty != ItemType::Boolean => {
            number(n, ty)
        }
        _ => Err(format!("expected {}, found {}", expected(ty), kind(value))),
    }
}

/// A JSON number as a value of type `ty` (date-times: Unix seconds).
fn number<T: FromNumber>(n: &serde_json::Number, ty: ItemType) -> std::result::Result<T, String> {
    let out_of_range = || format!("{n} is not {} (out of range or not whole)", expected(ty));
    let whole = n.as_i64().ok_or_else(out_of_range)?;
    T::from_number(whole, ty).ok_or_else(out_of_range)
}

trait FromNumber: Sized {
    fn from_number(n: i64, ty: ItemType) -> Option<Self>;
}

impl FromNumber for i32 {
    fn from_number(n: i64, _: ItemType) -> Option<Self> {
        i32::try_from(n).ok()
    }
}

impl FromNumber for Value<'static> {
    fn from_number(n: i64, ty: ItemType) -> Option<Self> {
        Some(match ty {
            ItemType::Integer => Value::Integer(i32::try_from(n).ok()?),
            ItemType::LongInteger => Value::LongInteger(n),
            ItemType::Enumeration => Value::Enumeration(u32::try_from(n).ok()?),
            ItemType::Interval => Value::Interval(u32::try_from(n).ok()?),
            ItemType::DateTime => Value::DateTime(n),
            ItemType::DateTimeExtended => Value::DateTimeExtended(n.checked_mul(1_000_000)?),
            _ => return None,
        })
    }
}

fn is_mask(tag: Tag) -> bool {
    matches!(names_for(tag, ItemType::Integer, None), Names::Mask(_))
}

fn expected(ty: ItemType) -> &'static str {
    match ty {
        ItemType::Structure => "an object",
        ItemType::Integer | ItemType::LongInteger | ItemType::Interval => "a whole number",
        ItemType::BigInteger => "hex text",
        ItemType::Enumeration => "a name or a number",
        ItemType::Boolean => "true or false",
        ItemType::TextString => "text",
        ItemType::ByteString => "hex text",
        ItemType::DateTime | ItemType::DateTimeExtended => {
            "an ISO 8601 date-time or a number of seconds since 1970"
        }
    }
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn path_text(path: &[Tag]) -> String {
    path.iter()
        .map(|t| format!("{t:?}"))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttlv::json::plain;
    use serde_json::json;

    #[test]
    fn plain_values_read_back() {
        for (tag, value) in [
            (Tag::CryptographicAlgorithm, json!("AES")),
            (Tag::CryptographicLength, json!(256)),
            (Tag::CryptographicUsageMask, json!("Encrypt|Decrypt")),
            (Tag::ActivationDate, json!("2024-01-02T03:04:05+00:00")),
            (Tag::Sensitive, json!(true)),
            (Tag::ObjectGroup, json!("payroll")),
            (
                Tag::ApplicationSpecificInformation,
                json!({"ApplicationNamespace": "ssl", "ApplicationData": "example"}),
            ),
            (
                Tag::Link,
                json!({"LinkType": "ReplacementObjectLink", "LinkedObjectIdentifier": "42"}),
            ),
        ] {
            let item = from_plain(tag, &value).unwrap_or_else(|e| panic!("{tag:?}: {e}"));
            assert_eq!(plain(&item), value, "{tag:?}");
        }
    }

    #[test]
    fn numbers_lists_and_dates() {
        let date = from_plain(Tag::ActivationDate, &json!(1_700_000_000)).unwrap();
        assert_eq!(date.value, Value::DateTime(1_700_000_000));
        let mask = from_plain(Tag::CryptographicUsageMask, &json!(["Encrypt", 8])).unwrap();
        assert_eq!(mask.value, Value::Integer(0x0C));
        let algorithm = from_plain(Tag::CryptographicAlgorithm, &json!(3)).unwrap();
        assert_eq!(algorithm.value, Value::Enumeration(3));
    }

    #[test]
    fn bad_values_name_the_path_and_never_panic() {
        let cases = [
            (
                Tag::CryptographicLength,
                json!("long"),
                "CryptographicLength",
            ),
            (Tag::CryptographicLength, json!(1.5), "not whole"),
            (Tag::CryptographicLength, json!(1_i64 << 40), "out of range"),
            (
                Tag::CryptographicAlgorithm,
                json!("$NOW"),
                "not a Enumeration",
            ),
            (Tag::Sensitive, json!("maybe"), "Boolean"),
            (Tag::Link, json!("x"), "expected an object"),
            (
                Tag::Link,
                json!({"LinkType": "NoSuchLink"}),
                "Link/LinkType",
            ),
            (Tag::Link, json!({"NoSuchTag": 1}), "unknown tag name"),
            (Tag::ObjectGroup, json!(null), "found null"),
            (Tag(0x540001), json!("x"), "vendor tag"),
            (
                Tag::Link,
                json!({"LinkedObjectIdentifier": [true]}),
                "Link/LinkedObjectIdentifier",
            ),
        ];
        for (tag, value, expected) in cases {
            let err = from_plain(tag, &value).unwrap_err().to_string();
            assert!(err.contains(expected), "{tag:?} {value}: {err}");
        }
        let mut deep = json!("x");
        for _ in 0..100 {
            deep = json!({ "CryptographicParameters": deep });
        }
        let err = from_plain(Tag::CryptographicParameters, &deep).unwrap_err();
        assert!(err.to_string().contains("deeper than"), "{err}");
    }
}
