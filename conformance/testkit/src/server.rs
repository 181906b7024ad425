//! Live key servers through their harness: `conformance/pykmip/kmip-test-server` (PyKMIP, the
//! default) or `conformance/cosmian/kms-test-server` (Cosmian KMS), as [`Family::current`] says.
//!
//! The server is stopped when the [`TestServer`] is dropped (also when a test panics), by the PID
//! the harness started. Each server gets its own [`scratch`](crate::scratch) directory.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Family;

/// Which certificate a [`TestServer`] presents (the harness's `--server-cert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerCert {
    /// Issued by the test CA for 127.0.0.1 and localhost: clients connect.
    Good,
    /// Issued by the test CA for another host name (`wrong_host_name` in the report).
    WrongHost,
    /// For 127.0.0.1 and localhost, but expired.
    Expired,
}

impl ServerCert {
    fn flag(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::WrongHost => "wrong-host",
            Self::Expired => "expired",
        }
    }
}

/// A running key server on 127.0.0.1 of the [`Family`] the environment chooses (PyKMIP 0.11 by
/// default, Cosmian KMS 5.28 with `KMIPKIT_TEST_SERVER=cosmian`), with its harness's JSON report:
/// its port, PID and the PKI files (`ca`, `client_cert`, `client_key`, `wrong_ca`, ... see
/// conformance/pykmip/README.md; Cosmian's report has the same keys and `https_url`).
///
/// ```no_run
/// use kmipkit_testkit::{ServerCert, TestServer};
///
/// let mut server = TestServer::start(0); // fresh PKI, config and database; port 0: any
/// let ca_pem = server.pem("ca");
/// assert!(server.path("client_key").is_file());
/// server.restart(); // as after a crash: same port, PKI and database
/// let refusing = TestServer::start_with(0, ServerCert::Expired);
/// # let _ = (ca_pem, refusing);
/// ```
pub struct TestServer {
    family: Family,
    info: Value,
    dir: PathBuf,
    running: bool,
    /// The server process when `restart` launched it (the harness launches the first one).
    child: Option<std::process::Child>,
}

impl TestServer {
    /// Starts a server presenting the good certificate; `port` 0 lets the harness pick one.
    pub fn start(port: u16) -> Self {
        Self::start_with(port, ServerCert::Good)
    }

    /// Starts a server presenting `server_cert` (the refusals of a wrong host name or an
    /// expired certificate are tested against [`ServerCert::WrongHost`] and [`ServerCert::Expired`]).
    pub fn start_with(port: u16, server_cert: ServerCert) -> Self {
        Self::start_family(Family::current(), port, server_cert)
    }

    /// Starts a server of `family` whatever `KMIPKIT_TEST_SERVER` says, for the tests that need
    /// both families in one run (server profiles, KMIP over HTTPS on Cosmian). Panics when the
    /// family cannot be built here; [`TestServer::try_start_family`] says so instead.
    ///
    /// ```no_run
    /// use kmipkit_testkit::{Family, ServerCert, TestServer};
    /// let cosmian = TestServer::start_family(Family::Cosmian, 0, ServerCert::Good);
    /// assert!(cosmian.value("https_url").starts_with("https://127.0.0.1:"));
    /// ```
    pub fn start_family(family: Family, port: u16, server_cert: ServerCert) -> Self {
        Self::try_start_family(family, port, server_cert).unwrap_or_else(|why| {
            panic!(
                "{why}; run the live tests against PyKMIP (unset {})",
                crate::SERVER_VARIABLE
            )
        })
    }

