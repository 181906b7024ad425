//! The whole client over a host transport: the "embedder" here forwards each request to a real
//! PyKMIP server over its own TLS connection (one `Transport` per server, no failover of its
//! own), so negotiation, failover, failover-safe creates, Model 1, Model 2 and rotation all run
//! in the core above `HostLink` exactly as a C or JavaScript host would drive them.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use kmipkit::client::{Client, Options, VersionChoice};
use kmipkit::envelope::model1::Model1;
use kmipkit::envelope::model2::Model2;
use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation};
use kmipkit::message::GetRequest;
use kmipkit::platform::{BoxFuture, Platform};
use kmipkit::spec::{Operation, ProtocolVersion};
use kmipkit::transport::{Cluster, Endpoint, HostLink, Peer, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use support::pykmip::{TestServer, TlsIdentity, differs};

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(20),
        failover_delay: Duration::from_millis(20),
        down_backoff: Duration::from_secs(30),
    }
}

/// The host's own connection to one server.
fn socket_of(name: &str, server: &TestServer) -> Transport {
    let endpoint = Endpoint::new(name, "127.0.0.1", server.port(), server.client_material());
    Transport::new(
        vec![endpoint],
        timeouts(),
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport")
}

/// What the host does with one request; `cut` may turn a delivered request into a lost one.
type Cut = Arc<dyn Fn(usize, &[u8]) -> bool + Send + Sync>;

/// A host link over one connection per server: `send(i, bytes)` writes to server i and reads
/// its reply. When `cut(i, request)` says so, the reply is thrown away after the server acted
/// and the host reports the connection lost after sending.
fn host_link(servers: &[(&str, &TestServer)], cut: Cut) -> HostLink {
    let sockets: Arc<Vec<(String, Transport)>> = Arc::new(
        servers
            .iter()
            .map(|(name, server)| (name.to_string(), socket_of(name, server)))
            .collect(),
    );
    let peers = servers
        .iter()
        .map(|(name, server)| Peer {
            name: name.to_string(),
            host: "127.0.0.1".into(),
            port: server.port(),
            client_identity: None,
        })
        .collect();
    HostLink::new(
        peers,
        b"test CA and client certificate",
        Box::new(move |i, request, _left| -> BoxFuture<'static, _> {
            let sockets = sockets.clone();
            let cut = cut.clone();
            Box::pin(async move {
                let (name, socket) = &sockets[i];
                let reply = socket.send_to(name, &request).await?;
                if cut(i, &request) {
                    return Err(HostLink::lost(name, true, "the host's connection dropped"));
                }
                Ok(reply.bytes.to_vec())
            })
        }),
        Box::new(|pause| Box::pin(tokio::time::sleep(pause))),
    )
    .expect("host link")
}

async fn client_over(link: HostLink, version: VersionChoice) -> Arc<Client> {
    let platform = Platform::native();
    let cluster = Cluster::new(Arc::new(link), timeouts(), platform.clock.clone()).unwrap();
    let options = Options {
        version,
        ..Options::default()
    };
    Arc::new(
        Client::over(cluster, platform, options)
            .await
            .expect("client"),
    )
}

fn never() -> Cut {
    Arc::new(|_, _| false)
}

