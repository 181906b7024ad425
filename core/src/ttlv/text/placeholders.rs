//! The table of test-case placeholders (`$NOW`, `$UNIQUE_IDENTIFIER_0`, ...) and the concrete
//! values that stand for them in the item tree.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::ttlv::{ItemType, Value};

/// First second of the range that date-time placeholders take: 0x1_0000_0000
/// (2106-02-07T06:28:16Z), past every 32-bit date and far from any real test-case date.
const DATE_BASE: i64 = 0x1_0000_0000;
/// Distance between two date-time placeholder names (about 194 days): room for `$NOW±n`.
const DATE_SPACING: i64 = 1 << 24;
/// Integer, Enumeration and Interval placeholders take 0x7E57_0000..=0x7E57_FFFF.
const NUMBER_BASE: u32 = 0x7E57_0000;
/// Most distinct placeholders one table takes: test cases use a few dozen, and the bound keeps
/// the search for a free stand-in value short whatever a hostile file contains.
pub const MAX_PLACEHOLDERS: usize = 4096;
/// Long Integer placeholders take 0x7E57_0000_0000_0000 and the 2^32 values above it.
const LONG_BASE: i64 = 0x7E57_0000_0000_0000;

/// Placeholders of the KMIP test cases and the concrete values that replace them.
///
/// The OASIS test cases write values the harness substitutes as `$NAME`: `$NOW`, `$NOW-3600`
/// (Date-Time), `$UNIQUE_IDENTIFIER_0` (Text String), `$DATA_0`, `$KEY_MATERIAL_0`,
/// `$IV_COUNTER_NONCE` (Byte String) and so on. Reading XML or JSON gives each distinct
/// (type, name) pair a deterministic concrete value of the item's type and records it here;
/// writing turns exactly those (type, value) pairs back into the name. Everything between — the
/// typed message model, binary TTLV — sees ordinary values.
///
/// The value for a name depends only on the name and type (and, in the rare case that two
/// names would collide, on which came first):
/// - Text String: the text itself (`$UNIQUE_IDENTIFIER_0`);
/// - Byte String: the UTF-8 bytes of the name; Big Integer: the same, zero-padded on the left to
///   a multiple of 8 bytes;
/// - Date-Time: a second in year 2106 or later (0x1_0000_0000 plus a multiple of 2^24 chosen by
///   a hash of the name), plus the offset of a `$NAME+n` / `$NAME-n` suffix, so `$NOW-3600` is
///   one hour before `$NOW`; Date-Time Extended: the same in microseconds;
/// - Integer, Enumeration, Interval: 0x7E57xxxx; Long Integer: 0x7E57_0000_xxxx_xxxx;
/// - Boolean and Structure cannot hold a placeholder.
///
/// A real value that equals a recorded placeholder value is written as that placeholder; the
/// ranges above make that practically impossible for real test data.
///
/// ```
/// use kmipkit::ttlv::{ItemType, Placeholders, Value};
/// let mut table = Placeholders::new();
/// let now = table.resolve("$NOW", ItemType::DateTime).unwrap();
/// let earlier = table.resolve("$NOW-3600", ItemType::DateTime).unwrap();
/// match (&now, &earlier) {
///     (Value::DateTime(a), Value::DateTime(b)) => assert_eq!(a - b, 3600),
///     _ => unreachable!(),
/// }
/// assert_eq!(table.name_of(&now), Some("$NOW"));
/// assert_eq!(table.name_of(&Value::DateTime(0)), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    by_name: BTreeMap<(ItemType, String), Value<'static>>,
    /// Hash of a value -> names whose value has that hash.
    by_value: HashMap<u64, Vec<(ItemType, String)>>,
}

impl Placeholders {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `text` is written like a placeholder: `$`, then letters, digits and `_`,
    /// optionally `+n` or `-n`.
    pub fn is_placeholder(text: &str) -> bool {
        split_offset(text).is_some()
    }

