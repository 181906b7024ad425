//! The header of `docs/FORMAT.md` §2: encoding, decoding and its limits.

use std::io::Read;

use super::to_io;
use crate::error::{Error, Result};

/// Magic bytes at the start of every ciphertext: ASCII `KMKE`.
pub const MAGIC: [u8; 4] = *b"KMKE";
/// The format version this code writes and reads.
pub const VERSION: u8 = 0x01;
/// Suite 0x0001: AES-256-GCM, HKDF-SHA-256, 256-bit key commitment, STREAM frames.
pub const SUITE: u16 = 0x0001;
/// The default frame size: 64 KiB of plaintext per frame.
pub const DEFAULT_FRAME_SIZE: u32 = 0x1_0000;
/// The smallest frame size a header may declare.
pub const MIN_FRAME_SIZE: u32 = 64;
/// The largest frame size a header may declare (1 MiB), which bounds a decoder's memory.
pub const MAX_FRAME_SIZE: u32 = 0x10_0000;
/// The largest bound part (magic through key UID): 2,101 bytes, a name and a UID of the largest size.
pub const MAX_BOUND_LEN: usize = MIN_BOUND_LEN + 2 * MAX_KEY_FIELD_LEN;
/// The largest key name and key UID, in bytes of UTF-8.
pub const MAX_KEY_FIELD_LEN: usize = 1024;
/// The largest wrapped DEK.
pub const MAX_WRAPPED_DEK_LEN: usize = 4096;
/// The largest header (6,231 bytes): bound part, commitment, wrapped-DEK length and wrapped DEK.
pub const MAX_HEADER_LEN: usize = MAX_BOUND_LEN + 34 + MAX_WRAPPED_DEK_LEN;

/// Bytes of the bound part before the key name: magic, version, suite, B, F, salt, name length.
const FIXED_LEN: usize = 47;
/// The smallest bound part: empty name and UID.
const MIN_BOUND_LEN: usize = FIXED_LEN + 4 + 2;

/// Which key yields the message's data key: in Model 2 the data key itself, in Model 1 the KEK that
/// the wrapped DEK is wrapped under. Authenticated, but readable by anyone holding the ciphertext.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyRef {
    /// The key's KMIP Name (at most 1,024 bytes; may be empty).
    pub name: String,
    /// The caller's version number of the key; 0 when unused.
    pub version: u32,
    /// The key's KMIP Unique Identifier (at most 1,024 bytes; may be empty).
    pub uid: String,
}

/// A parsed or to-be-written header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Plaintext bytes per frame.
    pub frame_size: u32,
    /// The per-message random salt.
    pub salt: [u8; 32],
    /// The key reference.
    pub key_ref: KeyRef,
    /// The key commitment (§3 of FORMAT.md).
    pub commitment: [u8; 32],
    /// The wrapped DEK; empty when the message carries none. The only unauthenticated field.
    pub wrapped_dek: Vec<u8>,
}

impl Header {
    /// The bound part (FORMAT.md §2.1): the bytes bound into the key schedule.
    pub fn bound_part(&self) -> Result<Vec<u8>> {
        self.check()?;
        let name = self.key_ref.name.as_bytes();
        let uid = self.key_ref.uid.as_bytes();
        let len = MIN_BOUND_LEN + name.len() + uid.len();
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&SUITE.to_be_bytes());
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(&self.frame_size.to_be_bytes());
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&self.key_ref.version.to_be_bytes());
        out.extend_from_slice(&(uid.len() as u16).to_be_bytes());
        out.extend_from_slice(uid);
        debug_assert_eq!(out.len(), len);
        Ok(out)
    }

    /// The whole header, ready to be followed by the body.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = self.bound_part()?;
        out.extend_from_slice(&self.commitment);
        out.extend_from_slice(&(self.wrapped_dek.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.wrapped_dek);
        Ok(out)
    }

    /// Parses a header from the start of `bytes`; returns it and its length (where the body starts).
    pub fn parse(bytes: &[u8]) -> Result<(Self, usize)> {
        let mut reader = bytes;
        let header = Self::read_from(&mut reader).map_err(super::into_error)?;
        Ok((header, bytes.len() - reader.len()))
    }

    /// Reads a header from `reader`, leaving it at the first byte of the body. Reads and allocates
    /// nothing beyond a length field before that field has been checked against its limit.
    pub fn read_from<R: Read>(reader: &mut R) -> std::io::Result<Self> {
        let mut start = [0u8; 9];
        read_header_bytes(reader, &mut start)?;
        if start[..4] != MAGIC {
            return Err(to_io(format_error(
                "it does not start with the magic bytes \"KMKE\"",
            )));
        }
        if start[4] != VERSION {
            return Err(to_io(format_error(format!(
                "unsupported format version {} (this kmipkit reads version {VERSION})",
                start[4]
            ))));
        }
        let suite = u16::from_be_bytes([start[5], start[6]]);
        if suite != SUITE {
            return Err(to_io(format_error(format!(
                "unsupported algorithm suite 0x{suite:04x} (this kmipkit knows 0x{SUITE:04x})"
            ))));
        }
        let bound_len = usize::from(u16::from_be_bytes([start[7], start[8]]));
        if bound_len > MAX_BOUND_LEN {
            return Err(to_io(over_cap(
                "header (bound part)",
                MAX_BOUND_LEN,
                bound_len,
            )));
        }
        if bound_len < MIN_BOUND_LEN {
            return Err(to_io(format_error(format!(
                "header length {bound_len} is below the minimum of {MIN_BOUND_LEN}"
            ))));
        }
        let mut bound = vec![0u8; bound_len];
        bound[..9].copy_from_slice(&start);
        read_header_bytes(reader, &mut bound[9..])?;
        let mut tail = [0u8; 34];
        read_header_bytes(reader, &mut tail)?;
        let wrapped_len = usize::from(u16::from_be_bytes([tail[32], tail[33]]));
        if wrapped_len > MAX_WRAPPED_DEK_LEN {
            return Err(to_io(over_cap(
                "wrapped DEK",
                MAX_WRAPPED_DEK_LEN,
                wrapped_len,
            )));
        }
        let mut wrapped_dek = vec![0u8; wrapped_len];
        read_header_bytes(reader, &mut wrapped_dek)?;
        let mut header = parse_bound(&bound).map_err(to_io)?;
        header.commitment.copy_from_slice(&tail[..32]);
        header.wrapped_dek = wrapped_dek;
        Ok(header)
    }

    /// Checks the limits of FORMAT.md §2 before encoding.
    fn check(&self) -> Result<()> {
        if !(MIN_FRAME_SIZE..=MAX_FRAME_SIZE).contains(&self.frame_size) {
            return Err(encode_error(format!(
                "frame size {} is outside {MIN_FRAME_SIZE}..={MAX_FRAME_SIZE}",
                self.frame_size
            )));
        }
        for (what, field) in [
            ("key name", &self.key_ref.name),
            ("key UID", &self.key_ref.uid),
        ] {
            if field.len() > MAX_KEY_FIELD_LEN {
                return Err(too_long(what, MAX_KEY_FIELD_LEN, field.len()));
            }
        }
        if self.wrapped_dek.len() > MAX_WRAPPED_DEK_LEN {
            return Err(too_long(
                "wrapped DEK",
                MAX_WRAPPED_DEK_LEN,
                self.wrapped_dek.len(),
            ));
        }
        Ok(())
    }
}

