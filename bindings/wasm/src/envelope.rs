//! The envelope format (docs/FORMAT.md) with a data key the caller holds, in memory: encrypt,
//! decrypt, and the canonical encoding of key-value encryption contexts.
//!
//! Keys and plaintexts are taken as owned `Vec<u8>`s (wasm-bindgen copies the `Uint8Array` into
//! the module's memory) so that the copy is wiped here when done, not just freed; a plaintext
//! goes back to JavaScript as a fresh `Uint8Array` and the module's copy is wiped on drop.

use js_sys::Uint8Array;
use kmipkit::envelope::format::{self, Dek, KeyRef, Params};
use wasm_bindgen::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use crate::errors::{IntoJs, invalid};
use crate::random;

/// The caller's key as the core takes it; the caller's copy in module memory is wiped either way.
pub(crate) fn dek(mut key: Vec<u8>) -> Result<Dek, JsValue> {
    let dek = <[u8; 32]>::try_from(key.as_slice()).map(Zeroizing::new);
    key.zeroize();
    dek.map_err(|_| invalid("the data key must be a Uint8Array of 32 bytes"))
}

/// The header fields of a new message: the key reference, the wrapped DEK (Model 1) and the frame
/// size (default 64 KiB).
pub(crate) fn params(
    name: String,
    version: u32,
    uid: String,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
) -> Params {
    let mut params = Params::new(KeyRef { name, version, uid });
    if let Some(w) = wrapped_dek {
        params.wrapped_dek = w;
    }
    if let Some(f) = frame_size {
        params.frame_size = f;
    }
    params
}

/// Encrypts `plaintext` under a 32-byte data key with a fresh salt from `crypto.getRandomValues`.
/// `context` (bytes, see `encodeContext`) is bound to the message: decryption needs it again.
/// `name`, `version` and `uid` name the key in the header; `wrappedDek` is stored as is.
///
/// ```js
/// const ct = encrypt(key, new TextEncoder().encode("hello"), ctx, "orders", 1, "42");
/// ```
#[wasm_bindgen(js_name = encrypt)]
#[allow(clippy::too_many_arguments)] // flat arguments; the JS wrapper takes one options object
pub fn encrypt(
    key: Vec<u8>,
    plaintext: Vec<u8>,
    context: &[u8],
    name: String,
    version: u32,
    uid: String,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
) -> Result<Vec<u8>, JsValue> {
    let salt = random::salt().js()?;
    seal(
        key,
        plaintext,
        context,
        salt,
        params(name, version, uid, wrapped_dek, frame_size),
    )
}

/// `encrypt` under a salt the caller chooses: only to reproduce the frozen test vectors. A salt
/// used twice with one key reuses AES-GCM keys and nonces (FORMAT.md §5), hence the name.
#[wasm_bindgen(js_name = encryptWithFixedSaltForTestVectors)]
#[allow(clippy::too_many_arguments)]
pub fn encrypt_with_fixed_salt_for_test_vectors(
    key: Vec<u8>,
    plaintext: Vec<u8>,
    context: &[u8],
    salt: &[u8],
    name: String,
    version: u32,
    uid: String,
    wrapped_dek: Option<Vec<u8>>,
    frame_size: Option<u32>,
) -> Result<Vec<u8>, JsValue> {
    let salt = <[u8; 32]>::try_from(salt).map_err(|_| invalid("the salt must have 32 bytes"))?;
    seal(
        key,
        plaintext,
        context,
        salt,
        params(name, version, uid, wrapped_dek, frame_size),
    )
}

fn seal(
    key: Vec<u8>,
    plaintext: Vec<u8>,
    context: &[u8],
    salt: [u8; 32],
    params: Params,
) -> Result<Vec<u8>, JsValue> {
    let dek = dek(key)?;
    let plaintext = Zeroizing::new(plaintext);
    format::seal_with_salt(&dek, &params, context, salt, &plaintext).js()
}

/// Decrypts a whole message with a 32-byte data key and the context it was encrypted under.
/// Returns no plaintext unless every frame verified; a wrong key or context, or any change to
/// the ciphertext, throws `KMIPKIT_INTEGRITY`; bytes that are no kmipkit ciphertext `KMIPKIT_FORMAT`.
#[wasm_bindgen(js_name = decrypt)]
pub fn decrypt(key: Vec<u8>, ciphertext: &[u8], context: &[u8]) -> Result<Uint8Array, JsValue> {
    let dek = dek(key)?;
    let plaintext = format::open(ciphertext, &dek, context).js()?;
    Ok(Uint8Array::from(plaintext.as_slice()))
}

/// The canonical bytes of a key-value encryption context (FORMAT.md §3.1): `keys[i]` = `values[i]`,
/// in any order. Refuses empty keys, keys holding `=` or line feeds, and repeated keys.
#[wasm_bindgen(js_name = encodeContext)]
pub fn encode_context(keys: Vec<String>, values: Vec<String>) -> Result<Vec<u8>, JsValue> {
    if keys.len() != values.len() {
        return Err(invalid("a context needs as many values as keys"));
    }
    format::encode_context(keys.into_iter().zip(values)).js()
}

/// The pairs whose canonical encoding is `bytes` as `[[key, value], ...]` sorted by key, or
/// `undefined` when `bytes` is no such encoding (a context given as raw bytes).
#[wasm_bindgen(js_name = decodeContext)]
pub fn decode_context(bytes: &[u8]) -> Option<Vec<js_sys::Array>> {
    let map = format::decode_context(bytes)?;
    Some(
        map.into_iter()
            .map(|(k, v)| js_sys::Array::of2(&k.into(), &v.into()))
            .collect(),
    )
}
