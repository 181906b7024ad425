//! Starting and stopping the project's PyKMIP test key server (`conformance/pykmip`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running PyKMIP server started by the harness; stopped (by its PID) when dropped.
pub struct LocalServer {
    script: PathBuf,
    /// The server's state directory.
    pub dir: PathBuf,
    /// What the harness printed: ports, PID, certificate paths.
    pub info: serde_json::Value,
    stopped: bool,
}

impl LocalServer {
    /// Starts a server in `dir` on a free loopback port.
    pub fn start(dir: &Path) -> Result<Self, String> {
        let script = harness_script()?;
        // Registered first: an interruption during the start still stops the server.
        crate::cleanup::guard_server(&script, dir);
        let output = Command::new(&script)
            .args(["start", "--dir"])
            .arg(dir)
            .args(["--port", "0", "--json"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !output.status.success() {
            crate::cleanup::release_server(dir);
            return Err(format!(
                "the test key server did not start:\n{}",
                String::from_utf8_lossy(&output.stderr).trim_end()
            ));
        }
        // The guard exists before the output is read, so a surprise still stops the server.
        let mut server = Self {
            script,
            dir: dir.to_path_buf(),
            info: serde_json::Value::Null,
            stopped: false,
        };
        server.info = serde_json::from_slice(&output.stdout)
            .map_err(|e| format!("unexpected output from {}: {e}", server.script.display()))?;
        Ok(server)
    }

    /// A path the harness reported, such as `ca` or `client_cert`.
    pub fn path(&self, key: &str) -> Result<PathBuf, String> {
        self.info[key]
            .as_str()
            .map(PathBuf::from)
            .ok_or_else(|| format!("the harness reported no {key}"))
    }

    /// The port the server listens on.
    pub fn port(&self) -> Result<u16, String> {
        self.info["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| "the harness reported no port".to_string())
    }

    /// The server's process id.
    pub fn pid(&self) -> u64 {
        self.info["pid"].as_u64().unwrap_or_default()
    }
}

impl LocalServer {
    /// Stops the server by its PID (through the harness) and says whether that worked.
    pub fn stop(mut self) -> Result<(), String> {
        self.stopped = true;
        let output = Command::new(&self.script)
            .args(["stop", "--dir"])
            .arg(&self.dir)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.script.display()))?;
        crate::cleanup::release_server(&self.dir);
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "the test key server (pid {}) did not stop: {}",
                self.pid(),
                String::from_utf8_lossy(&output.stderr).trim_end()
            ))
        }
    }
}

/// On an early return the server is still stopped; there is no one left to tell if that fails.
impl Drop for LocalServer {
    fn drop(&mut self) {
        if !self.stopped {
            let _ = Command::new(&self.script)
                .args(["stop", "--dir"])
                .arg(&self.dir)
                .output();
            crate::cleanup::release_server(&self.dir);
        }
    }
}

/// The harness script: `KMIPKIT_PYKMIP_HARNESS`, else the copy in this source tree.
fn harness_script() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("KMIPKIT_PYKMIP_HARNESS") {
        return Ok(PathBuf::from(path));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/pykmip/kmip-test-server");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the PyKMIP harness is not at {}; run the demo from a kmipkit source tree or set KMIPKIT_PYKMIP_HARNESS",
            path.display()
        ))
    }
}
