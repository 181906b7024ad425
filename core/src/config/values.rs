//! Leaf values of the configuration file: ports, durations, sizes, versions, fingerprints, host
//! names, and the "did you mean" suggestion for unknown keys.
//!
//! Each parser takes the text as written and returns the typed value or, as `Err`, the problem in
//! plain words; the caller adds the file, line and key.

use std::time::Duration;

use crate::error::shown;
use crate::spec::ProtocolVersion;
use crate::ttlv::text::parse_hex;

/// A TCP port from a TOML integer.
pub(super) fn port(n: i64) -> Result<u16, String> {
    match u16::try_from(n) {
        Ok(0) | Err(_) => Err("not a port; use a number from 1 to 65535 (KMIP's is 5696)".into()),
        Ok(p) => Ok(p),
    }
}

/// A duration written as a number and a unit, or several: `"250ms"`, `"5s"`, `"2m"`, `"1h"`, `"1m30s"`.
pub(super) fn duration(text: &str) -> Result<Duration, String> {
    const HINT: &str = "write a whole number and a unit: \"250ms\", \"5s\", \"2m\" or \"1h\"";
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(format!("empty duration; {HINT}"));
    }
    let mut total_ms: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, after) = rest.split_at(digits);
        let after = after.trim_start();
        let letters = after.len()
            - after
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let (unit, after) = after.split_at(letters);
        if number.is_empty() {
            return Err(format!("not a duration; {HINT}"));
        }
        let per_unit: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "" => return Err(format!("a duration needs a unit; {HINT}")),
            _ => return Err(format!("unknown unit `{}`; {HINT}", shown(unit))),
        };
        let ms = number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(per_unit))
            .and_then(|ms| ms.checked_add(total_ms));
        total_ms = ms.ok_or_else(|| "duration too long".to_string())?;
        rest = after.trim_start();
    }
    Ok(Duration::from_millis(total_ms))
}

/// The largest Maximum Response Size KMIP can carry (the field is a 32-bit Integer).
const MAX_RESPONSE_SIZE: u64 = i32::MAX as u64;

/// A byte size: a whole number of bytes, or text such as `"16MiB"`, `"512 KiB"`, `"1MB"`.
pub(super) fn size(text: &str) -> Result<usize, String> {
    const HINT: &str = "write a number of bytes or a size such as \"64KiB\" or \"16MiB\"";
    let text = text.trim();
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, unit) = text.split_at(digits);
    let multiplier: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => return Err(format!("unknown unit `{}`; {HINT}", shown(other))),
    };
    let bytes = number
        .parse::<u64>()
        .map_err(|_| format!("not a size; {HINT}"))?
        .saturating_mul(multiplier);
    byte_count(bytes)
}

/// A byte count within the bounds of a KMIP Maximum Response Size.
pub(super) fn byte_count(bytes: u64) -> Result<usize, String> {
    if bytes < 1024 {
        return Err(
            "too small; a response size limit under 1 KiB cannot hold a KMIP response".into(),
        );
    }
    if bytes > MAX_RESPONSE_SIZE {
        return Err(
            "too large; KMIP's Maximum Response Size is a 32-bit integer (at most 2 GiB - 1)"
                .into(),
        );
    }
    usize::try_from(bytes).map_err(|_| "too large for this platform".into())
}

/// A protocol version `major.minor` that kmipkit speaks.
pub(super) fn version(text: &str) -> Result<ProtocolVersion, String> {
    let supported = || {
        ProtocolVersion::ALL
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let parsed = text.trim().parse::<ProtocolVersion>().ok();
    match parsed {
        Some(v) if ProtocolVersion::ALL.contains(&v) => Ok(v),
        Some(v) => Err(format!(
            "kmipkit does not speak KMIP {v}; use one of {}",
            supported()
        )),
        None => Err(format!(
            "not a KMIP version; write major.minor, one of {}",
            supported()
        )),
    }
}

/// A SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by colons.
pub(super) fn fingerprint(text: &str) -> Result<[u8; 32], String> {
    const HINT: &str = "a SHA-256 fingerprint is 64 hex digits, with or without colons \
        (openssl x509 -noout -fingerprint -sha256 -in server.pem)";
    let digits: String = text.trim().chars().filter(|&c| c != ':').collect();
    if digits.len() != 64 {
        return Err(format!("{} hex digits; {HINT}", digits.len()));
    }
    parse_hex(&digits)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| format!("not hex; {HINT}"))
}

/// `https://host[:port][/path]` of a KMIP-over-HTTPS endpoint: its host, port (443 unless
/// given, as for any https URL) and target path (`/kmip`, the KMIP profile's, unless given).
pub(super) fn https_url(text: &str) -> Result<(String, u16, String), String> {
    const HINT: &str = "write it as url = \"https://kms.example.com:5696/kmip\"";
    let text = text.trim();
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!("not a URL; {HINT}"));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" => {
            return Err(
                "plain http would send keys and credentials in clear; kmipkit speaks KMIP over \
                 https only"
                    .into(),
            );
        }
        _ => {
            return Err(format!(
                "the scheme `{}` is not https; {HINT}",
                shown(scheme)
            ));
        }
    }
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, "/kmip"),
    };
    if authority.contains('@') {
        return Err(
            "no user name or password in the URL; set username and password_file instead".into(),
        );
    }
    if authority.contains(['?', '#']) || authority.is_empty() {
        return Err(format!("no host in the URL; {HINT}"));
    }
    let (host, port) = match authority.rsplit_once(':') {
        // `[::1]` alone: the colon is inside the brackets.
        Some((host, port)) if !port.contains(']') => {
            let port = port
                .parse::<i64>()
                .map_err(|_| format!("the port `{}` is not a number", shown(port)))?;
            (host, self::port(port)?)
        }
        _ => (authority, 443),
    };
    let host = self::host(host)?;
    let printable = path.bytes().all(|b| b.is_ascii_graphic() && b != b'#');
    if !printable || path.len() > 1024 {
        return Err(
            "the path must be visible ASCII without spaces or #, at most 1024 bytes \
             (percent-encode anything else)"
                .into(),
        );
    }
    Ok((host, port, path.to_string()))
}

