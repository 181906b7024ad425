//! The TTLV item tree: every KMIP message is one [`Item`], a tag with a typed [`Value`].
//!
//! Text and byte strings are [`Cow`]s so that one type serves both decoding modes: borrowed
//! (`Item<'a>`, pointing into the received buffer, allocating nothing for strings) and owned
//! (`Item<'static>`).

use std::borrow::Cow;
use std::fmt;

use crate::spec::Tag;
use crate::spec::item_type::ItemType;

/// One TTLV item: a tag and its value.
///
/// ```
/// use kmipkit::ttlv::{Item, Value};
/// use kmipkit::spec::Tag;
/// let version = Item::structure(Tag::ProtocolVersion, vec![
///     Item::new(Tag::ProtocolVersionMajor, Value::Integer(1)),
///     Item::new(Tag::ProtocolVersionMinor, Value::Integer(4)),
/// ]);
/// assert_eq!(version.child(Tag::ProtocolVersionMinor).unwrap().value, Value::Integer(4));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Item<'a> {
    /// The item's tag (three bytes on the wire, 0x42xxxx for KMIP, 0x54xxxx for extensions).
    pub tag: Tag,
    /// The item's value; its variant is the item type.
    pub value: Value<'a>,
}

/// The value of an [`Item`]; the variant determines the TTLV item type.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    /// Ordered child items.
    Structure(Vec<Item<'a>>),
    /// 32-bit signed integer (also used for masks).
    Integer(i32),
    /// 64-bit signed integer.
    LongInteger(i64),
    /// Big-endian two's-complement integer, kept exactly as encoded (a multiple of 8 bytes on the wire).
    BigInteger(Cow<'a, [u8]>),
    /// 32-bit enumeration value.
    Enumeration(u32),
    /// Boolean, encoded as an 8-byte 0 or 1.
    Boolean(bool),
    /// UTF-8 text.
    TextString(Cow<'a, str>),
    /// Opaque bytes. May hold secrets: `Debug` shows only the length.
    ByteString(Cow<'a, [u8]>),
    /// Seconds since the Unix epoch (signed, 64-bit).
    DateTime(i64),
    /// Duration in seconds (unsigned, 32-bit).
    Interval(u32),
    /// Microseconds since the Unix epoch (KMIP 2.0 and later).
    DateTimeExtended(i64),
}

impl<'a> Item<'a> {
    /// An item with the given tag and value.
    pub fn new(tag: impl Into<Tag>, value: Value<'a>) -> Self {
        Self {
            tag: tag.into(),
            value,
        }
    }

    /// A structure item holding `children` in order.
    pub fn structure(tag: impl Into<Tag>, children: Vec<Item<'a>>) -> Self {
        Self::new(tag, Value::Structure(children))
    }

    /// The item's TTLV type.
    pub fn item_type(&self) -> ItemType {
        self.value.item_type()
    }

    /// The children of a structure; empty for any other type.
    pub fn children(&self) -> &[Item<'a>] {
        match &self.value {
            Value::Structure(children) => children,
            _ => &[],
        }
    }

    /// The first child with `tag`, if this is a structure that has one.
    pub fn child(&self, tag: impl Into<Tag>) -> Option<&Item<'a>> {
        let tag = tag.into();
        self.children().iter().find(|c| c.tag == tag)
    }

    /// Every child with `tag`, in order.
    pub fn children_with(&self, tag: impl Into<Tag>) -> impl Iterator<Item = &Item<'a>> {
        let tag = tag.into();
        self.children().iter().filter(move |c| c.tag == tag)
    }

    /// A copy that owns all its strings, independent of the buffer it was decoded from.
    pub fn into_owned(self) -> Item<'static> {
        Item {
            tag: self.tag,
            value: self.value.into_owned(),
        }
    }
}

