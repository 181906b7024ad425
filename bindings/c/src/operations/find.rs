//! Finding and fetching objects: Locate (and by name), Check, Get (and wrapped under a key).

use std::ffi::c_char;

use kmipkit::message::*;

use super::{blocking, cleared, give_bytes};
use crate::attributes::{kmipkit_attributes, optional_list};
use crate::boundary::{ffi, text};
use crate::bytes::{give_string, kmipkit_bytes};
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;
use crate::strings::kmipkit_strings;

/// Locate: the identifiers of the objects matching every one of `attributes` (NULL matches
/// all), at most `maximum_items` of them (0 for no limit) after skipping `offset_items`, as
/// `*out_uids` (freed with `kmipkit_strings_free`).
///
/// ```c
/// kmipkit_strings *uids = NULL;
/// if (kmipkit_client_locate(client, attrs, 0, 0, &uids) == KMIPKIT_RESULT_OK) {
///     printf("%zu found\n", kmipkit_strings_count(uids));
///     kmipkit_strings_free(uids);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_locate(
    client: *const kmipkit_client,
    attributes: *const kmipkit_attributes,
    maximum_items: i32,
    offset_items: i32,
    out_uids: *mut *mut kmipkit_strings,
) -> kmipkit_result {
    ffi("kmipkit_client_locate", || {
        let slot = cleared(out_uids, "out_uids")?;
        let mut request = LocateRequest::new(optional_list(attributes));
        request.maximum_items = (maximum_items != 0).then_some(maximum_items);
        request.offset_items = (offset_items != 0).then_some(offset_items);
        let r = blocking(client)?.run(move |c| c.locate(request))?;
        *slot = kmipkit_strings::give(r.unique_identifier);
        Ok(())
    })
}

/// The identifiers of the objects named `name` (a Locate by Name), as `*out_uids`.
///
/// ```c
/// kmipkit_strings *uids = NULL;
/// kmipkit_client_locate_by_name(client, "payments-kek", &uids);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_locate_by_name(
    client: *const kmipkit_client,
    name: *const c_char,
    out_uids: *mut *mut kmipkit_strings,
) -> kmipkit_result {
    ffi("kmipkit_client_locate_by_name", || {
        let slot = cleared(out_uids, "out_uids")?;
        let name = text(name, "name")?;
        let uids = blocking(client)?.run(|c| c.locate_by_name(name))?;
        *slot = kmipkit_strings::give(uids);
        Ok(())
    })
}

/// Check: asks the server whether the object `uid` can be used; the identifier it checked goes
/// to `*out_uid`.
///
/// ```c
/// char *checked = NULL;
/// kmipkit_client_check(client, uid, &checked);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_check(
    client: *const kmipkit_client,
    uid: *const c_char,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_check", || {
        let slot = cleared(out_uid, "out_uid")?;
        let uid = text(uid, "uid")?.to_string();
        let request = CheckRequest::new(Some(uid.clone()));
        let r = blocking(client)?.run(move |c| c.check(request))?;
        *slot = give_string(r.unique_identifier.unwrap_or(uid));
        Ok(())
    })
}

fn get_into(
    client: &kmipkit::client::BlockingClient,
    slot: &mut *mut kmipkit_bytes,
    uid: &str,
    wrapping: Option<&str>,
) -> crate::boundary::Outcome {
    let response = match wrapping {
        Some(k) => client.run(|c| c.get_wrapped(uid, k))?,
        None => client.run(|c| c.get(GetRequest::new(Some(uid.to_string()))))?,
    };
    match response.object.material() {
        Some(material) => {
            *slot = give_bytes(material.expose().to_vec());
            Ok(())
        }
        None => crate::boundary::fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!(
                "object {uid:?} is a {} and has no bytes to return; read it with \
                 kmipkit_client_get_attributes",
                response.object_type
            ),
        ),
    }
}

/// Get: the bytes of the object `uid` — a key's material, secret data, opaque data, a
/// certificate's DER — as `*out_material` (wiped when freed by `kmipkit_bytes_free`). Its type,
/// algorithm and length are read with `kmipkit_client_get_attributes`. An object without bytes
/// (a template) is `KMIPKIT_RESULT_INVALID_ARGUMENT`.
///
/// ```c
/// kmipkit_bytes *key = NULL;
/// if (kmipkit_client_get(client, uid, &key) == KMIPKIT_RESULT_OK) {
///     use_key(kmipkit_bytes_data(key), kmipkit_bytes_len(key));
///     kmipkit_bytes_free(key);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_get(
    client: *const kmipkit_client,
    uid: *const c_char,
    out_material: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_get", || {
        let slot = cleared(out_material, "out_material")?;
        let uid = text(uid, "uid")?;
        get_into(blocking(client)?, slot, uid, None)
    })
}

/// Get of the key `uid` wrapped (AES key wrap, RFC 3394) under the key `wrapping_uid`, which
/// must be active and allowed to wrap: the wrapped bytes go to `*out_wrapped`.
///
/// ```c
/// kmipkit_bytes *wrapped = NULL;
/// kmipkit_client_get_wrapped(client, uid, kek_uid, &wrapped);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_get_wrapped(
    client: *const kmipkit_client,
    uid: *const c_char,
    wrapping_uid: *const c_char,
    out_wrapped: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_get_wrapped", || {
        let slot = cleared(out_wrapped, "out_wrapped")?;
        let uid = text(uid, "uid")?;
        let wrapping = text(wrapping_uid, "wrapping_uid")?;
        get_into(blocking(client)?, slot, uid, Some(wrapping))
    })
}
