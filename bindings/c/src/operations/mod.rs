//! One exported function per KMIP operation the core's client sends
//! (`kmipkit::client::catalog::OPERATIONS`, checked by `tests/parity.rs`), named
//! `kmipkit_client_<method>` after the core's method, plus the composites C users need
//! (`locate_by_name`, `get_wrapped`). Grouped as the Python binding groups them: objects,
//! lifecycle, attributes, cryptography, server.
//!
//! Each function reads its arguments, calls the core through the blocking client and writes
//! its outputs: unique identifiers as `char *`, lists as `kmipkit_strings`, bytes as
//! `kmipkit_bytes`. The helpers below are the argument readers these functions share.

mod attribute_ops;
mod crypto;
mod find;
mod lifecycle;
mod objects;
mod server;

use std::ffi::c_char;

use kmipkit::client::BlockingClient;
use kmipkit::message::Bytes;

use crate::boundary::{Outcome, bytes, fail, handle, out, text};
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;

/// The blocking client behind a `kmipkit_client` argument.
fn blocking<'a>(ptr: *const kmipkit_client) -> Outcome<&'a BlockingClient> {
    Ok(&handle(ptr, "client")?.inner)
}

/// An output pointer, set to NULL before anything can fail so the caller never frees garbage.
fn cleared<'a, T>(ptr: *mut *mut T, name: &str) -> Outcome<&'a mut *mut T> {
    let slot = out(ptr, name)?;
    *slot = std::ptr::null_mut();
    Ok(slot)
}

/// An optional output pointer: NULL when the caller does not want that output.
fn optional_cleared<'a, T>(ptr: *mut *mut T, name: &str) -> Outcome<Option<&'a mut *mut T>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        cleared(ptr, name).map(Some)
    }
}

/// An enumeration argument by its KMIP name, or `InvalidArgument` naming the argument and the
/// value.
fn enum_arg<T>(
    ptr: *const c_char,
    name: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Outcome<T> {
    let value = text(ptr, name)?;
    match parse(value) {
        Some(parsed) => Ok(parsed),
        None => fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `{name}`: unknown {what} {value:?}"),
        ),
    }
}

/// An optional byte-string argument: absent when `ptr` is NULL and `len` is 0.
fn optional_bytes(ptr: *const u8, len: usize, name: &str) -> Outcome<Option<Bytes>> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    Ok(Some(Bytes(bytes(ptr, len, name)?.to_vec())))
}

/// An array of `count` strings (`ptrs` may be NULL only when `count` is 0).
fn text_list(ptrs: *const *const c_char, count: usize, name: &str) -> Outcome<Vec<String>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ptrs.is_null() {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
            format!("argument `{name}` is NULL"),
        );
    }
    if count > isize::MAX as usize / size_of::<*const c_char>() {
        return fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `{name}`: count {count} is larger than any array can be"),
        );
    }
    // SAFETY: not NULL, size in bounds; the caller promises `count` readable pointers.
    let items = unsafe { std::slice::from_raw_parts(ptrs, count) };
    items
        .iter()
        .enumerate()
        .map(|(i, p)| text(*p, &format!("{name}[{i}]")).map(str::to_string))
        .collect()
}

/// Bytes into a fresh `kmipkit_bytes` (wiped when freed).
fn give_bytes(data: Vec<u8>) -> *mut crate::bytes::kmipkit_bytes {
    crate::bytes::kmipkit_bytes::give(data)
}

/// The bytes of a response field, moved out (not copied: `Bytes` wipes itself when dropped,
/// and moving leaves no second copy behind); empty when the server sent none.
fn take_bytes(field: Option<Bytes>) -> Vec<u8> {
    field.map_or_else(Vec::new, |mut b| std::mem::take(&mut b.0))
}