#[tokio::test]
async fn operations_models_and_rotation_run_over_a_host_transport() {
    let server = TestServer::start(0);
    let link = host_link(&[("pykmip", &server)], never());
    // Negotiated through the host: PyKMIP 0.11 speaks at most 2.0, Cosmian 2.1.
    let client = client_over(link, VersionChoice::Negotiate(ProtocolVersion::V2_1)).await;
    let newest =
        if differs("live_host_link::operations_models_and_rotation_run_over_a_host_transport") {
            ProtocolVersion::V2_1
        } else {
            ProtocolVersion::V2_0
        };
    assert_eq!(client.version(), newest);

    let id = client.create_aes_key("host-key", 256).await.unwrap();
    client.activate(&id).await.unwrap();
    let got = client.get(GetRequest::new(Some(id.clone()))).await.unwrap();
    assert_eq!(got.unique_identifier, id);
    assert_eq!(client.locate_by_name("host-key").await.unwrap(), [id]);

    // Model 1: a KEK on the server, DEKs protected by server-side Encrypt.
    let model1 = Model1::new(client.clone(), "host-kek", 1).unwrap();
    model1.ensure_kek().await.unwrap();
    let (dek, protected) = model1.create_dek().await.unwrap();
    let sealed = model1
        .seal_with_dek(&dek, &protected, b"table=orders", b"card 4111")
        .unwrap();
    assert_eq!(
        &model1.open(&sealed, b"table=orders").await.unwrap()[..],
        b"card 4111"
    );
    assert!(model1.open(&sealed, b"table=other").await.is_err());

    // Model 1 rotation: re-wrapped under version 2, readable by both.
    let model1_v2 = Model1::new(client.clone(), "host-kek", 2).unwrap();
    model1_v2.ensure_kek().await.unwrap();
    let rewrapped = Model1Rotation::new(model1_v2.clone())
        .rewrap(&sealed)
        .await
        .unwrap();
    assert_eq!(
        &model1_v2.open(&rewrapped, b"table=orders").await.unwrap()[..],
        b"card 4111"
    );

    // Model 2: a key per identifier, created on first use; rotation keeps old data readable.
    let model2 = Arc::new(Model2::new(client.clone(), "customer:").unwrap());
    let old = model2.encrypt("c-17", b"", b"email").await.unwrap();
    let rotation = Model2Rotation::new(model2.clone());
    rotation.add_version("c-17").await.unwrap();
    rotation.promote("c-17", 2).await.unwrap();
    let new = model2.encrypt("c-17", b"", b"email 2").await.unwrap();
    assert_eq!(
        &model2.decrypt("c-17", &old, b"").await.unwrap()[..],
        b"email"
    );
    assert_eq!(
        &model2.decrypt("c-17", &new, b"").await.unwrap()[..],
        b"email 2"
    );
}

#[tokio::test]
async fn a_create_whose_reply_the_host_lost_is_found_not_made_twice() {
    let server = TestServer::start(0);
    let lost_once = Arc::new(AtomicUsize::new(0));
    let counter = lost_once.clone();
    // The first Create reaches the server, which makes the key; the host then loses the reply.
    let cut: Cut = Arc::new(move |_, request| {
        is_create(request) && counter.fetch_add(1, Ordering::SeqCst) == 0
    });
    let link = host_link(&[("pykmip", &server)], cut);
    let client = client_over(link, VersionChoice::Pinned(ProtocolVersion::V1_4)).await;
    let id = client.create_aes_key("made-once", 256).await.unwrap();
    assert_eq!(lost_once.load(Ordering::SeqCst), 1, "the cut happened");
    assert_eq!(client.locate_by_name("made-once").await.unwrap(), [id]);
}

#[tokio::test]
async fn the_cluster_fails_over_when_the_hosts_primary_dies() {
    let mut primary = TestServer::start(0);
    let secondary = TestServer::start(0);
    let link = host_link(&[("primary", &primary), ("secondary", &secondary)], never());
    let client = client_over(link, VersionChoice::Pinned(ProtocolVersion::V1_4)).await;
    client.create_aes_key("before", 256).await.unwrap();
    assert!(!client.cluster().stats()[0].down);

    primary.kill();
    let id = client
        .create_aes_key("after", 256)
        .await
        .expect("failed over");
    let got = client.get(GetRequest::new(Some(id.clone()))).await.unwrap();
    assert_eq!(got.unique_identifier, id);
    let stats = client.cluster().stats();
    assert!(stats[0].down, "the primary is skipped: {stats:?}");
    assert!(!stats[1].down);
    assert_eq!(client.cluster().preferred_order(), ["secondary", "primary"]);
}

/// Whether a request message carries a Create (the host sees only bytes).
fn is_create(request: &[u8]) -> bool {
    let limits = Limits::default();
    let Ok(item) = kmipkit::ttlv::Item::decode(request, &limits) else {
        return false;
    };
    item.children_with(kmipkit::spec::Tag::BatchItem)
        .any(|batch| {
            matches!(
                batch.child(kmipkit::spec::Tag::Operation).map(|o| &o.value),
                Some(kmipkit::ttlv::Value::Enumeration(op)) if *op == Operation::Create.0
            )
        })
}
