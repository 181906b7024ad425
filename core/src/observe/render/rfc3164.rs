//! RFC 3164 (BSD syslog): `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: serial=N key=value ... hash=H`.
//!
//! RFC 3164 defines no escaping: the message is free text. Values are written bare when they
//! hold only safe characters, else in double quotes with `\"` and `\\` escaped, and control
//! characters as `\n`, `\r`, `\t` or `\xNN` (rsyslog's default escaping would otherwise turn a
//! newline into `#012`). The whole packet is at most 1,024 bytes (RFC 3164 section 4.1): the
//! longest values are cut until it fits. The time is UTC.

use super::{Origin, Unsealed, escape_controls, truncate};
use crate::observe::Event;
use crate::observe::event::rfc3164_time;

/// The largest packet RFC 3164 allows.
pub const MAX_LINE_BYTES: usize = 1024;
const HASH_HEX: usize = 64;

pub(super) fn render(
    origin: &Origin,
    serial: u64,
    event: &Event,
    mut fields: Vec<(&'static str, String)>,
) -> Unsealed {
    let head = format!(
        "<{}>{} {} {}[{}]: serial={serial} ",
        origin.pri(event),
        rfc3164_time(event.unix_ms),
        header_word(&origin.hostname, 64),
        header_word(&origin.app_name, 32),
        origin.procid
    );
    loop {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{k}={} ", value(v)))
            .collect();
        let len = head.len() + body.len() + "hash=".len() + HASH_HEX;
        let longest = fields.iter_mut().max_by_key(|(_, v)| v.len());
        let fits = len <= MAX_LINE_BYTES;
        // Values are halved until the line fits; a line of many short values is left as is.
        let Some(longest) = longest.filter(|(_, v)| !fits && v.len() > 8) else {
            return Unsealed {
                head: format!("{head}{body}hash="),
                tail: String::new(),
            };
        };
        let keep = longest.1.len() / 2;
        longest.1 = truncate(&longest.1, keep).into_owned();
    }
}

/// A header token: printable ASCII without spaces, at most `max` bytes (`-` when empty).
pub(super) fn header_word(text: &str, max: usize) -> String {
    let word: String = text
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .take(max)
        .collect();
    if word.is_empty() { "-".into() } else { word }
}

fn value(v: &str) -> String {
    let v = truncate(v, super::MAX_VALUE_BYTES);
    let bare = !v.is_empty()
        && v.chars()
            .all(|c| !super::is_unsafe(c) && !matches!(c, ' ' | '"' | '=' | '\\'));
    if bare {
        return v.into_owned();
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        if !escape_controls(c, &mut out) {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}
