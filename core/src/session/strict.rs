//! Strict encoding: a request uses only tags and item types its protocol version defines.
//!
//! Sending a KMIP 1.4 field in a 1.2 request is not harmless: a 1.2 server may refuse the whole
//! message (PyKMIP does), or silently ignore the field (and with it, say, the GCM additional
//! data). The session refuses such a request before it leaves, naming the field. It also
//! refuses an empty Unique Identifier, which a server may take for the ID Placeholder.

use crate::error::{Error, Result};
use crate::spec::{ProtocolVersion, Tag};
use crate::ttlv::{Item, Value};

/// Checks every item of `message` against the tables of `version`.
pub(super) fn check_version(message: &Item<'_>, version: ProtocolVersion) -> Result<()> {
    let mut path = Vec::new();
    walk(message, version, &mut path)
}

/// `path` holds tags, not their names: the names are written only when a request is refused,
/// so a request that passes (every request, on the hot path) costs no formatting.
fn walk(item: &Item<'_>, version: ProtocolVersion, path: &mut Vec<Tag>) -> Result<()> {
    path.push(item.tag);
    // KMIP has no empty identifier, and servers read one as the ID Placeholder (the object the
    // previous operation named): PyKMIP answers `Get("")` with the last key it made.
    if item.tag == Tag::UniqueIdentifier
        && matches!(&item.value, Value::TextString(text) if text.is_empty())
    {
        return Err(Error::Encode {
            what: "Unique Identifier".into(),
            reason: "it is empty; a key server may read an empty identifier as the ID \
                     Placeholder and act on another object: pass the object's identifier"
                .into(),
        });
    }
    // Vendor extensions and tags newer than these tables are the caller's business.
    if let Some(info) = item.tag.info() {
        if !info.versions.contains(version) {
            return Err(refuse(
                path,
                format!("is defined in KMIP {} only", info.versions),
                version,
            ));
        }
        if !info.allows_in(item.item_type(), version) {
            return Err(refuse(
                path,
                format!("cannot be a {} in KMIP {version}", item.item_type()),
                version,
            ));
        }
        // A known enumeration value newer than the message (Operation SetAttribute in 1.4).
        // A value renamed between versions has one entry per name: any of them will do.
        if let (Value::Enumeration(value), Some(enumeration)) = (&item.value, info.enumeration)
            && let Some(entry) = enumeration.entry(*value)
            && !enumeration
                .values
                .iter()
                .any(|e| e.value == *value && e.versions.contains(version))
        {
            let why = format!(
                "value {} is defined in KMIP {} only",
                entry.name, entry.versions
            );
            return Err(refuse(path, why, version));
        }
    }
    for child in item.children() {
        walk(child, version, path)?;
    }
    path.pop();
    Ok(())
}

fn refuse(path: &[Tag], why: String, version: ProtocolVersion) -> Error {
    let names: Vec<String> = path.iter().map(|tag| format!("{tag:?}")).collect();
    Error::Encode {
        what: names.join("/"),
        reason: format!(
            "{why}, and this request is KMIP {version}; leave the field out, or use a protocol version that has it"
        ),
    }
}
