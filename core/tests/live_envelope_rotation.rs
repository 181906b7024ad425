//! Key rotation against a live PyKMIP server: Model 2 in four phases, Model 1 re-wrap, a
//! key-manager failure in the middle of a bulk rotation, and dependency reports with destroy.
#![cfg(feature = "net")]

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use kmipkit::client::Client;
use kmipkit::envelope::format::{self, Header, KeyRef, Params};
use kmipkit::envelope::model1::{Model1, protected_dek_of};
use kmipkit::envelope::model2::{Model2, key_ref_of};
use kmipkit::envelope::rotation::{
    Model1Rotation, Model2Rotation, Progress, current_key_of, dependency_report, destroy_version,
    version_key_name,
};
use kmipkit::message::{GetRequest, Object};
use kmipkit::spec::{ProtocolVersion, State};
use support::client::{client, material};
use support::pykmip::{TestServer, TlsIdentity, assert_deactivated_get_refused, differs};

async fn connect(server: &TestServer) -> Arc<Client> {
    Arc::new(client(server, ProtocolVersion::V2_0).await)
}

/// A client that gives up within 3 s when the server is gone (the shared one retries for 60 s).
async fn impatient(server: &TestServer) -> Arc<Client> {
    use kmipkit::client::VersionChoice;
    use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
    use kmipkit::ttlv::Limits;
    use std::time::Duration;
    let endpoint = Endpoint::new(
        "pykmip",
        "127.0.0.1",
        server.port(),
        server.client_material(),
    );
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(3),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    };
    let transport = Transport::new(
        vec![endpoint],
        timeouts,
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport");
    let version = VersionChoice::Pinned(ProtocolVersion::V2_0);
    Arc::new(
        Client::with_transport(transport, version, None, Limits::default())
            .await
            .expect("client"),
    )
}

fn body(ciphertext: &[u8]) -> &[u8] {
    let (_, start) = Header::parse(ciphertext).expect("header");
    &ciphertext[start..]
}

