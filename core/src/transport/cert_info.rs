//! What a handshake shows about a key server: [`TlsInfo`] and the reading of its certificate.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

/// What a TLS handshake with one key server showed (for `kmipkit servers check`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsInfo {
    /// The server's configured name.
    pub server: String,
    /// The socket address connected to, e.g. `127.0.0.1:5696`.
    pub address: String,
    /// Negotiated protocol: `TLS 1.2` or `TLS 1.3`.
    pub protocol_version: String,
    /// Negotiated cipher suite, e.g. `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// The server's leaf certificate.
    pub certificate: CertificateInfo,
    /// How many certificates the server sent (leaf included).
    pub chain_len: usize,
    /// Time to open the TCP connection (name resolution included).
    pub connect_time: Duration,
    /// Time of the TLS handshake after the TCP connection was open.
    pub handshake_time: Duration,
}

/// The readable parts of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// Subject distinguished name, e.g. `CN=kmip.example.com, O=Example`.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_before: String,
    /// End of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after: String,
    /// End of validity in seconds since the Unix epoch.
    pub not_after_unix: i64,
    /// Subject alternative names: `DNS:host`, `IP:127.0.0.1`, `URI:…`, `email:…`.
    pub subject_alt_names: Vec<String>,
    /// SHA-256 of the DER certificate: the value to pin.
    pub sha256: [u8; 32],
}

impl CertificateInfo {
    /// The SHA-256 fingerprint as `AB:CD:…`, the form `openssl x509 -fingerprint -sha256` prints.
    pub fn sha256_hex(&self) -> String {
        hex_colon(&self.sha256)
    }
}

/// The common name of the first certificate in `pem`: the identity a key server such as PyKMIP
/// gives a client that sends no KMIP credential.
pub(super) fn common_name(pem: &[u8]) -> Option<String> {
    use rustls::pki_types::pem::PemObject;
    let der = CertificateDer::pem_slice_iter(pem).next()?.ok()?;
    let (_, certificate) = X509Certificate::from_der(&der).ok()?;
    let name = certificate.subject().iter_common_name().next()?;
    name.as_str().ok().map(str::to_string)
}

/// Reads a DER certificate.
pub(super) fn parse(der: &CertificateDer<'_>) -> Result<CertificateInfo, String> {
    let (_, cert) = X509Certificate::from_der(der.as_ref()).map_err(|e| e.to_string())?;
    let validity = cert.validity();
    let mut subject_alt_names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            subject_alt_names.push(match name {
                GeneralName::DNSName(d) => format!("DNS:{d}"),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => format!(
                        "IP:{}",
                        Ipv4Addr::from(<[u8; 4]>::try_from(*ip).unwrap_or_default())
                    ),
                    16 => format!(
                        "IP:{}",
                        Ipv6Addr::from(<[u8; 16]>::try_from(*ip).unwrap_or_default())
                    ),
                    _ => format!("IP:{}", hex_colon(ip)),
                },
                GeneralName::URI(u) => format!("URI:{u}"),
                GeneralName::RFC822Name(m) => format!("email:{m}"),
                other => format!("{other:?}"),
            });
        }
    }
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: format_unix_signed(validity.not_before.timestamp()),
        not_after: format_unix_signed(validity.not_after.timestamp()),
        not_after_unix: validity.not_after.timestamp(),
        subject_alt_names,
        sha256: sha256(der),
    })
}

/// SHA-256 of a DER certificate.
pub(super) fn sha256(der: &CertificateDer<'_>) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der.as_ref());
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// `AB:CD:EF` hex.
pub(super) fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch.
pub(super) fn format_unix(secs: u64) -> String {
    format_unix_signed(i64::try_from(secs).unwrap_or(i64::MAX))
}

fn format_unix_signed(secs: i64) -> String {
    crate::time::UtcTime::from_unix(secs).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_format_as_utc() {
        assert_eq!(format_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_unix(1_767_225_599), "2025-12-31T23:59:59Z");
        assert_eq!(format_unix_signed(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn fingerprints_print_like_openssl() {
        assert_eq!(hex_colon(&[0xab, 0x01, 0xff]), "AB:01:FF");
    }
}
