//! The naming rule of Model 2 keys, and what it keeps apart.
//!
//! A Model 2 key's KMIP Name is `prefix + id` for version 1 and `prefix + id + "/v" + N` for
//! version N ≥ 2; a Model 1 KEK's is `name + "/v" + N` for every version. Three rules make the
//! map from (prefix, identifier, version) and (KEK name, version) to KMIP names injective, so
//! that no identifier can ever reach another identifier's key or a KEK:
//!
//! 1. `/` is the version separator: it appears in no prefix and no identifier, so `Z/v2` cannot
//!    name an identifier (it would read as version 2 of `Z`).
//! 2. `:` ends a prefix: a prefix is empty or ends with its only `:` (`customer:`,
//!    `tenant-7:`). No prefix is then the beginning of another, so `prefix + id` splits back
//!    in one way only (`a-` + `b-c` and `a-b-` + `c` could both name `a-b-c`; `a:` + `b-c` and
//!    `a:b:` + `c` cannot both be valid). Under the empty prefix an identifier contains no `:`.
//! 3. A KEK name contains no `:`. Every prefixed Model 2 name does, so no prefixed Model 2 key
//!    can be a KEK version. Keys without a prefix share their names with KEKs (`orders` version
//!    2 and KEK `orders` version 2 are both `orders/v2`): Model 2 refuses an unprefixed
//!    identifier whose name is also a KEK's (it finds `name/v1`, which only Model 1 makes), and
//!    a prefix avoids the question.
//!
//! Names made before these rules keep working for decryption: ciphertexts carry their key's
//! name and UID, and a key named without `:` (say `customer-C-1042`, from the former prefix
//! `customer-`) is the identifier `customer-C-1042` under the empty prefix.

use crate::error::{Error, Result};

/// Separates a version number from the key name: `customer:C-1042/v2`.
pub const VERSION_SEPARATOR: char = '/';
/// Ends a non-empty prefix: `customer:`.
pub const PREFIX_END: char = ':';
/// The longest identifier, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// The longest prefix, in bytes.
pub const MAX_PREFIX_LEN: usize = 256;
/// The longest KEK name, in bytes.
pub const MAX_KEK_NAME_LEN: usize = 1000;

/// Checks a Model 2 prefix: empty, or at most [`MAX_PREFIX_LEN`] bytes ending with its only
/// [`PREFIX_END`], without `/` or control characters.
pub fn check_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() {
        return Ok(());
    }
    check_name_part("key-name prefix", prefix, MAX_PREFIX_LEN)?;
    if prefix.contains(VERSION_SEPARATOR) {
        return Err(invalid(format!(
            "the key-name prefix {prefix:?} contains '/', which separates key versions"
        )));
    }
    let body = prefix.strip_suffix(PREFIX_END).unwrap_or(prefix);
    if body.is_empty() || body.len() == prefix.len() || body.contains(PREFIX_END) {
        return Err(invalid(format!(
            "the key-name prefix {prefix:?} must end with its only ':' (for example \"customer:\"), so that no prefix is the start of another; keys named with an older prefix such as \"customer-\" are identifiers under the empty prefix (\"customer-C-1042\")"
        )));
    }
    Ok(())
}

/// Checks an identifier under `prefix`: non-empty, at most [`MAX_ID_LEN`] bytes, no control
/// characters, no `/`, and no `:` under the empty prefix.
pub fn check_id(prefix: &str, id: &str) -> Result<()> {
    check_name_part("identifier", id, MAX_ID_LEN)?;
    if id.contains(VERSION_SEPARATOR) {
        return Err(invalid(format!(
            "the identifier {id:?} contains '/', which separates key versions: it would name a version of another identifier's key"
        )));
    }
    if prefix.is_empty() && id.contains(PREFIX_END) {
        return Err(invalid(format!(
            "the identifier {id:?} contains ':', which ends a prefix: pass the part up to ':' as the prefix"
        )));
    }
    Ok(())
}

