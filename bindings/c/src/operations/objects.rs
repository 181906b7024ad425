//! Making objects: Create, Create Key Pair, Register, Re-Key, Re-Key Key Pair, Derive Key.
//! Finding and fetching them is in `find.rs`.

use std::ffi::c_char;

use kmipkit::message::*;
use kmipkit::spec::*;

use super::{blocking, cleared, enum_arg, optional_bytes, text_list};
use crate::attributes::{kmipkit_attributes, optional_list};
use crate::boundary::{bytes, ffi, text};
use crate::bytes::give_string;
use crate::client::kmipkit_client;
use crate::crypto_params::{kmipkit_crypto_params, optional_params};
use crate::result::kmipkit_result;

/// Create: a new object of `object_type` (`"SymmetricKey"`, `"SecretData"`, ...) with
/// `attributes` (NULL for none); its unique identifier goes to `*out_uid` (freed with
/// `kmipkit_string_free`).
///
/// ```c
/// kmipkit_attributes *attrs = kmipkit_attributes_new();
/// kmipkit_attributes_add_enum(attrs, "Cryptographic Algorithm", "AES");
/// kmipkit_attributes_add_int(attrs, "Cryptographic Length", 256);
/// kmipkit_attributes_add_json(attrs, "Cryptographic Usage Mask", "[\"Encrypt\",\"Decrypt\"]");
/// char *uid = NULL;
/// kmipkit_result rc = kmipkit_client_create(client, "SymmetricKey", attrs, &uid);
/// kmipkit_attributes_free(attrs);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_create(
    client: *const kmipkit_client,
    object_type: *const c_char,
    attributes: *const kmipkit_attributes,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_create", || {
        let slot = cleared(out_uid, "out_uid")?;
        let t = enum_arg(
            object_type,
            "object_type",
            "object type",
            ObjectType::from_name,
        )?;
        let request = CreateRequest::new(t, optional_list(attributes));
        let response = blocking(client)?.run(move |c| c.create(request))?;
        *slot = give_string(response.unique_identifier);
        Ok(())
    })
}

/// Create Key Pair: `common` attributes for both keys, `private_key` and `public_key` for each
/// (any may be NULL); the new keys' identifiers go to `*out_private_uid` and `*out_public_uid`.
///
/// ```c
/// kmipkit_attributes *common = kmipkit_attributes_new();
/// kmipkit_attributes_add_enum(common, "Cryptographic Algorithm", "RSA");
/// kmipkit_attributes_add_int(common, "Cryptographic Length", 2048);
/// char *private_uid = NULL, *public_uid = NULL;
/// kmipkit_client_create_key_pair(client, common, NULL, NULL, &private_uid, &public_uid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_create_key_pair(
    client: *const kmipkit_client,
    common: *const kmipkit_attributes,
    private_key: *const kmipkit_attributes,
    public_key: *const kmipkit_attributes,
    out_private_uid: *mut *mut c_char,
    out_public_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_create_key_pair", || {
        // Both outputs are cleared before either can fail, so neither is left as garbage.
        let (private_slot, public_slot) = (
            cleared(out_private_uid, "out_private_uid"),
            cleared(out_public_uid, "out_public_uid"),
        );
        let (private_slot, public_slot) = (private_slot?, public_slot?);
        let request = CreateKeyPairRequest::new(
            optional_list(common),
            optional_list(private_key),
            optional_list(public_key),
        );
        let r = blocking(client)?.run(move |c| c.create_key_pair(request))?;
        *private_slot = give_string(r.private_key_unique_identifier);
        *public_slot = give_string(r.public_key_unique_identifier);
        Ok(())
    })
}

/// Register: stores `material` (`len` bytes: key bytes, secret data, ...) as an object of
/// `object_type`, with the core's Register defaults (`algorithm`, e.g. `"AES"` or
/// `"HMAC_SHA256"`, may be NULL for the default of the type) and `attributes` (NULL for none).
/// The unique identifier goes to `*out_uid`.
///
/// ```c
/// uint8_t key[32] = {0};
/// char *uid = NULL;
/// kmipkit_client_register(client, "SymmetricKey", key, sizeof key, NULL, attrs, &uid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_register(
    client: *const kmipkit_client,
    object_type: *const c_char,
    material: *const u8,
    len: usize,
    algorithm: *const c_char,
    attributes: *const kmipkit_attributes,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_register", || {
        let slot = cleared(out_uid, "out_uid")?;
        let t = enum_arg(
            object_type,
            "object_type",
            "object type",
            ObjectType::from_name,
        )?;
        let algorithm = if algorithm.is_null() {
            None
        } else {
            Some(enum_arg(
                algorithm,
                "algorithm",
                "cryptographic algorithm",
                CryptographicAlgorithm::from_name,
            )?)
        };
        let material = bytes(material, len, "material")?.to_vec();
        let attributes = optional_list(attributes);
        let uid = blocking(client)?
            .run(move |c| c.register_material(t, material, algorithm, attributes))?;
        *slot = give_string(uid);
        Ok(())
    })
}

