//! kmipkit: a KMIP client core.
//!
//! The codec is layered bottom-up:
//! - [`spec`]: every tag, item type and enumeration of KMIP 1.0 to 2.1, generated from one table;
//! - [`ttlv`]: the TTLV item tree and its binary, XML and JSON encodings;
//! - [`message`]: typed request and response messages built on the item tree.
//!
//! Above it, [`session`] builds requests and reads replies, [`client`] runs operations, failover
//! and the envelope models ([`envelope`]) over the I/O seam of [`transport`], with time and
//! randomness from [`platform`]. ARCHITECTURE.md draws the whole graph.
//!
//! The codec is sans-IO: it does no I/O and reads no clock, so it builds for `wasm32`.
//!
//! ```
//! use kmipkit::ttlv::{Item, Value, Limits};
//! let item = Item::new(0x420020, Value::Integer(8));
//! let bytes = item.to_bytes();
//! assert_eq!(bytes, [0x42, 0x00, 0x20, 0x02, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 0]);
//! assert_eq!(Item::from_bytes(&bytes, &Limits::default()).unwrap(), item);
//! ```
#![forbid(unsafe_code)]

pub mod client;
pub mod config;
pub mod envelope;
pub mod error;
pub mod files;
pub mod keys;
// First: its generated `for_each_enumeration!` is used by `message`.
#[macro_use]
pub mod spec;
pub mod message;
pub mod observe;
pub mod platform;
pub mod session;
pub mod time;
pub mod transport;
pub mod ttlv;

pub use error::{Attempt, Error, ErrorCategory, ErrorKind, Party};

/// The examples in the crate's README.md, compiled and run as doc tests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeExamples;

/// The examples in the repository's README.md, likewise. The published crate does not hold that
/// file, so `build.rs` sets `kmipkit_repository` only when it is there.
#[cfg(all(doctest, kmipkit_repository))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
