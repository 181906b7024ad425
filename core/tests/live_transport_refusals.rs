//! Failures that retrying cannot fix, against real PyKMIP servers (conformance/pykmip): a
//! server certificate from another CA, expired or for another host, a client certificate the
//! server refuses, a port that is not TLS, a TLS 1.2 server without the extended master
//! secret. Each server is tried once per call, the call ends at once when every server failed
//! so, and its error is the refusal itself, naming each server once.
#![cfg(feature = "net")]

mod support;

use std::time::Duration;

use kmipkit::client::{Client, VersionChoice};
use kmipkit::config::TlsMaterial;
use kmipkit::message::{DiscoverVersionsRequest, RequestBatchItem, RequestMessage};
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{Endpoint, PoolSettings, Retry, Timeouts, Transport};
use kmipkit::ttlv::Limits;
use kmipkit::{Error, ErrorKind};
use support::fake;
use support::pykmip::{ServerCert, TestServer, TlsIdentity, differs, free_port};

fn discover_versions() -> Vec<u8> {
    let item = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
    RequestMessage::new(ProtocolVersion::V1_4, vec![item]).to_bytes()
}

/// A deadline long enough that a call ending before it must have given up on purpose; the
/// attempt counts, not the clock, are what the tests check.
fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(3),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(30),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    }
}

fn transport(endpoints: Vec<Endpoint>, timeouts: Timeouts) -> Transport {
    Transport::new(
        endpoints,
        timeouts,
        PoolSettings::default(),
        Limits::default(),
    )
    .expect("transport")
}

fn endpoint(name: &str, port: u16, tls: TlsMaterial) -> Endpoint {
    Endpoint::new(name, "127.0.0.1", port, tls)
}

/// The one-entry-per-server list of a failed call, with the kind it was reported as.
fn attempts_of(err: &Error) -> Vec<(String, ErrorKind, usize)> {
    let Error::AllServersFailed { attempts, .. } = err else {
        panic!("expected the every-server error, got {err:?}");
    };
    attempts
        .iter()
        .map(|a| (a.server.clone(), a.error.kind(), a.count))
        .collect()
}

#[tokio::test]
async fn a_ca_that_signed_no_server_fails_at_once_as_a_certificate_error() {
    let server = TestServer::start(0);
    let mut tls = server.client_material();
    tls.ca_pem = server.pem("wrong_ca");
    let both = || {
        vec![
            endpoint("dc1", server.port(), tls.clone()),
            endpoint("dc2", server.port(), tls.clone()),
        ]
    };
    let err = transport(both(), timeouts())
        .send(&discover_versions(), Retry::Any)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    assert_eq!(
        attempts_of(&err),
        [
            ("dc1".to_string(), ErrorKind::Certificate, 1),
            ("dc2".to_string(), ErrorKind::Certificate, 1)
        ]
    );
    let message = err.to_string();
    assert_eq!(message.matches("dc1").count(), 1, "{message}");
    assert_eq!(message.matches("dc2").count(), 1, "{message}");
    assert!(
        message.contains("not signed by the configured CA") && message.contains("(1 attempt)"),
        "{message}"
    );
    assert!(message.len() < 1_000, "{} bytes: {message}", message.len());
    assert!(err.request_not_sent());

    // The same through the client's version negotiation (what `Client::connect` runs).
    let err = Client::with_transport(
        transport(both(), timeouts()),
        VersionChoice::Negotiate(ProtocolVersion::V2_0),
        None,
        Limits::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Certificate, "{err}");
    assert!(attempts_of(&err).iter().all(|(_, _, count)| *count == 1));
}

