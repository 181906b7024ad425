//! An object's attributes on the server: Get Attributes, Get Attribute List, Add, Modify, Set
//! and Delete Attribute.

use std::ffi::c_char;

use kmipkit::message::*;

use super::{blocking, cleared, text_list};
use crate::attributes::kmipkit_attributes;
use crate::boundary::{Outcome, fail, ffi, handle, text};
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;
use crate::strings::kmipkit_strings;

/// The one attribute of a list argument (KMIP changes one attribute per operation).
fn single(list: *const kmipkit_attributes, name: &str) -> Outcome<Attribute> {
    let list = handle(list, name)?;
    let mut all = list.inner.iter();
    match (all.next(), all.next()) {
        (Some(attribute), None) => Ok(attribute.clone()),
        _ => fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!(
                "argument `{name}` must hold exactly one attribute (it holds {}): KMIP changes \
                 one attribute per operation",
                list.inner.entries.len()
            ),
        ),
    }
}

/// Get Attributes: the attributes of the object `uid` named in `names` (`count` names: tag
/// names or 1.x names; 0 for all), as `*out_attributes` (read with `kmipkit_attributes_count`
/// and `kmipkit_attributes_get`, freed with `kmipkit_attributes_free`).
///
/// ```c
/// const char *names[] = {"State"};
/// kmipkit_attributes *attrs = NULL;
/// if (kmipkit_client_get_attributes(client, uid, names, 1, &attrs) == KMIPKIT_RESULT_OK) {
///     char *name = NULL, *value = NULL;
///     kmipkit_attributes_get(attrs, 0, &name, &value); // "State", "\"Active\""
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_get_attributes(
    client: *const kmipkit_client,
    uid: *const c_char,
    names: *const *const c_char,
    count: usize,
    out_attributes: *mut *mut kmipkit_attributes,
) -> kmipkit_result {
    ffi("kmipkit_client_get_attributes", || {
        let slot = cleared(out_attributes, "out_attributes")?;
        let uid = text(uid, "uid")?.to_string();
        let refs = text_list(names, count, "names")?
            .iter()
            .map(|n| AttributeReference::from_name(n))
            .collect();
        let request = GetAttributesRequest::new(Some(uid), refs);
        let r = blocking(client)?.run(move |c| c.get_attributes(request))?;
        *slot = kmipkit_attributes::give(r.attributes);
        Ok(())
    })
}

/// Get Attribute List: the tag names of the attributes the object `uid` has, as
/// `*out_names` (freed with `kmipkit_strings_free`).
///
/// ```c
/// kmipkit_strings *names = NULL;
/// kmipkit_client_get_attribute_list(client, uid, &names);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_get_attribute_list(
    client: *const kmipkit_client,
    uid: *const c_char,
    out_names: *mut *mut kmipkit_strings,
) -> kmipkit_result {
    ffi("kmipkit_client_get_attribute_list", || {
        let slot = cleared(out_names, "out_names")?;
        let uid = text(uid, "uid")?;
        let refs = blocking(client)?.run(|c| c.get_attribute_list(uid))?;
        *slot = kmipkit_strings::give(refs.iter().map(AttributeReference::name));
        Ok(())
    })
}

/// Add Attribute: adds the one attribute of `attribute` (a list holding exactly one; any other
/// length is `KMIPKIT_RESULT_INVALID_ARGUMENT`) to the object `uid`.
///
/// ```c
/// kmipkit_attributes *one = kmipkit_attributes_new();
/// kmipkit_attributes_add_text(one, "x-owner", "payments");
/// kmipkit_client_add_attribute(client, uid, one);
/// kmipkit_attributes_free(one);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_add_attribute(
    client: *const kmipkit_client,
    uid: *const c_char,
    attribute: *const kmipkit_attributes,
) -> kmipkit_result {
    ffi("kmipkit_client_add_attribute", || {
        let request = AddAttributeRequest::new(
            Some(text(uid, "uid")?.to_string()),
            single(attribute, "attribute")?,
        );
        blocking(client)?.run(move |c| c.add_attribute(request))?;
        Ok(())
    })
}

/// Modify Attribute: gives the object `uid` the one attribute of `attribute` as its new value.
/// `current` (NULL for none) holds the value being replaced, which KMIP 2.x needs for an
/// attribute an object may have several of, such as Name.
///
/// ```c
/// // new_name holds Name = "orders-v2", old_name holds Name = "orders"
/// kmipkit_client_modify_attribute(client, uid, new_name, old_name);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_modify_attribute(
    client: *const kmipkit_client,
    uid: *const c_char,
    attribute: *const kmipkit_attributes,
    current: *const kmipkit_attributes,
) -> kmipkit_result {
    ffi("kmipkit_client_modify_attribute", || {
        let mut request = ModifyAttributeRequest::new(
            Some(text(uid, "uid")?.to_string()),
            single(attribute, "attribute")?,
        );
        if !current.is_null() {
            request.current_attribute = Some(AttributeEntry::from(single(current, "current")?));
        }
        blocking(client)?.run(move |c| c.modify_attribute(request))?;
        Ok(())
    })
}

/// Set Attribute (KMIP 2.x): sets the one attribute of `attribute` on the object `uid`,
/// adding it or replacing its value.
///
/// ```c
/// kmipkit_attributes *one = kmipkit_attributes_new();
/// kmipkit_attributes_add_bool(one, "Sensitive", true);
/// kmipkit_client_set_attribute(client, uid, one);
/// kmipkit_attributes_free(one);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_set_attribute(
    client: *const kmipkit_client,
    uid: *const c_char,
    attribute: *const kmipkit_attributes,
) -> kmipkit_result {
    ffi("kmipkit_client_set_attribute", || {
        let request = SetAttributeRequest::new(
            Some(text(uid, "uid")?.to_string()),
            single(attribute, "attribute")?,
        );
        blocking(client)?.run(move |c| c.set_attribute(request))?;
        Ok(())
    })
}

/// Delete Attribute: deletes the attribute `name` (tag name, 1.x name or vendor name) from the
/// object `uid`.
///
/// ```c
/// kmipkit_client_delete_attribute(client, uid, "Name");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_delete_attribute(
    client: *const kmipkit_client,
    uid: *const c_char,
    name: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_delete_attribute", || {
        let uid = text(uid, "uid")?.to_string();
        let reference = AttributeReference::by_name(text(name, "name")?);
        let request = DeleteAttributeRequest::new(Some(uid), reference);
        blocking(client)?.run(move |c| c.delete_attribute(request))?;
        Ok(())
    })
}
