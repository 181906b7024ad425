//! `kmipkit_model1`: Model 1 envelope encryption — a fresh data key per message, protected by a
//! key-encryption key (KEK) that never leaves the key manager. Python's `Model1`.

use std::ffi::c_char;
use std::sync::Arc;

use kmipkit::envelope::model1::{KekMethod, Model1};
use kmipkit::keys::KeyCache;
use kmipkit::platform::block_on;

use super::cache::kmipkit_key_cache;
use super::context::{context_bytes, kmipkit_context};
use super::write_key_ref;
use crate::boundary::{
    Outcome, bytes, fail, ffi, ffi_value, give, handle, optional_text, out, take_back, text,
};
use crate::bytes::kmipkit_bytes;
use crate::client::kmipkit_client;
use crate::config::kmipkit_config;
use crate::result::kmipkit_result;

/// Model 1 over one KEK name (KMIP Name `name/vN`). Decryption opens only data keys under that
/// name (any version): a ciphertext under another KEK is refused with
/// `KMIPKIT_RESULT_INTEGRITY`, so the caller, not the ciphertext, chooses the key.
///
/// Thread safety: may be used from many threads at once (each call blocks its thread); free it
/// once, after every call on it has returned. It keeps its client alive.
pub struct kmipkit_model1 {
    pub(crate) inner: Model1,
}

/// Makes Model 1 over `client` for the KEK `kek_name` into `*out_model` (freed with
/// `kmipkit_model1_free`).
///
/// - `kek_version`: the KEK version new data keys are protected under; 0 looks up the current
///   one now (the highest Active version, 1 when there is none yet).
/// - `cache`: NULL, or a key cache for unlocked data keys (the model keeps it alive).
/// - `kek_method`: NULL (chosen from the server's profile at `kmipkit_model1_ensure_kek`),
///   `"encrypt"` (KMIP Encrypt with AES-256-GCM) or `"key-wrap"` (AES key wrap by the key
///   manager); anything else is `KMIPKIT_RESULT_CONFIG`.
///
/// ```c
/// kmipkit_model1 *model = NULL;
/// if (kmipkit_model1_new(client, "orders-kek", 0, NULL, NULL, &model) != KMIPKIT_RESULT_OK)
///     return report_last_error();
/// kmipkit_model1_ensure_kek(model, &version, NULL);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_new(
    client: *const kmipkit_client,
    kek_name: *const c_char,
    kek_version: u32,
    cache: *const kmipkit_key_cache,
    kek_method: *const c_char,
    out_model: *mut *mut kmipkit_model1,
) -> kmipkit_result {
    ffi("kmipkit_model1_new", || {
        let slot = out(out_model, "out_model")?;
        *slot = std::ptr::null_mut();
        let client = handle(client, "client")?.inner.shared();
        let kek_name = text(kek_name, "kek_name")?;
        let method = optional_text(kek_method, "kek_method")?
            .map(str::parse::<KekMethod>)
            .transpose()?;
        let cache = optional_cache(cache)?;
        let mut inner = match kek_version {
            0 => block_on(Model1::current(client, kek_name))?,
            version => Model1::new(client, kek_name, version)?,
        };
        if let Some(cache) = cache {
            inner = inner.with_cache(cache);
        }
        if let Some(method) = method {
            inner = inner.with_kek_method(method);
        }
        *slot = give(kmipkit_model1 { inner });
        Ok(())
    })
}

/// Makes Model 1 as the configuration's `[key]` table says, as the CLI does without `--kek`:
/// the KEK `name` (refused with `KMIPKIT_RESULT_CONFIG` when there is none), its `version`
/// (absent: the current one, looked up now) and its `kek_method` (absent: chosen from the
/// server's profile). `cache`: NULL, or a key cache. Freed with `kmipkit_model1_free`.
///
/// ```c
/// kmipkit_model1 *model = NULL;
/// if (kmipkit_model1_from_config(client, config, NULL, &model) != KMIPKIT_RESULT_OK)
///     return report_last_error();
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_from_config(
    client: *const kmipkit_client,
    config: *const kmipkit_config,
    cache: *const kmipkit_key_cache,
    out_model: *mut *mut kmipkit_model1,
) -> kmipkit_result {
    ffi("kmipkit_model1_from_config", || {
        let slot = out(out_model, "out_model")?;
        *slot = std::ptr::null_mut();
        let client = handle(client, "client")?.inner.shared();
        let key = &handle(config, "config")?.inner.key;
        let cache = optional_cache(cache)?;
        let Some(inner) = block_on(Model1::from_config(client, key, None, None, cache))? else {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_CONFIG,
                "the configuration has no [key] name: set it in kmipkit.toml (or with \
                 kmipkit_config_builder_set_text(b, \"key\", \"name\", ...)), or name the KEK \
                 with kmipkit_model1_new",
            );
        };
        *slot = give(kmipkit_model1 { inner });
        Ok(())
    })
}

