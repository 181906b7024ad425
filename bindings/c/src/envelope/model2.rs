//! `kmipkit_model2`: Model 2 envelope encryption — one key per identifier (a user, a document),
//! held by the key manager and named `prefix + id`. Python's `Model2`.

use std::ffi::c_char;
use std::sync::Arc;

use kmipkit::envelope::model2::{DecryptPolicy, Model2};
use kmipkit::platform::block_on;

use super::cache::kmipkit_key_cache;
use super::context::{context_bytes, kmipkit_context};
use super::model1::{clear_key_outputs, optional_cache};
use super::write_key_ref;
use crate::boundary::{bytes, ffi, ffi_value, give, handle, out, take_back, text};
use crate::bytes::kmipkit_bytes;
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;

/// Model 2 with one key prefix. A ciphertext opens only with the identifier it was made for:
/// another identifier's ciphertext is refused with `KMIPKIT_RESULT_INTEGRITY` before the key
/// manager is asked.
///
/// Thread safety: may be used from many threads at once (each call blocks its thread); free it
/// once, after every call on it has returned. It keeps its client alive.
pub struct kmipkit_model2 {
    pub(crate) inner: Arc<Model2>,
}

/// Makes Model 2 over `client`, naming keys `prefix + id` (`prefix` is empty or ends with its
/// only `:`), into `*out_model` (freed with `kmipkit_model2_free`). `cache`: NULL, or a key
/// cache for fetched keys (the model keeps it alive). Nothing is sent yet.
///
/// ```c
/// kmipkit_model2 *model = NULL;
/// kmipkit_model2_new(client, "invoices:", NULL, &model);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_new(
    client: *const kmipkit_client,
    prefix: *const c_char,
    cache: *const kmipkit_key_cache,
    out_model: *mut *mut kmipkit_model2,
) -> kmipkit_result {
    ffi("kmipkit_model2_new", || {
        let slot = out(out_model, "out_model")?;
        *slot = std::ptr::null_mut();
        let client = handle(client, "client")?.inner.shared();
        let mut inner = Model2::new(client, text(prefix, "prefix")?)?;
        if let Some(cache) = optional_cache(cache)? {
            inner = inner.with_cache(cache);
        }
        *slot = give(kmipkit_model2 {
            inner: Arc::new(inner),
        });
        Ok(())
    })
}

/// The current (highest Active) version of `id`'s key, created and activated on first use:
/// its version to `*out_version`, and unless `out_uid` is NULL its unique identifier to
/// `*out_uid` (freed with `kmipkit_string_free`).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_key_for(
    model: *const kmipkit_model2,
    id: *const c_char,
    out_version: *mut u32,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_model2_key_for", || {
        clear_key_outputs(out_version, out_uid)?;
        let model = handle(model, "model")?;
        let key = block_on(model.inner.key_for(text(id, "id")?))?;
        write_key_ref(key, out_version, out_uid)
    })
}

/// Forgets what the model remembers of `id` (its current version, its cached key): the next
/// call looks it up again.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_forget(
    model: *const kmipkit_model2,
    id: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_model2_forget", || {
        let model = handle(model, "model")?;
        model.inner.forget(text(id, "id")?).map_err(Into::into)
    })
}

/// Encrypts `plaintext` for `id` under the current version of its key (created on first use),
/// with `context` (NULL: empty) bound as associated data, into `*out_ciphertext` (freed with
/// `kmipkit_bytes_free`).
///
/// ```c
/// kmipkit_bytes *ct = NULL;
/// kmipkit_model2_encrypt(model, "C-1042", (const uint8_t *)"invoice 7", 9, NULL, &ct);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_encrypt(
    model: *const kmipkit_model2,
    id: *const c_char,
    plaintext: *const u8,
    plaintext_len: usize,
    context: *const kmipkit_context,
    out_ciphertext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_model2_encrypt", || {
        let slot = out(out_ciphertext, "out_ciphertext")?;
        *slot = std::ptr::null_mut();
        let model = handle(model, "model")?;
        let id = text(id, "id")?;
        let plaintext = bytes(plaintext, plaintext_len, "plaintext")?;
        let context = context_bytes(context)?;
        let ciphertext = block_on(model.inner.encrypt(id, context, plaintext))?;
        *slot = kmipkit_bytes::give_ciphertext(ciphertext);
        Ok(())
    })
}

/// Decrypts a ciphertext made for `id` with `context` (NULL: empty), with any version of its key
/// that is Pre-Active, Active or Deactivated — and a Compromised one only when
/// `allow_compromised` (to recover data before re-encrypting it). Verifies all of it before any
/// plaintext is given (`*out_plaintext`, wiped and freed by `kmipkit_bytes_free`).
///
/// Refusals: `KMIPKIT_RESULT_INTEGRITY` (wrong context, tampered data, another identifier's
/// ciphertext), `KMIPKIT_RESULT_FORMAT` (not a kmipkit ciphertext), `KMIPKIT_RESULT_SERVER`
/// with `kmipkit_last_error_reason` (the key manager refuses the key: destroyed, say).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_decrypt(
    model: *const kmipkit_model2,
    id: *const c_char,
    ciphertext: *const u8,
    ciphertext_len: usize,
    context: *const kmipkit_context,
    allow_compromised: bool,
    out_plaintext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_model2_decrypt", || {
        let slot = out(out_plaintext, "out_plaintext")?;
        *slot = std::ptr::null_mut();
        let model = handle(model, "model")?;
        let id = text(id, "id")?;
        let ciphertext = bytes(ciphertext, ciphertext_len, "ciphertext")?;
        let context = context_bytes(context)?;
        let plaintext = block_on(model.inner.decrypt_with(
            id,
            ciphertext,
            context,
            DecryptPolicy::allowing_compromised(allow_compromised),
        ))?;
        *slot = kmipkit_bytes::give_plaintext(plaintext);
        Ok(())
    })
}

/// Frees a model. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_free(model: *mut kmipkit_model2) {
    ffi_value((), || take_back(model));
}
