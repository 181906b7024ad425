//! rustls client configuration from [`TlsMaterial`], the optional fingerprint pin, PKCS#12
//! identities, and the translation of TLS failures into plain-words [`Error`]s.
//!
//! Verification cannot be turned off: the roots are only the configured CA, the host name is
//! always checked (an IP address against the certificate's IP SANs), and a pin is checked in
//! addition to, never instead of, the chain.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, OtherError,
    RootCertStore,
};
use zeroize::Zeroizing;

use super::cert_info::{self, format_unix};
use crate::config::TlsMaterial;
use crate::error::{Error, Party, Result, shown, shown_path};

/// A ready rustls configuration for one endpoint.
pub(super) struct ClientTls {
    pub(super) config: Arc<ClientConfig>,
    pub(super) server_name: ServerName<'static>,
    /// Whether a client certificate is configured (an empty one means "none").
    pub(super) client_auth: bool,
}

/// Builds the rustls configuration for key server `server` at `host`; bad PEM, a key that does
/// not match its certificate, or an unusable host name is an [`Error::Config`] naming the setting
/// and, when the material came from files, the file.
pub(super) fn client_tls(server: &str, host: &str, material: &TlsMaterial) -> Result<ClientTls> {
    let files = &material.sources;
    let server_name = ServerName::try_from(host.to_owned()).map_err(|_| {
        config_error(
            server,
            None,
            format!(
                "host `{}` is neither a valid DNS name nor an IP address",
                shown(host)
            ),
        )
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());

    let ca_file = files.ca.as_deref();
    let mut roots = RootCertStore::empty();
    let ca_certs = pem_certificates("CA certificate (ca)", &material.ca_pem)
        .map_err(|why| config_error(server, ca_file, why))?;
    for cert in ca_certs {
        roots.add(cert).map_err(|e| {
            config_error(
                server,
                ca_file,
                format!("the CA certificate (ca) cannot be used as a trust anchor: {e}"),
            )
        })?;
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| {
            config_error(
                server,
                ca_file,
                format!("the CA certificate (ca) is not usable: {e}"),
            )
        })?;

    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| config_error(server, None, format!("TLS setup failed: {e}")))?;
    let builder = match material.pinned_sha256 {
        None => builder.with_webpki_verifier(webpki),
        // "dangerous" only in name: the pinning verifier runs the full webpki check first.
        Some(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedVerifier { inner: webpki, pin })),
    };

    let cert_file = files.client_cert.as_deref();
    let key_file = files.client_key.as_deref();
    let no_cert = material.client_cert_pem.iter().all(u8::is_ascii_whitespace);
    let no_key = material.client_key_pem.iter().all(u8::is_ascii_whitespace);
    let config = match (no_cert, no_key) {
        (true, true) if cert_file.is_none() && key_file.is_none() => builder.with_no_client_auth(),
        (true, _) => {
            let why = match cert_file {
                Some(_) => "the client certificate (client_cert) is empty",
                None => "a client key is configured but no client certificate (client_cert)",
            };
            return Err(config_error(server, cert_file, why));
        }
        (false, true) => {
            let why = match key_file {
                Some(_) => "the client key (client_key) is empty",
                None => "a client certificate is configured but no client key (client_key)",
            };
            return Err(config_error(server, key_file, why));
        }
        (false, false) => {
            let chain = pem_certificates(
                "client certificate (client_cert)",
                &material.client_cert_pem,
            )
            .map_err(|why| config_error(server, cert_file, why))?;
            let key = PrivateKeyDer::from_pem_slice(&material.client_key_pem).map_err(|e| {
                config_error(
                    server,
                    key_file,
                    format!(
                        "the client key (client_key) holds no usable PEM private key \
                         (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`; \
                         encrypted keys are not supported): {}",
                        pem_error(&e)
                    ),
                )
            })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| match e {
                    rustls::Error::InconsistentKeys(_) => config_error(
                        server,
                        key_file,
                        format!(
                            "the client key (client_key) does not belong to the client certificate \
                         (client_cert{}); configure the key that was issued with that certificate",
                            cert_file.map_or_else(String::new, |p| format!(" = {}", shown_path(p)))
                        ),
                    ),
                    other => config_error(
                        server,
                        key_file,
                        format!("the client certificate or key is not usable: {other}"),
                    ),
                })?
        }
    };
    // TLS 1.2 without the extended master secret lets a man in the middle synchronize two
    // sessions (the triple handshake attack); rustls accepts it unless told otherwise.
    let mut config = config;
    config.require_ems = true;
    Ok(ClientTls {
        config: Arc::new(config),
        server_name,
        client_auth: !(no_cert && no_key),
    })
}

