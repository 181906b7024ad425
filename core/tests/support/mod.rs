//! Helpers shared by the integration tests that need a live key server.
#![allow(dead_code)]

pub mod chain;
pub mod client;
pub mod cluster;
pub mod fake;
pub mod pykmip;
