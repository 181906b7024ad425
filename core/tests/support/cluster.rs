//! Clusters of independent PyKMIP servers for the cross-server lookup and failover tests.
//!
//! PyKMIP numbers objects 1, 2, 3, ... per server, so two fresh servers give the same UIDs to
//! different keys: [`fill_to`] makes that happen on purpose.

use std::sync::Arc;
use std::time::Duration;

use kmipkit::client::{Client, VersionChoice};
use kmipkit::config::ClusterSettings;
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;

use super::pykmip::{TestServer, TlsIdentity};

/// Short bounds: a killed server is refused at once, so failover is quick.
pub fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(15),
        failover_delay: Duration::from_millis(20),
        down_backoff: Duration::from_secs(1),
    }
}

/// A KMIP 1.4 client of `servers` (name, server), in that order: the first is the primary.
pub async fn cluster(servers: &[(&str, &TestServer)], settings: ClusterSettings) -> Arc<Client> {
    let endpoints = servers
        .iter()
        .map(|(name, s)| Endpoint::new(*name, "127.0.0.1", s.port(), s.client_material()))
        .collect();
    let transport = Transport::new(
        endpoints,
        timeouts(),
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport");
    let client = Client::with_transport(
        transport,
        VersionChoice::Pinned(ProtocolVersion::V1_4),
        None,
        Limits::default(),
    )
    .await
    .expect("client");
    Arc::new(client.with_cluster_settings(settings))
}

/// Creates the AES key `name` on `client`'s server with UID `uid` (an integer, as PyKMIP gives)
/// and activates it, so it can encrypt and decrypt: keys created with a lower UID are destroyed
/// (they are pre-active). Panics if the server is already past `uid`.
pub async fn fill_to(client: &Client, uid: &str, name: &str) {
    let target: u64 = uid.parse().expect("an integer UID");
    loop {
        let made = client.create_aes_key(name, 256).await.expect("create");
        let number: u64 = made.parse().expect("an integer UID");
        assert!(number <= target, "the server is past UID {uid} ({made})");
        if number == target {
            client.activate(&made).await.expect("activate");
            return;
        }
        client.destroy(&made).await.expect("destroy a filler");
    }
}
