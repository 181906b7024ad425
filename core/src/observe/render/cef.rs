//! ArcSight CEF: `CEF:0|kmipkit|kmipkit|VERSION|OPERATION|NAME|SEVERITY|serial=N key=value ... hash=H`.
//!
//! Header fields escape `\` and `|` with a backslash; newlines cannot appear there and become
//! spaces. Extension values escape `\` and `=` with a backslash and write newlines and
//! carriage returns as `\n` and `\r`; other control characters become spaces. Values are cut
//! to 1,023 bytes, the length of CEF's longest string fields. Severity is 3 for successes, 5
//! for configuration changes and 7 for failures and dropped messages.

use super::{Unsealed, VERSION, truncate};
use crate::observe::{Event, EventKind, Outcome};

const MAX_CEF_VALUE: usize = 1023;

pub(super) fn render(serial: u64, event: &Event, fields: Vec<(&'static str, String)>) -> Unsealed {
    let severity = match (event.kind, event.outcome) {
        (EventKind::Dropped, _) | (_, Outcome::Failure) => 7,
        (EventKind::ConfigChange | EventKind::LogStart, _) => 5,
        _ => 3,
    };
    let name = format!("{} {}", event.operation, event.outcome.as_str());
    let mut head = format!(
        "CEF:0|kmipkit|kmipkit|{VERSION}|{}|{}|{severity}|serial={serial}",
        header(&event.operation),
        header(&name)
    );
    for (key, value) in &fields {
        head.push_str(&format!(" {key}={}", extension(value)));
    }
    head.push_str(" hash=");
    Unsealed {
        head,
        tail: String::new(),
    }
}

fn header(v: &str) -> String {
    let v = truncate(v, MAX_CEF_VALUE);
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c if super::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn extension(v: &str) -> String {
    let v = truncate(v, MAX_CEF_VALUE);
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if super::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