/// Client identity from a PKCS#12 (`.p12`/`.pfx`) file: its private key and certificate chain,
/// converted to the PEM form [`TlsMaterial`] holds; `ca_pem` is the CA that signs the server.
///
/// Both modern (PBES2/AES) and legacy (3DES/RC2) protected files are read. The key must be
/// the only one in the file, or the one whose certificate carries the same local key id.
pub fn material_from_pkcs12(ca_pem: Vec<u8>, pkcs12: &[u8], password: &str) -> Result<TlsMaterial> {
    let fail = |reason: String| Error::Config {
        file: None,
        line: None,
        reason,
    };
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(pkcs12, password).map_err(|e| {
        fail(format!(
            "the PKCS#12 client identity cannot be opened ({e}): wrong password, damaged file, \
             or not a PKCS#12 file"
        ))
    })?;
    let (key, leaf) = match archive.keys.as_slice() {
        [] => return Err(fail("the PKCS#12 file holds no private key".into())),
        keys => keys
            .iter()
            .find_map(|key| {
                let id = key.local_key_id.as_ref()?;
                let cert = archive
                    .certs
                    .iter()
                    .find(|c| c.local_key_id.as_deref() == Some(&id.0[..]))?;
                Some((key, &cert.cert))
            })
            .or(match (keys, archive.certs.as_slice()) {
                ([key], [cert]) => Some((key, &cert.cert)),
                _ => None,
            })
            .ok_or_else(|| {
                fail(
                    "the PKCS#12 file does not say which certificate belongs to its private key"
                        .into(),
                )
            })?,
    };
    let mut chain = vec![leaf];
    while let Some(issuer) = archive.certs.iter().map(|c| &c.cert).find(|c| {
        let last = chain[chain.len() - 1];
        c.subject() == last.issuer() && last.subject() != last.issuer() && !chain.contains(c)
    }) {
        chain.push(issuer);
    }
    let mut cert_pem = Vec::new();
    for cert in chain {
        cert_pem.extend_from_slice(&to_pem("CERTIFICATE", cert.as_der()));
    }
    let mut key_pem = to_pem("PRIVATE KEY", key.key.as_der());
    Ok(TlsMaterial::new(
        ca_pem,
        cert_pem,
        std::mem::take(&mut *key_pem),
        None,
    ))
}

/// The translation of a failed TLS handshake into an error that says what to fix.
pub(super) fn handshake_error(
    server: &str,
    host: &str,
    client_auth: bool,
    error: io::Error,
) -> Error {
    if let Some(tls) = rustls_error(&error) {
        return from_rustls(server, host, client_auth, tls);
    }
    // A cut connection may be a server too busy to accept it (a full listen backlog): unlike a
    // refusal, it is worth another attempt, so it is told as a lost connection.
    let reason = match error.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            "the server closed the connection during the TLS handshake without a TLS alert; check that \
             this port serves KMIP over TLS, and that the server accepts the client certificate \
             (the server's log says why it hung up)"
                .to_string()
        }
        _ => format!("I/O error during the TLS handshake: {error}"),
    };
    Error::ConnectionLost {
        server: server.into(),
        request_sent: false,
        reason,
    }
}

/// The rustls error inside an I/O error from tokio-rustls, if there is one.
pub(super) fn rustls_error(error: &io::Error) -> Option<&rustls::Error> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// The translation of a rustls error (in the handshake or after it: TLS 1.3 servers refuse a
/// client certificate after the client's handshake is complete).
pub(super) fn from_rustls(
    server: &str,
    host: &str,
    client_auth: bool,
    error: &rustls::Error,
) -> Error {
    let tls = |reason: String| Error::Tls {
        server: server.into(),
        reason,
    };
    let certificate = |rejected_by: Party, reason: String| Error::Certificate {
        server: server.into(),
        rejected_by,
        reason,
    };
    match error {
        rustls::Error::InvalidCertificate(e) => {
            certificate(Party::Client, server_certificate_reason(host, e))
        }
        rustls::Error::NoCertificatesPresented => {
            certificate(Party::Client, "the server presented no certificate".into())
        }
        rustls::Error::AlertReceived(alert) => alert_error(server, client_auth, *alert),
        rustls::Error::InvalidMessage(_)
        | rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. } => tls(format!(
            "the server does not speak TLS as expected ({error}); check that the port is the \
             server's KMIP TLS port (usually 5696), not a plain-text or other service"
        )),
        rustls::Error::PeerIncompatible(
            rustls::PeerIncompatible::ExtendedMasterSecretExtensionRequired,
        ) => tls(
            "the server does not support TLS 1.2's extended master secret (RFC 7627), which \
             kmipkit requires (without it a TLS 1.2 session can be hijacked); enable it on the key \
             server, or use TLS 1.3"
                .into(),
        ),
        rustls::Error::PeerIncompatible(_) => tls(format!(
            "the server and kmipkit have no TLS version or cipher suite in common ({error}); kmipkit \
             offers TLS 1.2 and 1.3 with ECDHE and AES-GCM or ChaCha20-Poly1305 — a server with an RSA \
             certificate that offers only CBC suites must enable GCM suites or use an ECDSA certificate"
        )),
        rustls::Error::PeerMisbehaved(_) => {
            tls(format!("the server broke the TLS protocol: {error}"))
        }
        other => tls(other.to_string()),
    }
}

