//! Keys across servers that do not share keys (issue 11 items 2 and 3, issue 18 item 4), against
//! two real PyKMIP servers whose Unique Identifiers collide: UID n is one key on dc1 and another
//! on dc2. A ciphertext's key is the object with the UID *and* the name its header records, found
//! on whichever server holds it; a server that holds another key under that UID is passed over,
//! never reported as tampering.
#![cfg(feature = "net")]

mod support;

use kmipkit::client::Client;
use kmipkit::config::ClusterSettings;
use kmipkit::envelope::model1::Model1;
use kmipkit::envelope::model2::{Model2, key_ref_of};
use kmipkit::keys::{CacheLimits, KeyCache};
use kmipkit::spec::{ResultReason, RevocationReasonCode};
use kmipkit::{Error, ErrorKind};
use support::cluster::{cluster, fill_to};
use support::pykmip::TestServer;

const CONTEXT: &[u8] = b"table=invoices";

async fn alone(name: &str, server: &TestServer) -> std::sync::Arc<Client> {
    cluster(&[(name, server)], ClusterSettings::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_found_by_uid_and_name_on_the_server_that_holds_them() {
    if support::pykmip::excluded(
        "live_cluster_lookup::keys_are_found_by_uid_and_name_on_the_server_that_holds_them",
    ) {
        return;
    }
    let dc1 = TestServer::start(0);
    let dc2 = TestServer::start(0);
    let on_dc1 = alone("dc1", &dc1).await;
    let on_dc2 = alone("dc2", &dc2).await;
    let both = cluster(&[("dc1", &dc1), ("dc2", &dc2)], ClusterSettings::default()).await;

    // Model 2: alice's key lives on dc2; dc1 gives the same UID to bob's key.
    let sealed = Model2::new(on_dc2.clone(), "customer:")
        .unwrap()
        .encrypt("alice", CONTEXT, b"alice's invoice")
        .await
        .unwrap();
    let alice = key_ref_of(&sealed).unwrap();
    fill_to(&on_dc1, &alice.uid, "bob-key").await;

    let holder = both.find_named(&alice.uid, "customer:alice").await.unwrap();
    assert_eq!(holder.server, "dc2");
    assert_eq!(
        holder.detour().unwrap(),
        format!(
            "key {} on dc1 is `bob-key`, not `customer:alice`; found on dc2",
            alice.uid
        )
    );
    let model = Model2::new(both.clone(), "customer:").unwrap();
    let opened = model
        .decrypt("alice", &sealed, CONTEXT)
        .await
        .expect("alice's ciphertext opens through the cluster");
    assert_eq!(&opened[..], b"alice's invoice");

    // Model 1: the KEK lives on dc2; dc1 gives its UID to another active key.
    let kek_on_dc2 = Model1::new(on_dc2.clone(), "app-kek", 1).unwrap();
    let kek = kek_on_dc2.ensure_kek().await.unwrap();
    let (dek, protected) = kek_on_dc2.create_dek().await.unwrap();
    let sealed = kek_on_dc2
        .seal_with_dek(&dek, &protected, CONTEXT, b"row 1")
        .unwrap();
    fill_to(&on_dc1, &kek.uid, "mallory-kek/v1").await;
    let opened = Model1::new(both.clone(), "app-kek", 1)
        .unwrap()
        .open(&sealed, CONTEXT)
        .await
        .expect("the Model 1 ciphertext opens through the cluster");
    assert_eq!(&opened[..], b"row 1");
    // New DEKs are protected on the server that holds the KEK by that name, not under dc1's
    // key of the same UID: dc2 alone opens what the cluster seals.
    let cluster_kek = Model1::new(both.clone(), "app-kek", 1).unwrap();
    let (dek, protected) = cluster_kek.create_dek().await.unwrap();
    assert_eq!(protected.kek.uid, kek.uid);
    let sealed = cluster_kek
        .seal_with_dek(&dek, &protected, CONTEXT, b"row 2")
        .unwrap();
    let opened = kek_on_dc2.open(&sealed, CONTEXT).await.unwrap();
    assert_eq!(&opened[..], b"row 2");

    // Carol's key is gone from dc2 and her UID is eve's on dc1: not found, naming both servers,
    // and not an integrity failure.
    let sealed = Model2::new(on_dc2.clone(), "customer:")
        .unwrap()
        .encrypt("carol", CONTEXT, b"carol's invoice")
        .await
        .unwrap();
    let carol = key_ref_of(&sealed).unwrap();
    fill_to(&on_dc1, &carol.uid, "eve-key").await;
    on_dc2
        .revoke_for(&carol.uid, RevocationReasonCode::CessationOfOperation)
        .await
        .unwrap();
    on_dc2.destroy(&carol.uid).await.unwrap();
    let err = model.decrypt("carol", &sealed, CONTEXT).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server, "{err}");
    assert!(
        matches!(
            err,
            Error::Server {
                reason: ResultReason::ItemNotFound,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "key {} on dc1 is `eve-key`, not `customer:carol`",
            carol.uid
        )) && text.contains(&format!("dc2 has no object {}", carol.uid)),
        "{text}"
    );
}

/// One cache over a cluster whose servers give one UID to two identifiers' keys: each identifier
/// still gets its own key from the cache (entries are told apart by name, not by UID alone).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_over_the_cluster_keeps_keys_of_one_uid_apart() {
    if support::pykmip::excluded(
        "live_cluster_lookup::a_cache_over_the_cluster_keeps_keys_of_one_uid_apart",
    ) {
        return;
    }
    let dc1 = TestServer::start(0);
    let dc2 = TestServer::start(0);
    let on_dc1 = alone("dc1", &dc1).await;
    let on_dc2 = alone("dc2", &dc2).await;
    let both = cluster(&[("dc1", &dc1), ("dc2", &dc2)], ClusterSettings::default()).await;

    let alice = Model2::new(on_dc2.clone(), "customer:")
        .unwrap()
        .encrypt("alice", CONTEXT, b"alice's invoice")
        .await
        .unwrap();
    let uid = key_ref_of(&alice).unwrap().uid;
    fill_to(&on_dc1, &uid, "customer:bob").await;
    let bob = Model2::new(on_dc1.clone(), "customer:")
        .unwrap()
        .encrypt("bob", CONTEXT, b"bob's invoice")
        .await
        .unwrap();
    assert_eq!(key_ref_of(&bob).unwrap().uid, uid, "the UIDs collide");

    let cache = std::sync::Arc::new(KeyCache::new(CacheLimits::default()));
    let model = Model2::new(both.clone(), "customer:")
        .unwrap()
        .with_cache(cache.clone());
    let opened = model.decrypt("alice", &alice, CONTEXT).await.unwrap();
    assert_eq!(&opened[..], b"alice's invoice");
    let opened = model
        .decrypt("bob", &bob, CONTEXT)
        .await
        .expect("bob's key, not alice's cached under the same UID");
    assert_eq!(&opened[..], b"bob's invoice");
    assert_eq!(cache.len(), 2);
}
