//! TTLV: the KMIP item tree and its encodings.
//!
//! - [`Item`] / [`Value`]: the tree, borrowed or owned;
//! - binary TTLV: [`Item::to_bytes`], [`Item::decode`], [`Item::from_bytes`], [`message_len`];
//! - [`Limits`]: what a decoder accepts from an untrusted peer;
//! - [`xml`] and [`json`]: the KMIP XML and JSON encodings, with [`Placeholders`] for the
//!   `$NOW`-style values of the OASIS test cases;
//! - [`dump`]: a readable tree for debugging (also `Display` for [`Item`]).

mod decode;
mod diff;
pub mod dump;
mod encode;
mod item;
pub mod json;
mod limits;
mod plain;
pub(crate) mod text;
pub mod xml;

pub use crate::spec::item_type::ItemType;
pub use decode::message_len;
pub use diff::first_difference;
pub use item::{Item, Value};
pub use limits::Limits;
pub use text::Placeholders;
