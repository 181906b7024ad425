//! The ciphertext format with a caller's own 32-byte key (no key manager): for keys managed
//! elsewhere, benchmarks, and the frozen vectors of `conformance/vectors/envelope/`. Also the
//! canonical encoding of key-value contexts (docs/FORMAT.md §3.1), by the core.

use std::collections::HashMap;

use kmipkit::envelope::format::{self, Header, KeyRef, Params, PreparedOpen, PreparedSeal};
use kmipkit::envelope::streaming::Sealer;
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

/// The two native halves of `sealWithKey` (node/lib/envelope/with-key.js): `prepare` builds the
/// header and derives the message key, and says how long the ciphertext will be; JS allocates a
/// Buffer of that length (`Buffer.allocUnsafe`) and `sealTo` writes the whole message into it.
/// No Rust-side copy of the ciphertext, no external Buffer (and so no finalizer per call). One
/// slot per loaded module, so the JS wrapper reuses it and no object is made per message; a
/// prepared message seals once (`sealTo` takes it), as its nonces must not be reused.
#[napi]
pub struct SealWithKeySlot {
    prepared: Option<PreparedSeal>,
}

#[napi]
impl SealWithKeySlot {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { prepared: None }
    }

    /// Prepares a message of `plaintext_len` bytes under the caller's 32-byte `key` and returns
    /// its exact ciphertext length. `salt`: only to reproduce the frozen test vectors (a salt
    /// used twice with one key reuses AES-GCM keys and nonces, FORMAT.md §5); absent, a fresh
    /// random one.
    #[napi]
    pub fn prepare(
        &mut self,
        key: &[u8],
        plaintext_len: i64,
        context: &[u8],
        params: Option<SealParams>,
        salt: Option<&[u8]>,
    ) -> napi::Result<i64> {
        self.prepared = None;
        let key = key32(key).map_err(errors::to_napi)?;
        let salt = salt.map(salt32).transpose()?;
        let prepared = PreparedSeal::new(key, &self::params(params), context, salt)
            .map_err(errors::to_napi)?;
        let len = usize::try_from(plaintext_len)
            .map_err(|_| length_error("plaintext", plaintext_len))
            .and_then(|n| prepared.sealed_len(n))
            .map_err(errors::to_napi)?;
        self.prepared = Some(prepared);
        i64::try_from(len).map_err(|_| errors::to_napi(length_error("ciphertext", i64::MAX)))
    }

    /// Drops a prepared message that will not be sealed (its allocation failed): its key
    /// schedule is wiped now rather than at the next `prepare`.
    #[napi]
    pub fn clear(&mut self) {
        self.prepared = None;
    }

    /// Seals `plaintext` into `out`, which must have the length `prepare` returned; every byte
    /// of `out` is written, or it fails (and the JS wrapper drops `out`).
    #[napi]
    pub fn seal_to(&mut self, plaintext: &[u8], mut out: BufferSlice) -> napi::Result<()> {
        let prepared = self.prepared.take().ok_or_else(|| {
            errors::to_napi(kmipkit::Error::Encode {
                what: "ciphertext".into(),
                reason: "no message prepared (sealTo follows prepare, once)".into(),
            })
        })?;
        prepared
            .seal_to(plaintext, &mut out)
            .map_err(errors::to_napi)
    }
}

/// The plaintext length of a ciphertext's body, for the output Buffer of `openWithKeyTo`; fails
/// on a malformed header (nothing is verified yet).
#[napi]
pub fn opened_len(ciphertext: &[u8]) -> napi::Result<i64> {
    let prepared = PreparedOpen::parse(ciphertext).map_err(errors::to_napi)?;
    i64::try_from(prepared.opened_len())
        .map_err(|_| errors::to_napi(length_error("plaintext", i64::MAX)))
}

/// Verifies and decrypts a ciphertext with the caller's 32-byte `key` straight into `out` (a
/// Buffer JS allocated with the length `openedLen` returned): no Rust-side copy of the plaintext
/// to wipe, no external Buffer. On any failure the core has zeroed `out` (or not yet written
/// it), and the JS wrapper zeroes it again and drops it, so no partial plaintext is released.
#[napi]
pub fn open_with_key_to(
    key: &[u8],
    ciphertext: &[u8],
    context: &[u8],
    mut out: BufferSlice,
) -> napi::Result<()> {
    let key = key32(key).map_err(errors::to_napi)?;
    let prepared = PreparedOpen::parse(ciphertext).map_err(errors::to_napi)?;
    prepared
        .open_to(key, context, &mut out)
        .map_err(errors::to_napi)
}

fn salt32(salt: &[u8]) -> napi::Result<[u8; 32]> {
    salt.try_into().map_err(|_| {
        errors::to_napi(kmipkit::Error::Encode {
            what: "salt".into(),
            reason: format!("a salt has 32 bytes, not {}", salt.len()),
        })
    })
}

fn length_error(what: &str, len: i64) -> kmipkit::Error {
    kmipkit::Error::Encode {
        what: what.into(),
        reason: format!("a length of {len} bytes is out of range"),
    }
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
