//! The message of the last failure on the calling thread, as C libraries keep `errno`.
//!
//! A failing call stores its result, message, KMIP Result Reason and the server profile's
//! explanation here; a successful call leaves them as they were. Core messages never carry
//! secrets (the core's rule), and the binding's own messages name arguments, never their
//! values, so nothing here needs wiping.

use std::cell::RefCell;
use std::ffi::c_char;

use kmipkit::Error;

use crate::boundary::{Failure, ffi};
use crate::result::kmipkit_result;

/// What the last failing call on this thread left.
struct LastError {
    result: kmipkit_result,
    /// NUL-terminated.
    message: Vec<u8>,
    reason: u32,
    explanation: Option<Vec<u8>>,
}

thread_local! {
    static LAST: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Stores `failure` as this thread's last error and returns its result.
pub(crate) fn store(function: &str, failure: Failure) -> kmipkit_result {
    let (result, message, reason, explanation) = match failure {
        Failure::Core(error) => {
            let (reason, explanation) = match &error {
                Error::Server {
                    reason,
                    explanation,
                    ..
                } => (u32::from(*reason), explanation.clone()),
                _ => (0, None),
            };
            (
                kmipkit_result::from_kind(error.kind()),
                error.to_string(),
                reason,
                explanation,
            )
        }
        Failure::Binding(result, message) => (result, format!("{function}: {message}"), 0, None),
    };
    LAST.with(|last| {
        *last.borrow_mut() = Some(LastError {
            result,
            message: nul_terminated(message),
            reason,
            explanation: explanation.map(nul_terminated),
        });
    });
    result
}

fn nul_terminated(text: String) -> Vec<u8> {
    let mut bytes: Vec<u8> = text.into_bytes().into_iter().filter(|b| *b != 0).collect();
    bytes.push(0);
    bytes
}

/// Copies the message of the last failure on this thread into `buf`, NUL-terminated, and
/// writes its length including the NUL to `*out_len`.
///
/// With `buf` NULL or `len` too small nothing is copied, `*out_len` gets the size needed and
/// the result is `KMIPKIT_RESULT_BUFFER_TOO_SMALL`: call once to size, once to copy. With no
/// failure yet on this thread the message is empty. The message stays until the next failure
/// on this thread or `kmipkit_last_error_clear`. The caller owns `buf`. Thread-safe: each
/// thread has its own.
///
/// ```c
/// char message[512];
/// size_t n;
/// if (kmipkit_last_error_message(message, sizeof message, &n) == KMIPKIT_RESULT_OK)
///     fprintf(stderr, "kmipkit: %s\n", message);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> kmipkit_result {
    // Reading the message must not replace it when it fails (a short buffer, say): the failure
    // of this call is only returned.
    let message = LAST.with(|last| {
        last.borrow()
            .as_ref()
            .map_or_else(|| vec![0], |l| l.message.clone())
    });
    copy_out("kmipkit_last_error_message", &message, buf, len, out_len)
}

/// Copies the server profile's explanation of the last failure on this thread (what the
/// server is known not to support and what to do instead), like `kmipkit_last_error_message`.
/// Empty (a single NUL) when the failure was not a server refusal the profile predicts.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_last_error_explanation(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> kmipkit_result {
    let text = LAST.with(|last| {
        last.borrow()
            .as_ref()
            .and_then(|l| l.explanation.clone())
            .unwrap_or_else(|| vec![0])
    });
    copy_out("kmipkit_last_error_explanation", &text, buf, len, out_len)
}

/// The result of the last failure on this thread, `KMIPKIT_RESULT_OK` when there is none.
/// Never fails.
///
/// ```c
/// assert(kmipkit_last_error_result() == KMIPKIT_RESULT_OK);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_last_error_result() -> u32 {
    LAST.with(|last| {
        last.borrow()
            .as_ref()
            .map_or(kmipkit_result::KMIPKIT_RESULT_OK, |l| l.result) as u32
    })
}

/// The KMIP Result Reason of the last failure on this thread when a key server refused
/// (`KMIPKIT_RESULT_SERVER`), for example 0x01 Item Not Found; 0 otherwise. Never fails.
///
/// ```c
/// if (rc == KMIPKIT_RESULT_SERVER && kmipkit_last_error_reason() == 0x01)
///     puts("no such key");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_last_error_reason() -> u32 {
    LAST.with(|last| last.borrow().as_ref().map_or(0, |l| l.reason))
}

/// Forgets the last failure on this thread. Never fails.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_last_error_clear() {
    LAST.with(|last| *last.borrow_mut() = None);
}

/// Copies `text` (NUL-terminated) to a caller's buffer with the size-query convention.
pub(crate) fn copy_out(
    function: &'static str,
    text: &[u8],
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> kmipkit_result {
    let mut status = kmipkit_result::KMIPKIT_RESULT_OK;
    let result = ffi(function, || {
        let needed = crate::boundary::out_len(out_len, "out_len")?;
        *needed = text.len();
        if buf.is_null() || len < text.len() {
            // Not stored as the last error: this call reads it.
            status = kmipkit_result::KMIPKIT_RESULT_BUFFER_TOO_SMALL;
            return Ok(());
        }
        // SAFETY: the caller promises `buf` points to `len` writable bytes, and `len` is at
        // least `text.len()`; the regions cannot overlap (ours is a fresh Vec).
        unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len()) };
        Ok(())
    });
    if result != kmipkit_result::KMIPKIT_RESULT_OK {
        return result;
    }
    status
}
