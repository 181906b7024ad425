//! kmipkit for WebAssembly: the sans-IO core compiled with wasm-bindgen for browsers, edge
//! runtimes and Node. This crate converts types and nothing else; the logic is the core's.
//!
//! Offline part (no key server): the KMIP codec ([`codec`]), the envelope format with a data key
//! the caller holds, in memory ([`envelope`]) and chunk by chunk ([`stream`]), reading headers
//! and protected DEKs ([`header`]) and log-chain verification ([`logverify`]). Randomness comes
//! from `crypto.getRandomValues` ([`random`]). Errors are JavaScript `Error`s ([`errors`]).
//!
//! Online part (`online`: wasm32 only, feature `online`, on by default): a KMIP client over a
//! transport the host supplies (`node:tls`, `fetch`), with Model 1, Model 2 and rotation, all
//! run by the core.
//!
//! The npm package in `wasm/` wraps these exports in an idiomatic ES module.

pub mod codec;
pub mod envelope;
pub mod errors;
pub mod header;
pub mod logverify;
#[cfg(all(target_arch = "wasm32", feature = "online"))]
pub mod online;
pub mod random;
pub mod stream;
pub mod webcrypto;

use wasm_bindgen::JsValue;

/// A plain JavaScript value (objects, arrays, strings, numbers, null) from JSON, for results
/// that are documents rather than handles.
pub(crate) fn json_value(doc: &serde_json::Value) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&doc.to_string())
}