#[tokio::test]
async fn every_refusal_retrying_cannot_fix_is_tried_once() {
    let server = TestServer::start(0);
    let expired = TestServer::start_with(0, ServerCert::Expired);
    let wrong_host = TestServer::start_with(0, ServerCert::WrongHost);
    let not_tls = fake::plain_text(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
    let cases = [
        (
            "expired server certificate",
            endpoint("kms", expired.port(), expired.client_material()),
            ErrorKind::Certificate,
        ),
        (
            "server certificate for another host",
            endpoint("kms", wrong_host.port(), wrong_host.client_material()),
            ErrorKind::Certificate,
        ),
        (
            "client certificate without clientAuth",
            endpoint(
                "kms",
                server.port(),
                server.material("no_client_auth_cert", "no_client_auth_key"),
            ),
            ErrorKind::Certificate,
        ),
        (
            "client certificate from another CA",
            endpoint(
                "kms",
                server.port(),
                server.material("wrong_ca_client_cert", "wrong_ca_client_key"),
            ),
            ErrorKind::Certificate,
        ),
        (
            "a port that is not TLS",
            endpoint("kms", not_tls, server.client_material()),
            ErrorKind::Tls,
        ),
    ];
    for (what, endpoint, kind) in cases {
        let err = transport(vec![endpoint], timeouts())
            .send(&discover_versions(), Retry::Any)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{what}: {err}");
        assert_eq!(
            attempts_of(&err),
            [("kms".to_string(), kind, 1)],
            "{what}: {err}"
        );
    }
}

#[tokio::test]
async fn a_refusing_server_is_tried_once_while_the_others_are_retried() {
    let server = TestServer::start(0);
    let mut wrong_ca = server.client_material();
    wrong_ca.ca_pem = server.pem("wrong_ca");

    // A good secondary answers; the refusing primary was tried once.
    let reply = transport(
        vec![
            endpoint("primary", server.port(), wrong_ca.clone()),
            endpoint("secondary", server.port(), server.client_material()),
        ],
        timeouts(),
    )
    .send(&discover_versions(), Retry::Any)
    .await
    .expect("the secondary answers");
    assert_eq!(reply.server, "secondary");
    let failed: Vec<_> = reply
        .failed_attempts
        .iter()
        .map(|a| (a.server.as_str(), a.error.kind(), a.count))
        .collect();
    assert_eq!(failed, [("primary", ErrorKind::Certificate, 1)]);

    // A secondary that is down may come back: it is retried until the deadline, the refusing
    // primary is not, and the error is about the whole call.
    let short = Timeouts {
        deadline: Duration::from_secs(2),
        failover_delay: Duration::from_millis(100),
        ..timeouts()
    };
    let err = transport(
        vec![
            endpoint("primary", server.port(), wrong_ca),
            endpoint("secondary", free_port(), server.client_material()),
        ],
        short,
    )
    .send(&discover_versions(), Retry::Any)
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AllServersFailed, "{err}");
    let attempts = attempts_of(&err);
    assert_eq!(
        attempts[0],
        ("primary".to_string(), ErrorKind::Certificate, 1)
    );
    assert_eq!(attempts[1].0, "secondary");
    assert_eq!(attempts[1].1, ErrorKind::Connect);
    assert!(attempts[1].2 >= 2, "{attempts:?}");
    let message = err.to_string();
    assert!(
        message.contains("no key server answered within 2000 ms")
            && message.matches("primary").count() == 1
            && message.matches("secondary").count() == 1,
        "{message}"
    );
}

/// TLS 1.2 without the extended master secret (RFC 7627) is refused; PyKMIP, which offers it,
/// still connects. The EMS-less server is Python's `ssl` with OpenSSL's
/// `SSL_OP_NO_EXTENDED_MASTER_SECRET`, the same server without that option is the control.
#[tokio::test]
async fn tls12_without_the_extended_master_secret_is_refused() {
    let server = TestServer::start(0);
    // Cosmian speaks TLS 1.3 (the EMS-less servers below are Python's, as for PyKMIP).
    let newest_tls = if differs(
        "live_transport_refusals::tls12_without_the_extended_master_secret_is_refused",
    ) {
        "TLS 1.3"
    } else {
        "TLS 1.2"
    };
    let pykmip = transport(
        vec![endpoint("kms", server.port(), server.client_material())],
        timeouts(),
    );
    assert_eq!(
        pykmip
            .tls_info("kms")
            .await
            .expect("PyKMIP")
            .protocol_version,
        newest_tls
    );

    for (ems, expect_ok) in [(true, true), (false, false)] {
        let fake = fake::python_tls12(&server, ems);
        let transport = transport(
            vec![endpoint("kms", fake.port, server.client_material())],
            timeouts(),
        );
        let result = transport.tls_info("kms").await;
        match (result, expect_ok) {
            (Ok(info), true) => assert_eq!(info.protocol_version, "TLS 1.2"),
            (Err(Error::Tls { reason, .. }), false) => {
                assert!(reason.contains("extended master secret"), "{reason}")
            }
            (other, _) => panic!("EMS {ems}: unexpected {other:?}"),
        }
    }
}
