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

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use super::chain::{Digest, ParsedLine, link, parse_line};
use super::state::{ChainState, log_error};
use crate::error::Result;

/// What kind of tampering a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Serials missing between the first and the last line.
    Deleted,
    /// A line that is not part of the chain.
    Inserted,
    /// A line whose content or hash was changed.
    Altered,
    /// A genuine line out of order.
    Reordered,
    /// The log ends before the last serial recorded in the state file.
    TailMissing,
    /// The chain starts again at serial 1: its state file was lost or removed.
    Restarted,
}

impl FindingKind {
    /// The name used in reports: `deleted`, `inserted`, `altered`, `reordered`, `tail-missing`, `restarted`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Deleted => "deleted",
            Self::Inserted => "inserted",
            Self::Altered => "altered",
            Self::Reordered => "reordered",
            Self::TailMissing => "tail-missing",
            Self::Restarted => "restarted",
        }
    }
}

/// One problem found, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// The serial concerned (the first of a range), if known.
    pub serial: Option<u64>,
    /// The last serial of a range (deleted, tail-missing); equal to `serial` for one line.
    pub last_serial: Option<u64>,
    /// The file the line is in (for deleted serials: the file where the gap is seen).
    pub file: Option<PathBuf>,
    /// The line number in that file, from 1.
    pub line: Option<usize>,
    /// Explanation in plain words.
    pub detail: String,
}

/// The result of checking a log.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct VerifyReport {
    /// The files read, oldest first.
    pub files: Vec<PathBuf>,
    /// Lines read that are not empty.
    pub lines: usize,
    /// The lowest and highest serial seen.
    pub first_serial: Option<u64>,
    /// See `first_serial`.
    pub last_serial: Option<u64>,
    /// The last serial the state file records, if one was read.
    pub state_serial: Option<u64>,
    /// Everything found, in the order found.
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// Whether nothing was found.
    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }

    /// The findings of one kind.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.as_str())?;
        match (self.serial, self.last_serial) {
            (Some(a), Some(b)) if a != b => write!(f, ": serials {a}-{b}")?,
            (Some(a), _) => write!(f, ": serial {a}")?,
            _ => {}
        }
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, " ({} line {line})", file.display())?,
            (Some(file), None) => write!(f, " ({})", file.display())?,
            (None, Some(line)) => write!(f, " (line {line})")?,
            _ => {}
        }
        write!(f, ": {}", self.detail)
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let range = match (self.first_serial, self.last_serial) {
            (Some(a), Some(b)) => format!("serials {a}-{b}"),
            _ => "no serials".into(),
        };
        let state = match self.state_serial {
            Some(s) => format!("state file at serial {s}"),
            None => "no state file (a removed tail cannot be noticed)".into(),
        };
        writeln!(
            f,
            "{} lines in {} file(s), {range}; {state}",
            self.lines,
            self.files.len()
        )?;
        if self.is_intact() {
            return writeln!(f, "chain intact");
        }
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        writeln!(f, "{} problem(s) found", self.findings.len())
    }
}

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

struct Located {
    file: Option<PathBuf>,
    line: Option<usize>,
    parsed: Option<ParsedLine>,
}

impl Located {
    fn finding(&self, kind: FindingKind, serial: Option<u64>, detail: &str) -> Finding {
        Finding {
            kind,
            serial,
            last_serial: serial,
            file: self.file.clone(),
            line: self.line,
            detail: detail.into(),
        }
    }
}

fn verify_parsed(lines: Vec<Located>, state: Option<ChainState>) -> VerifyReport {
    let mut report = VerifyReport {
        lines: lines.len(),
        state_serial: state.map(|s| s.last_serial),
        ..VerifyReport::default()
    };
    // Split into segments at every restart of the chain from the zero hash.
    let mut segments: Vec<Vec<&Located>> = vec![Vec::new()];
    for entry in &lines {
        let Some(parsed) = &entry.parsed else {
            let detail = "no serial number and hash: not written by kmipkit's logger";
            report
                .findings
                .push(entry.finding(FindingKind::Inserted, None, detail));
            continue;
        };
        let restarts = parsed.serial == 1 && is_first_link(parsed);
        let current = segments.last_mut().expect("never empty");
        if restarts && !current.is_empty() {
            let detail = "the chain starts again at serial 1: its state file was lost or removed";
            report
                .findings
                .push(entry.finding(FindingKind::Restarted, Some(1), detail));
            segments.push(Vec::new());
        }
        segments.last_mut().expect("never empty").push(entry);
    }
    let count = segments.len();
    for (i, segment) in segments.iter().enumerate() {
        let end_state = if i + 1 == count { state } else { None };
        check_segment(segment, end_state, &mut report);
    }
    let serials = lines
        .iter()
        .filter_map(|l| l.parsed.as_ref().map(|p| p.serial));
    report.first_serial = serials.clone().min();
    report.last_serial = serials.max();
    report
}

