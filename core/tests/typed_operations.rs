//! Typed payloads of the attribute, lifecycle, server and cryptographic operations, read from
//! the PyKMIP 0.11 captures (`conformance/vectors/pykmip-0.11`) and checked value by value.
//! Every capture used here must also re-encode to its exact bytes.

use std::path::PathBuf;

use kmipkit::message::{
    Attribute, AttributeReference, Bytes, GetAttributesResponse, Name, RequestMessage,
    RequestPayload, ResponseBatchItem, ResponseMessage, ResponsePayload, RevokeRequest,
};
use kmipkit::spec::{
    BlockCipherMode, CryptographicAlgorithm, DigitalSignatureAlgorithm, ObjectType, Operation,
    PaddingMethod, ProtocolVersion, QueryFunction, ResultReason, ResultStatus,
    RevocationReasonCode, State, Tag,
};
use kmipkit::ttlv::{Item, Limits};

const PLAINTEXT: &[u8] = b"kmip conformance test vector";

fn hex(text: &str) -> Vec<u8> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn capture(name: &str, kind: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/vectors/pykmip-0.11")
        .join(format!("{name}.{kind}.hex"));
    hex(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The request of capture `name`, decoded strictly and checked to re-encode byte for byte.
fn request(name: &str) -> RequestMessage {
    let bytes = capture(name, "req");
    let item = Item::decode(&bytes, &Limits::default()).unwrap();
    let message = RequestMessage::from_item_strict(&item).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        message.to_bytes(),
        bytes,
        "{name} request re-encodes identically"
    );
    message
}

/// The response of capture `name`, decoded strictly and checked to re-encode byte for byte.
fn response(name: &str) -> ResponseMessage {
    let bytes = capture(name, "resp");
    let item = Item::decode(&bytes, &Limits::default()).unwrap();
    let message =
        ResponseMessage::from_item_strict(&item).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        message.to_bytes(),
        bytes,
        "{name} response re-encodes identically"
    );
    message
}

fn request_payload(name: &str) -> RequestPayload {
    let mut message = request(name);
    assert_eq!(message.batch_items.len(), 1);
    message.batch_items.remove(0).payload
}

fn success(name: &str) -> ResponsePayload {
    let mut message = response(name);
    assert_eq!(message.batch_items.len(), 1);
    let item = message.batch_items.remove(0);
    assert_eq!(item.result_status, ResultStatus::Success, "{name}");
    item.payload
        .expect("a successful response carries a payload")
}

#[test]
fn discover_versions_lists_six_versions_newest_first() {
    let RequestPayload::DiscoverVersions(req) = request_payload("01-discover-versions") else {
        panic!("not a DiscoverVersions request");
    };
    assert!(
        req.protocol_version.is_empty(),
        "the client asks for every version"
    );
    let ResponsePayload::DiscoverVersions(resp) = success("01-discover-versions") else {
        panic!("not a DiscoverVersions response");
    };
    let expected = [(2, 0), (1, 4), (1, 3), (1, 2), (1, 1), (1, 0)]
        .map(|(major, minor)| ProtocolVersion { major, minor });
    assert_eq!(resp.protocol_version, expected);
}

#[test]
fn query_asks_three_functions_and_lists_operations() {
    let RequestPayload::Query(req) = request_payload("02-query") else {
        panic!("not a Query")
    };
    assert_eq!(
        req.query_function,
        [
            QueryFunction::QueryOperations,
            QueryFunction::QueryObjects,
            QueryFunction::QueryServerInformation
        ]
    );
    let ResponsePayload::Query(resp) = success("02-query") else {
        panic!("not a Query")
    };
    assert_eq!(resp.operation.len(), 18);
    assert_eq!(resp.operation[0], Operation::Create);
    assert!(resp.operation.contains(&Operation::DiscoverVersions));
    assert_eq!(resp.operation.last(), Some(&Operation::MAC));
    assert!(resp.object_type.is_empty());
    assert_eq!(
        resp.vendor_identification.as_deref(),
        Some("PyKMIP 0.11.0 Software Server")
    );
    assert_eq!(resp.server_information, None);
}

#[test]
fn get_attributes_reads_typed_1x_attributes() {
    let RequestPayload::GetAttributes(req) = request_payload("05-get-attributes") else {
        panic!("not a GetAttributes request");
    };
    assert_eq!(req.unique_identifier.as_deref(), Some("1"));
    assert!(req.attribute_references.is_empty(), "all attributes");
    let ResponsePayload::GetAttributes(resp) = success("05-get-attributes") else {
        panic!("not a GetAttributes response");
    };
    check_aes_key_attributes(&resp, "1", "vector-key");
    let name = resp
        .attributes
        .entries
        .iter()
        .find(|e| matches!(e.attribute, Attribute::Name(_)));
    assert_eq!(
        name.and_then(|e| e.index),
        Some(0),
        "1.x Attribute Index kept"
    );
}