    /// As [`TestServer::start_family`], but `Err` with the harness's reason when it says this
    /// machine cannot build the family's server (exit status 3), so a test that starts a
    /// second family explicitly can skip with that reason printed.
    ///
    /// ```no_run
    /// use kmipkit_testkit::{Family, ServerCert, TestServer};
    /// let cosmian = match TestServer::try_start_family(Family::Cosmian, 0, ServerCert::Good) {
    ///     Ok(server) => server,
    ///     Err(why) => return eprintln!("SKIP: {why}"),
    /// };
    /// # let _ = cosmian;
    /// ```
    pub fn try_start_family(
        family: Family,
        port: u16,
        server_cert: ServerCert,
    ) -> Result<Self, String> {
        let dir = crate::scratch(family.name());
        let harness = family.harness();
        let output = Command::new(&harness)
            .args(["start", "--dir"])
            .arg(&dir)
            .args([
                "--port",
                &port.to_string(),
                "--json",
                "--server-cert",
                server_cert.flag(),
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", harness.display()));
        let stderr = String::from_utf8_lossy(&output.stderr);
        eprint!("{stderr}");
        if output.status.code() == Some(3) {
            return Err(format!(
                "{} start: this machine cannot build the {} server: {}",
                harness.display(),
                family.name(),
                stderr.trim()
            ));
        }
        assert!(
            output.status.success(),
            "{} start failed ({}); see the lines above",
            harness.display(),
            output.status
        );
        // The guard exists before anything else can panic, so the server is always stopped.
        let mut server = Self {
            family,
            info: Value::Null,
            dir,
            running: true,
            child: None,
        };
        server.info = serde_json::from_slice(&output.stdout).expect("the harness's --json output");
        assert!(
            server.info["pid"].as_u64().is_some(),
            "no pid in {}",
            server.info
        );
        Ok(server)
    }

    /// The family of this server.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.info["port"].as_u64().expect("port") as u16
    }

    /// The server process id.
    pub fn pid(&self) -> u32 {
        self.info["pid"].as_u64().expect("pid") as u32
    }

    /// A string value of the harness's JSON report (`client_cn`, `wrong_host_name`, ...).
    pub fn value(&self, key: &str) -> &str {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("no `{key}` in {}", self.info))
    }

    /// A file path of the harness's JSON report (`ca`, `client_cert`, `wrong_ca`, ...).
    pub fn path(&self, key: &str) -> PathBuf {
        PathBuf::from(self.value(key))
    }

    /// The contents of a file of the report.
    pub fn pem(&self, key: &str) -> Vec<u8> {
        std::fs::read(self.path(key))
            .unwrap_or_else(|e| panic!("read {}: {e}", self.path(key).display()))
    }

    /// The server's state directory (PKI, configuration, logs, database).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops the server (by PID, through the harness: SIGINT for PyKMIP, SIGTERM for Cosmian);
    /// idempotent. Its database stays, so [`TestServer::restart`] brings the same keys back; it
    /// goes when the `TestServer` is dropped.
    pub fn stop(&mut self) {
        if !self.running {
            return;
        }
        self.running = false;
        self.harness_stop(true);
    }

    /// `stop --dir DIR` through the harness, panicking when it fails unless already unwinding.
    /// `keep_data`: PyKMIP's harness keeps the database it put on the tmpfs (`--keep-data`);
    /// Cosmian's lives in DIR, which stays either way.
    fn harness_stop(&self, keep_data: bool) {
        let mut command = Command::new(self.family.harness());
        command.args(["stop", "--dir"]).arg(&self.dir);
        if keep_data && self.family == Family::PyKmip {
            command.arg("--keep-data");
        }
        let status = command.stdin(Stdio::null()).stdout(Stdio::null()).status();
        if !matches!(status, Ok(s) if s.success()) {
            let why = format!(
                "{} stop --dir {} failed: {status:?}",
                self.family.harness().display(),
                self.dir.display()
            );
            // A server left running must fail the test, but a second panic while one is
            // already unwinding would abort the whole test binary.
            if std::thread::panicking() {
                eprintln!("{why}");
            } else {
                panic!("{why}");
            }
        }
    }

