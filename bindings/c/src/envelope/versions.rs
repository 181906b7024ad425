//! Model 2 rotation from C: the versions of an identifier's key (add, promote, deactivate, list)
//! and bulk re-encryption to its current version with a progress callback — Python's
//! `Model2Rotation`, as functions on `kmipkit_model2`.

use std::ffi::{c_char, c_void};

use kmipkit::envelope::model2::DecryptPolicy;
use kmipkit::envelope::rotation::Model2Rotation;
use kmipkit::platform::block_on;

use super::context::{context_bytes, kmipkit_context};
use super::model1::clear_key_outputs;
use super::model2::kmipkit_model2;
use super::rotation::{
    array, bulk, finish, items, kmipkit_rotation_progress, kmipkit_rotation_progress_cb,
    kmipkit_rotation_sink_cb,
};
use super::write_key_ref;
use crate::boundary::{ffi, handle, out, text};
use crate::bytes::give_string;
use crate::result::kmipkit_result;

/// Adds a new version of `id`'s key (Pre-Active: it decrypts but does not encrypt until
/// `kmipkit_model2_promote`); version 1 is created first if there is none. Its version to
/// `*out_version`, and unless `out_uid` is NULL its unique identifier to `*out_uid` (freed with
/// `kmipkit_string_free`).
///
/// ```c
/// uint32_t v;
/// kmipkit_model2_add_version(model, "C-1042", &v, NULL);
/// kmipkit_model2_promote(model, "C-1042", v);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_add_version(
    model: *const kmipkit_model2,
    id: *const c_char,
    out_version: *mut u32,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_model2_add_version", || {
        clear_key_outputs(out_version, out_uid)?;
        let rotation = Model2Rotation::new(handle(model, "model")?.inner.clone());
        let key = block_on(rotation.add_version(text(id, "id")?))?;
        write_key_ref(key, out_version, out_uid)
    })
}

/// Every version of `id`'s key, oldest first, as JSON text into `*out_json` (freed with
/// `kmipkit_string_free`): `[{"name": "invoices:C-1042", "version": 1, "uid": "17", "state":
/// "Active"}, ...]`; `[]` when the key was never created. What Python's `versions` returns.
///
/// ```c
/// char *json = NULL;
/// if (kmipkit_model2_versions_json(model, "C-1042", &json) == KMIPKIT_RESULT_OK) {
///     puts(json);
///     kmipkit_string_free(json);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_versions_json(
    model: *const kmipkit_model2,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_model2_versions_json", || {
        let slot = out(out_json, "out_json")?;
        *slot = std::ptr::null_mut();
        let model = handle(model, "model")?;
        let versions = block_on(model.inner.versions(text(id, "id")?))?;
        let list: Vec<serde_json::Value> = versions
            .into_iter()
            .map(|v| {
                serde_json::json!({
                    "name": v.key.name,
                    "version": v.key.version,
                    "uid": v.key.uid,
                    "state": v.state.to_string(),
                })
            })
            .collect();
        *slot = give_string(serde_json::Value::Array(list).to_string());
        Ok(())
    })
}

/// Activates `version` of `id`'s key: as the highest Active version it becomes the current one
/// at once for this model.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_promote(
    model: *const kmipkit_model2,
    id: *const c_char,
    version: u32,
) -> kmipkit_result {
    ffi("kmipkit_model2_promote", || {
        let rotation = Model2Rotation::new(handle(model, "model")?.inner.clone());
        block_on(rotation.promote(text(id, "id")?, version)).map_err(Into::into)
    })
}

/// Deactivates `version` of `id`'s key (KMIP Revoke, Cessation of Operation): it no longer
/// encrypts but still decrypts. Refused when no higher Active version would remain current.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_deactivate(
    model: *const kmipkit_model2,
    id: *const c_char,
    version: u32,
) -> kmipkit_result {
    ffi("kmipkit_model2_deactivate", || {
        let rotation = Model2Rotation::new(handle(model, "model")?.inner.clone());
        block_on(rotation.deactivate(text(id, "id")?, version)).map_err(Into::into)
    })
}

/// Re-encrypts `count` ciphertexts of `id` under its current version: item `i` is
/// `ciphertexts[i]` of `lengths[i]` bytes with context `contexts[i]` (`contexts` NULL, or an
/// entry NULL: the empty context). Items already current are skipped; each new form goes to
/// `sink` with its index; `progress` (may be NULL) is told after each item; the report goes to
/// `*out_progress`. A Compromised version decrypts only when `allow_compromised`. Never creates
/// a key: an `id` without one is refused. Stops at the first error; running again completes
/// the job.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model2_reencrypt_all(
    model: *const kmipkit_model2,
    id: *const c_char,
    ciphertexts: *const *const u8,
    lengths: *const usize,
    contexts: *const *const kmipkit_context,
    count: usize,
    allow_compromised: bool,
    sink: kmipkit_rotation_sink_cb,
    sink_data: *mut c_void,
    progress: kmipkit_rotation_progress_cb,
    progress_data: *mut c_void,
    out_progress: *mut kmipkit_rotation_progress,
) -> kmipkit_result {
    ffi("kmipkit_model2_reencrypt_all", || {
        let report = out(out_progress, "out_progress")?;
        *report = kmipkit_rotation_progress::default();
        let rotation = Model2Rotation::new(handle(model, "model")?.inner.clone())
            .with_decrypt_policy(DecryptPolicy::allowing_compromised(allow_compromised));
        let id = text(id, "id")?;
        let texts = items(ciphertexts, lengths, count)?;
        let mut triples = Vec::with_capacity(count);
        for (i, ciphertext) in texts.into_iter().enumerate() {
            let context = if contexts.is_null() {
                &[][..]
            } else {
                context_bytes(array(contexts, count, "contexts")?[i])?
            };
            triples.push((i, context, ciphertext));
        }
        let (mut sink, mut watch) = bulk(sink, sink_data, progress, progress_data)?;
        let run = block_on(rotation.reencrypt_all(
            id,
            triples,
            |i, c| sink.put(*i, &c),
            |p| watch.tell(p),
        ));
        finish(run, sink, watch, report)
    })
}
