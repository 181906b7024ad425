//! A readable, indented dump of an item tree for debugging and logs.
//!
//! ```text
//! RequestMessage (Structure)
//!   BatchItem (Structure)
//!     Operation (Enumeration) = Create (0x00000001)
//!     UniqueIdentifier (TextString) = "1f165d65-cbbd-4bd6-9867-80e0b390acf9"
//!     CryptographicUsageMask (Integer) = Encrypt|Decrypt (0x0000000C)
//!     KeyMaterial (ByteString) = <32 bytes>
//!     ActivationDate (DateTime) = 2012-04-27T08:12:23+00:00
//!     0x540001 (Integer) = 7
//! ```
//!
//! One line per item, so that nothing in a value can forge another line: text is quoted with
//! Rust escapes. Because a dump may reach a log, Byte Strings and Big Integers (key material)
//! and the Text String of a `Password` show only their length unless
//! [`DumpOptions::show_bytes`] is set.

use std::fmt::{self, Write};

use crate::spec::Tag;

use super::text::{
    Names, SiblingContext, date_time_extended_text, date_time_text, format_enumeration,
    format_integer, hex_lower, hex_number, names_for, tag_text,
};
use super::{Item, Value};

/// What a dump shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DumpOptions {
    /// Show the contents of Byte Strings and Big Integers (hex) and of passwords. Off by
    /// default: they may be secret. Turn on only for local debugging, never for logs.
    pub show_bytes: bool,
}

/// The dump of `item` with default options (no byte contents). The same as `item.to_string()`.
///
/// ```
/// use kmipkit::ttlv::{dump, Item, Value};
/// let item = Item::new(0x540001, Value::ByteString(vec![1, 2, 3].into()));
/// assert_eq!(dump::to_string(&item), "0x540001 (ByteString) = <3 bytes>\n");
/// ```
pub fn to_string(item: &Item<'_>) -> String {
    to_string_with(item, DumpOptions::default())
}

/// The dump of `item` with `options`.
///
/// ```
/// use kmipkit::ttlv::{dump::{self, DumpOptions}, Item, Value};
/// let item = Item::new(0x540001, Value::ByteString(vec![1, 2, 3].into()));
/// let text = dump::to_string_with(&item, DumpOptions { show_bytes: true });
/// assert_eq!(text, "0x540001 (ByteString) = 010203 (3 bytes)\n");
/// ```
pub fn to_string_with(item: &Item<'_>, options: DumpOptions) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_item(&mut out, item, None, options, 0);
    out
}

impl fmt::Display for Item<'_> {
    /// The dump of the item with default options: byte contents are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_item(f, self, None, DumpOptions::default(), 0)
    }
}

fn write_item(
    out: &mut impl Write,
    item: &Item<'_>,
    attribute_name: Option<&str>,
    options: DumpOptions,
    depth: usize,
) -> fmt::Result {
    for _ in 0..depth {
        out.write_str("  ")?;
    }
    write!(out, "{} ({})", tag_text(item.tag), item.item_type())?;
    let Value::Structure(children) = &item.value else {
        out.write_str(" = ")?;
        write_value(out, item, attribute_name, options)?;
        return out.write_char('\n');
    };
    if children.is_empty() {
        return out.write_str(" empty\n");
    }
    out.write_char('\n')?;
    let mut siblings = SiblingContext::default();
    for child in children {
        write_item(out, child, siblings.attribute_name(), options, depth + 1)?;
        siblings.saw(child);
    }
    Ok(())
}

fn write_value(
    out: &mut impl Write,
    item: &Item<'_>,
    attribute_name: Option<&str>,
    options: DumpOptions,
) -> fmt::Result {
    let names = names_for(item.tag, item.item_type(), attribute_name);
    match &item.value {
        Value::Integer(v) => match names {
            Names::Mask(_) => write!(
                out,
                "{} (0x{:08X})",
                format_integer(*v, names, "|"),
                *v as u32
            ),
            _ => write!(out, "{v}"),
        },
        Value::LongInteger(v) => write!(out, "{v}"),
        Value::BigInteger(bytes) if options.show_bytes => {
            write!(out, "{} ({} bytes)", hex_number(bytes), bytes.len())
        }
        Value::ByteString(bytes) if options.show_bytes => {
            write!(out, "{} ({} bytes)", hex_lower(bytes), bytes.len())
        }
        Value::BigInteger(bytes) | Value::ByteString(bytes) => {
            write!(out, "<{} bytes>", bytes.len())
        }
        Value::Enumeration(v) => match format_enumeration(*v, names) {
            name if name.starts_with("0x") => out.write_str(&name),
            name => write!(out, "{name} (0x{v:08X})"),
        },
        Value::Boolean(v) => write!(out, "{v}"),
        Value::TextString(s) if item.tag == Tag::Password && !options.show_bytes => {
            write!(out, "<redacted, {} characters>", s.chars().count())
        }
        Value::TextString(s) => write!(out, "{:?}", s.as_ref()),
        Value::DateTime(secs) => out.write_str(&date_time_text(*secs)),
        Value::Interval(v) => write!(out, "{v} s"),
        Value::DateTimeExtended(micros) => out.write_str(&date_time_extended_text(*micros)),
        Value::Structure(_) => Ok(()),
    }
}
