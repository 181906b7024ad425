//! Key material inside KMIP messages, replies and configuration: never printed by `Debug`, and
//! held in types that wipe it on drop (checked through their `ZeroizeOnDrop` / `Zeroizing` types,
//! since observing freed memory would need `unsafe`, which the crate forbids in tests too).

use kmipkit::config::TlsMaterial;
use kmipkit::message::{
    Authentication, BigInt, Bytes, Credential, EncryptRequest, KeyBlock, KeyMaterial, Object,
    PrivateKey, RegisterRequest, SecretBigInt, SecretData, SymmetricKey,
};
use kmipkit::spec::{CryptographicAlgorithm, KeyFormatType, SecretDataType, Tag};
use kmipkit::ttlv::{Item, Value};
use zeroize::{ZeroizeOnDrop, Zeroizing};

const KEY: [u8; 32] = [
    0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
    0x76, 0x54, 0x32, 0x10, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4,
];

/// Every way the bytes could appear in text: hex in both cases, a decimal list, a fragment of one.
fn leaks(text: &str, bytes: &[u8]) -> bool {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    text.to_lowercase().contains(&hex[..16])
        || text.contains(&format!("{:?}", &bytes[..4])[1..12])
        || text.contains("222, 173")
        || text.contains("0xde")
}

fn wipes_on_drop<T: ZeroizeOnDrop>(_: &T) {}

fn assert_redacted(what: &str, text: String) {
    assert!(!leaks(&text, &KEY), "{what}: {text}");
}

#[test]
fn objects_holding_keys_never_print_them() {
    // The Get response of a PyKMIP capture is checked the same way in typed_objects.rs.
    let symmetric = Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(
        CryptographicAlgorithm::AES,
        KEY.to_vec(),
    )));
    let secret = Object::SecretData(SecretData::new(SecretDataType::Password, KEY.as_slice()));
    let pkcs8 = Object::PrivateKey(PrivateKey::new(KeyBlock::new(
        KeyFormatType::PKCS_8,
        KeyMaterial::Bytes(KEY.to_vec().into()),
    )));
    for object in [symmetric, secret, pkcs8] {
        assert_redacted("object", format!("{object:?}"));
        assert_redacted("object, alternate", format!("{object:#?}"));
        let register = RegisterRequest::new(object, Default::default());
        assert_redacted("Register request", format!("{register:?}"));
    }
}

#[test]
fn encrypt_and_decrypt_data_is_never_printed() {
    // Model 1 sends the plain DEK as an Encrypt request's data and gets it back from Decrypt.
    let request = EncryptRequest::new(Some("kek".into()), KEY.to_vec());
    assert_redacted("Encrypt request", format!("{request:?}"));
    let data = request.data.as_ref().expect("data");
    wipes_on_drop(data);
}

#[test]
fn credential_and_tls_key_are_redacted_and_zeroizing() {
    let credential = Credential::UsernameAndPassword {
        username: "app".into(),
        password: Some(Zeroizing::new("hunter2-deadbeef".into())),
    };
    let text = format!("{:?}", Authentication::new(credential.clone()));
    assert!(!text.contains("hunter2"), "{text}");
    if let Credential::UsernameAndPassword {
        password: Some(password),
        ..
    } = &credential
    {
        let _: &Zeroizing<String> = password;
    }

    let material = TlsMaterial::new(b"ca".to_vec(), b"cert".to_vec(), KEY.to_vec(), None);
    assert_redacted("TLS material", format!("{material:?}"));
    let _: &Zeroizing<Vec<u8>> = &material.client_key_pem;
}

#[test]
fn byte_strings_and_secret_integers_wipe_on_drop() {
    let bytes = Bytes(KEY.to_vec());
    wipes_on_drop(&bytes);
    assert_eq!(format!("{bytes:?}"), "Bytes(<32 bytes>)");
    let integer = SecretBigInt(BigInt(KEY.to_vec()));
    wipes_on_drop(&integer);
    assert_redacted("secret integer", format!("{integer:?}"));

    // `take` hands the vector over and leaves nothing behind to wipe.
    let mut bytes = Bytes(KEY.to_vec());
    assert_eq!(bytes.take(), KEY);
    assert!(bytes.0.is_empty());
}

/// A tree built to encode a request holds copies of the key bytes; `wipe` zeroes the owned ones
/// (and Password text) and leaves values borrowed from someone else's buffer alone.
#[test]
fn item_wipe_zeroes_owned_secrets_only() {
    let borrowed_source = KEY;
    let mut tree = Item::structure(
        Tag::RequestMessage,
        vec![
            Item::new(Tag::KeyMaterial, Value::ByteString(KEY.to_vec().into())),
            Item::new(Tag::PrivateExponent, Value::BigInteger(KEY.to_vec().into())),
            Item::new(
                Tag::Password,
                Value::TextString("hunter2".to_string().into()),
            ),
            Item::new(Tag::Username, Value::TextString("app".to_string().into())),
            Item::new(Tag::Nonce, Value::ByteString(borrowed_source[..].into())),
        ],
    );
    tree.wipe();
    let children = tree.children();
    assert_eq!(children[0].value, Value::ByteString(vec![0; 32].into()));
    assert_eq!(children[1].value, Value::BigInteger(vec![0; 32].into()));
    assert_eq!(children[2].value, Value::TextString("".into()));
    assert_eq!(children[3].value, Value::TextString("app".into()));
    assert_eq!(children[4].value, Value::ByteString(KEY[..].into()));
}

#[cfg(feature = "net")]
#[test]
fn transport_replies_are_zeroizing() {
    fn bytes_type(reply: &kmipkit::transport::Reply) -> &Zeroizing<Vec<u8>> {
        &reply.bytes
    }
    let _ = bytes_type;
}

#[test]
fn a_password_item_is_redacted_in_debug() {
    let tree = Item::structure(
        Tag::CredentialValue,
        vec![
            Item::new(Tag::Username, Value::TextString("app".into())),
            Item::new(Tag::Password, Value::TextString("hunter2".into())),
        ],
    );
    for text in [format!("{tree:?}"), format!("{tree:#?}")] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<redacted, 7 characters>"), "{text}");
        assert!(text.contains("\"app\""), "{text}");
    }
}