#[test]
fn get_attributes_reads_the_2x_attributes_structure() {
    let ResponsePayload::GetAttributes(resp) = success("25-get-attributes-kmip20") else {
        panic!("not a GetAttributes response");
    };
    check_aes_key_attributes(&resp, "9", "v20-key");
    assert!(
        resp.attributes
            .iter()
            .any(|a| *a == Attribute::Sensitive(false))
    );
}

fn check_aes_key_attributes(resp: &GetAttributesResponse, id: &str, name: &str) {
    assert_eq!(resp.unique_identifier, id);
    let attrs: Vec<&Attribute> = resp.attributes.iter().collect();
    assert!(attrs.contains(&&Attribute::UniqueIdentifier(id.into())));
    assert!(attrs.contains(&&Attribute::Name(Name::text(name))));
    assert!(attrs.contains(&&Attribute::ObjectType(ObjectType::SymmetricKey)));
    assert!(attrs.contains(&&Attribute::CryptographicAlgorithm(
        CryptographicAlgorithm::AES
    )));
    assert!(attrs.contains(&&Attribute::CryptographicLength(256)));
    assert!(attrs.contains(&&Attribute::State(State::PreActive)));
}

#[test]
fn get_attribute_list_names_nine_attributes() {
    let ResponsePayload::GetAttributeList(resp) = success("06-get-attribute-list") else {
        panic!("not a GetAttributeList response");
    };
    assert_eq!(resp.unique_identifier, "1");
    assert_eq!(resp.attribute_references.len(), 9);
    assert_eq!(
        resp.attribute_references[0],
        AttributeReference::Tag(Tag::UniqueIdentifier)
    );
    assert_eq!(
        resp.attribute_references[8],
        AttributeReference::Tag(Tag::InitialDate)
    );
}

#[test]
fn encrypt_aes_cbc_returns_the_known_ciphertext() {
    let RequestPayload::Encrypt(req) = request_payload("12-encrypt-aes-cbc") else {
        panic!("not an Encrypt request");
    };
    assert_eq!(req.unique_identifier.as_deref(), Some("2"));
    let params = req
        .cryptographic_parameters
        .as_ref()
        .expect("cryptographic parameters");
    assert_eq!(params.block_cipher_mode, Some(BlockCipherMode::CBC));
    assert_eq!(params.padding_method, Some(PaddingMethod::PKCS5));
    assert_eq!(
        params.cryptographic_algorithm,
        Some(CryptographicAlgorithm::AES)
    );
    assert_eq!(req.data, Some(Bytes(PLAINTEXT.to_vec())));
    assert_eq!(req.iv_counter_nonce, Some(Bytes((0..16).collect())));
    let ResponsePayload::Encrypt(resp) = success("12-encrypt-aes-cbc") else {
        panic!("not an Encrypt response");
    };
    let known = hex("0d1489dcadffe2a399f7d9550509d6ad1623feeac1d2fb5136f6c647430964b3");
    assert_eq!(resp.data, Some(Bytes(known.clone())));
    assert_eq!(resp.authenticated_encryption_tag, None);

    let RequestPayload::Decrypt(req) = request_payload("13-decrypt-aes-cbc") else {
        panic!("not a Decrypt request");
    };
    assert_eq!(req.data, Some(Bytes(known)));
    let ResponsePayload::Decrypt(resp) = success("13-decrypt-aes-cbc") else {
        panic!("not a Decrypt response");
    };
    assert_eq!(resp.data, Some(Bytes(PLAINTEXT.to_vec())));
}

#[test]
fn encrypt_and_decrypt_aes_gcm_carry_tag_and_additional_data() {
    let aad = Some(Bytes(b"kmip-aad".to_vec()));
    let tag = Some(Bytes(hex("ee01348baeda28b595692af037922478")));
    let ciphertext = Some(Bytes(hex(
        "2c6fbf6be586ad75eb2ee5e6d0871b08a3a2e247845b29195b138af7",
    )));

    let RequestPayload::Encrypt(req) = request_payload("22-encrypt-aes-gcm-kmip14") else {
        panic!("not an Encrypt request");
    };
    let params = req
        .cryptographic_parameters
        .as_ref()
        .expect("cryptographic parameters");
    assert_eq!(params.block_cipher_mode, Some(BlockCipherMode::GCM));
    assert_eq!(params.tag_length, Some(16));
    assert_eq!(req.iv_counter_nonce, Some(Bytes((0..12).collect())));
    assert_eq!(req.authenticated_encryption_additional_data, aad);
    let ResponsePayload::Encrypt(resp) = success("22-encrypt-aes-gcm-kmip14") else {
        panic!("not an Encrypt response");
    };
    assert_eq!(resp.data, ciphertext);
    assert_eq!(resp.authenticated_encryption_tag, tag);

    let RequestPayload::Decrypt(req) = request_payload("23-decrypt-aes-gcm-kmip14") else {
        panic!("not a Decrypt request");
    };
    assert_eq!(req.data, ciphertext);
    assert_eq!(req.authenticated_encryption_additional_data, aad);
    assert_eq!(req.authenticated_encryption_tag, tag);
    let ResponsePayload::Decrypt(resp) = success("23-decrypt-aes-gcm-kmip14") else {
        panic!("not a Decrypt response");
    };
    assert_eq!(resp.data, Some(Bytes(PLAINTEXT.to_vec())));
}