    /// Kills the server at once (SIGKILL to its process group, which it leads), as a crash
    /// would; waits until the process is gone. A graceful stop takes PyKMIP over 10 s while
    /// clients hold connections open (it joins every session thread with a 10 s timeout).
    pub fn kill(&mut self) {
        if !self.running {
            return;
        }
        self.running = false;
        let pid = self.pid();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status();
        let proc = PathBuf::from(format!("/proc/{pid}"));
        let start = Instant::now();
        // Gone (or a zombie waiting for its parent), and its listening socket closed.
        let address = ([127, 0, 0, 1], self.port()).into();
        while (proc.exists() && !is_zombie(&proc))
            || TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
        {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "PID {pid} survived SIGKILL"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }

    /// Kills the server and starts it again on the same port with the same PKI, configuration
    /// and database (the harness's `start` would make a new PKI), then waits until it answers.
    /// Launched like the harness does it (own process group, PID in `DIR/server.pid`), so
    /// `stop` and the harness's `stop` work on it as before.
    pub fn restart(&mut self) {
        self.kill();
        let log = self.dir.join("logs").join("restart-stdout.log");
        let stdout = std::fs::File::options()
            .create(true)
            .append(true)
            .open(log)
            .expect("log file");
        let mut command = match self.family {
            Family::PyKmip => {
                let mut command = Command::new(self.path("venv").join("bin").join("pykmip-server"));
                command
                    .arg("-f")
                    .arg(self.path("config"))
                    .arg("-l")
                    .arg(self.path("log"))
                    .env("PYTHONWARNINGS", "ignore");
                command
            }
            Family::Cosmian => {
                let mut command = Command::new(self.path("binary"));
                command.arg("-c").arg(self.path("config"));
                // As the harness launches it: with `-c` these are ignored anyway.
                for (key, _) in std::env::vars_os() {
                    if key.to_string_lossy().starts_with("KMS_") {
                        command.env_remove(key);
                    }
                }
                command.env_remove("RUST_LOG");
                command
            }
        };
        let child = command
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(stdout.try_clone().expect("log file"))
            .stderr(stdout)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start the {} server again: {e}", self.family.name()));
        let pid = child.id();
        std::fs::write(self.dir.join("server.pid"), format!("{pid}\n")).expect("write server.pid");
        self.info["pid"] = pid.into();
        self.child = Some(child);
        self.running = true;
        // Ready when a mutual-TLS round trip works, checked as the harness does it.
        let probe = self
            .probe_command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status();
        assert!(
            matches!(probe, Ok(status) if status.success()),
            "the restarted server did not answer ({probe:?}); see {}",
            self.dir.display()
        );
    }

    /// The harness's readiness check: a DiscoverVersions over mutual TLS, retried for 30 s.
    fn probe_command(&self) -> Command {
        let probe = self.family.harness().with_file_name("probe.py");
        match self.family {
            Family::PyKmip => {
                let mut command = Command::new(self.path("venv").join("bin").join("python"));
                command
                    .arg(probe)
                    .arg("--config")
                    .arg(self.path("client_config"))
                    .args(["--section", "probe", "--wait", "30"]);
                command
            }
            Family::Cosmian => {
                let mut command = Command::new("python3");
                command
                    .arg(probe)
                    .arg("--info")
                    .arg(self.dir.join("server.json"))
                    .args(["--wait", "30"]);
                command
            }
        }
    }
}

fn is_zombie(proc: &Path) -> bool {
    std::fs::read_to_string(proc.join("stat"))
        .map(|stat| {
            stat.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(true)
}

impl Drop for TestServer {
    /// Stops the server if it runs and removes its database (also after [`TestServer::stop`]
    /// or [`TestServer::kill`], which keep it for a restart).
    fn drop(&mut self) {
        self.running = false;
        self.harness_stop(false);
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("local address")
        .port()
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port`.
pub fn wait_listening(port: u16, within: Duration) {
    let start = Instant::now();
    while start.elapsed() < within {
        // Closed at once: the server sees a harmless empty connection.
        if TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500))
            .is_ok()
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on 127.0.0.1:{port} after {within:?}");
}
