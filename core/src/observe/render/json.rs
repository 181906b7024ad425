//! JSON lines: `{"serial":N,"time":"...",...,"hash":"H"}`, one object per line.
//!
//! Strings are escaped by serde_json (quotes, backslashes, control characters as `\uXXXX`), and
//! line separators and bidi overrides as `\uXXXX` too;
//! non-ASCII is written as UTF-8. Numbers that are fields (port, duration) stay strings, so
//! every format carries the same text. Values are cut to 1,024 bytes.

use super::{MAX_VALUE_BYTES, Unsealed, truncate};

pub(super) fn render(serial: u64, fields: Vec<(&'static str, String)>) -> Unsealed {
    let mut head = format!("{{\"serial\":{serial}");
    for (key, value) in &fields {
        let value = truncate(value, MAX_VALUE_BYTES);
        // Serializing a &str cannot fail.
        let quoted = serde_json::to_string(value.as_ref()).unwrap_or_default();
        // serde_json leaves line separators and bidi overrides raw; JSON allows \uXXXX for them.
        let quoted: String = quoted
            .chars()
            .map(|c| match super::is_unsafe(c) {
                true => format!("\\u{:04x}", u32::from(c)),
                false => c.to_string(),
            })
            .collect();
        head.push_str(&format!(",\"{key}\":{quoted}"));
    }
    head.push_str(",\"hash\":\"");
    Unsealed {
        head,
        tail: "\"}".into(),
    }
}
