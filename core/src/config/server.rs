//! One configured key server and the secret files it names.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::Wire;
use super::files::{self, FileProblem, Protection};
use super::{TlsMaterial, TlsSources};
use crate::error::{Error, Result, shown, shown_path};
use crate::message::Credential;

/// The default KMIP port.
pub const DEFAULT_PORT: u16 = 5696;

/// One key server: where it is, the TLS files to reach it, and the optional KMIP credential.
///
/// Paths are absolute once loaded (relative ones are resolved against the configuration file's
/// directory). No field holds a secret: passwords and private keys stay in their files until
/// [`ServerConfig::password`] or [`ServerConfig::tls_material`] reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// Name used in messages and logs: "primary", "secondary-1", ... unless the file names it.
    pub name: String,
    /// Host name or IP address; also the name the server's certificate must carry.
    pub host: String,
    /// TCP port (default 5696; 443 for an https URL without one).
    pub port: u16,
    /// KMIP's TTLV stream, or KMIP over HTTPS when the file sets `url = "https://…"`.
    pub wire: Wire,
    /// PEM CA certificate(s) that sign the server's certificate.
    pub ca: PathBuf,
    /// PEM client certificate chain (with `client_key`), unless `pkcs12` is used.
    pub client_cert: Option<PathBuf>,
    /// PEM private key of the client certificate (mode 0600).
    pub client_key: Option<PathBuf>,
    /// PKCS#12 file with the client certificate and key (mode 0600), instead of the PEM files.
    pub pkcs12: Option<PathBuf>,
    /// File holding the PKCS#12 password (mode 0600); absent for an unprotected file.
    pub pkcs12_password_file: Option<PathBuf>,
    /// SHA-256 fingerprint the server's leaf certificate must have, checked in addition to the chain.
    pub fingerprint_sha256: Option<[u8; 32]>,
    /// KMIP Credential user name, sent with every request when set.
    pub username: Option<String>,
    /// File holding the KMIP Credential password (mode 0600).
    pub password_file: Option<PathBuf>,
    /// Name of the environment variable holding the KMIP Credential password.
    pub password_env: Option<String>,
}

impl Default for ServerConfig {
    /// A server named "primary" on localhost, port 5696, with no files set.
    fn default() -> Self {
        Self {
            name: "primary".into(),
            host: "localhost".into(),
            port: DEFAULT_PORT,
            wire: Wire::Ttlv,
            ca: PathBuf::new(),
            client_cert: None,
            client_key: None,
            pkcs12: None,
            pkcs12_password_file: None,
            fingerprint_sha256: None,
            username: None,
            password_file: None,
            password_env: None,
        }
    }
}

impl ServerConfig {
    /// "host:port", with IPv6 addresses in brackets.
    pub fn address(&self) -> String {
        match self.host.contains(':') {
            true => format!("[{}]:{}", self.host, self.port),
            false => format!("{}:{}", self.host, self.port),
        }
    }

    /// Reads the CA certificate and the PEM client certificate and key.
    ///
    /// Refuses a private key other users can read or write, and certificates other users can
    /// change. A server configured with PKCS#12 gets an error: the transport reads that file
    /// itself through [`ServerConfig::pkcs12_bytes`] and [`ServerConfig::pkcs12_password`].
    pub fn tls_material(&self) -> Result<TlsMaterial> {
        let ca = self.read_file("ca", &self.ca, Protection::Public)?;
        let (cert_path, key_path) = match (&self.client_cert, &self.client_key, &self.pkcs12) {
            (Some(cert), Some(key), None) => (cert, key),
            (_, _, Some(p12)) => {
                return Err(self.error(
                    Some(p12),
                    "the client identity is a PKCS#12 file, read with kmipkit::transport::material_for()",
                ));
            }
            _ => {
                return Err(
                    self.error(None, "neither client_cert and client_key nor pkcs12 is set")
                );
            }
        };
        let cert = self.read_file("client_cert", cert_path, Protection::Public)?;
        let key = self.read_file("client_key", key_path, Protection::Secret)?;
        let mut material = TlsMaterial::new(
            ca.to_vec(),
            cert.to_vec(),
            key.to_vec(),
            self.fingerprint_sha256,
        );
        material.sources = TlsSources::new(
            Some(self.ca.clone()),
            Some(cert_path.clone()),
            Some(key_path.clone()),
        );
        Ok(material)
    }