/// Seals `plaintext` under `key` directly (Get of the key's bytes, which works in any state but
/// Destroyed): used to show that a Pre-Active version decrypts.
async fn seal_under(client: &Client, key: &KeyRef, context: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let got = client
        .get(GetRequest::new(Some(key.uid.clone())))
        .await
        .expect("get");
    let Object::SymmetricKey(k) = got.object else {
        panic!("not a symmetric key")
    };
    let bytes: [u8; 32] = material(&k.key_block).try_into().unwrap();
    format::seal(
        &zeroize::Zeroizing::new(bytes),
        &Params::new(key.clone()),
        context,
        plaintext,
    )
    .expect("seal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model2_rotation_in_four_phases() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let model = Arc::new(Model2::new(client.clone(), "customer:").unwrap());
    let rotation = Model2Rotation::new(model.clone());
    let (id, ctx) = ("C-1", b"table=invoices".as_slice());
    let version_of = |ct: &[u8]| key_ref_of(ct).unwrap().version;

    // Phase 1: the old key (v1) is primary: it encrypts and decrypts.
    let ct1 = model.encrypt(id, ctx, b"one").await.expect("encrypt v1");
    assert_eq!(version_of(&ct1), 1);
    assert_eq!(key_ref_of(&ct1).unwrap().name, "customer:C-1");
    assert_eq!(&model.decrypt(id, &ct1, ctx).await.unwrap()[..], b"one");
    let plain = model.encrypt(id, ctx, b"plain").await.unwrap();
    assert_eq!(version_of(&plain), 1);
    let err = rotation.promote(id, 2).await.unwrap_err();
    assert!(err.to_string().contains("has no version 2"), "{err}");

    // Phase 2: v2 added (Pre-Active): v1 still encrypts; v2 refuses to encrypt; both decrypt.
    let v2 = rotation.add_version(id).await.expect("add v2");
    assert_eq!((v2.name.as_str(), v2.version), ("customer:C-1", 2));
    assert_eq!(
        client
            .locate_by_name(&version_key_name("customer:C-1", 2))
            .await
            .unwrap(),
        vec![v2.uid.clone()]
    );
    let states: Vec<_> = rotation
        .versions(id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.key.version, v.state))
        .collect();
    assert_eq!(states, [(1, State::Active), (2, State::PreActive)]);
    let ct2a = rotation.model().encrypt(id, ctx, b"two").await.unwrap();
    assert_eq!(version_of(&ct2a), 1);
    let v2_made = seal_under(&client, &v2, ctx, b"pre-active").await;
    assert_eq!(
        &model.decrypt(id, &v2_made, ctx).await.unwrap()[..],
        b"pre-active"
    );
    assert_eq!(&model.decrypt(id, &ct1, ctx).await.unwrap()[..], b"one");
    assert_eq!(&model.decrypt(id, &ct2a, ctx).await.unwrap()[..], b"two");

    // Phase 3: v2 primary: new data under v2; v1 is still Active (another process not yet
    // aware of v2 may still seal under it); both decrypt.
    rotation.promote(id, 2).await.expect("promote");
    let ct3 = model.encrypt(id, ctx, b"three").await.unwrap();
    assert_eq!(version_of(&ct3), 2);
    assert_eq!(model.key_for(id).await.unwrap(), v2);
    let v1 = key_ref_of(&ct1).unwrap();
    let ct3_old = seal_under(&client, &v1, ctx, b"old").await;
    assert_eq!(version_of(&ct3_old), 1);
    for (ct, text) in [
        (&ct1, &b"one"[..]),
        (&ct2a, b"two"),
        (&ct3, b"three"),
        (&ct3_old, b"old"),
        (&v2_made, b"pre-active"),
    ] {
        assert_eq!(&model.decrypt(id, ct, ctx).await.unwrap()[..], text);
    }

    // Phase 4: v1 deactivated: it cannot encrypt any more; v2 encrypts; old ciphertexts decrypt.
    rotation.deactivate(id, 1).await.expect("deactivate v1");
    let states: Vec<_> = rotation
        .versions(id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.key.version, v.state))
        .collect();
    assert_eq!(states, [(1, State::Deactivated), (2, State::Active)]);
    let ct4 = model.encrypt(id, ctx, b"four").await.unwrap();
    assert_eq!(version_of(&ct4), 2);
    let deactivated_refused = differs("live_envelope_rotation::model2_rotation_in_four_phases");
    for (ct, text) in [
        (&ct1, &b"one"[..]),
        (&plain, b"plain"),
        (&ct2a, b"two"),
        (&ct3, b"three"),
        (&ct3_old, b"old"),
        (&ct4, b"four"),
    ] {
        if deactivated_refused && version_of(ct) == 1 {
            assert_deactivated_get_refused(model.decrypt(id, ct, ctx).await);
            continue;
        }
        assert_eq!(&model.decrypt(id, ct, ctx).await.unwrap()[..], text);
    }
    // The only Active version cannot be deactivated.
    let err = rotation.deactivate(id, 2).await.unwrap_err();
    assert!(err.to_string().contains("only Active"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model1_rewrap_keeps_the_body_and_old_ciphertexts_decrypt() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let v1 = Model1::new(client.clone(), "orders-kek", 1).unwrap();
    let kek1 = v1.ensure_kek().await.unwrap();
    let (dek, protected) = v1.create_dek().await.unwrap();
    let ctx = b"table=orders";
    let plaintext = b"row".repeat(50_000);
    let old = v1.seal_with_dek(&dek, &protected, ctx, &plaintext).unwrap();
    drop(dek);

    let v2 = Model1::new(client.clone(), "orders-kek", 2).unwrap();
    let kek2 = v2.ensure_kek().await.unwrap();
    assert_ne!(kek1.uid, kek2.uid);
    let mut rotation = Model1Rotation::new(v2.clone());
    assert!(!rotation.is_current(&old).unwrap());
    let new = rotation.rewrap(&old).await.expect("rewrap");
    assert!(rotation.is_current(&new).unwrap());
    assert_eq!(body(&new), body(&old), "the body must not change");
    assert_ne!(new, old);
    assert_eq!(protected_dek_of(&new).unwrap().kek, kek2);
    // The header's key reference is bound into the key schedule: it keeps the original KEK.
    assert_eq!(key_ref_of(&new).unwrap(), kek1);
    assert_eq!(current_key_of(&new).unwrap(), kek2);
    assert_eq!(current_key_of(&old).unwrap(), kek1);
    // Re-wrapping a current ciphertext changes nothing.
    assert_eq!(rotation.rewrap(&new).await.unwrap(), new);

    // Both forms decrypt, through either model version.
    for model in [&v1, &v2] {
        assert_eq!(&model.open(&old, ctx).await.unwrap()[..], &plaintext[..]);
        assert_eq!(&model.open(&new, ctx).await.unwrap()[..], &plaintext[..]);
    }
}

/// Issue 18 item 5: with no version given, new DEKs go under the current KEK version (the highest
/// Active one) after a rotation, not version 1; a staged (Pre-Active) or retired (Deactivated)
/// higher version does not take over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model1_current_version_follows_rotation() {
    use kmipkit::envelope::model1::{current_of, kek_key_name, kek_versions};
    use kmipkit::spec::RevocationReasonCode;

    let server = TestServer::start(0);
    let client = connect(&server).await;
    // No KEK yet: version 1, which ensure_kek creates.
    assert!(kek_versions(&client, "app-kek").await.unwrap().is_empty());
    let first = Model1::current(client.clone(), "app-kek").await.unwrap();
    assert_eq!(first.kek_version(), 1);
    let kek1 = first.ensure_kek().await.unwrap();

    // Rotate: version 2 is made and activated.
    let kek2 = Model1::new(client.clone(), "app-kek", 2)
        .unwrap()
        .ensure_kek()
        .await
        .unwrap();
    let current = Model1::current(client.clone(), "app-kek").await.unwrap();
    assert_eq!(current.kek_version(), 2);
    let (dek, protected) = current.create_dek().await.unwrap();
    assert_eq!(
        protected.kek, kek2,
        "a new DEK goes under the newest version"
    );
    let sealed = current
        .seal_with_dek(&dek, &protected, b"x=1", b"after rotate")
        .unwrap();
    assert_eq!(current_key_of(&sealed).unwrap(), kek2);
    // Any version of the KEK opens it; the old version's DEKs still unlock.
    assert_eq!(
        &first.open(&sealed, b"x=1").await.unwrap()[..],
        b"after rotate"
    );

    // A staged version 3 (Pre-Active) is listed but does not encrypt yet.
    let staged = client
        .create_aes_key(&kek_key_name("app-kek", 3), 256)
        .await
        .unwrap();
    let versions = kek_versions(&client, "app-kek").await.unwrap();
    let listed: Vec<_> = versions.iter().map(|v| (v.key.version, v.state)).collect();
    assert_eq!(
        listed,
        [
            (1, State::Active),
            (2, State::Active),
            (3, State::PreActive)
        ]
    );
    assert_eq!(current_of(&versions).unwrap().key, kek2);
    let still = Model1::current(client.clone(), "app-kek").await.unwrap();
    assert_eq!(still.kek_version(), 2);
    // Once activated it takes over.
    client.activate(&staged).await.unwrap();
    assert_eq!(
        Model1::current(client.clone(), "app-kek")
            .await
            .unwrap()
            .kek_version(),
        3
    );
    // Retired versions are skipped: with 3 and 2 deactivated, version 1 is current again.
    for uid in [&staged, &kek2.uid] {
        client
            .revoke_for(uid, RevocationReasonCode::CessationOfOperation)
            .await
            .unwrap();
    }
    assert_eq!(
        Model1::current(client.clone(), "app-kek")
            .await
            .unwrap()
            .kek_version(),
        1
    );
    // None Active: an error naming the states, not a silent choice.
    client
        .revoke_for(&kek1.uid, RevocationReasonCode::CessationOfOperation)
        .await
        .unwrap();
    let err = Model1::current(client.clone(), "app-kek")
        .await
        .expect_err("no Active version");
    assert!(
        err.to_string()
            .contains("no version of KEK \"app-kek\" is Active")
            && err.to_string().contains("v3 Deactivated"),
        "{err}"
    );
}

