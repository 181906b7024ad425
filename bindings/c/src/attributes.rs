//! `kmipkit_attributes`: a list of KMIP attributes the caller builds (for Create, Register,
//! Locate, Add/Modify/Set Attribute, ...) or reads back (from Get Attributes).
//!
//! Names and values are read by the core's `Attribute::from_plain`, the reader every front end
//! uses (Python's keyword attributes, the CLI), so an attribute is spelled the same way in C:
//! the tag name (`"CryptographicAlgorithm"`) or the KMIP 1.x name (`"Cryptographic Algorithm"`),
//! enumerations by name (`"AES"`), masks as a list of bit names or an integer, dates as Unix
//! seconds; names starting with `x-` or `y-` are vendor attributes.

use std::ffi::c_char;

use kmipkit::message::{Attribute, Attributes};
use serde_json::Value as Json;

use crate::boundary::{
    Outcome, bytes, fail, ffi, ffi_value, give, handle, handle_mut, out, take_back, text,
};
use crate::bytes::give_string;
use crate::result::kmipkit_result;

/// A list of attributes, in order.
///
/// Thread safety: adding to a list needs exclusive use (one thread at a time); a list that no
/// longer changes may be passed to calls on many threads at once. Free it once.
pub struct kmipkit_attributes {
    pub(crate) inner: Attributes,
}

impl kmipkit_attributes {
    /// Wraps attributes read from a server for the caller.
    pub(crate) fn give(inner: Attributes) -> *mut kmipkit_attributes {
        give(kmipkit_attributes { inner })
    }
}

/// One attribute from a name and a plain JSON value, with the core's reader. A name or value
/// the core refuses is the caller's argument: `KMIPKIT_RESULT_INVALID_ARGUMENT`, with the core's
/// message (it names the attribute and what it expects).
pub(crate) fn attribute(name: &str, value: &Json) -> Outcome<Attribute> {
    Attribute::from_plain(name, value).or_else(|e| {
        fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            e.to_string(),
        )
    })
}

/// An optional list argument: NULL is an empty list.
pub(crate) fn optional_list(list: *const kmipkit_attributes) -> Attributes {
    // SAFETY: NULL or a live list this library returned (the header's contract).
    unsafe { list.as_ref() }.map_or_else(Attributes::default, |l| l.inner.clone())
}

/// Lowercase hex, the plain JSON form of a KMIP byte string.
fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

fn add(
    list: *mut kmipkit_attributes,
    name: *const c_char,
    value: impl FnOnce() -> Outcome<Json>,
) -> Outcome {
    let list = handle_mut(list, "attributes")?;
    let name = text(name, "name")?;
    let attribute = attribute(name, &value()?)?;
    list.inner.push(attribute);
    Ok(())
}

/// A new, empty attribute list, freed with `kmipkit_attributes_free`.
///
/// ```c
/// kmipkit_attributes *attrs = kmipkit_attributes_new();
/// kmipkit_attributes_add_enum(attrs, "Cryptographic Algorithm", "AES");
/// kmipkit_attributes_add_int(attrs, "Cryptographic Length", 256);
/// kmipkit_attributes_add_text(attrs, "Name", "payments-kek");
/// // ... kmipkit_client_create(client, "SymmetricKey", attrs, &uid) ...
/// kmipkit_attributes_free(attrs);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_new() -> *mut kmipkit_attributes {
    ffi_value(std::ptr::null_mut(), || {
        give(kmipkit_attributes {
            inner: Attributes::default(),
        })
    })
}

/// Frees a list. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_free(attributes: *mut kmipkit_attributes) {
    ffi_value((), || take_back(attributes));
}

/// Adds a text attribute (`"Name"`, `"Object Group"`, `"x-team"`, ...). A date may also be
/// given as ISO 8601 text. An unknown name is `KMIPKIT_RESULT_INVALID_ARGUMENT`.
///
/// ```c
/// kmipkit_attributes_add_text(attrs, "Name", "orders-2026");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_text(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    value: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_text", || {
        add(attributes, name, || Ok(Json::from(text(value, "value")?)))
    })
}

/// Adds an enumeration attribute by the value's KMIP name (`"Cryptographic Algorithm"` =
/// `"AES"`, `"Object Type"` = `"SymmetricKey"`, `"State"` = `"Active"`). An unknown attribute
/// name or value name is `KMIPKIT_RESULT_INVALID_ARGUMENT`, the message naming it.
///
/// ```c
/// kmipkit_attributes_add_enum(attrs, "Cryptographic Algorithm", "AES");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_enum(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    value: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_enum", || {
        add(attributes, name, || Ok(Json::from(text(value, "value")?)))
    })
}

/// Adds a 32-bit integer attribute (`"Cryptographic Length"`), or a mask as its bits
/// (`"Cryptographic Usage Mask"` = 12 for Encrypt|Decrypt).
///
/// ```c
/// kmipkit_attributes_add_int(attrs, "Cryptographic Length", 256);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_int(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    value: i32,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_int", || {
        add(attributes, name, || Ok(Json::from(value)))
    })
}

