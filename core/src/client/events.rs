//! One log event per batch item of every request the client sends, success or failure.
//!
//! Built in one place, [`Client::exchange`](super::Client), from the request's and reply's
//! TTLV: only the operation, unique identifiers, the Name attribute's text, batch item ids and
//! sizes are read. Key material, passwords and data are never looked at, so they cannot reach
//! an event (events have no byte fields at all; see [`crate::observe::Event`]).

use std::net::IpAddr;
use std::time::Duration;

#[cfg(feature = "net")]
use crate::config::Config;
use crate::error::Error;
#[cfg(feature = "net")]
use crate::observe::EventKind;
use crate::observe::{Event, Level, Logger, Outcome};
use crate::session::{Outcome as ItemOutcome, Request};
use crate::spec::{Operation, Tag};
use crate::transport::{Cluster, Reply};
use crate::ttlv::text::hex_lower;
use crate::ttlv::{Item, Limits, Value};

/// What a batch item of a request names, read from its TTLV.
#[derive(Debug, Default, Clone)]
pub(super) struct ItemInfo {
    /// The tag names directly under the payload (debug level): structure, never values.
    tags: Vec<&'static str>,
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
                tags: payload
                    .map(|p| p.children().iter().filter_map(|c| c.tag.name()).collect())
                    .unwrap_or_default(),
                uid: payload
                    .and_then(|p| p.child(Tag::UniqueIdentifier))
                    .and_then(text),
                name: payload.and_then(|p| name_value(p, 4)),
                batch_id: match batch.child(Tag::UniqueBatchItemID).map(|i| &i.value) {
                    Some(Value::ByteString(id)) => Some(hex_lower(id)),
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

/// Where and as whom events about one client's exchanges are written, and when.
pub(super) struct Observer<'a> {
    pub logger: &'a Logger,
    pub cluster: &'a Cluster,
    /// The KMIP user name, if the client sends a credential.
    pub user: Option<&'a str>,
    /// The calendar time the events carry.
    pub unix_ms: u64,
}

/// Emits one event per batch item: `outcomes` per item, or `error` for the whole request.
pub(super) fn emit(
    observer: &Observer<'_>,
    exchange: &Exchange<'_>,
    result: Result<&[ItemOutcome], &Error>,
) {
    let Observer {
        logger,
        cluster,
        user,
        unix_ms,
    } = *observer;
    let operations: Vec<Operation> = exchange.request.operations().collect();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let exchange_id = format!("{}-{n}", crate::platform::process_id());
    let count = operations.len();
    for (i, operation) in operations.into_iter().enumerate() {
        let request = exchange.request_items.get(i).cloned().unwrap_or_default();
        let response = exchange.response_items.get(i).cloned().unwrap_or_default();
        let mut event = Event::operation(operation.to_string(), unix_ms);
        let failed_on = result.err().and_then(server_of);
        let server = exchange.server.as_deref().or(failed_on);
        if let Some(server) = server {
            let (ip, port) = match cluster.server_address(server) {
                Some((host, port)) => (host.trim_matches(['[', ']']).parse::<IpAddr>().ok(), port),
                None => (None, 0),
            };
            event = event.server(server, ip, port);
        }
        event.key_name = request.name;
        event.key_uid = response.uid.or(request.uid);
        // Servers of a cluster may know the client by different certificates: the identity is
        // the one shown to the server this event is about.
        event.user = user
            .or_else(|| server.and_then(|s| cluster.client_identity(s)))
            .map(str::to_string);
        // One id per request, unique on this host while the process lives; batch items of the
        // same request share it and carry their own batch item id.
        event.request_id = Some(exchange_id.clone());
        if let Some(batch_id) = request.batch_id {
            event = event.detail(Level::Basic, "batch_item_id", batch_id);
        }
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
            .detail(Level::Debug, "response_bytes", exchange.response_bytes)
            .detail(Level::Debug, "request_tags", request.tags.join(","))
            .detail(Level::Debug, "response_tags", response.tags.join(","));
        if let Some(e) = error {
            event = event.detail(Level::Verbose, "error", e);
        }
        logger.emit(event);
    }
}
/// A Discover Versions exchange of the version negotiation, which is sent outside
/// `Client::exchange`.
pub(super) struct Negotiated<'a> {
    pub request: &'a Request,
    pub reply: Option<&'a Reply>,
    pub error: Option<&'a Error>,
    pub elapsed: Duration,
}

/// Logs a negotiation step like any operation.
pub(super) fn log_negotiation(observer: &Observer<'_>, step: Negotiated<'_>) {
    let logger = observer.logger;
    if logger.level() == Level::None && !logger.has_audit() {
        return;
    }
    let reply = step.reply;
    let exchange = Exchange {
        request: step.request,
        request_items: Vec::new(),
        response_items: Vec::new(),
        server: reply.map(|r| r.server.clone()),
        failed_attempts: reply.map_or(0, |r| r.failed_attempts.len()),
        response_bytes: reply.map_or(0, |r| r.bytes.len()),
        elapsed: step.elapsed,
    };
    let result = match step.error {
        Some(e) => Err(e),
        None => Ok(&[][..]),
    };
    emit(observer, &exchange, result);
}

