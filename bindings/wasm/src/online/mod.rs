//! The online half: a KMIP client over a transport the host supplies (an object with an async
//! `send(server, request, { signal, timeoutMs })`), with Model 1, Model 2 and rotation. Version
//! negotiation, failover, failover-safe creates and the envelope logic all run in the core over
//! its [`kmipkit::transport::HostLink`]; this module converts. wasm32 only: the link holds
//! JavaScript values, which are not `Send` as a native build's host link requires.

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
