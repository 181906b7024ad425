//! A live Cosmian KMS 5.28 for the Model 1 key-wrap tests, started through its harness
//! (`conformance/cosmian/kms-test-server`), and clients of it.
//!
//! Kept apart from the shared test kit on purpose: the kit learns to start Cosmian for every
//! live suite separately; this is only what the key-wrap tests need (start, PKI files, stop).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use kmipkit::client::{Client, VersionChoice};
use kmipkit::config::TlsMaterial;
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use serde_json::Value;

/// A running Cosmian KMS on loopback; stopped (by the harness, by PID) when dropped.
pub struct Cosmian {
    info: Value,
    dir: PathBuf,
}

impl Cosmian {
    /// Starts a fresh server (new PKI, empty database) on free ports.
    pub fn start() -> Self {
        let dir = kmipkit_testkit::scratch("cosmian");
        let output = Command::new(harness())
            .args(["start", "--dir"])
            .arg(&dir)
            .args(["--port", "0", "--json"])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run conformance/cosmian/kms-test-server");
        // The guard exists before anything else can panic, so the server is always stopped.
        let mut server = Self {
            info: Value::Null,
            dir,
        };
        assert!(
            output.status.success(),
            "kms-test-server start failed ({}); see the lines above",
            output.status
        );
        server.info =
            serde_json::from_slice(&output.stdout).expect("kms-test-server --json output");
        server
    }

    /// The KMIP socket port.
    pub fn port(&self) -> u16 {
        self.info["port"].as_u64().expect("port") as u16
    }

    fn pem(&self, key: &str) -> Vec<u8> {
        let path = Path::new(
            self.info[key]
                .as_str()
                .unwrap_or_else(|| panic!("no {key}")),
        );
        std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// A client with the good identity, pinned to `version`.
    pub async fn client(&self, version: ProtocolVersion) -> Client {
        let tls = TlsMaterial::new(
            self.pem("ca"),
            self.pem("client_cert"),
            self.pem("client_key"),
            None,
        );
        let endpoint = Endpoint::new("cosmian", "127.0.0.1", self.port(), tls);
        let timeouts = Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            failover_delay: Duration::from_millis(50),
            down_backoff: Duration::from_secs(1),
        };
        let transport = Transport::new(
            vec![endpoint],
            timeouts,
            PoolSettings::default(),
            Limits::default(),
        )
        .expect("transport");
        let client = Client::with_transport(
            transport,
            VersionChoice::Pinned(version),
            None,
            Limits::default(),
        )
        .await
        .expect("client");
        assert_eq!(client.version(), version);
        client
    }
}

impl Drop for Cosmian {
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
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/cosmian/kms-test-server")
}
