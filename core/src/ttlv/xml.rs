//! The KMIP XML encoding (OASIS "KMIP Additional Message Encodings", XML profile) of the item tree,
//! as the OASIS test cases write it.
//!
//! ```xml
//! <RequestMessage>
//!   <RequestHeader>
//!     <ProtocolVersion>
//!       <ProtocolVersionMajor type="Integer" value="1"/>
//!       <ProtocolVersionMinor type="Integer" value="4"/>
//!     </ProtocolVersion>
//!     <BatchCount type="Integer" value="1"/>
//!   </RequestHeader>
//!   <BatchItem>
//!     <Operation type="Enumeration" value="Query"/>
//!     <UniqueBatchItemID type="ByteString" value="01"/>
//!   </BatchItem>
//! </RequestMessage>
//! ```
//!
//! Each item is one element named after its tag. Structures have no `type` attribute; every
//! other item has `type` (the item type name) and `value`. A tag the spec table does not know
//! (vendor extensions 0x54xxxx included) is written `<TTLV tag="0x540001" type=".." value=".."/>`;
//! reading also accepts a `tag="0x42...."` (or tag name) attribute on any element.
//!
//! Values, as written (reading accepts the alternatives in parentheses):
//! - Integer: decimal (or `0x` hex); masks (a tag with a mask in [`crate::spec`], or an
//!   `AttributeValue` of a mask attribute) as bit names separated by spaces, unnamed bits as one
//!   `0x` and eight hex digits (`Encrypt Decrypt 0x00100000`), written in bit order, so
//!   `Decrypt Encrypt` reads as, and is written back as, `Encrypt Decrypt`;
//! - Long Integer, Interval: decimal (or `0x` hex);
//! - Big Integer: `0x` and the big-endian two's-complement bytes in hex, exactly as many bytes as
//!   the item holds (or bare hex digits);
//! - Enumeration: the name from the tag's enumeration in [`crate::spec`] — for a KMIP 1.x
//!   `AttributeValue`, the enumeration of the attribute its preceding sibling `AttributeName`
//!   names; for a KMIP 2.x `AttributeReference`, a tag name — else `0x` and 8 hex digits
//!   (or decimal);
//! - Boolean: `true` / `false` (or `1` / `0`, or `0x` hex of 0 or 1);
//! - Text String: the text; `<`, `&`, `"`, `>`, tab, newline, carriage return and other control
//!   characters are escaped (U+0000 cannot be carried by XML at all);
//! - Byte String: lowercase hex without prefix, as the test vectors write it (or uppercase);
//! - Date-Time: ISO 8601 in UTC, `2012-04-27T08:12:23+00:00` (any zone, `Z`, or `0x` hex); a
//!   date outside years 0000–9999 is written as `0x` and 16 hex digits;
//! - Date-Time Extended: the same with six fraction digits, `2012-04-27T08:12:23.000001+00:00`.
//!
//! Test-case placeholders such as `$NOW` or `$UNIQUE_IDENTIFIER_0` are read into concrete values
//! recorded in a [`Placeholders`] table and written back from it; see that type for the values.
//!
//! Reading skips comments, the XML declaration, processing instructions and text between
//! messages (the `# TIME n` lines of the KMIP 1.1 test cases). Text inside an item is an error.
//! Nesting depth and item count are bounded by [`Limits`].

mod read;

use crate::error::Result;

use super::text::{
    self, SiblingContext, date_time_extended_text, date_time_text, format_enumeration,
    format_integer, hex_lower, hex_number, names_for,
};
use super::{Item, Limits, Placeholders, Value};

/// Reads one item (usually a `RequestMessage` or `ResponseMessage`) from an XML document whose
/// root element is that item, with the default [`Limits`].
///
/// ```
/// use kmipkit::ttlv::{xml, Placeholders, Value};
/// let mut table = Placeholders::new();
/// let item = xml::from_str(
///     r#"<ProtocolVersion>
///          <ProtocolVersionMajor type="Integer" value="1"/>
///          <ProtocolVersionMinor type="Integer" value="4"/>
///        </ProtocolVersion>"#,
///     &mut table,
/// ).unwrap();
/// assert_eq!(item.children()[1].value, Value::Integer(4));
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
    let mut items = read::read(text, placeholders, limits)?;
    match items.len() {
        1 => Ok(items.remove(0)),
        0 => Err(text::syntax(
            "XML",
            "end of document",
            "no KMIP item element found",
        )),
        n => Err(text::syntax(
            "XML",
            "document",
            format!("expected one item element, found {n}; use messages_from_str for a test case"),
        )),
    }
}

