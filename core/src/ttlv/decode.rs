//! Binary TTLV decoding, zero-copy and bounded.
//!
//! The decoder trusts nothing it reads: every length is checked against the bytes actually
//! present before anything is allocated, nesting and item counts are capped by [`Limits`],
//! and every failure names the byte offset and what was wrong.

use std::borrow::Cow;

use super::ItemType;
use super::encode::padded;
use super::item::{Item, Value};
use super::limits::Limits;
use crate::error::{Error, Result};
use crate::spec::Tag;

impl Item<'static> {
    /// Decodes one whole TTLV message into an owned tree.
    ///
    /// The input must hold exactly one item (a KMIP message); trailing bytes are an error.
    ///
    /// ```
    /// use kmipkit::ttlv::{Item, Limits, Value};
    /// let bytes = [0x42, 0x00, 0x20, 0x06, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1];
    /// let item = Item::from_bytes(&bytes, &Limits::default()).unwrap();
    /// assert_eq!(item.value, Value::Boolean(true));
    /// ```
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Item<'static>> {
        Item::decode(bytes, limits).map(Item::into_owned)
    }
}

impl<'a> Item<'a> {
    /// Decodes one whole TTLV message, borrowing text and byte strings from `bytes`.
    ///
    /// ```
    /// use kmipkit::ttlv::{Item, Limits, Value};
    /// let bytes = [0x42, 0x00, 0x20, 0x08, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0];
    /// let item = Item::decode(&bytes, &Limits::default()).unwrap();
    /// assert!(matches!(item.value, Value::ByteString(std::borrow::Cow::Borrowed(b)) if b == [1, 2, 3]));
    /// ```
    pub fn decode(bytes: &'a [u8], limits: &Limits) -> Result<Item<'a>> {
        if bytes.len() > limits.max_message_size {
            return Err(Error::LimitExceeded {
                what: "message size",
                limit: limits.max_message_size,
                found: bytes.len(),
            });
        }
        let mut decoder = Decoder {
            bytes,
            limits,
            items: 0,
        };
        let (item, end) = decoder.item(0, 1)?;
        if end != bytes.len() {
            return Err(Error::decode(
                end,
                format!(
                    "{} unexpected bytes after the end of the message",
                    bytes.len() - end
                ),
            ));
        }
        Ok(item)
    }
}

/// Total size of the message whose first 8 bytes are `header`, for framing a byte stream.
///
/// Transports read 8 bytes, call this, then read the rest; the limit is checked before the
/// caller allocates anything.
///
/// ```
/// use kmipkit::ttlv::{message_len, Limits};
/// let header = [0x42, 0x00, 0x7B, 0x01, 0x00, 0x00, 0x00, 0x20];
/// assert_eq!(message_len(&header, &Limits::default()).unwrap(), 40);
/// ```
pub fn message_len(header: &[u8; 8], limits: &Limits) -> Result<usize> {
    if header[3] != ItemType::Structure as u8 {
        return Err(Error::decode(
            3,
            format!(
                "a KMIP message must be a Structure, found type byte {:#04x}",
                header[3]
            ),
        ));
    }
    // In 64 bits: on 32-bit targets (wasm32) 8 + padding of a 4 GiB length would overflow.
    let len = u64::from(u32::from_be_bytes([
        header[4], header[5], header[6], header[7],
    ]));
    let total = 8 + ((len + 7) & !7);
    match usize::try_from(total) {
        Ok(total) if total <= limits.max_message_size => Ok(total),
        _ => Err(Error::LimitExceeded {
            what: "message size",
            limit: limits.max_message_size,
            found: usize::try_from(total).unwrap_or(usize::MAX),
        }),
    }
}

struct Decoder<'a, 'l> {
    bytes: &'a [u8],
    limits: &'l Limits,
    items: usize,
}

impl<'a> Decoder<'a, '_> {
    /// Decodes the item at `at` (nesting `depth`); returns it and the offset just past its padding.
    fn item(&mut self, at: usize, depth: usize) -> Result<(Item<'a>, usize)> {
        self.items += 1;
        if self.items > self.limits.max_items {
            return Err(Error::LimitExceeded {
                what: "item count",
                limit: self.limits.max_items,
                found: self.items,
            });
        }
        let Some(header) = self.bytes.get(at..at + 8) else {
            return Err(Error::decode(
                at,
                format!(
                    "truncated item header: need 8 bytes, {} remain",
                    self.bytes.len() - at
                ),
            ));
        };
        let tag = Tag(u32::from_be_bytes([0, header[0], header[1], header[2]]));
        let item_type = ItemType::from_byte(header[3]).ok_or_else(|| {
            Error::decode(
                at + 3,
                format!("unknown item type {:#04x} for tag {tag:?}", header[3]),
            )
        })?;
        let len = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let start = at + 8;
        let remaining = self.bytes.len() - start;
        if len > remaining {
            return Err(Error::decode(
                at + 4,
                format!(
                    "truncated {item_type} {tag:?}: length field says {len} bytes, {remaining} remain"
                ),
            ));
        }
        let fixed = match item_type {
            ItemType::Integer | ItemType::Enumeration | ItemType::Interval => Some(4),
            ItemType::LongInteger
            | ItemType::Boolean
            | ItemType::DateTime
            | ItemType::DateTimeExtended => Some(8),
            _ => None,
        };
        if let Some(expected) = fixed
            && len != expected
        {
            return Err(Error::decode(
                at + 4,
                format!("{item_type} {tag:?} must have length {expected}, found {len}"),
            ));
        }
        // Structure contents are exactly `len` bytes; other values are padded to 8.
        let end = if item_type == ItemType::Structure {
            start + len
        } else {
            start + padded(len)
        };
        if end > self.bytes.len() {
            return Err(Error::decode(
                self.bytes.len(),
                format!(
                    "truncated padding after {item_type} {tag:?}: need {} bytes",
                    end - start
                ),
            ));
        }
        let raw = &self.bytes[start..start + len];
        let value = match item_type {
            ItemType::Structure => {
                if !len.is_multiple_of(8) {
                    return Err(Error::decode(
                        at + 4,
                        format!("Structure {tag:?} length {len} is not a multiple of 8"),
                    ));
                }
                Value::Structure(self.children(start, end, depth + 1, tag)?)
            }
            ItemType::Integer => Value::Integer(i32::from_be_bytes(word4(raw))),
            ItemType::Enumeration => Value::Enumeration(u32::from_be_bytes(word4(raw))),
            ItemType::Interval => Value::Interval(u32::from_be_bytes(word4(raw))),
            ItemType::LongInteger => Value::LongInteger(i64::from_be_bytes(word8(raw))),
            ItemType::DateTime => Value::DateTime(i64::from_be_bytes(word8(raw))),
            ItemType::DateTimeExtended => Value::DateTimeExtended(i64::from_be_bytes(word8(raw))),
            ItemType::Boolean => match u64::from_be_bytes(word8(raw)) {
                0 => Value::Boolean(false),
                1 => Value::Boolean(true),
                other => {
                    return Err(Error::decode(
                        start,
                        format!("Boolean {tag:?} must be 0 or 1, found {other:#x}"),
                    ));
                }
            },
            ItemType::BigInteger => Value::BigInteger(Cow::Borrowed(raw)),
            ItemType::ByteString => Value::ByteString(Cow::Borrowed(raw)),
            ItemType::TextString => match std::str::from_utf8(raw) {
                Ok(text) => Value::TextString(Cow::Borrowed(text)),
                Err(e) => {
                    return Err(Error::decode(
                        start + e.valid_up_to(),
                        format!("TextString {tag:?} is not valid UTF-8"),
                    ));
                }
            },
        };
        Ok((Item { tag, value }, end))
    }

    fn children(
        &mut self,
        mut at: usize,
        end: usize,
        depth: usize,
        parent: Tag,
    ) -> Result<Vec<Item<'a>>> {
        if depth > self.limits.max_depth {
            return Err(Error::LimitExceeded {
                what: "nesting depth",
                limit: self.limits.max_depth,
                found: depth,
            });
        }
        // A child takes at least 16 bytes (a header and one padded word) unless it is an empty
        // structure (8), so this capacity never exceeds what the input can hold, and a vector
        // that must grow past it is still bounded by the bytes received.
        let mut children = Vec::with_capacity((end - at) / 16);
        while at < end {
            let (child, next) = self.item(at, depth)?;
            if next > end {
                return Err(Error::decode(
                    at,
                    format!(
                        "item {:?} overruns the end of Structure {parent:?}",
                        child.tag
                    ),
                ));
            }
            children.push(child);
            at = next;
        }
        Ok(children)
    }
}

fn word4(raw: &[u8]) -> [u8; 4] {
    [raw[0], raw[1], raw[2], raw[3]]
}

fn word8(raw: &[u8]) -> [u8; 8] {
    [
        raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
    ]
}