/// Adds a 64-bit integer attribute: a vendor `x-` number, or a standard attribute whose value is
/// a Long Integer. (Usage Limits is a structure: not set through this.)
///
/// ```c
/// kmipkit_attributes_add_long(attrs, "x-generation", 7);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_long(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    value: i64,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_long", || {
        add(attributes, name, || Ok(Json::from(value)))
    })
}

/// Adds a boolean attribute (`"Sensitive"`, `"Extractable"`).
///
/// ```c
/// kmipkit_attributes_add_bool(attrs, "Sensitive", true);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_bool(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    value: bool,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_bool", || {
        add(attributes, name, || Ok(Json::from(value)))
    })
}

/// Adds a date-time attribute (`"Activation Date"`) as Unix seconds.
///
/// ```c
/// kmipkit_attributes_add_date_time(attrs, "Activation Date", (int64_t)time(NULL) + 3600);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_date_time(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    unix_seconds: i64,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_date_time", || {
        add(attributes, name, || Ok(Json::from(unix_seconds)))
    })
}

/// Adds a byte-string attribute (`len` bytes at `data`; NULL only when `len` is 0), such as
/// KMIP 2.0's `"Short Unique Identifier"`. A vendor (`x-`, `y-`) attribute's value is text, a
/// whole number or a boolean, never bytes: for one this is `KMIPKIT_RESULT_INVALID_ARGUMENT`
/// (add hex or base64 text with `kmipkit_attributes_add_text` instead).
///
/// ```c
/// static const uint8_t short_id[4] = {1, 2, 3, 4};
/// kmipkit_attributes_add_bytes(attrs, "Short Unique Identifier", short_id, sizeof short_id);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_bytes(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    data: *const u8,
    len: usize,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_bytes", || {
        let vendor = text(name, "name")?;
        if vendor.starts_with("x-") || vendor.starts_with("y-") {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                format!(
                    "attribute {vendor:?}: a vendor attribute's value is text, a whole number or \
                     a boolean, not bytes; add them as hex text with kmipkit_attributes_add_text"
                ),
            );
        }
        add(attributes, name, || {
            Ok(Json::from(hex(bytes(data, len, "data")?)))
        })
    })
}

/// Adds an attribute whose value is given as plain JSON text, for values the other adders do
/// not cover: a mask as bit names (`["Encrypt","Decrypt"]`), a structure as an object keyed by
/// tag names (`{"LinkType":"ReplacementObjectLink","LinkedObjectIdentifier":"42"}`). JSON that
/// does not parse is `KMIPKIT_RESULT_INVALID_ARGUMENT`.
///
/// ```c
/// kmipkit_attributes_add_json(attrs, "Cryptographic Usage Mask", "[\"Encrypt\",\"Decrypt\"]");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_add_json(
    attributes: *mut kmipkit_attributes,
    name: *const c_char,
    value_json: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_attributes_add_json", || {
        add(attributes, name, || {
            serde_json::from_str(text(value_json, "value_json")?).or_else(|e| {
                fail(
                    kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                    format!("argument `value_json` is not JSON: {e}"),
                )
            })
        })
    })
}

/// The number of attributes in the list; 0 when `attributes` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_count(attributes: *const kmipkit_attributes) -> usize {
    ffi_value(0, || {
        // SAFETY: NULL or a live list this library returned (the header's contract).
        unsafe { attributes.as_ref() }.map_or(0, |l| l.inner.entries.len())
    })
}

/// The attribute at `index`: its tag name (`"CryptographicAlgorithm"`, or a vendor attribute's
/// own name) as `*out_name`, and its value as plain JSON text as `*out_value_json` (`"AES"`,
/// `256`, `true`, `["Encrypt","Decrypt"]`, dates as Unix seconds), both freed with
/// `kmipkit_string_free`. An index past the end is `KMIPKIT_RESULT_INVALID_ARGUMENT`.
///
/// ```c
/// for (size_t i = 0; i < kmipkit_attributes_count(attrs); i++) {
///     char *name = NULL, *value = NULL;
///     if (kmipkit_attributes_get(attrs, i, &name, &value) == KMIPKIT_RESULT_OK)
///         printf("%s = %s\n", name, value);
///     kmipkit_string_free(name);
///     kmipkit_string_free(value);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_attributes_get(
    attributes: *const kmipkit_attributes,
    index: usize,
    out_name: *mut *mut c_char,
    out_value_json: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_attributes_get", || {
        // Both outputs are cleared before either can fail, so neither is left as garbage.
        fn cleared(slot: &mut *mut c_char) -> &mut *mut c_char {
            *slot = std::ptr::null_mut();
            slot
        }
        let name_slot = out(out_name, "out_name").map(cleared);
        let value_slot = out(out_value_json, "out_value_json").map(cleared);
        let (name_slot, value_slot) = (name_slot?, value_slot?);
        let list = handle(attributes, "attributes")?;
        let Some(attribute) = list.inner.iter().nth(index) else {
            return fail(
                kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
                format!(
                    "argument `index` {index} is past the end: the list has {} attributes",
                    list.inner.entries.len()
                ),
            );
        };
        *name_slot = give_string(attribute.tag_name());
        *value_slot = give_string(attribute.value_plain().to_string());
        Ok(())
    })
}
