//! Where results go: plain lines for people, or one JSON document for scripts (`--json`).
//!
//! Results go to stdout, except when stdout carries data (`encrypt`/`decrypt` to stdout): then
//! lines and the JSON document go to stderr, so the data stream stays clean. Errors always go to
//! stderr, as `error: …` plus a `hint: …` line, or as `{"error": {…}}` with `--json`.

use std::io::Write;

use serde_json::{Value, json};

use crate::exit::Failure;

/// How the command reports.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// `--json`: one JSON document instead of lines.
    pub json: bool,
    /// `--quiet`: no lines in text mode (the JSON document is still printed).
    pub quiet: bool,
    /// stdout carries data; reports go to stderr.
    pub data_on_stdout: bool,
}

impl Out {
    /// A copy that reports on stderr because stdout carries data.
    pub fn data_on_stdout(self) -> Self {
        Self {
            data_on_stdout: true,
            ..self
        }
    }

    /// Prints a line of the text report (nothing with `--json` or `--quiet`).
    pub fn line(&self, text: impl AsRef<str>) {
        if self.json || self.quiet {
            return;
        }
        self.write(text.as_ref());
    }

    /// Prints a note on stderr, whatever stdout carries (nothing with `--json` or `--quiet`).
    pub fn notice(&self, text: impl AsRef<str>) {
        if !self.json && !self.quiet {
            let _ = writeln!(std::io::stderr(), "note: {}", text.as_ref());
        }
    }

    /// Prints the JSON document (only with `--json`).
    pub fn document(&self, value: Value) {
        if self.json {
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
            self.write(&text);
        }
    }

    fn write(&self, text: &str) {
        // A closed pipe (`kmipkit ... | head`) is not worth a panic.
        if self.data_on_stdout {
            let _ = writeln!(std::io::stderr(), "{text}");
        } else {
            let _ = writeln!(std::io::stdout(), "{text}");
        }
    }

    /// Prints a failure on stderr.
    pub fn failure(&self, failure: &Failure) {
        let mut err = std::io::stderr();
        if self.json {
            let value = json!({
                "error": {
                    "exit_code": failure.exit.code(),
                    "category": failure.exit.name(),
                    "kind": failure.kind.map(|k| k.name()),
                    // Hex text, as `ErrorKind::code` and the documentation write the codes.
                    "kmipkit_code": failure.kind.map(|k| format!("{:#06x}", k.code())),
                    "reason": failure.reason.map(|r| r.to_string()),
                    "message": failure.message,
                    "hint": failure.hint,
                }
            });
            let _ = writeln!(err, "{value}");
        } else {
            let _ = writeln!(err, "error: {}", failure.message);
            if let Some(hint) = &failure.hint {
                let _ = writeln!(err, "hint: {hint}");
            }
        }
    }
}

/// Milliseconds with one decimal, for timings in reports.
pub fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// A Unix time as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn iso_time(unix: i64) -> String {
    kmipkit::time::UtcTime::from_unix(unix).to_string()
}

/// Bytes in binary units: `512 B`, `1.5 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(iso_time(951_782_400), "2000-02-29T00:00:00Z");
        // Dates come from the key server: the extremes are formatted, not a panic.
        assert_eq!(iso_time(i64::MAX), "292277026596-12-04T15:30:07Z");
        assert!(iso_time(i64::MIN).ends_with("Z"));
    }

    #[test]
    fn sizes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(1 << 30), "1.0 GiB");
    }
}
