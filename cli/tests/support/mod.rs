//! The shared test kit (`conformance/testkit`: PyKMIP servers, scratch directories,
//! kmipkit.toml files), and runs of the `kmipkit` binary this crate builds.

#![allow(dead_code)]

use std::path::Path;

pub use kmipkit_testkit::cli::Run;
pub use kmipkit_testkit::{Entry, TestServer, scratch, write_config};

/// Runs the `kmipkit` binary with `config` in `cwd`, feeding `stdin`.
pub fn kmipkit(config: &Path, cwd: &Path, args: &[&str], stdin: &[u8]) -> Run {
    kmipkit_testkit::cli::run(
        Path::new(env!("CARGO_BIN_EXE_kmipkit")),
        config,
        cwd,
        args,
        stdin,
    )
}