    /// The CA certificate(s), as PEM text.
    pub fn ca_pem(&self) -> Result<Vec<u8>> {
        Ok(self.read_file("ca", &self.ca, Protection::Public)?.to_vec())
    }

    /// The PKCS#12 file's bytes, if this server uses one (refused unless mode 0600).
    pub fn pkcs12_bytes(&self) -> Result<Option<Zeroizing<Vec<u8>>>> {
        self.pkcs12
            .as_deref()
            .map(|p| self.read_file("pkcs12", p, Protection::Secret))
            .transpose()
    }

    /// The PKCS#12 password from `pkcs12_password_file`, if set.
    pub fn pkcs12_password(&self) -> Result<Option<Zeroizing<String>>> {
        let Some(path) = &self.pkcs12_password_file else {
            return Ok(None);
        };
        files::read_password(path)
            .map(Some)
            .map_err(|p| self.file_error("pkcs12_password_file", path, p))
    }

    /// The KMIP credential sent with every request to this server: `username` with its
    /// [`ServerConfig::password`], or `None` when no username is configured.
    ///
    /// ```no_run
    /// # fn example() -> kmipkit::error::Result<()> {
    /// let config = kmipkit::config::Config::load("kmipkit.toml")?;
    /// let credential = config.servers[0].credential()?;
    /// assert!(!format!("{credential:?}").contains("hunter2"));
    /// # Ok(()) }
    /// ```
    pub fn credential(&self) -> Result<Option<Credential>> {
        let Some(username) = &self.username else {
            return Ok(None);
        };
        Ok(Some(Credential::UsernameAndPassword {
            username: username.clone(),
            password: self.password()?,
        }))
    }

    /// The KMIP Credential password: from `password_file` (refused unless mode 0600; one
    /// trailing line break removed) or from the environment variable `password_env`.
    pub fn password(&self) -> Result<Option<Zeroizing<String>>> {
        if let Some(path) = &self.password_file {
            return files::read_password(path)
                .map(Some)
                .map_err(|p| self.file_error("password_file", path, p));
        }
        let Some(var) = &self.password_env else {
            return Ok(None);
        };
        let shown_var = shown(var);
        match std::env::var(var) {
            Ok(value) if !value.is_empty() => Ok(Some(Zeroizing::new(value))),
            Ok(_) => Err(self.error(
                None,
                &format!("password_env = {shown_var}: the environment variable is empty"),
            )),
            Err(std::env::VarError::NotPresent) => Err(self.error(
                None,
                &format!("password_env = {shown_var}: the environment variable is not set; export it before running, or use password_file"),
            )),
            Err(std::env::VarError::NotUnicode(bytes)) => {
                drop(Zeroizing::new(bytes.into_encoded_bytes()));
                Err(self.error(
                    None,
                    &format!("password_env = {shown_var}: the value is not UTF-8"),
                ))
            }
        }
    }

    fn read_file(
        &self,
        setting: &str,
        path: &Path,
        protection: Protection,
    ) -> Result<Zeroizing<Vec<u8>>> {
        files::read(path, protection).map_err(|p| self.file_error(setting, path, p))
    }

    fn file_error(&self, setting: &str, path: &Path, problem: FileProblem) -> Error {
        Error::Config {
            file: Some(shown_path(path)),
            line: None,
            reason: format!("{setting} of key server {}: {problem}", shown(&self.name)),
        }
    }

    fn error(&self, file: Option<&Path>, what: &str) -> Error {
        Error::Config {
            file: file.map(|p| p.display().to_string()),
            line: None,
            reason: format!("key server {}: {what}", shown(&self.name)),
        }
    }
}
