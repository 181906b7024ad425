//! Test support shared by the live tests of the core (`core/tests/live_*.rs`) and of the command
//! line (`cli/tests/live_*.rs`): one driver for the PyKMIP harness, one writer of test
//! configurations, one runner of the `kmipkit` binary.
//!
//! - [`TestServer`]: a real PyKMIP 0.11 server on 127.0.0.1 with a fresh PKI, started through
//!   `conformance/pykmip/kmip-test-server` and stopped (by its PID) when dropped, also when the
//!   test panics; it can be killed and restarted to test failover.
//! - [`scratch`]: a fresh private directory per test under Cargo's target directory.
//! - [`Entry`], [`servers_toml`], [`write_config`], [`write_private`]: `kmipkit.toml` files
//!   (mode 0600, as the configuration loader demands) naming the servers' PKI files.
//! - [`cli::run`]: the `kmipkit` binary with a configuration, stdin, and its exit code and output.
//!
//! ```no_run
//! use kmipkit_testkit::{Entry, TestServer, scratch, write_config};
//!
//! let server = TestServer::start(0); // 0: the harness picks a free port
//! let dir = scratch("example");
//! let config = write_config(&dir, "kmipkit.toml", &[Entry::of("kms1", &server)], "");
//! assert!(std::fs::read_to_string(&config).unwrap().contains("[primary]"));
//! ```
//!
//! The crate does not depend on `kmipkit` (see its Cargo.toml): it hands out paths and PEM
//! bytes; the core's tests turn them into `TlsMaterial` themselves.

pub mod cli;
mod config;
pub mod interim_cosmian;
mod scratch;
mod server;

pub use config::{Entry, FAST_TIMEOUTS, servers_toml, write_config, write_private};
pub use scratch::{scratch, scratch_root};
pub use server::{ServerCert, TestServer, free_port, wait_listening};