#[test]
fn mac_hmac_sha256_returns_the_known_mac() {
    let RequestPayload::MAC(req) = request_payload("16-mac-hmac-sha256") else {
        panic!("not a MAC request");
    };
    let params = req
        .cryptographic_parameters
        .as_ref()
        .expect("cryptographic parameters");
    assert_eq!(
        params.cryptographic_algorithm,
        Some(CryptographicAlgorithm::HMAC_SHA256)
    );
    assert_eq!(req.data, Some(Bytes(PLAINTEXT.to_vec())));
    let ResponsePayload::MAC(resp) = success("16-mac-hmac-sha256") else {
        panic!("not a MAC response");
    };
    assert_eq!(resp.unique_identifier, "5");
    let known = hex("2eba291479d74bb13ef9b17283da39243ac62f5a132f90678cc7a37120266d18");
    assert_eq!(resp.mac_data, Some(Bytes(known)));
}

#[test]
fn sign_rsa_pkcs1_returns_a_2048_bit_signature() {
    let RequestPayload::Sign(req) = request_payload("18-sign-rsa-pkcs1-sha256") else {
        panic!("not a Sign request");
    };
    let params = req
        .cryptographic_parameters
        .as_ref()
        .expect("cryptographic parameters");
    assert_eq!(params.padding_method, Some(PaddingMethod::PKCS1V1_5));
    assert_eq!(
        params.digital_signature_algorithm,
        Some(DigitalSignatureAlgorithm::SHA_256WithRSAEncryption)
    );
    let ResponsePayload::Sign(resp) = success("18-sign-rsa-pkcs1-sha256") else {
        panic!("not a Sign response");
    };
    assert_eq!(resp.unique_identifier, "7");
    let signature = resp.signature_data.expect("signature");
    assert_eq!(signature.0.len(), 256);
    assert_eq!(
        format!("{signature:?}"),
        "Bytes(<256 bytes>)",
        "Debug hides the bytes"
    );
}

#[test]
fn lifecycle_operations_name_the_object() {
    let RequestPayload::Revoke(req) = request_payload("19-revoke") else {
        panic!("not Revoke")
    };
    assert_eq!(
        req,
        RevokeRequest::new(Some("2".into()), RevocationReasonCode::CessationOfOperation)
    );
    let ResponsePayload::Revoke(resp) = success("19-revoke") else {
        panic!("not Revoke")
    };
    assert_eq!(resp.unique_identifier, "2");

    let RequestPayload::Activate(req) = request_payload("11-activate") else {
        panic!("not Activate")
    };
    assert_eq!(req.unique_identifier.as_deref(), Some("2"));
    let ResponsePayload::Activate(resp) = success("11-activate") else {
        panic!("not Activate")
    };
    assert_eq!(resp.unique_identifier, "2");

    let RequestPayload::Destroy(req) = request_payload("20-destroy") else {
        panic!("not Destroy")
    };
    assert_eq!(req.unique_identifier.as_deref(), Some("2"));
    let ResponsePayload::Destroy(resp) = success("20-destroy") else {
        panic!("not Destroy")
    };
    assert_eq!(resp.unique_identifier, "2");
}

#[test]
fn failed_encrypt_keeps_the_operation_and_the_reason() {
    assert!(matches!(
        request_payload("10-encrypt-preactive"),
        RequestPayload::Encrypt(_)
    ));
    let message = response("10-encrypt-preactive");
    let item = &message.batch_items[0];
    assert_eq!(item.operation, Some(Operation::Encrypt));
    assert_eq!(item.result_status, ResultStatus::OperationFailed);
    assert_eq!(item.result_reason, Some(ResultReason::PermissionDenied));
    assert_eq!(item.payload, None);
}

#[test]
fn message_level_errors_have_no_operation() {
    for name in ["27-obtain-lease-unparsed", "30-unsupported-version-3-0"] {
        let message = response(name);
        assert_eq!(
            message.header.protocol_version,
            ProtocolVersion::V1_0,
            "{name}"
        );
        assert_eq!(message.batch_items.len(), 1, "{name}");
        let item: &ResponseBatchItem = &message.batch_items[0];
        assert_eq!(item.operation, None, "{name}");
        assert_eq!(item.result_status, ResultStatus::OperationFailed, "{name}");
        assert_eq!(
            item.result_reason,
            Some(ResultReason::InvalidMessage),
            "{name}"
        );
        assert_eq!(item.payload, None, "{name}");
    }
    // The 3.0 request is still a typed Query.
    let RequestPayload::Query(req) = request_payload("30-unsupported-version-3-0") else {
        panic!("not a Query");
    };
    assert_eq!(req.query_function, [QueryFunction::QueryOperations]);
}
