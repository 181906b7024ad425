//! The TTLV codec: binary TTLV to and from the KMIP JSON and XML encodings, and the readable
//! dump — the core's `ttlv::{json, xml, dump}`, with the decoding limits the caller chooses.
//!
//! Text outputs are `char *` freed (and wiped, as they may show key material in hex) by
//! `kmipkit_string_free`; TTLV outputs are `kmipkit_bytes`.

use std::ffi::c_char;

use kmipkit::ttlv::{Item, Limits, Placeholders, dump, json, xml};

use zeroize::Zeroizing;

use crate::boundary::{
    Outcome, bytes, fail, ffi, ffi_value, give, handle, handle_mut, out, take_back, text,
};
use crate::bytes::{give_string, kmipkit_bytes};
use crate::result::kmipkit_result;

/// A codec: the decoding limits, and the test-case placeholders (`$NOW`,
/// `$UNIQUE_IDENTIFIER_0`, ...) read from KMIP XML or JSON so far, which map to stand-in values
/// and are written back as the same placeholders.
///
/// Thread safety: reading text records placeholders, so a codec is used by one thread at a
/// time; make one per thread.
pub struct kmipkit_codec {
    placeholders: Placeholders,
    limits: Limits,
}

/// A new codec with the default limits (16 MiB messages, 64 levels, 1,000,000 items); never
/// NULL. Freed with `kmipkit_codec_free`.
///
/// ```c
/// kmipkit_codec *codec = kmipkit_codec_new();
/// char *json = NULL;
/// if (kmipkit_codec_ttlv_to_json(codec, ttlv, ttlv_len, false, &json) == KMIPKIT_RESULT_OK) {
///     puts(json);
///     kmipkit_string_free(json);
/// }
/// kmipkit_codec_free(codec);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_new() -> *mut kmipkit_codec {
    ffi_value(std::ptr::null_mut(), || {
        give(kmipkit_codec {
            placeholders: Placeholders::default(),
            limits: Limits::default(),
        })
    })
}

/// Frees a codec. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_free(codec: *mut kmipkit_codec) {
    ffi_value((), || take_back(codec));
}

/// Sets the limits input is decoded under: the largest message in bytes (for text: its
/// length), the deepest nesting, the most items. 0 keeps that limit as it is. Input over a
/// limit is refused with `KMIPKIT_RESULT_LIMIT_EXCEEDED`.
///
/// ```c
/// kmipkit_codec_set_limits(codec, 64 * 1024, 0, 0); // messages up to 64 KiB
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_set_limits(
    codec: *mut kmipkit_codec,
    max_message_size: usize,
    max_depth: usize,
    max_items: usize,
) -> kmipkit_result {
    ffi("kmipkit_codec_set_limits", || {
        let limits = &mut handle_mut(codec, "codec")?.limits;
        let keep = |new: usize, old: usize| if new == 0 { old } else { new };
        *limits = Limits {
            max_message_size: keep(max_message_size, limits.max_message_size),
            max_depth: keep(max_depth, limits.max_depth),
            max_items: keep(max_items, limits.max_items),
        };
        Ok(())
    })
}

/// TTLV bytes to KMIP JSON (indented, or one line when `compact`), as `*out_json` (freed with
/// `kmipkit_string_free`). Bytes that are not one well-formed TTLV item give
/// `KMIPKIT_RESULT_DECODE`.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_ttlv_to_json(
    codec: *const kmipkit_codec,
    ttlv: *const u8,
    ttlv_len: usize,
    compact: bool,
    out_json: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_codec_ttlv_to_json", || {
        let slot = out(out_json, "out_json")?;
        *slot = std::ptr::null_mut();
        let codec = handle(codec, "codec")?;
        let item = decode(codec, ttlv, ttlv_len)?;
        *slot = give_string(if compact {
            json::to_string_compact(&item, &codec.placeholders)
        } else {
            json::to_string(&item, &codec.placeholders)
        });
        Ok(())
    })
}

