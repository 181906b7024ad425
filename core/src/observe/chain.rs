//! The hash chain: every line carries its serial number and a SHA-256 over the previous line's
//! hash and its own canonical content.
//!
//! # Canonical content
//!
//! A line is rendered with an empty hash value (see [`Unsealed`]); its canonical content is
//! that text, `head + tail`, as UTF-8 bytes, without the line ending. So the hash covers every
//! byte of the line except the 64 hex digits of the hash itself, whatever the format:
//!
//! ```text
//! hash(n) = SHA-256( hash(n-1) || head(n) || tail(n) )      hash(0) = 32 zero bytes
//! ```
//!
//! `hash(n-1)` is the raw 32-byte digest; the line shows `hash(n)` as 64 lowercase hex digits.
//! The serial number is inside the canonical content, so it is covered too. A chain starts at
//! serial 1 from the zero hash; after a restart it continues from the persisted
//! [`ChainState`], so serials keep increasing by one across restarts and rotated files.

use super::render::{Unsealed, render};
use super::state::ChainState;
use super::{Event, Format, Level, Origin};

/// A SHA-256 digest.
pub type Digest = [u8; 32];

/// The next link of a chain: assigns serials and hashes lines.
///
/// ```
/// use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin};
/// let mut chain = Chain::new(ChainState::default());
/// let origin = Origin::new("host", 1);
/// let first = chain.append(Format::Json, &origin, Level::Basic, &Event::operation("Get", 0));
/// let second = chain.append(Format::Json, &origin, Level::Basic, &Event::operation("Get", 1));
/// assert!(first.starts_with("{\"serial\":1,"));
/// assert!(second.starts_with("{\"serial\":2,"));
/// assert_eq!(chain.state().last_serial, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    state: ChainState,
}

impl Chain {
    /// A chain that continues after `state` (the default state starts a new chain).
    pub fn new(state: ChainState) -> Self {
        Self { state }
    }

    /// The serial and hash of the last line sealed.
    pub fn state(&self) -> &ChainState {
        &self.state
    }

    /// The serial number the next line gets.
    pub fn next_serial(&self) -> u64 {
        self.state.last_serial + 1
    }

    /// Renders `event` with the next serial and seals it; returns the line without a line ending.
    pub fn append(
        &mut self,
        format: Format,
        origin: &Origin,
        level: Level,
        event: &Event,
    ) -> String {
        let unsealed = render(format, origin, self.next_serial(), event, level);
        self.seal(unsealed)
    }

    /// Hashes a line rendered with [`Self::next_serial`] and advances the chain.
    pub fn seal(&mut self, line: Unsealed) -> String {
        let hash = link(&self.state.last_hash, &line.head, &line.tail);
        self.state = ChainState {
            last_serial: self.next_serial(),
            last_hash: hash,
        };
        format!("{}{}{}", line.head, hex(&hash), line.tail)
    }
}

/// `SHA-256(previous || head || tail)`.
pub fn link(previous: &Digest, head: &str, tail: &str) -> Digest {
    sha256(&[previous, head.as_bytes(), tail.as_bytes()])
}

/// A sealed line taken apart: its serial, its stated hash, and its canonical content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    /// The serial number it states.
    pub serial: u64,
    /// The hash it states.
    pub hash: Digest,
    /// The line without its hash digits.
    pub canonical: String,
}

/// Finds the serial and the hash in a line of any format; `None` if either is missing.
///
/// The serial is the first `serial=N`, `serial="N"` or `"serial":N` after a CEF or LEEF header
/// (renderers write it before any value); the hash is the last `hash=`, `hash="` or `"hash":"` followed by 64 hex digits
/// (renderers write it after every value).
///
/// ```
/// use kmipkit::observe::{Chain, ChainState, Event, Format, Level, Origin, parse_line};
/// let mut chain = Chain::new(ChainState::default());
/// let line = chain.append(Format::Rfc5424, &Origin::new("h", 1), Level::Basic, &Event::operation("Get", 0));
/// let parsed = parse_line(&line).unwrap();
/// assert_eq!(parsed.serial, 1);
/// assert_eq!(parsed.hash, chain.state().last_hash);
/// ```
pub fn parse_line(line: &str) -> Option<ParsedLine> {
    let line = line.trim_end_matches(['\r', '\n']);
    let fields_at = fields_start(line);
    let serial_at = fields_at
        + ["serial=", "\"serial\":"]
            .iter()
            .filter_map(|p| line[fields_at..].find(p).map(|at| at + p.len()))
            .min()?;
    let digits = line[serial_at..].trim_start_matches('"');
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let serial = digits[..end].parse().ok()?;
    let hash_at = ["hash=", "\"hash\":\""]
        .iter()
        .filter_map(|p| line.rfind(p).map(|at| at + p.len()))
        .max()?;
    let hash_at = hash_at + usize::from(line[hash_at..].starts_with('"'));
    let hex_digits = line.get(hash_at..hash_at + 64)?;
    let hash = unhex(hex_digits)?;
    let canonical = format!("{}{}", &line[..hash_at], &line[hash_at + 64..]);
    Some(ParsedLine {
        serial,
        hash,
        canonical,
    })
}

/// Where the fields start: after the header of a CEF (7 unescaped `|`) or LEEF (6 `|`) record,
/// whose header holds the operation name, else at the start of the line.
///
/// A header counts only when it comes before the first serial marker: every renderer writes
/// its header and then the serial before any value, so a look-alike header inside a value (a
/// key name `CEF:0|a|b|c|d|e|f|serial=1`) always comes later and is not taken for one.
fn fields_start(line: &str) -> usize {
    let serial = ["serial=", "\"serial\":"]
        .iter()
        .filter_map(|p| line.find(p))
        .min();
    let header = [("CEF:0|", 7), ("LEEF:2.0|", 6)]
        .iter()
        .filter_map(|&(p, pipes)| line.find(p).map(|at| (at, pipes)))
        .min();
    let (at, pipes) = match header {
        Some((at, pipes)) if serial.is_none_or(|s| at < s) => (at, pipes),
        _ => return 0,
    };
    // CEF escapes `|` in its header with a backslash; LEEF has no escaping (a backslash there
    // is just a character, and the renderer replaces `|`).
    let escapes = pipes == 7;
    let mut seen = 0;
    let mut escaped = false;
    for (i, c) in line[at..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if escapes => escaped = true,
            '|' => {
                seen += 1;
                if seen == pipes {
                    return at + i + 1;
                }
            }
            _ => {}
        }
    }
    line.len()
}

/// Lowercase hex of a digest.
pub fn hex(digest: &Digest) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Digest> {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = text.get(2 * i..2 * i + 2)?;
        // Lowercase only, as written: an uppercase digit is a changed byte.
        if !pair.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn sha256(parts: &[&[u8]]) -> Digest {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        context.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn sha256(parts: &[&[u8]]) -> Digest {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}
