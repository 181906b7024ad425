//! Envelope encryption from C: Model 1 (data keys protected by a KEK that never leaves the key
//! manager), Model 2 (one key per user or document), streaming through read and write
//! callbacks, rotation with a progress callback, and the key cache — the core's
//! `kmipkit::envelope`, one file per concern, as Python exposes it.
//!
//! The async model calls are driven on the calling thread by the core's `block_on` over the
//! client's blocking transport: no runtime, no thread started.

pub mod cache;
pub mod context;
pub mod model1;
pub mod model2;
pub mod rotation;
pub mod stream;
pub mod with_key;

use std::ffi::c_char;

use kmipkit::envelope::format::KeyRef;

use crate::boundary::{Outcome, out};
use crate::bytes::give_string;

/// Writes a key reference's version and unique identifier to the caller's outputs (`out_uid`
/// may be NULL when the caller does not want it; the string is freed by `kmipkit_string_free`).
pub(crate) fn write_key_ref(
    key: KeyRef,
    out_version: *mut u32,
    out_uid: *mut *mut c_char,
) -> Outcome {
    *out(out_version, "out_version")? = key.version;
    if !out_uid.is_null() {
        *out(out_uid, "out_uid")? = give_string(key.uid);
    }
    Ok(())
}
