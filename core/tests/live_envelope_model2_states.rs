//! Model 2 against live PyKMIP: encryption follows the key's versions and states, decryption
//! refuses compromised keys unless asked, the key cache follows state changes made through the
//! model and answers for one client identity only, and key names cannot collide.
#![cfg(feature = "net")]

mod support;

use std::sync::Arc;
use std::time::Duration;

use kmipkit::Error;
use kmipkit::client::{Client, VersionChoice};
use kmipkit::envelope::model1::Model1;
use kmipkit::envelope::model2::{DecryptPolicy, Model2, key_ref_of};
use kmipkit::envelope::rotation::Model2Rotation;
use kmipkit::keys::{CacheLimits, KeyCache, ManualClock};
use kmipkit::spec::{ProtocolVersion, RevocationReasonCode, State};
use support::client::{client, client_with};
use support::pykmip::{TestServer, TlsIdentity, assert_deactivated_get_refused, differs};

async fn connect(server: &TestServer) -> Arc<Client> {
    Arc::new(client(server, ProtocolVersion::V2_0).await)
}

fn cache(clock: &ManualClock) -> Arc<KeyCache> {
    let limits = CacheLimits {
        max_age: Duration::from_secs(60),
        ..CacheLimits::default()
    };
    Arc::new(KeyCache::with_clock(limits, clock.clone()))
}

