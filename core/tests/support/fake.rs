//! Misbehaving servers on 127.0.0.1 for transport tests: one that accepts TCP and never says a
//! word, one that completes TLS and never answers, one that is not TLS at all. Each runs as a
//! task of the calling test's tokio runtime and ends with it.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Accepts TCP connections and holds them open in silence. Returns the port.
pub async fn silent_tcp() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    port
}

/// Completes TLS handshakes (TLS 1.2 or 1.3, rustls) with the given server certificate and key,
/// then reads requests and never answers. With `client_ca`, a client certificate issued by
/// that CA is required. Returns the port.
pub async fn silent_tls(cert_pem: &[u8], key_pem: &[u8], client_ca: Option<&[u8]>) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .expect("server certificate PEM");
    let key = PrivateKeyDer::from_pem_slice(key_pem).expect("server key PEM");
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .expect("versions");
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(ca) {
                roots.add(cert.expect("CA PEM")).expect("CA");
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(chain, key)
        .expect("server certificate and key");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = vec![0; 4096];
                    while matches!(tls.read(&mut buf).await, Ok(n) if n > 0) {}
                }
            });
        }
    });
    port
}

/// Answers every TCP connection with `bytes` and closes it (a service that is not KMIP/TLS).
pub async fn plain_text(bytes: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = tcp.write_all(bytes).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    port
}

/// A TLS 1.2 server in Python's `ssl` (OpenSSL) with the PyKMIP harness's server certificate,
/// offering the extended master secret or not. It completes handshakes, then reads until the
/// client closes. Stopped (by its PID) when dropped.
pub struct PythonTls {
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: std::process::Child,
}

/// Starts a [`PythonTls`] with the venv's interpreter of `server`.
pub fn python_tls12(server: &super::pykmip::TestServer, ems: bool) -> PythonTls {
    use std::io::BufRead;
    // OpenSSL 3's SSL_OP_NO_EXTENDED_MASTER_SECRET is bit 0; Python's ssl does not name it.
    const SCRIPT: &str = r#"
import socket, ssl, sys
cert, key, ems = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
if ssl.OPENSSL_VERSION_INFO < (3,):
    sys.exit("OpenSSL 3 is needed to turn the extended master secret off")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(cert, key)
if not ems:
    ctx.options |= 1
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
print(listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
        while tls.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()
"#;
    let python = server.path("venv").join("bin").join("python");
    let mut child = std::process::Command::new(python)
        .args(["-c", SCRIPT])
        .arg(server.path("server_cert"))
        .arg(server.path("server_key"))
        .arg(if ems { "1" } else { "0" })
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the Python TLS server");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the Python TLS server's port");
    let port = match line.trim().parse() {
        Ok(port) => port,
        Err(_) => {
            let _ = child.kill();
            panic!("the Python TLS server did not start: {line:?}");
        }
    };
    PythonTls { port, child }
}

impl Drop for PythonTls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
