//! One probe per capability: does the server do it, seen from its answer (and, for crypto,
//! recomputed locally with aws-lc-rs). Each returns the `Support` it saw; the test compares it
//! with the profile.

use aws_lc_rs::{aead, key_wrap};
use kmipkit::Error;
use kmipkit::client::Client;
use kmipkit::client::profile::Support;
use kmipkit::message::{
    AddAttributeRequest, Attribute, CancelRequest, CheckRequest, CryptographicParameters,
    DecryptRequest, EncryptRequest, EncryptionKeyInformation, GetRequest, HashRequest,
    KeyWrappingSpecification, MACVerifyRequest, Object, PollRequest, RNGSeedRequest,
    ReKeyKeyPairRequest, ReKeyRequest, RegisterRequest, SetAttributeRequest,
};
use kmipkit::spec::{
    BlockCipherMode, CryptographicAlgorithm as Alg, CryptographicUsageMask as Mask, EncodingOption,
    HashingAlgorithm, KeyWrapType, Operation, ProtocolVersion,
};

use crate::support::client::{active_key, key_attributes, known_key};

/// `Yes` for a success, `No` for a refusal; anything else fails the test.
fn seen<T: std::fmt::Debug>(what: &str, result: kmipkit::error::Result<T>) -> Support {
    match result {
        Ok(_) => Support::Yes,
        Err(Error::Server { .. }) => Support::No,
        Err(e) => panic!("{what}: not an answer but {e}"),
    }
}

fn gcm() -> CryptographicParameters {
    let mut p = CryptographicParameters::default();
    p.block_cipher_mode = Some(BlockCipherMode::GCM);
    p.cryptographic_algorithm = Some(Alg::AES);
    p.tag_length = Some(16);
    p
}

/// Encrypt with AES-GCM and associated data on the server; `Yes` only if aws-lc-rs opens the
/// result with the same key, IV and associated data, and the server decrypts it back. Below
/// KMIP 1.4 there are no fields for associated data and for the tag: the probe then encrypts
/// without associated data, needs the tag back all the same (Cosmian's 1.3 quirk) and cannot
/// send it for a Decrypt.
pub async fn server_side_gcm(client: &Client, tag: &str) -> Support {
    let id = active_key(
        client,
        Alg::AES,
        &known_key(),
        Mask::Encrypt | Mask::Decrypt,
        &format!("gcm-{tag}"),
    )
    .await;
    let iv: [u8; 12] = std::array::from_fn(|i| 0xa0 + i as u8);
    let aad = match client.version() >= ProtocolVersion::V1_4 {
        true => b"kmipkit profile probe".to_vec(),
        false => Vec::new(),
    };
    let with_aad = |aad: &Vec<u8>| (!aad.is_empty()).then(|| aad.clone().into());
    let plaintext = b"the data key would be here".to_vec();
    let mut encrypt = EncryptRequest::new(Some(id.clone()), plaintext.clone());
    encrypt.cryptographic_parameters = Some(gcm());
    encrypt.iv_counter_nonce = Some(iv.to_vec().into());
    encrypt.authenticated_encryption_additional_data = with_aad(&aad);
    let encrypted = match client.encrypt(encrypt).await {
        Ok(e) => e,
        Err(e) => return seen("GCM encrypt", Err::<(), _>(e)),
    };
    let (Some(data), Some(tag)) = (encrypted.data, encrypted.authenticated_encryption_tag) else {
        return Support::No;
    };
    let local = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_256_GCM, &known_key()).expect("key"),
    );
    let mut in_out = [data.0.as_slice(), tag.0.as_slice()].concat();
    let nonce = aead::Nonce::assume_unique_for_key(iv);
    if local
        .open_in_place(nonce, aead::Aad::from(&aad), &mut in_out)
        .is_err()
    {
        return Support::No;
    }
    // Below 1.4 a Decrypt cannot carry the tag either: the server's half ends here.
    if client.version() < ProtocolVersion::V1_4 {
        return Support::Yes;
    }
    let mut decrypt = DecryptRequest::new(Some(id), data.0.clone());
    decrypt.cryptographic_parameters = Some(gcm());
    decrypt.iv_counter_nonce = Some(iv.to_vec().into());
    decrypt.authenticated_encryption_additional_data = with_aad(&aad);
    decrypt.authenticated_encryption_tag = Some(tag.0.clone().into());
    let back = client
        .decrypt(decrypt)
        .await
        .expect("GCM decrypt of the server's own ciphertext");
    assert_eq!(back.data.expect("plaintext").0, plaintext);
    Support::Yes
}

