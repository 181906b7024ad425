//! Typed payloads of the object operations (Create, Create Key Pair, Register, Re-key, Derive
//! Key, Locate, Check, Get) and the managed objects: PyKMIP captures read into typed values and
//! re-encode byte for byte, with assertions on the typed values.

use kmipkit::message::{
    Attribute, Attributes, GetResponse, KeyBlock, KeyMaterial, Object, RequestMessage,
    RequestPayload, ResponseMessage, ResponsePayload,
};
use kmipkit::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, KeyFormatType, ObjectType, ProtocolVersion,
    SecretDataType, WrappingMethod,
};
use kmipkit::ttlv::{Item, Limits};

fn capture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../conformance/vectors/pykmip-0.11/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Decodes a request strictly and checks that it re-encodes to the same bytes.
fn request(name: &str) -> RequestMessage {
    let bytes = capture(&format!("{name}.req"));
    let item = Item::decode(&bytes, &Limits::default()).unwrap();
    let message = RequestMessage::from_item_strict(&item).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(message.to_bytes(), bytes, "{name} request re-encodes");
    assert_eq!(
        RequestMessage::from_bytes(&bytes, &Limits::default()).unwrap(),
        message
    );
    message
}

/// Decodes a response strictly and checks that it re-encodes to the same bytes.
fn response(name: &str) -> ResponseMessage {
    let bytes = capture(&format!("{name}.resp"));
    let item = Item::decode(&bytes, &Limits::default()).unwrap();
    let message =
        ResponseMessage::from_item_strict(&item).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(message.to_bytes(), bytes, "{name} response re-encodes");
    assert_eq!(
        ResponseMessage::from_bytes(&bytes, &Limits::default()).unwrap(),
        message
    );
    message
}

fn request_payload(m: &RequestMessage, i: usize) -> &RequestPayload {
    &m.batch_items[i].payload
}

fn response_payload(m: &ResponseMessage, i: usize) -> &ResponsePayload {
    m.batch_items[i].payload.as_ref().expect("response payload")
}

fn get_response(m: &ResponseMessage, i: usize) -> &GetResponse {
    match response_payload(m, i) {
        ResponsePayload::Get(g) => g,
        other => panic!("expected Get, found {other:?}"),
    }
}

fn key_bytes(object: &Object) -> &[u8] {
    match object.key_block().and_then(KeyBlock::key_material) {
        Some(KeyMaterial::Bytes(b)) => &b.0,
        other => panic!("expected key bytes, found {other:?}"),
    }
}

#[test]
fn create_aes256_kmip12_and_kmip20_carry_the_same_typed_attributes() {
    for (name, version) in [
        ("03-create-aes256", ProtocolVersion::V1_2),
        ("24-create-aes256-kmip20", ProtocolVersion::V2_0),
    ] {
        let req = request(name);
        assert_eq!(req.header.protocol_version, version);
        let RequestPayload::Create(create) = request_payload(&req, 0) else {
            panic!("{name}: not Create")
        };
        assert_eq!(create.object_type, ObjectType::SymmetricKey);
        let attrs: Vec<&Attribute> = create.attributes.iter().collect();
        assert_eq!(
            attrs[0],
            &Attribute::CryptographicAlgorithm(CryptographicAlgorithm::AES)
        );
        assert_eq!(attrs[1], &Attribute::CryptographicLength(256));
        assert_eq!(
            attrs[2],
            &Attribute::CryptographicUsageMask(
                CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt
            )
        );
        assert!(matches!(attrs[3], Attribute::Name(n) if n.name_value.ends_with("-key")));
        let resp = response(name);
        let ResponsePayload::Create(created) = response_payload(&resp, 0) else {
            panic!("{name}: not Create")
        };
        assert_eq!(created.object_type, ObjectType::SymmetricKey);
        assert!(!created.unique_identifier.is_empty());
        assert_eq!(created.attributes, None);
    }
}

