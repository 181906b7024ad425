//! Model 1 rotation from C: `kmipkit_model1_rotation` re-wraps the protected data keys of
//! ciphertexts under a new KEK version (the bodies unchanged), one at a time or in bulk with a
//! progress callback — Python's `Model1Rotation`.

use std::ffi::c_void;

use kmipkit::envelope::rotation::Model1Rotation;
use kmipkit::platform::block_on;

use super::model1::kmipkit_model1;
use super::rotation::{
    bulk, finish, items, kmipkit_rotation_progress, kmipkit_rotation_progress_cb,
    kmipkit_rotation_sink_cb,
};
use crate::boundary::{bytes, ffi, ffi_value, give, handle, handle_mut, out, take_back};
use crate::bytes::kmipkit_bytes;
use crate::result::kmipkit_result;

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
        *slot = kmipkit_bytes::give_ciphertext(block_on(rotation.inner.rewrap(ciphertext))?);
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