/// A wrapping key and a target key (the known key), both active.
async fn kek_and_target(client: &Client, tag: &str) -> (String, String) {
    let kek_bytes: Vec<u8> = (0u8..32).map(|b| b ^ 0x5a).collect();
    let mask = Mask::WrapKey | Mask::UnwrapKey | Mask::Encrypt | Mask::Decrypt;
    let kek = active_key(client, Alg::AES, &kek_bytes, mask, &format!("kek-{tag}")).await;
    let target = active_key(
        client,
        Alg::AES,
        &known_key(),
        Mask::Encrypt | Mask::Decrypt,
        &format!("dek-{tag}"),
    )
    .await;
    (kek, target)
}

fn kek_bytes() -> Vec<u8> {
    (0u8..32).map(|b| b ^ 0x5a).collect()
}

/// Get `target` wrapped by `kek` in `mode`, without encoding.
async fn get_wrapped(
    client: &Client,
    kek: &str,
    target: &str,
    mode: BlockCipherMode,
) -> kmipkit::error::Result<Object> {
    let mut parameters = CryptographicParameters::default();
    parameters.block_cipher_mode = Some(mode);
    let mut wrapping = KeyWrappingSpecification::encrypt(EncryptionKeyInformation::new(
        kek.to_string(),
        Some(parameters),
    ));
    wrapping.encoding_option = Some(EncodingOption::NoEncoding);
    let mut get = GetRequest::new(Some(target.to_string()));
    get.key_wrapping_specification = Some(wrapping);
    Ok(client.get(get).await?.object)
}

/// Get wrapped with AES key wrap with padding (RFC 5649); `Yes` only if aws-lc-rs unwraps it
/// to the known key. Returns the wrapped object too.
pub async fn key_wrap_with_padding(client: &Client, tag: &str) -> (Support, Option<Object>) {
    let (kek, target) = kek_and_target(client, &format!("kwp-{tag}")).await;
    let object = match get_wrapped(client, &kek, &target, BlockCipherMode::AESKeyWrapPadding).await
    {
        Ok(o) => o,
        Err(e) => return (seen("Get wrapped (KWP)", Err::<(), _>(e)), None),
    };
    let block = object.key_block().expect("key block");
    assert!(
        block.key_wrapping_data.is_some(),
        "the key came back unwrapped"
    );
    let local = key_wrap::AesKek::new(&key_wrap::AES_256, &kek_bytes()).expect("kek");
    let mut out = [0u8; 48];
    let unwrapped = key_wrap::KeyWrapPadded::unwrap_with_padding(
        local,
        block.key_bytes().expect("wrapped bytes"),
        &mut out,
    );
    match unwrapped {
        Ok(key) if key == known_key().as_slice() => (Support::Yes, Some(object)),
        _ => (Support::No, None),
    }
}

