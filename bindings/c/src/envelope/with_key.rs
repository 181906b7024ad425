//! The ciphertext format with a caller's own 32-byte key (no key manager) — Python's
//! `seal_with_key` / `open_with_key`: for keys managed elsewhere, and for checking the frozen
//! vectors of `conformance/vectors/envelope/` from C.

use std::ffi::c_char;

use kmipkit::envelope::format::{self, KeyRef, Params};

use super::context::{context_bytes, kmipkit_context};
use crate::boundary::{Outcome, bytes, ffi, optional_text, out};
use crate::bytes::{give_string, kmipkit_bytes};
use crate::result::kmipkit_result;

/// The 32-byte key argument.
fn key_of<'a>(key: *const u8, key_len: usize) -> Outcome<&'a [u8; 32]> {
    let key = bytes(key, key_len, "key")?;
    key.try_into().map_err(|_| {
        crate::boundary::Failure::Binding(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `key` has {key_len} bytes; a data key has 32 (AES-256)"),
        )
    })
}

/// Encrypts `plaintext` under the caller's 32-byte `key` in the kmipkit ciphertext format,
/// with a fresh random salt and `context` (NULL: empty). The header names the key as
/// `key_name` (NULL: empty), `key_version` and `key_uid` (NULL: empty), for the caller's own
/// bookkeeping. The ciphertext goes to `*out_ciphertext` (freed with `kmipkit_bytes_free`).
///
/// ```c
/// kmipkit_bytes *ct = NULL;
/// kmipkit_seal_with_key(key, 32, (const uint8_t *)"hi", 2, NULL, "my-key", 1, NULL, &ct);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_seal_with_key(
    key: *const u8,
    key_len: usize,
    plaintext: *const u8,
    plaintext_len: usize,
    context: *const kmipkit_context,
    key_name: *const c_char,
    key_version: u32,
    key_uid: *const c_char,
    out_ciphertext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_seal_with_key", || {
        let slot = out(out_ciphertext, "out_ciphertext")?;
        *slot = std::ptr::null_mut();
        let key = key_of(key, key_len)?;
        let plaintext = bytes(plaintext, plaintext_len, "plaintext")?;
        let params = Params::new(KeyRef {
            name: optional_text(key_name, "key_name")?.unwrap_or("").into(),
            version: key_version,
            uid: optional_text(key_uid, "key_uid")?.unwrap_or("").into(),
        });
        let context = context_bytes(context)?;
        *slot = kmipkit_bytes::give_ciphertext(format::seal(key, &params, context, plaintext)?);
        Ok(())
    })
}

/// Decrypts a kmipkit ciphertext with the caller's 32-byte `key` and `context` (NULL: empty),
/// verifying all of it before any plaintext is given (`*out_plaintext`, wiped and freed by
/// `kmipkit_bytes_free`). `KMIPKIT_RESULT_INTEGRITY`: wrong key, wrong context or tampered
/// data; `KMIPKIT_RESULT_FORMAT`: not a kmipkit ciphertext.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_open_with_key(
    key: *const u8,
    key_len: usize,
    ciphertext: *const u8,
    ciphertext_len: usize,
    context: *const kmipkit_context,
    out_plaintext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_open_with_key", || {
        let slot = out(out_plaintext, "out_plaintext")?;
        *slot = std::ptr::null_mut();
        let key = key_of(key, key_len)?;
        let ciphertext = bytes(ciphertext, ciphertext_len, "ciphertext")?;
        let context = context_bytes(context)?;
        let plaintext = format::open(ciphertext, key, context)?;
        *slot = kmipkit_bytes::give_plaintext(plaintext);
        Ok(())
    })
}

/// Reads the header of a kmipkit ciphertext without opening it (no key, nothing verified): the
/// model that made it as `*out_model` (1: it carries a wrapped data key; 2: a key per id), and
/// the key it names as `*out_key_name` (freed with `kmipkit_string_free`) and
/// `*out_key_version`. For Model 1 that is the KEK the data was first sealed under (a re-wrap
/// never changes it). To pick the KEK or id to decrypt with; decryption still checks it.
/// `KMIPKIT_RESULT_FORMAT`: not a kmipkit ciphertext.
///
/// ```c
/// uint32_t model = 0, version = 0;
/// char *name = NULL;
/// if (kmipkit_envelope_header(ct, ct_len, &model, &name, &version) == KMIPKIT_RESULT_OK) {
///     printf("model %u, key %s v%u\n", model, name, version);
///     kmipkit_string_free(name);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_envelope_header(
    ciphertext: *const u8,
    ciphertext_len: usize,
    out_model: *mut u32,
    out_key_name: *mut *mut c_char,
    out_key_version: *mut u32,
) -> kmipkit_result {
    ffi("kmipkit_envelope_header", || {
        let name_slot = out(out_key_name, "out_key_name")?;
        *name_slot = std::ptr::null_mut();
        let model = out(out_model, "out_model")?;
        let version = out(out_key_version, "out_key_version")?;
        let ciphertext = bytes(ciphertext, ciphertext_len, "ciphertext")?;
        let (header, _) = format::Header::parse(ciphertext)?;
        *model = if header.wrapped_dek.is_empty() { 2 } else { 1 };
        *version = header.key_ref.version;
        *name_slot = give_string(header.key_ref.name);
        Ok(())
    })
}
