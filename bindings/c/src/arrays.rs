//! The reader of a C array of strings (`const char *const *items, size_t count`): file names,
//! server names.

use std::ffi::c_char;

use crate::boundary::{Outcome, fail, text};
use crate::result::kmipkit_result;

/// `count` NUL-terminated UTF-8 strings at `items`; each failure names the element
/// (`paths[2]`). `items` may be NULL only when `count` is 0.
pub(crate) fn text_array<'a>(
    items: *const *const c_char,
    count: usize,
    name: &str,
) -> Outcome<Vec<&'a str>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
            format!("argument `{name}` is NULL"),
        );
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `{name}`: {count} elements are more than any array can hold"),
        );
    }
    // SAFETY: not NULL, and `count` pointers fit in memory; the caller promises `count`
    // readable pointers that stay unchanged for the call.
    let pointers = unsafe { std::slice::from_raw_parts(items, count) };
    pointers
        .iter()
        .enumerate()
        .map(|(i, p)| text(*p, &format!("{name}[{i}]")))
        .collect()
}
