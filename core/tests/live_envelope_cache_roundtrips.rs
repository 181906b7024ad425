//! Key-manager round trips per 10,000 envelope encryptions with the key cache on: one per cache
//! lifetime, not one per message (issue 4, Performance).
//!
//! A live PyKMIP server holds a registered AES-256 key; every encryption takes its DEK from
//! `KeyCache::get_or_fetch`, whose fetch is a KMIP Get. Time is a `ManualClock` the test moves
//! (max_age 60 s): staying inside a lifetime costs no round trip, passing its end costs exactly one.
//! Round trips are counted three ways: fetch calls, the cache's `stats().fetches`, and the
//! requests the transport served (`connections_opened + connections_reused`).
#![cfg(feature = "net")]

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kmipkit::client::Client;
use kmipkit::envelope::format::{KeyRef, Params, open, seal};
use kmipkit::keys::{CacheLimits, KeyCache, ManualClock, SecretBytes};
use kmipkit::message::GetRequest;
use kmipkit::spec::{CryptographicAlgorithm, CryptographicUsageMask, ProtocolVersion};
use support::client::{client, known_key, material, register_key};
use support::pykmip::TestServer;

const MESSAGES: usize = 10_000;
const CONTEXT: &[u8] = b"tenant=a";

/// Requests the transport has sent to the one server.
fn requests(client: &Client) -> u64 {
    let stats = &client.cluster().stats()[0];
    stats.connections_opened + stats.connections_reused
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_encryptions_cost_one_get_per_cache_lifetime() {
    let server = TestServer::start(0);
    let client = client(&server, ProtocolVersion::V1_4).await;
    let id = register_key(
        &client,
        CryptographicAlgorithm::AES,
        &known_key(),
        CryptographicUsageMask::Encrypt,
        "envelope-cache",
    )
    .await;

    let clock = ManualClock::default();
    let limits = CacheLimits {
        max_age: Duration::from_secs(60),
        ..CacheLimits::default()
    };
    let cache = KeyCache::with_clock(limits, clock.clone());
    let fetches = AtomicU64::new(0);
    let params = Params::new(KeyRef {
        name: "envelope-cache".into(),
        version: 1,
        uid: id.clone(),
    });
    let before = requests(&client);
    let message = [0x5au8; 256];

    // (index at which the clock moves, by how much, fetches expected once it has moved)
    // t = 0 s: first fetch; 30 s: same lifetime; 61 s: expired, one more; 120 s: age 59 s, none.
    let steps = [(2_500, 30, 1), (5_000, 31, 2), (7_500, 59, 2)];
    let mut last = None;
    for index in 0..MESSAGES {
        if let Some(&(_, secs, _)) = steps.iter().find(|step| step.0 == index) {
            clock.advance(Duration::from_secs(secs));
        }
        let key = cache
            .get_or_fetch(&id, || async {
                fetches.fetch_add(1, Ordering::Relaxed);
                let got = client.get(GetRequest::new(Some(id.clone()))).await?;
                let block = got.object.key_block().expect("a symmetric key");
                Ok(SecretBytes::from(material(block)))
            })
            .await
            .expect("key");
        let dek: [u8; 32] = key.expose().try_into().expect("an AES-256 key");
        let sealed = seal(&dek, &params, CONTEXT, &message).expect("seal");
        if index % 2_500 == 0 {
            assert_eq!(dek[..], known_key()[..]);
            assert_eq!(
                &open(&sealed, &dek, CONTEXT).expect("open")[..],
                &message[..]
            );
        }
        last = Some(sealed);

        let expected = steps
            .iter()
            .rev()
            .find(|step| step.0 <= index)
            .map_or(1, |step| step.2);
        assert_eq!(
            fetches.load(Ordering::Relaxed),
            expected,
            "after encryption {index}"
        );
    }
    assert!(last.is_some());

    let fetched = fetches.load(Ordering::Relaxed);
    let served = requests(&client) - before;
    let stats = cache.stats();
    eprintln!(
        "{MESSAGES} encryptions over 2 cache lifetimes: {fetched} fetches, {served} KMIP requests, \
         cache {stats:?}"
    );
    assert_eq!(fetched, 2, "one Get per cache lifetime");
    assert_eq!(stats.fetches, 2);
    assert_eq!(stats.hits, MESSAGES as u64 - 2);
    assert_eq!(served, 2, "one KMIP round trip per fetch, none per message");
}
