//! Failover, deadline and pooling against real PyKMIP servers (conformance/pykmip).
//! Timing assertions are generous bounds, never exact values.
#![cfg(feature = "net")]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kmipkit::config::TlsMaterial;
use kmipkit::message::{DiscoverVersionsRequest, RequestBatchItem, RequestMessage};
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{Endpoint, PoolSettings, Retry, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use kmipkit::{Error, ErrorKind};
use support::fake;
use support::pykmip::{TestServer, TlsIdentity, free_port};

fn discover_versions() -> Vec<u8> {
    let item = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
    RequestMessage::new(ProtocolVersion::V1_4, vec![item]).to_bytes()
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(3),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(30),
        failover_delay: Duration::from_millis(100),
        down_backoff: Duration::from_secs(1),
    }
}

fn endpoint(name: &str, port: u16, tls: TlsMaterial) -> Endpoint {
    Endpoint::new(name, "127.0.0.1", port, tls)
}

fn transport(endpoints: Vec<Endpoint>, timeouts: Timeouts, pool: PoolSettings) -> Transport {
    Transport::new(endpoints, timeouts, pool, Limits::default()).expect("transport")
}

#[tokio::test]
async fn failover_to_the_secondary_and_back_to_the_primary() {
    let mut primary = TestServer::start(0);
    let primary_tls = primary.client_material();
    primary.stop();
    let secondary = TestServer::start(0);
    let transport = transport(
        vec![
            endpoint("primary", primary.port(), primary_tls),
            endpoint("secondary", secondary.port(), secondary.client_material()),
        ],
        timeouts(),
        PoolSettings::default(),
    );

    // The primary refuses connections: nothing was sent, so even a Create may move on.
    let reply = transport
        .send(&discover_versions(), Retry::IfNotSent)
        .await
        .expect("secondary answers");
    assert_eq!(reply.server, "secondary");
    assert_eq!(
        reply.failed_attempts.len(),
        1,
        "{:?}",
        reply.failed_attempts
    );
    assert_eq!(reply.failed_attempts[0].server, "primary");
    assert_eq!(reply.failed_attempts[0].error.kind(), ErrorKind::Connect);

    // While the primary is marked down it is skipped: no failed attempt.
    let reply = transport
        .send(&discover_versions(), Retry::Any)
        .await
        .unwrap();
    assert_eq!(
        (reply.server.as_str(), reply.failed_attempts.len()),
        ("secondary", 0)
    );
    assert!(transport.stats()[0].down);

    // The primary comes back; after the down backoff it is first in rotation again.
    primary.restart();
    let start = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let reply = transport
            .send(&discover_versions(), Retry::Any)
            .await
            .unwrap();
        if reply.server == "primary" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the primary never returned to rotation"
        );
    }
    // And stays there.
    for _ in 0..3 {
        assert_eq!(
            transport
                .send(&discover_versions(), Retry::Any)
                .await
                .unwrap()
                .server,
            "primary"
        );
    }
    assert!(!transport.stats()[0].down);
}

#[tokio::test]
async fn all_servers_down_fails_within_the_deadline_listing_each_server() {
    let server = TestServer::start(0); // only for valid TLS material
    let refused = free_port();
    let silent = fake::silent_tcp().await;
    let timeouts = Timeouts {
        connect: Duration::from_millis(300),
        request: Duration::from_secs(1),
        deadline: Duration::from_secs(2),
        failover_delay: Duration::from_millis(100),
        down_backoff: Duration::from_secs(5),
    };
    let transport = transport(
        vec![
            endpoint("closed-port", refused, server.client_material()),
            endpoint("silent", silent, server.client_material()),
        ],
        timeouts,
        PoolSettings::default(),
    );
    for retry in [Retry::Any, Retry::IfNotSent] {
        let start = Instant::now();
        let err = transport
            .send(&discover_versions(), retry)
            .await
            .unwrap_err();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(5), "deadline 2 s, took {took:?}");
        assert!(
            took >= Duration::from_millis(1500),
            "gave up early, after {took:?}"
        );
        let Error::AllServersFailed {
            deadline_ms,
            attempts,
        } = &err
        else {
            panic!("expected AllServersFailed, got {err:?}");
        };
        assert_eq!(*deadline_ms, 2000);
        assert!(attempts.len() >= 2, "{attempts:?}");
        for attempt in attempts {
            match attempt.server.as_str() {
                "closed-port" => assert_eq!(attempt.error.kind(), ErrorKind::Connect),
                "silent" => assert!(
                    matches!(
                        *attempt.error,
                        Error::Timeout {
                            phase: "TLS handshake",
                            ..
                        }
                    ),
                    "{attempt:?}"
                ),
                other => panic!("unknown server {other}"),
            }
        }
        // Each server once, with its last failure and how often it failed.
        let message = err.to_string();
        assert!(
            message.matches("closed-port").count() == 1
                && message.matches("silent").count() == 1
                && message.contains(" attempts)"),
            "{message}"
        );
        assert!(err.request_not_sent());
    }
}

