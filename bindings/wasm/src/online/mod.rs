//! The online half: a KMIP client over a transport the host supplies (an object with an async
//! `send(server, request, { signal, timeoutMs })`), with Model 1, Model 2 and rotation. Version
//! negotiation, failover, failover-safe creates and the envelope logic all run in the core over
//! its [`kmipkit::transport::HostLink`]; this module converts. wasm32 only: the link holds
//! JavaScript values, which are not `Send` as a native build's host link requires.

// The core's client, models and cache take `Arc`s (shared across threads on native); here they
// hold host values (JS objects, the host clock's `Cell`) that are neither `Send` nor `Sync`, and
// wasm32 runs one thread, so nothing is ever shared across threads.
#![allow(clippy::arc_with_non_send_sync)]

pub mod attribute_changes;
pub mod client;
pub mod convert;
pub mod host;
pub mod key_cache;
pub mod models;
pub mod more_operations;
pub mod operations;
pub mod signatures;
pub mod storage_operations;
pub mod streams;
