//! One log event per batch item of every request the client sends, success or failure.
//!
//! Built in one place, [`Client::exchange`](super::Client), from the request's and reply's
//! TTLV: only the operation, unique identifiers, the Name attribute's text, batch item ids and
//! sizes are read. Key material, passwords and data are never looked at, so they cannot reach
//! an event (events have no byte fields at all; see [`crate::observe::Event`]).

use std::net::IpAddr;
use std::time::Duration;

use crate::error::Error;
use crate::observe::{Event, Level, Logger, Outcome, now_ms};
use crate::session::{Outcome as ItemOutcome, Request};
use crate::spec::{Operation, Tag};
use crate::transport::Transport;
use crate::ttlv::{Item, Limits, Value};

/// What a batch item of a request names, read from its TTLV.
#[derive(Debug, Default, Clone)]
pub(super) struct ItemInfo {
    uid: Option<String>,
    name: Option<String>,
    batch_id: Option<String>,
}

/// The items of a request (by position), or of a response.
pub(super) fn items(bytes: &[u8], limits: &Limits, payload: Tag) -> Vec<ItemInfo> {
    // Borrowed decoding: no copy of any key material is made.
    let Ok(message) = Item::decode(bytes, limits) else {
        return Vec::new();
    };
    message
        .children_with(Tag::BatchItem)
        .map(|batch| {
            let payload = batch.child(payload);
            ItemInfo {
                uid: payload
                    .and_then(|p| p.child(Tag::UniqueIdentifier))
                    .and_then(text),
                name: payload.and_then(|p| name_value(p, 4)),
                batch_id: match batch.child(Tag::UniqueBatchItemID).map(|i| &i.value) {
                    Some(Value::ByteString(id)) => {
                        Some(id.iter().map(|b| format!("{b:02x}")).collect())
                    }
                    _ => None,
                },
            }
        })
        .collect()
}

fn text(item: &Item<'_>) -> Option<String> {
    match &item.value {
        Value::TextString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The first Name Value text under `item` (1.x template attributes or 2.x attributes).
fn name_value(item: &Item<'_>, depth: usize) -> Option<String> {
    if item.tag == Tag::NameValue {
        return text(item);
    }
    if depth == 0 {
        return None;
    }
    item.children()
        .iter()
        .find_map(|c| name_value(c, depth - 1))
}

/// What is known about one exchange when it ends.
pub(super) struct Exchange<'a> {
    pub request: &'a Request,
    pub request_items: Vec<ItemInfo>,
    pub response_items: Vec<ItemInfo>,
    pub server: Option<String>,
    pub failed_attempts: usize,
    pub response_bytes: usize,
    pub elapsed: Duration,
}

/// Emits one event per batch item: `outcomes` per item, or `error` for the whole request.
pub(super) fn emit(
    logger: &Logger,
    transport: &Transport,
    user: Option<&str>,
    exchange: &Exchange<'_>,
    result: Result<&[ItemOutcome], &Error>,
) {
    let operations: Vec<Operation> = exchange.request.operations().collect();
    let count = operations.len();
    for (i, operation) in operations.into_iter().enumerate() {
        let request = exchange.request_items.get(i).cloned().unwrap_or_default();
        let response = exchange.response_items.get(i).cloned().unwrap_or_default();
        let mut event = Event::operation(operation.to_string(), now_ms());
        if let Some(server) = &exchange.server {
            let (ip, port) = match transport.server_address(server) {
                Some((host, port)) => (host.trim_matches(['[', ']']).parse::<IpAddr>().ok(), port),
                None => (None, 0),
            };
            event = event.server(server, ip, port);
        }
        event.key_name = request.name;
        event.key_uid = response.uid.or(request.uid);
        event.user = user.map(str::to_string);
        event.request_id = request.batch_id;
        let error = match result {
            Ok(outcomes) => outcomes.get(i).and_then(|o| o.as_ref().err()),
            Err(e) => Some(e),
        };
        let (outcome, reason) = match error {
            None => (Outcome::Success, None),
            Some(Error::Server { reason, .. }) => (Outcome::Failure, Some(reason.to_string())),
            Some(e) => (Outcome::Failure, Some(e.kind().to_string())),
        };
        let millis = u64::try_from(exchange.elapsed.as_millis()).unwrap_or(u64::MAX);
        event = event
            .finished(outcome, reason, millis)
            .detail(Level::Verbose, "version", exchange.request.version())
            .detail(Level::Verbose, "failed_servers", exchange.failed_attempts)
            .detail(Level::Debug, "batch_items", count)
            .detail(
                Level::Debug,
                "request_bytes",
                exchange.request.bytes().len(),
            )
            .detail(Level::Debug, "response_bytes", exchange.response_bytes);
        if let Some(e) = error {
            event = event.detail(Level::Verbose, "error", e);
        }
        logger.emit(event);
    }
}
