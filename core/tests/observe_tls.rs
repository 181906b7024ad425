//! The TLS sink against a rustls receiver using the test PKI (the PyKMIP harness's CA and
//! server certificate for 127.0.0.1): lines arrive whole and verify; a receiver whose
//! certificate the configured CA did not sign gets nothing.

mod support;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use kmipkit::observe::verify::verify_lines;
use kmipkit::observe::{Destination, Event, Format, LogSettings, Logger};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::pykmip::TestServer;

fn receiver(server: &TestServer) -> (String, std::sync::mpsc::Receiver<String>) {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&server.pem("served_cert"))
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_slice(&server.pem("served_key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let stream = rustls::StreamOwned::new(connection, tcp);
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                let _ = send.send(line);
            }
        }
    });
    (address, lines)
}

#[test]
fn tls_receiver_gets_every_line() {
    let server = TestServer::start(0);
    let (address, lines) = receiver(&server);
    let settings = LogSettings {
        destination: Some(Destination::Tls {
            address,
            ca: server.path("ca"),
        }),
        format: Format::Json,
        ..LogSettings::default()
    };
    let logger = Logger::start(&settings, None).unwrap();
    for i in 0..10 {
        logger.emit(Event::operation("Get", 0).key(&format!("k{i}"), ""));
    }
    assert!(logger.flush(Duration::from_secs(10)));
    let received: Vec<String> = (0..11)
        .map(|_| lines.recv_timeout(Duration::from_secs(5)).unwrap())
        .collect();
    assert!(
        received[0].contains("\"event\":\"log_start\""),
        "{}",
        received[0]
    );
    assert!(verify_lines(&received, None).is_intact());

    // A CA that did not sign the receiver's certificate: nothing is sent, the loss is counted.
    let (address, lines) = receiver(&server);
    let settings = LogSettings {
        destination: Some(Destination::Tls {
            address,
            ca: server.path("wrong_ca"),
        }),
        ..settings
    };
    let logger = Logger::start(&settings, None).unwrap();
    logger.emit(Event::operation("Get", 0));
    assert!(logger.flush(Duration::from_secs(10)));
    assert!(lines.recv_timeout(Duration::from_millis(500)).is_err());
}
