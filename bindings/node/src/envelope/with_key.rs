//! The ciphertext format with a caller's own 32-byte key (no key manager): for keys managed
//! elsewhere, benchmarks, and the frozen vectors of `conformance/vectors/envelope/`. Also the
//! canonical encoding of key-value contexts (docs/FORMAT.md §3.1), by the core.

use std::collections::HashMap;

use kmipkit::envelope::format::{self, Header, KeyRef, Params};
use kmipkit::envelope::streaming::Sealer;
use napi::Env;
use napi::bindgen_prelude::{Buffer, BufferSlice, Uint8Array};
use napi_derive::napi;

use super::key32;
use super::stream::{HeaderInfo, NativeHeaderReader, NativeOpener, NativeSealer, header_info};
use crate::errors;

/// What the header of a ciphertext made with a caller's key says about it.
#[napi(object)]
pub struct SealParams {
    /// The key name written into the header (default empty).
    pub name: Option<String>,
    /// The key version written into the header (default 0).
    pub version: Option<u32>,
    /// The key UID written into the header (default empty).
    pub uid: Option<String>,
    /// A wrapped data key to carry in the header (default none).
    pub wrapped_dek: Option<Uint8Array>,
    /// Plaintext bytes per frame (default 65536).
    pub frame_size: Option<u32>,
}

fn params(p: Option<SealParams>) -> Params {
    let p = p.unwrap_or(SealParams {
        name: None,
        version: None,
        uid: None,
        wrapped_dek: None,
        frame_size: None,
    });
    let mut params = Params::new(KeyRef {
        name: p.name.unwrap_or_default(),
        version: p.version.unwrap_or(0),
        uid: p.uid.unwrap_or_default(),
    });
    if let Some(w) = p.wrapped_dek {
        params.wrapped_dek = w.to_vec();
    }
    if let Some(f) = p.frame_size {
        params.frame_size = f;
    }
    params
}

/// Encrypts `plaintext` under the caller's 32-byte `key` with a fresh random salt.
#[napi]
pub fn seal_with_key(
    key: Uint8Array,
    plaintext: Uint8Array,
    context: Uint8Array,
    params: Option<SealParams>,
) -> napi::Result<Buffer> {
    let key = key32(&key).map_err(errors::to_napi)?;
    let sealed = format::seal(key, &self::params(params), &context, &plaintext);
    Ok(Buffer::from(sealed.map_err(errors::to_napi)?))
}

/// `sealWithKey` under a salt the caller chooses: only to reproduce the frozen test vectors. A
/// salt used twice with one key reuses AES-GCM keys and nonces (FORMAT.md §5), hence the name.
#[napi]
pub fn seal_with_fixed_salt_for_test_vectors(
    key: Uint8Array,
    plaintext: Uint8Array,
    context: Uint8Array,
    salt: Uint8Array,
    params: Option<SealParams>,
) -> napi::Result<Buffer> {
    let key = key32(&key).map_err(errors::to_napi)?;
    let salt: [u8; 32] = salt[..].try_into().map_err(|_| {
        errors::to_napi(kmipkit::Error::Encode {
            what: "salt".into(),
            reason: format!("a salt has 32 bytes, not {}", salt.len()),
        })
    })?;
    let sealed = format::seal_with_salt(key, &self::params(params), &context, salt, &plaintext);
    Ok(Buffer::from(sealed.map_err(errors::to_napi)?))
}

/// Decrypts a ciphertext with the caller's 32-byte `key`. The plaintext is copied once into a
/// Buffer V8 allocates, rather than into a fresh Vec handed over as an external Buffer: that
/// saved allocating (and faulting in) a second set of pages and a finalizer per call, and was
/// 0.60x node:crypto at 1 MiB before (node/bench/RESULTS.md). The core's copy is wiped on drop.
#[napi]
pub fn open_with_key<'env>(
    env: &'env Env,
    key: Uint8Array,
    ciphertext: Uint8Array,
    context: Uint8Array,
) -> napi::Result<BufferSlice<'env>> {
    let key = key32(&key).map_err(errors::to_napi)?;
    let plain = format::open(&ciphertext, key, &context).map_err(errors::to_napi)?;
    BufferSlice::copy_from(env, plain.as_slice())
}

/// The header of a ciphertext (no key needed).
#[napi]
pub fn parse_header(ciphertext: Uint8Array) -> napi::Result<HeaderInfo> {
    let (h, body) = Header::parse(&ciphertext).map_err(errors::to_napi)?;
    Ok(header_info(&h, body))
}

/// A push encryptor under the caller's key, with a fresh random salt.
#[napi]
pub fn sealer_with_key(
    key: Uint8Array,
    context: Uint8Array,
    params: Option<SealParams>,
) -> napi::Result<NativeSealer> {
    let key = key32(&key).map_err(errors::to_napi)?;
    let sealer = Sealer::new(key, &self::params(params), &context).map_err(errors::to_napi)?;
    Ok(NativeSealer::new(sealer))
}

/// A push decryptor of the body after the header `reader` collected, under the caller's key.
#[napi]
pub fn opener_with_key(
    reader: &NativeHeaderReader,
    key: Uint8Array,
    context: Uint8Array,
) -> napi::Result<NativeOpener> {
    let key = key32(&key).map_err(errors::to_napi)?;
    let header = reader.complete()?;
    let opener = kmipkit::envelope::streaming::Opener::new(&header, key, &context)
        .map_err(errors::to_napi)?;
    Ok(NativeOpener::new(opener))
}

/// The canonical bytes of a key-value context (FORMAT.md §3.1), pairs in any order.
#[napi]
pub fn encode_context(pairs: Vec<(String, String)>) -> napi::Result<Buffer> {
    Ok(Buffer::from(
        format::encode_context(pairs).map_err(errors::to_napi)?,
    ))
}

/// The pairs whose canonical encoding is `data`, or `null` if it is no such encoding.
#[napi]
pub fn decode_context(data: Uint8Array) -> Option<HashMap<String, String>> {
    format::decode_context(&data).map(|m| m.into_iter().collect())
}
