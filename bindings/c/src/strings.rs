//! `kmipkit_strings`: a list of strings kmipkit returns (Locate's unique identifiers, the
//! protocol versions of Discover Versions, the attribute names of Get Attribute List).

use std::ffi::{CString, c_char};

use crate::boundary::{ffi_value, give, take_back};

/// A list of strings returned by kmipkit. Read it with `kmipkit_strings_count` and
/// `kmipkit_strings_at`; free it with `kmipkit_strings_free`.
///
/// Thread safety: immutable; may be read from many threads at once, freed once.
pub struct kmipkit_strings {
    items: Vec<CString>,
}

impl kmipkit_strings {
    /// Hands strings to C. Interior NULs (which KMIP text never holds in practice) are dropped.
    pub(crate) fn give(items: impl IntoIterator<Item = String>) -> *mut kmipkit_strings {
        let items = items
            .into_iter()
            .map(|s| CString::new(s.replace('\0', "")).unwrap_or_default())
            .collect();
        give(kmipkit_strings { items })
    }
}

/// The number of strings; 0 when `strings` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_strings_count(strings: *const kmipkit_strings) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live list this library returned (the header's contract).
        unsafe { strings.as_ref() }.map_or(0, |s| s.items.len())
    })
}

/// The string at `index`, valid until `kmipkit_strings_free` (do not free it on its own), or
/// NULL when `strings` is NULL or `index` is past the end.
///
/// ```c
/// for (size_t i = 0; i < kmipkit_strings_count(uids); i++)
///     puts(kmipkit_strings_at(uids, i));
/// kmipkit_strings_free(uids);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_strings_at(
    strings: *const kmipkit_strings,
    index: usize,
) -> *const c_char {
    ffi_value(std::ptr::null(), || {
        // SAFETY: NULL or a live list this library returned (the header's contract).
        unsafe { strings.as_ref() }
            .and_then(|s| s.items.get(index))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Frees a list and its strings. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_strings_free(strings: *mut kmipkit_strings) {
    ffi_value((), || take_back(strings));
}
