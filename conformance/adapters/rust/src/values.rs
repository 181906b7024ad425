//! Values in steps: `{{...}}` templates, `$var` references, the bytes argument forms, contexts,
//! hex, and shortening values for failure details.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// The `{{name}}` substitutions of one scenario variant.
#[derive(Debug, Clone)]
pub struct Templates {
    pairs: Vec<(&'static str, String)>,
}

impl Templates {
    /// The templates of `lang` running `variant` of run `run`; `peer` in the open phase.
    pub fn new(lang: &str, variant: &str, run: &str, peer: Option<&str>, dirs: [&str; 3]) -> Self {
        let version = variant.replace('.', "_");
        let unique = format!("{lang}-{version}-{run}");
        let [shared, work, vectors] = dirs;
        let mut pairs = vec![
            ("lang", lang.to_string()),
            ("version", version),
            ("run", run.to_string()),
            ("unique", unique),
            ("shared", shared.to_string()),
            ("work", work.to_string()),
            ("vectors", vectors.to_string()),
        ];
        if let Some(p) = peer {
            pairs.push(("peer", p.to_string()));
        }
        Self { pairs }
    }

    /// `text` with every `{{name}}` replaced; an unknown name is an error.
    pub fn expand_str(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err(format!("unclosed template in {text:?}"));
            };
            let name = after[..end].trim();
            match self.pairs.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => return Err(format!("unknown template {{{{{name}}}}} in {text:?}")),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `value` with the templates of every string (not object keys) expanded.
    pub fn expand(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => Value::String(self.expand_str(s)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.expand(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(members) => {
                let mut out = Map::new();
                for (k, v) in members {
                    out.insert(k.clone(), self.expand(v)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }
}

/// Whether `text` is a variable reference: `$name` or `$name.field.field`.
fn reference(text: &str) -> Option<Vec<&str>> {
    let body = text.strip_prefix('$')?;
    let parts: Vec<&str> = body.split('.').collect();
    let first = parts.first()?;
    let starts_well = first
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let well_formed = parts.iter().all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    (starts_well && well_formed).then_some(parts)
}

/// `value` with every string that is exactly a variable reference replaced by the saved value.
/// `result` is the step's own result, for `$result.field` in patterns.
pub fn resolve(
    value: &Value,
    vars: &HashMap<String, Value>,
    result: Option<&Value>,
) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => match reference(s) {
            Some(parts) => lookup(&parts, vars, result)
                .ok_or_else(|| format!("{s} is not set (no such saved variable or field)"))?,
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve(v, vars, result))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(members) => {
            if let Some(text) = repeated(members)? {
                return Ok(Value::String(text));
            }
            let mut out = Map::new();
            for (k, v) in members {
                out.insert(k.clone(), resolve(v, vars, result)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// `{"repeat": "x", "times": 2000}`: a text argument, that string repeated.
fn repeated(members: &Map<String, Value>) -> Result<Option<String>, String> {
    if members.len() != 2 || !members.contains_key("repeat") || !members.contains_key("times") {
        return Ok(None);
    }
    let text = members["repeat"]
        .as_str()
        .ok_or("{\"repeat\", \"times\"}: \"repeat\" must be text")?;
    let times = members["times"]
        .as_u64()
        .filter(|n| *n <= 1 << 24)
        .ok_or("{\"repeat\", \"times\"}: \"times\" must be a whole number up to 2^24")?;
    Ok(Some(text.repeat(times as usize)))
}

fn lookup(parts: &[&str], vars: &HashMap<String, Value>, result: Option<&Value>) -> Option<Value> {
    let root = match (parts[0], result) {
        ("result", Some(r)) => r,
        (name, _) => vars.get(name)?,
    };
    let mut here = root;
    for field in &parts[1..] {
        here = match here {
            Value::Object(m) => m.get(*field)?,
            Value::Array(items) => items.get(field.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(here.clone())
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Bytes from hex text (either case; white space ignored).
pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    let nibble = |c: u8| -> Result<u8, String> {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| format!("{:?} is not a hex digit", c as char))
    };
    digits
        .chunks(2)
        .map(|pair| Ok((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

/// The bytes-form keys, as a sorted set of an object's keys.
fn is_bytes_form(members: &Map<String, Value>) -> bool {
    let mut keys: Vec<&str> = members.keys().map(String::as_str).collect();
    keys.sort_unstable();
    matches!(
        keys.as_slice(),
        ["hex"] | ["fill", "len"] | ["var"] | ["at", "flip"] | ["to", "truncate"] | ["concat"]
    )
}

fn number(members: &Map<String, Value>, key: &str) -> Result<i64, String> {
    members
        .get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("bytes form: {key:?} must be an integer"))
}

/// A bytes argument (already resolved): a string's UTF-8 bytes, `{"hex"}`, `{"fill", "len"}`,
/// `{"var"}` (a saved hex value), `{"flip", "at"}`, `{"truncate", "to"}`, `{"concat"}`.
pub fn bytes(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::String(s) => Ok(s.as_bytes().to_vec()),
        Value::Object(m) if is_bytes_form(m) => {
            if let Some(h) = m.get("hex") {
                let text = h.as_str().ok_or("bytes form: \"hex\" must be a string")?;
                return unhex(text);
            }
            if let Some(v) = m.get("var") {
                let text = v
                    .as_str()
                    .ok_or("bytes form: \"var\" must name a saved hex value")?;
                return unhex(text).map_err(|e| format!("bytes form \"var\": {e}"));
            }
            if m.contains_key("fill") {
                let fill = u8::try_from(number(m, "fill")?)
                    .map_err(|_| "bytes form: \"fill\" must be 0..=255")?;
                let len = usize::try_from(number(m, "len")?)
                    .map_err(|_| "bytes form: \"len\" must be ≥ 0")?;
                return Ok(vec![fill; len]);
            }
            if let Some(inner) = m.get("flip") {
                let mut data = bytes(inner)?;
                let at = number(m, "at")?;
                let len = i64::try_from(data.len()).unwrap_or(i64::MAX);
                let index = if at < 0 { len + at } else { at };
                if index < 0 || index >= len {
                    return Err(format!("bytes form: flip at {at} is outside {len} bytes"));
                }
                data[index as usize] ^= 1;
                return Ok(data);
            }
            if let Some(inner) = m.get("truncate") {
                let mut data = bytes(inner)?;
                let to = number(m, "to")?;
                // `to < 0`: all but the last `-to` bytes.
                let keep = if to < 0 {
                    data.len().saturating_sub(to.unsigned_abs() as usize)
                } else {
                    usize::try_from(to).unwrap_or(usize::MAX)
                };
                data.truncate(keep);
                return Ok(data);
            }
            if let Some(Value::Array(parts)) = m.get("concat") {
                let mut out = Vec::new();
                for part in parts {
                    out.extend(bytes(part)?);
                }
                return Ok(out);
            }
            Err(format!("not a bytes form: {}", shorten(value)))
        }
        other => Err(format!("not a bytes value: {}", shorten(other))),
    }
}

/// A context argument: absent (empty), a key-value object (the core's canonical encoding), or
/// bytes. An object whose keys are exactly those of a bytes form is read as bytes.
pub fn context(value: Option<&Value>) -> Result<Context, String> {
    match value {
        None | Some(Value::Null) => Ok(Context::Raw(Vec::new())),
        Some(Value::Object(m)) if !is_bytes_form(m) => {
            let mut pairs = Vec::new();
            for (k, v) in m {
                let v = v
                    .as_str()
                    .ok_or_else(|| format!("context value of {k:?} must be a string"))?;
                pairs.push((k.clone(), v.to_string()));
            }
            Ok(Context::Pairs(pairs))
        }
        Some(other) => bytes(other).map(Context::Raw),
    }
}

/// A context before encoding.
#[derive(Debug, Clone)]
pub enum Context {
    /// Raw context bytes.
    Raw(Vec<u8>),
    /// Key-value pairs, encoded by `kmipkit::envelope::format::encode_context`.
    Pairs(Vec<(String, String)>),
}

/// Result fields whose values failure details never show: key bytes and plaintext.
const SECRET_FIELDS: &[&str] = &["material", "plaintext"];

/// `value` of the result field at `at` (`.attributes.State`) for a failure detail: a secret
/// field's value concealed, anything else shortened.
pub fn shown_at(at: &str, value: &Value) -> String {
    let field = at.rsplit('.').next().unwrap_or_default();
    match value {
        Value::String(s) if SECRET_FIELDS.contains(&field) => conceal(s),
        _ => shorten(value),
    }
}

/// A secret hex value as `<N bytes, sha256 1a2b3c4d>`: its length, and a digest prefix that
/// tells two values apart without showing either.
fn conceal(hex_text: &str) -> String {
    use sha2::{Digest, Sha256};
    let data = unhex(hex_text).unwrap_or_else(|_| hex_text.as_bytes().to_vec());
    let digest = hex(&Sha256::digest(&data));
    format!("<{} bytes, sha256 {}>", data.len(), &digest[..8])
}

/// Longest string shown in a failure detail.
const SHOWN: usize = 64;

/// `value` as compact JSON for a failure detail: long strings cut to 64 characters and the
/// values of secret fields (`material`, `plaintext`) concealed.
pub fn shorten(value: &Value) -> String {
    let mut text = redact(value).to_string();
    if text.chars().count() > 4 * SHOWN {
        text = text.chars().take(4 * SHOWN).collect::<String>() + "…";
    }
    text
}

fn redact(value: &Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > SHOWN => Value::String(format!(
            "{}…({} chars)",
            s.chars().take(SHOWN).collect::<String>(),
            s.chars().count()
        )),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) if SECRET_FIELDS.contains(&k.as_str()) => {
                            Value::String(conceal(s))
                        }
                        _ => redact(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bytes_forms() {
        assert_eq!(bytes(&json!("ab")).unwrap(), b"ab");
        assert_eq!(bytes(&json!({"hex": "00FF"})).unwrap(), [0, 255]);
        assert_eq!(bytes(&json!({"fill": 7, "len": 3})).unwrap(), [7, 7, 7]);
        assert_eq!(
            bytes(&json!({"flip": {"hex": "0000"}, "at": -1})).unwrap(),
            [0, 1]
        );
        assert_eq!(bytes(&json!({"truncate": "abc", "to": 2})).unwrap(), b"ab");
        assert_eq!(
            bytes(&json!({"concat": ["a", {"hex": "62"}]})).unwrap(),
            b"ab"
        );
        assert_eq!(bytes(&json!({"var": "6162"})).unwrap(), b"ab");
    }

    #[test]
    fn templates_and_variables() {
        let t = Templates::new("rust", "1.4", "r1", None, ["/s", "/w", "/v"]);
        assert_eq!(t.expand_str("k-{{unique}}").unwrap(), "k-rust-1_4-r1");
        assert!(t.expand_str("{{nope}}").is_err());
        let mut vars = HashMap::new();
        vars.insert("key".to_string(), json!({"id": "7", "list": [1, 2]}));
        assert_eq!(
            resolve(&json!(["$key.id", "$key.list.1", "x$key"]), &vars, None).unwrap(),
            json!(["7", 2, "x$key"])
        );
        assert!(resolve(&json!("$missing"), &vars, None).is_err());
        assert_eq!(
            resolve(&json!({"id": {"repeat": "ab", "times": 2}}), &vars, None).unwrap(),
            json!({"id": "abab"})
        );
        assert_eq!(bytes(&json!({"truncate": "abc", "to": -1})).unwrap(), b"ab");
    }
}
