//! The checks: lines matched by serial, links recomputed, gaps, repeats, order and the tail.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::report::{Finding, FindingKind, VerifyReport};
use crate::observe::chain::{Digest, ParsedLine, link};
use crate::observe::state::ChainState;

pub(super) struct Located {
    pub(super) file: Option<PathBuf>,
    pub(super) line: Option<usize>,
    /// Longer than any line kmipkit writes; skipped unread.
    pub(super) overlong: bool,
    pub(super) parsed: Option<ParsedLine>,
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

/// How many copies of one serial are compared with how many of the next when looking for the
/// genuine one. Anyone can compute a link (the chain has no key), so a hostile file can hold
/// thousands of well-linked copies; comparing all with all would take quadratic time. Beyond
/// this many the choice of the genuine copy may be wrong, but every other copy is still reported.
const MAX_COMPARED: usize = 16;

pub(super) fn verify_parsed(mut lines: Vec<Located>, state: Option<ChainState>) -> VerifyReport {
    let mut report = VerifyReport {
        lines: lines.len(),
        state_serial: state.map(|s| s.last_serial),
        ..VerifyReport::default()
    };
    renumber(&mut lines, &mut report);
    // Split into segments at every restart of the chain from the zero hash.
    let mut segments: Vec<Vec<&Located>> = vec![Vec::new()];
    for entry in &lines {
        let Some(parsed) = &entry.parsed else {
            let detail = match entry.overlong {
                true => "longer than any line kmipkit writes (skipped unread)",
                false => "no serial number and hash: not written by kmipkit's logger",
            };
            report
                .findings
                .push(entry.finding(FindingKind::Inserted, None, detail));
            continue;
        };
        let current = segments.last_mut().expect("never empty");
        // Serial 1 after other lines is a restart when this chain already had its serial 1 or
        // began well after it; otherwise (the first lines swapped) it is out of order.
        let restarts = parsed.serial == 1
            && is_first_link(parsed)
            && (current.iter().any(|l| serial(l) == 1)
                || current.first().is_some_and(|l| serial(l) > 2));
        if restarts {
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
    // A renumbered line is also found altered by its link; one finding per line and kind.
    let mut seen = std::collections::HashSet::new();
    report
        .findings
        .retain(|f| seen.insert((f.kind, f.serial, f.file.clone(), f.line)));
    report
}

/// Finds lines whose serial number alone was changed, and reports each as the altered line it
/// is instead of as a gap, a stray serial and a run of reordered lines. Such a line sits between
/// serials k and k+2 in the file and the line after it links to the hash it states: it is line
/// k+1. It is given that serial back for the checks, where its link fails as well.
fn renumber(lines: &mut [Located], report: &mut VerifyReport) {
    for i in 1..lines.len().saturating_sub(1) {
        let (Some(before), Some(after)) = (&lines[i - 1].parsed, &lines[i + 1].parsed) else {
            continue;
        };
        let (Some(expected), Some(current)) = (before.serial.checked_add(1), &lines[i].parsed)
        else {
            continue;
        };
        let sandwiched = after.serial.checked_sub(1) == Some(expected)
            && current.serial != expected
            && link(&current.hash, &after.canonical, "") == after.hash;
        if !sandwiched {
            continue;
        }
        let detail = format!(
            "states serial {} where serial {expected} belongs: its serial number was changed",
            current.serial
        );
        let finding = lines[i].finding(FindingKind::Altered, Some(expected), &detail);
        report.findings.push(finding);
        if let Some(parsed) = lines[i].parsed.as_mut() {
            parsed.serial = expected;
        }
    }
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
        // The candidates that link to the previous line (all of them when there is nothing to
        // check against); of those, the one the next serial links to, else the first.
        let linking: Vec<usize> = match previous {
            Some(p) => candidates
                .iter()
                .copied()
                .filter(|&i| links(i, &p))
                .collect(),
            None => candidates.clone(),
        };
        let next_links_to = |i: usize| {
            let hash = segment[i].parsed.as_ref().expect("parsed").hash;
            s.checked_add(1)
                .and_then(|next| by_serial.get(&next))
                .is_some_and(|next| next.iter().take(MAX_COMPARED).any(|&n| links(n, &hash)))
        };
        let chosen = linking
            .iter()
            .copied()
            .take(MAX_COMPARED)
            .find(|&i| next_links_to(i))
            .or(linking.first().copied());
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
