//! The client's operations, one `#[napi] impl NativeClient` block per family (napi merges
//! them into one class), one method per core operation, named as the core's `OPERATIONS` list
//! names it (in camelCase in JavaScript):
//! - [`server`]: Query, Discover Versions, and the core's operation list;
//! - [`objects`]: Create (AES key), Get, Locate;
//! - [`lifecycle`]: Activate, Revoke, Destroy;
//! - [`attributes`]: Get Attributes;
//! - [`crypto`]: Encrypt and Decrypt on the server.
//!
//! Every method converts its arguments first (a bad one rejects before anything is sent), then
//! returns `client::promise(env, cancel, future)`; see `client.rs` for adding one.

mod attributes;
mod crypto;
mod lifecycle;
mod objects;
mod server;