/// Why kmipkit refused the server's certificate, and what to fix.
fn server_certificate_reason(host: &str, error: &CertificateError) -> String {
    #[allow(deprecated)]
    match error {
        CertificateError::UnknownIssuer => {
            "the server's certificate is not signed by the configured CA; set \
             `ca` to the CA certificate that issued the key server's certificate"
                .into()
        }
        CertificateError::NotValidForNameContext { presented, .. } if !presented.is_empty() => {
            format!(
                "the server's certificate is issued for {}, not for {host}; connect with one of those names, \
             or reissue the server certificate with {host} in its subject alternative names",
                presented
                    .iter()
                    .map(|name| presented_name(name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!(
                "the server's certificate is not issued for {host}; connect with a name the certificate \
             lists, or reissue it with {host} in its subject alternative names"
            )
        }
        CertificateError::ExpiredContext { not_after, .. } => format!(
            "the server's certificate expired on {}; the key server needs a renewed certificate \
             (or this machine's clock is wrong)",
            format_unix(not_after.as_secs())
        ),
        CertificateError::Expired => {
            "the server's certificate expired; the key server needs a renewed \
             certificate (or this machine's clock is wrong)"
                .into()
        }
        CertificateError::NotValidYetContext { not_before, .. } => format!(
            "the server's certificate is not valid before {}; check this machine's clock",
            format_unix(not_before.as_secs())
        ),
        CertificateError::NotValidYet => {
            "the server's certificate is not valid yet; check this machine's clock".into()
        }
        CertificateError::Revoked => "the server's certificate is revoked".into(),
        CertificateError::BadSignature => {
            "the signature on the server's certificate does not verify: the \
             certificate chain is damaged or was not issued by the configured CA"
                .into()
        }
        CertificateError::UnsupportedSignatureAlgorithm
        | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "the server's certificate is signed with an algorithm kmipkit does not accept".into()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the server's certificate is not issued for TLS servers (its extended key usage lacks \
             serverAuth)"
                .into()
        }
        CertificateError::BadEncoding => {
            "the server's certificate is not a valid X.509 certificate".into()
        }
        CertificateError::UnhandledCriticalExtension => {
            "the server's certificate carries a critical extension kmipkit does not understand"
                .into()
        }
        CertificateError::Other(other) => match other.0.downcast_ref::<PinMismatch>() {
            Some(pin) => pin.to_string(),
            None => format!("the server's certificate was refused: {other}"),
        },
        other => format!("the server's certificate was refused: {other}"),
    }
}

/// A name from webpki's list (`DnsName("a.example")`, `IpAddress(10.0.0.1)`) as people write it.
fn presented_name(debug: &str) -> String {
    let inner = |prefix: &str| {
        debug
            .strip_prefix(prefix)?
            .strip_suffix(')')
            .map(|s| s.trim_matches('"').to_string())
    };
    inner("DnsName(")
        .or_else(|| inner("IpAddress("))
        .or_else(|| inner("UniformResourceIdentifier(").map(|uri| format!("URI {uri}")))
        .unwrap_or_else(|| debug.to_string())
}

/// A TLS alert from the server: most say it refused our client certificate.
fn alert_error(server: &str, client_auth: bool, alert: AlertDescription) -> Error {
    let refused = |reason: &str| Error::Certificate {
        server: server.into(),
        rejected_by: Party::Server,
        reason: format!("{reason} (TLS alert {})", alert_name(alert)),
    };
    match alert {
        AlertDescription::CertificateRequired => refused(
            "the server requires a client certificate and none was sent; set client_cert and client_key",
        ),
        AlertDescription::HandshakeFailure if !client_auth => refused(
            "no client certificate is configured and the server requires one; set client_cert and \
             client_key",
        ),
        AlertDescription::UnknownCA => refused(
            "the client certificate is not issued by a CA the server trusts; have it issued by the CA \
             the key server trusts for clients, or add its CA to the server's trust list",
        ),
        AlertDescription::CertificateExpired => refused(
            "the client certificate has expired (or is not valid yet); renew client_cert, or check the \
             clocks",
        ),
        AlertDescription::CertificateRevoked => {
            refused("the client certificate is revoked; get a new one")
        }
        AlertDescription::UnsupportedCertificate => refused(
            "the server does not accept this kind of client certificate; a KMIP client certificate \
             needs the clientAuth extended key usage (and digitalSignature key usage)",
        ),
        AlertDescription::BadCertificate | AlertDescription::CertificateUnknown => refused(
            "the server refused the client certificate; check that it is issued by a CA the server \
             trusts, is within its validity period, carries the clientAuth extended key usage, and \
             that client_key belongs to it",
        ),
        AlertDescription::AccessDenied => refused(
            "the server accepted the client certificate as valid but does not let it in; ask the key \
             server's administrator to authorize this client identity",
        ),
        AlertDescription::ProtocolVersion => Error::Tls {
            server: server.into(),
            reason: "the server does not accept TLS 1.2 or 1.3 (TLS alert protocol_version)".into(),
        },
        AlertDescription::HandshakeFailure | AlertDescription::InsufficientSecurity => Error::Tls {
            server: server.into(),
            reason: format!(
                "the server ended the handshake (TLS alert {}): usually no cipher suite in common \
                 (kmipkit offers ECDHE with AES-GCM or ChaCha20-Poly1305), sometimes a refused client \
                 certificate; the server's log says which",
                alert_name(alert)
            ),
        },
        // A problem on the server's side, which may pass: worth another attempt.
        AlertDescription::InternalError => Error::ConnectionLost {
            server: server.into(),
            request_sent: false,
            reason: "the server ended the TLS handshake with alert internal_error (a problem on \
                     its side; its log says which)"
                .into(),
        },
        other => Error::Tls {
            server: server.into(),
            reason: format!(
                "the server ended the handshake with TLS alert {}",
                alert_name(other)
            ),
        },
    }
}

/// The RFC 8446 name of an alert (`bad_certificate`), as servers' logs print it.
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut name = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name.replace("unknown_c_a", "unknown_ca")
}

/// All certificates of a PEM text; at least one. `Err` says what is wrong with the `what`.
fn pem_certificates(what: &str, pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    if pem.iter().all(u8::is_ascii_whitespace) {
        return Err(format!("the {what} is empty"));
    }
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the {what} is not valid PEM: {}", pem_error(&e)))?;
    if certs.is_empty() {
        return Err(format!(
            "the {what} holds no PEM `CERTIFICATE` block; is it the right file?"
        ));
    }
    for cert in &certs {
        cert_info::parse(cert).map_err(|e| {
            format!("the {what} holds a block that is not an X.509 certificate: {e}")
        })?;
    }
    Ok(certs)
}

fn pem_error(error: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error as Pem;
    match error {
        Pem::NoItemsFound => "no matching PEM block found".into(),
        Pem::MissingSectionEnd { end_marker } => {
            let label = String::from_utf8_lossy(end_marker);
            let label = shown(&label);
            format!("`-----BEGIN {label}-----` has no `-----END {label}-----` line")
        }
        Pem::IllegalSectionStart { line } => format!(
            "malformed `-----BEGIN` line: {}",
            shown(&String::from_utf8_lossy(line))
        ),
        other => other.to_string(),
    }
}

fn config_error(server: &str, file: Option<&Path>, reason: impl AsRef<str>) -> Error {
    Error::Config {
        file: file.map(shown_path),
        line: None,
        reason: format!("key server `{server}`: {}", reason.as_ref()),
    }
}

/// PEM text of one DER object, in a buffer that is zeroized on drop (it may hold a key).
fn to_pem(label: &str, der: &[u8]) -> Zeroizing<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let encoded_len = der.len().div_ceil(3) * 4;
    let mut out = Zeroizing::new(Vec::with_capacity(
        encoded_len + encoded_len / 64 + 2 * label.len() + 40,
    ));
    out.extend_from_slice(format!("-----BEGIN {label}-----\n").as_bytes());
    let mut column = 0;
    for chunk in der.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            let symbol = if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize]
            } else {
                b'='
            };
            out.push(symbol);
        }
        column += 4;
        if column == 64 {
            out.push(b'\n');
            column = 0;
        }
    }
    if column != 0 {
        out.push(b'\n');
    }
    out.extend_from_slice(format!("-----END {label}-----\n").as_bytes());
    out
}

