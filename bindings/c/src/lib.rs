//! libkmipkit: the C ABI of kmipkit, declared in `c-header/kmipkit.h`.
//!
//! The conventions are rustls-ffi's:
//! - opaque handles made by `kmipkit_<thing>_new` (or `_load`, `_connect`) and released by
//!   `kmipkit_<thing>_free`, which accepts NULL;
//! - every fallible function returns a `kmipkit_result` (the core's stable error codes plus the
//!   binding's own) and keeps the message for the calling thread (`kmipkit_last_error_message`);
//! - outputs come last; a panic never crosses the boundary ([`boundary::ffi`]);
//! - bytes kmipkit returns are a `kmipkit_bytes`, wiped when freed; strings are `char *` freed
//!   by `kmipkit_string_free`.
//!
//! This is the only crate of the workspace with `unsafe`; each block says why it is sound in a
//! `// SAFETY:` comment (clippy's `undocumented_unsafe_blocks` is denied). Logic stays in the
//! core: a function here reads its arguments, calls the core and writes its outputs.
#![allow(non_camel_case_types)]
// The exported functions take raw pointers from C and are safe Rust functions on purpose, as in
// rustls-ffi: `unsafe fn` means nothing to a C caller, the pointer contract is in the header,
// and every dereference goes through the checked readers of `boundary`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod arrays;
pub mod attributes;
mod boundary;
pub mod bytes;
pub mod client;
pub mod codec;
pub mod config;
pub mod crypto_params;
pub mod envelope;
pub mod host_transport;
pub mod last_error;
pub mod observe;
pub mod operations;
pub mod result;
pub mod strings;
