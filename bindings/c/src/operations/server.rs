//! About the server rather than an object: Query, Discover Versions, and Poll / Cancel of
//! asynchronous operations.

use std::ffi::c_char;

use kmipkit::message::*;
use kmipkit::spec::ProtocolVersion;

use super::{blocking, cleared, text_list};
use crate::boundary::{Outcome, bytes, fail, ffi};
use crate::bytes::give_string;
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;
use crate::strings::kmipkit_strings;

/// Query: what the server offers, as JSON text in `*out_json` (freed with
/// `kmipkit_string_free`): `{"operations": [names], "object_types": [names],
/// "vendor_identification": text or null, "server_information": text or null}` — the same
/// fields as Python's `Client.query()`.
///
/// ```c
/// char *json = NULL;
/// if (kmipkit_client_query(client, &json) == KMIPKIT_RESULT_OK) {
///     puts(json);
///     kmipkit_string_free(json);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_query(
    client: *const kmipkit_client,
    out_json: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_query", || {
        let slot = cleared(out_json, "out_json")?;
        let r = blocking(client)?.run(|c| c.query_all())?;
        let names = |v: Vec<String>| serde_json::Value::from(v);
        let info = r
            .server_information
            .as_ref()
            .map(ServerInformation::summary);
        let json = serde_json::json!({
            "operations": names(r.operation.iter().map(ToString::to_string).collect()),
            "object_types": names(r.object_type.iter().map(ToString::to_string).collect()),
            "vendor_identification": r.vendor_identification,
            "server_information": info,
        });
        *slot = give_string(json.to_string());
        Ok(())
    })
}

fn versions(texts: Vec<String>) -> Outcome<Vec<ProtocolVersion>> {
    texts
        .iter()
        .map(|t| {
            t.parse().or_else(|e| {
                fail(
                    kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                    format!("argument `offered`: {e}: {t:?}"),
                )
            })
        })
        .collect()
}

/// Discover Versions: the protocol versions (of the `count` versions in `offered`, e.g.
/// `"1.4"`; 0 for all) the server supports, in the order it answers (its preference), as
/// `*out_versions` (`"2.0"`, `"1.4"`, ...; freed with `kmipkit_strings_free`).
///
/// ```c
/// kmipkit_strings *versions = NULL;
/// kmipkit_client_discover_versions(client, NULL, 0, &versions);
/// printf("newest: %s\n", kmipkit_strings_at(versions, 0));
/// kmipkit_strings_free(versions);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_discover_versions(
    client: *const kmipkit_client,
    offered: *const *const c_char,
    count: usize,
    out_versions: *mut *mut kmipkit_strings,
) -> kmipkit_result {
    ffi("kmipkit_client_discover_versions", || {
        let slot = cleared(out_versions, "out_versions")?;
        let offered = versions(text_list(offered, count, "offered")?)?;
        let answered = blocking(client)?.run(move |c| c.discover_versions(offered))?;
        *slot = kmipkit_strings::give(answered.into_iter().map(|v| v.to_string()));
        Ok(())
    })
}

/// Poll: asks about the asynchronous operation whose correlation value is `correlation`
/// (`len` bytes, from the server's earlier answer).
///
/// ```c
/// kmipkit_client_poll(client, correlation, correlation_len);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_poll(
    client: *const kmipkit_client,
    correlation: *const u8,
    len: usize,
) -> kmipkit_result {
    ffi("kmipkit_client_poll", || {
        let request = PollRequest::new(bytes(correlation, len, "correlation")?.to_vec());
        blocking(client)?.run(move |c| c.poll(request))?;
        Ok(())
    })
}

/// Cancel: cancels the asynchronous operation whose correlation value is `correlation`.
///
/// ```c
/// kmipkit_client_cancel(client, correlation, correlation_len);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_cancel(
    client: *const kmipkit_client,
    correlation: *const u8,
    len: usize,
) -> kmipkit_result {
    ffi("kmipkit_client_cancel", || {
        let request = CancelRequest::new(bytes(correlation, len, "correlation")?.to_vec());
        blocking(client)?.run(move |c| c.cancel(request))?;
        Ok(())
    })
}