    /// The concrete value standing for placeholder `name` in an item of type `ty`, recorded
    /// on first use.
    ///
    /// Fails when `name` is not written like a placeholder, when `ty` cannot hold one (Boolean,
    /// Structure), or when a `+n`/`-n` offset is used with a type other than a date-time.
    pub fn resolve(&mut self, name: &str, ty: ItemType) -> Result<Value<'static>, String> {
        if let Some(value) = self.by_name.get(&(ty, name.to_owned())) {
            return Ok(value.clone());
        }
        if self.by_name.len() >= MAX_PLACEHOLDERS {
            return Err(format!(
                "more than {MAX_PLACEHOLDERS} distinct placeholders in one document; test cases use a few dozen"
            ));
        }
        let (root, offset) = split_offset(name).ok_or_else(|| {
            format!("`{name}` is not a placeholder ($ then letters, digits and _)")
        })?;
        if offset != 0 && !matches!(ty, ItemType::DateTime | ItemType::DateTimeExtended) {
            return Err(format!(
                "placeholder `{name}`: only date-times take an offset"
            ));
        }
        let seed = fnv1a(root.as_bytes());
        let mut value = match ty {
            ItemType::TextString => Value::TextString(name.to_owned().into()),
            ItemType::ByteString => Value::ByteString(name.as_bytes().to_vec().into()),
            ItemType::BigInteger => {
                let pad = (8 - name.len() % 8) % 8;
                let mut bytes = vec![0; pad];
                bytes.extend_from_slice(name.as_bytes());
                Value::BigInteger(bytes.into())
            }
            ItemType::DateTime => Value::DateTime(date_seconds(seed, offset)),
            ItemType::DateTimeExtended => {
                Value::DateTimeExtended(date_seconds(seed, offset).saturating_mul(1_000_000))
            }
            ItemType::Integer => Value::Integer((NUMBER_BASE | (seed as u32 & 0xFFFF)) as i32),
            ItemType::Enumeration => Value::Enumeration(NUMBER_BASE | (seed as u32 & 0xFFFF)),
            ItemType::Interval => Value::Interval(NUMBER_BASE | (seed as u32 & 0xFFFF)),
            ItemType::LongInteger => Value::LongInteger(LONG_BASE | (seed & 0xFFFF_FFFF) as i64),
            ItemType::Boolean | ItemType::Structure => {
                return Err(format!("a {ty} item cannot hold placeholder `{name}`"));
            }
        };
        // Two names must never share a value, or writing could not tell them apart. (A Text
        // String or Byte String is the name itself, so only numbers and dates can collide.)
        while ty != ItemType::TextString && self.name_of(&value).is_some() {
            value = next(value);
        }
        let key = (ty, name.to_owned());
        self.by_value
            .entry(hash(&value))
            .or_default()
            .push(key.clone());
        self.by_name.insert(key, value.clone());
        Ok(value)
    }

    /// The value recorded for placeholder `name` in an item of type `ty`.
    pub fn value_of(&self, name: &str, ty: ItemType) -> Option<&Value<'static>> {
        self.by_name.get(&(ty, name.to_owned()))
    }

    /// The placeholder whose recorded value is exactly `value` (same type and content).
    pub fn name_of(&self, value: &Value<'_>) -> Option<&str> {
        let keys = self.by_value.get(&hash(value))?;
        keys.iter()
            .find(|key| self.by_name.get(key).is_some_and(|v| v == value))
            .map(|(_, name)| name.as_str())
    }

    /// Every recorded placeholder as (name, value), ordered by type then name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value<'static>)> {
        self.by_name
            .iter()
            .map(|((_, name), value)| (name.as_str(), value))
    }

    /// How many (type, name) pairs are recorded.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// `$NAME+n` -> (`$NAME`, n); `None` when not a placeholder.
fn split_offset(text: &str) -> Option<(&str, i64)> {
    let body = text.strip_prefix('$')?;
    let end = body.find(['+', '-']).unwrap_or(body.len());
    let (root, suffix) = body.split_at(end);
    if root.is_empty() || !root.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let offset = match suffix.as_bytes() {
        [] => 0,
        [sign, digits @ ..]
            if !digits.is_empty()
                && digits.len() <= 12
                && digits.iter().all(u8::is_ascii_digit) =>
        {
            let n: i64 = suffix[1..].parse().ok()?;
            if *sign == b'-' { -n } else { n }
        }
        _ => return None,
    };
    Some((&text[..=root.len()], offset))
}

fn date_seconds(seed: u64, offset: i64) -> i64 {
    DATE_BASE + (seed % 4096) as i64 * DATE_SPACING + offset
}

