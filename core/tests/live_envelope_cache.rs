//! With a key cache, Model 1 and Model 2 talk to the key manager once per cache lifetime, not
//! once per message (issue 4's "round trips per 10,000 encryptions"), against live PyKMIP.
#![cfg(feature = "net")]

mod support;

use std::sync::Arc;
use std::time::Duration;

use kmipkit::client::Client;
use kmipkit::envelope::model1::Model1;
use kmipkit::envelope::model2::Model2;
use kmipkit::keys::{CacheLimits, KeyCache, ManualClock};
use kmipkit::spec::ProtocolVersion;
use support::pykmip::TestServer;

const MESSAGES: usize = 10_000;

/// Requests the client has sent so far (each served on a new or pooled connection).
fn requests(client: &Client) -> u64 {
    client
        .cluster()
        .stats()
        .iter()
        .map(|s| s.connections_opened + s.connections_reused)
        .sum()
}

fn cache(clock: &ManualClock) -> Arc<KeyCache> {
    let limits = CacheLimits {
        max_age: Duration::from_secs(60),
        ..CacheLimits::default()
    };
    Arc::new(KeyCache::with_clock(limits, clock.clone()))
}

#[tokio::test]
async fn model2_encrypts_ten_thousand_messages_with_one_key_fetch_per_cache_lifetime() {
    let server = TestServer::start(0);
    let client = Arc::new(support::client::client(&server, ProtocolVersion::V2_0).await);
    let clock = ManualClock::default();
    let model = Model2::new(client.clone(), "cached-customer:")
        .unwrap()
        .with_cache(cache(&clock));

    // First use: find or create the key, then fetch it once.
    let first = model.encrypt("7", b"ctx", b"message 0").await.unwrap();
    let after_first = requests(&client);
    for i in 1..MESSAGES {
        let sealed = model
            .encrypt("7", b"ctx", format!("message {i}").as_bytes())
            .await
            .unwrap();
        if i % 2_500 == 0 {
            assert_eq!(
                model
                    .decrypt("7", &sealed, b"ctx")
                    .await
                    .unwrap()
                    .as_slice(),
                format!("message {i}").as_bytes()
            );
        }
    }
    assert_eq!(
        requests(&client),
        after_first,
        "no key-manager round trip while the key is cached"
    );

    // Past the cache lifetime: the current version is looked up again (its state may have
    // changed elsewhere) and fetched once, then cached again.
    clock.advance(Duration::from_secs(61));
    model.encrypt("7", b"ctx", b"later").await.unwrap();
    let after_expiry = requests(&client);
    assert!(
        after_expiry > after_first,
        "looked up again after the max age"
    );
    for _ in 1..100 {
        model.encrypt("7", b"ctx", b"later").await.unwrap();
    }
    // A fetch is two round trips: Get Attributes (the key's name, so that a server holding
    // another key under the UID is never used) and Get.
    assert_eq!(
        requests(&client),
        after_expiry,
        "one lookup and fetch per cache lifetime"
    );
    assert_eq!(
        model.decrypt("7", &first, b"ctx").await.unwrap().as_slice(),
        b"message 0"
    );
}

#[tokio::test]
async fn model1_opens_many_messages_under_one_data_key_with_one_unlock() {
    let server = TestServer::start(0);
    let client = Arc::new(support::client::client(&server, ProtocolVersion::V2_0).await);
    let clock = ManualClock::default();
    let model = Model1::new(client.clone(), "cached-kek", 1)
        .unwrap()
        .with_cache(cache(&clock));
    model.ensure_kek().await.unwrap();
    let (dek, protected) = model.create_dek().await.unwrap();
    let sealed: Vec<Vec<u8>> = (0..1_000)
        .map(|i| {
            model
                .seal_with_dek(&dek, &protected, b"ctx", format!("row {i}").as_bytes())
                .unwrap()
        })
        .collect();
    drop(dek);

    let before = requests(&client);
    for (i, ciphertext) in sealed.iter().enumerate() {
        assert_eq!(
            model.open(ciphertext, b"ctx").await.unwrap().as_slice(),
            format!("row {i}").as_bytes()
        );
    }
    assert_eq!(
        requests(&client),
        before + 2,
        "one Decrypt on the key manager for 1,000 messages (after one Get Attributes for the KEK's name)"
    );
}