/// Twelve items under three DEKs (four items each), KEK version 1.
async fn model1_items(model: &Model1) -> BTreeMap<u32, Vec<u8>> {
    let mut items = BTreeMap::new();
    for dek_no in 0..3u32 {
        let (dek, protected) = model.create_dek().await.unwrap();
        for n in 0..4u32 {
            let item = dek_no * 4 + n;
            let ct = model
                .seal_with_dek(&dek, &protected, b"ctx", format!("item {item}").as_bytes())
                .unwrap();
            items.insert(item, ct);
        }
    }
    items
}

async fn check_all_decrypt(model: &Model1, store: &BTreeMap<u32, Vec<u8>>) -> (usize, usize) {
    let (mut old, mut new) = (0, 0);
    for (item, ct) in store {
        let text = model.open(ct, b"ctx").await.expect("every item decrypts");
        assert_eq!(&text[..], format!("item {item}").as_bytes());
        match current_key_of(ct).unwrap().version {
            1 => old += 1,
            2 => new += 1,
            v => panic!("version {v}"),
        }
    }
    (old, new)
}

/// Re-wraps every item of `store` in place, the way a caller's storage loop would.
async fn rewrap_store(
    rotation: &mut Model1Rotation,
    store: &mut BTreeMap<u32, Vec<u8>>,
) -> kmipkit::error::Result<Progress> {
    let snapshot = store.clone();
    rotation
        .rewrap_all(
            snapshot.iter().map(|(k, v)| (*k, v.clone())),
            |item, new| {
                store.insert(*item, new);
                Ok(())
            },
            |_| {},
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_rewrap_survives_a_key_manager_failure_and_a_rerun_finishes() {
    let mut server = TestServer::start(0);
    let client = impatient(&server).await;
    let v1 = Model1::new(client.clone(), "bulk-kek", 1).unwrap();
    v1.ensure_kek().await.unwrap();
    let mut store = model1_items(&v1).await;
    let v2 = Model1::new(client.clone(), "bulk-kek", 2).unwrap();
    v2.ensure_kek().await.unwrap();

    // A run without failure on a copy shows the batching: one unlock + one protect per DEK.
    {
        let mut copy = store.clone();
        let mut rotation = Model1Rotation::new(v2.clone());
        let done = rewrap_store(&mut rotation, &mut copy).await.unwrap();
        assert_eq!((done.processed, done.rotated), (12, 12));
        // Per DEK: Decrypt, Locate (of the KEK), Encrypt.
        assert_eq!(done.key_manager_calls, 3 * 3);
    }

    // The server dies after item 5 is stored (the second DEK is half done).
    let mut rotation = Model1Rotation::new(v2.clone());
    let snapshot = store.clone();
    let mut seen = Vec::new();
    let result = rotation
        .rewrap_all(
            snapshot.iter().map(|(k, v)| (*k, v.clone())),
            |item, new| {
                // Write the new form before the old is dropped: a map insert replaces it.
                store.insert(*item, new);
                Ok(())
            },
            |p: &Progress| {
                seen.push(p.clone());
                if p.processed == 6 {
                    server.kill();
                }
            },
        )
        .await;
    let err = result.expect_err("the key manager is gone");
    let shown = err.to_string();
    eprintln!("failure mid-way: {}", &shown[..shown.len().min(200)]);
    assert_eq!(seen.len(), 8, "items 6 and 7 share the cached second DEK");
    assert_eq!(seen.last().unwrap().rotated, 8);
    drop(rotation);
    drop(v1);
    drop(v2);
    drop(client);

    server.restart();
    let client = impatient(&server).await;
    let v1 = Model1::new(client.clone(), "bulk-kek", 1).unwrap();
    let v2 = Model1::new(client.clone(), "bulk-kek", 2).unwrap();
    // Nothing lost: every item decrypts, in its old or its new form.
    assert_eq!(check_all_decrypt(&v1, &store).await, (4, 8));

    // KEK version 1 is still needed by the four items not yet re-wrapped.
    let report = dependency_report(store.iter().map(|(k, c)| (*k, c.clone())));
    assert_eq!(report.dependents("bulk-kek", 1), [&8, &9, &10, &11]);
    let kek1 = v1.kek().await.unwrap();
    let err = destroy_version(&client, &report, &kek1).await.unwrap_err();
    assert!(err.to_string().contains("still needed by 4"), "{err}");

    // The re-run skips the items already rotated and finishes.
    let mut rotation = Model1Rotation::new(v2.clone());
    let done = rewrap_store(&mut rotation, &mut store)
        .await
        .expect("re-run");
    assert_eq!(
        (done.processed, done.rotated, done.already_current),
        (12, 4, 8)
    );
    assert_eq!(done.key_manager_calls, 3);
    assert_eq!(check_all_decrypt(&v2, &store).await, (0, 12));

    // Nothing depends on KEK version 1 any more: it can be destroyed; everything still decrypts.
    let kek1 = v1.kek().await.unwrap();
    let kek2 = v2.kek().await.unwrap();
    let report = dependency_report(store.iter().map(|(k, c)| (*k, c.clone())));
    assert!(report.dependents("bulk-kek", 1).is_empty());
    assert_eq!(report.dependents("bulk-kek", 2).len(), 12);
    let err = destroy_version(&client, &report, &kek2).await.unwrap_err();
    assert!(err.to_string().contains("still needed by 12"), "{err}");
    destroy_version(&client, &report, &kek1)
        .await
        .expect("destroy KEK v1");
    let err = v1.kek().await.unwrap_err();
    assert!(err.to_string().contains("has no KEK named"), "{err}");
    assert_eq!(check_all_decrypt(&v2, &store).await, (0, 12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dependency_report_guards_destroy() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let model = Arc::new(Model2::new(client.clone(), "doc:").unwrap());
    let rotation = Model2Rotation::new(model.clone());
    let id = "D-9";
    let mut store: BTreeMap<u32, (Vec<u8>, Vec<u8>)> = BTreeMap::new();
    for n in 0..6u32 {
        let ctx = format!("part={n}").into_bytes();
        let ct = model
            .encrypt(id, &ctx, format!("part {n}").as_bytes())
            .await
            .unwrap();
        store.insert(n, (ctx, ct));
    }
    let v1 = model.key_for(id).await.unwrap();
    let v2 = rotation.add_version(id).await.unwrap();
    rotation.promote(id, 2).await.unwrap();
    rotation.deactivate(id, 1).await.unwrap();

    // Re-encrypt the first half only.
    let first: Vec<_> = store
        .iter()
        .take(3)
        .map(|(k, (x, c))| (*k, x.clone(), c.clone()))
        .collect();
    let mut progress = Vec::new();
    if differs("live_envelope_rotation::dependency_report_guards_destroy") {
        // Re-encryption reads v1's data: Cosmian refuses the Get of the Deactivated v1.
        let refused = rotation
            .reencrypt_all(id, first, |_, _| Ok(()), |p| progress.push(p.processed))
            .await;
        assert_deactivated_get_refused(refused);
        assert!(progress.is_empty(), "{progress:?}");
        let report = dependency_report(store.iter().map(|(k, (_, c))| (*k, c.clone())));
        assert_eq!(report.dependents("doc:D-9", 1).len(), 6);
        let err = destroy_version(&client, &report, &v1).await.unwrap_err();
        assert!(err.to_string().contains("still needed by 6"), "{err}");
        let _ = v2;
        return;
    }
    let done = rotation
        .reencrypt_all(
            id,
            first,
            |item, new| {
                store.get_mut(item).unwrap().1 = new;
                Ok(())
            },
            |p| progress.push(p.processed),
        )
        .await
        .unwrap();
    assert_eq!(progress, [1, 2, 3]);
    // One lookup of the primary and a Get of its key; a State lookup and a Get for v1.
    assert_eq!((done.rotated, done.key_manager_calls), (3, 4));

    let report = dependency_report(store.iter().map(|(k, (_, c))| (*k, c.clone())));
    assert_eq!(report.dependents("doc:D-9", 1), [&3, &4, &5]);
    assert_eq!(report.dependents("doc:D-9", 2), [&0, &1, &2]);
    assert!(report.unreadable.is_empty());
    let err = destroy_version(&client, &report, &v1).await.unwrap_err();
    assert!(err.to_string().contains("still needed by 3"), "{err}");
    // An unreadable item also blocks it.
    let partial = dependency_report([(99u32, b"garbage".to_vec())]);
    let err = destroy_version(&client, &partial, &v1).await.unwrap_err();
    assert!(err.to_string().contains("unreadable headers"), "{err}");
    assert_eq!(rotation.versions(id).await.unwrap().len(), 2);

    // Finish (items already under v2 are skipped), then the destroy works.
    let all: Vec<_> = store
        .iter()
        .map(|(k, (x, c))| (*k, x.clone(), c.clone()))
        .collect();
    let done = rotation
        .reencrypt_all(
            id,
            all,
            |item, new| {
                store.get_mut(item).unwrap().1 = new;
                Ok(())
            },
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!((done.rotated, done.already_current), (3, 3));
    let report = dependency_report(store.iter().map(|(k, (_, c))| (*k, c.clone())));
    assert!(report.dependents("doc:D-9", 1).is_empty());
    assert_eq!(report.dependents("doc:D-9", 2).len(), 6);
    destroy_version(&client, &report, &v1)
        .await
        .expect("destroy v1");
    let left: Vec<_> = rotation
        .versions(id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.key)
        .collect();
    assert_eq!(left, std::slice::from_ref(&v2));
    assert_eq!(model.key_for(id).await.unwrap(), v2);
    for (n, (ctx, ct)) in &store {
        assert_eq!(
            &model.decrypt(id, ct, ctx).await.unwrap()[..],
            format!("part {n}").as_bytes()
        );
    }
    // New data still goes to v2 (no new version 1 is created after v1's destruction).
    let ct = model.encrypt(id, b"c", b"later").await.unwrap();
    assert_eq!(key_ref_of(&ct).unwrap(), v2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model2_bulk_reencrypt_interrupted_by_the_sink_then_finished() {
    let server = TestServer::start(0);
    let client = connect(&server).await;
    let model = Arc::new(Model2::new(client.clone(), "user:").unwrap());
    let rotation = Model2Rotation::new(model.clone());
    let id = "U-5";
    let mut store: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    for n in 0..6u32 {
        let ct = model
            .encrypt(id, b"ctx", format!("doc {n}").as_bytes())
            .await
            .unwrap();
        store.insert(n, ct);
    }
    rotation.add_version(id).await.unwrap();
    rotation.promote(id, 2).await.unwrap();

    // The caller's storage fails on the fourth item: the run stops there.
    let items: Vec<_> = store
        .iter()
        .map(|(k, c)| (*k, b"ctx".to_vec(), c.clone()))
        .collect();
    let err = rotation
        .reencrypt_all(
            id,
            items,
            |item, new| {
                if *item == 3 {
                    return Err(kmipkit::Error::Protocol {
                        reason: "storage unavailable".into(),
                    });
                }
                store.insert(*item, new);
                Ok(())
            },
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("storage unavailable"), "{err}");
    let versions: Vec<u32> = store
        .values()
        .map(|c| key_ref_of(c).unwrap().version)
        .collect();
    assert_eq!(versions, [2, 2, 2, 1, 1, 1]);
    for (n, ct) in &store {
        assert_eq!(
            &model.decrypt(id, ct, b"ctx").await.unwrap()[..],
            format!("doc {n}").as_bytes()
        );
    }

    // An identifier without a key is refused, and no key is made for it.
    let none: Vec<(u32, Vec<u8>, Vec<u8>)> = Vec::new();
    let err = rotation
        .reencrypt_all("U-typo", none, |_, _| Ok(()), |_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no key exists for \"U-typo\""),
        "{err}"
    );
    assert!(model.find_key("U-typo").await.unwrap().is_none());

    // The re-run finishes.
    let items: Vec<_> = store
        .iter()
        .map(|(k, c)| (*k, b"ctx".to_vec(), c.clone()))
        .collect();
    let done = rotation
        .reencrypt_all(
            id,
            items,
            |item, new| {
                store.insert(*item, new);
                Ok(())
            },
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!((done.rotated, done.already_current), (3, 3));
    for (n, ct) in &store {
        assert_eq!(key_ref_of(ct).unwrap().version, 2);
        assert_eq!(
            &model.decrypt(id, ct, b"ctx").await.unwrap()[..],
            format!("doc {n}").as_bytes()
        );
    }
}
