//! Lifecycle operations (Activate, Revoke, Destroy, Archive, Recover) and the asynchronous
//! operations Poll and Cancel.

use crate::error::Result;
use crate::kmip_struct;
use crate::message::codec::{Ctx, Struct};
use crate::message::{Bytes, DateTime, ResponsePayload, RevocationReason};
use crate::spec::{CancellationResult, Operation, RevocationReasonCode, Tag};
use crate::ttlv::Item;

kmip_struct! {
    /// Activate request: moves a pre-active object to the active state.
    pub struct ActivateRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Activate response.
    pub struct ActivateResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Revoke request: deactivates an object, or marks it compromised.
    pub struct RevokeRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
        /// Why.
        revocation_reason: RevocationReason = RevocationReason,
        /// When a compromise happened (for the key and CA compromise reasons only).
        compromise_occurrence_date: Option<DateTime> = CompromiseOccurrenceDate,
    }
}

kmip_struct! {
    /// Revoke response.
    pub struct RevokeResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Destroy request: destroys the object's key material.
    pub struct DestroyRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Destroy response.
    pub struct DestroyResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Archive request: moves an object to off-line storage.
    pub struct ArchiveRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Archive response.
    pub struct ArchiveResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Recover request: brings an archived object back on-line.
    pub struct RecoverRequest {
        /// The object; the ID placeholder when absent.
        unique_identifier: Option<String> = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Recover response.
    pub struct RecoverResponse {
        /// The object.
        unique_identifier: String = UniqueIdentifier,
    }
}

kmip_struct! {
    /// Poll request: asks for the outcome of an asynchronous operation.
    pub struct PollRequest {
        /// The value the server returned with the Pending result.
        asynchronous_correlation_value: Bytes = AsynchronousCorrelationValue,
    }
}

kmip_struct! {
    /// Cancel request: cancels an asynchronous operation.
    pub struct CancelRequest {
        /// The value the server returned with the Pending result.
        asynchronous_correlation_value: Bytes = AsynchronousCorrelationValue,
    }
}

kmip_struct! {
    /// Cancel response.
    pub struct CancelResponse {
        /// The cancelled operation's correlation value.
        asynchronous_correlation_value: Bytes = AsynchronousCorrelationValue,
        /// Whether it was cancelled, had already completed, failed, ...
        cancellation_result: CancellationResult = CancellationResult,
    }
}

/// Poll response: empty while the operation is pending, then the completed operation's own
/// response payload. Its shape is that of the polled operation, which the Poll does not name,
/// so the children are kept as items; [`PollResponse::payload_as`] types them.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PollResponse {
    /// The children of the completed operation's response payload (empty while pending).
    pub payload: Vec<Item<'static>>,
}

impl PollResponse {
    /// Reads the payload as the response of `operation`, the operation that was polled.
    pub fn payload_as(&self, operation: Operation, ctx: &Ctx) -> Result<ResponsePayload> {
        let item = Item::structure(Tag::ResponsePayload, self.payload.clone());
        ResponsePayload::from_item(operation, &item, ctx)
    }
}

impl Struct for PollResponse {
    fn to_children(&self, _ctx: &Ctx) -> Vec<Item<'static>> {
        self.payload.clone()
    }

    fn from_children(children: &[Item<'_>], _ctx: &Ctx) -> Result<Self> {
        Ok(Self {
            payload: children.iter().map(|c| c.clone().into_owned()).collect(),
        })
    }
}

macro_rules! by_identifier {
    ($($ty:ident: $doc:literal,)*) => {$(
        impl $ty {
            #[doc = $doc]
            pub fn new(unique_identifier: Option<String>) -> Self {
                Self { unique_identifier, extensions: Vec::new() }
            }
        }
    )*};
}

by_identifier! {
    ActivateRequest: "Activates `unique_identifier` (the ID placeholder when `None`).",
    DestroyRequest: "Destroys `unique_identifier` (the ID placeholder when `None`).",
    ArchiveRequest: "Archives `unique_identifier` (the ID placeholder when `None`).",
    RecoverRequest: "Recovers `unique_identifier` (the ID placeholder when `None`).",
}

impl RevokeRequest {
    /// Revokes `unique_identifier` for `code`.
    ///
    /// ```
    /// use kmipkit::message::RevokeRequest;
    /// use kmipkit::spec::RevocationReasonCode;
    /// let req = RevokeRequest::new(Some("7".into()), RevocationReasonCode::CessationOfOperation);
    /// assert_eq!(req.revocation_reason.revocation_message, None);
    /// ```
    pub fn new(unique_identifier: Option<String>, code: RevocationReasonCode) -> Self {
        let revocation_reason = RevocationReason {
            revocation_reason_code: code,
            revocation_message: None,
            extensions: Vec::new(),
        };
        Self {
            unique_identifier,
            revocation_reason,
            compromise_occurrence_date: None,
            extensions: Vec::new(),
        }
    }
}

impl PollRequest {
    /// Polls the operation identified by `asynchronous_correlation_value`.
    pub fn new(asynchronous_correlation_value: impl Into<Bytes>) -> Self {
        Self {
            asynchronous_correlation_value: asynchronous_correlation_value.into(),
            extensions: Vec::new(),
        }
    }
}

impl CancelRequest {
    /// Cancels the operation identified by `asynchronous_correlation_value`.
    pub fn new(asynchronous_correlation_value: impl Into<Bytes>) -> Self {
        Self {
            asynchronous_correlation_value: asynchronous_correlation_value.into(),
            extensions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::DiscoverVersionsResponse;
    use crate::message::codec::Field;
    use crate::spec::ProtocolVersion;
    use crate::ttlv::Value;

    #[test]
    fn poll_response_types_the_polled_operation() {
        let ctx = Ctx::new(ProtocolVersion::V1_4).strict();
        let payload = Item::structure(
            Tag::ResponsePayload,
            vec![Item::structure(
                Tag::ProtocolVersion,
                vec![
                    Item::new(Tag::ProtocolVersionMajor, Value::Integer(1)),
                    Item::new(Tag::ProtocolVersionMinor, Value::Integer(4)),
                ],
            )],
        );
        let poll = PollResponse::from_item(&payload, &ctx).unwrap();
        assert_eq!(poll.to_item(Tag::ResponsePayload, &ctx), payload);
        let typed = poll.payload_as(Operation::DiscoverVersions, &ctx).unwrap();
        let ResponsePayload::DiscoverVersions(DiscoverVersionsResponse {
            protocol_version, ..
        }) = typed
        else {
            panic!("not a DiscoverVersions response");
        };
        assert_eq!(protocol_version, [ProtocolVersion::V1_4]);
    }
}
