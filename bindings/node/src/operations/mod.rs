//! The client's operations, one `#[napi] impl NativeClient` block per family (napi merges
//! them into one class), one method per core operation, named as the core's `OPERATIONS` list
//! names it (in camelCase in JavaScript):
//! - [`server`]: Query, Discover Versions, and the core's operation list;
//! - [`objects`]: Create (AES key), Get, Locate;
//! - [`lifecycle`]: Activate, Revoke, Destroy;
//! - [`attributes`]: Get Attributes;
//! - [`crypto`]: Encrypt and Decrypt on the server;
//! - [`keys`]: Create, Create Key Pair, Register, Re-Key, Re-Key Key Pair, Derive Key, Check;
//! - [`attribute_changes`]: Get Attribute List, Add, Modify, Set and Delete Attribute;
//! - [`signatures_and_random`]: Sign, Signature Verify, MAC, MAC Verify, Hash, RNG;
//! - [`storage_and_async`]: Archive, Recover, Poll, Cancel.
//!
//! Every method converts its arguments first (a bad one rejects before anything is sent), then
//! returns `client::promise(env, cancel, future)`; see `client.rs` for adding one.

mod attribute_changes;
mod attributes;
mod crypto;
mod keys;
mod lifecycle;
mod objects;
mod server;
mod signatures_and_random;
mod storage_and_async;
