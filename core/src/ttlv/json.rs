//! The KMIP JSON encoding (OASIS "KMIP Additional Message Encodings", JSON profile) of the item
//! tree.
//!
//! ```json
//! {"tag": "RequestMessage", "value": [
//!   {"tag": "RequestHeader", "value": [
//!     {"tag": "ProtocolVersion", "value": [
//!       {"tag": "ProtocolVersionMajor", "type": "Integer", "value": 1},
//!       {"tag": "ProtocolVersionMinor", "type": "Integer", "value": 4}
//!     ]},
//!     {"tag": "BatchCount", "type": "Integer", "value": 1}
//!   ]}
//! ]}
//! ```
//!
//! Each item is an object with `tag` (the tag name, or `0x` and six hex digits for a tag the
//! spec table does not know), `type` (left out for a Structure) and `value`:
//! - Structure: an array of items;
//! - Integer: a number; a mask is a string of bit names joined by `|`, unnamed bits as `0x` and
//!   eight hex digits (`"Encrypt|Decrypt"`);
//! - Long Integer: a number when its magnitude is below 2^52 (exact in every JSON reader), else a
//!   string of `0x` and 16 hex digits (the two's-complement bit pattern);
//! - Big Integer: a string of `0x` and the item's bytes in hex, exactly as many as it holds;
//! - Enumeration: its name (same rules as [`super::xml`]), else `0x` and 8 hex digits;
//! - Boolean: `true` / `false`; Text String: a string;
//! - Byte String: lowercase hex without prefix;
//! - Date-Time: ISO 8601 in UTC, `"2012-04-27T08:12:23+00:00"`; Date-Time Extended: the same
//!   with six fraction digits; outside years 0000–9999, `0x` and 16 hex digits;
//! - Interval: a number.
//!
//! Reading also accepts hex strings for every number type, numbers for Enumeration, Big
//! Integer and date-times, and names or hex for masks. Any tree written by [`to_string`] reads
//! back identical. Placeholders (`"$NOW"`) work as in XML, through a [`Placeholders`] table.

use serde_json::Value as Json;

pub use super::plain::from_plain;

use crate::error::{Error, Result};

use super::text::{
    self, Names, SiblingContext, date_time_extended_text, date_time_text, format_enumeration,
    format_integer, hex_lower, hex_number, names_for, parse_tag, parse_type, parse_value_text,
    tag_text,
};
use super::{Item, ItemType, Limits, Placeholders, Value};

/// Largest magnitude written as a JSON number for a Long Integer.
const MAX_JSON_INTEGER: i64 = 1 << 52;

/// Reads one item from KMIP JSON, with the default [`Limits`].
///
/// ```
/// use kmipkit::ttlv::{json, Placeholders, Value};
/// let mut table = Placeholders::new();
/// let item = json::from_str(
///     r#"{"tag": "ProtocolVersion", "value": [
///          {"tag": "ProtocolVersionMajor", "type": "Integer", "value": 1},
///          {"tag": "ProtocolVersionMinor", "type": "Integer", "value": 4}]}"#,
///     &mut table,
/// ).unwrap();
/// assert_eq!(item.children()[1].value, Value::Integer(4));
/// assert_eq!(json::from_str(&json::to_string(&item, &table), &mut table).unwrap(), item);
/// ```
pub fn from_str(text: &str, placeholders: &mut Placeholders) -> Result<Item<'static>> {
    from_str_with(text, placeholders, &Limits::default())
}

/// [`from_str`] with explicit limits.
pub fn from_str_with(
    text: &str,
    placeholders: &mut Placeholders,
    limits: &Limits,
) -> Result<Item<'static>> {
    if text.len() > limits.max_message_size {
        return Err(Error::LimitExceeded {
            what: "message size",
            limit: limits.max_message_size,
            found: text.len(),
        });
    }
    // serde_json refuses nesting deeper than 128 before we see the tree.
    let json: Json = serde_json::from_str(text).map_err(|e| {
        text::syntax(
            "JSON",
            format!("line {}, column {}", e.line(), e.column()),
            e.to_string(),
        )
    })?;
    let mut reader = JsonReader {
        placeholders,
        limits,
        items: 0,
        path: Vec::new(),
    };
    reader.item(&json, None)
}

