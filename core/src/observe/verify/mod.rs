//! The verifier behind `kmipkit log verify FILE...`: finds deleted, inserted, altered and
//! reordered lines and a removed tail, across rotated files.
//!
//! Lines are matched by serial number, not by position, so one change is reported once: a line
//! is *altered* when its hash is not SHA-256 over the previous serial's hash and its own
//! content; *inserted* when it has no serial and hash, or repeats a serial whose genuine line
//! is elsewhere, or comes after the last serial of the state file; *reordered* when it appears
//! after a line with a higher serial; *deleted* serials are those missing between the first and
//! the last; the *tail is missing* when the log ends before the serial in the state file. A
//! line with serial 1 after other lines is a *restart* of the chain: the state file was lost.
//!
//! What this cannot detect (the hash chain has no key): someone who can write the log and the
//! state file can rewrite both consistently, from any line on, and nothing on this machine
//! shows it; copies sent to a syslog receiver as they were written, or a state file kept on
//! another machine, do. Without the state file, lines removed from the end are not noticed,
//! nor is a forged line appended with a correctly computed hash. After a gap (deleted lines),
//! the first line is checked against nothing and an alteration of exactly that line is not
//! seen. The first line of the oldest file given is trusted as the start.

mod check;
mod report;

use std::path::{Path, PathBuf};

pub use report::{Finding, FindingKind, VerifyReport};

use super::chain::parse_line;
use super::state::{ChainState, log_error};
use crate::error::Result;
use check::{Located, verify_parsed};
/// Which state file to compare the end of the log with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StateSource {
    /// `<newest file>.state`, if it exists.
    #[default]
    Auto,
    /// This file (an error if it cannot be read).
    At(PathBuf),
    /// None: a removed tail is not looked for.
    Ignore,
}

/// Options of [`verify_files`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyOptions {
    /// Which state file to use.
    pub state: StateSource,
}

/// Checks the log in `paths` (a log and its rotated files, in any order: they are put in
/// order by their first serial).
///
/// ```
/// use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin};
/// use kmipkit::observe::verify::{verify_files, VerifyOptions, FindingKind};
/// let dir = std::env::temp_dir().join(format!("kmipkit-verify-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let log = dir.join("kmipkit.log");
/// let mut chain = Chain::new(ChainState::default());
/// let lines: Vec<String> = (0..3)
///     .map(|i| chain.append(Format::Rfc3164, &Origin::new("h", 1), Level::Basic, &Event::operation("Get", i)))
///     .collect();
/// // Line 2 removed.
/// std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
/// let report = verify_files(&[log], &VerifyOptions::default()).unwrap();
/// assert_eq!(report.findings[0].kind, FindingKind::Deleted);
/// assert_eq!(report.findings[0].serial, Some(2));
/// println!("{report}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn verify_files(paths: &[PathBuf], options: &VerifyOptions) -> Result<VerifyReport> {
    let mut files = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .map_err(|e| log_error(path, format!("cannot read the log: {e}")))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let first = text.lines().find_map(parse_line).map(|p| p.serial);
        files.push((path.clone(), text, first));
    }
    // Oldest first; files without a serial last.
    files.sort_by_key(|(_, _, first)| first.unwrap_or(u64::MAX));
    let state = match &options.state {
        StateSource::Ignore => None,
        StateSource::At(path) => Some(
            ChainState::load(path)?
                .ok_or_else(|| log_error(path, "the state file does not exist"))?,
        ),
        StateSource::Auto => match newest(&files) {
            Some(path) => ChainState::load(&ChainState::path_for(path))?,
            None => None,
        },
    };
    let mut lines = Vec::new();
    for (index, (_, text, _)) in files.iter().enumerate() {
        for (number, line) in text.lines().enumerate() {
            if !line.trim().is_empty() {
                lines.push((index, number + 1, line));
            }
        }
    }
    let names: Vec<PathBuf> = files.iter().map(|(p, _, _)| p.clone()).collect();
    let located: Vec<Located> = lines
        .iter()
        .map(|(file, line, text)| Located {
            file: Some(names[*file].clone()),
            line: Some(*line),
            parsed: parse_line(text),
        })
        .collect();
    let mut report = verify_parsed(located, state);
    report.files = names;
    Ok(report)
}

/// Checks lines already in memory (one log, oldest line first) against an optional state.
///
/// ```
/// use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin};
/// use kmipkit::observe::verify::verify_lines;
/// let mut chain = Chain::new(ChainState::default());
/// let lines: Vec<String> = (0..3)
///     .map(|i| chain.append(Format::Json, &Origin::new("h", 1), Level::Basic, &Event::operation("Get", i)))
///     .collect();
/// assert!(verify_lines(&lines, Some(*chain.state())).is_intact());
/// let report = verify_lines(&lines[..2], Some(*chain.state()));
/// assert_eq!(report.findings[0].kind.as_str(), "tail-missing");
/// ```
pub fn verify_lines<S: AsRef<str>>(lines: &[S], state: Option<ChainState>) -> VerifyReport {
    let located = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.as_ref().trim().is_empty())
        .map(|(i, l)| Located {
            file: None,
            line: Some(i + 1),
            parsed: parse_line(l.as_ref()),
        })
        .collect();
    verify_parsed(located, state)
}
fn newest(files: &[(PathBuf, String, Option<u64>)]) -> Option<&Path> {
    files
        .iter()
        .rfind(|(_, _, first)| first.is_some())
        .or(files.last())
        .map(|(p, _, _)| p.as_path())
}
