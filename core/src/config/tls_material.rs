//! TLS material read from the configured files, handed to the transport.

use std::path::PathBuf;

use zeroize::Zeroizing;

/// The certificates and private key for one key server connection, as PEM text.
///
/// The private key is zeroized when dropped and never printed by `Debug`.
#[derive(Clone)]
#[non_exhaustive]
pub struct TlsMaterial {
    /// PEM CA certificate(s) that sign the server's certificate.
    pub ca_pem: Vec<u8>,
    /// PEM client certificate chain (leaf first).
    pub client_cert_pem: Vec<u8>,
    /// PEM private key of the client certificate (PKCS#8, PKCS#1 or SEC1).
    pub client_key_pem: Zeroizing<Vec<u8>>,
    /// Optional SHA-256 fingerprint the server's leaf certificate must have, checked in
    /// addition to (never instead of) chain and host-name verification.
    pub pinned_sha256: Option<[u8; 32]>,
    /// The files the material was read from, so an error about it names the file; empty for
    /// material built in memory.
    pub sources: TlsSources,
}

/// The files [`TlsMaterial`] was read from (a PKCS#12 file is both certificate and key).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsSources {
    /// The CA certificate file (`ca`).
    pub ca: Option<PathBuf>,
    /// The client certificate file (`client_cert`, or `pkcs12`).
    pub client_cert: Option<PathBuf>,
    /// The client key file (`client_key`, or `pkcs12`).
    pub client_key: Option<PathBuf>,
}

impl TlsSources {
    /// Sources from the three file names.
    pub fn new(
        ca: Option<PathBuf>,
        client_cert: Option<PathBuf>,
        client_key: Option<PathBuf>,
    ) -> Self {
        Self {
            ca,
            client_cert,
            client_key,
        }
    }
}

impl TlsMaterial {
    /// Material from PEM bytes.
    ///
    /// ```
    /// use kmipkit::config::TlsMaterial;
    /// let m = TlsMaterial::new(b"ca".to_vec(), b"cert".to_vec(), b"SECRET-KEY".to_vec(), None);
    /// assert!(!format!("{m:?}").contains("SECRET"));
    /// ```
    pub fn new(
        ca_pem: Vec<u8>,
        client_cert_pem: Vec<u8>,
        client_key_pem: Vec<u8>,
        pinned_sha256: Option<[u8; 32]>,
    ) -> Self {
        Self {
            ca_pem,
            client_cert_pem,
            client_key_pem: Zeroizing::new(client_key_pem),
            pinned_sha256,
            sources: TlsSources::default(),
        }
    }
}

impl std::fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("ca_pem", &format_args!("<{} bytes>", self.ca_pem.len()))
            .field(
                "client_cert_pem",
                &format_args!("<{} bytes>", self.client_cert_pem.len()),
            )
            .field("client_private", &"<redacted>")
            .field("pinned_sha256", &self.pinned_sha256.is_some())
            .field("sources", &self.sources)
            .finish()
    }
}
