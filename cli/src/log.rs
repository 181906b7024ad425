//! `kmipkit log verify`: checks the hash chain of kmipkit's log files.
//!
//! The work is the core's verifier (`observe::verify::verify_files`); this file picks the files
//! (the arguments, else the `[log]` file of kmipkit.toml and its rotated copies) and reports.

use std::path::{Path, PathBuf};

use kmipkit::observe::Destination;
use kmipkit::observe::verify::{StateSource, VerifyOptions, verify_files};
use serde_json::json;

use crate::ctx::Ctx;
use crate::exit::{CliResult, Exit, Failure};

/// Verifies `files` (or the configured log); exit 6 when anything was found.
pub fn verify(ctx: &Ctx, files: Vec<PathBuf>, state: Option<PathBuf>, no_state: bool) -> CliResult {
    let files = if files.is_empty() {
        configured_log(ctx)?
    } else {
        files
    };
    let options = VerifyOptions {
        state: match (state, no_state) {
            (Some(path), _) => StateSource::At(path),
            (None, true) => StateSource::Ignore,
            (None, false) => StateSource::Auto,
        },
    };
    let report = verify_files(&files, &options)?;
    for line in report.to_string().lines() {
        ctx.out.line(line);
    }
    let mut doc = serde_json::to_value(&report).unwrap_or_else(|_| json!({}));
    doc["intact"] = json!(report.is_intact());
    ctx.out.document(doc);
    if report.is_intact() {
        Ok(())
    } else {
        Err(Failure::new(
            Exit::Integrity,
            format!("the log chain is broken: {} problem(s) found", report.findings.len()),
        )
        .hint("lines were deleted, inserted, altered or reordered; compare with the copy your syslog receiver holds"))
    }
}

/// The `[log]` file of the configuration and its rotated copies (`.1`, `.2`, ...).
fn configured_log(ctx: &Ctx) -> CliResult<Vec<PathBuf>> {
    let config = ctx.config()?;
    let Some(Destination::File { path, .. }) = &config.log.destination else {
        return Err(Failure::usage(
            "no log file given and kmipkit.toml has no [log] file destination",
        )
        .hint("kmipkit log verify FILE... (a log and its rotated files, in any order)"));
    };
    Ok(with_rotated(path))
}

/// `path` and the rotated files beside it that exist.
pub fn with_rotated(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    for n in 1.. {
        let rotated = PathBuf::from(format!("{}.{n}", path.display()));
        if !rotated.exists() {
            break;
        }
        files.push(rotated);
    }
    files
}
