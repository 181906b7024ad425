//! Names of tags, item types, enumeration values and mask bits in the text encodings.

use crate::spec::{self, EnumInfo, Tag};
use crate::ttlv::{Item, ItemType, Value};

use super::{number_error, parse_hex_u64, parse_i32, parse_u32, strip_hex_prefix};

/// The name of a tag in the XML and JSON encodings: its spec name, or `0x` and six hex digits.
pub(crate) fn tag_text(tag: Tag) -> String {
    match tag.name() {
        Some(name) => name.to_owned(),
        None => format!("0x{:06X}", tag.0),
    }
}

/// Reads a tag written by name or as `0x` hex (at most three bytes).
pub(crate) fn parse_tag(text: &str) -> Result<Tag, String> {
    if let Some(digits) = strip_hex_prefix(text) {
        return match parse_hex_u64(digits, 6) {
            Some(v) => Ok(Tag(v as u32)),
            None => Err(format!(
                "`{text}` is not a tag: expected 0x and 1 to 6 hex digits"
            )),
        };
    }
    Tag::from_name(text).ok_or_else(|| {
        format!(
            "unknown tag name `{text}` (write tags the table does not know as 0x and hex digits)"
        )
    })
}

/// Reads an item type name (`TextString`, `Integer`, ...).
pub(crate) fn parse_type(text: &str) -> Result<ItemType, String> {
    ItemType::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = ItemType::ALL.iter().map(|t| t.name()).collect();
        format!(
            "unknown type name `{text}`; expected one of {}",
            names.join(", ")
        )
    })
}

