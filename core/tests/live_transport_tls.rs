//! Mutual TLS against a real PyKMIP server (conformance/pykmip): the happy path, and each TLS
//! failure with its own error variant and a message that says what to fix.
#![cfg(feature = "net")]

mod support;

use std::time::{Duration, Instant};

use kmipkit::config::TlsMaterial;
use kmipkit::message::{
    DiscoverVersionsRequest, RequestBatchItem, RequestMessage, ResponseMessage, ResponsePayload,
};
use kmipkit::spec::ProtocolVersion;
use kmipkit::transport::{
    Endpoint, PoolSettings, Retry, Timeouts, Transport, material_from_pkcs12,
};
use kmipkit::ttlv::Limits;
use kmipkit::{Error, ErrorKind, Party};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use support::fake;
use support::pykmip::{ServerCert, TestServer, TlsIdentity, differs, free_port};

fn discover_versions() -> Vec<u8> {
    let item = RequestBatchItem::new(DiscoverVersionsRequest::new(Vec::new()));
    RequestMessage::new(ProtocolVersion::V1_2, vec![item]).to_bytes()
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(3),
        request: Duration::from_secs(10),
        deadline: Duration::from_secs(20),
        failover_delay: Duration::from_millis(50),
        down_backoff: Duration::from_secs(1),
    }
}

fn transport(host: &str, port: u16, tls: TlsMaterial) -> Transport {
    transport_with(host, port, tls, timeouts(), Limits::default())
}

/// A transport to the one server `kms`, with its own timeouts and limits.
fn transport_with(
    host: &str,
    port: u16,
    tls: TlsMaterial,
    timeouts: Timeouts,
    limits: Limits,
) -> Transport {
    Transport::new(
        vec![Endpoint::new("kms", host, port, tls)],
        timeouts,
        PoolSettings::default(),
        limits,
    )
    .expect("transport")
}

/// One request to the one server, no failover: the error is the server's own.
async fn ask(host: &str, port: u16, tls: TlsMaterial) -> Result<Vec<ProtocolVersion>, Error> {
    let reply = transport(host, port, tls)
        .send_to("kms", &discover_versions())
        .await?;
    let response =
        ResponseMessage::from_bytes(&reply.bytes, &Limits::default()).expect("a KMIP response");
    match &response.batch_items[0].payload {
        Some(ResponsePayload::DiscoverVersions(d)) => Ok(d.protocol_version.clone()),
        other => panic!("not a DiscoverVersions answer: {other:?}"),
    }
}

fn sha256_of_pem(pem: &[u8]) -> [u8; 32] {
    let der = CertificateDer::from_pem_slice(pem).expect("certificate PEM");
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der.as_ref());
    digest.as_ref().try_into().expect("32 bytes")
}

fn certificate_error(err: &Error) -> (Party, String) {
    eprintln!("{err}");
    match err {
        Error::Certificate {
            rejected_by,
            reason,
            server,
        } => {
            assert_eq!(server, "kms");
            (*rejected_by, reason.clone())
        }
        other => panic!("expected a certificate error, got {other:?} ({other})"),
    }
}

#[tokio::test]
async fn discover_versions_over_mutual_tls() {
    let server = TestServer::start(0);
    let versions = ask("127.0.0.1", server.port(), server.client_material())
        .await
        .expect("round trip");
    assert!(
        versions.contains(&ProtocolVersion::V2_0) && versions.contains(&ProtocolVersion::V1_2),
        "{versions:?}"
    );
    // A DNS name goes through SNI and is checked against the DNS SANs.
    let versions = ask("localhost", server.port(), server.client_material())
        .await
        .expect("by name");
    assert!(!versions.is_empty());
}

