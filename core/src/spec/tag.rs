//! [`Tag`]: a TTLV tag, its name and its definition.

use std::fmt;

use super::enums::EnumInfo;
use super::item_type::ItemType;
use super::tables::{ENUM_TAG, TAGS, TAGS_BY_NAME};
use super::{ProtocolVersion, VersionRange};

/// A TTLV tag (three bytes on the wire): `0x42xxxx` for KMIP, `0x54xxxx` for vendor extensions.
///
/// Every tag of KMIP 1.0 to 2.1 is an associated constant named as in the KMIP XML encoding
/// (`Tag::UniqueIdentifier`). Any other value is a valid `Tag` too: unknown tags are kept.
/// `Debug` and `Display` print the name, or `0x54000A`-style hex for an unknown tag.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u32);

/// The definition of one tag in the specification.
#[derive(Debug)]
pub struct TagInfo {
    /// The tag.
    pub tag: Tag,
    /// Its CamelCase name in the KMIP XML encoding (`"ProtocolVersionMajor"`).
    pub name: &'static str,
    /// The item types it may take, usually one. Empty means any type (`AttributeValue` and other
    /// polymorphic tags); several mean a choice (`KeyMaterial`: `ByteString` or `Structure`).
    pub types: &'static [ItemType],
    /// The versions that define the tag.
    pub versions: VersionRange,
    /// For an `Enumeration` tag, the enumeration of its values (the `Tag` enumeration for
    /// `AttributeReference`).
    pub enumeration: Option<&'static EnumInfo>,
    /// For an `Integer` bit-mask tag, the mask of its bits (`CryptographicUsageMask`).
    pub mask: Option<&'static EnumInfo>,
    /// Each of `types` with the versions in which the tag takes it (`AsynchronousIndicator` is a
    /// `Boolean` in 1.x and an `Enumeration` in 2.x).
    pub typed: &'static [(ItemType, VersionRange)],
}

impl TagInfo {
    /// Whether the tag may take item type `ty` in some version (always, for an any-type tag).
    pub fn allows(&self, ty: ItemType) -> bool {
        self.types.is_empty() || self.types.contains(&ty)
    }

    /// Whether the tag may take item type `ty` in `version`.
    pub fn allows_in(&self, ty: ItemType, version: ProtocolVersion) -> bool {
        self.types.is_empty()
            || self
                .typed
                .iter()
                .any(|(t, r)| *t == ty && r.contains(version))
    }

    /// The item type of the tag in `version` when there is exactly one.
    pub fn item_type_in(&self, version: ProtocolVersion) -> Option<ItemType> {
        let mut types = self.typed.iter().filter(|(_, r)| r.contains(version));
        match (types.next(), types.next()) {
            (Some((t, _)), None) => Some(*t),
            _ => None,
        }
    }

    /// The item type when the tag has exactly one in every version.
    pub fn item_type(&self) -> Option<ItemType> {
        match self.types {
            [t] => Some(*t),
            _ => None,
        }
    }
}

impl Tag {
    /// The `Tag` enumeration: every tag as an enumeration value (KMIP 2.x `AttributeReference`,
    /// written `<AttributeReference type="Enumeration" value="ActivationDate"/>`).
    pub const INFO: &'static EnumInfo = &ENUM_TAG;

    /// The tag's CamelCase name, if it is a KMIP tag.
    pub fn name(self) -> Option<&'static str> {
        self.info().map(|i| i.name)
    }

    /// The tag called `name` in the KMIP XML encoding (`"UniqueIdentifier"`).
    pub fn from_name(name: &str) -> Option<Tag> {
        TAGS_BY_NAME
            .binary_search_by(|&i| TAGS[usize::from(i)].name.cmp(name))
            .ok()
            .map(|i| TAGS[usize::from(TAGS_BY_NAME[i])].tag)
    }

    /// The tag's definition, if it is a KMIP tag.
    pub fn info(self) -> Option<&'static TagInfo> {
        TAGS.binary_search_by_key(&self, |i| i.tag)
            .ok()
            .map(|i| &TAGS[i])
    }

    /// Whether this is a vendor extension tag (`0x54xxxx`).
    pub fn is_extension(self) -> bool {
        self.0 >> 16 == 0x54
    }
}

impl From<u32> for Tag {
    fn from(v: u32) -> Self {
        Tag(v)
    }
}

impl From<Tag> for u32 {
    fn from(t: Tag) -> Self {
        t.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "0x{:06X}", self.0),
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
