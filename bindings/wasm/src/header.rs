//! Reading a ciphertext's header and a Model 1 protected DEK without any key: what a ciphertext
//! claims (which key, which model), for routing it to the right key before decrypting.

use js_sys::{Object, Reflect, Uint8Array};
use kmipkit::envelope::format::{Header, KeyRef, SUITE, VERSION};
use kmipkit::envelope::model1::{ProtectedDek, ProtectionMethod};
use kmipkit::envelope::streaming::{Sealed, sealed_by};
use wasm_bindgen::prelude::*;

use crate::errors::IntoJs;

/// The header at the start of `ciphertext` (a prefix of at least the whole header will do):
/// `{formatVersion, suite, frameSize, salt, key: {name, version, uid}, wrappedDek, headerLength,
/// model: 1 | 2 | null, protectedDek: {...} | null}`. `model` is 1 when the wrapped DEK is a
/// protected DEK (then `protectedDek` is it), 2 when there is none, `null` when the header
/// carries a wrapped DEK that is no protected DEK (written by a caller of `encrypt`).
///
/// ```js
/// parseHeader(ciphertext).key.name; // "orders-kek"
/// ```
#[wasm_bindgen(js_name = parseHeader)]
pub fn parse_header(ciphertext: &[u8]) -> Result<Object, JsValue> {
    let (header, len) = Header::parse(ciphertext).js()?;
    header_object(&header, len)
}

/// A protected DEK (Model 1, FORMAT.md appendix) from its bytes: `{kek: {name, version, uid},
/// method: "kmip-encrypt-aes-gcm" | "kmip-key-wrap-aes-padding", iv, tag, encryptedDek}`. It holds
/// no plaintext key: only the key manager holding the KEK can open it.
#[wasm_bindgen(js_name = parseProtectedDek)]
pub fn parse_protected_dek(bytes: &[u8]) -> Result<Object, JsValue> {
    protected_dek_object(&ProtectedDek::from_bytes(bytes).js()?)
}

/// The JavaScript object for a parsed header that took `len` bytes.
pub(crate) fn header_object(header: &Header, len: usize) -> Result<Object, JsValue> {
    let out = Object::new();
    set(&out, "formatVersion", VERSION.into())?;
    set(&out, "suite", SUITE.into())?;
    set(&out, "frameSize", header.frame_size.into())?;
    set(&out, "salt", Uint8Array::from(&header.salt[..]).into())?;
    set(&out, "key", key_object(&header.key_ref)?.into())?;
    set(
        &out,
        "wrappedDek",
        Uint8Array::from(&header.wrapped_dek[..]).into(),
    )?;
    set(&out, "headerLength", len.into())?;
    let (model, protected) = match sealed_by(header) {
        Ok(Sealed::Model1(p)) => (JsValue::from(1), protected_dek_object(&p)?.into()),
        Ok(Sealed::Model2(_)) => (JsValue::from(2), JsValue::NULL),
        // Any other wrapped bytes: still a readable header, just not one of the two models'.
        Err(_) => (JsValue::NULL, JsValue::NULL),
    };
    set(&out, "model", model)?;
    set(&out, "protectedDek", protected)?;
    Ok(out)
}

fn protected_dek_object(p: &ProtectedDek) -> Result<Object, JsValue> {
    let out = Object::new();
    set(&out, "kek", key_object(&p.kek)?.into())?;
    let method = match p.method {
        ProtectionMethod::KmipEncryptAesGcm => "kmip-encrypt-aes-gcm".to_owned(),
        ProtectionMethod::KmipKeyWrapAesPadding => "kmip-key-wrap-aes-padding".to_owned(),
        // A method newer than this binding: still named, in the core's spelling.
        other => format!("{other:?}"),
    };
    set(&out, "method", method.into())?;
    set(&out, "iv", Uint8Array::from(&p.iv[..]).into())?;
    set(&out, "tag", Uint8Array::from(&p.tag[..]).into())?;
    set(
        &out,
        "encryptedDek",
        Uint8Array::from(&p.encrypted_dek[..]).into(),
    )?;
    Ok(out)
}

fn key_object(k: &KeyRef) -> Result<Object, JsValue> {
    let out = Object::new();
    set(&out, "name", k.name.as_str().into())?;
    set(&out, "version", k.version.into())?;
    set(&out, "uid", k.uid.as_str().into())?;
    Ok(out)
}

fn set(target: &Object, key: &str, value: JsValue) -> Result<(), JsValue> {
    Reflect::set(target, &key.into(), &value).map(|_| ())
}