/// The body encoding of KMIP over HTTPS: `ttlv` or `json`.
pub(super) fn https_encoding(text: &str) -> Result<super::HttpsEncoding, String> {
    match text.trim() {
        "ttlv" => Ok(super::HttpsEncoding::Ttlv),
        "json" => Ok(super::HttpsEncoding::Json),
        other => Err(format!(
            "`{}` is not an encoding; use \"ttlv\" (binary, the default) or \"json\"",
            shown(other)
        )),
    }
}

/// The longest DNS name (RFC 1035, in its dotted text form).
const MAX_HOST: usize = 253;

/// A host name or IP address; IPv6 may be written in brackets, which are removed.
pub(super) fn host(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty host; write the key server's host name or IP address".into());
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return inner
            .parse::<std::net::Ipv6Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| "not an IPv6 address inside [ ]".into());
    }
    if text.parse::<std::net::Ipv6Addr>().is_ok() {
        return Ok(text.to_string());
    }
    if text.len() > MAX_HOST {
        return Err(format!(
            "{} bytes; a host name is at most {MAX_HOST} (the DNS limit)",
            text.len()
        ));
    }
    if text.contains("://") || text.contains('/') {
        return Err("write only the host name or IP address, without a scheme or path".into());
    }
    if let Some((_, port)) = text.rsplit_once(':') {
        return Err(format!("write the port separately: port = {}", shown(port)));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a host name cannot contain spaces".into());
    }
    Ok(text.to_string())
}

/// The name of an environment variable that holds a password.
pub(super) fn env_name(text: &str) -> Result<String, String> {
    if text.is_empty() || text.contains(['=', '\0']) {
        return Err("not an environment variable name".into());
    }
    Ok(text.to_string())
}

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The closest of `candidates` to the misspelt `word`, if it is close enough to be a likely typo.
pub(super) fn suggestion<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase().replace('-', "_");
    let allowed = if word.len() <= 3 { 1 } else { 2 };
    // Lengths further apart than the allowed distance cannot match: skip them before the
    // quadratic comparison, so a hostile megabyte-long key costs nothing.
    candidates
        .iter()
        .filter(|c| word.len().abs_diff(c.len()) <= allowed)
        .map(|&c| (distance(&word, c), c))
        .filter(|&(d, _)| d <= allowed)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one
/// each (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_urls() {
        assert_eq!(
            https_url("https://kms.example.com:9998/kmip").unwrap(),
            ("kms.example.com".into(), 9998, "/kmip".into())
        );
        assert_eq!(
            https_url("https://127.0.0.1").unwrap(),
            ("127.0.0.1".into(), 443, "/kmip".into())
        );
        assert_eq!(
            https_url("HTTPS://[::1]:5696/kmip/2_1").unwrap(),
            ("::1".into(), 5696, "/kmip/2_1".into())
        );
        assert_eq!(https_url("https://[::1]").unwrap().1, 443);
        for (bad, why) in [
            ("http://kms/kmip", "clear"),
            ("kms.example.com", "not a URL"),
            ("ftp://kms", "not https"),
            ("https://user:pw@kms/kmip", "password_file"),
            ("https://kms:0/kmip", "not a port"),
            ("https://kms:x/kmip", "not a number"),
            ("https:///kmip", "no host"),
            ("https://kms/a b", "visible ASCII"),
        ] {
            let err = https_url(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("0s"), Ok(Duration::ZERO));
        for bad in [
            "",
            "5",
            "s",
            "5 sec",
            "1.5s",
            "-1s",
            "99999999999999999999h",
        ] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_versions_fingerprints() {
        assert_eq!(size("16MiB"), Ok(16 << 20));
        assert_eq!(size("64 KiB"), Ok(64 << 10));
        assert!(size("3GiB").is_err());
        assert!(size("12").is_err());
        assert_eq!(version("1.4"), Ok(ProtocolVersion::V1_4));
        assert!(version("3.0").unwrap_err().contains("does not speak"));
        assert!(version("two").is_err());
        assert!(version("+1.4").is_err());
        assert_eq!(version(" 2.0 "), Ok(ProtocolVersion::V2_0));
        let hex = "AB".repeat(32);
        assert_eq!(fingerprint(&hex), Ok([0xAB; 32]));
        let colons = vec!["0f"; 32].join(":");
        assert_eq!(fingerprint(&colons), Ok([0x0F; 32]));
        assert!(fingerprint(&"zz".repeat(32)).is_err());
        // `u8::from_str_radix` would take "+f" as 0x0f.
        assert!(fingerprint(&"+f".repeat(32)).is_err());
        assert!(fingerprint("abcd").is_err());
    }

    #[test]
    fn hosts_and_suggestions() {
        assert_eq!(host("[::1]").as_deref(), Ok("::1"));
        assert_eq!(host("kms.example.com").as_deref(), Ok("kms.example.com"));
        assert!(host("kms:5696").unwrap_err().contains("port = 5696"));
        assert!(host("https://kms").is_err());
        assert_eq!(suggestion("hots", &["name", "host", "port"]), Some("host"));
        assert_eq!(
            suggestion("client-key", &["client_key", "ca"]),
            Some("client_key")
        );
        assert_eq!(suggestion("banana", &["host", "port"]), None);
        assert_eq!(line_of("a\nb\nc", 2), 2);
    }
}
