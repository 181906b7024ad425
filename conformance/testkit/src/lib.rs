//! Test support shared by the live tests of the core (`core/tests/live_*.rs`) and of the command
//! line (`cli/tests/live_*.rs`): one driver for the PyKMIP harness, one writer of test
//! configurations, one runner of the `kmipkit` binary.
//!
//! - [`TestServer`]: a real key server on 127.0.0.1 with a fresh PKI, started through its
//!   harness and stopped (by its PID) when dropped, also when the test panics; it can be killed
//!   and restarted to test failover. PyKMIP 0.11 (`conformance/pykmip/kmip-test-server`) by
//!   default, Cosmian KMS 5.28 (`conformance/cosmian/kms-test-server`) with
//!   `KMIPKIT_TEST_SERVER=cosmian` ([`Family`]).
//! - [`DIFFERENCES`]: the one table of measured differences between the families, which the
//!   tests consult through [`differs`] (assert the other server's answer) and [`excluded`]
//!   (PyKMIP-specific tests, excluded with the reason printed).
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
mod differences;
mod family;
mod scratch;
mod server;

pub use config::{Entry, FAST_TIMEOUTS, servers_toml, write_config, write_private};
pub use differences::{
    DIFFERENCES, Difference, Kind, difference, difference_for, differs, excluded,
};
pub use family::{Family, SERVER_VARIABLE};
pub use scratch::{scratch, scratch_root};
pub use server::{ServerCert, TestServer, free_port, wait_listening};
