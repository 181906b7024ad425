//! Live PyKMIP servers for the CLI tests (through `conformance/pykmip/kmip-test-server`) and a
//! runner for the built `kmipkit` binary.
//!
//! Each server gets its own directory under Cargo's test tmp directory and is stopped by its PID
//! (the harness's `stop`) when dropped, also when a test panics.

#![allow(dead_code)]

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A running PyKMIP server on 127.0.0.1.
pub struct Server {
    pub info: Value,
    pub dir: PathBuf,
    running: bool,
}

impl Server {
    /// Starts a server on a free port.
    pub fn start(tag: &str) -> Self {
        let dir = scratch(tag).join("server");
        let output = Command::new(harness())
            .args(["start", "--dir"])
            .arg(&dir)
            .args(["--port", "0", "--json"])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run conformance/pykmip/kmip-test-server");
        assert!(output.status.success(), "kmip-test-server start failed");
        let mut server = Self {
            info: Value::Null,
            dir,
            running: true,
        };
        server.info = serde_json::from_slice(&output.stdout).expect("harness --json output");
        server
    }

    pub fn port(&self) -> u16 {
        self.info["port"].as_u64().expect("port") as u16
    }

    pub fn path(&self, key: &str) -> String {
        self.info[key].as_str().expect(key).to_string()
    }

    /// Stops the server by its PID and checks that the harness says it stopped.
    pub fn stop(&mut self) {
        if self.running {
            self.running = false;
            let status = Command::new(harness())
                .args(["stop", "--dir"])
                .arg(&self.dir)
                .status()
                .expect("run kmip-test-server stop");
            assert!(status.success(), "the test server did not stop");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.running {
            let _ = Command::new(harness())
                .args(["stop", "--dir"])
                .arg(&self.dir)
                .status();
        }
    }
}

/// A fresh directory for one test.
pub fn scratch(tag: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{tag}-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One `[primary]`/`[[secondary]]` entry: (section header, port, ca, cert, key).
pub struct Entry<'a> {
    pub name: &'a str,
    pub port: u16,
    pub ca: String,
    pub cert: String,
    pub key: String,
}

impl<'a> Entry<'a> {
    /// The server's good client identity.
    pub fn of(name: &'a str, server: &Server) -> Self {
        Self {
            name,
            port: server.port(),
            ca: server.path("ca"),
            cert: server.path("client_cert"),
            key: server.path("client_key"),
        }
    }
}

/// Writes a kmipkit.toml (mode 0600) listing `entries`, the first as primary.
pub fn write_config(dir: &Path, file: &str, entries: &[Entry], extra: &str) -> PathBuf {
    let mut text = String::from(extra);
    for (i, e) in entries.iter().enumerate() {
        text.push_str(if i == 0 {
            "\n[primary]\n"
        } else {
            "\n[[secondary]]\n"
        });
        text.push_str(&format!(
            "name = {:?}\nhost = \"127.0.0.1\"\nport = {}\nca = {:?}\nclient_cert = {:?}\nclient_key = {:?}\n",
            e.name, e.port, e.ca, e.cert, e.key
        ));
    }
    text.push_str("\n[timeouts]\nconnect = \"2s\"\nrequest = \"10s\"\ndeadline = \"3s\"\nfailover_delay = \"50ms\"\n");
    let path = dir.join(file);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
    path
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.text()))
    }

    /// The `--json` error document on stderr.
    pub fn error_json(&self) -> Value {
        serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {}", self.stderr))
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.text(),
            self.stderr
        );
        self
    }
}

/// Runs `kmipkit` with `config` and `args`, feeding `stdin`.
pub fn kmipkit(config: &Path, cwd: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmipkit"))
        .args(args)
        .env("KMIPKIT_CONFIG", config)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kmipkit");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/pykmip/kmip-test-server")
}
