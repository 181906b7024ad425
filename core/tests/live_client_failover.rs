//! Failover with three real PyKMIP servers: the primary stops in the middle of 200 mixed
//! operations and comes back; no read fails, no key is created twice, and the client returns to
//! the primary. With every server down, a call fails within its deadline naming each server.
//!
//! PyKMIP servers do not replicate, so the test plays the cluster's replication itself: the same
//! keys are registered in the same order on every server, which gives them the same identifiers.
#![cfg(feature = "net")]

mod support;

use std::time::{Duration, Instant};

use kmipkit::client::{Client, VersionChoice};
use kmipkit::message::{
    Attributes, CryptographicParameters, EncryptRequest, GetRequest, KeyBlock, KeyMaterial, Object,
    RegisterRequest, SymmetricKey,
};
use kmipkit::spec::{
    BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, PaddingMethod, ProtocolVersion,
};
use kmipkit::transport::{Endpoint, PoolSettings, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use kmipkit::{Error, ErrorKind};
use support::pykmip::{TestServer, TlsIdentity, free_port};

const REPLICATED_KEYS: usize = 5;

fn endpoint(name: &str, server: &TestServer) -> Endpoint {
    Endpoint::new(name, "127.0.0.1", server.port(), server.client_material())
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(30),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    }
}

async fn client(endpoints: Vec<Endpoint>) -> Client {
    let transport = Transport::new(
        endpoints,
        timeouts(),
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport");
    Client::with_transport(
        transport,
        VersionChoice::Pinned(ProtocolVersion::V1_4),
        None,
        Limits::default(),
    )
    .await
    .expect("client")
}

fn key_bytes(i: usize) -> Vec<u8> {
    (0..32)
        .map(|b| (b as u8).wrapping_mul(7).wrapping_add(i as u8))
        .collect()
}

/// Registers and activates the same keys on one server; returns their identifiers.
async fn replicate(client: &Client) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..REPLICATED_KEYS {
        let mut block = KeyBlock::symmetric(CryptographicAlgorithm::AES, key_bytes(i));
        block.cryptographic_length = Some(256);
        let mut attributes = Attributes::default();
        attributes.push(kmipkit::message::Attribute::CryptographicUsageMask(
            CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt,
        ));
        let object = Object::SymmetricKey(SymmetricKey::new(block));
        let id = client
            .register(RegisterRequest::new(object, attributes))
            .await
            .expect("register")
            .unique_identifier;
        client.activate(&id).await.expect("activate");
        ids.push(id);
    }
    ids
}

