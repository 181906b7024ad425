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
pub mod rewrap;
pub mod rotation;
pub mod stream;
pub mod versions;
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

#[cfg(test)]
mod tests {
    use super::cache::kmipkit_key_cache;
    use super::context::kmipkit_context;
    use super::model1::kmipkit_model1;
    use super::model2::kmipkit_model2;

    fn shareable<T: Send + Sync>() {}

    /// The header says these handles may be used from many threads at once: the compiler
    /// checks that the Rust types behind them allow it.
    #[test]
    fn the_handles_documented_as_shareable_are_send_and_sync() {
        shareable::<kmipkit_model1>();
        shareable::<kmipkit_model2>();
        shareable::<kmipkit_key_cache>();
        shareable::<kmipkit_context>();
    }
}
