//! Rotation from C, the parts both models share: the progress report, the sink and progress
//! callbacks of a bulk run, and the parallel arrays of items. Model 1's re-wrap is in
//! `rewrap.rs`, Model 2's versions and re-encryption in `versions.rs` — Python's
//! `Model1Rotation` and `Model2Rotation`.
//!
//! A bulk call takes the ciphertexts as parallel arrays (`ciphertexts[i]`, `lengths[i]`) and
//! hands each new form to a sink callback with its index: the caller stores it (replacing the
//! old form) before the next item, so a run stopped by an error can simply be run again.

use std::ffi::{c_int, c_void};

use kmipkit::envelope::rotation::Progress;

use crate::boundary::{Outcome, bytes, fail};
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

/// The sink callback of a bulk run, and why it stopped the run if it did.
pub(crate) struct Sink {
    put: extern "C" fn(*mut c_void, usize, *const u8, usize) -> c_int,
    user_data: *mut c_void,
    failed: Option<String>,
}

/// The progress callback of a bulk run (optional), and the last progress it was told.
pub(crate) struct Watch {
    tell: kmipkit_rotation_progress_cb,
    user_data: *mut c_void,
    last: kmipkit_rotation_progress,
}

/// The callbacks of a bulk run, checked.
pub(crate) fn bulk(
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
    pub(crate) fn put(&mut self, index: usize, ciphertext: &[u8]) -> kmipkit::error::Result<()> {
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
    pub(crate) fn tell(&mut self, p: &Progress) {
        self.last = p.into();
        if let Some(tell) = self.tell {
            tell(self.user_data, &self.last);
        }
    }
}

/// Writes the report (the final one, or how far a stopped run got) and the outcome.
pub(crate) fn finish(
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
pub(crate) fn items<'a>(
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
pub(crate) fn array<'a, T>(ptr: *const T, count: usize, name: &str) -> Outcome<&'a [T]> {
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
