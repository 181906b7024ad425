//! Every operation PyKMIP 0.11 supports, through `kmipkit::client::Client`, over KMIP 1.2, 1.4
//! and 2.0 against a live server each, with assertions on the returned values; the typed errors
//! of the operations PyKMIP lacks; version negotiation; object ownership; and secrets kept out
//! of Debug and error messages.
//!
//! - `live_client_operations/lifecycle.rs`: create, activate, locate, attributes, query, revoke, destroy;
//! - `live_client_operations/keys.rs`: register/get of key material, key pairs with sign/verify, key
//!   wrapping and key derivation, each checked against aws-lc-rs computing the same locally;
//! - `live_client_operations/crypto.rs`: encrypt/decrypt (CBC known answer, GCM both ways) and MAC;
//! - `live_client_operations/refusals.rs`: what PyKMIP answers to the operations it lacks.
#![cfg(feature = "net")]

mod support;

#[path = "live_client_operations/crypto.rs"]
mod crypto;
#[path = "live_client_operations/keys.rs"]
mod keys;
#[path = "live_client_operations/lifecycle.rs"]
mod lifecycle;
#[path = "live_client_operations/refusals.rs"]
mod refusals;

use kmipkit::client::VersionChoice;
use kmipkit::message::{Credential, GetRequest, KeyBlock, Object, RegisterRequest, SymmetricKey};
use kmipkit::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, ProtocolVersion, ResultReason,
};
use support::client::{
    PASSWORD, assert_no_secret, client, client_with, hex, key_attributes, known_key, refused,
};
use support::pykmip::{TestServer, TlsIdentity, differs};

/// True when the server under test answers the tour differently from PyKMIP, as the kit's table
/// declares (`every_operation`; the reason is printed once): the tour then asserts its answers.
pub fn tour_differs() -> bool {
    static DIFFERS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DIFFERS.get_or_init(|| differs("live_client_operations::every_operation"))
}