/// Writes `item` as indented JSON: one structure member a line, each non-structure item on one
/// line, two spaces a level, ending in a newline.
pub fn to_string(item: &Item<'_>, placeholders: &Placeholders) -> String {
    let mut out = String::new();
    write_item(&mut out, item, None, placeholders, Some(0), Numbers::Named);
    out.push('\n');
    out
}

/// Writes `item` as JSON without any whitespace.
pub fn to_string_compact(item: &Item<'_>, placeholders: &Placeholders) -> String {
    let mut out = String::new();
    write_item(&mut out, item, None, placeholders, None, Numbers::Named);
    out
}

/// Writes `item` as compact JSON for a peer to read rather than a person: masks as JSON numbers
/// and enumerations as `0x` and 8 hex digits, the forms every reader of the KMIP JSON encoding
/// accepts (some servers know only their own spelling of the names, and no bit names).
/// [`from_str`] reads it back identical.
///
/// ```
/// use kmipkit::spec::Tag;
/// use kmipkit::ttlv::{Item, Value, json};
/// let item = Item::structure(Tag::Attributes, vec![
///     Item::new(Tag::CryptographicAlgorithm, Value::Enumeration(3)),
///     Item::new(Tag::CryptographicUsageMask, Value::Integer(12)),
/// ]);
/// let text = json::to_string_numeric(&item);
/// assert!(text.contains(r#""value":"0x00000003""#) && text.contains(r#""value":12"#));
/// ```
pub fn to_string_numeric(item: &Item<'_>) -> String {
    // Sized so that it never grows: a request may carry key material, and a String that grows
    // leaves the old buffer behind unwiped. The worst item (an empty Text String with a long
    // tag name) is under 12x its 8 TTLV bytes; key bytes themselves are 2x (hex).
    let mut out = String::with_capacity(item.encoded_len().saturating_mul(12) + 64);
    let none = Placeholders::new();
    write_item(&mut out, item, None, &none, None, Numbers::Numeric);
    out
}

/// How [`write_item`] writes masks and enumerations.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbers {
    /// By their names (`"Encrypt|Decrypt"`, `"AES"`), for people.
    Named,
    /// As a number and as hex, for peers.
    Numeric,
}

/// `item`'s value as plain JSON, for reports and bindings rather than for exchange (the KMIP
/// JSON encoding of [`to_string`] keeps tags and types so that it reads back): a structure is an
/// object keyed by its children's tag names (a repeated tag gives an array, in order), integers,
/// intervals and long integers below 2^52 are numbers, enumerations and masks their names (as in
/// [`to_string`]), booleans booleans, text text, date-times ISO 8601 text, byte strings and big
/// integers hex.
///
/// ```
/// use kmipkit::spec::Tag;
/// use kmipkit::ttlv::{Item, Value, json};
/// let info = Item::structure(Tag::ApplicationSpecificInformation, vec![
///     Item::new(Tag::ApplicationNamespace, Value::TextString("ssl".into())),
///     Item::new(Tag::ApplicationData, Value::TextString("www.example.com".into())),
/// ]);
/// assert_eq!(json::plain(&info),
///     serde_json::json!({"ApplicationNamespace": "ssl", "ApplicationData": "www.example.com"}));
/// assert_eq!(json::plain(&Item::new(Tag::CryptographicLength, Value::Integer(256))), 256);
/// ```
pub fn plain(item: &Item<'_>) -> Json {
    plain_value(item, None)
}

