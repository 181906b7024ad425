//! `kmipkit_crypto_params`: the Cryptographic Parameters of Encrypt, Decrypt, Sign, Signature
//! Verify, MAC, MAC Verify and Derive Key, built field by field.
//!
//! Fields are named by their KMIP tag names (`"BlockCipherMode"`, `"PaddingMethod"`,
//! `"HashingAlgorithm"`, `"DigitalSignatureAlgorithm"`, `"CryptographicAlgorithm"`,
//! `"RandomIV"`, `"IVLength"`, `"TagLength"`, ...) and read by the core's reader of the
//! `CryptographicParameters` attribute, so a field or value is spelled as everywhere else in
//! kmipkit. Each setter checks the whole structure at once, so a bad field or value is refused
//! by the call that set it, naming it.

use std::ffi::c_char;

use kmipkit::message::{Attribute, CryptographicParameters};
use serde_json::{Map, Value as Json};

use crate::attributes::attribute;
use crate::boundary::{Outcome, fail, ffi, ffi_value, give, handle_mut, take_back, text};
use crate::result::kmipkit_result;

/// Cryptographic Parameters being built.
///
/// Thread safety: setting a field needs exclusive use; parameters that no longer change may be
/// passed to calls on many threads at once. Free them once.
pub struct kmipkit_crypto_params {
    fields: Map<String, Json>,
    pub(crate) value: CryptographicParameters,
}

/// An optional parameters argument: NULL means none are sent.
pub(crate) fn optional_params(
    params: *const kmipkit_crypto_params,
) -> Option<CryptographicParameters> {
    // SAFETY: NULL or live parameters this library returned (the header's contract).
    unsafe { params.as_ref() }.map(|p| p.value.clone())
}

fn set(
    params: *mut kmipkit_crypto_params,
    field: *const c_char,
    value: impl FnOnce() -> Outcome<Json>,
) -> Outcome {
    let params = handle_mut(params, "params")?;
    let field = text(field, "field")?;
    let mut fields = params.fields.clone();
    fields.insert(field.to_string(), value()?);
    match attribute("CryptographicParameters", &Json::Object(fields.clone()))? {
        Attribute::CryptographicParameters(value) => {
            params.fields = fields;
            params.value = value;
            Ok(())
        }
        _ => fail(
            kmipkit_result::KMIPKIT_RESULT_INVALID_ARGUMENT,
            format!("argument `field`: {field:?} is not a Cryptographic Parameters field"),
        ),
    }
}

/// New, empty Cryptographic Parameters, freed with `kmipkit_crypto_params_free`.
///
/// ```c
/// kmipkit_crypto_params *gcm = kmipkit_crypto_params_new();
/// kmipkit_crypto_params_set_text(gcm, "CryptographicAlgorithm", "AES");
/// kmipkit_crypto_params_set_text(gcm, "BlockCipherMode", "GCM");
/// kmipkit_crypto_params_set_int(gcm, "TagLength", 16);
/// // ... kmipkit_client_encrypt(client, uid, gcm, ...) ...
/// kmipkit_crypto_params_free(gcm);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_crypto_params_new() -> *mut kmipkit_crypto_params {
    ffi_value(std::ptr::null_mut(), || {
        give(kmipkit_crypto_params {
            fields: Map::new(),
            value: CryptographicParameters::default(),
        })
    })
}

/// Frees parameters. NULL is accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_crypto_params_free(params: *mut kmipkit_crypto_params) {
    ffi_value((), || take_back(params));
}

/// Sets an enumeration field by the value's name (`"BlockCipherMode"` = `"GCM"`,
/// `"HashingAlgorithm"` = `"SHA_256"`, `"PaddingMethod"` = `"PKCS1V1_5"`). An unknown field or
/// value is `KMIPKIT_RESULT_INVALID_ARGUMENT`, the message naming it.
///
/// ```c
/// kmipkit_crypto_params_set_text(params, "HashingAlgorithm", "SHA_256");
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_crypto_params_set_text(
    params: *mut kmipkit_crypto_params,
    field: *const c_char,
    value: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_crypto_params_set_text", || {
        set(params, field, || Ok(Json::from(text(value, "value")?)))
    })
}

/// Sets an integer field (`"TagLength"` in bytes, `"IVLength"` in bits, `"SaltLength"`).
///
/// ```c
/// kmipkit_crypto_params_set_int(params, "TagLength", 16);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_crypto_params_set_int(
    params: *mut kmipkit_crypto_params,
    field: *const c_char,
    value: i32,
) -> kmipkit_result {
    ffi("kmipkit_crypto_params_set_int", || {
        set(params, field, || Ok(Json::from(value)))
    })
}

/// Sets a boolean field (`"RandomIV"`: the server picks the IV and returns it).
///
/// ```c
/// kmipkit_crypto_params_set_bool(params, "RandomIV", true);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_crypto_params_set_bool(
    params: *mut kmipkit_crypto_params,
    field: *const c_char,
    value: bool,
) -> kmipkit_result {
    ffi("kmipkit_crypto_params_set_bool", || {
        set(params, field, || Ok(Json::from(value)))
    })
}
