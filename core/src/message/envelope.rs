//! Whole request and response messages and their batch items.
//!
//! The header's protocol version decides how the payloads are read and written, and each batch
//! item's Operation decides its payload type, so these structures are decoded by hand rather
//! than through `kmip_struct!`.

use super::codec::{Bytes, Ctx, Field, Slot, in_parent, read_member, tag_name, unclaimed};
use super::header::{RequestHeader, ResponseHeader};
use super::payload::{RequestPayload, ResponsePayload};
use crate::error::{Error, Result};
use crate::spec::{Operation, ProtocolVersion, ResultReason, ResultStatus, Tag};
use crate::ttlv::{Item, Limits, Value};

/// A KMIP request message.
///
/// ```
/// use kmipkit::message::RequestMessage;
/// use kmipkit::ttlv::Limits;
/// // PyKMIP's client asking for Discover Versions (conformance/vectors/pykmip-0.11/01).
/// let hex = "42007801000000604200770100000038420069010000002042006a0200000004000000010000000042006b\
///     0200000004000000020000000042000d0200000004000000010000000042000f010000001842005c0500000004\
///     0000001e000000004200790100000000";
/// let bytes: Vec<u8> = (0..hex.len()).step_by(2)
///     .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
/// let message = RequestMessage::from_bytes(&bytes, &Limits::default()).unwrap();
/// assert_eq!(message.header.protocol_version, kmipkit::spec::ProtocolVersion::V1_2);
/// assert_eq!(message.to_bytes(), bytes);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestMessage {
    /// The header.
    pub header: RequestHeader,
    /// The batch items, in order.
    pub batch_items: Vec<RequestBatchItem>,
    /// Unknown children of the message, kept.
    pub extensions: Vec<Item<'static>>,
}

/// One operation in a request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestBatchItem {
    /// The operation.
    pub operation: Operation,
    /// Ephemeral indicator (KMIP 2.0): the server keeps no object.
    pub ephemeral: Option<bool>,
    /// Identifies the item within the batch; required when there are several.
    pub unique_batch_item_id: Option<Bytes>,
    /// The payload.
    pub payload: RequestPayload,
    /// Message Extension, kept as is.
    pub message_extension: Option<Item<'static>>,
    /// Unknown children, kept.
    pub extensions: Vec<Item<'static>>,
}

/// A KMIP response message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResponseMessage {
    /// The header.
    pub header: ResponseHeader,
    /// The batch items, in order.
    pub batch_items: Vec<ResponseBatchItem>,
    /// Unknown children of the message, kept.
    pub extensions: Vec<Item<'static>>,
}

/// The server's answer to one batch item.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResponseBatchItem {
    /// The operation; absent in message-level errors (PyKMIP answers unparseable requests so).
    pub operation: Option<Operation>,
    /// Echo of the request's batch item id.
    pub unique_batch_item_id: Option<Bytes>,
    /// Success, failure, pending or undone.
    pub result_status: ResultStatus,
    /// Why it failed.
    pub result_reason: Option<ResultReason>,
    /// The server's explanation.
    pub result_message: Option<String>,
    /// Correlation value of an asynchronous operation.
    pub asynchronous_correlation_value: Option<Bytes>,
    /// The payload (absent on failure).
    pub payload: Option<ResponsePayload>,
    /// Message Extension, kept as is.
    pub message_extension: Option<Item<'static>>,
    /// Unknown children, kept.
    pub extensions: Vec<Item<'static>>,
}

impl RequestMessage {
    /// A request for `version` carrying `batch_items`; the header's batch count is set to match.
    ///
    /// ```
    /// use kmipkit::message::{GetRequest, RequestBatchItem, RequestMessage};
    /// use kmipkit::spec::ProtocolVersion;
    /// let get = GetRequest::new(Some("42".into()));
    /// let message = RequestMessage::new(ProtocolVersion::V2_0, vec![RequestBatchItem::new(get)]);
    /// assert_eq!(message.header.batch_count, 1);
    /// ```
    pub fn new(version: ProtocolVersion, batch_items: Vec<RequestBatchItem>) -> Self {
        let count = i32::try_from(batch_items.len()).unwrap_or(i32::MAX);
        Self {
            header: RequestHeader::new(version, count),
            batch_items,
            extensions: Vec::new(),
        }
    }
}

impl RequestBatchItem {
    /// A batch item for `payload`; its operation follows from the payload's type.
    pub fn new(payload: impl Into<RequestPayload>) -> Self {
        let payload = payload.into();
        Self {
            operation: payload.operation(),
            ephemeral: None,
            unique_batch_item_id: None,
            payload,
            message_extension: None,
            extensions: Vec::new(),
        }
    }
}

