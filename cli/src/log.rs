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
    // Without files, the configured log is checked against its configured state file.
    let (files, state) = if files.is_empty() {
        let (files, configured) = configured_log(ctx)?;
        (files, state.or(configured))
    } else {
        (files, state)
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

/// The `[log]` file of the configuration and its rotated copies (`.1`, `.2`, ...), and its
/// `state_file` when one is set (the verifier looks beside the log otherwise).
fn configured_log(ctx: &Ctx) -> CliResult<(Vec<PathBuf>, Option<PathBuf>)> {
    let config = ctx.config()?;
    let Some(Destination::File { path, .. }) = &config.log.destination else {
        return Err(Failure::usage(
            "no log file given and kmipkit.toml has no [log] file destination",
        )
        .hint("kmipkit log verify FILE... (a log and its rotated files, in any order)"));
    };
    Ok((with_rotated(path), config.log.state_file.clone()))
}

/// `path` and the rotated files beside it that exist (`<path>.N`, every N found in the
/// directory: a deleted file in the middle must leave a gap the verifier reports, not hide the
/// older files from it).
pub fn with_rotated(path: &Path) -> Vec<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let prefix = match path.file_name() {
        Some(name) => format!("{}.", name.to_string_lossy()),
        None => return vec![path.to_path_buf()],
    };
    let mut rotated: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let n = name.strip_prefix(&prefix)?;
            let n = n
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| n.parse().ok())??;
            Some((n, path.with_file_name(&name)))
        })
        .collect();
    rotated.sort();
    std::iter::once(path.to_path_buf())
        .chain(rotated.into_iter().map(|(_, p)| p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_files_past_a_gap_are_found() {
        let dir = std::env::temp_dir().join(format!("kmipkit-cli-rotated-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("kmipkit.log");
        for name in [
            "kmipkit.log.1",
            "kmipkit.log.3",
            "kmipkit.log.10",
            "kmipkit.log.state",
            "kmipkit.log.x1",
        ] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        let names: Vec<String> = with_rotated(&log)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "kmipkit.log",
                "kmipkit.log.1",
                "kmipkit.log.3",
                "kmipkit.log.10"
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
