//! Cryptography on the server with keys that never leave it: Encrypt, Decrypt, Sign, Signature
//! Verify, MAC, MAC Verify, Hash, and RNG Seed (RNG Retrieve is in `client.rs`).

use std::ffi::c_char;

use kmipkit::message::*;
use kmipkit::spec::*;

use super::{
    blocking, cleared, enum_arg, give_bytes, optional_bytes, optional_cleared, take_bytes,
};
use crate::boundary::{bytes, ffi, out, text};
use crate::bytes::kmipkit_bytes;
use crate::client::kmipkit_client;
use crate::crypto_params::{kmipkit_crypto_params, optional_params};
use crate::result::kmipkit_result;

fn uid_arg(uid: *const c_char) -> crate::boundary::Outcome<Option<String>> {
    Ok(Some(text(uid, "uid")?.to_string()))
}

/// Encrypt on the server with the key `uid`: `data` (`data_len` bytes) under `params` (NULL
/// for the key's defaults), with the caller's `iv` and `aad` (NULL and 0 for none). The
/// ciphertext goes to `*out_data`; the IV the server picked (with `RandomIV`) to `*out_iv` and
/// the authentication tag (GCM) to `*out_tag`, or NULL when the server returned none.
/// `out_iv` and `out_tag` may be NULL when not wanted.
///
/// ```c
/// kmipkit_bytes *ct = NULL, *tag = NULL;
/// kmipkit_client_encrypt(client, uid, gcm, msg, msg_len, iv, 12, aad, aad_len, &ct, NULL, &tag);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_encrypt(
    client: *const kmipkit_client,
    uid: *const c_char,
    params: *const kmipkit_crypto_params,
    data: *const u8,
    data_len: usize,
    iv: *const u8,
    iv_len: usize,
    aad: *const u8,
    aad_len: usize,
    out_data: *mut *mut kmipkit_bytes,
    out_iv: *mut *mut kmipkit_bytes,
    out_tag: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_encrypt", || {
        // Every output is cleared before any can fail, so none is left as garbage.
        let (iv_slot, tag_slot) = (
            optional_cleared(out_iv, "out_iv")?,
            optional_cleared(out_tag, "out_tag")?,
        );
        let data_slot = cleared(out_data, "out_data")?;
        let mut request =
            EncryptRequest::new(uid_arg(uid)?, bytes(data, data_len, "data")?.to_vec());
        request.cryptographic_parameters = optional_params(params);
        request.iv_counter_nonce = optional_bytes(iv, iv_len, "iv")?;
        request.authenticated_encryption_additional_data = optional_bytes(aad, aad_len, "aad")?;
        let r = blocking(client)?.run(move |c| c.encrypt(request))?;
        *data_slot = give_bytes(take_bytes(r.data));
        if let (Some(slot), Some(iv)) = (iv_slot, r.iv_counter_nonce) {
            *slot = give_bytes(take_bytes(Some(iv)));
        }
        if let (Some(slot), Some(tag)) = (tag_slot, r.authenticated_encryption_tag) {
            *slot = give_bytes(take_bytes(Some(tag)));
        }
        Ok(())
    })
}

/// Decrypt on the server with the key `uid`: `data` under `params`, with `iv`, `aad` and the
/// authentication `tag` (each NULL and 0 when absent). The plaintext goes to `*out_data`
/// (wiped when freed). A tag that does not verify is the server's refusal,
/// `KMIPKIT_RESULT_SERVER`.
///
/// ```c
/// kmipkit_bytes *plain = NULL;
/// kmipkit_client_decrypt(client, uid, gcm, ct, ct_len, iv, 12, aad, aad_len, tag, 16, &plain);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_decrypt(
    client: *const kmipkit_client,
    uid: *const c_char,
    params: *const kmipkit_crypto_params,
    data: *const u8,
    data_len: usize,
    iv: *const u8,
    iv_len: usize,
    aad: *const u8,
    aad_len: usize,
    tag: *const u8,
    tag_len: usize,
    out_data: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_decrypt", || {
        let slot = cleared(out_data, "out_data")?;
        let mut request =
            DecryptRequest::new(uid_arg(uid)?, bytes(data, data_len, "data")?.to_vec());
        request.cryptographic_parameters = optional_params(params);
        request.iv_counter_nonce = optional_bytes(iv, iv_len, "iv")?;
        request.authenticated_encryption_additional_data = optional_bytes(aad, aad_len, "aad")?;
        request.authenticated_encryption_tag = optional_bytes(tag, tag_len, "tag")?;
        let r = blocking(client)?.run(move |c| c.decrypt(request))?;
        *slot = give_bytes(take_bytes(r.data));
        Ok(())
    })
}

/// Sign `data` on the server with the private key `uid` under `params` (e.g.
/// `DigitalSignatureAlgorithm` = `SHA_256WithRSAEncryption`); the signature goes to
/// `*out_signature`.
///
/// ```c
/// kmipkit_bytes *sig = NULL;
/// kmipkit_client_sign(client, private_uid, rsa_params, msg, msg_len, &sig);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_sign(
    client: *const kmipkit_client,
    uid: *const c_char,
    params: *const kmipkit_crypto_params,
    data: *const u8,
    data_len: usize,
    out_signature: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_sign", || {
        let slot = cleared(out_signature, "out_signature")?;
        let mut request = SignRequest::new(uid_arg(uid)?, bytes(data, data_len, "data")?.to_vec());
        request.cryptographic_parameters = optional_params(params);
        let r = blocking(client)?.run(move |c| c.sign(request))?;
        *slot = give_bytes(take_bytes(r.signature_data));
        Ok(())
    })
}