/// Checks a Model 1 KEK name: non-empty, at most [`MAX_KEK_NAME_LEN`] bytes, no control
/// characters, and no `:`, which would let it share its KMIP names with a prefixed Model 2 key.
pub fn check_kek_name(name: &str) -> Result<()> {
    check_name_part("KEK name", name, MAX_KEK_NAME_LEN)?;
    if name.contains(PREFIX_END) {
        return Err(invalid(format!(
            "the KEK name {name:?} contains ':', which only Model 2 key names carry (after their prefix)"
        )));
    }
    Ok(())
}

/// Splits a Model 2 base key name (as a ciphertext header carries it) into its prefix and
/// identifier: up to and including the first `:`, and the rest.
///
/// ```
/// use kmipkit::envelope::model2::naming::split_key_name;
/// assert_eq!(split_key_name("customer:C-1042")?, ("customer:", "C-1042"));
/// assert_eq!(split_key_name("customer-C-1042")?, ("", "customer-C-1042"));
/// assert!(split_key_name("Z/v2").is_err());
/// # Ok::<(), kmipkit::Error>(())
/// ```
pub fn split_key_name(name: &str) -> Result<(&str, &str)> {
    let (prefix, id) = match name.find(PREFIX_END) {
        Some(i) => name.split_at(i + 1),
        None => ("", name),
    };
    check_prefix(prefix)?;
    check_id(prefix, id)?;
    Ok((prefix, id))
}

/// The KMIP Name of version `version` of the Model 2 key whose version 1 is named `base`:
/// `base` for version 1, `"{base}/v{version}"` after that.
pub fn version_key_name(base: &str, version: u32) -> String {
    if version <= 1 {
        base.to_string()
    } else {
        format!("{base}{VERSION_SEPARATOR}v{version}")
    }
}

/// Checks a name part: non-empty, at most `max` bytes, no control characters.
pub(crate) fn check_name_part(what: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(invalid(format!("the {what} is empty")));
    }
    if value.len() > max {
        return Err(invalid(format!(
            "the {what} has {} bytes; at most {max}",
            value.len()
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("the {what} contains a control character")));
    }
    Ok(())
}

pub(crate) fn invalid(reason: impl Into<String>) -> Error {
    Error::Encode {
        what: "key name".into(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_checked() {
        assert!(check_id("c:", "C-1042").is_ok());
        assert!(check_id("c:", "a:b").is_ok());
        assert!(check_id("", "").is_err());
        assert!(check_id("", "a\nb").is_err());
        assert!(check_id("", "a\u{7f}").is_err());
        assert!(check_id("", &"x".repeat(257)).is_err());
    }

    #[test]
    fn the_collisions_of_the_review_are_refused() {
        // An identifier that reads as a version of another.
        assert!(check_id("", "Z/v2").is_err());
        assert!(check_id("customer:", "Z/v2").is_err());
        assert!(check_prefix("tenant/").is_err());
        // Prefixes that are the start of one another: only one of each pair is valid.
        assert!(check_prefix("a-").is_err() && check_prefix("a-b-").is_err());
        assert!(check_prefix("a:").is_ok() && check_prefix("a:b:").is_err());
        assert!(check_prefix(":").is_err() && check_prefix("a").is_err());
        assert!(check_id("", "a:b").is_err());
        // A prefixed Model 2 name cannot be a KEK name, nor a KEK version name.
        assert!(check_kek_name("customer:C-1").is_err());
        assert!(check_kek_name("orders-kek").is_ok());
    }

    #[test]
    fn names_split_back_into_one_prefix_and_identifier() {
        for (prefix, id) in [("", "C-1042"), ("customer:", "C-1042"), ("t:", "a:b")] {
            check_prefix(prefix).unwrap();
            check_id(prefix, id).unwrap();
            let name = format!("{prefix}{id}");
            assert_eq!(split_key_name(&name).unwrap(), (prefix, id));
        }
        assert_eq!(version_key_name("c:7", 1), "c:7");
        assert_eq!(version_key_name("c:7", 2), "c:7/v2");
    }
}