/// A key wrapped the way the server can (RFC 5649, else RFC 3394), registered as it is, then
/// fetched with Key Wrap Type Not Wrapped: `Yes` only if the server returns the known key.
pub async fn server_side_unwrap(client: &Client, tag: &str, wrapped: Option<Object>) -> Support {
    let wrapped = match wrapped {
        Some(o) => o,
        None => {
            let (kek, target) = kek_and_target(client, &format!("kw-{tag}")).await;
            get_wrapped(client, &kek, &target, BlockCipherMode::NISTKeyWrap)
                .await
                .expect("Get wrapped with RFC 3394")
        }
    };
    let attributes = key_attributes(
        Alg::AES,
        256,
        Mask::Encrypt | Mask::Decrypt,
        &format!("unwrap-{tag}"),
    );
    let registered = match client
        .register(RegisterRequest::new(wrapped, attributes))
        .await
    {
        Ok(r) => r.unique_identifier,
        Err(e) => return seen("Register a wrapped key", Err::<(), _>(e)),
    };
    let mut get = GetRequest::new(Some(registered));
    get.key_wrap_type = Some(KeyWrapType::NotWrapped);
    let got = match client.get(get).await {
        Ok(g) => g,
        Err(e) => return seen("Get Not Wrapped", Err::<(), _>(e)),
    };
    let block = got.object.key_block().expect("key block");
    match !block.is_wrapped() && block.key_bytes() == Some(known_key().as_slice()) {
        true => Support::Yes,
        false => Support::No,
    }
}

/// A fresh active AES key.
pub async fn fresh_key(client: &Client, name: &str) -> String {
    let id = client.create_aes_key(name, 256).await.expect("create");
    client.activate(&id).await.expect("activate");
    id
}

pub async fn rekey(client: &Client, tag: &str) -> Support {
    let id = fresh_key(client, &format!("rekey-{tag}")).await;
    seen("ReKey", client.rekey(ReKeyRequest::new(Some(id))).await)
}

pub async fn check(client: &Client, tag: &str) -> Support {
    let id = fresh_key(client, &format!("check-{tag}")).await;
    seen("Check", client.check(CheckRequest::new(Some(id))).await)
}

/// Set Attribute exists from KMIP 2.0 on; below, kmipkit refuses to encode it.
pub async fn set_attribute(client: &Client, tag: &str) -> Support {
    if client.version() < ProtocolVersion::V2_0 {
        return Support::No;
    }
    let id = fresh_key(client, &format!("set-{tag}")).await;
    let request = SetAttributeRequest::new(Some(id), Attribute::Sensitive(true));
    seen("Set Attribute", client.set_attribute(request).await)
}

/// Sends `operation` about `id`; the error when refused.
pub async fn attempt(
    client: &Client,
    operation: Operation,
    id: &str,
) -> kmipkit::error::Result<()> {
    let id = Some(id.to_string());
    match operation {
        Operation::ReKey => client.rekey(ReKeyRequest::new(id)).await.map(drop),
        Operation::ReKeyKeyPair => client
            .rekey_key_pair(ReKeyKeyPairRequest::new(id))
            .await
            .map(drop),
        Operation::Check => client.check(CheckRequest::new(id)).await.map(drop),
        Operation::AddAttribute => client
            .add_attribute(AddAttributeRequest::new(
                id,
                Attribute::ContactInformation("ops@example.com".into()),
            ))
            .await
            .map(drop),
        Operation::MACVerify => client
            .mac_verify(MACVerifyRequest::new(id, b"data".as_slice(), vec![0u8; 32]))
            .await
            .map(drop),
        Operation::Hash => {
            let mut sha256 = CryptographicParameters::default();
            sha256.hashing_algorithm = Some(HashingAlgorithm::SHA_256);
            client
                .hash(HashRequest::new(sha256, b"data".as_slice()))
                .await
                .map(drop)
        }
        Operation::RNGRetrieve => client.rng_retrieve(32).await.map(drop),
        Operation::RNGSeed => client
            .rng_seed(RNGSeedRequest::new(vec![7u8; 32]))
            .await
            .map(drop),
        Operation::Archive => client.archive(id.as_deref().unwrap_or_default()).await,
        Operation::Recover => client.recover(id.as_deref().unwrap_or_default()).await,
        Operation::Poll => client
            .poll(PollRequest::new(vec![1u8, 2, 3, 4]))
            .await
            .map(drop),
        Operation::Cancel => client
            .cancel(CancelRequest::new(vec![1u8, 2, 3, 4]))
            .await
            .map(drop),
        other => panic!("no probe for {other}"),
    }
}
