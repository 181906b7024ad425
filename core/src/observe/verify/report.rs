//! What the verifier reports: findings, for people (Display) and programs (serde).

use std::fmt;
use std::path::PathBuf;

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
