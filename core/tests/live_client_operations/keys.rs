//! Key material: Register/Get of a symmetric key, secret data and an opaque object; Create
//! Key Pair with Sign / Signature Verify (RSA-2048, PKCS#1 v1.5); Get with AES key wrap
//! (RFC 3394); Derive Key (HKDF and hash) — each checked locally with aws-lc-rs.

use aws_lc_rs::{digest, hkdf, key_wrap, signature};
use kmipkit::client::Client;
use kmipkit::message::{
    Attribute, Attributes, CreateKeyPairRequest, CryptographicParameters, DerivationParameters,
    DeriveKeyRequest, EncryptionKeyInformation, GetRequest, KeyWrappingSpecification, Name, Object,
    OpaqueObject, RegisterRequest, SecretData, SignRequest, SignatureVerifyRequest,
};
use kmipkit::spec::{
    BlockCipherMode, CryptographicAlgorithm as Alg, CryptographicUsageMask as Mask,
    DerivationMethod, DigitalSignatureAlgorithm, EncodingOption, HashingAlgorithm, KeyFormatType,
    ObjectType, OpaqueDataType, PaddingMethod, ProtocolVersion, ResultReason, SecretDataType,
    ValidityIndicator,
};

use crate::support::client::{PASSWORD, active_key, known_key, material, refused, register_key};

pub async fn run(client: &Client, version: ProtocolVersion) {
    register_and_get(client, version).await;
    rsa_sign_and_verify(client, version).await;
    key_wrapping(client, version).await;
    derive_key(client, version).await;
}

async fn register_and_get(client: &Client, version: ProtocolVersion) {
    let id = register_key(
        client,
        Alg::AES,
        &known_key(),
        Mask::Encrypt,
        &format!("known-{version}"),
    )
    .await;
    let got = client
        .get(GetRequest::new(Some(id.clone())))
        .await
        .expect("get");
    assert_eq!(got.unique_identifier, id);
    assert_eq!(got.object_type, ObjectType::SymmetricKey);
    let block = got.object.key_block().expect("key block");
    assert_eq!(block.key_format_type, KeyFormatType::Raw);
    assert_eq!(block.cryptographic_algorithm, Some(Alg::AES));
    assert_eq!(block.cryptographic_length, Some(256));
    assert!(!block.is_wrapped());
    assert_eq!(material(block), known_key().as_slice());

    let password = Object::SecretData(SecretData::new(
        SecretDataType::Password,
        PASSWORD.as_bytes(),
    ));
    let id = client
        .register(RegisterRequest::new(password, Attributes::default()))
        .await
        .expect("register secret data")
        .unique_identifier;
    let got = client
        .get(GetRequest::new(Some(id)))
        .await
        .expect("get secret data");
    assert_eq!(got.object_type, ObjectType::SecretData);
    let Object::SecretData(secret) = &got.object else {
        panic!("not secret data: {got:?}")
    };
    assert_eq!(secret.secret_data_type, SecretDataType::Password);
    assert_eq!(secret.key_block.key_format_type, KeyFormatType::Opaque);
    assert_eq!(material(&secret.key_block), PASSWORD.as_bytes());

    // PyKMIP's only opaque data type is its own vendor value 0x80000000 ("None"); Cosmian
    // refuses that value and knows 0x80000001 ("Unknown").
    let kind = OpaqueDataType(if crate::tour_differs() {
        0x8000_0001
    } else {
        0x8000_0000
    });
    let blob: Vec<u8> = (0..=255u8).rev().collect();
    let opaque = Object::OpaqueObject(OpaqueObject::new(kind, blob.clone()));
    let id = client
        .register(RegisterRequest::new(opaque, Attributes::default()))
        .await
        .expect("register opaque")
        .unique_identifier;
    let got = client
        .get(GetRequest::new(Some(id)))
        .await
        .expect("get opaque");
    assert_eq!(got.object_type, ObjectType::OpaqueObject);
    let Object::OpaqueObject(o) = &got.object else {
        panic!("not opaque: {got:?}")
    };
    assert_eq!(o.opaque_data_type, kind);
    assert_eq!(o.opaque_data_value.0, blob);
}

