//! A live Cosmian KMS 5.28 server through `conformance/cosmian/kms-test-server`, for the server
//! profile tests — interim: kept apart from [`TestServer`](crate::TestServer) so it can give way
//! to the test kit's own Cosmian support once that lands, without touching anything else.
//!
//! Stopped (by the PID the harness recorded) when dropped, also when the test panics.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::Entry;

/// A running Cosmian KMS on 127.0.0.1 with the harness's JSON report (`port`, `https_port`,
/// `ca`, `client_cert`, `client_key`, ... see conformance/cosmian/README.md).
///
/// ```no_run
/// use kmipkit_testkit::interim_cosmian::CosmianServer;
/// let server = match CosmianServer::start() {
///     Ok(server) => server,
///     Err(why) => return eprintln!("SKIP: {why}"), // the build is impossible here
/// };
/// assert!(server.path("ca").is_file());
/// ```
pub struct CosmianServer {
    info: Value,
    dir: PathBuf,
}

impl CosmianServer {
    /// Starts a server on free ports with a fresh PKI. `Err` with the harness's reason when the
    /// harness says the build is impossible on this machine (exit status 3); any other
    /// failure panics.
    pub fn start() -> Result<Self, String> {
        let dir = crate::scratch("cosmian");
        let output = Command::new(harness())
            .args(["start", "--dir"])
            .arg(&dir)
            .args(["--port", "0", "--json"])
            .stdin(Stdio::null())
            .output()
            .expect("run conformance/cosmian/kms-test-server");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() == Some(3) {
            return Err(format!(
                "Cosmian KMS cannot be built here: {}",
                stderr.trim()
            ));
        }
        assert!(
            output.status.success(),
            "kms-test-server start failed ({}): {stderr}",
            output.status
        );
        let info: Value =
            serde_json::from_slice(&output.stdout).expect("kms-test-server --json output");
        Ok(Self { info, dir })
    }

    /// The KMIP (TTLV over mutual TLS) port.
    pub fn port(&self) -> u16 {
        self.info["port"].as_u64().expect("port") as u16
    }

    /// A string of the harness's report.
    pub fn value(&self, key: &str) -> &str {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("no `{key}` in {}", self.info))
    }

    /// A file path of the harness's report (`ca`, `client_cert`, `client_key`, ...).
    pub fn path(&self, key: &str) -> PathBuf {
        PathBuf::from(self.value(key))
    }

    /// The contents of a file of the report.
    pub fn pem(&self, key: &str) -> Vec<u8> {
        std::fs::read(self.path(key))
            .unwrap_or_else(|e| panic!("read {}: {e}", self.path(key).display()))
    }

    /// The server as a `kmipkit.toml` entry named `name`, with the good client identity.
    pub fn entry<'a>(&self, name: &'a str) -> Entry<'a> {
        Entry {
            name,
            port: self.port(),
            ca: self.path("ca"),
            cert: self.path("client_cert"),
            key: self.path("client_key"),
        }
    }
}

impl Drop for CosmianServer {
    fn drop(&mut self) {
        let status = Command::new(harness())
            .args(["stop", "--dir"])
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!(
                "kms-test-server stop --dir {} failed: {status:?}",
                self.dir.display()
            );
        }
    }
}

fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../cosmian/kms-test-server")
}