/// Logs the configuration just loaded as one `config_change` event (one log line, one audit
/// row per start, not one per setting): the settings that matter for an audit (which file, which
/// servers, which key, how logging is set up) and `config_digest`, a short SHA-256 over them, so
/// a change between two starts shows as a different digest. Never a secret: the file holds none,
/// and only names and paths are logged.
#[cfg(feature = "net")]
pub(super) fn log_configuration(logger: &Logger, config: &Config) {
    if logger.level() == Level::None && !logger.has_audit() {
        return;
    }
    logger.emit(configuration_event(config, crate::observe::now_ms()));
}

#[cfg(feature = "net")]
fn configuration_event(config: &Config, unix_ms: u64) -> Event {
    let servers = config
        .servers
        .iter()
        .map(|s| format!("{} {}:{}", s.name, s.host, s.port))
        .collect::<Vec<_>>()
        .join(", ");
    let settings = [
        (
            "config_file",
            config.path.as_ref().map(|p| p.display().to_string()),
        ),
        ("servers", Some(servers)),
        ("key_name", config.key.name.clone()),
        ("log_level", Some(config.log.level.to_string())),
        ("log_format", Some(config.log.format.to_string())),
        (
            "audit_path",
            config.audit.as_ref().map(|a| a.path.display().to_string()),
        ),
    ];
    let canonical = settings
        .iter()
        .map(|(k, v)| format!("{k}={}\n", v.as_deref().unwrap_or("")))
        .collect::<String>();
    let digest = crate::observe::chain::link(&[0; 32], &canonical, "");
    let mut event = Event::new(EventKind::ConfigChange, "config_change", unix_ms).detail(
        Level::Basic,
        "setting",
        "configuration",
    );
    for (key, value) in settings {
        if let Some(value) = value {
            event = event.detail(Level::Basic, key, value);
        }
    }
    event.detail(
        Level::Basic,
        "config_digest",
        &crate::observe::chain::hex(&digest)[..16],
    )
}

/// The server a transport error names (the last one tried, when all failed).
fn server_of(error: &Error) -> Option<&str> {
    match error {
        Error::Connect { server, .. }
        | Error::Tls { server, .. }
        | Error::Certificate { server, .. }
        | Error::Authentication { server, .. }
        | Error::Timeout { server, .. }
        | Error::ConnectionLost { server, .. } => Some(server),
        Error::AllServersFailed { attempts, .. } => attempts.last().map(|a| a.server.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "net")]
    fn the_configuration_is_one_event_whose_digest_follows_the_settings() {
        let text = |level: &str| {
            format!(
                "[primary]\nname = \"dc1\"\nhost = \"kms1\"\nca = \"ca.pem\"\nclient_cert = \"c.pem\"\nclient_key = \"c.key\"\n\
                 [[secondary]]\nhost = \"kms2\"\nca = \"ca.pem\"\nclient_cert = \"c.pem\"\nclient_key = \"c.key\"\n\
                 [log]\nlevel = \"{level}\"\npath = \"kmipkit.log\"\n[audit]\npath = \"audit.csv\"\n"
            )
        };
        let event = |level: &str| {
            let config = Config::from_toml(&text(level), std::path::Path::new("/etc/kmipkit"));
            configuration_event(&config.unwrap(), 0)
        };
        let basic = event("basic");
        let fields = basic.fields(Level::Basic);
        let value = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(value("event"), Some("config_change"));
        assert_eq!(value("setting"), Some("configuration"));
        assert_eq!(
            value("servers"),
            Some("dc1 kms1:5696, secondary-1 kms2:5696")
        );
        assert_eq!(value("log_level"), Some("basic"));
        assert_eq!(value("audit_path"), Some("/etc/kmipkit/audit.csv"));
        let digest = value("config_digest").unwrap();
        assert_eq!(digest.len(), 16);
        assert_eq!(
            event("basic").fields(Level::Basic),
            fields,
            "same settings, same event"
        );
        let verbose = event("verbose");
        let changed = verbose.fields(Level::Basic);
        assert_ne!(
            changed
                .iter()
                .find(|(k, _)| *k == "config_digest")
                .unwrap()
                .1,
            digest
        );
    }
    use crate::message::{GetRequest, RequestMessage};
    use crate::session::Session;
    use crate::spec::ProtocolVersion;

    #[test]
    fn items_name_each_batch_item_by_uid_and_hex_batch_id() {
        let mut session = Session::new(ProtocolVersion::V1_4);
        let payloads = vec![
            GetRequest::new(Some("uid-1".into())).into(),
            GetRequest::new(Some("uid-2".into())).into(),
        ];
        let request = session.request(payloads, 0).unwrap();
        let limits = Limits::default();
        let message = RequestMessage::from_bytes(request.bytes(), &limits).unwrap();
        let found = items(request.bytes(), &limits, Tag::RequestPayload);
        assert_eq!(found.len(), 2);
        for (info, (batch, uid)) in found
            .iter()
            .zip(message.batch_items.iter().zip(["uid-1", "uid-2"]))
        {
            let id = batch.unique_batch_item_id.as_ref().unwrap();
            let expected: String = id.0.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(info.batch_id.as_deref(), Some(expected.as_str()));
            assert_eq!(info.uid.as_deref(), Some(uid));
            assert_eq!(info.tags, ["UniqueIdentifier"]);
        }
        assert!(items(b"not ttlv", &limits, Tag::RequestPayload).is_empty());
    }
}