impl Item<'_> {
    /// Zeroizes every owned Byte String and Big Integer, and the text of every Password, in this
    /// item and below; borrowed values belong to someone else's buffer and are left alone.
    ///
    /// For a tree built only to be encoded: its byte strings are copies of the typed model's,
    /// which may be key material (Register, the data of an Encrypt) that would otherwise be freed
    /// unwiped.
    ///
    /// ```
    /// use kmipkit::spec::Tag;
    /// use kmipkit::ttlv::{Item, Value};
    /// let mut item = Item::structure(Tag::KeyValue, vec![
    ///     Item::new(Tag::KeyMaterial, Value::ByteString(vec![0x42; 32].into())),
    /// ]);
    /// item.wipe();
    /// assert_eq!(item.children()[0].value, Value::ByteString(vec![0; 32].into()));
    /// ```
    pub fn wipe(&mut self) {
        use zeroize::Zeroize;
        match &mut self.value {
            Value::Structure(children) => children.iter_mut().for_each(Item::wipe),
            Value::ByteString(Cow::Owned(bytes)) | Value::BigInteger(Cow::Owned(bytes)) => {
                bytes.as_mut_slice().zeroize();
            }
            Value::TextString(Cow::Owned(text)) if self.tag == Tag::Password => text.zeroize(),
            _ => {}
        }
    }
}

impl<'a> Value<'a> {
    /// The TTLV type of this value.
    pub fn item_type(&self) -> ItemType {
        match self {
            Self::Structure(_) => ItemType::Structure,
            Self::Integer(_) => ItemType::Integer,
            Self::LongInteger(_) => ItemType::LongInteger,
            Self::BigInteger(_) => ItemType::BigInteger,
            Self::Enumeration(_) => ItemType::Enumeration,
            Self::Boolean(_) => ItemType::Boolean,
            Self::TextString(_) => ItemType::TextString,
            Self::ByteString(_) => ItemType::ByteString,
            Self::DateTime(_) => ItemType::DateTime,
            Self::Interval(_) => ItemType::Interval,
            Self::DateTimeExtended(_) => ItemType::DateTimeExtended,
        }
    }

    /// A copy that owns all its strings.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Self::Structure(children) => {
                Value::Structure(children.into_iter().map(Item::into_owned).collect())
            }
            Self::Integer(v) => Value::Integer(v),
            Self::LongInteger(v) => Value::LongInteger(v),
            Self::BigInteger(v) => Value::BigInteger(Cow::Owned(v.into_owned())),
            Self::Enumeration(v) => Value::Enumeration(v),
            Self::Boolean(v) => Value::Boolean(v),
            Self::TextString(v) => Value::TextString(Cow::Owned(v.into_owned())),
            Self::ByteString(v) => Value::ByteString(Cow::Owned(v.into_owned())),
            Self::DateTime(v) => Value::DateTime(v),
            Self::Interval(v) => Value::Interval(v),
            Self::DateTimeExtended(v) => Value::DateTimeExtended(v),
        }
    }
}

impl fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            // A KMIP Password is a Text String; Debug must not print it.
            Value::TextString(s) if self.tag == Tag::Password => {
                write!(
                    f,
                    "{:?} = TextString(<redacted, {} characters>)",
                    self.tag,
                    s.chars().count()
                )
            }
            value => write!(f, "{:?} = {value:?}", self.tag),
        }
    }
}

// Byte strings may carry key material, so Debug never prints their content.
impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Structure(children) => f.debug_list().entries(children).finish(),
            Self::Integer(v) => write!(f, "Integer({v})"),
            Self::LongInteger(v) => write!(f, "LongInteger({v})"),
            Self::BigInteger(v) => write!(f, "BigInteger(<{} bytes>)", v.len()),
            Self::Enumeration(v) => write!(f, "Enumeration({v:#010x})"),
            Self::Boolean(v) => write!(f, "Boolean({v})"),
            Self::TextString(v) => write!(f, "TextString({v:?})"),
            Self::ByteString(v) => write!(f, "ByteString(<{} bytes>)", v.len()),
            Self::DateTime(v) => write!(f, "DateTime({v})"),
            Self::Interval(v) => write!(f, "Interval({v})"),
            Self::DateTimeExtended(v) => write!(f, "DateTimeExtended({v})"),
        }
    }
}