/// Reads every message of a test-case file: each element directly inside the `<KMIP>` root,
/// or the root element itself when it is not `<KMIP>`, with the default [`Limits`].
pub fn messages_from_str(
    text: &str,
    placeholders: &mut Placeholders,
) -> Result<Vec<Item<'static>>> {
    messages_from_str_with(text, placeholders, &Limits::default())
}

/// [`messages_from_str`] with explicit limits (applied to each message, the text length to the
/// whole document).
pub fn messages_from_str_with(
    text: &str,
    placeholders: &mut Placeholders,
    limits: &Limits,
) -> Result<Vec<Item<'static>>> {
    let items = read::read(text, placeholders, limits)?;
    if items.is_empty() {
        return Err(text::syntax(
            "XML",
            "end of document",
            "no KMIP message element found",
        ));
    }
    Ok(items)
}

/// Writes `item` as indented XML (two spaces a level, one element a line, ending in a newline).
///
/// Values recorded in `placeholders` are written as their placeholder names.
pub fn to_string(item: &Item<'_>, placeholders: &Placeholders) -> String {
    let mut out = String::new();
    write_item(&mut out, item, None, placeholders, 0);
    out
}

/// Writes `messages` as one test-case document: `<KMIP>`, the messages, `</KMIP>`.
pub fn messages_to_string(messages: &[Item<'_>], placeholders: &Placeholders) -> String {
    let mut out = String::from("<KMIP>\n");
    for message in messages {
        write_item(&mut out, message, None, placeholders, 1);
    }
    out.push_str("</KMIP>\n");
    out
}

fn write_item(
    out: &mut String,
    item: &Item<'_>,
    attribute_name: Option<&str>,
    placeholders: &Placeholders,
    depth: usize,
) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    let name = item.tag.name();
    out.push('<');
    out.push_str(name.unwrap_or("TTLV"));
    if name.is_none() {
        out.push_str(&format!(" tag=\"0x{:06X}\"", item.tag.0));
    }
    let Value::Structure(children) = &item.value else {
        out.push_str(" type=\"");
        out.push_str(item.item_type().name());
        out.push_str("\" value=\"");
        escape_into(out, &value_text(item, attribute_name, placeholders));
        out.push_str("\"/>\n");
        return;
    };
    if children.is_empty() {
        out.push_str("></");
    } else {
        out.push_str(">\n");
        let mut siblings = SiblingContext::default();
        for child in children {
            write_item(
                out,
                child,
                siblings.attribute_name(),
                placeholders,
                depth + 1,
            );
            siblings.saw(child);
        }
        for _ in 0..depth {
            out.push_str("  ");
        }
        out.push_str("</");
    }
    out.push_str(name.unwrap_or("TTLV"));
    out.push_str(">\n");
}

/// The `value` attribute of a non-structure item, before escaping.
fn value_text(
    item: &Item<'_>,
    attribute_name: Option<&str>,
    placeholders: &Placeholders,
) -> String {
    if let Some(name) = placeholders.name_of(&item.value) {
        return name.to_owned();
    }
    let names = names_for(item.tag, item.item_type(), attribute_name);
    match &item.value {
        Value::Integer(v) => format_integer(*v, names, " "),
        Value::LongInteger(v) => v.to_string(),
        Value::BigInteger(bytes) => hex_number(bytes),
        Value::Enumeration(v) => format_enumeration(*v, names),
        Value::Boolean(v) => v.to_string(),
        Value::TextString(s) => s.to_string(),
        Value::ByteString(bytes) => hex_lower(bytes),
        Value::DateTime(secs) => date_time_text(*secs),
        Value::Interval(v) => v.to_string(),
        Value::DateTimeExtended(micros) => date_time_extended_text(*micros),
        Value::Structure(_) => String::new(),
    }
}

/// Escapes text for a double-quoted attribute value. Whitespace other than the space is written
/// as character references so that attribute-value normalization cannot change it.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if u32::from(c) < 0x20 || c == '\u{7F}' => {
                out.push_str(&format!("&#x{:X};", u32::from(c)));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"c'\n\t\r\u{1}é");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c'&#xA;&#x9;&#xD;&#x1;é");
    }
}