#[tokio::test]
async fn tls_info_reports_the_handshake() {
    let server = TestServer::start(0);
    let transport = transport("127.0.0.1", server.port(), server.client_material());
    let info = transport.tls_info("kms").await.expect("handshake");
    if differs("live_transport_tls::tls_info_reports_the_handshake") {
        // TLS 1.3 suites do not name the signature algorithm.
        assert_eq!(info.protocol_version, "TLS 1.3");
        assert!(
            info.cipher_suite.starts_with("TLS13_") && info.cipher_suite.contains("GCM"),
            "{}",
            info.cipher_suite
        );
    } else {
        assert_eq!(
            info.protocol_version, "TLS 1.2",
            "PyKMIP speaks TLS 1.2 only"
        );
        assert!(
            info.cipher_suite.contains("ECDSA") && info.cipher_suite.contains("GCM"),
            "{}",
            info.cipher_suite
        );
    }
    assert!(
        info.certificate
            .subject_alt_names
            .contains(&"IP:127.0.0.1".to_string()),
        "{info:?}"
    );
    assert!(
        info.certificate
            .subject_alt_names
            .contains(&"DNS:localhost".to_string()),
        "{info:?}"
    );
    assert_eq!(
        info.certificate.sha256,
        sha256_of_pem(&server.pem("served_cert"))
    );
    assert_eq!(info.certificate.sha256_hex().len(), 32 * 3 - 1);
    assert!(info.certificate.not_after.ends_with('Z') && info.certificate.not_after_unix > 0);
    assert!(
        !info.certificate.issuer.is_empty() && info.certificate.issuer != info.certificate.subject
    );
    assert_eq!(info.address, format!("127.0.0.1:{}", server.port()));
    assert!(
        info.connect_time < Duration::from_secs(3) && info.handshake_time < Duration::from_secs(3)
    );
    // The handshake's connection joins the pool and serves the next request.
    transport
        .send(&discover_versions(), Retry::Any)
        .await
        .expect("round trip");
    let stats = &transport.stats()[0];
    assert_eq!(
        (stats.connections_opened, stats.connections_reused),
        (1, 1),
        "{stats:?}"
    );
}

#[tokio::test]
async fn server_certificate_from_another_ca_is_refused_by_us() {
    let server = TestServer::start(0);
    let mut tls = server.client_material();
    tls.ca_pem = server.pem("wrong_ca");
    let err = ask("127.0.0.1", server.port(), tls).await.unwrap_err();
    let (party, reason) = certificate_error(&err);
    assert_eq!(party, Party::Client);
    assert!(
        reason.contains("not signed by the configured CA"),
        "{reason}"
    );
    assert!(err.request_not_sent() && err.is_transport_failure());
    assert!(
        err.to_string()
            .starts_with("kmipkit rejected the server's certificate of key server kms"),
        "{err}"
    );
}

#[tokio::test]
async fn server_certificate_for_another_host_is_refused_by_us() {
    let server = TestServer::start_with(0, ServerCert::WrongHost);
    let err = ask("127.0.0.1", server.port(), server.client_material())
        .await
        .unwrap_err();
    let (party, reason) = certificate_error(&err);
    assert_eq!(party, Party::Client);
    assert!(
        reason.contains(server.value("wrong_host_name")),
        "names what the certificate is for: {reason}"
    );
    assert!(reason.contains("not for 127.0.0.1"), "{reason}");
    // Same by DNS name.
    let err = ask("localhost", server.port(), server.client_material())
        .await
        .unwrap_err();
    assert!(
        certificate_error(&err).1.contains("not for localhost"),
        "{err}"
    );
}

#[tokio::test]
async fn expired_server_certificate_is_refused_by_us() {
    let server = TestServer::start_with(0, ServerCert::Expired);
    let err = ask("127.0.0.1", server.port(), server.client_material())
        .await
        .unwrap_err();
    let (party, reason) = certificate_error(&err);
    assert_eq!(party, Party::Client);
    assert!(reason.contains("expired on"), "{reason}");
}