fn is_first_link(parsed: &ParsedLine) -> bool {
    link(&[0; 32], &parsed.canonical, "") == parsed.hash
}

fn check_segment(segment: &[&Located], state: Option<ChainState>, report: &mut VerifyReport) {
    let Some(first) = segment.first() else {
        if let Some(state) = state.filter(|s| s.last_serial > 0) {
            report
                .findings
                .push(tail_missing(1, state.last_serial, None));
        }
        return;
    };
    let mut by_serial: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, entry) in segment.iter().enumerate() {
        by_serial.entry(serial(entry)).or_default().push(i);
    }
    let min = *by_serial.keys().next().expect("not empty");
    let max = *by_serial.keys().next_back().expect("not empty");
    let mut genuine: HashMap<u64, usize> = HashMap::new();
    let mut previous: Option<Digest> = (min == 1).then_some([0; 32]);
    let mut last_seen: Option<u64> = None;
    // Walks the serials present (never the range: a forged serial may be huge).
    for (&s, candidates) in &by_serial {
        if let Some(before) = last_seen.filter(|&b| s > b + 1) {
            let at = segment[candidates[0]];
            report.findings.push(Finding {
                kind: FindingKind::Deleted,
                serial: Some(before + 1),
                last_serial: Some(s - 1),
                file: at.file.clone(),
                line: at.line,
                detail: "missing before this line".into(),
            });
            previous = None;
        }
        last_seen = Some(s);
        let links = |i: usize, p: &Digest| {
            let parsed = segment[i].parsed.as_ref().expect("parsed");
            link(p, &parsed.canonical, "") == parsed.hash
        };
        let chosen = match previous {
            Some(p) => candidates.iter().copied().find(|&i| links(i, &p)),
            // Nothing to check against: the candidate the next serial links to, else the first.
            None => candidates
                .iter()
                .copied()
                .find(|&i| {
                    let hash = segment[i].parsed.as_ref().expect("parsed").hash;
                    by_serial
                        .get(&(s + 1))
                        .is_some_and(|next| next.iter().any(|&n| links(n, &hash)))
                })
                .or(Some(candidates[0])),
        };
        let chosen = match chosen {
            Some(i) => i,
            None => {
                let i = candidates[0];
                let detail = "its hash does not match its content and the previous line's hash: this line (or the one before it, rehashed) was changed";
                report
                    .findings
                    .push(segment[i].finding(FindingKind::Altered, Some(s), detail));
                i
            }
        };
        for &other in candidates.iter().filter(|&&i| i != chosen) {
            let detail = "repeats a serial number already used by a genuine line";
            report
                .findings
                .push(segment[other].finding(FindingKind::Inserted, Some(s), detail));
        }
        genuine.insert(s, chosen);
        previous = segment[chosen].parsed.as_ref().map(|p| p.hash);
    }
    let mut highest = 0;
    for (i, entry) in segment.iter().enumerate() {
        let s = serial(entry);
        if genuine.get(&s) == Some(&i) {
            if s < highest {
                let detail = "appears after a line with a higher serial number";
                report
                    .findings
                    .push(entry.finding(FindingKind::Reordered, Some(s), detail));
            }
            highest = highest.max(s);
        }
    }
    let Some(state) = state else { return };
    if max < state.last_serial {
        report
            .findings
            .push(tail_missing(max + 1, state.last_serial, first.file.clone()));
    } else if let Some(&i) = genuine.get(&state.last_serial) {
        let hash = segment[i].parsed.as_ref().expect("parsed").hash;
        if hash != state.last_hash {
            let detail = "the state file records another hash for this serial: the log was rewritten up to here";
            report.findings.push(segment[i].finding(
                FindingKind::Altered,
                Some(state.last_serial),
                detail,
            ));
        }
    }
    for s in by_serial
        .range(state.last_serial.saturating_add(1)..)
        .map(|(s, _)| *s)
    {
        if let Some(&i) = genuine.get(&s) {
            let detail = "after the last serial the state file records";
            report
                .findings
                .push(segment[i].finding(FindingKind::Inserted, Some(s), detail));
        }
    }
}

fn serial(entry: &Located) -> u64 {
    entry.parsed.as_ref().map_or(0, |p| p.serial)
}

fn tail_missing(from: u64, to: u64, file: Option<PathBuf>) -> Finding {
    Finding {
        kind: FindingKind::TailMissing,
        serial: Some(from),
        last_serial: Some(to),
        file,
        line: None,
        detail: format!("the log ends before serial {to}, the last one the state file records"),
    }
}
