//! The TLS sink against a rustls receiver using the test PKI (the PyKMIP harness's CA and
//! server certificate for 127.0.0.1): lines arrive whole and verify; a receiver whose
//! certificate the configured CA did not sign gets nothing.
#![cfg(feature = "net")]

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
            let mut reader = BufReader::new(stream);
            while let Some(message) = octet_counted(&mut reader) {
                let _ = send.send(message);
            }
        }
    });
    (address, lines)
}

/// One RFC 5425 frame (section 4.3): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN a decimal byte count
/// without leading zeros; `None` at the end of the stream. Panics on any other framing.
fn octet_counted(reader: &mut impl BufRead) -> Option<String> {
    let mut length = Vec::new();
    reader.read_until(b' ', &mut length).ok()?;
    if length.is_empty() {
        return None;
    }
    let digits = std::str::from_utf8(&length[..length.len() - 1]).unwrap();
    assert!(
        !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()),
        "not an octet-counted frame: {digits:?}"
    );
    let mut message = vec![0; digits.parse().unwrap()];
    reader.read_exact(&mut message).ok()?;
    Some(String::from_utf8(message).unwrap())
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

/// A receiver that accepts the connection and then never answers the TLS handshake: the line
/// is given up within the sink's timeouts instead of holding the log thread forever (every
/// later event would then be dropped).
#[test]
fn silent_receiver_does_not_hold_the_log_thread() {
    use kmipkit::observe::sink::{Sink, TlsSink};
    let server = TestServer::start(0);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (keep, _held) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let _ = keep.send(tcp);
        }
    });
    let mut sink = TlsSink::new(&address, &server.path("ca")).unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(sink.write_line("x").is_err());
    });
    assert_eq!(finished.recv_timeout(Duration::from_secs(15)), Ok(true));
}
