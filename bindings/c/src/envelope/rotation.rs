//! Rotation from C: Model 1 re-wrap of protected data keys under a new KEK version, and Model 2
//! key versions (add, promote, deactivate) with bulk re-encryption to the current version —
//! Python's `Model1Rotation` and `Model2Rotation`, with a progress callback and the report as
//! a `kmipkit_rotation_progress`.
//!
//! A bulk call takes the ciphertexts as parallel arrays (`ciphertexts[i]`, `lengths[i]`) and
//! hands each new form to a sink callback with its index: the caller stores it (replacing the
//! old form) before the next item, so a run stopped by an error can simply be run again.

use std::ffi::{c_char, c_int, c_void};

use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation, Progress};
use kmipkit::platform::block_on;

use super::context::{context_bytes, kmipkit_context};
use super::model1::{clear_key_outputs, kmipkit_model1};
use super::model2::{kmipkit_model2, policy};
use super::write_key_ref;
use crate::boundary::{
    Outcome, bytes, fail, ffi, ffi_value, give, handle, handle_mut, out, take_back, text,
};
use crate::bytes::{give_string, kmipkit_bytes};
use crate::result::kmipkit_result;

/// Progress of a bulk rotation: given to the progress callback after each item and written to
/// the report output at the end (also when the run stopped early: then it says how far it got).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct kmipkit_rotation_progress {
    /// Items looked at so far.
    pub processed: usize,
    /// Items rewritten and handed to the sink.
    pub rotated: usize,
    /// Items already in their new form (skipped, not given to the sink).
    pub already_current: usize,
    /// Key-manager operations made so far for the items.
    pub key_manager_calls: usize,
}

impl From<&Progress> for kmipkit_rotation_progress {
    fn from(p: &Progress) -> Self {
        Self {
            processed: p.processed,
            rotated: p.rotated,
            already_current: p.already_current,
            key_manager_calls: p.key_manager_calls,
        }
    }
}

/// Receives the new form of item `index` (`ciphertext`, valid only during the call). Returns 0
/// when it is stored; any other value stops the run with `KMIPKIT_RESULT_CALLBACK_FAILED`.
/// Called on the calling thread, in item order, never concurrently.
pub type kmipkit_rotation_sink_cb = Option<
    extern "C" fn(user_data: *mut c_void, index: usize, ciphertext: *const u8, len: usize) -> c_int,
>;

/// Told the progress after each item (`progress` valid only during the call). Called on the
/// calling thread, never concurrently. May be NULL.
pub type kmipkit_rotation_progress_cb =
    Option<extern "C" fn(user_data: *mut c_void, progress: *const kmipkit_rotation_progress)>;

/// Re-wraps Model 1 ciphertexts under a target KEK version; remembers each re-wrapped data key
/// so that many ciphertexts under one data key cost one unlock and one protect.
///
/// Thread safety: one thread at a time.
pub struct kmipkit_model1_rotation {
    inner: Model1Rotation,
}

/// A rotation to `target`'s KEK version (`target` made with that version, and the KEK created:
/// `kmipkit_model1_ensure_kek`), into `*out_rotation` (freed with
/// `kmipkit_model1_rotation_free`).
///
/// ```c
/// kmipkit_model1 *v2 = NULL;
/// kmipkit_model1_new(client, "orders-kek", 2, NULL, NULL, &v2);
/// kmipkit_model1_ensure_kek(v2, &version, NULL);
/// kmipkit_model1_rotation *rotation = NULL;
/// kmipkit_model1_rotation_new(v2, &rotation);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_rotation_new(
    target: *const kmipkit_model1,
    out_rotation: *mut *mut kmipkit_model1_rotation,
) -> kmipkit_result {
    ffi("kmipkit_model1_rotation_new", || {
        let slot = out(out_rotation, "out_rotation")?;
        *slot = std::ptr::null_mut();
        let target = handle(target, "target")?.inner.clone();
        *slot = give(kmipkit_model1_rotation {
            inner: Model1Rotation::new(target),
        });
        Ok(())
    })
}

/// Whether `ciphertext`'s data key is already protected under the target version
/// (`KMIPKIT_RESULT_INTEGRITY` for another KEK's ciphertext). No key-manager call.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_rotation_is_current(
    rotation: *const kmipkit_model1_rotation,
    ciphertext: *const u8,
    ciphertext_len: usize,
    out_current: *mut bool,
) -> kmipkit_result {
    ffi("kmipkit_model1_rotation_is_current", || {
        let slot = out(out_current, "out_current")?;
        *slot = false;
        let rotation = handle(rotation, "rotation")?;
        *slot = rotation
            .inner
            .is_current(bytes(ciphertext, ciphertext_len, "ciphertext")?)?;
        Ok(())
    })
}

/// `ciphertext` with its data key re-wrapped under the target version (the body unchanged), or
/// a copy of it when already current, into `*out_ciphertext` (freed with `kmipkit_bytes_free`).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_rotation_rewrap(
    rotation: *mut kmipkit_model1_rotation,
    ciphertext: *const u8,
    ciphertext_len: usize,
    out_ciphertext: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_model1_rotation_rewrap", || {
        let slot = out(out_ciphertext, "out_ciphertext")?;
        *slot = std::ptr::null_mut();
        let rotation = handle_mut(rotation, "rotation")?;
        let ciphertext = bytes(ciphertext, ciphertext_len, "ciphertext")?;
        *slot = kmipkit_bytes::give(block_on(rotation.inner.rewrap(ciphertext))?);
        Ok(())
    })
}

