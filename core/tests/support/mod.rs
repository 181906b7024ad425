//! Helpers of the core's integration tests that need the core's types: clients of live servers,
//! clusters, misbehaving servers, log chains. The PyKMIP driver itself is the shared test kit
//! (`conformance/testkit`), re-exported by `pykmip`.
// Each test binary compiles all of this and uses a part of it.
#![allow(dead_code, unused_imports)]

pub mod chain;
pub mod client;
pub mod cluster;
pub mod fake;
pub mod pykmip;
