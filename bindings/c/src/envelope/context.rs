//! `kmipkit_context`: an encryption context of text keys and values, encoded canonically by the
//! core (docs/FORMAT.md §3.1) — the same bytes as the CLI's `-C KEY=VALUE` pairs and a Python
//! `dict[str, str]`, so data encrypted by one front end opens in another.

use std::ffi::c_char;

use kmipkit::envelope::format::encode_context;

use crate::boundary::{
    Outcome, bytes, fail, ffi, ffi_value, give, handle, handle_mut, out, take_back, text,
};
use crate::result::kmipkit_result;

/// An encryption context: key-value pairs bound to a ciphertext as associated data. Decryption
/// needs the same pairs (in any order) or fails with `KMIPKIT_RESULT_INTEGRITY`.
///
/// A handle rather than parallel arrays so that one context can be reused for many calls and a
/// bulk rotation can take one context per item. NULL wherever a context is taken means the
/// empty context.
///
/// Thread safety: being built (`_add`), one thread at a time; once built, it may be read by
/// many calls on many threads at once.
pub struct kmipkit_context {
    pairs: Vec<(String, String)>,
    /// The canonical encoding of `pairs`, kept current by `kmipkit_context_add`; or the
    /// caller's own bytes for a raw context.
    encoded: Vec<u8>,
    /// Made by `kmipkit_context_from_bytes`: its bytes are the caller's, pairs cannot be added.
    raw: bool,
}

/// Makes an empty context into `*out_context` (freed with `kmipkit_context_free`).
///
/// ```c
/// kmipkit_context *ctx = NULL;
/// kmipkit_context_new(&ctx);
/// kmipkit_context_add(ctx, "table", "orders");
/// kmipkit_context_add(ctx, "row", "7");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_context_new(out_context: *mut *mut kmipkit_context) -> kmipkit_result {
    ffi("kmipkit_context_new", || {
        // The output first: an assignment evaluates its value before its place, so a failing
        // `out(...)?` on the left would leak the context made on the right.
        let slot = out(out_context, "out_context")?;
        *slot = give(kmipkit_context {
            pairs: Vec::new(),
            encoded: Vec::new(),
            raw: false,
        });
        Ok(())
    })
}

/// Makes a raw context into `*out_context` (freed with `kmipkit_context_free`): the caller's
/// `len` bytes, bound to the ciphertext as they are, for contexts that are not key-value pairs
/// (Python's `bytes` context, Rust's `&[u8]`). Pairs cannot be added to it
/// (`KMIPKIT_RESULT_WRONG_STATE`). `data` may be NULL when `len` is 0.
///
/// ```c
/// static const uint8_t row_id[] = {0x00, 0xff, 0x00, 0xff};
/// kmipkit_context *ctx = NULL;
/// kmipkit_context_from_bytes(row_id, sizeof row_id, &ctx);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_context_from_bytes(
    data: *const u8,
    len: usize,
    out_context: *mut *mut kmipkit_context,
) -> kmipkit_result {
    ffi("kmipkit_context_from_bytes", || {
        let slot = out(out_context, "out_context")?;
        *slot = std::ptr::null_mut();
        let encoded = bytes(data, len, "data")?.to_vec();
        *slot = give(kmipkit_context {
            pairs: Vec::new(),
            encoded,
            raw: true,
        });
        Ok(())
    })
}

/// Adds the pair `key=value`. Refused with `KMIPKIT_RESULT_ENCODE` (the context unchanged): an
/// empty key, a key holding `=` or a line feed, a key already added.
///
/// ```c
/// if (kmipkit_context_add(ctx, "tenant", tenant_id) != KMIPKIT_RESULT_OK)
///     return report_last_error();
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_context_add(
    context: *mut kmipkit_context,
    key: *const c_char,
    value: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_context_add", || {
        let context = handle_mut(context, "context")?;
        if context.raw {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_WRONG_STATE,
                "this context holds raw bytes (kmipkit_context_from_bytes): make a new one with \
                 kmipkit_context_new to add key-value pairs",
            );
        }
        let (key, value) = (text(key, "key")?, text(value, "value")?);
        let mut pairs = context.pairs.clone();
        pairs.push((key.to_owned(), value.to_owned()));
        // Encoded now, so that a bad key is refused here, naming it, not at encryption.
        context.encoded = encode_context(pairs.iter().map(|(k, v)| (k, v)))?;
        context.pairs = pairs;
        Ok(())
    })
}

/// The number of pairs in `context`; 0 for NULL and for a raw context.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_context_len(context: *const kmipkit_context) -> usize {
    ffi_value(0, || {
        handle(context, "context").map_or(0, |c| c.pairs.len())
    })
}

/// Frees a context. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_context_free(context: *mut kmipkit_context) {
    ffi_value((), || take_back(context));
}

/// The context bytes of an optional context argument: NULL is the empty context.
pub(crate) fn context_bytes<'a>(context: *const kmipkit_context) -> Outcome<&'a [u8]> {
    if context.is_null() {
        return Ok(&[]);
    }
    Ok(&handle(context, "context")?.encoded)
}
