//! KMIP specification tables: tags, item types, enumerations and masks of KMIP 1.0 to 2.1.
//!
//! Everything here is generated at build time by `core/build.rs` from one reviewed text table,
//! `core/spec/kmip.spec` (its header names the sources), so the tables cannot go stale:
//!
//! - [`Tag`]: one associated constant per tag (`Tag::ActivationDate`), name and [`TagInfo`] lookups;
//! - one newtype per enumeration ([`CryptographicAlgorithm`], [`Operation`], [`ResultReason`], ...)
//!   with one constant per value and an [`EnumInfo`] describing it;
//! - one newtype per mask ([`CryptographicUsageMask`], [`StorageStatusMask`], ...) with one constant
//!   per bit, `|`, [`contains`](CryptographicUsageMask::contains) and [`names`](CryptographicUsageMask::names);
//! - the KMIP 1.x attribute names ([`attribute_tag`], [`attribute_name`]);
//! - the special enumeration `Tag` (KMIP 2.x `AttributeReference` values), built from the tag list:
//!   [`Tag::INFO`], also returned by `enumeration("Tag")`.
//!
//! # Names
//!
//! Tag, enumeration and value names are the CamelCase names of the OASIS KMIP XML and JSON
//! encodings (KMIP Additional Message Encodings, "Normalizing Names"): `UniqueIdentifier`,
//! `PKCS_11Function`, `SymmetricKey`, `SHA256WithRSAEncryption`. Those names are used unchanged as
//! Rust identifiers. The one rule for a name that is not a valid Rust identifier: every character
//! other than an ASCII letter, digit or `_` becomes `_`; a leading digit gets a `_` prefix; the
//! reserved `Self` and `INFO` get a `_` suffix. The XML name itself (what `name()` returns) is never
//! changed.
//!
//! # Unknown values
//!
//! Enumeration and mask newtypes accept every `u32`: unknown and vendor values (`0x8xxxxxxx`) are
//! kept, never rejected, and print as hex. Unknown tags (vendor extensions `0x54xxxx`) likewise.
//!
//! ```
//! use kmipkit::spec::{self, CryptographicAlgorithm, CryptographicUsageMask, Tag};
//! assert_eq!(Tag::from_name("ActivationDate"), Some(Tag::ActivationDate));
//! assert_eq!(Tag::ActivationDate.to_string(), "ActivationDate");
//! assert_eq!(Tag(0x54000A).to_string(), "0x54000A");
//! assert_eq!(CryptographicAlgorithm::AES.name(), Some("AES"));
//! assert_eq!(format!("{}", CryptographicAlgorithm(0x8000_0001)), "0x80000001");
//! let mask = CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt;
//! assert_eq!(mask.to_string(), "Encrypt|Decrypt");
//! assert_eq!(spec::attribute_tag("Cryptographic Algorithm"), Some(Tag::CryptographicAlgorithm));
//! ```

use std::fmt;

#[macro_use]
mod enums;
pub mod item_type;
#[macro_use]
mod tables;
mod tag;

pub use enums::{EnumInfo, EnumValue, MaskNames, kebab_case};
pub use tables::*;
pub use tag::{Tag, TagInfo};

use tables::{ATTRIBUTES, ATTRIBUTES_BY_TAG, ENUMS, TAGS};

/// A KMIP protocol version (major.minor).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ProtocolVersion {
    /// Protocol Version Major.
    pub major: i32,
    /// Protocol Version Minor.
    pub minor: i32,
}

impl ProtocolVersion {
    /// KMIP 1.0.
    pub const V1_0: Self = Self::new(1, 0);
    /// KMIP 1.1.
    pub const V1_1: Self = Self::new(1, 1);
    /// KMIP 1.2.
    pub const V1_2: Self = Self::new(1, 2);
    /// KMIP 1.3.
    pub const V1_3: Self = Self::new(1, 3);
    /// KMIP 1.4.
    pub const V1_4: Self = Self::new(1, 4);
    /// KMIP 2.0.
    pub const V2_0: Self = Self::new(2, 0);
    /// KMIP 2.1.
    pub const V2_1: Self = Self::new(2, 1);
    /// Every version these tables cover, oldest first.
    pub const ALL: [Self; 7] = [
        Self::V1_0,
        Self::V1_1,
        Self::V1_2,
        Self::V1_3,
        Self::V1_4,
        Self::V2_0,
        Self::V2_1,
    ];

    /// The version `major.minor`.
    pub const fn new(major: i32, minor: i32) -> Self {
        Self { major, minor }
    }