#[tokio::test]
async fn client_certificates_the_server_refuses() {
    let server = TestServer::start(0);
    let port = server.port();
    let mut reasons = Vec::new();
    for (cert, key, expect) in [
        ("expired_client_cert", "expired_client_key", "expired"),
        (
            "wrong_ca_client_cert",
            "wrong_ca_client_key",
            "not issued by a CA the server trusts",
        ),
        ("no_client_auth_cert", "no_client_auth_key", "clientAuth"),
    ] {
        let err = ask("127.0.0.1", port, server.material(cert, key))
            .await
            .unwrap_err();
        let (party, reason) = certificate_error(&err);
        assert_eq!(party, Party::Server, "{cert}: {err}");
        assert!(reason.contains(expect), "{cert}: {reason}");
        assert!(
            err.to_string()
                .starts_with("the key server rejected the client certificate"),
            "{err}"
        );
        assert!(err.request_not_sent());
        reasons.push(reason);
    }
    reasons.sort();
    reasons.dedup();
    assert_eq!(
        reasons.len(),
        3,
        "each refusal says something different: {reasons:#?}"
    );
    // And the good one still works on the same server.
    ask("127.0.0.1", port, server.client_material())
        .await
        .expect("good client");
}

#[tokio::test]
async fn no_client_certificate_is_refused_by_the_server() {
    let server = TestServer::start(0);
    let tls = TlsMaterial::new(server.pem("ca"), Vec::new(), Vec::new(), None);
    let err = ask("127.0.0.1", server.port(), tls).await.unwrap_err();
    if differs("live_transport_tls::no_client_certificate_is_refused_by_the_server") {
        // Cosmian completes the TLS 1.3 handshake without a client certificate, reads the
        // request and closes without an answer or an alert: nothing names the certificate.
        assert!(
            matches!(
                &err,
                Error::ConnectionLost {
                    request_sent: true,
                    ..
                }
            ),
            "{err:?}"
        );
        return;
    }
    let (party, reason) = certificate_error(&err);
    assert_eq!(party, Party::Server);
    assert!(
        reason.contains("no client certificate is configured") || reason.contains("none was sent"),
        "{reason}"
    );
}

