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

use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};

pub use report::{Finding, FindingKind, VerifyReport};

use super::chain::{ParsedLine, parse_line};
use super::state::{ChainState, MAGIC, MAX_STATE_BYTES, log_error};
use crate::error::Result;
use check::{Located, verify_parsed};
/// Which state file to compare the end of the log with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StateSource {
    /// `<newest file>.state`, if it exists; for a rotated file `<log>.N` without one, the
    /// log's own `<log>.state`: when the current log was deleted, the rotated files alone must
    /// still show that their tail is missing.
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
        // A shell pattern such as `kmipkit.log.*` also names the state file.
        if !is_state_file(path) {
            files.push(read_log(path)?);
        }
    }
    // Oldest first; files without a serial last.
    files.sort_by_key(|file| file.first.unwrap_or(u64::MAX));
    let state = match &options.state {
        StateSource::Ignore => None,
        StateSource::At(path) => Some(
            ChainState::load(path)?
                .ok_or_else(|| log_error(path, "the state file does not exist"))?,
        ),
        StateSource::Auto => match newest(&files) {
            Some(path) => ChainState::load(&state_beside(path))?,
            None => None,
        },
    };
    let names: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let located: Vec<Located> = files
        .into_iter()
        .flat_map(|file| {
            let path = file.path;
            file.lines.into_iter().map(move |(line, read)| Located {
                file: Some(path.clone()),
                line: Some(line),
                overlong: matches!(read, Read::Overlong),
                parsed: match read {
                    Read::Line(parsed) => parsed,
                    Read::Overlong => None,
                },
            })
        })
        .collect();
    let mut report = verify_parsed(located, state);
    report.files = names;
    Ok(report)
}

/// The longest line the verifier reads, in bytes. A renderer writes at most about 100 KiB (some
/// 25 fields of at most 1,024 bytes, each at most four times as long once escaped); a longer
/// line is reported as inserted and skipped without being held in memory, so a hostile file
/// cannot make the verifier allocate a multi-gigabyte line.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// One log file read: its non-empty lines (number from 1, what was read) and its first serial.
struct LogFile {
    path: PathBuf,
    lines: Vec<(usize, Read)>,
    first: Option<u64>,
}

enum Read {
    /// A line of at most [`MAX_LINE_BYTES`], parsed (`None`: no serial and hash).
    Line(Option<ParsedLine>),
    /// A longer line, skipped.
    Overlong,
}

/// Reads `path` line by line, keeping only what the checks need (the parsed line, not its text).
fn read_log(path: &Path) -> Result<LogFile> {
    let error = |e: std::io::Error| log_error(path, format!("cannot read the log: {e}"));
    let opened = crate::files::open_regular(std::fs::OpenOptions::new().read(true), path);
    let mut reader = BufReader::new(opened.map_err(error)?);
    let mut file = LogFile {
        path: path.to_path_buf(),
        lines: Vec::new(),
        first: None,
    };
    let mut buffer = Vec::new();
    for number in 1.. {
        buffer.clear();
        let limit = u64::try_from(MAX_LINE_BYTES).unwrap_or(u64::MAX) + 1;
        let read = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut buffer)
            .map_err(error)?;
        if read == 0 {
            break;
        }
        if buffer.len() > MAX_LINE_BYTES && buffer.last() != Some(&b'\n') {
            skip_line(&mut reader).map_err(error)?;
            file.lines.push((number, Read::Overlong));
            continue;
        }
        let text = String::from_utf8_lossy(&buffer);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            continue;
        }
        let parsed = parse_line(text);
        if file.first.is_none() {
            file.first = parsed.as_ref().map(|p| p.serial);
        }
        file.lines.push((number, Read::Line(parsed)));
    }
    Ok(file)
}

/// Whether `path` is a state file: small, and nothing but a state (a log with a state-like
/// first line is read as a log, so a forged first line cannot hide a log from the check).
fn is_state_file(path: &Path) -> bool {
    let mut text = String::new();
    let read = crate::files::open_regular(std::fs::OpenOptions::new().read(true), path)
        .and_then(|f| f.take(MAX_STATE_BYTES + 1).read_to_string(&mut text));
    matches!(read, Ok(n) if (n as u64) <= MAX_STATE_BYTES)
        && text.starts_with(MAGIC)
        && ChainState::parse(&text).is_some()
        && text.lines().count() == 3
}

/// Reads past the rest of a line without keeping it.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let all = chunk.len();
                reader.consume(all);
            }
        }
    }
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
            overlong: false,
            parsed: parse_line(l.as_ref()),
        })
        .collect();
    verify_parsed(located, state)
}
/// The state file for `newest`: `<newest>.state`, else, when `newest` is a rotated `<log>.N`,
/// `<log>.state`.
fn state_beside(newest: &Path) -> PathBuf {
    let own = ChainState::path_for(newest);
    let name = newest.as_os_str().to_string_lossy();
    let rotated_from = name
        .rsplit_once('.')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(log, _)| ChainState::path_for(Path::new(log)));
    match rotated_from {
        Some(log_state) if !own.exists() => log_state,
        _ => own,
    }
}

fn newest(files: &[LogFile]) -> Option<&Path> {
    files
        .iter()
        .rfind(|file| file.first.is_some())
        .or(files.last())
        .map(|file| file.path.as_path())
}
