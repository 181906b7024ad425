//! JS values <-> the core's values. KMIP names are spelled as the core spells them everywhere
//! (tag names such as `CryptographicAlgorithm`, enumeration names such as `AES`), and every
//! value is read by the core's own plain-JSON readers (`Attribute::from_plain`), so Node, Python
//! and the CLI accept the same text. No KMIP logic lives here.

use kmipkit::Error;
use kmipkit::keys::SecretBytes;
use kmipkit::message::CryptographicParameters;
use kmipkit::spec::ProtocolVersion;
use napi::bindgen_prelude::Buffer;
use serde_json::Value as Json;

/// Cryptographic Parameters from a plain object by tag name
/// (`{ BlockCipherMode: 'GCM', TagLength: 16 }`); none for `undefined` or `null`.
pub fn parameters(value: Option<Json>) -> kmipkit::error::Result<Option<CryptographicParameters>> {
    value
        .filter(|v| !v.is_null())
        .map(|v| CryptographicParameters::from_plain(&v))
        .transpose()
}

/// A protocol version from `"1.4"`.
pub fn version(text: &str) -> kmipkit::error::Result<ProtocolVersion> {
    text.parse()
        .map_err(|e| refuse("protocol version", &format!("{text:?}: {e}")))
}

/// Secret bytes copied into a new Buffer, only for a caller who asked for them; the core's
/// copy is zeroized when `secret` drops here.
pub fn exposed(secret: SecretBytes) -> Buffer {
    Buffer::from(secret.expose().to_vec())
}

/// Bytes for a Buffer.
pub fn buffer(bytes: Option<kmipkit::message::Bytes>) -> Option<Buffer> {
    bytes.map(|mut b| Buffer::from(std::mem::take(&mut b.0)))
}

fn refuse(what: &str, reason: &str) -> Error {
    Error::Encode {
        what: what.to_string(),
        reason: reason.to_string(),
    }
}
