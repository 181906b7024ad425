//! The TTLV item type byte, defined here rather than in `ttlv` so that the tag table (which
//! says what type each tag carries) does not depend on the codec: `ttlv` uses `spec`, never the
//! reverse. `kmipkit::ttlv::ItemType` re-exports it; `spec::ItemType` is a different thing, the
//! KMIP enumeration of that name (the values of `ExtensionType`).

use std::fmt;

/// The TTLV item type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ItemType {
    /// 0x01
    Structure = 0x01,
    /// 0x02
    Integer = 0x02,
    /// 0x03
    LongInteger = 0x03,
    /// 0x04
    BigInteger = 0x04,
    /// 0x05
    Enumeration = 0x05,
    /// 0x06
    Boolean = 0x06,
    /// 0x07
    TextString = 0x07,
    /// 0x08
    ByteString = 0x08,
    /// 0x09
    DateTime = 0x09,
    /// 0x0A
    Interval = 0x0A,
    /// 0x0B
    DateTimeExtended = 0x0B,
}

impl ItemType {
    /// Every item type, in type-byte order.
    pub const ALL: [ItemType; 11] = [
        Self::Structure,
        Self::Integer,
        Self::LongInteger,
        Self::BigInteger,
        Self::Enumeration,
        Self::Boolean,
        Self::TextString,
        Self::ByteString,
        Self::DateTime,
        Self::Interval,
        Self::DateTimeExtended,
    ];

    /// The type for a type byte, if it is one KMIP defines.
    ///
    /// ```
    /// use kmipkit::ttlv::ItemType;
    /// assert_eq!(ItemType::from_byte(0x07), Some(ItemType::TextString));
    /// assert_eq!(ItemType::from_byte(0x0C), None);
    /// ```
    pub fn from_byte(byte: u8) -> Option<Self> {
        Self::ALL.get(usize::from(byte).wrapping_sub(1)).copied()
    }

    /// The name the KMIP XML and JSON encodings use (`"TextString"`, `"DateTime"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Structure => "Structure",
            Self::Integer => "Integer",
            Self::LongInteger => "LongInteger",
            Self::BigInteger => "BigInteger",
            Self::Enumeration => "Enumeration",
            Self::Boolean => "Boolean",
            Self::TextString => "TextString",
            Self::ByteString => "ByteString",
            Self::DateTime => "DateTime",
            Self::Interval => "Interval",
            Self::DateTimeExtended => "DateTimeExtended",
        }
    }

    /// The type for an XML/JSON type name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl fmt::Display for ItemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
