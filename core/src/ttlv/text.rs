//! Helpers shared by the text forms of the item tree (KMIP XML, KMIP JSON, the dump): hex,
//! numbers, ISO 8601 date-times, names of enumerations and masks, and the [`Placeholders`] table.
//!
//! Naming rules (the same in XML, JSON and the dump):
//! - a tag is written by its name from [`crate::spec`], or as `0x` and six hex digits when the
//!   table does not know it (vendor extensions 0x54xxxx included);
//! - an Enumeration is written by the name its tag's enumeration gives it; an `AttributeValue`
//!   takes the enumeration of the attribute named by the preceding sibling `AttributeName` (the
//!   KMIP 1.x Attribute structure); an `AttributeReference` (KMIP 2.x) names a tag; a value
//!   without a name is written `0x` and eight hex digits (`0x80000001`);
//! - an Integer whose tag is a mask (or an `AttributeValue` of a mask attribute) is written as
//!   the names of its bits in bit order, any unnamed bits as one `0x` and eight hex digits.

mod datetime;
mod names;
mod placeholders;

use crate::error::Error;

use super::{ItemType, Value};

pub(crate) use datetime::{format_date_time, format_date_time_extended, parse_date_time};
pub(crate) use names::{
    Names, SiblingContext, format_enumeration, format_integer, names_for, parse_enumeration,
    parse_integer, parse_tag, parse_type, tag_text,
};
pub use placeholders::Placeholders;

/// Reads the text form of a value of type `ty` (not Structure), as both the XML `value`
/// attribute and JSON strings write it. Placeholders (`$NAME`) are resolved through `table`.
pub(crate) fn parse_value_text(
    ty: ItemType,
    text: &str,
    names: Names,
    table: &mut Placeholders,
) -> Result<Value<'static>, String> {
    if ty == ItemType::TextString {
        if Placeholders::is_placeholder(text) {
            return table.resolve(text, ty);
        }
        return Ok(Value::TextString(text.to_owned().into()));
    }
    let text = text.trim();
    if text.starts_with('$') {
        return table.resolve(text, ty);
    }
    Ok(match ty {
        ItemType::Integer => Value::Integer(parse_integer(text, names)?),
        ItemType::LongInteger => Value::LongInteger(parse_i64(text).ok_or_else(|| {
            number_error(text, ty, 16, "-9223372036854775808 to 9223372036854775807")
        })?),
        ItemType::BigInteger => Value::BigInteger(parse_big_integer(text)?.into()),
        ItemType::Enumeration => Value::Enumeration(parse_enumeration(text, names)?),
        ItemType::Boolean => Value::Boolean(match text {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => match strip_hex_prefix(text).and_then(|d| parse_hex_u64(d, 16)) {
                Some(1) => true,
                Some(0) => false,
                _ => return Err(format!("`{text}` is not a Boolean (true or false)")),
            },
        }),
        ItemType::ByteString => {
            let digits = strip_hex_prefix(text).unwrap_or(text);
            Value::ByteString(
                parse_hex(digits)
                    .map_err(|r| format!("bad Byte String hex: {r}"))?
                    .into(),
            )
        }
        ItemType::DateTime => match strip_hex_prefix(text) {
            Some(_) => Value::DateTime(parse_i64(text).ok_or_else(|| bad_hex_date(text))?),
            // A Date-Time counts whole seconds: a fraction some servers write is dropped.
            None => Value::DateTime(parse_date_time(text)?.0),
        },
        ItemType::DateTimeExtended => match strip_hex_prefix(text) {
            Some(_) => Value::DateTimeExtended(parse_i64(text).ok_or_else(|| bad_hex_date(text))?),
            None => {
                let (secs, micros) = parse_date_time(text)?;
                Value::DateTimeExtended(secs * 1_000_000 + micros)
            }
        },
        ItemType::Interval => Value::Interval(
            parse_u32(text).ok_or_else(|| number_error(text, ty, 8, "0 to 4294967295"))?,
        ),
        ItemType::TextString | ItemType::Structure => {
            return Err(format!("a {ty} has no text value"));
        }
    })
}

/// Why `text` is not a number of type `ty`: out of `range`, or not a number at all.
fn number_error(text: &str, ty: ItemType, hex_digits: usize, range: &str) -> String {
    let is_number = match strip_hex_prefix(text) {
        Some(digits) => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()),
        None => parse_decimal(text).is_some(),
    };
    if is_number {
        format!(
            "`{text}` is out of range for {} {ty} ({range})",
            article(ty)
        )
    } else {
        format!(
            "`{text}` is not {} {ty} (decimal, or 0x and up to {hex_digits} hex digits)",
            article(ty)
        )
    }
}

fn article(ty: ItemType) -> &'static str {
    match ty {
        ItemType::Integer | ItemType::Enumeration | ItemType::Interval => "an",
        _ => "a",
    }
}

fn bad_hex_date(text: &str) -> String {
    format!("`{text}` is not a date-time (0x and up to 16 hex digits)")
}

