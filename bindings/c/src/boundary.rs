//! The panic boundary and the readers of C arguments.
//!
//! Every exported function runs its body through [`ffi`]: a panic is caught there and becomes
//! `KMIPKIT_RESULT_PANIC` (a panic unwinding into C is undefined behaviour), and a failure is
//! stored as the thread's last error. The readers turn raw pointers into references with the
//! NULL check and the UTF-8 check each argument needs, naming the argument when one fails.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::last_error;
use crate::result::kmipkit_result;

/// Why a call failed: the core's error, or a misuse only the binding sees.
#[derive(Debug)]
pub(crate) enum Failure {
    /// An error from the core: its kind gives the result.
    Core(kmipkit::Error),
    /// A binding-level result and what was wrong (argument names, never values).
    Binding(kmipkit_result, String),
}

impl From<kmipkit::Error> for Failure {
    fn from(error: kmipkit::Error) -> Self {
        Self::Core(error)
    }
}

/// The result of a function body.
pub(crate) type Outcome<T = ()> = Result<T, Failure>;

/// A binding-level failure.
pub(crate) fn fail<T>(result: kmipkit_result, message: impl Into<String>) -> Outcome<T> {
    Err(Failure::Binding(result, message.into()))
}

/// Runs `body` as the exported function `function`: catches a panic, stores a failure as the
/// last error, and returns the result the C caller sees.
pub(crate) fn ffi(function: &'static str, body: impl FnOnce() -> Outcome) -> kmipkit_result {
    let outcome = catch_unwind(AssertUnwindSafe(body));
    let callback_failed = CALLBACK_FAILED.with(|flag| flag.replace(false));
    match outcome {
        Ok(Ok(())) => kmipkit_result::KMIPKIT_RESULT_OK,
        // The core saw the caller's callback fail as an error of its own: the caller gets the
        // binding's code for it, with the core's message (which names the callback's reason).
        Ok(Err(Failure::Core(error))) if callback_failed => last_error::store(
            function,
            Failure::Binding(
                kmipkit_result::KMIPKIT_RESULT_CALLBACK_FAILED,
                error.to_string(),
            ),
        ),
        Ok(Err(failure)) => last_error::store(function, failure),
        // The payload is not shown: a panic message is not checked for secrets.
        Err(_) => last_error::store(
            function,
            Failure::Binding(
                kmipkit_result::KMIPKIT_RESULT_PANIC,
                "an internal error (a panic) stopped this call; the object it was given may be \
                 unusable. Please report it with the steps that led to it"
                    .into(),
            ),
        ),
    }
}

thread_local! {
    /// Set when a callback of the caller reported a failure during the current call on this
    /// thread (callbacks run on the calling thread); read and cleared by [`ffi`].
    static CALLBACK_FAILED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Records that the caller's callback failed, so that the call ends with
/// `KMIPKIT_RESULT_CALLBACK_FAILED` rather than the error the core made of it.
pub(crate) fn note_callback_failure() {
    CALLBACK_FAILED.with(|flag| flag.set(true));
}

/// Runs a function that cannot fail and returns a value (a length, a pointer), with the panic
/// boundary: on a panic it returns `fallback`.
pub(crate) fn ffi_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A handle the caller passed: `&T`, or `NullArgument` naming `name`.
///
/// The caller's contract, stated for every function in the header: a non-NULL handle was
/// returned by this library's `_new`/`_load`/`_connect` for that type and not yet freed.
pub(crate) fn handle<'a, T>(ptr: *const T, name: &str) -> Outcome<&'a T> {
    // SAFETY: not NULL (checked by as_ref), and by the contract above a live, properly aligned
    // object this library allocated; freeing it while a call uses it is the caller's bug, as
    // with any C library.
    match unsafe { ptr.as_ref() } {
        Some(value) => Ok(value),
        None => null(name),
    }
}

/// A handle the caller passed for exclusive use (a builder, a stream): `&mut T`.
pub(crate) fn handle_mut<'a, T>(ptr: *mut T, name: &str) -> Outcome<&'a mut T> {
    // SAFETY: as for `handle`; the header documents these types as not shareable between
    // threads during a call, so no other reference exists while the call runs.
    match unsafe { ptr.as_mut() } {
        Some(value) => Ok(value),
        None => null(name),
    }
}

/// A NUL-terminated UTF-8 string argument.
pub(crate) fn text<'a>(ptr: *const c_char, name: &str) -> Outcome<&'a str> {
    if ptr.is_null() {
        return null(name);
    }
    // SAFETY: not NULL; the caller promises a NUL-terminated string that outlives the call.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().or_else(|e| {
        fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_UTF8,
            format!(
                "argument `{name}` is not valid UTF-8 (byte {})",
                e.valid_up_to()
            ),
        )
    })
}

/// An optional string argument: NULL means absent.
pub(crate) fn optional_text<'a>(ptr: *const c_char, name: &str) -> Outcome<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        text(ptr, name).map(Some)
    }
}

/// A byte-string argument `(ptr, len)`; `ptr` may be NULL only when `len` is 0.
#[allow(dead_code)] // used by the envelope and operation functions
pub(crate) fn bytes<'a>(ptr: *const u8, len: usize, name: &str) -> Outcome<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return null(name);
    }
    if len > isize::MAX as usize {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `{name}`: length {len} is larger than any buffer can be"),
        );
    }
    // SAFETY: not NULL, len ≤ isize::MAX; the caller promises `len` readable bytes that stay
    // unchanged for the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An output pointer: the place a result is written, or `NullArgument`.
pub(crate) fn out<'a, T>(ptr: *mut T, name: &str) -> Outcome<&'a mut T> {
    // SAFETY: not NULL (checked by as_mut); the caller promises a writable, aligned `T`.
    match unsafe { ptr.as_mut() } {
        Some(place) => Ok(place),
        None => null(name),
    }
}

/// The length output of the size-query convention.
pub(crate) fn out_len<'a>(ptr: *mut usize, name: &str) -> Outcome<&'a mut usize> {
    out(ptr, name)
}

/// Hands a new object to C: the pointer the matching `_free` takes back.
pub(crate) fn give<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back an object given by [`give`] and drops it; NULL is ignored, like `free(NULL)`.
pub(crate) fn take_back<T>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: not NULL; the caller promises a pointer this library returned for a `T` and not
    // yet freed, so it came from Box::into_raw of a Box<T>.
    drop(unsafe { Box::from_raw(ptr) });
}

fn null<T>(name: &str) -> Outcome<T> {
    fail(
        kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
        format!("argument `{name}` is NULL"),
    )
}