/// Finds the KEK, or creates and activates it (with `"key-wrap"`, also checks that the key
/// manager wraps and unwraps under it). Writes its version to `*out_version` and, unless
/// `out_uid` is NULL, its unique identifier to `*out_uid` (freed with `kmipkit_string_free`).
///
/// ```c
/// uint32_t version;
/// char *uid = NULL;
/// kmipkit_model1_ensure_kek(model, &version, &uid);
/// kmipkit_string_free(uid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_ensure_kek(
    model: *const kmipkit_model1,
    out_version: *mut u32,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_model1_ensure_kek", || {
        clear_key_outputs(out_version, out_uid)?;
        let model = handle(model, "model")?;
        write_key_ref(block_on(model.inner.ensure_kek())?, out_version, out_uid)
    })
}

/// The KEK version new data keys are protected under; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_kek_version(model: *const kmipkit_model1) -> u32 {
    ffi_value(0, || {
        handle(model, "model").map_or(0, |m| m.inner.kek_version())
    })
}

/// How new data keys are protected: `"encrypt"` or `"key-wrap"`, as a static string the caller
/// must not free; `""` for NULL. Before `kmipkit_model1_ensure_kek` chose from the server's
/// profile, a model made without a method says `"encrypt"`.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_kek_method(model: *const kmipkit_model1) -> *const c_char {
    ffi_value(c"".as_ptr(), || match handle(model, "model") {
        // The core's names, NUL-terminated; a method added later is named here when it is.
        Ok(m) => match m.inner.kek_method().as_str() {
            "encrypt" => c"encrypt".as_ptr(),
            "key-wrap" => c"key-wrap".as_ptr(),
            _ => c"unknown".as_ptr(),
        },
        Err(_) => c"".as_ptr(),
    })
}

/// Encrypts `plaintext` under a fresh data key from the key manager, protected under the KEK,
/// with `context` (NULL: empty) bound as associated data. The ciphertext (`*out_ciphertext`,
/// freed with `kmipkit_bytes_free`) carries the protected data key; only the key manager can
/// unlock it. The KEK must exist (`kmipkit_model1_ensure_kek`).
///
/// ```c
/// kmipkit_bytes *ct = NULL;
/// kmipkit_model1_encrypt(model, (const uint8_t *)"row 1", 5, ctx, &ct);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_encrypt(
    model: *const kmipkit_model1,
    plaintext: *const u8,
    plaintext_len: usize,
    context: *const kmipkit_context,
    out_ciphertext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_model1_encrypt", || {
        let slot = out(out_ciphertext, "out_ciphertext")?;
        *slot = std::ptr::null_mut();
        let model = &handle(model, "model")?.inner;
        let plaintext = bytes(plaintext, plaintext_len, "plaintext")?;
        let context = context_bytes(context)?;
        let (dek, protected) = block_on(model.create_dek())?;
        let ciphertext = model.seal_with_dek(&dek, &protected, context, plaintext)?;
        *slot = kmipkit_bytes::give_ciphertext(ciphertext);
        Ok(())
    })
}

/// Decrypts a Model 1 ciphertext with `context` (NULL: empty): unlocks its data key on the key
/// manager (or takes it from the cache) and verifies all of it before any plaintext is given
/// (`*out_plaintext`, wiped and freed by `kmipkit_bytes_free`).
///
/// Refusals: `KMIPKIT_RESULT_INTEGRITY` for a wrong context, tampered data or another KEK's
/// ciphertext; `KMIPKIT_RESULT_FORMAT` for bytes that are not a kmipkit ciphertext;
/// `KMIPKIT_RESULT_SERVER` (with `kmipkit_last_error_reason`) when the key manager refuses to
/// unlock (a destroyed or revoked KEK).
///
/// ```c
/// kmipkit_bytes *plain = NULL;
/// if (kmipkit_model1_decrypt(model, kmipkit_bytes_data(ct), kmipkit_bytes_len(ct), ctx,
///                            &plain) == KMIPKIT_RESULT_OK)
///     kmipkit_bytes_free(plain);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_decrypt(
    model: *const kmipkit_model1,
    ciphertext: *const u8,
    ciphertext_len: usize,
    context: *const kmipkit_context,
    out_plaintext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_model1_decrypt", || {
        let slot = out(out_plaintext, "out_plaintext")?;
        *slot = std::ptr::null_mut();
        let model = &handle(model, "model")?.inner;
        let ciphertext = bytes(ciphertext, ciphertext_len, "ciphertext")?;
        let context = context_bytes(context)?;
        let plaintext = block_on(model.open(ciphertext, context))?;
        *slot = kmipkit_bytes::give_plaintext(plaintext);
        Ok(())
    })
}

/// Frees a model. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_free(model: *mut kmipkit_model1) {
    ffi_value((), || take_back(model));
}

/// The key cache of an optional `cache` argument (NULL: none).
pub(crate) fn optional_cache(cache: *const kmipkit_key_cache) -> Outcome<Option<Arc<KeyCache>>> {
    if cache.is_null() {
        return Ok(None);
    }
    Ok(Some(handle(cache, "cache")?.inner.clone()))
}

/// Sets the key-reference outputs to their empty values before anything can fail.
pub(crate) fn clear_key_outputs(out_version: *mut u32, out_uid: *mut *mut c_char) -> Outcome {
    *out(out_version, "out_version")? = 0;
    if !out_uid.is_null() {
        *out(out_uid, "out_uid")? = std::ptr::null_mut();
    }
    Ok(())
}