/// How the value of one item is written as text.
#[derive(Clone, Copy)]
pub(crate) enum Names {
    /// No names: numbers.
    Plain,
    /// Enumeration values named by this enumeration.
    Enumeration(&'static EnumInfo),
    /// Integer bits named by this mask.
    Mask(&'static EnumInfo),
    /// Enumeration values that are tags (2.x `AttributeReference`).
    Tags,
}

/// Which names apply to an item of `tag` and type `ty`, whose preceding sibling
/// `AttributeName` (if any) said `attribute_name`.
pub(crate) fn names_for(tag: Tag, ty: ItemType, attribute_name: Option<&str>) -> Names {
    if !matches!(ty, ItemType::Enumeration | ItemType::Integer) {
        return Names::Plain;
    }
    let described = if tag == Tag::AttributeValue {
        match attribute_name.and_then(spec::attribute_tag) {
            Some(attribute) => attribute,
            None => return Names::Plain,
        }
    } else if tag == Tag::AttributeReference && ty == ItemType::Enumeration {
        return Names::Tags;
    } else {
        tag
    };
    let Some(info) = described.info() else {
        return Names::Plain;
    };
    match ty {
        ItemType::Enumeration => info.enumeration.map_or(Names::Plain, Names::Enumeration),
        _ => info.mask.map_or(Names::Plain, Names::Mask),
    }
}

/// Tracks the sibling `AttributeName` while walking a structure's children in order.
#[derive(Default)]
pub(crate) struct SiblingContext {
    attribute_name: Option<String>,
}

impl SiblingContext {
    /// The attribute name in force for the next sibling.
    pub(crate) fn attribute_name(&self) -> Option<&str> {
        self.attribute_name.as_deref()
    }

    /// Records a child once it has been read or written.
    pub(crate) fn saw(&mut self, item: &Item<'_>) {
        if item.tag == Tag::AttributeName {
            self.attribute_name = match &item.value {
                Value::TextString(s) => Some(s.to_string()),
                _ => None,
            };
        }
    }
}

/// Writes an enumeration value: its name, or `0x` and eight hex digits.
pub(crate) fn format_enumeration(value: u32, names: Names) -> String {
    let name = match names {
        Names::Enumeration(info) => info.name_of(value),
        Names::Tags => Tag(value).name(),
        Names::Plain | Names::Mask(_) => None,
    };
    match name {
        Some(name) => name.to_owned(),
        None => format!("0x{value:08X}"),
    }
}

/// Reads an enumeration value: a name for the tag, `0x` hex, or a decimal number.
/// The value of `info` whose name equals `text` once underscores are left out of both, if
/// exactly one does.
fn loosely(info: &EnumInfo, text: &str) -> Option<u32> {
    let bare = |name: &str| name.chars().filter(|&c| c != '_').collect::<String>();
    let wanted = bare(text);
    let mut found = info.values.iter().filter(|v| bare(v.name) == wanted);
    let first = found.next()?;
    found.all(|v| v.value == first.value).then_some(first.value)
}

pub(crate) fn parse_enumeration(text: &str, names: Names) -> Result<u32, String> {
    let text = text.trim();
    let named = match names {
        // Servers differ in where they put underscores ("Item_Not_Found", "PKCS11"): a name
        // that matches none exactly may match one letter for letter without them.
        Names::Enumeration(info) => info.value_of(text).or_else(|| loosely(info, text)),
        Names::Tags => Tag::from_name(text).map(|t| t.0),
        Names::Plain | Names::Mask(_) => None,
    };
    if let Some(value) = named {
        return Ok(value);
    }
    if let Some(value) = parse_u32(text) {
        return Ok(value);
    }
    if text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return Err(number_error(
            text,
            ItemType::Enumeration,
            8,
            "0 to 4294967295",
        ));
    }
    Err(match names {
        Names::Enumeration(info) => format!(
            "`{text}` is not a value of enumeration {} (nor 0x and up to 8 hex digits)",
            info.name
        ),
        Names::Tags => format!("`{text}` is not a tag name (nor 0x and up to 8 hex digits)"),
        _ => format!(
            "`{text}` is not an enumeration value: this item has no named values, use 0x and up to 8 hex digits"
        ),
    })
}

/// Writes an Integer: decimal, or for a mask the names of its bits joined by `separator`.
pub(crate) fn format_integer(value: i32, names: Names, separator: &str) -> String {
    let Names::Mask(info) = names else {
        return value.to_string();
    };
    let mut rest = value as u32;
    let mut out = String::new();
    for bit in (0..32).map(|i| 1u32 << i) {
        if rest & bit == 0 {
            continue;
        }
        if let Some(name) = info.name_of(bit) {
            if !out.is_empty() {
                out.push_str(separator);
            }
            out.push_str(name);
            rest &= !bit;
        }
    }
    if rest != 0 {
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(&format!("0x{rest:08X}"));
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}

/// Reads an Integer: decimal or `0x` hex; for a mask also bit names separated by spaces or `|`.
pub(crate) fn parse_integer(text: &str, names: Names) -> Result<i32, String> {
    let text = text.trim();
    if let Some(value) = parse_i32(text) {
        return Ok(value);
    }
    let Names::Mask(info) = names else {
        return Err(number_error(
            text,
            ItemType::Integer,
            8,
            "-2147483648 to 2147483647",
        ));
    };
    let mut bits = 0u32;
    let mut any = false;
    for token in text
        .split(|c: char| c == '|' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        any = true;
        bits |= match info.value_of(token) {
            Some(v) => v,
            None => parse_i32(token).map(|v| v as u32).ok_or_else(|| {
                format!(
                    "`{token}` is not a name of mask {} (nor a number)",
                    info.name
                )
            })?,
        };
    }
    if !any {
        return Err(format!("empty value for mask {}", info.name));
    }
    Ok(bits as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tags_and_types() {
        assert_eq!(tag_text(Tag(0x540001)), "0x540001");
        assert_eq!(parse_tag("0x540001").unwrap(), Tag(0x540001));
        assert!(parse_tag("0x1000000").is_err());
        assert!(
            parse_tag("NoSuchTag")
                .unwrap_err()
                .contains("unknown tag name")
        );
        assert!(
            parse_type("Float")
                .unwrap_err()
                .contains("unknown type name")
        );
    }
}
