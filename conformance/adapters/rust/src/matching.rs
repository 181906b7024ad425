//! Patterns: does a result match what a step expects (`../scenarios/README.md`, *Expectations*)?

use std::path::Path;

use serde_json::Value;

use crate::values::{bytes, hex, shorten, shown_at};

/// Checks `value` (absent: `None`) against `pattern`, already resolved; `Err` says where and how
/// they differ. `vectors` is `conformance/vectors`, for `$file_hex`.
pub fn check(
    pattern: &Value,
    value: Option<&Value>,
    at: &str,
    vectors: &Path,
) -> Result<(), String> {
    if let Value::Object(p) = pattern
        && p.len() == 1
        && let Some((key, arg)) = p.iter().next()
        && key.starts_with('$')
    {
        return special(key, arg, value, at, vectors);
    }
    let Some(value) = value else {
        return Err(format!(
            "{}: missing, expected {}",
            here(at),
            shorten(pattern)
        ));
    };
    let differ = || {
        Err(format!(
            "{}: expected {}, got {}",
            here(at),
            shown_at(at, pattern),
            shown_at(at, value)
        ))
    };
    match (pattern, value) {
        (Value::Object(p), Value::Object(v)) => {
            for (key, sub) in p {
                check(sub, v.get(key), &format!("{at}.{key}"), vectors)?;
            }
            Ok(())
        }
        (Value::Array(p), Value::Array(v)) => {
            if p.len() != v.len() {
                return Err(format!(
                    "{}: expected a list of {}, got {} items: {}",
                    here(at),
                    p.len(),
                    v.len(),
                    shorten(value)
                ));
            }
            for (i, (sub, item)) in p.iter().zip(v).enumerate() {
                check(sub, Some(item), &format!("{at}[{i}]"), vectors)?;
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) => {
            if same_number(a, b) {
                Ok(())
            } else {
                differ()
            }
        }
        (p, v) if p == v => Ok(()),
        _ => differ(),
    }
}

fn here(at: &str) -> &str {
    if at.is_empty() { "result" } else { at }
}

fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

fn special(
    key: &str,
    arg: &Value,
    value: Option<&Value>,
    at: &str,
    vectors: &Path,
) -> Result<(), String> {
    let shown = || value.map_or_else(|| "nothing".to_string(), |v| shown_at(at, v));
    let fail = |what: String| Err(format!("{}: expected {what}, got {}", here(at), shown()));
    match key {
        "$not" => match check(arg, value, at, vectors) {
            Ok(()) => fail(format!("not {}", shorten(arg))),
            Err(_) => Ok(()),
        },
        "$any" => match value {
            Some(_) => Ok(()),
            None => fail("a value".into()),
        },
        "$contains" => match value {
            Some(Value::Array(items)) => {
                if items
                    .iter()
                    .any(|i| check(arg, Some(i), at, vectors).is_ok())
                {
                    Ok(())
                } else {
                    fail(format!("a list containing {}", shorten(arg)))
                }
            }
            Some(Value::String(s)) => match arg.as_str() {
                Some(part) if s.contains(part) => Ok(()),
                _ => fail(format!("a string containing {}", shorten(arg))),
            },
            _ => fail(format!("a list or string containing {}", shorten(arg))),
        },
        "$len" => {
            let Some(n) = arg.as_u64() else {
                return Err(format!("{}: bad pattern {{\"$len\": {arg}}}", here(at)));
            };
            let len = match value {
                Some(Value::Array(items)) => Some(items.len() as u64),
                // Bytes fields hold hex: their length counts bytes.
                Some(Value::String(s)) if is_bytes_field(at) && is_hex(s) => {
                    Some(s.len() as u64 / 2)
                }
                Some(Value::String(s)) => Some(s.chars().count() as u64),
                _ => None,
            };
            if len == Some(n) {
                Ok(())
            } else {
                fail(format!("length {n}"))
            }
        }
        "$min" => {
            let Some(n) = arg.as_f64() else {
                return Err(format!("{}: bad pattern {{\"$min\": {arg}}}", here(at)));
            };
            match value.and_then(Value::as_f64) {
                Some(v) if v >= n => Ok(()),
                _ => fail(format!("a number ≥ {n}")),
            }
        }
        "$file_hex" => {
            let Some(file) = arg.as_str() else {
                return Err(format!(
                    "{}: bad pattern {{\"$file_hex\": {arg}}}",
                    here(at)
                ));
            };
            let text = std::fs::read_to_string(vectors.join(file))
                .map_err(|e| format!("{}: cannot read vector {file}: {e}", here(at)))?;
            let expected: String = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            match value.and_then(Value::as_str) {
                Some(v) if v == expected => Ok(()),
                _ => fail(format!("the hex of {file}")),
            }
        }
        "$bytes" => {
            let data = bytes(arg).map_err(|e| format!("{}: $bytes pattern: {e}", here(at)))?;
            match value.and_then(Value::as_str) {
                Some(v) if v == hex(&data) => Ok(()),
                _ => fail(format!(
                    "the bytes {}",
                    shown_at(at, &Value::String(hex(&data)))
                )),
            }
        }
        other => Err(format!("{}: unknown pattern {other}", here(at))),
    }
}

/// The result fields that hold bytes (as hex), by the action tables.
const BYTES_FIELDS: &[&str] = &[
    "material",
    "data",
    "iv",
    "tag",
    "signature",
    "mac",
    "ciphertext",
    "plaintext",
    "ttlv",
    "via_xml",
    "via_json",
];

/// Whether the value at `at` (`.data`, `.ttlv[0]`) is a bytes field.
fn is_bytes_field(at: &str) -> bool {
    let last = at.rsplit('.').next().unwrap_or("");
    let name = last.split('[').next().unwrap_or("");
    BYTES_FIELDS.contains(&name)
}

/// Lowercase hex of whole bytes (how results carry bytes).
fn is_hex(s: &str) -> bool {
    s.len().is_multiple_of(2)
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(p: Value, v: Value) -> bool {
        check(&p, Some(&v), "", Path::new("/")).is_ok()
    }

    #[test]
    fn patterns() {
        assert!(ok(json!({"a": 1}), json!({"a": 1.0, "b": 2})));
        assert!(!ok(json!({"a": 1, "c": 3}), json!({"a": 1})));
        assert!(ok(json!([1, {"$any": true}]), json!([1, "x"])));
        assert!(!ok(json!([1]), json!([1, 2])));
        assert!(ok(json!({"$contains": "b"}), json!(["a", "b"])));
        assert!(ok(json!({"$contains": "ell"}), json!("hello")));
        assert!(ok(json!({"$not": "x"}), json!("y")));
        assert!(ok(json!({"data": {"$len": 2}}), json!({"data": "00ff"})));
        assert!(ok(json!({"id": {"$len": 4}}), json!({"id": "00ff"})));
        assert!(ok(json!({"$min": 2}), json!(3)));
        assert!(ok(json!({"$bytes": "abc"}), json!("616263")));
        // Secret fields are never shown, expected or got: only a length and a digest prefix.
        let err = check(
            &json!({"plaintext": "73656372657421"}),
            Some(&json!({"plaintext": "73656372657420"})),
            "",
            Path::new("/"),
        )
        .unwrap_err();
        assert!(err.contains("<7 bytes, sha256 "), "{err}");
        assert!(!err.contains("7365637265"), "{err}");
        assert!(
            check(
                &json!({"k": {"$not": {"$any": true}}}),
                Some(&json!({})),
                "",
                Path::new("/")
            )
            .is_ok()
        );
    }
}
