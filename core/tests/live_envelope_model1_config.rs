//! `Model1::from_config` against live PyKMIP: the KEK the CLI and the C library take from
//! `[key]` (name, version, kek_method) or from the caller, with the current version looked up
//! on the key manager when none is given, and the caller's key cache in use.
#![cfg(feature = "net")]

mod support;

use std::sync::Arc;

use kmipkit::config::KeyConfig;
use kmipkit::envelope::model1::{KekMethod, Model1};
use kmipkit::keys::{CacheLimits, KeyCache};
use kmipkit::spec::ProtocolVersion;
use support::pykmip::TestServer;

fn key(name: Option<&str>, version: Option<u32>, method: Option<KekMethod>) -> KeyConfig {
    KeyConfig {
        name: name.map(str::to_string),
        version,
        kek_method: method,
    }
}

#[tokio::test]
async fn model1_from_config_takes_name_version_and_method_from_key() {
    let server = TestServer::start(0);
    let client = Arc::new(support::client::client(&server, ProtocolVersion::V2_0).await);
    let from = |key: KeyConfig, kek: Option<&'static str>, version: Option<u32>| {
        let client = client.clone();
        async move { Model1::from_config(client, &key, kek, version, None).await }
    };

    // No name anywhere: nothing is made, for the front end to say how to name one.
    assert!(
        from(key(None, Some(2), None), None, None)
            .await
            .unwrap()
            .is_none()
    );

    // Versions 1 and 2 of the KEK, both Active: the current one is 2.
    for version in [1, 2] {
        let model = Model1::new(client.clone(), "cfg-kek", version).unwrap();
        model.ensure_kek().await.expect("create KEK version");
    }
    let current = from(key(Some("cfg-kek"), None, None), None, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((current.kek_name(), current.kek_version()), ("cfg-kek", 2));
    assert_eq!(current.kek_method(), KekMethod::Encrypt);

    // `[key] version` pins it, and `[key] kek_method` applies.
    let pinned = key(Some("cfg-kek"), Some(1), Some(KekMethod::KeyWrap));
    let model = from(pinned.clone(), None, None).await.unwrap().unwrap();
    assert_eq!(
        (model.kek_version(), model.kek_method()),
        (1, KekMethod::KeyWrap)
    );

    // A name from the caller ignores `[key] version` (it was for another KEK) but keeps the
    // method; a version from the caller wins.
    let other = key(Some("other-kek"), Some(1), Some(KekMethod::KeyWrap));
    let model = from(other, Some("cfg-kek"), None).await.unwrap().unwrap();
    assert_eq!((model.kek_name(), model.kek_version()), ("cfg-kek", 2));
    assert_eq!(model.kek_method(), KekMethod::KeyWrap);
    let model = from(pinned, None, Some(2)).await.unwrap().unwrap();
    assert_eq!(model.kek_version(), 2);

    // A malformed name is refused as Model1::new refuses it.
    let err = from(key(Some("bad:name"), Some(1), None), None, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(':'), "{err}");
}

#[tokio::test]
async fn model1_from_config_uses_the_callers_cache() {
    let server = TestServer::start(0);
    let client = Arc::new(support::client::client(&server, ProtocolVersion::V2_0).await);
    let cache = Arc::new(KeyCache::new(CacheLimits::default()));
    let key = key(Some("cached-kek"), Some(1), None);
    let model = Model1::from_config(client, &key, None, None, Some(cache.clone()))
        .await
        .unwrap()
        .unwrap();
    model.ensure_kek().await.expect("create KEK");
    let (dek, protected) = model.create_dek().await.expect("DEK");
    let ciphertext = model
        .seal_with_dek(&dek, &protected, b"ctx", b"row")
        .unwrap();
    for _ in 0..2 {
        assert_eq!(&model.open(&ciphertext, b"ctx").await.unwrap()[..], b"row");
    }
    // The second open at the latest is answered from the cache the caller gave.
    let stats = cache.stats();
    assert!(stats.hits >= 1 && stats.fetches <= 1, "{stats:?}");
}