/// The whole tour at one protocol version, on a server of its own.
async fn every_operation(version: ProtocolVersion) {
    let server = TestServer::start(0);
    let client = client(&server, version).await;
    lifecycle::run(&client, version).await;
    keys::run(&client, version).await;
    crypto::run(&client, version).await;
    refusals::run(&client, version).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_over_kmip_1_2() {
    every_operation(ProtocolVersion::V1_2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_over_kmip_1_4() {
    every_operation(ProtocolVersion::V1_4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_over_kmip_2_0() {
    every_operation(ProtocolVersion::V2_0).await;
}

/// PyKMIP speaks 1.0–1.4 and 2.0: asked for 2.1 the client settles on 2.0; asked for 1.4 it
/// stays there (PyKMIP would also offer 2.0, which the client must not take).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negotiation_settles_on_what_pykmip_speaks() {
    let server = TestServer::start(0);
    // Cosmian speaks 2.1 too.
    let newest = if differs("live_client_operations::negotiation_settles_on_what_pykmip_speaks") {
        ProtocolVersion::V2_1
    } else {
        ProtocolVersion::V2_0
    };
    for (asked, agreed) in [
        (ProtocolVersion::V2_1, newest),
        (ProtocolVersion::V2_0, ProtocolVersion::V2_0),
        (ProtocolVersion::V1_4, ProtocolVersion::V1_4),
        (ProtocolVersion::V1_2, ProtocolVersion::V1_2),
    ] {
        let client = client_with(
            &server,
            server.client_material(),
            VersionChoice::Negotiate(asked),
        )
        .await;
        assert_eq!(client.version(), agreed, "negotiating from {asked}");
        // The agreed version works for a real operation.
        let versions = client
            .discover_versions(Vec::new())
            .await
            .expect("discover");
        assert!(versions.contains(&agreed), "{versions:?}");
    }
}

/// Objects belong to the identity (client certificate CN) that made them: another identity
/// neither gets nor finds them. PyKMIP answers PermissionDenied for a Get, and a Locate simply
/// does not list the object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_identity_cannot_use_my_keys() {
    let server = TestServer::start(0);
    let mine = client(&server, ProtocolVersion::V1_4).await;
    let id = mine
        .create_aes_key("owned-by-kmipkit-client", 256)
        .await
        .expect("create");
    let other = client_with(
        &server,
        server.material("other_client_cert", "other_client_key"),
        VersionChoice::Pinned(ProtocolVersion::V1_4),
    )
    .await;
    // Cosmian hides another identity's objects instead: Object Not Found.
    let reason = if differs("live_client_operations::another_identity_cannot_use_my_keys") {
        ResultReason::ObjectNotFound
    } else {
        ResultReason::PermissionDenied
    };
    let message = refused(other.get(GetRequest::new(Some(id.clone()))).await, reason);
    assert!(message.is_some(), "the server explains the refusal");
    refused(other.activate(&id).await, reason);
    let destroy = if reason == ResultReason::ObjectNotFound {
        ResultReason::ItemNotFound // Cosmian's Destroy says it the 1.x way
    } else {
        reason
    };
    refused(other.destroy(&id).await, destroy);
    assert_eq!(
        other
            .locate_by_name("owned-by-kmipkit-client")
            .await
            .expect("locate"),
        Vec::<String>::new()
    );
    // The owner still has it, untouched.
    assert_eq!(
        mine.locate_by_name("owned-by-kmipkit-client")
            .await
            .expect("locate"),
        std::slice::from_ref(&id)
    );
    mine.get(GetRequest::new(Some(id)))
        .await
        .expect("owner gets");
}

/// Key bytes, passwords and private keys never show in Debug output or error messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_appear_in_debug_or_errors() {
    let server = TestServer::start(0);
    let tls = server.client_material();
    let private_key_pem = tls.client_key_pem.to_vec();
    let key_line = private_key_line(&private_key_pem);
    let extra: [&[u8]; 2] = [&private_key_pem, key_line.as_bytes()];

    let material = format!("{tls:?}");
    assert_no_secret("TlsMaterial Debug", &material, &extra);
    assert!(material.contains("redacted"), "{material}");

    let credential = Credential::UsernameAndPassword {
        username: "alice".into(),
        password: Some(PASSWORD.to_string().into()),
    };
    let shown = format!("{credential:?}");
    assert_no_secret("Credential Debug", &shown, &extra);
    assert!(shown.contains("alice"), "{shown}");

    let client = client(&server, ProtocolVersion::V2_0).await;
    assert_no_secret("Client Debug", &format!("{client:?}"), &extra);
    assert_no_secret("Client Debug", &format!("{client:#?}"), &extra);

    let object = Object::SymmetricKey(SymmetricKey::new(KeyBlock::symmetric(
        CryptographicAlgorithm::AES,
        known_key(),
    )));
    let attributes = key_attributes(
        CryptographicAlgorithm::AES,
        256,
        CryptographicUsageMask::Encrypt,
        "secret-test",
    );
    let request = RegisterRequest::new(object, attributes);
    assert_no_secret("RegisterRequest Debug", &format!("{request:?}"), &extra);
    let id = client
        .register(request)
        .await
        .expect("register")
        .unique_identifier;
    let got = client
        .get(GetRequest::new(Some(id.clone())))
        .await
        .expect("get");
    // The key really is in there; only its Debug hides it.
    let block = got.object.key_block().expect("key block");
    assert_eq!(support::client::material(block), known_key().as_slice());
    assert_no_secret("GetResponse Debug", &format!("{got:?}"), &extra);
    assert_no_secret("GetResponse Debug", &format!("{got:#?}"), &extra);
    assert!(!format!("{got:?}").contains(&hex(&known_key())));

    // Errors the server produces about this key (each checked by `refused` too).
    client.activate(&id).await.expect("activate");
    let (active, missing) =
        if differs("live_client_operations::secrets_never_appear_in_debug_or_errors") {
            (
                ResultReason::WrongKeyLifecycleState,
                ResultReason::ObjectNotFound,
            )
        } else {
            (ResultReason::PermissionDenied, ResultReason::ItemNotFound)
        };
    for message in [
        refused(client.destroy(&id).await.map(|()| "destroyed"), active),
        refused(
            client.get(GetRequest::new(Some("no-such-id".into()))).await,
            missing,
        ),
    ]
    .into_iter()
    .flatten()
    {
        assert_no_secret("server message", &message, &extra);
    }
}

/// The first base64 line of a PEM private key: any print of the key would contain it.
fn private_key_line(pem: &[u8]) -> String {
    let text = String::from_utf8_lossy(pem);
    let line = text.lines().find(|l| !l.starts_with("-----"));
    line.expect("a PEM body").to_string()
}
