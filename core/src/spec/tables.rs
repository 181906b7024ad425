//! The generated tables: tag constants, enumeration and mask newtypes, lookup arrays.
//!
//! The code is written by `core/build.rs` from `core/spec/kmip.spec` into `OUT_DIR`; every public
//! item carries a doc line built from its table row.
#![allow(non_upper_case_globals)]

use super::enums::{EnumInfo, EnumValue};
use super::item_type::ItemType as TtlvItemType;
use super::tag::{Tag, TagInfo};
use super::{AttributeInfo, ProtocolVersion, VersionRange};

include!(concat!(env!("OUT_DIR"), "/kmip_spec.rs"));
