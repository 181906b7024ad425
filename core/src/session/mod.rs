//! Sans-IO KMIP session: builds request messages and matches responses to them.
//!
//! Nothing here does I/O or reads a clock: callers pass the current time in and move bytes
//! themselves, so the same logic serves the tokio transport, a browser's `fetch` and tests.
//!
//! ```
//! use kmipkit::message::{DiscoverVersionsRequest, RequestPayload};
//! use kmipkit::session::Session;
//! use kmipkit::spec::ProtocolVersion;
//!
//! let mut session = Session::new(ProtocolVersion::V1_4);
//! let request = session.request(vec![DiscoverVersionsRequest::new(vec![]).into()], 1_700_000_000)?;
//! assert_eq!(&request.bytes()[..3], &[0x42, 0x00, 0x78]); // a RequestMessage
//! # Ok::<(), kmipkit::Error>(())
//! ```

mod continuation;
mod negotiate;
mod outcome;
mod strict;

pub use negotiate::{Negotiation, Step};
pub use outcome::{Outcome, check_reply};

use zeroize::Zeroize;

use crate::error::Result;
use crate::message::{
    Authentication, Bytes, Credential, DateTime, RequestBatchItem, RequestMessage, RequestPayload,
};
use crate::spec::{BatchErrorContinuationOption, Operation, ProtocolVersion};

/// Protocol state shared by the requests of one client: version, credential, batch ids.
#[derive(Debug, Clone)]
pub struct Session {
    version: ProtocolVersion,
    credential: Option<Credential>,
    maximum_response_size: Option<i32>,
    next_batch_id: u32,
}

impl Session {
    /// A session speaking `version`, without credentials.
    pub fn new(version: ProtocolVersion) -> Self {
        Self {
            version,
            credential: None,
            maximum_response_size: None,
            next_batch_id: 1,
        }
    }

    /// Adds a KMIP Credential to every request (on top of the TLS client certificate).
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// Asks the server to keep responses at or below `bytes`.
    pub fn with_maximum_response_size(mut self, bytes: i32) -> Self {
        self.maximum_response_size = Some(bytes);
        self
    }

    /// The protocol version requests are written in.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Switches the protocol version (after negotiation).
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// Builds a request carrying `payloads` as one batch, stamped `now` (Unix seconds).
    ///
    /// Batches of more than one item get unique batch item ids so that answers can be matched
    /// whatever order the server returns them in; a payload without a Unique Identifier uses
    /// the ID placeholder left by the previous item (KMIP batches, e.g. Create then Activate).
    /// When every item names its object, nothing depends on an earlier item, and the batch
    /// asks the server to continue past a failed item (Batch Error Continuation Option
    /// Continue) so that every item gets its own answer; otherwise KMIP's default, Stop.
    ///
    /// Fails with [`Error::Encode`](crate::Error::Encode) when a payload uses a field that the
    /// session's protocol version does not define (strict encoding).
    pub fn request(&mut self, payloads: Vec<RequestPayload>, now: i64) -> Result<Request> {
        let batched = payloads.len() > 1;
        let items: Vec<RequestBatchItem> = payloads
            .into_iter()
            .map(|payload| {
                let mut item = RequestBatchItem::new(payload);
                if batched {
                    item.unique_batch_item_id =
                        Some(Bytes(self.next_batch_id.to_be_bytes().to_vec()));
                    self.next_batch_id = self.next_batch_id.wrapping_add(1);
                }
                item
            })
            .collect();
        let mut message = RequestMessage::new(self.version, items);
        message.header.time_stamp = Some(DateTime(now));
        message.header.maximum_response_size = self.maximum_response_size;
        message.header.authentication = self.credential.clone().map(Authentication::new);
        // The tree copies every byte string of the message (a key to Register, a DEK to Encrypt).
        let mut tree = WipedOnDrop(message.to_item());
        if batched && continuation::items_are_independent(&tree.0) {
            message.header.batch_error_continuation_option =
                Some(BatchErrorContinuationOption::Continue);
            tree = WipedOnDrop(message.to_item());
        }
        let item = &tree.0;
        strict::check_version(item, self.version)?;
        // TTLV lengths are 32-bit: refuse here rather than let the encoder panic.
        if u32::try_from(item.encoded_len()).is_err() {
            return Err(crate::Error::Encode {
                what: "request".into(),
                reason: format!(
                    "{} bytes do not fit one TTLV message (at most 4 GiB); split the data",
                    item.encoded_len()
                ),
            });
        }
        Ok(Request::from_item(&message, item))
    }
}

/// An item tree that is wiped ([`Item::wipe`](crate::ttlv::Item::wipe)) when it drops, on every path.
struct WipedOnDrop(crate::ttlv::Item<'static>);

impl Drop for WipedOnDrop {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

/// A request ready to send, remembering what it asked so the reply can be checked.
///
/// Its bytes may carry key material (Register, Encrypt of a key) or a password, so they are
/// wiped when the request is dropped.
#[derive(Clone)]
pub struct Request {
    bytes: Vec<u8>,
    items: Vec<(Operation, Option<Bytes>)>,
    version: ProtocolVersion,
}

impl Drop for Request {
    fn drop(&mut self) {
        // Through the slice: one memset, where `Vec::zeroize` stores byte by byte.
        self.bytes.as_mut_slice().zeroize();
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field(
                "operations",
                &self.items.iter().map(|(op, _)| *op).collect::<Vec<_>>(),
            )
            .field("version", &self.version)
            .finish()
    }
}

impl Request {
    /// Wraps a complete request message (for callers that build messages themselves; no
    /// strict-encoding check is made).
    pub fn from_message(message: RequestMessage) -> Self {
        Self::from_item(&message, &WipedOnDrop(message.to_item()).0)
    }

    fn from_item(message: &RequestMessage, item: &crate::ttlv::Item<'_>) -> Self {
        let items = message
            .batch_items
            .iter()
            .map(|b| (b.operation, b.unique_batch_item_id.clone()))
            .collect();
        Self {
            bytes: item.to_bytes(),
            items,
            version: message.header.protocol_version,
        }
    }

    /// The TTLV bytes to send.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The operations of the batch, in order.
    pub fn operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.items.iter().map(|(op, _)| *op)
    }

    /// The protocol version the request was written in.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }
}
