//! IBM QRadar LEEF 2.0: `LEEF:2.0|kmipkit|kmipkit|VERSION|EVENTID|x09|serial=N<TAB>key=value<TAB>...hash=H`.
//!
//! LEEF has no escaping at all, so a value can never hold the delimiter: tabs, and every other
//! control character (a newline would end the event), become spaces. Header fields replace `|`
//! with `/` for the same reason. The delimiter is the tab, declared as `x09` in the header as
//! LEEF 2.0 allows. Values are cut to 1,024 bytes.

use super::{MAX_VALUE_BYTES, Unsealed, VERSION, truncate};
use crate::observe::Event;

/// The attribute delimiter.
pub const DELIMITER: char = '\t';

pub(super) fn render(serial: u64, event: &Event, fields: Vec<(&'static str, String)>) -> Unsealed {
    let mut head = format!(
        "LEEF:2.0|kmipkit|kmipkit|{VERSION}|{}|x09|serial={serial}",
        header(&event.operation)
    );
    for (key, value) in &fields {
        head.push(DELIMITER);
        head.push_str(key);
        head.push('=');
        head.push_str(&attribute(value));
    }
    head.push(DELIMITER);
    head.push_str("hash=");
    Unsealed {
        head,
        tail: String::new(),
    }
}

fn header(v: &str) -> String {
    truncate(v, MAX_VALUE_BYTES)
        .chars()
        .map(|c| match c {
            '|' => '/',
            c if super::is_unsafe(c) => ' ',
            c => c,
        })
        .collect()
}

fn attribute(v: &str) -> String {
    truncate(v, MAX_VALUE_BYTES)
        .chars()
        .map(|c| {
            if c == DELIMITER || super::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}