/// Writes a date-time in ISO 8601, or as `0x` and 16 hex digits outside years 0000–9999.
pub(crate) fn date_time_text(secs: i64) -> String {
    format_date_time(secs).unwrap_or_else(|| format!("0x{:016X}", secs as u64))
}

/// Writes a date-time extended (microseconds) in ISO 8601, or as `0x` and 16 hex digits.
pub(crate) fn date_time_extended_text(micros: i64) -> String {
    format_date_time_extended(micros).unwrap_or_else(|| format!("0x{:016X}", micros as u64))
}

/// Reads an i32 written in decimal (signed) or as `0x` and 1 to 8 hex digits (the bit pattern).
pub(crate) fn parse_i32(text: &str) -> Option<i32> {
    match strip_hex_prefix(text) {
        Some(digits) => parse_hex_u64(digits, 8).map(|v| v as u32 as i32),
        None => parse_decimal(text).and_then(|v| i32::try_from(v).ok()),
    }
}

/// Reads a u32 written in decimal or as `0x` and 1 to 8 hex digits.
pub(crate) fn parse_u32(text: &str) -> Option<u32> {
    match strip_hex_prefix(text) {
        Some(digits) => parse_hex_u64(digits, 8).map(|v| v as u32),
        None => parse_decimal(text).and_then(|v| u32::try_from(v).ok()),
    }
}

/// Reads an i64 written in decimal (signed) or as `0x` and 1 to 16 hex digits (the bit pattern).
pub(crate) fn parse_i64(text: &str) -> Option<i64> {
    match strip_hex_prefix(text) {
        Some(digits) => parse_hex_u64(digits, 16).map(|v| v as i64),
        None => parse_decimal(text).and_then(|v| i64::try_from(v).ok()),
    }
}

/// A decimal integer with an optional sign; only ASCII digits, at most 20 of them.
fn parse_decimal(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude: i128 = digits.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// The digits after a `0x` or `0X` prefix.
pub(crate) fn strip_hex_prefix(text: &str) -> Option<&str> {
    text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))
}

/// Hex digits (1 to `max_digits`) as a number.
fn parse_hex_u64(digits: &str, max_digits: usize) -> Option<u64> {
    if digits.is_empty() || digits.len() > max_digits {
        return None;
    }
    digits
        .bytes()
        .try_fold(0u64, |acc, b| Some((acc << 4) | u64::from(hex_digit(b)?)))
}

/// Lowercase hex of `bytes`, the form the OASIS test vectors use for byte strings.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
    out
}

/// Uppercase hex of `bytes` after `0x`: how Big Integers are written.
pub(crate) fn hex_number(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + bytes.len() * 2);
    out.push_str("0x");
    for &b in bytes {
        out.push_str(&format!("{b:02X}"));
    }
    out
}

/// Reads hex digits (either case, even count, no prefix) as bytes.
pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let raw = text.as_bytes();
    if !raw.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", raw.len()));
    }
    raw.chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(hi), Some(lo)) => Ok((hi << 4) | lo),
            _ => Err(format!(
                "`{}` at offset {} is not a hex digit pair",
                pretty(pair),
                2 * i
            )),
        })
        .collect()
}

/// Reads a Big Integer: `0x` and hex digits (or bare hex digits), a whole number of bytes.
pub(crate) fn parse_big_integer(text: &str) -> Result<Vec<u8>, String> {
    let digits = strip_hex_prefix(text).unwrap_or(text);
    parse_hex(digits).map_err(|reason| format!("bad Big Integer hex: {reason}"))
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn pretty(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A [`Error::Syntax`] for the text format `format`.
pub(crate) fn syntax(
    format: &'static str,
    location: impl Into<String>,
    reason: impl Into<String>,
) -> Error {
    Error::Syntax {
        format,
        location: location.into(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_i32("-17"), Some(-17));
        assert_eq!(parse_i32("0xFFFFFFFF"), Some(-1));
        assert_eq!(parse_i32("0x1FFFFFFFF"), None);
        assert_eq!(parse_i32("2147483648"), None);
        assert_eq!(parse_i32(""), None);
        assert_eq!(parse_i32("1 2"), None);
        assert_eq!(parse_u32("4294967295"), Some(u32::MAX));
        assert_eq!(parse_i64("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64("0x8000000000000000"), Some(i64::MIN));
        assert_eq!(parse_i64("99999999999999999999999"), None);
    }

    #[test]
    fn hex() {
        assert_eq!(hex_lower(&[0x00, 0xAB, 0x7F]), "00ab7f");
        assert_eq!(parse_hex("00aB7f").unwrap(), vec![0x00, 0xAB, 0x7F]);
        assert_eq!(parse_hex("").unwrap(), Vec::<u8>::new());
        assert!(parse_hex("abc").unwrap_err().contains("odd"));
        assert!(parse_hex("zz").unwrap_err().contains("not a hex digit"));
        assert_eq!(hex_number(&[0x01, 0xFF]), "0x01FF");
        assert_eq!(parse_big_integer("0x01ff").unwrap(), vec![0x01, 0xFF]);
        assert_eq!(parse_big_integer("0x").unwrap(), Vec::<u8>::new());
    }
}