    /// Whether this version carries attributes in the 2.x `Attributes` structure (2.0 and later)
    /// rather than as 1.x `Attribute { AttributeName, AttributeValue }` items.
    pub fn uses_attributes_structure(self) -> bool {
        self >= Self::V2_0
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Reads `major.minor` as [`Display`](fmt::Display) writes it: two whole numbers of ASCII
/// digits. Any such version parses (a server may speak one kmipkit does not); whether kmipkit
/// speaks it is [`ProtocolVersion::ALL`]'s business.
///
/// ```
/// use kmipkit::spec::ProtocolVersion;
/// assert_eq!("1.4".parse(), Ok(ProtocolVersion::V1_4));
/// assert_eq!("3.0".parse::<ProtocolVersion>().unwrap().to_string(), "3.0");
/// assert!("1.4.1".parse::<ProtocolVersion>().is_err());
/// assert!("v2".parse::<ProtocolVersion>().unwrap_err().to_string().contains("major.minor"));
/// ```
impl std::str::FromStr for ProtocolVersion {
    type Err = ParseVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let number = |part: &str| {
            // `i32::from_str` alone would take "+1".
            match !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                true => part.parse::<i32>().ok(),
                false => None,
            }
        };
        text.split_once('.')
            .and_then(|(major, minor)| Some(Self::new(number(major)?, number(minor)?)))
            .ok_or(ParseVersionError)
    }
}

/// Text that is not a KMIP protocol version `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseVersionError;

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a KMIP version; write major.minor, e.g. \"1.4\"")
    }
}

impl std::error::Error for ParseVersionError {}

/// An inclusive range of protocol versions in which a tag, value or attribute is defined.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct VersionRange {
    /// The first version that defines it.
    pub first: ProtocolVersion,
    /// The last version (of those covered) that defines it.
    pub last: ProtocolVersion,
}

impl VersionRange {
    /// Every version covered by these tables.
    pub const ALL: Self = Self {
        first: ProtocolVersion::V1_0,
        last: ProtocolVersion::V2_1,
    };

    /// Whether `v` lies within the range.
    ///
    /// A version newer than 2.1 counts as within a range that ends at 2.1 (the item was not
    /// removed as far as these tables know).
    pub fn contains(&self, v: ProtocolVersion) -> bool {
        v >= self.first && (v <= self.last || self.last == ProtocolVersion::V2_1)
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// One KMIP 1.x attribute name and the tag of its value.
#[derive(Clone, Copy, Debug)]
pub struct AttributeInfo {
    /// The attribute name as written in `AttributeName` (`"Cryptographic Algorithm"`).
    pub name: &'static str,
    /// The tag whose definition (type, enumeration, mask, structure) describes the value.
    pub tag: Tag,
    /// The versions that define the attribute under this name.
    pub versions: VersionRange,
}

/// The enumeration called `name` (`"CryptographicAlgorithm"`, `"Tag"`, ...), masks included.
pub fn enumeration(name: &str) -> Option<&'static EnumInfo> {
    ENUMS
        .binary_search_by(|e| e.name.cmp(name))
        .ok()
        .map(|i| ENUMS[i])
}

/// Every enumeration and mask, sorted by name, including the `Tag` enumeration.
pub fn enumerations() -> &'static [&'static EnumInfo] {
    &ENUMS
}

/// The tag of the value of the KMIP 1.x attribute `name`
/// (`"Cryptographic Algorithm"` gives [`Tag::CryptographicAlgorithm`]).
///
/// Custom attributes (`x-...`, `y-...`) are not in the table and give `None`.
pub fn attribute_tag(name: &str) -> Option<Tag> {
    attribute(name).map(|a| a.tag)
}

/// The KMIP 1.x attribute whose name is `name`.
pub fn attribute(name: &str) -> Option<&'static AttributeInfo> {
    ATTRIBUTES
        .binary_search_by(|a| a.name.cmp(name))
        .ok()
        .map(|i| &ATTRIBUTES[i])
}

/// The KMIP 1.x attribute name for an attribute whose value has tag `tag` (the newest name when
/// a tag had several).
pub fn attribute_name(tag: Tag) -> Option<&'static str> {
    let i = ATTRIBUTES_BY_TAG.partition_point(|&i| ATTRIBUTES[usize::from(i)].tag < tag);
    let a = &ATTRIBUTES[usize::from(*ATTRIBUTES_BY_TAG.get(i)?)];
    (a.tag == tag).then_some(a.name)
}

/// Every KMIP 1.x attribute name, sorted by name.
pub fn attributes() -> &'static [AttributeInfo] {
    &ATTRIBUTES
}

/// Every tag, sorted by value.
pub fn tags() -> &'static [TagInfo] {
    &TAGS
}

#[cfg(test)]
mod version_tests {
    use super::ProtocolVersion;

    #[test]
    fn versions_read_back_as_written() {
        for v in ProtocolVersion::ALL {
            assert_eq!(v.to_string().parse(), Ok(v));
        }
        assert_eq!("10.12".parse(), Ok(ProtocolVersion::new(10, 12)));
        for bad in [
            "",
            "1",
            "1.",
            ".4",
            "1.4.0",
            "+1.4",
            "1.-4",
            " 1.4",
            "1,4",
            "x.y",
            "99999999999.0",
        ] {
            assert!(bad.parse::<ProtocolVersion>().is_err(), "{bad:?}");
        }
    }
}
