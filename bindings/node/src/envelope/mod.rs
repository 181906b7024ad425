//! Envelope encryption from Node: the key cache, Model 1, Model 2, push streaming (the JS
//! `Transform` streams of `node/lib/envelope/streams.js` feed these chunk by chunk), rotation, and
//! the ciphertext format with a caller's own key. The core does the work; these files convert.
//!
//! Contexts arrive as bytes: `node/lib/envelope/context.js` turns a plain object into the
//! canonical encoding with [`with_key::encode_context`] (the core's encoder) first.

mod cache;
mod model1;
mod model2;
mod rotation;
mod stream;
mod with_key;

use kmipkit::envelope::format::{KeyRef, Plaintext};
use kmipkit::envelope::rotation::KeyVersion;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

/// A key as ciphertext headers name it: base name, version and KMIP unique identifier.
#[napi(object)]
pub struct KeyRefObject {
    /// The base name (`orders-kek`, or a Model 2 prefix and identifier).
    pub name: String,
    /// The version (1, 2, ...).
    pub version: u32,
    /// The KMIP Unique Identifier of that version.
    pub uid: String,
}

impl From<KeyRef> for KeyRefObject {
    fn from(k: KeyRef) -> Self {
        Self {
            name: k.name,
            version: k.version,
            uid: k.uid,
        }
    }
}

impl From<KeyRefObject> for KeyRef {
    fn from(k: KeyRefObject) -> Self {
        Self {
            name: k.name,
            version: k.version,
            uid: k.uid,
        }
    }
}

/// One version of a Model 2 key and its KMIP state (`Active`, `PreActive`, `Deactivated`, ...).
#[napi(object)]
pub struct KeyVersionObject {
    /// The version's key reference.
    pub key: KeyRefObject,
    /// The KMIP state, as the core spells it.
    pub state: String,
}

/// Versions, oldest first.
pub(crate) fn versions_out(versions: Vec<KeyVersion>) -> Vec<KeyVersionObject> {
    versions
        .into_iter()
        .map(|v| KeyVersionObject {
            state: v.state.to_string(),
            key: v.key.into(),
        })
        .collect()
}

/// Plaintext copied into a new Buffer; the core's copy is wiped when `p` drops here.
pub(crate) fn plain_buffer(p: Plaintext) -> Buffer {
    Buffer::from(p.as_slice().to_vec())
}

/// A 32-byte data key from the caller's bytes.
pub(crate) fn key32(key: &[u8]) -> kmipkit::error::Result<&[u8; 32]> {
    key.try_into().map_err(|_| kmipkit::Error::Encode {
        what: "key".into(),
        reason: format!("a data key has 32 bytes (AES-256), not {}", key.len()),
    })
}

/// Plaintext copied out of a JS buffer for an operation that runs on the runtime: wiped when
/// the operation drops it.
pub(crate) struct PlaintextIn(pub Vec<u8>);

impl Drop for PlaintextIn {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
    }
}