impl ResponseMessage {
    /// A response for `version`, stamped `time_stamp`, carrying `batch_items`.
    pub fn new(
        version: ProtocolVersion,
        time_stamp: super::codec::DateTime,
        batch_items: Vec<ResponseBatchItem>,
    ) -> Self {
        let count = i32::try_from(batch_items.len()).unwrap_or(i32::MAX);
        Self {
            header: ResponseHeader::new(version, time_stamp, count),
            batch_items,
            extensions: Vec::new(),
        }
    }
}

impl ResponseBatchItem {
    /// A successful answer carrying `payload`.
    pub fn success(payload: impl Into<ResponsePayload>) -> Self {
        let payload = payload.into();
        Self {
            operation: Some(payload.operation()),
            result_status: ResultStatus::Success,
            result_reason: None,
            payload: Some(payload),
            ..Self::failure(None, ResultReason::GeneralFailure, None)
        }
    }

    /// A failed answer: `OperationFailed` with `reason` and the server's `message`.
    pub fn failure(
        operation: Option<Operation>,
        reason: ResultReason,
        message: Option<String>,
    ) -> Self {
        Self {
            operation,
            unique_batch_item_id: None,
            result_status: ResultStatus::OperationFailed,
            result_reason: Some(reason),
            result_message: message,
            asynchronous_correlation_value: None,
            payload: None,
            message_extension: None,
            extensions: Vec::new(),
        }
    }
}

macro_rules! message_codec {
    ($ty:ident, $tag:ident, $header:ident) => {
        impl $ty {
            /// The message as an item tree.
            pub fn to_item(&self) -> Item<'static> {
                let ctx = Ctx::new(self.header.protocol_version);
                let mut children = vec![self.header.to_item(Tag::$header, &ctx)];
                children.extend(
                    self.batch_items
                        .iter()
                        .map(|b| b.to_item(Tag::BatchItem, &ctx)),
                );
                children.extend(self.extensions.iter().cloned());
                Item::structure(Tag::$tag, children)
            }

            /// The message as TTLV bytes.
            pub fn to_bytes(&self) -> Vec<u8> {
                self.to_item().to_bytes()
            }

            /// Reads a message from its item tree, leniently (unknown children are kept).
            pub fn from_item(item: &Item<'_>) -> Result<Self> {
                Self::read(item, false)
            }

            /// Reads a message, refusing KMIP-defined items the typed model does not know.
            pub fn from_item_strict(item: &Item<'_>) -> Result<Self> {
                Self::read(item, true)
            }

            /// Decodes a message from TTLV bytes.
            pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Self> {
                Self::from_item(&Item::decode(bytes, limits)?)
            }

            fn read(item: &Item<'_>, strict: bool) -> Result<Self> {
                if item.tag != Tag::$tag {
                    return Err(Error::model(
                        tag_name(item.tag),
                        concat!("expected a ", stringify!($tag)),
                    ));
                }
                let Value::Structure(children) = &item.value else {
                    return Err(Error::model(tag_name(item.tag), "expected a Structure"));
                };
                let header_item =
                    children
                        .iter()
                        .find(|c| c.tag == Tag::$header)
                        .ok_or_else(|| {
                            Error::model(
                                concat!(stringify!($tag), "/", stringify!($header)),
                                "required item is missing",
                            )
                        })?;
                let version = header_item
                    .child(Tag::ProtocolVersion)
                    .map(|v| ProtocolVersion::from_item(v, &Ctx::new(ProtocolVersion::V1_0)))
                    .transpose()
                    .map_err(|e| in_parent(in_parent(e, Tag::$header), Tag::$tag))?
                    .unwrap_or(ProtocolVersion::V1_0);
                let ctx = Ctx { version, strict };
                let inner = || -> Result<Self> {
                    Ok(Self {
                        header: read_member(children, &[Tag::$header], &ctx)?,
                        batch_items: children
                            .iter()
                            .filter(|c| c.tag == Tag::BatchItem)
                            .map(|b| Field::from_item(b, &ctx))
                            .collect::<Result<_>>()?,
                        extensions: unclaimed(children, &[Tag::$header, Tag::BatchItem], &ctx)?,
                    })
                };
                inner().map_err(|e| in_parent(e, Tag::$tag))
            }
        }
    };
}

