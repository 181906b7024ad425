//! Core errors as JS errors, and how their kind, code and Result Reason reach JavaScript.
//!
//! A napi promise can only reject with a `napi::Error`, whose JS `code` is one of napi's own
//! status names, so the structured part travels in the message instead: the reason of every
//! error made here is
//!
//! ```text
//! kmipkit-error:{"kind":"Server","symbol":"KMIPKIT_SERVER","kmipkitCode":769,"category":"server","reason":"ItemNotFound",...}
//! key server refused Get: ItemNotFound (...)
//! ```
//!
//! that is [`MARKER`], one line of JSON (no newline inside: serde_json escapes them), a newline,
//! then the core's message. `node/index.js` (`fromNative`) splits it and builds the
//! `KmipkitError` subclass of the kind's category with `.code` (`KMIPKIT_<CATEGORY>`),
//! `.kmipkitCode`, `.kind` and `.reason`; anything without the marker is rethrown unchanged.
//! The core's messages never contain key bytes, passwords or plaintext, and neither does the
//! header.
//!
//! Errors in the arguments a binding method receives (an unknown attribute name, a bad
//! setting) are core errors too (`Encode`, `Config`): the core's parsers report them.

use kmipkit::{Error, ErrorKind};
use napi::Status;
use napi_derive::napi;
use serde_json::{Map, Value as Json, json};

/// What starts the reason of an error carrying a core error's header.
pub const MARKER: &str = "kmipkit-error:";

/// The JS error for a core error: see the module documentation for its shape.
pub fn to_napi(err: Error) -> napi::Error {
    let kind = err.kind();
    let mut header = Map::new();
    header.insert("kind".into(), json!(kind.name()));
    header.insert("symbol".into(), json!(kind.symbol()));
    header.insert("kmipkitCode".into(), json!(kind.code()));
    header.insert("category".into(), json!(kind.category().name()));
    match &err {
        Error::Server {
            operation,
            reason,
            message,
            explanation,
        } => {
            header.insert("reason".into(), json!(reason.to_string()));
            header.insert("operation".into(), json!(operation.and_then(|o| o.name())));
            header.insert("resultMessage".into(), json!(message));
            header.insert("explanation".into(), json!(explanation));
        }
        Error::Config { file, line, .. } => {
            header.insert("file".into(), json!(file));
            header.insert("line".into(), json!(line));
        }
        Error::AllServersFailed { attempts, .. } => {
            let list: Vec<Json> = attempts
                .iter()
                .map(|a| json!({ "server": a.server, "kind": a.error.kind().name(), "message": a.error.to_string() }))
                .collect();
            header.insert("attempts".into(), Json::Array(list));
        }
        _ => {}
    }
    napi::Error::new(
        Status::GenericFailure,
        format!("{MARKER}{}\n{err}", Json::Object(header)),
    )
}

/// One stable error kind, for the package's test that every kind has its class.
#[napi(object)]
pub struct ErrorKindInfo {
    /// The kind's stable name (`"Integrity"`).
    pub name: String,
    /// The kind's stable numeric code (`0x0501`).
    pub code: u32,
    /// The kind's stable string code (`"KMIPKIT_INTEGRITY"`), the errors' `.code`.
    pub symbol: String,
    /// The kind's category (`"ciphertext"`).
    pub category: String,
}

/// Every kind the core has, in code order.
#[napi]
pub fn error_kinds() -> Vec<ErrorKindInfo> {
    ErrorKind::ALL
        .iter()
        .map(|k| ErrorKindInfo {
            name: k.name().to_string(),
            code: k.code(),
            symbol: k.symbol().to_string(),
            category: k.category().name().to_string(),
        })
        .collect()
}

/// The error a cancelled operation rejects with. The JS layer has already rejected the caller's
/// promise with an `AbortError` by then and ignores this one; it only ends the native promise.
pub fn aborted() -> napi::Error {
    napi::Error::new(Status::Cancelled, "the operation was aborted")
}

/// A method called on a closed client.
pub fn closed() -> napi::Error {
    napi::Error::new(
        Status::Closing,
        "this kmipkit client is closed; connect a new one with Client.connect()",
    )
}
