//! Helpers of the core's integration tests that need the core's types: clients of live servers,
//! clusters, misbehaving servers, log chains. The PyKMIP driver itself is the shared test kit
//! (`conformance/testkit`), re-exported by `pykmip`.
// Each test binary compiles all of this and uses a part of it.
#![allow(dead_code, unused_imports)]

pub mod chain;
// Clients and servers need the transport; the live tests are built only with feature `net`.
#[cfg(feature = "net")]
pub mod client;
#[cfg(feature = "net")]
pub mod cluster;
#[cfg(feature = "net")]
pub mod cosmian;
#[cfg(feature = "net")]
pub mod fake;
#[cfg(feature = "net")]
pub mod pykmip;
