//! The client's composites against a live PyKMIP server, over KMIP 1.2 and 2.0: `get_many`
//! (one batch, one result per id in order, refusals kept per item), `register_material` with
//! the Register defaults of each kind, `get_wrapped` (AES key wrap, unwrapped here with
//! aws-lc-rs) and `create_aes_key_with_usage`; and a batch on the ID placeholder that the
//! server stops at a failure.
#![cfg(feature = "net")]

mod support;

use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrap};
use kmipkit::Error;
use kmipkit::client::Client;
use kmipkit::message::{Attribute, Attributes, GetRequest, Name, Object};
use kmipkit::spec::{
    CertificateType, CryptographicAlgorithm as Alg, CryptographicUsageMask as Mask, ObjectType,
    Operation, ProtocolVersion, ResultReason, SecretDataType,
};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use support::client::{PASSWORD, client, known_key, material, one, refused, saw};
use support::pykmip::{TestServer, differs};

fn named(name: &str) -> Attributes {
    let mut attributes = Attributes::default();
    attributes.push(Attribute::Name(Name::text(name)));
    attributes
}

async fn get_many_keeps_order_and_refusals(client: &Client, version: ProtocolVersion) {
    let keys: Vec<Vec<u8>> = (1u8..=3).map(|i| vec![i; 32]).collect();
    let mut ids = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let attributes = named(&format!("many-{version}-{i}"));
        let id = client
            .register_material(ObjectType::SymmetricKey, key.clone(), None, attributes)
            .await
            .expect("register");
        ids.push(id);
    }
    // Out of order, a missing id in the middle and one id twice: the answers follow the ask.
    let asked = [&ids[2], "no-such-object", &ids[0], &ids[1], &ids[2]];
    let got = client.get_many(asked).await.expect("one batch");
    assert_eq!(got.len(), asked.len());
    for (i, (id, key)) in [(2, 2), (0, 0), (1, 1), (2, 2)].into_iter().enumerate() {
        let slot = if i == 0 { 0 } else { i + 1 };
        let object = got[slot].as_ref().expect("a Get of an existing key");
        assert_eq!(object.unique_identifier, ids[id]);
        let block = object.object.key_block().expect("key block");
        assert_eq!(material(block), keys[key].as_slice());
    }
    let Err(missing) = &got[1] else {
        panic!("no-such-object was found: {:?}", got[1])
    };
    saw(missing);
    let reason = if differs("live_client_catalog::get_many_keeps_order_and_refusals") {
        ResultReason::ObjectNotFound
    } else {
        ResultReason::ItemNotFound
    };
    assert!(
        matches!(
            missing,
            Error::Server {
                operation: Some(Operation::Get),
                reason: r,
                ..
            } if *r == reason
        ),
        "{missing:?}"
    );

    let none: [&str; 0] = [];
    assert!(client.get_many(none).await.expect("empty").is_empty());
}

async fn register_defaults_round_trip(
    client: &Client,
    server: &TestServer,
    version: ProtocolVersion,
) {
    let register = |kind, bytes: Vec<u8>, algorithm, name: String| {
        client.register_material(kind, bytes, algorithm, named(&name))
    };
    let get = |id: String| async move {
        let mut got = client.get_many([id]).await.expect("get");
        got.pop().expect("one answer").expect("the object")
    };

    let id = register(
        ObjectType::SymmetricKey,
        known_key(),
        Some(Alg::HMAC_SHA256),
        format!("hmac-{version}"),
    );
    let got = get(id.await.expect("register a key")).await;
    let block = got.object.key_block().expect("key block");
    assert_eq!(block.cryptographic_algorithm, Some(Alg::HMAC_SHA256));
    assert_eq!(block.cryptographic_length, Some(256));
    assert_eq!(material(block), known_key().as_slice());

    let id = register(
        ObjectType::SecretData,
        PASSWORD.as_bytes().to_vec(),
        None,
        format!("pw-{version}"),
    );
    let got = get(id.await.expect("register secret data")).await;
    let Object::SecretData(secret) = &got.object else {
        panic!("{got:?}")
    };
    assert_eq!(secret.secret_data_type, SecretDataType::Password);
    assert_eq!(material(&secret.key_block), PASSWORD.as_bytes());

    let blob: Vec<u8> = (0..=255u8).collect();
    let id = register(
        ObjectType::OpaqueObject,
        blob.clone(),
        None,
        format!("blob-{version}"),
    );
    if differs("live_client_catalog::register_defaults_round_trip") {
        // The default Opaque Data Type 0x80000000 does not parse there: the whole message fails.
        let refused = id
            .await
            .expect_err("Cosmian refuses opaque type 0x80000000");
        assert!(
            matches!(
                &refused,
                Error::Server {
                    reason: ResultReason::InvalidMessage,
                    message: Some(m),
                    ..
                } if m.contains("OpaqueDataType")
            ),
            "{refused:?}"
        );
    } else {
        let got = get(id.await.expect("register opaque")).await;
        let Object::OpaqueObject(opaque) = &got.object else {
            panic!("{got:?}")
        };
        assert_eq!(opaque.opaque_data_value.0, blob);
    }

    let der = CertificateDer::from_pem_slice(&server.pem("ca")).expect("CA certificate");
    let id = register(
        ObjectType::Certificate,
        der.to_vec(),
        None,
        format!("ca-{version}"),
    );
    let got = get(id.await.expect("register certificate")).await;
    let Object::Certificate(cert) = &got.object else {
        panic!("{got:?}")
    };
    assert_eq!(cert.certificate_type, CertificateType::X_509);
    assert_eq!(cert.certificate_value.0, der.as_ref());

    // Refused before anything is sent, naming what would do.
    let err = register(
        ObjectType::PrivateKey,
        vec![1; 8],
        None,
        format!("pk-{version}"),
    )
    .await
    .expect_err("a private key from bytes");
    assert_eq!(err.kind(), kmipkit::ErrorKind::Encode);
    assert!(
        err.to_string().contains("SymmetricKey, SecretData"),
        "{err}"
    );
}

