//! Server-side symmetric cryptography, each result recomputed locally with aws-lc-rs:
//! Encrypt/Decrypt (AES-CBC known answer; AES-GCM both ways, and what KMIP 1.2 does to GCM)
//! and MAC (HMAC-SHA256 with a registered key, the only way to get one into PyKMIP).

use aws_lc_rs::{aead, cipher, hmac};
use kmipkit::Error;
use kmipkit::client::Client;
use kmipkit::message::{CryptographicParameters, DecryptRequest, EncryptRequest, MACRequest};
use kmipkit::spec::{
    BlockCipherMode, CryptographicAlgorithm as Alg, CryptographicUsageMask as Mask, PaddingMethod,
    ProtocolVersion, ResultReason,
};

use crate::lifecycle::GENERAL_FAILURE;
use crate::support::client::{active_key, known_hmac_key, known_key, refused, saw, unhex};

pub async fn run(client: &Client, version: ProtocolVersion) {
    aes_cbc(client, version).await;
    if version >= ProtocolVersion::V1_4 {
        aes_gcm(client, version).await;
    } else {
        gcm_needs_kmip_1_4(client, version).await;
    }
    hmac_sha256(client, version).await;
}

/// AES-CBC with PKCS#5 padding.
pub fn cbc_pkcs5() -> CryptographicParameters {
    let mut p = CryptographicParameters::default();
    p.block_cipher_mode = Some(BlockCipherMode::CBC);
    p.padding_method = Some(PaddingMethod::PKCS5);
    p.cryptographic_algorithm = Some(Alg::AES);
    p
}

fn gcm() -> CryptographicParameters {
    let mut p = CryptographicParameters::default();
    p.block_cipher_mode = Some(BlockCipherMode::GCM);
    p.cryptographic_algorithm = Some(Alg::AES);
    p.tag_length = Some(16);
    p
}

fn iv16() -> [u8; 16] {
    std::array::from_fn(|i| i as u8)
}

/// The known answer `conformance/vectors/pykmip-0.11/12-encrypt-aes-cbc.txt`: (plaintext, ciphertext).
fn cbc_vector() -> (Vec<u8>, Vec<u8>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../conformance/vectors/pykmip-0.11/12-encrypt-aes-cbc.txt"
    );
    let text = std::fs::read_to_string(path).expect("read the AES-CBC vector");
    let data: Vec<Vec<u8>> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("DATA (ByteString) = "))
        .map(unhex)
        .collect();
    let [plaintext, ciphertext] =
        <[Vec<u8>; 2]>::try_from(data).expect("request and response data");
    (plaintext, ciphertext)
}

async fn aes_cbc(client: &Client, version: ProtocolVersion) {
    let mask = Mask::Encrypt | Mask::Decrypt;
    let id = active_key(
        client,
        Alg::AES,
        &known_key(),
        mask,
        &format!("cbc-{version}"),
    )
    .await;
    let (plaintext, expected) = cbc_vector();
    assert_eq!(plaintext, b"kmip conformance test vector");

    // The same, computed here.
    let key = cipher::UnboundCipherKey::new(&cipher::AES_256, &known_key()).expect("key");
    let local = cipher::PaddedBlockEncryptingKey::cbc_pkcs7(key).expect("cbc");
    let mut in_out = plaintext.clone();
    let context = cipher::EncryptionContext::Iv128(iv16().into());
    local
        .less_safe_encrypt(&mut in_out, context)
        .expect("local encrypt");
    assert_eq!(
        in_out, expected,
        "aws-lc-rs disagrees with the recorded vector"
    );

    let mut encrypt = EncryptRequest::new(Some(id.clone()), plaintext.clone());
    encrypt.cryptographic_parameters = Some(cbc_pkcs5());
    encrypt.iv_counter_nonce = Some(iv16().to_vec().into());
    let encrypted = client.encrypt(encrypt).await.expect("encrypt");
    assert_eq!(encrypted.unique_identifier, id);
    assert_eq!(encrypted.data.expect("ciphertext").0, expected);
    assert_eq!(encrypted.iv_counter_nonce, None, "the IV was ours");

    let mut decrypt = DecryptRequest::new(Some(id.clone()), expected);
    decrypt.cryptographic_parameters = Some(cbc_pkcs5());
    decrypt.iv_counter_nonce = Some(iv16().to_vec().into());
    let decrypted = client.decrypt(decrypt).await.expect("decrypt");
    assert_eq!(decrypted.data.expect("plaintext").0, plaintext);

    // Without an IV the server picks one and returns it; a local decryption proves it.
    let mut encrypt = EncryptRequest::new(Some(id), plaintext.clone());
    encrypt.cryptographic_parameters = Some(cbc_pkcs5());
    let encrypted = client.encrypt(encrypt).await.expect("encrypt, server IV");
    let iv: [u8; 16] = encrypted
        .iv_counter_nonce
        .expect("server IV")
        .take()
        .try_into()
        .expect("16 bytes");
    let key = cipher::UnboundCipherKey::new(&cipher::AES_256, &known_key()).expect("key");
    let local = cipher::PaddedBlockDecryptingKey::cbc_pkcs7(key).expect("cbc");
    let mut in_out = encrypted.data.expect("ciphertext").take();
    let context = cipher::DecryptionContext::Iv128(iv.into());
    assert_eq!(
        local.decrypt(&mut in_out, context).expect("local decrypt"),
        plaintext
    );
}