/// KMIP JSON text (one item) to TTLV bytes, as `*out_ttlv` (freed with `kmipkit_bytes_free`).
/// Text that is not JSON gives `KMIPKIT_RESULT_SYNTAX`; JSON that is not a KMIP item,
/// `KMIPKIT_RESULT_MODEL` or `KMIPKIT_RESULT_DECODE`.
///
/// ```c
/// kmipkit_bytes *ttlv = NULL;
/// kmipkit_result rc = kmipkit_codec_json_to_ttlv(codec,
///     "{\"tag\": \"ProtocolVersionMajor\", \"type\": \"Integer\", \"value\": 1}", &ttlv);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_json_to_ttlv(
    codec: *mut kmipkit_codec,
    json_text: *const c_char,
    out_ttlv: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_codec_json_to_ttlv", || {
        let slot = out(out_ttlv, "out_ttlv")?;
        *slot = std::ptr::null_mut();
        let source = text(json_text, "json_text")?;
        let codec = handle_mut(codec, "codec")?;
        let item = json::from_str_with(source, &mut codec.placeholders, &codec.limits)?;
        *slot = kmipkit_bytes::give(item.to_bytes());
        Ok(())
    })
}

/// TTLV bytes to KMIP XML (indented), as `*out_xml` (freed with `kmipkit_string_free`).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_ttlv_to_xml(
    codec: *const kmipkit_codec,
    ttlv: *const u8,
    ttlv_len: usize,
    out_xml: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_codec_ttlv_to_xml", || {
        let slot = out(out_xml, "out_xml")?;
        *slot = std::ptr::null_mut();
        let codec = handle(codec, "codec")?;
        let item = decode(codec, ttlv, ttlv_len)?;
        *slot = give_string(xml::to_string(&item, &codec.placeholders));
        Ok(())
    })
}

/// One KMIP XML element to TTLV bytes, as `*out_ttlv` (freed with `kmipkit_bytes_free`).
/// Text that is not well-formed XML gives `KMIPKIT_RESULT_SYNTAX`.
///
/// ```c
/// kmipkit_bytes *ttlv = NULL;
/// kmipkit_result rc = kmipkit_codec_xml_to_ttlv(codec,
///     "<ProtocolVersionMajor type=\"Integer\" value=\"1\"/>", &ttlv);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_xml_to_ttlv(
    codec: *mut kmipkit_codec,
    xml_text: *const c_char,
    out_ttlv: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_codec_xml_to_ttlv", || {
        let slot = out(out_ttlv, "out_ttlv")?;
        *slot = std::ptr::null_mut();
        let source = text(xml_text, "xml_text")?;
        let codec = handle_mut(codec, "codec")?;
        let item = xml::from_str_with(source, &mut codec.placeholders, &codec.limits)?;
        *slot = kmipkit_bytes::give(item.to_bytes());
        Ok(())
    })
}

/// The TTLV messages of a KMIP XML test case, in document order (from
/// `kmipkit_codec_xml_messages_to_ttlv`). Freed, and wiped, by `kmipkit_ttlv_list_free`.
///
/// Thread safety: immutable; may be read from many threads at once, freed once.
pub struct kmipkit_ttlv_list {
    messages: Vec<Zeroizing<Vec<u8>>>,
}