async fn wrapped_and_usage(client: &Client, version: ProtocolVersion) {
    let kek = client
        .create_aes_key_with_usage(
            &format!("kek-{version}"),
            256,
            Mask::WrapKey | Mask::Encrypt,
        )
        .await
        .expect("create KEK");
    let attributes = client.all_attributes(&kek).await.expect("attributes");
    let usage = one(&attributes, |a| match a {
        Attribute::CryptographicUsageMask(m) => Some(*m),
        _ => None,
    });
    assert_eq!(usage, Mask::WrapKey | Mask::Encrypt);
    client.activate(&kek).await.expect("activate KEK");
    let kek_bytes = {
        let got = client.get_many([kek.clone()]).await.expect("get KEK");
        let got = got.into_iter().next().expect("one").expect("KEK");
        material(got.object.key_block().expect("key block")).to_vec()
    };

    let target = client
        .register_material(
            ObjectType::SymmetricKey,
            known_key(),
            None,
            named(&format!("t-{version}")),
        )
        .await
        .expect("register target");
    let got = client
        .get_wrapped(&target, &kek)
        .await
        .expect("get wrapped");
    let block = got.object.key_block().expect("key block");
    assert!(block.is_wrapped());
    // PyKMIP wraps the key material inside the Key Value structure, Cosmian sends the whole
    // Key Value as the wrapped byte string (as the specification has it): both are the bytes.
    let wrapped = block.key_bytes().expect("wrapped bytes");
    assert_eq!(wrapped.len(), 40, "RFC 3394 adds 8 bytes");
    let local = AesKek::new(&AES_256, &kek_bytes).expect("kek");
    let mut out = [0u8; 40];
    let unwrapped = local.unwrap(wrapped, &mut out).expect("local unwrap");
    assert_eq!(unwrapped, known_key().as_slice());

    // A wrapping key that does not exist is the server's refusal, not a panic.
    let reason = if differs("live_client_catalog::wrapped_and_usage") {
        ResultReason::OperationNotSupported
    } else {
        ResultReason::ItemNotFound
    };
    refused(client.get_wrapped(&target, "no-such-kek").await, reason);
}

/// A batch with an item on the ID placeholder keeps KMIP's Stop: PyKMIP drops the items after
/// a failure, and each dropped one says so instead of the whole batch failing.
async fn a_dependent_batch_stops_at_a_failure(client: &Client) {
    let payloads = vec![
        GetRequest::new(Some("no-such-object".into())).into(),
        GetRequest::new(None).into(),
    ];
    let outcomes = client.batch(payloads).await.expect("an answer per item");
    assert_eq!(outcomes.len(), 2);
    if differs("live_client_catalog::a_dependent_batch_stops_at_a_failure") {
        // No Stop there: each item is answered, the one on the placeholder refused.
        refused(outcomes[0].clone(), ResultReason::ObjectNotFound);
        refused(outcomes[1].clone(), ResultReason::OperationNotSupported);
        return;
    }
    refused(outcomes[0].clone(), ResultReason::ItemNotFound);
    let Err(Error::Protocol { reason }) = &outcomes[1] else {
        panic!("{:?}", outcomes[1])
    };
    assert!(reason.contains("not processed"), "{reason}");
}

async fn tour(version: ProtocolVersion) {
    let server = TestServer::start(0);
    let client = client(&server, version).await;
    get_many_keeps_order_and_refusals(&client, version).await;
    register_defaults_round_trip(&client, &server, version).await;
    wrapped_and_usage(&client, version).await;
    a_dependent_batch_stops_at_a_failure(&client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composites_over_kmip_1_2() {
    tour(ProtocolVersion::V1_2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composites_over_kmip_2_0() {
    tour(ProtocolVersion::V2_0).await;
}
