//! KMIP specification tables: tags, item types, enumerations and masks of KMIP 1.0 to 2.1.
//!
//! BOOTSTRAP: this file is replaced by the table-driven module (see core/spec/).

use std::fmt;

/// A TTLV tag (three bytes on the wire).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u32);

#[allow(non_upper_case_globals, missing_docs)]
impl Tag {
    pub const ProtocolVersion: Tag = Tag(0x420069);
    pub const ProtocolVersionMajor: Tag = Tag(0x42006A);
    pub const ProtocolVersionMinor: Tag = Tag(0x42006B);
}

impl From<u32> for Tag {
    fn from(v: u32) -> Self {
        Tag(v)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#08X}", self.0)
    }
}
