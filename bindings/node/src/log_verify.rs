//! Log verification, as the CLI's `kmipkit log verify`: the hash chain of a log written by the
//! client (`[log]` of the configuration) and its rotated files. The log itself and the audit
//! CSV are configured in the configuration object and started by the core when a client
//! connects; nothing of them lives here.

use std::path::PathBuf;

use kmipkit::observe::verify::{VerifyOptions, VerifyReport, verify_files};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::errors;

/// What verification found.
#[napi(object)]
pub struct LogReport {
    /// Whether the chain is whole: no line changed, removed, added or reordered.
    pub intact: bool,
    /// The lines read (not empty).
    pub lines: u32,
    /// The lowest serial seen.
    pub first_serial: Option<i64>,
    /// The highest serial seen.
    pub last_serial: Option<i64>,
    /// Each finding as a sentence naming the file, line and serial.
    pub findings: Vec<String>,
}

/// Reads the files on libuv's thread pool, since a large log takes a while to hash.
pub struct Verify {
    paths: Vec<PathBuf>,
}

impl Task for Verify {
    type Output = VerifyReport;
    type JsValue = LogReport;

    fn compute(&mut self) -> napi::Result<VerifyReport> {
        verify_files(&self.paths, &VerifyOptions::default()).map_err(errors::to_napi)
    }

    fn resolve(&mut self, _env: Env, report: VerifyReport) -> napi::Result<LogReport> {
        let serial = |s: Option<u64>| s.and_then(|s| i64::try_from(s).ok());
        Ok(LogReport {
            intact: report.is_intact(),
            lines: u32::try_from(report.lines).unwrap_or(u32::MAX),
            first_serial: serial(report.first_serial),
            last_serial: serial(report.last_serial),
            findings: report.findings.iter().map(ToString::to_string).collect(),
        })
    }
}

/// Verifies the log made of `paths` (the current file and any rotated files, in any order: the
/// core orders them by serial), against the chain state file beside the newest when there is one.
#[napi(ts_return_type = "Promise<LogReport>")]
pub fn verify_log(paths: Vec<String>) -> AsyncTask<Verify> {
    AsyncTask::new(Verify {
        paths: paths.into_iter().map(PathBuf::from).collect(),
    })
}