/// The full webpki verification, then the leaf's SHA-256 fingerprint against the pin.
#[derive(Debug)]
struct PinnedVerifier {
    inner: Arc<WebPkiServerVerifier>,
    pin: [u8; 32],
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let found = cert_info::sha256(end_entity);
        if found != self.pin {
            let mismatch = PinMismatch {
                pinned: self.pin,
                found,
            };
            return Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(mismatch)),
            )));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// The server's certificate is valid but is not the pinned one.
#[derive(Debug)]
struct PinMismatch {
    pinned: [u8; 32],
    found: [u8; 32],
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server's certificate has SHA-256 fingerprint {}, not the pinned {}; if the key server's \
             certificate was replaced on purpose, update the pinned fingerprint",
            cert_info::hex_colon(&self.found),
            cert_info::hex_colon(&self.pinned)
        )
    }
}

impl std::error::Error for PinMismatch {}

/// A self-signed EC P-256 CA (no key kept): a trust anchor for building configurations.
#[cfg(test)]
pub(super) const UNIT_TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBlDCCATugAwIBAgIUPCk1Sjm3F6KH1GP2HAHqnAqn5QIwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUa21pcGtpdCB1bml0LXRlc3QgQ0EwIBcNMjYxMjAyMjMwNjQ5
WhgPMjEyNjExMDgyMzA2NDlaMB8xHTAbBgNVBAMMFGttaXBraXQgdW5pdC10ZXN0
IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFzXS/e8SeyFflIksNdlLmRY/
Mj6wLQAsT1kcyP04WF1rVs0Mqsepm6DWZI9mrOjepybObMtucNC9bvNhCsao3aNT
MFEwHQYDVR0OBBYEFGzdmKiJGiPG7NwYLI6kjWW2LEiEMB8GA1UdIwQYMBaAFGzd
mKiJGiPG7NwYLI6kjWW2LEiEMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
RwAwRAIgf3Xb93Vr++zvUheXLcck+ffHqjlFTbP2Mbq/pvI7rQ4CIDMdD44oXxoU
QBWk33gNem3BLy0hnBt/jp5AbD3JmAO8
-----END CERTIFICATE-----
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names_are_the_rfc_ones() {
        assert_eq!(
            alert_name(AlertDescription::BadCertificate),
            "bad_certificate"
        );
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(
            alert_name(AlertDescription::CertificateExpired),
            "certificate_expired"
        );
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
    }

    #[test]
    fn presented_names_read_like_names() {
        assert_eq!(presented_name("DnsName(\"kms.example\")"), "kms.example");
        assert_eq!(presented_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(presented_name("IpAddress(::1)"), "::1");
        assert_eq!(presented_name("DirectoryName"), "DirectoryName");
    }

    #[test]
    fn pem_encoding_round_trips() {
        for len in 0..200 {
            let der: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let pem = to_pem("CERTIFICATE", &der);
            let back = CertificateDer::from_pem_slice(&pem).map(|c| c.to_vec());
            if len == 0 {
                continue;
            }
            assert_eq!(back.unwrap(), der, "length {len}");
        }
    }

    #[test]
    fn bad_pem_is_a_config_error_naming_the_setting() {
        let material = TlsMaterial::new(b"not pem".to_vec(), Vec::new(), Vec::new(), None);
        let err = client_tls("primary", "kms.example", &material)
            .err()
            .unwrap();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(
            err.to_string().contains("`primary`") && err.to_string().contains("(ca)"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_host_name_is_a_config_error() {
        let material = TlsMaterial::new(Vec::new(), Vec::new(), Vec::new(), None);
        let err = client_tls("primary", "no spaces allowed", &material)
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("neither a valid DNS name"),
            "{err}"
        );
    }

    #[test]
    fn tls12_requires_the_extended_master_secret() {
        let material = TlsMaterial::new(
            UNIT_TEST_CA.as_bytes().to_vec(),
            Vec::new(),
            Vec::new(),
            None,
        );
        let tls = client_tls("primary", "kms.example", &material).expect("config");
        assert!(tls.config.require_ems);
        let message = from_rustls(
            "primary",
            "kms.example",
            true,
            &rustls::Error::PeerIncompatible(
                rustls::PeerIncompatible::ExtendedMasterSecretExtensionRequired,
            ),
        )
        .to_string();
        assert!(message.contains("extended master secret"), "{message}");
    }

    #[test]
    fn pkcs12_garbage_is_a_config_error() {
        let err = material_from_pkcs12(Vec::new(), b"garbage", "pw").unwrap_err();
        assert!(err.to_string().contains("PKCS#12"), "{err}");
    }
}