async fn aes_gcm(client: &Client, version: ProtocolVersion) {
    let mask = Mask::Encrypt | Mask::Decrypt;
    let id = active_key(
        client,
        Alg::AES,
        &known_key(),
        mask,
        &format!("gcm-{version}"),
    )
    .await;
    let local = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_256_GCM, &known_key()).expect("key"),
    );
    let iv: [u8; 12] = std::array::from_fn(|i| 0xa0 + i as u8);
    let aad = b"kmipkit header v1".to_vec();
    let plaintext = b"attack at dawn, bring the GCM tag".to_vec();

    // Server encrypts, we decrypt.
    let mut encrypt = EncryptRequest::new(Some(id.clone()), plaintext.clone());
    encrypt.cryptographic_parameters = Some(gcm());
    encrypt.iv_counter_nonce = Some(iv.to_vec().into());
    encrypt.authenticated_encryption_additional_data = Some(aad.clone().into());
    let encrypted = client.encrypt(encrypt).await.expect("encrypt GCM");
    let ciphertext = encrypted.data.expect("ciphertext").take();
    let tag = encrypted.authenticated_encryption_tag.expect("tag").take();
    assert_eq!((ciphertext.len(), tag.len()), (plaintext.len(), 16));
    let mut in_out = [ciphertext.as_slice(), &tag].concat();
    let nonce = aead::Nonce::assume_unique_for_key(iv);
    let opened = local
        .open_in_place(nonce, aead::Aad::from(&aad), &mut in_out)
        .expect("local GCM decrypt of the server's ciphertext");
    assert_eq!(opened, plaintext.as_slice());

    // We encrypt, the server decrypts.
    let mut sealed = plaintext.clone();
    let nonce = aead::Nonce::assume_unique_for_key(iv);
    let tag = local
        .seal_in_place_separate_tag(nonce, aead::Aad::from(&aad), &mut sealed)
        .expect("local GCM encrypt");
    assert_eq!(sealed, ciphertext, "same key, IV and AAD: same ciphertext");
    let decrypt = |tag: Vec<u8>| {
        let mut decrypt = DecryptRequest::new(Some(id.clone()), sealed.clone());
        decrypt.cryptographic_parameters = Some(gcm());
        decrypt.iv_counter_nonce = Some(iv.to_vec().into());
        decrypt.authenticated_encryption_additional_data = Some(aad.clone().into());
        decrypt.authenticated_encryption_tag = Some(tag.into());
        client.decrypt(decrypt)
    };
    let decrypted = decrypt(tag.as_ref().to_vec())
        .await
        .expect("server GCM decrypt");
    assert_eq!(decrypted.data.expect("plaintext").0, plaintext);

    // A wrong tag: PyKMIP's cryptography backend raises InvalidTag, which the server reports
    // as a General Failure without saying more.
    let mut bad = tag.as_ref().to_vec();
    bad[0] ^= 1;
    if crate::tour_differs() {
        // Cosmian: a Cryptographic Failure, with OpenSSL's empty error stack.
        let message = refused(decrypt(bad).await, ResultReason::CryptographicFailure);
        assert!(message.unwrap_or_default().contains("OpenSSL"));
        return;
    }
    let message = refused(decrypt(bad).await, ResultReason::GeneralFailure);
    assert_eq!(message.as_deref(), Some(GENERAL_FAILURE));
}