/// Signature Verify on the server with the public key `uid`: `*out_valid` is true only when
/// the server answers Valid for `signature` over `data`. An invalid signature is not an error.
///
/// ```c
/// bool valid = false;
/// kmipkit_client_signature_verify(client, public_uid, rsa_params, msg, msg_len,
///                                 kmipkit_bytes_data(sig), kmipkit_bytes_len(sig), &valid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_signature_verify(
    client: *const kmipkit_client,
    uid: *const c_char,
    params: *const kmipkit_crypto_params,
    data: *const u8,
    data_len: usize,
    signature: *const u8,
    signature_len: usize,
    out_valid: *mut bool,
) -> kmipkit_result {
    ffi("kmipkit_client_signature_verify", || {
        let valid = out(out_valid, "out_valid")?;
        *valid = false;
        let mut request = SignatureVerifyRequest::new(
            uid_arg(uid)?,
            bytes(data, data_len, "data")?.to_vec(),
            bytes(signature, signature_len, "signature")?.to_vec(),
        );
        request.cryptographic_parameters = optional_params(params);
        let r = blocking(client)?.run(move |c| c.signature_verify(request))?;
        *valid = r.validity_indicator == ValidityIndicator::Valid;
        Ok(())
    })
}

/// MAC of `data` on the server with the key `uid` under `params` (NULL for the key's
/// algorithm); the MAC goes to `*out_mac`.
///
/// ```c
/// kmipkit_bytes *mac = NULL;
/// kmipkit_client_mac(client, hmac_uid, NULL, msg, msg_len, &mac);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_mac(
    client: *const kmipkit_client,
    uid: *const c_char,
    params: *const kmipkit_crypto_params,
    data: *const u8,
    data_len: usize,
    out_mac: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_mac", || {
        let slot = cleared(out_mac, "out_mac")?;
        let mut request = MACRequest::new(uid_arg(uid)?, bytes(data, data_len, "data")?.to_vec());
        request.cryptographic_parameters = optional_params(params);
        let r = blocking(client)?.run(move |c| c.mac(request))?;
        *slot = give_bytes(take_bytes(r.mac_data));
        Ok(())
    })
}

/// MAC Verify on the server with the key `uid`: `*out_valid` is true only when the server
/// answers Valid for `mac` over `data`.
///
/// ```c
/// bool valid = false;
/// kmipkit_client_mac_verify(client, hmac_uid, NULL, msg, msg_len, mac, mac_len, &valid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_mac_verify(
    client: *const kmipkit_client,
    uid: *const c_char,
    params: *const kmipkit_crypto_params,
    data: *const u8,
    data_len: usize,
    mac: *const u8,
    mac_len: usize,
    out_valid: *mut bool,
) -> kmipkit_result {
    ffi("kmipkit_client_mac_verify", || {
        let valid = out(out_valid, "out_valid")?;
        *valid = false;
        let mut request = MACVerifyRequest::new(
            uid_arg(uid)?,
            bytes(data, data_len, "data")?.to_vec(),
            bytes(mac, mac_len, "mac")?.to_vec(),
        );
        request.cryptographic_parameters = optional_params(params);
        let r = blocking(client)?.run(move |c| c.mac_verify(request))?;
        *valid = r.validity_indicator == ValidityIndicator::Valid;
        Ok(())
    })
}

/// Hash `data` on the server with `algorithm` (a hashing algorithm name: `"SHA_256"`, ...);
/// the digest goes to `*out_digest`.
///
/// ```c
/// kmipkit_bytes *digest = NULL;
/// kmipkit_client_hash(client, "SHA_256", msg, msg_len, &digest);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_hash(
    client: *const kmipkit_client,
    algorithm: *const c_char,
    data: *const u8,
    data_len: usize,
    out_digest: *mut *mut kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_hash", || {
        let slot = cleared(out_digest, "out_digest")?;
        let mut params = CryptographicParameters::default();
        params.hashing_algorithm = Some(enum_arg(
            algorithm,
            "algorithm",
            "hashing algorithm",
            HashingAlgorithm::from_name,
        )?);
        let request = HashRequest::new(params, bytes(data, data_len, "data")?.to_vec());
        let r = blocking(client)?.run(move |c| c.hash(request))?;
        *slot = give_bytes(take_bytes(r.data));
        Ok(())
    })
}

/// RNG Seed: offers `seed` (`len` bytes) to the server's random number generator.
///
/// ```c
/// kmipkit_client_rng_seed(client, entropy, sizeof entropy);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_rng_seed(
    client: *const kmipkit_client,
    seed: *const u8,
    len: usize,
) -> kmipkit_result {
    ffi("kmipkit_client_rng_seed", || {
        let request = RNGSeedRequest::new(bytes(seed, len, "seed")?.to_vec());
        blocking(client)?.run(move |c| c.rng_seed(request))?;
        Ok(())
    })
}