#[tokio::test]
async fn fingerprint_pin_match_and_mismatch() {
    let server = TestServer::start(0);
    let mut tls = server.client_material();
    tls.pinned_sha256 = Some(sha256_of_pem(&server.pem("served_cert")));
    ask("127.0.0.1", server.port(), tls.clone())
        .await
        .expect("pinned certificate matches");

    let mut wrong = tls.clone();
    wrong.pinned_sha256 = Some([0xab; 32]);
    let err = ask("127.0.0.1", server.port(), wrong).await.unwrap_err();
    let (party, reason) = certificate_error(&err);
    assert_eq!(party, Party::Client);
    assert!(reason.contains("not the pinned AB:AB:AB"), "{reason}");

    // A pin never replaces the chain check: the right pin with the wrong CA still fails.
    tls.ca_pem = server.pem("wrong_ca");
    let err = ask("127.0.0.1", server.port(), tls).await.unwrap_err();
    assert!(
        certificate_error(&err)
            .1
            .contains("not signed by the configured CA"),
        "{err}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let port = free_port();
    let server = TestServer::start(0);
    let err = ask("127.0.0.1", port, server.client_material())
        .await
        .unwrap_err();
    match &err {
        Error::Connect {
            server,
            address,
            reason,
        } => {
            assert_eq!(
                (server.as_str(), address.as_str()),
                ("kms", format!("127.0.0.1:{port}").as_str())
            );
            assert!(reason.contains("refused"), "{reason}");
        }
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(err.request_not_sent());

    // Timeouts too long for the clock are a far deadline, not an overflow panic.
    let endless = Timeouts {
        deadline: Duration::MAX,
        failover_delay: Duration::MAX,
        down_backoff: Duration::MAX,
        ..timeouts()
    };
    let transport = transport_with(
        "127.0.0.1",
        port,
        server.client_material(),
        endless,
        Limits::default(),
    );
    let err = transport
        .send_to("kms", &discover_versions())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err:?}");
    let err = transport
        .send(&discover_versions(), Retry::Any)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AllServersFailed { attempts, .. } if attempts.len() == 1),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_the_handshake_times_out() {
    let server = TestServer::start(0);
    let port = fake::silent_tcp().await;
    let timeouts = Timeouts {
        connect: Duration::from_millis(500),
        ..timeouts()
    };
    let transport = transport_with(
        "127.0.0.1",
        port,
        server.client_material(),
        timeouts,
        Limits::default(),
    );
    let start = Instant::now();
    let err = transport
        .send_to("kms", &discover_versions())
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        matches!(
            &err,
            Error::Timeout {
                phase: "TLS handshake",
                after_ms: 500,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.request_not_sent(),
        "nothing was sent before the handshake finished"
    );
}

#[tokio::test]
async fn a_server_that_completes_tls_but_never_replies_times_out() {
    let server = TestServer::start(0);
    let port = fake::silent_tls(&server.pem("server_cert"), &server.pem("server_key"), None).await;
    let timeouts = Timeouts {
        request: Duration::from_millis(500),
        ..timeouts()
    };
    let transport = transport_with(
        "127.0.0.1",
        port,
        server.client_material(),
        timeouts,
        Limits::default(),
    );
    // rustls on both sides: TLS 1.3.
    assert_eq!(
        transport.tls_info("kms").await.unwrap().protocol_version,
        "TLS 1.3"
    );
    let start = Instant::now();
    let err = transport
        .send_to("kms", &discover_versions())
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        matches!(
            &err,
            Error::Timeout {
                phase: "response",
                after_ms: 500,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        !err.request_not_sent(),
        "the request was sent: the server may have acted on it"
    );
}

#[tokio::test]
async fn tls13_refusal_of_the_client_certificate_after_the_handshake() {
    // With TLS 1.3 the client's handshake is over before the server checks its certificate:
    // the refusal arrives as an alert on the first read and must still be told as such.
    let server = TestServer::start(0);
    let port = fake::silent_tls(
        &server.pem("server_cert"),
        &server.pem("server_key"),
        Some(&server.pem("ca")),
    )
    .await;
    let tls = server.material("wrong_ca_client_cert", "wrong_ca_client_key");
    let err = ask("127.0.0.1", port, tls).await.unwrap_err();
    let (party, reason) = certificate_error(&err);
    assert_eq!(party, Party::Server);
    assert!(
        reason.contains("not issued by a CA the server trusts"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_port_that_is_not_tls_is_a_tls_error() {
    let server = TestServer::start(0);
    let port = fake::plain_text(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
    let err = ask("127.0.0.1", port, server.client_material())
        .await
        .unwrap_err();
    match &err {
        Error::Tls { reason, .. } => assert!(reason.contains("does not speak TLS"), "{reason}"),
        other => panic!("expected Tls, got {other:?}"),
    }
}

#[tokio::test]
async fn a_reply_over_the_size_limit_is_refused() {
    let server = TestServer::start(0);
    let limits = Limits {
        max_message_size: 64,
        ..Limits::default()
    };
    let transport = transport_with(
        "127.0.0.1",
        server.port(),
        server.client_material(),
        timeouts(),
        limits,
    );
    let err = transport
        .send(&discover_versions(), Retry::Any)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                what: "message size",
                limit: 64,
                ..
            }
        ),
        "{err:?}"
    );
    // The connection it came on is not reused (its unread reply would desynchronize it).
    assert_eq!(transport.stats()[0].idle, 0);
}

#[tokio::test]
async fn bad_material_fails_when_the_transport_is_built() {
    let server = TestServer::start(0);
    let build = |tls: TlsMaterial| {
        Transport::new(
            vec![Endpoint::new("primary", "127.0.0.1", server.port(), tls)],
            timeouts(),
            PoolSettings::default(),
            Limits::default(),
        )
        .unwrap_err()
    };
    let mismatched = build(server.material("client_cert", "other_client_key"));
    assert!(
        mismatched
            .to_string()
            .contains("does not belong to the client certificate"),
        "{mismatched}"
    );
    let not_a_key = build(server.material("client_cert", "client_cert"));
    assert!(
        not_a_key.to_string().contains("client key (client_key)"),
        "{not_a_key}"
    );
    let not_a_cert = build(server.material("client_key", "client_key"));
    assert!(
        not_a_cert
            .to_string()
            .contains("client certificate (client_cert)"),
        "{not_a_cert}"
    );
    let no_ca = build(TlsMaterial::new(Vec::new(), Vec::new(), Vec::new(), None));
    assert!(no_ca.to_string().contains("CA certificate (ca)"), "{no_ca}");
    for err in [mismatched, not_a_key, not_a_cert, no_ca] {
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("key server `primary`"), "{err}");
    }
}

#[tokio::test]
async fn pkcs12_client_identity() {
    let server = TestServer::start(0);
    // openssl 3's default (PBES2, AES-256-CBC, HMAC-SHA256) and the legacy 3DES/SHA-1 form
    // that older tools and Java key stores still write.
    for (form, extra) in [
        ("modern", &[][..]),
        (
            "3DES",
            &[
                "-certpbe",
                "PBE-SHA1-3DES",
                "-keypbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ][..],
        ),
    ] {
        let p12 = std::env::temp_dir().join(format!("kmipkit-{form}-{}.p12", std::process::id()));
        let status = std::process::Command::new("openssl")
            .args(["pkcs12", "-export", "-passout", "pass:secret pw", "-in"])
            .arg(server.path("client_cert"))
            .arg("-inkey")
            .arg(server.path("client_key"))
            .args(extra)
            .arg("-out")
            .arg(&p12)
            .status();
        let status = status.expect("openssl (Debian package openssl) makes the PKCS#12 files");
        assert!(status.success(), "openssl pkcs12 -export ({form})");
        let bytes = std::fs::read(&p12).unwrap();
        connect_from_config(&server, &p12, form).await;
        std::fs::remove_file(&p12).unwrap();

        let tls = material_from_pkcs12(server.pem("ca"), &bytes, "secret pw")
            .unwrap_or_else(|e| panic!("{form} PKCS#12 opens: {e}"));
        assert_eq!(tls.client_cert_pem, server.pem("client_cert"), "{form}");
        ask("127.0.0.1", server.port(), tls)
            .await
            .unwrap_or_else(|e| panic!("round trip with the {form} PKCS#12 identity: {e}"));

        let err = material_from_pkcs12(server.pem("ca"), &bytes, "wrong").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("wrong password"), "{err}");
        assert!(!err.to_string().contains("secret pw"));
    }
}

/// A client built from a kmipkit.toml whose identity is a PKCS#12 file with a password file.
async fn connect_from_config(server: &TestServer, p12: &std::path::Path, form: &str) {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("kmipkit-p12cfg-{form}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let private = |path: &std::path::Path| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap()
    };
    let password = dir.join("p12.password");
    std::fs::write(&password, "secret pw\n").unwrap();
    private(&password);
    private(p12);
    let config = dir.join("kmipkit.toml");
    std::fs::write(
        &config,
        format!(
            "[primary]\nhost = \"127.0.0.1\"\nport = {}\nca = {:?}\npkcs12 = {:?}\npkcs12_password_file = {:?}\n",
            server.port(),
            server.path("ca"),
            p12,
            password
        ),
    )
    .unwrap();
    private(&config);
    let loaded = kmipkit::config::Config::load(&config).unwrap();
    let client = kmipkit::client::Client::connect(&loaded)
        .await
        .unwrap_or_else(|e| panic!("a client from a config with a {form} PKCS#12 identity: {e}"));
    client
        .query_all()
        .await
        .unwrap_or_else(|e| panic!("Query over the {form} PKCS#12 identity: {e}"));
    std::fs::remove_dir_all(&dir).unwrap();
}