fn rsa_pkcs1_sha256() -> CryptographicParameters {
    let mut p = CryptographicParameters::default();
    p.digital_signature_algorithm = Some(DigitalSignatureAlgorithm::SHA_256WithRSAEncryption);
    p.padding_method = Some(PaddingMethod::PKCS1V1_5);
    p.cryptographic_algorithm = Some(Alg::RSA);
    p
}

async fn rsa_sign_and_verify(client: &Client, version: ProtocolVersion) {
    let mut common = Attributes::default();
    common.push(Attribute::CryptographicAlgorithm(Alg::RSA));
    common.push(Attribute::CryptographicLength(2048));
    let mut private = Attributes::default();
    private.push(Attribute::CryptographicUsageMask(Mask::Sign));
    private.push(Attribute::Name(Name::text(format!(
        "rsa-{version}-private"
    ))));
    let mut public = Attributes::default();
    public.push(Attribute::CryptographicUsageMask(Mask::Verify));
    let pair = client
        .create_key_pair(CreateKeyPairRequest::new(common, private, public))
        .await
        .expect("create key pair");
    let (private, public) = (
        pair.private_key_unique_identifier,
        pair.public_key_unique_identifier,
    );
    assert_ne!(private, public);
    client.activate(&private).await.expect("activate private");
    client.activate(&public).await.expect("activate public");

    let data = b"signed by kmipkit through PyKMIP".to_vec();
    let mut sign = SignRequest::new(Some(private.clone()), data.clone());
    sign.cryptographic_parameters = Some(rsa_pkcs1_sha256());
    let signed = client.sign(sign).await.expect("sign");
    assert_eq!(signed.unique_identifier, private);
    let signature_bytes = signed.signature_data.expect("signature").take();
    assert_eq!(signature_bytes.len(), 256);

    let verify = |signature_bytes: Vec<u8>| {
        let mut verify =
            SignatureVerifyRequest::new(Some(public.clone()), data.clone(), signature_bytes);
        verify.cryptographic_parameters = Some(rsa_pkcs1_sha256());
        client.signature_verify(verify)
    };
    let verdict = verify(signature_bytes.clone()).await.expect("verify");
    assert_eq!(verdict.validity_indicator, ValidityIndicator::Valid);
    let mut flipped = signature_bytes.clone();
    flipped[100] ^= 0x40;
    let verdict = verify(flipped).await.expect("verify a bad signature");
    assert_eq!(verdict.validity_indicator, ValidityIndicator::Invalid);

    // The public key, fetched, verifies the signature here too.
    let got = client
        .get(GetRequest::new(Some(public)))
        .await
        .expect("get public key");
    assert_eq!(got.object_type, ObjectType::PublicKey);
    let block = got.object.key_block().expect("key block");
    assert_eq!(block.key_format_type, KeyFormatType::PKCS_1);
    let key =
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, material(block));
    key.verify(&data, &signature_bytes)
        .expect("aws-lc-rs accepts PyKMIP's signature");
}

async fn key_wrapping(client: &Client, version: ProtocolVersion) {
    let kek_bytes: Vec<u8> = (0u8..32).map(|b| b ^ 0x5a).collect();
    let kek = active_key(
        client,
        Alg::AES,
        &kek_bytes,
        Mask::WrapKey | Mask::Encrypt,
        &format!("kek-{version}"),
    )
    .await;
    let target = register_key(
        client,
        Alg::AES,
        &known_key(),
        Mask::Encrypt,
        &format!("wrapped-{version}"),
    )
    .await;

    let mut parameters = CryptographicParameters::default();
    parameters.block_cipher_mode = Some(BlockCipherMode::NISTKeyWrap);
    let mut wrapping = KeyWrappingSpecification::encrypt(EncryptionKeyInformation::new(
        kek.clone(),
        Some(parameters),
    ));
    wrapping.encoding_option = Some(EncodingOption::NoEncoding);
    let mut get = GetRequest::new(Some(target.clone()));
    get.key_wrapping_specification = Some(wrapping.clone());
    let got = client.get(get).await.expect("get wrapped");
    let block = got.object.key_block().expect("key block");
    let data = block.key_wrapping_data.as_ref().expect("key wrapping data");
    assert_eq!(data.encoding_option, Some(EncodingOption::NoEncoding));
    assert_eq!(
        data.encryption_key_information
            .as_ref()
            .expect("kek info")
            .unique_identifier,
        kek
    );
    // PyKMIP wraps the key material (No Encoding); Cosmian the whole Key Value, as bytes.
    let wrapped = block.key_bytes().expect("wrapped bytes");
    assert_eq!(wrapped.len(), 40, "RFC 3394 adds 8 bytes");
    assert_ne!(wrapped, known_key().as_slice());

    let local = key_wrap::AesKek::new(&key_wrap::AES_256, &kek_bytes).expect("kek");
    let mut out = [0u8; 40];
    let unwrapped = key_wrap::KeyWrap::unwrap(local, wrapped, &mut out).expect("local unwrap");
    assert_eq!(unwrapped, known_key().as_slice());

    // PyKMIP wraps only without encoding: the default (TTLV encoding) is refused.
    wrapping.encoding_option = None;
    let mut get = GetRequest::new(Some(target));
    get.key_wrapping_specification = Some(wrapping);
    if crate::tour_differs() {
        let got = client
            .get(get)
            .await
            .expect("Cosmian wraps with TTLV encoding too");
        assert!(got.object.key_block().expect("key block").is_wrapped());
        return;
    }
    refused(client.get(get).await, ResultReason::EncodingOptionError);
}