#[test]
fn get_symmetric_key_is_aes_256_with_32_raw_bytes() {
    let req = request("04-get-symmetric");
    let RequestPayload::Get(get) = request_payload(&req, 0) else {
        panic!("not Get")
    };
    assert_eq!(get.unique_identifier.as_deref(), Some("1"));
    assert_eq!(get.key_wrapping_specification, None);
    let resp = response("04-get-symmetric");
    let got = get_response(&resp, 0);
    assert_eq!(got.object_type, ObjectType::SymmetricKey);
    assert_eq!(got.object.object_type(), got.object_type);
    let block = got.object.key_block().unwrap();
    assert_eq!(block.key_format_type, KeyFormatType::Raw);
    assert_eq!(
        block.cryptographic_algorithm,
        Some(CryptographicAlgorithm::AES)
    );
    assert_eq!(block.cryptographic_length, Some(256));
    assert!(!block.is_wrapped());
    assert_eq!(key_bytes(&got.object).len(), 32);
    // Key bytes never reach Debug output.
    assert!(
        !format!("{got:?}").contains("184, 13"),
        "Debug must not show key bytes"
    );
}

#[test]
fn register_known_aes_key_carries_material_000102_to_1f() {
    let req = request("09-register-aes256-known");
    let RequestPayload::Register(register) = request_payload(&req, 0) else {
        panic!("not Register")
    };
    assert_eq!(register.object_type, ObjectType::SymmetricKey);
    let Object::SymmetricKey(key) = &register.object else {
        panic!("not a symmetric key")
    };
    assert_eq!(key.key_block.cryptographic_length, Some(256));
    assert_eq!(key_bytes(&register.object), (0u8..32).collect::<Vec<_>>());
    let mask = CryptographicUsageMask::Encrypt
        | CryptographicUsageMask::Decrypt
        | CryptographicUsageMask::WrapKey;
    assert!(
        register
            .attributes
            .iter()
            .any(|a| a == &Attribute::CryptographicUsageMask(mask))
    );
    let resp = response("09-register-aes256-known");
    let ResponsePayload::Register(registered) = response_payload(&resp, 0) else {
        panic!("not Register")
    };
    assert_eq!(registered.unique_identifier, "2");
}

#[test]
fn register_secret_data_is_an_opaque_password() {
    let req = request("14-register-secret-data");
    let RequestPayload::Register(register) = request_payload(&req, 0) else {
        panic!("not Register")
    };
    let Object::SecretData(secret) = &register.object else {
        panic!("not secret data")
    };
    assert_eq!(secret.secret_data_type, SecretDataType::Password);
    assert_eq!(secret.key_block.key_format_type, KeyFormatType::Opaque);
    assert_eq!(key_bytes(&register.object), b"hunter2");
    response("14-register-secret-data");
}

#[test]
fn get_wrapped_returns_rfc3394_wrapped_material_and_its_wrapping_data() {
    let req = request("15-get-wrapped");
    let RequestPayload::Get(get) = request_payload(&req, 0) else {
        panic!("not Get")
    };
    let spec = get.key_wrapping_specification.as_ref().unwrap();
    assert_eq!(spec.wrapping_method, WrappingMethod::Encrypt);
    assert_eq!(
        spec.encryption_key_information
            .as_ref()
            .unwrap()
            .unique_identifier,
        "2"
    );
    let resp = response("15-get-wrapped");
    let got = get_response(&resp, 0);
    let block = got.object.key_block().unwrap();
    let wrapping = block.key_wrapping_data.as_ref().unwrap();
    assert_eq!(wrapping.wrapping_method, WrappingMethod::Encrypt);
    assert_eq!(
        wrapping
            .encryption_key_information
            .as_ref()
            .unwrap()
            .unique_identifier,
        "2"
    );
    let expected = "d333614f36b9d411b8c726675f758a377cd86eb83fcc7c37";
    let hex: String = key_bytes(&got.object)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, expected);
}