#[tokio::test]
async fn a_request_that_may_have_arrived_is_not_resent_unless_allowed() {
    let secondary = TestServer::start(0);
    // The primary completes TLS with a certificate of the same CA, then never answers.
    let primary = fake::silent_tls(
        &secondary.pem("server_cert"),
        &secondary.pem("server_key"),
        None,
    )
    .await;
    let timeouts = Timeouts {
        request: Duration::from_millis(500),
        down_backoff: Duration::ZERO, // try the primary first every time
        ..timeouts()
    };
    let transport = transport(
        vec![
            endpoint("primary", primary, secondary.client_material()),
            endpoint("secondary", secondary.port(), secondary.client_material()),
        ],
        timeouts,
        PoolSettings::default(),
    );

    let start = Instant::now();
    let err = transport
        .send(&discover_versions(), Retry::IfNotSent)
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    match &err {
        Error::Timeout {
            server,
            phase: "response",
            ..
        } => assert_eq!(server, "primary"),
        other => panic!("expected the primary's response timeout, got {other:?}"),
    }
    assert!(!err.request_not_sent());

    let reply = transport
        .send(&discover_versions(), Retry::Any)
        .await
        .expect("reads move on");
    assert_eq!(reply.server, "secondary");
    assert!(matches!(
        *reply.failed_attempts[0].error,
        Error::Timeout {
            phase: "response",
            ..
        }
    ));
}

#[tokio::test]
async fn connections_are_pooled_and_reused() {
    let server = TestServer::start(0);
    let endpoints = vec![endpoint("kms", server.port(), server.client_material())];
    let pooled = transport(endpoints.clone(), timeouts(), PoolSettings::default());
    for _ in 0..10 {
        pooled.send(&discover_versions(), Retry::Any).await.unwrap();
    }
    let stats = &pooled.stats()[0];
    assert_eq!(
        (
            stats.connections_opened,
            stats.connections_reused,
            stats.idle
        ),
        (1, 9, 1),
        "{stats:?}"
    );

    // Many tasks at once: every request served, connections reused, at most max_idle kept.
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let transport = pooled.clone();
            tokio::spawn(async move {
                for _ in 0..4 {
                    transport
                        .send(&discover_versions(), Retry::Any)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let stats = &pooled.stats()[0];
    assert_eq!(
        stats.connections_opened + stats.connections_reused,
        10 + 48,
        "{stats:?}"
    );
    assert!(stats.connections_reused > 9 && stats.idle <= 4, "{stats:?}");

    // Without pooling every request opens a connection.
    let unpooled = transport(
        endpoints.clone(),
        timeouts(),
        PoolSettings {
            max_idle_per_server: 0,
            ..Default::default()
        },
    );
    for _ in 0..3 {
        unpooled
            .send(&discover_versions(), Retry::Any)
            .await
            .unwrap();
    }
    assert_eq!(unpooled.stats()[0].connections_opened, 3);

    // A connection idle past the idle timeout is closed, not reused.
    let short = PoolSettings {
        idle_timeout: Duration::from_millis(200),
        ..Default::default()
    };
    let idle = transport(endpoints.clone(), timeouts(), short);
    idle.send(&discover_versions(), Retry::Any).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    idle.send(&discover_versions(), Retry::Any).await.unwrap();
    assert_eq!(idle.stats()[0].connections_opened, 2);

    // Probing before every reuse (a DiscoverVersions round trip) keeps the connection.
    let probing = PoolSettings {
        probe_after_idle: Duration::ZERO,
        ..Default::default()
    };
    let probed = transport(endpoints, timeouts(), probing);
    for _ in 0..5 {
        probed
            .send(&discover_versions(), Retry::IfNotSent)
            .await
            .unwrap();
    }
    let stats = &probed.stats()[0];
    assert_eq!(
        (
            stats.connections_opened,
            stats.connections_reused,
            stats.stale_discarded
        ),
        (1, 4, 0),
        "{stats:?}"
    );
}

#[tokio::test]
async fn a_stale_pooled_connection_is_replaced_transparently() {
    let mut server = TestServer::start(0);
    let transport = transport(
        vec![endpoint("kms", server.port(), server.client_material())],
        timeouts(),
        PoolSettings::default(),
    );
    transport
        .send(&discover_versions(), Retry::IfNotSent)
        .await
        .unwrap();
    assert_eq!(transport.stats()[0].idle, 1);

    // The server restarts: the pooled connection is dead. Even a request that must not be
    // resent after it may have arrived (a Create) succeeds, on a fresh connection.
    server.restart();
    let reply = transport
        .send(&discover_versions(), Retry::IfNotSent)
        .await
        .expect("served on a fresh connection");
    assert!(
        reply.failed_attempts.is_empty(),
        "{:?}",
        reply.failed_attempts
    );
    let stats = &transport.stats()[0];
    assert_eq!(
        (stats.connections_opened, stats.stale_discarded),
        (2, 1),
        "{stats:?}"
    );
}

#[tokio::test]
async fn reads_keep_working_while_the_primary_stops_mid_run() {
    let mut primary = TestServer::start(0);
    let secondary = TestServer::start(0);
    let transport = transport(
        vec![
            endpoint("primary", primary.port(), primary.client_material()),
            endpoint("secondary", secondary.port(), secondary.client_material()),
        ],
        timeouts(),
        PoolSettings::default(),
    );
    let stopped = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let transport = transport.clone();
            let stopped = stopped.clone();
            tokio::spawn(async move {
                let mut servers = Vec::new();
                let mut after_stop = 0;
                while after_stop < 10 {
                    let reply = transport
                        .send(&discover_versions(), Retry::Any)
                        .await
                        .expect("no read fails");
                    servers.push(reply.server);
                    if stopped.load(Ordering::SeqCst) {
                        after_stop += 1;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                servers
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    tokio::task::spawn_blocking(move || primary.kill())
        .await
        .unwrap();
    stopped.store(true, Ordering::SeqCst);
    let mut answered = Vec::new();
    for task in tasks {
        answered.extend(task.await.unwrap());
    }
    assert!(answered.len() >= 40, "{}", answered.len());
    assert!(
        answered.iter().any(|s| s == "primary") && answered.iter().any(|s| s == "secondary"),
        "{answered:?}"
    );
    assert_eq!(answered.last().map(String::as_str), Some("secondary"));
}
