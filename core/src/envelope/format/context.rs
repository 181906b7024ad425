//! The canonical encoding of a key-value encryption context (`docs/FORMAT.md` §3.1): how the CLI's
//! `-C KEY=VALUE` pairs and a Python `dict[str, str]` become the context bytes of §3.
//!
//! Pairs are sorted by the UTF-8 bytes of their keys and written as `key=value`, joined by a line
//! feed; a line feed inside a value is written as a line feed followed by `=`. Keys are non-empty
//! and hold neither `=` nor a line feed. No other character is escaped, so the bytes of contexts
//! that the CLI accepted before this encoding was specified did not change.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// The canonical bytes of a key-value encryption context (FORMAT.md §3.1); the order of `pairs`
/// does not matter. No pairs give the empty context.
///
/// Refused ([`Error::Encode`]): an empty key, a key holding `=` or a line feed, a key given twice,
/// and an encoding of 4 GiB or more.
///
/// ```
/// use kmipkit::envelope::format::{decode_context, encode_context};
/// let bytes = encode_context([("table", "orders"), ("row", "7")]).unwrap();
/// assert_eq!(bytes, b"row=7\ntable=orders");
/// assert_eq!(decode_context(&bytes).unwrap()["table"], "orders");
/// assert!(encode_context([("a=b", "c")]).is_err());
/// ```
pub fn encode_context<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Vec<u8>>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut sorted: Vec<(K, V)> = pairs.into_iter().collect();
    // `str` orders by UTF-8 bytes, which is the order the format specifies.
    sorted.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    for (i, (key, _)) in sorted.iter().enumerate() {
        check_key(key.as_ref())?;
        if i > 0 && sorted[i - 1].0.as_ref() == key.as_ref() {
            return Err(refused(format!(
                "the key {:?} is given twice; give each key once",
                shorten(key.as_ref())
            )));
        }
    }
    let mut out = Vec::new();
    for (i, (key, value)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(key.as_ref().as_bytes());
        out.push(b'=');
        for (j, line) in value.as_ref().split('\n').enumerate() {
            if j > 0 {
                out.extend_from_slice(b"\n=");
            }
            out.extend_from_slice(line.as_bytes());
        }
    }
    if u32::try_from(out.len()).is_err() {
        return Err(refused(format!(
            "it encodes to {} bytes; the format binds at most 4 GiB - 1",
            out.len()
        )));
    }
    Ok(out)
}

/// The mapping whose canonical encoding is `bytes`, or `None` when `bytes` is not the canonical
/// encoding of any mapping (not UTF-8, a line without `=`, an empty key, keys out of order or
/// repeated). `encode_context(decode_context(b)?) == b` whenever this returns a mapping.
pub fn decode_context(bytes: &[u8]) -> Option<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    if bytes.is_empty() {
        return Some(map);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut last: Option<&str> = None;
    for entry in entries(text) {
        let (key, value) = entry.split_once('=')?;
        if key.is_empty() || key.contains('\n') || last.is_some_and(|previous| previous >= key) {
            return None;
        }
        map.insert(key.to_owned(), value.replace("\n=", "\n"));
        last = Some(key);
    }
    Some(map)
}

/// Splits the encoding at every line feed that is not followed by `=` (those separate pairs).
fn entries(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let bytes = current.as_bytes();
        let cut = (0..bytes.len()).find(|&i| bytes[i] == b'\n' && bytes.get(i + 1) != Some(&b'='));
        match cut {
            Some(i) => {
                rest = Some(&current[i + 1..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(refused(
            "a key is empty; every key needs at least one character",
        ));
    }
    if key.contains(['=', '\n']) {
        return Err(refused(format!(
            "the key {:?} holds `=` or a line feed, which keys cannot hold (values can)",
            shorten(key)
        )));
    }
    Ok(())
}

/// At most 64 characters of a key for an error message (keys are not secret, but may be huge).
fn shorten(key: &str) -> String {
    match key.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &key[..end]),
        None => key.to_owned(),
    }
}

fn refused(reason: impl Into<String>) -> Error {
    Error::Encode {
        what: "encryption context".into(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(pairs: &[(&str, &str)]) -> Result<Vec<u8>> {
        encode_context(pairs.iter().copied())
    }

    #[test]
    fn pairs_the_cli_always_accepted_encode_as_before() {
        // The CLI's rule before §3.1: sorted `key=value` lines, `=` allowed in values.
        for (pairs, bytes) in [
            (&[][..], &b""[..]),
            (&[("table", "orders"), ("row", "7")], b"row=7\ntable=orders"),
            (&[("a", "b=c"), ("k", "")], b"a=b=c\nk="),
            (&[("p\\q", "C:\\x\r")], b"p\\q=C:\\x\r"),
            (&[("κ", "1"), ("région", "eu")], "région=eu\nκ=1".as_bytes()),
        ] {
            assert_eq!(encode(pairs).unwrap(), bytes, "{pairs:?}");
            let map = decode_context(bytes).unwrap();
            assert_eq!(encode_context(&map).unwrap(), bytes);
        }
    }

    #[test]
    fn line_feeds_in_values_round_trip() {
        for value in ["a\nb", "\n", "\n=", "x\n\n=y\n"] {
            let bytes = encode(&[("k", value), ("z", "1")]).unwrap();
            let map = decode_context(&bytes).unwrap();
            assert_eq!(map["k"], value, "{bytes:?}");
            assert_eq!(map["z"], "1");
        }
        assert_eq!(encode(&[("k", "a\nb")]).unwrap(), b"k=a\n=b");
    }

    #[test]
    fn bad_keys_are_refused_by_name() {
        for (pairs, needle) in [
            (&[("", "v")][..], "empty"),
            (&[("a=b", "v")], "\"a=b\""),
            (&[("a\nb", "v")], "line feed"),
            (&[("a", "1"), ("a", "2")], "given twice"),
        ] {
            let err = encode(pairs).unwrap_err();
            assert!(err.to_string().contains(needle), "{err}");
            assert!(err.to_string().contains("encryption context"), "{err}");
        }
    }

    proptest::proptest! {
        /// Any mapping with allowed keys survives a round trip, and any bytes that decode are the
        /// encoding of what they decode to (so no two mappings share bytes).
        #[test]
        fn round_trips(
            map in proptest::collection::btree_map("[^=\n]{1,6}", "(.|\n){0,8}", 0..6),
            bytes in proptest::collection::vec(proptest::prop_oneof![
                proptest::sample::select(b"=\na\xc3\xa9".to_vec()), proptest::num::u8::ANY
            ], 0..24),
        ) {
            let encoded = encode_context(&map).unwrap();
            proptest::prop_assert_eq!(decode_context(&encoded), Some(map));
            if let Some(decoded) = decode_context(&bytes) {
                proptest::prop_assert_eq!(encode_context(&decoded).unwrap(), bytes);
            }
        }
    }

    #[test]
    fn non_canonical_bytes_decode_to_nothing() {
        for bytes in [
            &b"b=1\na=2"[..],
            b"a=1\na=2",
            b"=v",
            b"novalue",
            b"a=1\n",
            b"\xff=1",
            b"\n=1",
        ] {
            assert_eq!(decode_context(bytes), None, "{bytes:?}");
        }
    }
}