#[test]
fn create_key_pair_names_both_keys() {
    let req = request("17-create-key-pair-rsa2048");
    let RequestPayload::CreateKeyPair(ckp) = request_payload(&req, 0) else {
        panic!("not CreateKeyPair")
    };
    let common = ckp.common_attributes.as_ref().unwrap();
    assert!(
        common
            .iter()
            .any(|a| a == &Attribute::CryptographicAlgorithm(CryptographicAlgorithm::RSA))
    );
    assert!(
        common
            .iter()
            .any(|a| a == &Attribute::CryptographicLength(2048))
    );
    let private = ckp.private_key_attributes.as_ref().unwrap();
    assert_eq!(
        private.iter().next(),
        Some(&Attribute::CryptographicUsageMask(
            CryptographicUsageMask::Sign
        ))
    );
    let resp = response("17-create-key-pair-rsa2048");
    let ResponsePayload::CreateKeyPair(pair) = response_payload(&resp, 0) else {
        panic!("not CreateKeyPair")
    };
    assert_eq!(pair.private_key_unique_identifier, "7");
    assert_eq!(pair.public_key_unique_identifier, "6");
}

#[test]
fn batch_create_then_get_by_id_placeholder() {
    let req = request("29-batch-create-get");
    assert_eq!(req.batch_items.len(), 2);
    assert!(matches!(
        request_payload(&req, 0),
        RequestPayload::Create(_)
    ));
    let RequestPayload::Get(get) = request_payload(&req, 1) else {
        panic!("not Get")
    };
    assert_eq!(get.unique_identifier, None, "the ID placeholder is used");
    let resp = response("29-batch-create-get");
    assert_eq!(resp.batch_items.len(), 2);
    let ResponsePayload::Create(created) = response_payload(&resp, 0) else {
        panic!("not Create")
    };
    let got = get_response(&resp, 1);
    assert_eq!(got.unique_identifier, created.unique_identifier);
    assert_eq!(key_bytes(&got.object).len(), 16);
}

#[test]
fn locate_kmip12_by_name_and_kmip20_by_object_type() {
    let req = request("07-locate-by-name");
    let RequestPayload::Locate(locate) = request_payload(&req, 0) else {
        panic!("not Locate")
    };
    assert!(
        matches!(locate.attributes.iter().next(), Some(Attribute::Name(n)) if n.name_value == "vector-key")
    );
    let resp = response("07-locate-by-name");
    let ResponsePayload::Locate(found) = response_payload(&resp, 0) else {
        panic!("not Locate")
    };
    assert_eq!(found.unique_identifier, ["1"]);

    let req = request("26-locate-kmip20");
    let RequestPayload::Locate(locate) = request_payload(&req, 0) else {
        panic!("not Locate")
    };
    assert_eq!(locate.maximum_items, Some(3));
    assert_eq!(
        locate.attributes.iter().next(),
        Some(&Attribute::ObjectType(ObjectType::SymmetricKey))
    );
    let resp = response("26-locate-kmip20");
    let ResponsePayload::Locate(found) = response_payload(&resp, 0) else {
        panic!("not Locate")
    };
    assert_eq!(found.unique_identifier, ["8", "9", "1"]);
    assert_eq!(found.located_items, None);
}

#[test]
fn rekey_and_check_requests_decode_although_pykmip_refuses_them() {
    let req = request("21-rekey-unsupported");
    let RequestPayload::ReKey(rekey) = request_payload(&req, 0) else {
        panic!("not ReKey")
    };
    assert_eq!(rekey.unique_identifier.as_deref(), Some("1"));
    assert_eq!(
        rekey.attributes,
        Some(Attributes::default()),
        "an empty TemplateAttribute is kept"
    );
    assert!(
        response("21-rekey-unsupported").batch_items[0]
            .payload
            .is_none()
    );
    let req = request("28-check-unsupported");
    let RequestPayload::Check(check) = request_payload(&req, 0) else {
        panic!("not Check")
    };
    assert_eq!(check.unique_identifier.as_deref(), Some("1"));
    response("28-check-unsupported");
}