/// Re-Key: a replacement for the symmetric key `uid`; the new key's identifier goes to
/// `*out_uid`.
///
/// ```c
/// char *next = NULL;
/// kmipkit_client_rekey(client, uid, &next);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_rekey(
    client: *const kmipkit_client,
    uid: *const c_char,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_rekey", || {
        let slot = cleared(out_uid, "out_uid")?;
        let request = ReKeyRequest::new(Some(text(uid, "uid")?.to_string()));
        let r = blocking(client)?.run(move |c| c.rekey(request))?;
        *slot = give_string(r.unique_identifier);
        Ok(())
    })
}

/// Re-Key Key Pair: a replacement for the key pair of the private key `private_uid`; the new
/// keys' identifiers go to `*out_private_uid` and `*out_public_uid`.
///
/// ```c
/// char *private_uid = NULL, *public_uid = NULL;
/// kmipkit_client_rekey_key_pair(client, old_private, &private_uid, &public_uid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_rekey_key_pair(
    client: *const kmipkit_client,
    private_uid: *const c_char,
    out_private_uid: *mut *mut c_char,
    out_public_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_rekey_key_pair", || {
        // Both outputs are cleared before either can fail, so neither is left as garbage.
        let (private_slot, public_slot) = (
            cleared(out_private_uid, "out_private_uid"),
            cleared(out_public_uid, "out_public_uid"),
        );
        let (private_slot, public_slot) = (private_slot?, public_slot?);
        let request = ReKeyKeyPairRequest::new(Some(text(private_uid, "private_uid")?.to_string()));
        let r = blocking(client)?.run(move |c| c.rekey_key_pair(request))?;
        *private_slot = give_string(r.private_key_unique_identifier);
        *public_slot = give_string(r.public_key_unique_identifier);
        Ok(())
    })
}

/// Derive Key: a new symmetric key derived from the `base_count` objects `base_uids` by
/// `method` (`"PBKDF2"`, `"HASH"`, `"HMAC"`, ...) with `data` as the derivation data, `params`
/// (NULL for none), `salt` (NULL and 0 for none), `iterations` (0 for none) and the new key's
/// `attributes`; its identifier goes to `*out_uid`.
///
/// ```c
/// const char *base[] = {base_uid};
/// char *derived = NULL;
/// kmipkit_client_derive_key(client, base, 1, "HMAC", info, info_len, sha256, salt, salt_len,
///                           0, attrs, &derived);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_derive_key(
    client: *const kmipkit_client,
    base_uids: *const *const c_char,
    base_count: usize,
    method: *const c_char,
    data: *const u8,
    data_len: usize,
    params: *const kmipkit_crypto_params,
    salt: *const u8,
    salt_len: usize,
    iterations: i32,
    attributes: *const kmipkit_attributes,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_derive_key", || {
        let slot = cleared(out_uid, "out_uid")?;
        let base = text_list(base_uids, base_count, "base_uids")?;
        let method = enum_arg(
            method,
            "method",
            "derivation method",
            DerivationMethod::from_name,
        )?;
        let mut derivation =
            DerivationParameters::with_data(bytes(data, data_len, "data")?.to_vec());
        derivation.cryptographic_parameters = optional_params(params);
        derivation.salt = optional_bytes(salt, salt_len, "salt")?;
        derivation.iteration_count = (iterations != 0).then_some(iterations);
        let request = DeriveKeyRequest::new(
            ObjectType::SymmetricKey,
            base,
            method,
            derivation,
            optional_list(attributes),
        );
        let r = blocking(client)?.run(move |c| c.derive_key(request))?;
        *slot = give_string(r.unique_identifier);
        Ok(())
    })
}