/// Parses the fields of a bound part whose first 9 bytes were already checked.
fn parse_bound(bound: &[u8]) -> Result<Header> {
    let frame_size = u32::from_be_bytes(bound[9..13].try_into().expect("4 bytes"));
    if !(MIN_FRAME_SIZE..=MAX_FRAME_SIZE).contains(&frame_size) {
        return Err(format_error(format!(
            "frame size {frame_size} is outside {MIN_FRAME_SIZE}..={MAX_FRAME_SIZE}"
        )));
    }
    let mut salt = [0u8; 32];
    salt.copy_from_slice(&bound[13..45]);
    let mut rest = &bound[45..];
    let name = take_string(&mut rest, "key name")?;
    let version = u32::from_be_bytes(take(&mut rest, 4, "key version")?.try_into().expect("4"));
    let uid = take_string(&mut rest, "key UID")?;
    if !rest.is_empty() {
        return Err(format_error(format!(
            "{} unexpected bytes at the end of the header's bound part",
            rest.len()
        )));
    }
    Ok(Header {
        frame_size,
        salt,
        key_ref: KeyRef { name, version, uid },
        commitment: [0; 32],
        wrapped_dek: Vec::new(),
    })
}

fn take<'a>(rest: &mut &'a [u8], len: usize, what: &str) -> Result<&'a [u8]> {
    if rest.len() < len {
        return Err(format_error(format!("{what} runs past the header length")));
    }
    let (field, tail) = rest.split_at(len);
    *rest = tail;
    Ok(field)
}

fn take_string(rest: &mut &[u8], what: &str) -> Result<String> {
    let len = take(rest, 2, what)?;
    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    if len > MAX_KEY_FIELD_LEN {
        return Err(format_error(format!(
            "{what} of {len} bytes exceeds {MAX_KEY_FIELD_LEN}"
        )));
    }
    let bytes = take(rest, len, what)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| format_error(format!("{what} is not UTF-8")))
}

fn read_header_bytes<R: Read>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<()> {
    reader.read_exact(buf).map_err(|err| match err.kind() {
        std::io::ErrorKind::UnexpectedEof => to_io(format_error("truncated header")),
        _ => err,
    })
}

pub(crate) fn format_error(reason: impl Into<String>) -> Error {
    Error::Format {
        reason: reason.into(),
    }
}

pub(crate) fn encode_error(reason: impl Into<String>) -> Error {
    Error::Encode {
        what: "ciphertext header".into(),
        reason: reason.into(),
    }
}

// The caps are part of the format (FORMAT.md §2), not settings: a header over one is damaged or
// not kmipkit's, so the error says so instead of suggesting a limit to raise. `Error::Format`'s
// Display already starts "not a readable kmipkit ciphertext: ".
fn over_cap(what: &str, cap: usize, found: usize) -> Error {
    format_error(format!(
        "its {what} claims {found} bytes, more than the {cap} the format allows (the input is \
         damaged, or was not made by kmipkit)"
    ))
}

fn too_long(what: &str, cap: usize, found: usize) -> Error {
    encode_error(format!(
        "the {what} is {found} bytes; the format allows at most {cap}"
    ))
}
