//! Runs of the `kmipkit` binary: exit code, stdout, stderr.
//!
//! Only the command line's own tests know where Cargo built the binary
//! (`env!("CARGO_BIN_EXE_kmipkit")`), so they pass its path to [`run`].

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when a signal ended the process).
    pub code: i32,
    /// Standard output, as bytes (decrypted data may not be text).
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard output as one JSON document; panics showing it when it is not.
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
    ///
    /// ```
    /// let run = kmipkit_testkit::cli::Run { code: 0, stdout: b"{}".to_vec(), stderr: String::new() };
    /// assert!(run.expect(0).json().is_object());
    /// ```
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

/// Runs `binary` with `args` in `cwd`, `KMIPKIT_CONFIG` set to `config`, feeding `stdin`.
///
/// ```no_run
/// use std::path::Path;
/// let run = kmipkit_testkit::cli::run(
///     Path::new("target/debug/kmipkit"),
///     Path::new("kmipkit.toml"),
///     Path::new("."),
///     &["key", "locate"],
///     b"",
/// );
/// let listing = run.expect(0).text();
/// ```
pub fn run(binary: &Path, config: &Path, cwd: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(binary)
        .args(args)
        .env("KMIPKIT_CONFIG", config)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {}: {e}", binary.display()));
    let mut input = child.stdin.take().expect("piped stdin");
    let data = stdin.to_vec();
    // A writer thread: a binary that writes much before reading would otherwise deadlock us.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait for kmipkit");
    feeder.join().expect("the stdin writer");
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}
