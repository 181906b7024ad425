//! A syslog receiver over TLS (the RFC 5425 transport): each line sent as an octet-counted frame,
//! `MSG-LEN SP MSG` (RFC 5425 section 4.3), as that RFC requires; receivers such as rsyslog and
//! syslog-ng read it by default.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::{Sink, net::connect};
use crate::error::Result;
use crate::observe::state::log_error;

/// Lines over TLS to a receiver whose certificate a given CA signed; the host in the address
/// must match the certificate.
pub struct TlsSink {
    address: String,
    server_name: ServerName<'static>,
    config: Arc<ClientConfig>,
    stream: Option<StreamOwned<ClientConnection, TcpStream>>,
}

impl std::fmt::Debug for TlsSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSink")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl TlsSink {
    /// A sink to `address` (`host:port`) trusting the PEM CA certificates in `ca`.
    pub fn new(address: &str, ca: &Path) -> Result<Self> {
        let mut roots = RootCertStore::empty();
        // A regular file only (a FIFO would block), and no larger than a CA bundle can be.
        let mut pem = Vec::new();
        crate::files::open_regular(std::fs::OpenOptions::new().read(true), ca)
            .and_then(|file| io::Read::take(file, 4 << 20).read_to_end(&mut pem))
            .map_err(|e| log_error(ca, format!("cannot read the log receiver's CA: {e}")))?;
        for certificate in CertificateDer::pem_slice_iter(&pem) {
            let certificate =
                certificate.map_err(|e| log_error(ca, format!("not a PEM certificate: {e}")))?;
            roots
                .add(certificate)
                .map_err(|e| log_error(ca, format!("unusable CA certificate: {e}")))?;
        }
        // Never `ClientConfig::builder()`: it panics when two crypto providers are linked.
        let config = ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| log_error(ca, format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let host = address
            .rsplit_once(':')
            .map_or(address, |(host, _)| host)
            .trim_start_matches('[')
            .trim_end_matches(']');
        let server_name = ServerName::try_from(host.to_string())
            .map_err(|e| log_error(Path::new(address), format!("not a host name: {e}")))?;
        Ok(Self {
            address: address.to_string(),
            server_name,
            config: Arc::new(config),
            stream: None,
        })
    }
}

impl Sink for TlsSink {
    fn write_line(&mut self, line: &str) -> io::Result<()> {
        // RFC 5425 section 4.3: octet counting, `MSG-LEN SP SYSLOG-MSG`.
        let framed = format!("{} {line}", line.len());
        for _ in 0..2 {
            if self.stream.is_none() {
                let tcp = connect(&self.address)?;
                let connection =
                    ClientConnection::new(self.config.clone(), self.server_name.clone())
                        .map_err(io::Error::other)?;
                self.stream = Some(StreamOwned::new(connection, tcp));
            }
            let stream = self.stream.as_mut().expect("just connected");
            match stream
                .write_all(framed.as_bytes())
                .and_then(|()| stream.flush())
            {
                Ok(()) => return Ok(()),
                Err(e)
                    if e.kind() == io::ErrorKind::WouldBlock
                        || e.kind() == io::ErrorKind::TimedOut =>
                {
                    self.stream = None;
                    return Err(e);
                }
                Err(_) => self.stream = None,
            }
        }
        Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "the log receiver closed the connection",
        ))
    }
}