/// KMIP 1.2 has no authenticated-encryption fields: PyKMIP encrypts in GCM all the same but
/// returns no tag (Cosmian appends it to the ciphertext). (Why GCM is tested at 1.4 and 2.0.)
async fn gcm_needs_kmip_1_4(client: &Client, version: ProtocolVersion) {
    let mask = Mask::Encrypt | Mask::Decrypt;
    let id = active_key(
        client,
        Alg::AES,
        &known_key(),
        mask,
        &format!("gcm-{version}"),
    )
    .await;
    let iv: [u8; 12] = std::array::from_fn(|i| 0xa0 + i as u8);
    let plaintext = b"no tag for you".to_vec();
    let mut encrypt = EncryptRequest::new(Some(id), plaintext.clone());
    encrypt.cryptographic_parameters = Some(gcm());
    encrypt.iv_counter_nonce = Some(iv.to_vec().into());
    let encrypted = client
        .encrypt(encrypt.clone())
        .await
        .expect("encrypt GCM at 1.2");
    assert_eq!(encrypted.authenticated_encryption_tag, None);
    // The ciphertext itself is GCM's (its counter-mode part does not depend on the tag).
    let local = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_256_GCM, &known_key()).expect("key"),
    );
    let mut sealed = plaintext;
    let nonce = aead::Nonce::assume_unique_for_key(iv);
    let tag = local
        .seal_in_place_separate_tag(nonce, aead::Aad::empty(), &mut sealed)
        .expect("local GCM encrypt");
    if crate::tour_differs() {
        // Cosmian appends the tag to the ciphertext instead.
        sealed.extend_from_slice(tag.as_ref());
    }
    assert_eq!(encrypted.data.expect("ciphertext").0, sealed);

    // Additional data cannot be expressed at 1.2. kmipkit currently writes the 1.4 field
    // anyway and PyKMIP fails the whole message ("bytes remaining"); refusing to encode it
    // would be as good. Either way, no silent success.
    encrypt.authenticated_encryption_additional_data = Some(b"aad".to_vec().into());
    let err = client.encrypt(encrypt).await.expect_err("AAD at KMIP 1.2");
    saw(&err);
    // Strict encoding: kmipkit refuses, before sending, a field KMIP 1.2 does not define.
    assert!(
        matches!(&err, Error::Encode { what, .. } if what.contains("AuthenticatedEncryptionAdditionalData")),
        "{err:?}"
    );
}

async fn hmac_sha256(client: &Client, version: ProtocolVersion) {
    let id = active_key(
        client,
        Alg::HMAC_SHA256,
        &known_hmac_key(),
        Mask::MACGenerate,
        &format!("hmac-{version}"),
    )
    .await;
    let data = b"the quick brown fox".to_vec();
    let mut mac = MACRequest::new(Some(id.clone()), data.clone());
    let mut parameters = CryptographicParameters::default();
    parameters.cryptographic_algorithm = Some(Alg::HMAC_SHA256);
    if crate::tour_differs() {
        // Cosmian refuses an algorithm without its hashing algorithm, and has MAC Verify.
        mac.cryptographic_parameters = Some(parameters.clone());
        let message = refused(
            client.mac(mac.clone()).await,
            ResultReason::OperationNotSupported,
        );
        assert!(message.unwrap_or_default().contains("Hashing algorithm"));
        parameters.hashing_algorithm = Some(kmipkit::spec::HashingAlgorithm::SHA_256);
    }
    mac.cryptographic_parameters = Some(parameters.clone());
    let answer = client.mac(mac).await.expect("MAC");
    assert_eq!(answer.unique_identifier, id);
    let local = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &known_hmac_key()), &data);
    assert_eq!(answer.mac_data.expect("MAC data").0, local.as_ref());
    if crate::tour_differs() {
        let mut verify = kmipkit::message::MACVerifyRequest::new(
            Some(id.clone()),
            data.clone(),
            local.as_ref().to_vec(),
        );
        verify.cryptographic_parameters = Some(parameters);
        let verdict = client.mac_verify(verify).await.expect("MAC verify");
        assert_eq!(
            verdict.validity_indicator,
            kmipkit::spec::ValidityIndicator::Valid
        );
    }

    // Without parameters the server falls back to the key's own algorithm.
    let answer = client
        .mac(MACRequest::new(Some(id), data))
        .await
        .expect("MAC");
    assert_eq!(answer.mac_data.expect("MAC data").0, local.as_ref());
}