fn requests_served(client: &Client, server: usize) -> u64 {
    let stats = &client.cluster().stats()[server];
    stats.connections_opened + stats.connections_reused
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_primary_stops_mid_run_and_comes_back() {
    if support::pykmip::excluded("live_client_failover::the_primary_stops_mid_run_and_comes_back") {
        return;
    }
    let mut servers: Vec<TestServer> = (0..3).map(|_| TestServer::start(0)).collect();
    let names = ["primary", "secondary-1", "secondary-2"];
    let mut ids = None;
    for (name, server) in names.iter().zip(&servers) {
        let direct = client(vec![endpoint(name, server)]).await;
        let these = replicate(&direct).await;
        assert!(
            ids.as_ref().is_none_or(|ids| *ids == these),
            "replicas must share identifiers"
        );
        ids = Some(these);
    }
    let ids = ids.unwrap();
    let cluster = client(
        names
            .iter()
            .zip(&servers)
            .map(|(n, s)| endpoint(n, s))
            .collect(),
    )
    .await;

    let mut created = Vec::new();
    let mut back_on_primary = None;
    for op in 0..200 {
        if op == 60 {
            servers[0].kill();
        }
        if op == 140 {
            servers[0].restart();
            // Past the down backoff the primary is tried first again.
            tokio::time::sleep(timeouts().down_backoff + Duration::from_millis(200)).await;
            back_on_primary = Some(requests_served(&cluster, 0));
        }
        let id = &ids[op % ids.len()];
        match op % 10 {
            0 => {
                let name = format!("failover-{op}");
                created.push((
                    name.clone(),
                    cluster.create_aes_key(&name, 256).await.expect("create"),
                ));
            }
            1..=4 => {
                let got = cluster
                    .get(GetRequest::new(Some(id.clone())))
                    .await
                    .unwrap_or_else(|e| panic!("get #{op}: {e}"));
                let Some(KeyMaterial::Bytes(material)) =
                    got.object.key_block().and_then(|b| b.key_material())
                else {
                    panic!("get #{op}: no key material");
                };
                assert_eq!(material.0, key_bytes(op % ids.len()), "get #{op}");
            }
            5..=7 => {
                let mut parameters = CryptographicParameters::default();
                parameters.cryptographic_algorithm = Some(CryptographicAlgorithm::AES);
                parameters.block_cipher_mode = Some(BlockCipherMode::CBC);
                parameters.padding_method = Some(PaddingMethod::PKCS5);
                let mut request =
                    EncryptRequest::new(Some(id.clone()), b"replicated data".to_vec());
                request.cryptographic_parameters = Some(parameters);
                request.iv_counter_nonce = Some(vec![7u8; 16].into());
                let sealed = cluster
                    .encrypt(request)
                    .await
                    .unwrap_or_else(|e| panic!("encrypt #{op}: {e}"));
                assert_eq!(sealed.data.map(|d| d.0.len()), Some(16), "encrypt #{op}");
            }
            _ => {
                let found = cluster
                    .locate_by_name(&format!("missing-{op}"))
                    .await
                    .unwrap_or_else(|e| panic!("locate #{op}: {e}"));
                assert!(found.is_empty());
            }
        }
    }

    let before = back_on_primary.expect("the primary was restarted");
    assert!(
        requests_served(&cluster, 0) > before,
        "requests return to the primary: {:?}",
        cluster.cluster().stats()
    );
    assert!(
        requests_served(&cluster, 1) > 0,
        "the secondary served while the primary was down"
    );

    // No key was created twice on any server, and the identifier each create returned is the
    // key that exists under its name. (The servers do not replicate: a create in flight when the
    // primary died may also exist there, which a real cluster would have replicated.)
    let mut found_anywhere: Vec<Vec<String>> = vec![Vec::new(); created.len()];
    for (name, server) in names.iter().zip(&servers) {
        let direct = client(vec![endpoint(name, server)]).await;
        for ((key_name, _), anywhere) in created.iter().zip(&mut found_anywhere) {
            let found = direct.locate_by_name(key_name).await.expect("locate");
            assert!(
                found.len() <= 1,
                "{key_name} exists {} times on {name}",
                found.len()
            );
            anywhere.extend(found);
        }
    }
    for ((key_name, id), anywhere) in created.iter().zip(&found_anywhere) {
        assert!(
            anywhere.contains(id),
            "{key_name}: returned {id}, servers hold {anywhere:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_server_down_the_call_fails_within_its_deadline_naming_each_server() {
    let ports = [free_port(), free_port(), free_port()];
    let server = TestServer::start(0); // only for real TLS material
    let endpoints = ports
        .iter()
        .enumerate()
        .map(|(i, port)| {
            Endpoint::new(
                format!("down-{i}"),
                "127.0.0.1",
                *port,
                server.client_material(),
            )
        })
        .collect();
    let mut short = timeouts();
    short.deadline = Duration::from_secs(3);
    let transport =
        Transport::new(endpoints, short, PoolSettings::default(), Limits::default()).unwrap();
    let started = Instant::now();
    let err = Client::with_transport(
        transport,
        VersionChoice::Pinned(ProtocolVersion::V1_4),
        None,
        Limits::default(),
    )
    .await
    .unwrap()
    .get(GetRequest::new(Some("1".into())))
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::AllServersFailed, "{err}");
    assert!(
        took < short.deadline + Duration::from_secs(1),
        "took {took:?}"
    );
    let Error::AllServersFailed { attempts, .. } = &err else {
        unreachable!()
    };
    for i in 0..3 {
        assert!(
            attempts.iter().any(|a| a.server == format!("down-{i}")),
            "{err}"
        );
    }
}

/// Servers of one cluster may know the client by different certificates: each logged event
/// names the identity shown to the server that answered, not the primary's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_name_the_identity_of_the_server_that_answered() {
    use kmipkit::observe::{AuditSettings, LogSettings, Logger, audit};
    use std::sync::Arc;

    let mut primary = TestServer::start(0);
    let secondary = TestServer::start(0);
    let endpoints = vec![
        Endpoint::new(
            "primary",
            "127.0.0.1",
            primary.port(),
            primary.client_material(),
        ),
        Endpoint::new(
            "secondary",
            "127.0.0.1",
            secondary.port(),
            secondary.material("other_client_cert", "other_client_key"),
        ),
    ];
    let transport = Transport::new(
        endpoints,
        timeouts(),
        PoolSettings::default(),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(
        transport.client_identity("secondary"),
        Some(secondary.value("other_client_cn"))
    );
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("identity-{}.csv", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let logger = Arc::new(
        Logger::start(
            &LogSettings::default(),
            Some(&AuditSettings { path: path.clone() }),
        )
        .unwrap(),
    );
    let client = Client::with_transport_and_logger(
        transport,
        VersionChoice::Pinned(ProtocolVersion::V1_4),
        None,
        Limits::default(),
        logger.clone(),
    )
    .await
    .unwrap();
    client.query_all().await.expect("the primary answers");
    primary.kill();
    client.query_all().await.expect("the secondary answers");
    assert!(logger.flush(Duration::from_secs(10)));
    let rows = audit::read(&path).unwrap();
    let seen: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.get("operation") == Some("Query"))
        .map(|r| (r.get("server").unwrap_or(""), r.get("user").unwrap_or("")))
        .collect();
    assert_eq!(
        seen,
        [
            ("primary", primary.value("client_cn")),
            ("secondary", secondary.value("other_client_cn")),
        ]
    );
}
