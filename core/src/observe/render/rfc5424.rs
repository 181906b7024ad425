//! RFC 5424 syslog: the fields as structured data, the serial also in `meta sequenceId`.
//!
//! `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [meta sequenceId="N"][kmipkit@32473 serial="N" ... hash="H"]`
//!
//! There is no MSG part. PARAM-VALUEs escape `"`, `\` and `]` with a backslash (RFC 5424
//! section 6.3.3); control characters, which the RFC allows but line-based receivers split on,
//! are written as `\n`, `\r`, `\t`, `\xNN` (a backslash before another character is kept
//! literally by RFC 5424 parsers). Header fields are printable US-ASCII of at most 255 (host),
//! 48 (app), 128 (procid) and 32 (msgid) characters. `sequenceId` is 1 to 2147483647 (section
//! 7.3.1), so it wraps after that; the `serial` parameter does not. The SD-ID uses 32473, the
//! private enterprise number IANA reserves for documentation (RFC 5612).

use super::rfc3164::header_word;
use super::{MAX_VALUE_BYTES, Origin, Unsealed, escape_controls, truncate};
use crate::observe::{Event, iso8601};

/// The SD-ID of kmipkit's structured-data element.
pub const SD_ID: &str = "kmipkit@32473";

pub(super) fn render(
    origin: &Origin,
    serial: u64,
    event: &Event,
    fields: Vec<(&'static str, String)>,
) -> Unsealed {
    let sequence_id = (serial.saturating_sub(1)) % 2_147_483_647 + 1;
    let mut head = format!(
        "<{}>1 {} {} {} {} {} [meta sequenceId=\"{sequence_id}\"][{SD_ID} serial=\"{serial}\"",
        origin.pri(event),
        iso8601(event.unix_ms),
        header_word(&origin.hostname, 255),
        header_word(&origin.app_name, 48),
        origin.procid,
        header_word(event.kind.as_str(), 32),
    );
    for (key, value) in &fields {
        head.push_str(&format!(" {key}=\"{}\"", param_value(value)));
    }
    head.push_str(" hash=\"");
    Unsealed {
        head,
        tail: "\"]".into(),
    }
}

fn param_value(v: &str) -> String {
    let v = truncate(v, MAX_VALUE_BYTES);
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if !escape_controls(c, &mut out) {
            if matches!(c, '"' | '\\' | ']') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}
