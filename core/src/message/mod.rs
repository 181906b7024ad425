//! Typed KMIP messages built on the TTLV item tree.
//!
//! Decoding is lenient (fields in any order, unknown children kept); encoding is strict
//! (specification order, shapes chosen by the protocol version).

mod attribute;
mod attribute_values;
pub mod codec;
mod envelope;
mod header;
mod objects;
mod operations;
mod payload;
mod structs;

pub use attribute::{
    Attribute, AttributeEntry, AttributeReference, Attributes, CustomAttribute,
    usage_mask_from_plain,
};
pub use attribute_values::*;
pub use codec::{BigInt, Bytes, Ctx, DateTime, DateTimeExtended, Field, Interval, Struct};
pub use envelope::{RequestBatchItem, RequestMessage, ResponseBatchItem, ResponseMessage};
pub use header::{Authentication, Credential, Nonce, RequestHeader, ResponseHeader};
pub use objects::*;
pub use operations::*;
pub use payload::{RequestPayload, ResponsePayload};

#[cfg(test)]
mod typed_roundtrip_tests;