/// Every message of a KMIP XML test case (each element directly inside the `<KMIP>` root, or
/// the root itself when it is not `<KMIP>`) as TTLV, in `*out_list` (freed with
/// `kmipkit_ttlv_list_free`). Placeholders such as `$UNIQUE_IDENTIFIER_0` are recorded in the
/// codec, so writing the messages back with it restores them.
///
/// ```c
/// kmipkit_ttlv_list *messages = NULL;
/// if (kmipkit_codec_xml_messages_to_ttlv(codec, test_case_xml, &messages) == KMIPKIT_RESULT_OK) {
///     for (size_t i = 0; i < kmipkit_ttlv_list_len(messages); i++) {
///         const uint8_t *data;
///         size_t len;
///         kmipkit_ttlv_list_get(messages, i, &data, &len);
///         send_message(data, len);
///     }
///     kmipkit_ttlv_list_free(messages);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_xml_messages_to_ttlv(
    codec: *mut kmipkit_codec,
    xml_text: *const c_char,
    out_list: *mut *mut kmipkit_ttlv_list,
) -> kmipkit_result {
    ffi("kmipkit_codec_xml_messages_to_ttlv", || {
        let slot = out(out_list, "out_list")?;
        *slot = std::ptr::null_mut();
        let source = text(xml_text, "xml_text")?;
        let codec = handle_mut(codec, "codec")?;
        let items = xml::messages_from_str_with(source, &mut codec.placeholders, &codec.limits)?;
        let messages = items.iter().map(|i| Zeroizing::new(i.to_bytes())).collect();
        *slot = give(kmipkit_ttlv_list { messages });
        Ok(())
    })
}

/// The number of messages in `list`; 0 when `list` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_ttlv_list_len(list: *const kmipkit_ttlv_list) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live list this library returned (the header's contract).
        unsafe { list.as_ref() }.map_or(0, |l| l.messages.len())
    })
}

/// Message `index` (from 0) of `list`: `*out_data` points into the list (valid until
/// `kmipkit_ttlv_list_free`, not to be freed alone) and `*out_len` is its length.
/// `KMIPKIT_RESULT_INVALID_ARGUMENT` past the last.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_ttlv_list_get(
    list: *const kmipkit_ttlv_list,
    index: usize,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> kmipkit_result {
    ffi("kmipkit_ttlv_list_get", || {
        let data = out(out_data, "out_data")?;
        *data = std::ptr::null();
        let len = out(out_len, "out_len")?;
        *len = 0;
        let messages = &handle(list, "list")?.messages;
        let Some(message) = messages.get(index) else {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                format!(
                    "argument `index`: {index} is past the last message (the list has {})",
                    messages.len()
                ),
            );
        };
        *data = message.as_ptr();
        *len = message.len();
        Ok(())
    })
}

/// Wipes and frees a message list. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_ttlv_list_free(list: *mut kmipkit_ttlv_list) {
    ffi_value((), || take_back(list));
}

/// A readable tree of TTLV bytes (one item a line, indented; byte strings show only their
/// length, so key material is not printed), as `*out_text` (freed with `kmipkit_string_free`).
///
/// ```c
/// char *tree = NULL;
/// if (kmipkit_codec_dump(codec, reply, reply_len, &tree) == KMIPKIT_RESULT_OK) {
///     fputs(tree, stderr);
///     kmipkit_string_free(tree);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_dump(
    codec: *const kmipkit_codec,
    ttlv: *const u8,
    ttlv_len: usize,
    out_text: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_codec_dump", || {
        let slot = out(out_text, "out_text")?;
        *slot = std::ptr::null_mut();
        let item = decode(handle(codec, "codec")?, ttlv, ttlv_len)?;
        *slot = give_string(dump::to_string(&item));
        Ok(())
    })
}

/// Checks that TTLV bytes are one well-formed item and writes them re-encoded (the canonical
/// form) as `*out_ttlv` (freed with `kmipkit_bytes_free`).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_codec_normalize(
    codec: *const kmipkit_codec,
    ttlv: *const u8,
    ttlv_len: usize,
    out_ttlv: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_codec_normalize", || {
        let slot = out(out_ttlv, "out_ttlv")?;
        *slot = std::ptr::null_mut();
        let item = decode(handle(codec, "codec")?, ttlv, ttlv_len)?;
        *slot = kmipkit_bytes::give(item.to_bytes());
        Ok(())
    })
}

/// The caller's TTLV bytes, decoded under the codec's limits.
fn decode(codec: &kmipkit_codec, ttlv: *const u8, ttlv_len: usize) -> Outcome<Item<'static>> {
    let data = bytes(ttlv, ttlv_len, "ttlv")?;
    Ok(Item::from_bytes(data, &codec.limits)?)
}
