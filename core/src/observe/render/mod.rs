//! Renderers: one [`Event`] -> one line in RFC 3164, RFC 5424, CEF, LEEF 2.0 or JSON.
//!
//! Every renderer writes the serial number first and the chain hash last, and escapes each
//! value by its format's own rules so that no value can end the line, start a new field or
//! forge one: a newline in a key name never becomes a second log line. Values are cut to a
//! length limit with `...` appended (RFC 3164 lines to 1,024 bytes in total).
//!
//! A renderer returns an [`Unsealed`] line: the text before and after the hash. The chain
//! hashes their concatenation (see [`super::chain`]).

mod cef;
mod json;
mod leef;
mod rfc3164;
mod rfc5424;

use std::fmt;
use std::str::FromStr;

use super::{Event, Level};

/// The output format, `format` in the `[log]` section.
///
/// ```
/// use kmipkit::observe::Format;
/// assert_eq!("rfc5424".parse::<Format>().unwrap(), Format::Rfc5424);
/// assert_eq!(Format::default(), Format::Rfc3164);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// BSD syslog (RFC 3164), the default: `<PRI>Mmm dd hh:mm:ss host kmipkit[pid]: key=value ...`.
    #[default]
    Rfc3164,
    /// Syslog (RFC 5424) with the fields as structured data and the serial in `meta sequenceId`.
    Rfc5424,
    /// ArcSight Common Event Format, version 0.
    Cef,
    /// IBM QRadar Log Event Extended Format 2.0, tab-delimited.
    Leef,
    /// One JSON object per line.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Rfc3164,
        Format::Rfc5424,
        Format::Cef,
        Format::Leef,
        Format::Json,
    ];

    /// The name used in `kmipkit.toml`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rfc3164 => "rfc3164",
            Self::Rfc5424 => "rfc5424",
            Self::Cef => "cef",
            Self::Leef => "leef",
            Self::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| {
                "unknown log format; use one of \"rfc3164\", \"rfc5424\", \"cef\", \"leef\", \"json\""
                    .into()
            })
    }
}

/// Who is logging: the syslog header fields.
///
/// ```
/// let origin = kmipkit::observe::Origin::new("app01", 4242);
/// assert_eq!(origin.app_name, "kmipkit");
/// assert_eq!(origin.facility, 10); // authpriv
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// This machine's host name.
    pub hostname: String,
    /// The application name (syslog tag / APP-NAME); `kmipkit` by default.
    pub app_name: String,
    /// The process id.
    pub procid: u32,
    /// The syslog facility number (10, authpriv, by default: security messages).
    pub facility: u8,
}

impl Origin {
    /// An origin for `hostname` and process `procid` with the default name and facility.
    pub fn new(hostname: &str, procid: u32) -> Self {
        Self {
            hostname: hostname.to_string(),
            app_name: "kmipkit".into(),
            procid,
            facility: 10,
        }
    }

    fn pri(&self, event: &Event) -> u16 {
        u16::from(self.facility.min(23)) * 8 + u16::from(event.severity())
    }
}

/// A rendered line without its hash: the line is `head + hash + tail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsealed {
    /// Everything before the hash, up to and including `hash=` (or its format's equivalent).
    pub head: String,
    /// Everything after the hash (a closing quote or bracket, or nothing).
    pub tail: String,
}

/// Renders `event` with serial number `serial` at `level` in `format`.
///
/// ```
/// use kmipkit::observe::{render, Event, Format, Level, Origin};
/// let event = Event::operation("Get", 1_700_000_000_000);
/// let line = render(Format::Cef, &Origin::new("h", 1), 7, &event, Level::Basic);
/// assert!(line.head.starts_with("CEF:0|kmipkit|kmipkit|"));
/// assert!(line.head.contains("serial=7 "));
/// assert!(line.head.ends_with("hash="));
/// ```
pub fn render(
    format: Format,
    origin: &Origin,
    serial: u64,
    event: &Event,
    level: Level,
) -> Unsealed {
    let fields = event.fields(level);
    match format {
        Format::Rfc3164 => rfc3164::render(origin, serial, event, fields),
        Format::Rfc5424 => rfc5424::render(origin, serial, event, fields),
        Format::Cef => cef::render(serial, event, fields),
        Format::Leef => leef::render(serial, event, fields),
        Format::Json => json::render(serial, fields),
    }
}

/// The longest value, in bytes, any format writes; longer ones are cut and end with `...`.
pub const MAX_VALUE_BYTES: usize = 1024;

/// `value` cut to at most `max` bytes on a character boundary, marked with `...` when cut.
pub(crate) fn truncate(value: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if value.len() <= max {
        return value.into();
    }
    let mut end = max.saturating_sub(3);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &value[..end]).into()
}

/// `text` with every character no display may receive raw written as a visible escape, as the
/// log writes values: control characters (`\n`, `\r`, `\t`, `\xNN`), line separators and
/// bidirectional controls (`\u{NNNN}`). For showing names from logs and audit trails on a
/// terminal: a key or user name must not move the cursor, recolour the screen or reorder a line.
///
/// ```
/// use kmipkit::observe::render::escaped;
/// assert_eq!(escaped("a\x1b[2Jb"), "a\\x1b[2Jb");
/// assert_eq!(escaped("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
/// assert_eq!(escaped("caf\u{e9}"), "caf\u{e9}");
/// ```
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !escape_controls(c, &mut out) {
            out.push(c);
        }
    }
    out
}

/// Control characters written as visible escapes (`\n`, `\r`, `\t`, `\xNN`, `\u{NNNN}`), so no
/// value can break a line or reorder how it is displayed; other characters, non-ASCII included,
/// are kept.
pub(crate) fn escape_controls(c: char, out: &mut String) -> bool {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
        c if is_unsafe(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
        _ => return false,
    }
    true
}

/// Characters no value may carry raw: control characters (C0, DEL, C1), Unicode's line and
/// paragraph separators (some readers break lines there), and the bidirectional overrides and
/// isolates, which can make a log line display in another order than it is written.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The product version written in CEF and LEEF headers.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