fn plain_value(item: &Item<'_>, attribute_name: Option<&str>) -> Json {
    let names = names_for(item.tag, item.item_type(), attribute_name);
    match &item.value {
        Value::Structure(children) => {
            let mut object = serde_json::Map::new();
            let mut siblings = SiblingContext::default();
            for child in children.iter() {
                let value = plain_value(child, siblings.attribute_name());
                siblings.saw(child);
                match object.entry(tag_text(child.tag)) {
                    serde_json::map::Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                    // No plain value is an array, so an array here holds earlier repeats.
                    serde_json::map::Entry::Occupied(mut slot) => match slot.get_mut() {
                        Json::Array(list) => list.push(value),
                        first => *first = Json::Array(vec![first.take(), value]),
                    },
                }
            }
            Json::Object(object)
        }
        Value::Integer(v) => match names {
            Names::Mask(_) => Json::String(format_integer(*v, names, "|")),
            _ => Json::from(*v),
        },
        Value::LongInteger(v) if v.unsigned_abs() < MAX_JSON_INTEGER as u64 => Json::from(*v),
        Value::LongInteger(v) => Json::String(format!("0x{:016X}", *v as u64)),
        Value::BigInteger(bytes) => Json::String(hex_number(bytes)),
        Value::Enumeration(v) => Json::String(format_enumeration(*v, names)),
        Value::Boolean(v) => Json::Bool(*v),
        Value::TextString(s) => Json::String(s.to_string()),
        Value::ByteString(bytes) => Json::String(hex_lower(bytes)),
        Value::DateTime(secs) => Json::String(date_time_text(*secs)),
        Value::Interval(v) => Json::from(*v),
        Value::DateTimeExtended(micros) => Json::String(date_time_extended_text(*micros)),
    }
}

/// `indent`: the nesting level when pretty-printing, `None` for compact output.
fn write_item(
    out: &mut String,
    item: &Item<'_>,
    attribute_name: Option<&str>,
    placeholders: &Placeholders,
    indent: Option<usize>,
    numbers: Numbers,
) {
    let space = if indent.is_some() { " " } else { "" };
    out.push_str("{\"tag\":");
    out.push_str(space);
    push_string(out, &tag_text(item.tag));
    if let Value::Structure(children) = &item.value {
        out.push(',');
        out.push_str(space);
        out.push_str("\"value\":");
        out.push_str(space);
        out.push('[');
        let mut siblings = SiblingContext::default();
        for (i, child) in children.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Some(level) = indent {
                newline(out, level + 1);
            }
            write_item(
                out,
                child,
                siblings.attribute_name(),
                placeholders,
                indent.map(|l| l + 1),
                numbers,
            );
            siblings.saw(child);
        }
        if let (Some(level), false) = (indent, children.is_empty()) {
            newline(out, level);
        }
        out.push_str("]}");
        return;
    }
    out.push(',');
    out.push_str(space);
    out.push_str("\"type\":");
    out.push_str(space);
    push_string(out, item.item_type().name());
    out.push(',');
    out.push_str(space);
    out.push_str("\"value\":");
    out.push_str(space);
    write_value(out, item, attribute_name, placeholders, numbers);
    out.push('}');
}

fn write_value(
    out: &mut String,
    item: &Item<'_>,
    attribute_name: Option<&str>,
    placeholders: &Placeholders,
    numbers: Numbers,
) {
    if let Some(name) = placeholders.name_of(&item.value) {
        push_string(out, name);
        return;
    }
    let names = names_for(item.tag, item.item_type(), attribute_name);
    match &item.value {
        Value::Integer(v) => match names {
            Names::Mask(_) if numbers == Numbers::Named => {
                push_string(out, &format_integer(*v, names, "|"));
            }
            _ => out.push_str(&v.to_string()),
        },
        Value::Enumeration(v) if numbers == Numbers::Numeric => {
            push_string(out, &format!("0x{v:08X}"));
        }
        Value::LongInteger(v) if v.unsigned_abs() < MAX_JSON_INTEGER as u64 => {
            out.push_str(&v.to_string());
        }
        Value::LongInteger(v) => push_string(out, &format!("0x{:016X}", *v as u64)),
        Value::BigInteger(bytes) => push_string(out, &hex_number(bytes)),
        Value::Enumeration(v) => push_string(out, &format_enumeration(*v, names)),
        Value::Boolean(v) => out.push_str(if *v { "true" } else { "false" }),
        Value::TextString(s) => push_string(out, s),
        Value::ByteString(bytes) => push_string(out, &hex_lower(bytes)),
        Value::DateTime(secs) => push_string(out, &date_time_text(*secs)),
        Value::Interval(v) => out.push_str(&v.to_string()),
        Value::DateTimeExtended(micros) => push_string(out, &date_time_extended_text(*micros)),
        Value::Structure(_) => out.push_str("[]"),
    }
}

fn newline(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Writes `text` as a JSON string literal.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct JsonReader<'p> {
    placeholders: &'p mut Placeholders,
    limits: &'p Limits,
    items: usize,
    /// Tags from the root to the item being read, for error locations.
    path: Vec<String>,
}