/// Re-wraps `count` ciphertexts (`ciphertexts[i]` of `lengths[i]` bytes): each one not yet
/// current goes to `sink` with its index; `progress` (may be NULL) is told after each item;
/// the report goes to `*out_progress`. Stops at the first error, leaving the rest in their old
/// form: running again completes the job.
///
/// ```c
/// kmipkit_rotation_progress report;
/// kmipkit_model1_rotation_rewrap_all(rotation, cts, lens, n, store, db, show, NULL, &report);
/// printf("%zu rotated, %zu already current\n", report.rotated, report.already_current);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_rotation_rewrap_all(
    rotation: *mut kmipkit_model1_rotation,
    ciphertexts: *const *const u8,
    lengths: *const usize,
    count: usize,
    sink: kmipkit_rotation_sink_cb,
    sink_data: *mut c_void,
    progress: kmipkit_rotation_progress_cb,
    progress_data: *mut c_void,
    out_progress: *mut kmipkit_rotation_progress,
) -> kmipkit_result {
    ffi("kmipkit_model1_rotation_rewrap_all", || {
        let report = out(out_progress, "out_progress")?;
        *report = kmipkit_rotation_progress::default();
        let rotation = handle_mut(rotation, "rotation")?;
        let items = items(ciphertexts, lengths, count)?;
        let (mut sink, mut watch) = bulk(sink, sink_data, progress, progress_data)?;
        let run = block_on(rotation.inner.rewrap_all(
            items.into_iter().enumerate(),
            |i, c| sink.put(*i, &c),
            |p| watch.tell(p),
        ));
        finish(run, sink, watch, report)
    })
}

/// Frees a rotation. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_model1_rotation_free(rotation: *mut kmipkit_model1_rotation) {
    ffi_value((), || take_back(rotation));
}

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
            .with_decrypt_policy(policy(allow_compromised));
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

/// The sink callback of a bulk run, and why it stopped the run if it did.
struct Sink {
    put: extern "C" fn(*mut c_void, usize, *const u8, usize) -> c_int,
    user_data: *mut c_void,
    failed: Option<String>,
}

/// The progress callback of a bulk run (optional), and the last progress it was told.
struct Watch {
    tell: kmipkit_rotation_progress_cb,
    user_data: *mut c_void,
    last: kmipkit_rotation_progress,
}

/// The callbacks of a bulk run, checked.
fn bulk(
    sink: kmipkit_rotation_sink_cb,
    sink_data: *mut c_void,
    progress: kmipkit_rotation_progress_cb,
    progress_data: *mut c_void,
) -> Outcome<(Sink, Watch)> {
    let Some(put) = sink else {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
            "argument `sink` is NULL",
        );
    };
    let sink = Sink {
        put,
        user_data: sink_data,
        failed: None,
    };
    let watch = Watch {
        tell: progress,
        user_data: progress_data,
        last: kmipkit_rotation_progress::default(),
    };
    Ok((sink, watch))
}

impl Sink {
    fn put(&mut self, index: usize, ciphertext: &[u8]) -> kmipkit::error::Result<()> {
        let rc = (self.put)(self.user_data, index, ciphertext.as_ptr(), ciphertext.len());
        if rc == 0 {
            return Ok(());
        }
        let why = format!("the sink callback returned {rc} for item {index}");
        self.failed = Some(why.clone());
        // Any error stops the core's loop; `finish` reports the callback's failure instead.
        Err(kmipkit::Error::Protocol { reason: why })
    }
}

impl Watch {
    fn tell(&mut self, p: &Progress) {
        self.last = p.into();
        if let Some(tell) = self.tell {
            tell(self.user_data, &self.last);
        }
    }
}

/// Writes the report (the final one, or how far a stopped run got) and the outcome.
fn finish(
    run: kmipkit::error::Result<Progress>,
    sink: Sink,
    watch: Watch,
    report: &mut kmipkit_rotation_progress,
) -> Outcome {
    match (run, sink.failed) {
        (Ok(p), _) => {
            *report = (&p).into();
            Ok(())
        }
        (Err(_), Some(why)) => {
            *report = watch.last;
            fail(
                kmipkit_result::KMIPKIT_RESULT_CALLBACK_FAILED,
                format!("{why}; items from it on keep their old form: run again to finish"),
            )
        }
        (Err(e), None) => {
            *report = watch.last;
            Err(e.into())
        }
    }
}

/// `count` items of the parallel arrays `ciphertexts` and `lengths`.
fn items<'a>(
    ciphertexts: *const *const u8,
    lengths: *const usize,
    count: usize,
) -> Outcome<Vec<&'a [u8]>> {
    let pointers = array(ciphertexts, count, "ciphertexts")?;
    let lengths = array(lengths, count, "lengths")?;
    pointers
        .iter()
        .zip(lengths)
        .enumerate()
        .map(|(i, (p, len))| bytes(*p, *len, &format!("ciphertexts[{i}]")))
        .collect()
}

/// A C array of `count` elements (`ptr` may be NULL only when `count` is 0).
fn array<'a, T>(ptr: *const T, count: usize, name: &str) -> Outcome<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
            format!("argument `{name}` is NULL"),
        );
    }
    if count > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `{name}`: {count} elements are more than any array can hold"),
        );
    }
    // SAFETY: not NULL, the size fits isize; the caller promises `count` readable, aligned
    // elements that stay unchanged for the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}