/// The next candidate after a collision: one more, or one more byte of padding.
fn next(value: Value<'static>) -> Value<'static> {
    match value {
        Value::Integer(v) => Value::Integer(v.wrapping_add(1)),
        Value::LongInteger(v) => Value::LongInteger(v.wrapping_add(1)),
        Value::Enumeration(v) => Value::Enumeration(v.wrapping_add(1)),
        Value::Interval(v) => Value::Interval(v.wrapping_add(1)),
        Value::DateTime(v) => Value::DateTime(v.wrapping_add(1)),
        Value::DateTimeExtended(v) => Value::DateTimeExtended(v.wrapping_add(1)),
        Value::BigInteger(b) => {
            let mut bytes = vec![0; 8];
            bytes.extend_from_slice(&b);
            Value::BigInteger(bytes.into())
        }
        Value::ByteString(b) => {
            let mut bytes = b.into_owned();
            bytes.push(b'_');
            Value::ByteString(bytes.into())
        }
        other => other,
    }
}

fn hash(value: &Value<'_>) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_offsets() {
        assert_eq!(split_offset("$NOW"), Some(("$NOW", 0)));
        assert_eq!(split_offset("$NOW-3600"), Some(("$NOW", -3600)));
        assert_eq!(split_offset("$NOW+3600"), Some(("$NOW", 3600)));
        assert_eq!(
            split_offset("$UNIQUE_IDENTIFIER_12"),
            Some(("$UNIQUE_IDENTIFIER_12", 0))
        );
        for bad in [
            "", "$", "NOW", "$NOW-", "$NOW+x", "$N OW", "$NOW-1-2", "$-1", "$NÖW",
        ] {
            assert_eq!(split_offset(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_per_type() {
        let mut t = Placeholders::new();
        assert_eq!(
            t.resolve("$UNIQUE_IDENTIFIER_0", ItemType::TextString)
                .unwrap(),
            Value::TextString("$UNIQUE_IDENTIFIER_0".into())
        );
        assert_eq!(
            t.resolve("$DATA_0", ItemType::ByteString).unwrap(),
            Value::ByteString(b"$DATA_0".to_vec().into())
        );
        let Value::BigInteger(big) = t.resolve("$DATA_0", ItemType::BigInteger).unwrap() else {
            panic!()
        };
        assert_eq!(big.len(), 8);
        let Value::DateTime(now) = t.resolve("$NOW", ItemType::DateTime).unwrap() else {
            panic!()
        };
        assert!(now >= DATE_BASE);
        assert_eq!(
            t.resolve("$NOW+3600", ItemType::DateTime).unwrap(),
            Value::DateTime(now + 3600)
        );
        assert_eq!(
            t.resolve("$NOW", ItemType::DateTimeExtended).unwrap(),
            Value::DateTimeExtended(now * 1_000_000)
        );
        assert!(t.resolve("$FLAG", ItemType::Boolean).is_err());
        assert!(t.resolve("$X+1", ItemType::Integer).is_err());
        assert!(t.resolve("NOW", ItemType::DateTime).is_err());
        // Same name, same value; the table is stable.
        assert_eq!(
            t.resolve("$NOW", ItemType::DateTime).unwrap(),
            Value::DateTime(now)
        );
        assert_eq!(t.len(), 6);
        for (name, value) in t.iter() {
            assert_eq!(t.name_of(value), Some(name));
        }
    }

    #[test]
    fn collisions_get_distinct_values() {
        let mut t = Placeholders::new();
        let mut seen = std::collections::HashSet::new();
        for i in 0..2000 {
            let v = t
                .resolve(&format!("$ID_{i}"), ItemType::Enumeration)
                .unwrap();
            assert!(seen.insert(v));
            let v = t.resolve(&format!("$T_{i}"), ItemType::DateTime).unwrap();
            assert!(seen.insert(v));
        }
        // A date offset that lands on another name's value is moved, not shared.
        let Value::DateTime(a) = t.resolve("$A", ItemType::DateTime).unwrap() else {
            panic!()
        };
        let Value::DateTime(b) = t.resolve("$B", ItemType::DateTime).unwrap() else {
            panic!()
        };
        let clash = format!("$A{:+}", b - a);
        let moved = t.resolve(&clash, ItemType::DateTime).unwrap();
        assert_ne!(moved, Value::DateTime(b));
        assert_eq!(t.name_of(&Value::DateTime(b)), Some("$B"));
    }
}