/// Output length for aws-lc-rs HKDF.
struct Len(usize);
impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

async fn derive_key(client: &Client, version: ProtocolVersion) {
    let base = register_key(
        client,
        Alg::AES,
        &known_key(),
        Mask::DeriveKey,
        &format!("base-{version}"),
    )
    .await;
    let mut attributes = Attributes::default();
    attributes.push(Attribute::CryptographicAlgorithm(Alg::AES));
    attributes.push(Attribute::CryptographicLength(256));
    let derive = |method, parameters| {
        let request = DeriveKeyRequest::new(
            ObjectType::SymmetricKey,
            vec![base.clone()],
            method,
            parameters,
            attributes.clone(),
        );
        client.derive_key(request)
    };
    let key_of = |id: String| async move {
        let got = client
            .get(GetRequest::new(Some(id)))
            .await
            .expect("get derived");
        material(got.object.key_block().expect("key block")).to_vec()
    };

    // PyKMIP's "HMAC" derivation is HKDF (RFC 5869): info = derivation data.
    let salt = b"kmipkit salt".to_vec();
    let info = b"kmipkit derivation context".to_vec();
    let mut parameters = DerivationParameters::with_data(info.clone());
    let mut sha256 = CryptographicParameters::default();
    sha256.hashing_algorithm = Some(HashingAlgorithm::SHA_256);
    parameters.cryptographic_parameters = Some(sha256.clone());
    parameters.salt = Some(salt.clone().into());
    if crate::tour_differs() {
        // Cosmian derives with PBKDF2 and HKDF only.
        let hmac = derive(DerivationMethod::HMAC, parameters).await;
        let message = refused(hmac, ResultReason::OperationNotSupported);
        assert!(message.unwrap_or_default().contains("HMAC"));
        let mut parameters = DerivationParameters::with_data(Vec::new());
        parameters.derivation_data.clear();
        parameters.cryptographic_parameters = Some(sha256);
        let hash = derive(DerivationMethod::HASH, parameters).await;
        refused(hash, ResultReason::OperationNotSupported);
        return;
    }
    let derived = derive(DerivationMethod::HMAC, parameters)
        .await
        .expect("derive HMAC");
    let mut expected = [0u8; 32];
    hkdf::Salt::new(hkdf::HKDF_SHA256, &salt)
        .extract(&known_key())
        .expand(&[&info], Len(32))
        .expect("expand")
        .fill(&mut expected)
        .expect("fill");
    assert_eq!(key_of(derived.unique_identifier).await, expected);

    // HASH derivation without derivation data hashes the base key.
    let mut parameters = DerivationParameters::with_data(Vec::new());
    parameters.derivation_data.clear();
    parameters.cryptographic_parameters = Some(sha256);
    let derived = derive(DerivationMethod::HASH, parameters)
        .await
        .expect("derive HASH");
    let expected = digest::digest(&digest::SHA256, &known_key());
    assert_eq!(key_of(derived.unique_identifier).await, expected.as_ref());
}
