//! The cap on open connections per server, against a real PyKMIP server (conformance/pykmip):
//! many requests at once share a few connections and none fails. (The wait's order and its
//! deadline are tested on the slots themselves, in `transport/pool.rs`.)
#![cfg(feature = "net")]

mod support;

use std::time::Duration;

use kmipkit::message::{DiscoverVersionsRequest, RequestBatchItem, RequestMessage};
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{Endpoint, PoolSettings, Retry, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use support::pykmip::{TestServer, TlsIdentity};

fn discover_versions() -> Vec<u8> {
    let item = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
    RequestMessage::new(ProtocolVersion::V1_4, vec![item]).to_bytes()
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(30),
        deadline: Duration::from_secs(60),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_open_more_than_the_cap() {
    let server = TestServer::start(0);
    for (cap, requests) in [
        (3, 60),
        (PoolSettings::default().max_connections_per_server, 200),
    ] {
        let pool = PoolSettings {
            max_connections_per_server: cap,
            ..PoolSettings::default()
        };
        let transport = Transport::new(
            vec![Endpoint::new(
                "kms",
                "127.0.0.1",
                server.port(),
                server.client_material(),
            )],
            timeouts(),
            pool,
            Limits::default(),
        )
        .expect("transport");
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..requests {
            let transport = transport.clone();
            tasks.spawn(async move { transport.send(&discover_versions(), Retry::Any).await });
        }
        let mut answered = 0;
        while let Some(done) = tasks.join_next().await {
            let reply = done.expect("task").expect("every request is answered");
            assert!(reply.failed_attempts.is_empty(), "{reply:?}");
            answered += 1;
        }
        assert_eq!(answered, requests);
        let stats = &transport.stats()[0];
        assert!(stats.open_peak <= cap, "cap {cap}: {stats:?}");
        // A connection freed while others wait is handed on, not closed and reopened.
        assert!(
            stats.connections_opened <= cap as u64,
            "cap {cap}: {stats:?}"
        );
        assert_eq!(
            stats.connections_opened + stats.connections_reused,
            requests as u64,
            "{stats:?}"
        );
    }
}