fn refusal(result: kmipkit::error::Result<impl std::fmt::Debug>, what: &str) -> String {
    let err = result.expect_err(what);
    assert!(matches!(err, Error::Protocol { .. }), "{what}: {err:?}");
    err.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encryption_uses_the_primary_version_after_a_rotation() {
    let server = TestServer::start(0);
    let model = Arc::new(Model2::new(connect(&server).await, "customer:").unwrap());
    let rotation = Model2Rotation::new(model.clone());
    let old = model.encrypt("R-1", b"c", b"before").await.unwrap();
    assert_eq!(key_ref_of(&old).unwrap().version, 1);

    let v2 = rotation.add_version("R-1").await.unwrap();
    // Pre-Active: not yet used for encryption.
    let still_v1 = model.encrypt("R-1", b"c", b"x").await.unwrap();
    assert_eq!(key_ref_of(&still_v1).unwrap().version, 1);
    rotation.promote("R-1", 2).await.unwrap();
    rotation.deactivate("R-1", 1).await.unwrap();

    let new = model.encrypt("R-1", b"c", b"after").await.unwrap();
    assert_eq!(key_ref_of(&new).unwrap(), v2, "sealed under v2");
    assert_eq!(model.key_for("R-1").await.unwrap(), v2);
    // The Deactivated version still decrypts, from a fresh model too (Cosmian: declared).
    let fresh = Model2::new(connect(&server).await, "customer:").unwrap();
    if differs("live_envelope_model2_states::encryption_uses_the_primary_version_after_a_rotation")
    {
        assert_deactivated_get_refused(fresh.decrypt("R-1", &old, b"c").await);
    } else {
        assert_eq!(
            &fresh.decrypt("R-1", &old, b"c").await.unwrap()[..],
            b"before"
        );
    }
    assert_eq!(
        &fresh.decrypt("R-1", &new, b"c").await.unwrap()[..],
        b"after"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compromised_key_neither_encrypts_nor_decrypts_unless_asked() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let model = Model2::new(client.clone(), "customer:").unwrap();
    let sealed = model.encrypt("K-1", b"c", b"secret").await.unwrap();
    let key = key_ref_of(&sealed).unwrap();
    // Revoked by someone else (here: the client directly, not the model).
    client
        .revoke_for(&key.uid, RevocationReasonCode::KeyCompromise)
        .await
        .unwrap();

    let message = refusal(model.encrypt("K-1", b"c", b"more").await, "encrypt");
    assert!(
        message.contains("\"customer:K-1\"") && message.contains("Compromised"),
        "{message}"
    );
    assert!(message.contains("promote a new version"), "{message}");
    let message = refusal(model.decrypt("K-1", &sealed, b"c").await, "decrypt");
    assert!(
        message.contains("Compromised") && message.contains("allow_compromised"),
        "{message}"
    );
    // Recovery is an explicit choice.
    let plain = model
        .decrypt_with("K-1", &sealed, b"c", DecryptPolicy::allow_compromised())
        .await
        .unwrap();
    assert_eq!(&plain[..], b"secret");
    // A new version restores encryption.
    let rotation = Model2Rotation::new(Arc::new(model));
    rotation.add_version("K-1").await.unwrap();
    rotation.promote("K-1", 2).await.unwrap();
    let model = rotation.model();
    let again = model.encrypt("K-1", b"c", b"more").await.unwrap();
    assert_eq!(key_ref_of(&again).unwrap().version, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_serves_no_version_after_a_state_change_through_the_model() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let clock = ManualClock::default();
    let model = Arc::new(
        Model2::new(client.clone(), "doc:")
            .unwrap()
            .with_cache(cache(&clock)),
    );
    let rotation = Model2Rotation::new(model.clone());
    let v1_text = model.encrypt("C-1", b"c", b"one").await.unwrap();
    assert_eq!(key_ref_of(&v1_text).unwrap().version, 1);

    // Promote v2 through the rotation: the next encryption uses it, with no clock advance.
    rotation.add_version("C-1").await.unwrap();
    rotation.promote("C-1", 2).await.unwrap();
    let v2_text = model.encrypt("C-1", b"c", b"two").await.unwrap();
    assert_eq!(key_ref_of(&v2_text).unwrap().version, 2);
    // Deactivate v1: still decrypts (fetched again, its state checked).
    rotation.deactivate("C-1", 1).await.unwrap();
    if differs(
        "live_envelope_model2_states::the_cache_serves_no_version_after_a_state_change_through_the_model",
    ) {
        assert_deactivated_get_refused(model.decrypt("C-1", &v1_text, b"c").await);
    } else {
        assert_eq!(
            &model.decrypt("C-1", &v1_text, b"c").await.unwrap()[..],
            b"one"
        );
    }

    // Revoke v2 for compromise through the rotation: the cached key stops at once.
    rotation
        .revoke("C-1", 2, RevocationReasonCode::KeyCompromise)
        .await
        .unwrap();
    let message = refusal(model.decrypt("C-1", &v2_text, b"c").await, "decrypt v2");
    assert!(message.contains("Compromised"), "{message}");
    let message = refusal(model.encrypt("C-1", b"c", b"x").await, "encrypt");
    assert!(
        message.contains("version 1 is Deactivated")
            && message.contains("version 2 is Compromised"),
        "{message}"
    );
    // The opt-in reads it, and does not put the compromised key into the shared cache.
    let policy = DecryptPolicy::allow_compromised();
    model
        .decrypt_with("C-1", &v2_text, b"c", policy)
        .await
        .unwrap();
    refusal(
        model.decrypt("C-1", &v2_text, b"c").await,
        "decrypt v2 again",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_elsewhere_is_unseen_for_at_most_the_cache_max_age() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let clock = ManualClock::default();
    let model = Model2::new(client.clone(), "doc:")
        .unwrap()
        .with_cache(cache(&clock));
    let sealed = model.encrypt("E-1", b"c", b"one").await.unwrap();
    let uid = key_ref_of(&sealed).unwrap().uid;
    client
        .revoke_for(&uid, RevocationReasonCode::KeyCompromise)
        .await
        .unwrap();
    // Within the max age the cached key still serves (documented bound) ...
    model.encrypt("E-1", b"c", b"two").await.unwrap();
    // ... and not after.
    clock.advance(Duration::from_secs(61));
    refusal(model.encrypt("E-1", b"c", b"three").await, "encrypt");
    refusal(model.decrypt("E-1", &sealed, b"c").await, "decrypt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_answers_only_for_the_identity_that_filled_it() {
    let server = TestServer::start(0);
    let alice = connect(&server).await;
    let bob = Arc::new(
        client_with(
            &server,
            server.material("other_client_cert", "other_client_key"),
            VersionChoice::Pinned(ProtocolVersion::V2_0),
        )
        .await,
    );
    let clock = ManualClock::default();
    let shared = cache(&clock);
    let alices = Model2::new(alice.clone(), "doc:")
        .unwrap()
        .with_cache(shared.clone());
    let sealed = alices.encrypt("A-1", b"c", b"alice's").await.unwrap();
    assert_eq!(shared.len(), 1, "alice's key is cached");

    // On his own, Bob cannot read Alice's key (PyKMIP: objects are visible to their owner).
    let bobs = Model2::new(bob.clone(), "doc:").unwrap();
    let err = bobs.decrypt("A-1", &sealed, b"c").await.unwrap_err();
    assert!(matches!(err, Error::Server { .. }), "{err:?}");
    // Handed Alice's cache, he gets an error, not her key.
    let bobs = Model2::new(bob.clone(), "doc:")
        .unwrap()
        .with_cache(shared.clone());
    let err = bobs.decrypt("A-1", &sealed, b"c").await.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("another client identity"), "{err}");
    let err = bobs.encrypt("B-1", b"c", b"x").await.unwrap_err();
    assert!(err.to_string().contains("another client identity"), "{err}");

    // Model 1 checks the same binding: Alice's unlocked DEK is cached, Bob is refused.
    let alices = Model1::new(alice, "alice-kek", 1)
        .unwrap()
        .with_cache(shared.clone());
    alices.ensure_kek().await.unwrap();
    let (dek, protected) = alices.create_dek().await.unwrap();
    let sealed = alices
        .seal_with_dek(&dek, &protected, b"c", b"rows")
        .unwrap();
    assert_eq!(&alices.open(&sealed, b"c").await.unwrap()[..], b"rows");
    let bobs = Model1::new(bob, "alice-kek", 1).unwrap();
    let err = bobs.open(&sealed, b"c").await.unwrap_err();
    assert!(!err.to_string().contains("rows"), "{err}");
    let bobs = bobs.with_cache(shared);
    let err = bobs.open(&sealed, b"c").await.unwrap_err();
    assert!(err.to_string().contains("another client identity"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_names_cannot_collide() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    // An identifier that reads as version 2 of another.
    let bare = Model2::new(client.clone(), "").unwrap();
    bare.encrypt("Z", b"", b"z").await.unwrap();
    let err = bare.encrypt("Z/v2", b"", b"x").await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(client.locate_by_name("Z/v2").await.unwrap().is_empty());
    let versions = bare.versions("Z").await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].state, State::Active);
    // Prefixes that run into each other: `a-` + `b-c` and `a-b-` + `c` were one key.
    assert!(Model2::new(client.clone(), "a-").is_err());
    assert!(Model2::new(client.clone(), "a-b-").is_err());
    let a = Model2::new(client.clone(), "a:").unwrap();
    assert!(Model2::new(client.clone(), "a:b:").is_err());
    assert!(bare.encrypt("a:b", b"", b"x").await.is_err());
    a.encrypt("b:c", b"", b"x").await.unwrap();
    // A prefixed name is never a KEK name; an unprefixed identifier that is a KEK's name is
    // refused instead of taking the KEK's versions.
    assert!(Model1::new(client.clone(), "a:b", 1).is_err());
    Model1::new(client.clone(), "orders", 2)
        .unwrap()
        .ensure_kek()
        .await
        .unwrap();
    Model1::new(client.clone(), "orders", 1)
        .unwrap()
        .ensure_kek()
        .await
        .unwrap();
    let err = bare.encrypt("orders", b"", b"x").await.unwrap_err();
    assert!(err.to_string().contains("Model 1 KEK"), "{err}");
    assert!(client.locate_by_name("orders").await.unwrap().is_empty());
}
