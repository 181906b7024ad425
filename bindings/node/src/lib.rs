//! The native addon behind the npm package `kmipkit` (`node/`): the core's async
//! [`kmipkit::client::Client`] as a napi class whose methods return Promises run on napi's tokio
//! runtime, so the event loop never waits on a key server.
//!
//! Only conversions live here (JS values <-> core types); the idiomatic API, the error classes
//! and `AbortSignal` handling are in `node/index.js`. Layout:
//! - [`errors`]: core errors -> JS errors (the transport of kind, code and Result Reason);
//! - [`cancel`]: the `Canceller` an `AbortSignal` triggers;
//! - [`config`]: `kmipkit.toml` path or plain object -> the core's `Config`;
//! - [`client`]: connect, close, and the promise helper every operation uses;
//! - [`operations`]: one file per family of operations, one method per core operation;
//! - [`convert`]: JS values <-> core values (attributes, parameters, results);
//! - [`codec`]: TTLV <-> KMIP JSON/XML, the dump and the typed message model;
//! - [`log_verify`]: verification of a tamper-evident log;
//! - [`stats`]: the pool's connection counters per server.
//! - [`envelope`]: Model 1, Model 2, push streams, rotation, the key cache, the format with a
//!   caller's key.

// napi-derive registers the exported free functions only outside `cfg(test)`; clippy's
// `--all-targets` test build would call them unused.
#![cfg_attr(test, allow(dead_code))]

mod cancel;
mod client;
mod codec;
mod config;
mod convert;
mod envelope;
mod errors;
mod log_verify;
mod operations;
mod runtime;
mod stats;