impl JsonReader<'_> {
    fn item(&mut self, json: &Json, attribute_name: Option<&str>) -> Result<Item<'static>> {
        let depth = self.path.len() + 1;
        if depth > self.limits.max_depth {
            return Err(Error::LimitExceeded {
                what: "nesting depth",
                limit: self.limits.max_depth,
                found: depth,
            });
        }
        self.items += 1;
        if self.items > self.limits.max_items {
            return Err(Error::LimitExceeded {
                what: "item count",
                limit: self.limits.max_items,
                found: self.items,
            });
        }
        let Json::Object(object) = json else {
            return Err(self.error("expected an object with \"tag\", \"type\" and \"value\""));
        };
        let tag = match object.get("tag") {
            Some(Json::String(tag)) => {
                self.path.push(tag.clone());
                parse_tag(tag).map_err(|r| self.error(r))?
            }
            Some(_) => return Err(self.error("\"tag\" must be a string")),
            None => return Err(self.error("missing \"tag\"")),
        };
        let ty = match object.get("type") {
            Some(Json::String(ty)) => parse_type(ty).map_err(|r| self.error(r))?,
            Some(_) => return Err(self.error("\"type\" must be a string")),
            None => ItemType::Structure,
        };
        let Some(value) = object.get("value") else {
            return Err(self.error(format!("missing \"value\" for a {ty}")));
        };
        let item = if ty == ItemType::Structure {
            let Json::Array(members) = value else {
                return Err(self.error("the value of a Structure must be an array of items"));
            };
            let mut children = Vec::with_capacity(members.len());
            let mut siblings = SiblingContext::default();
            for member in members {
                let child = self.item(member, siblings.attribute_name())?;
                siblings.saw(&child);
                children.push(child);
            }
            Item::structure(tag, children)
        } else {
            let names = names_for(tag, ty, attribute_name);
            Item::new(tag, self.value(ty, value, names)?)
        };
        self.path.pop();
        Ok(item)
    }

    fn value(&mut self, ty: ItemType, json: &Json, names: Names) -> Result<Value<'static>> {
        let mismatch = |what: &str| format!("the value of a {ty} cannot be {what}");
        match json {
            Json::String(s) => {
                parse_value_text(ty, s, names, self.placeholders).map_err(|r| self.error(r))
            }
            Json::Bool(b) if ty == ItemType::Boolean => Ok(Value::Boolean(*b)),
            Json::Number(n) => {
                let Some(v) = n
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| n.as_u64().map(i128::from))
                else {
                    return Err(self.error(format!("{n} is not a whole number")));
                };
                let out_of_range = || self.error(format!("{n} is out of range for a {ty}"));
                Ok(match ty {
                    ItemType::Integer => {
                        Value::Integer(i32::try_from(v).map_err(|_| out_of_range())?)
                    }
                    ItemType::LongInteger => {
                        Value::LongInteger(i64::try_from(v).map_err(|_| out_of_range())?)
                    }
                    ItemType::Enumeration => {
                        Value::Enumeration(u32::try_from(v).map_err(|_| out_of_range())?)
                    }
                    ItemType::Interval => {
                        Value::Interval(u32::try_from(v).map_err(|_| out_of_range())?)
                    }
                    ItemType::DateTime => {
                        Value::DateTime(i64::try_from(v).map_err(|_| out_of_range())?)
                    }
                    ItemType::DateTimeExtended => {
                        Value::DateTimeExtended(i64::try_from(v).map_err(|_| out_of_range())?)
                    }
                    ItemType::BigInteger => {
                        let v = i64::try_from(v).map_err(|_| out_of_range())?;
                        Value::BigInteger(v.to_be_bytes().to_vec().into())
                    }
                    _ => return Err(self.error(mismatch("a number"))),
                })
            }
            Json::Bool(_) => Err(self.error(mismatch("true or false"))),
            Json::Null => Err(self.error(mismatch("null"))),
            Json::Array(_) => Err(self.error(mismatch("an array"))),
            Json::Object(_) => Err(self.error(mismatch("an object"))),
        }
    }

    fn error(&self, reason: impl Into<String>) -> Error {
        let location = if self.path.is_empty() {
            "the root".to_owned()
        } else {
            self.path.join("/")
        };
        text::syntax("JSON", location, reason)
    }
}