message_codec!(RequestMessage, RequestMessage, RequestHeader);
message_codec!(ResponseMessage, ResponseMessage, ResponseHeader);

impl Field for RequestBatchItem {
    fn to_item(&self, _tag: Tag, ctx: &Ctx) -> Item<'static> {
        let mut out = Vec::new();
        self.operation.write(Tag::Operation, ctx, &mut out);
        self.ephemeral.write(Tag::Ephemeral, ctx, &mut out);
        self.unique_batch_item_id
            .write(Tag::UniqueBatchItemID, ctx, &mut out);
        out.push(self.payload.to_item(ctx));
        self.message_extension
            .write(Tag::MessageExtension, ctx, &mut out);
        out.extend(self.extensions.iter().cloned());
        Item::structure(Tag::BatchItem, out)
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let children = item.children();
        let read = || -> Result<Self> {
            let operation: Operation = read_member(children, &[Tag::Operation], ctx)?;
            let payload = children
                .iter()
                .find(|c| c.tag == Tag::RequestPayload)
                .ok_or_else(|| Error::model("RequestPayload", "required item is missing"))?;
            Ok(Self {
                operation,
                ephemeral: read_member(children, &[Tag::Ephemeral], ctx)?,
                unique_batch_item_id: read_member(children, &[Tag::UniqueBatchItemID], ctx)?,
                payload: RequestPayload::from_item(operation, payload, ctx)?,
                message_extension: read_member(children, &[Tag::MessageExtension], ctx)?,
                extensions: unclaimed(children, REQUEST_ITEM_TAGS, ctx)?,
            })
        };
        read().map_err(|e| in_parent(e, Tag::BatchItem))
    }
}

const REQUEST_ITEM_TAGS: &[Tag] = &[
    Tag::Operation,
    Tag::Ephemeral,
    Tag::UniqueBatchItemID,
    Tag::RequestPayload,
    Tag::MessageExtension,
];

const RESPONSE_ITEM_TAGS: &[Tag] = &[
    Tag::Operation,
    Tag::UniqueBatchItemID,
    Tag::ResultStatus,
    Tag::ResultReason,
    Tag::ResultMessage,
    Tag::AsynchronousCorrelationValue,
    Tag::ResponsePayload,
    Tag::MessageExtension,
];

impl Field for ResponseBatchItem {
    fn to_item(&self, _tag: Tag, ctx: &Ctx) -> Item<'static> {
        let mut out = Vec::new();
        self.operation.write(Tag::Operation, ctx, &mut out);
        self.unique_batch_item_id
            .write(Tag::UniqueBatchItemID, ctx, &mut out);
        self.result_status.write(Tag::ResultStatus, ctx, &mut out);
        self.result_reason.write(Tag::ResultReason, ctx, &mut out);
        self.result_message.write(Tag::ResultMessage, ctx, &mut out);
        self.asynchronous_correlation_value
            .write(Tag::AsynchronousCorrelationValue, ctx, &mut out);
        if let Some(payload) = &self.payload {
            out.push(payload.to_item(ctx));
        }
        self.message_extension
            .write(Tag::MessageExtension, ctx, &mut out);
        out.extend(self.extensions.iter().cloned());
        Item::structure(Tag::BatchItem, out)
    }

    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        let children = item.children();
        let read = || -> Result<Self> {
            let operation: Option<Operation> = read_member(children, &[Tag::Operation], ctx)?;
            let payload = match children.iter().find(|c| c.tag == Tag::ResponsePayload) {
                None => None,
                Some(p) => {
                    let Some(op) = operation else {
                        return Err(Error::model(
                            "ResponsePayload",
                            "a payload needs the Operation it belongs to",
                        ));
                    };
                    Some(ResponsePayload::from_item(op, p, ctx)?)
                }
            };
            Ok(Self {
                operation,
                unique_batch_item_id: read_member(children, &[Tag::UniqueBatchItemID], ctx)?,
                result_status: read_member(children, &[Tag::ResultStatus], ctx)?,
                result_reason: read_member(children, &[Tag::ResultReason], ctx)?,
                result_message: read_member(children, &[Tag::ResultMessage], ctx)?,
                asynchronous_correlation_value: read_member(
                    children,
                    &[Tag::AsynchronousCorrelationValue],
                    ctx,
                )?,
                payload,
                message_extension: read_member(children, &[Tag::MessageExtension], ctx)?,
                extensions: unclaimed(children, RESPONSE_ITEM_TAGS, ctx)?,
            })
        };
        read().map_err(|e| in_parent(e, Tag::BatchItem))
    }
}
