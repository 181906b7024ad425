//! The TLS material of one configured server, whichever form its client identity takes.

use crate::config::{ServerConfig, TlsMaterial, TlsSources};
use crate::error::{Error, Result};

/// Reads the CA and client identity that `server` names: PEM certificate and key files, or a
/// PKCS#12 file (with its password file, if set), with the configured certificate pin.
///
/// The configuration keeps PKCS#12 parsing out of the sans-IO part of the crate, so a client
/// built from a configuration goes through here rather than [`ServerConfig::tls_material`].
///
/// ```no_run
/// # fn example() -> kmipkit::error::Result<()> {
/// let config = kmipkit::config::Config::load("kmipkit.toml")?;
/// let material = kmipkit::transport::material_for(&config.servers[0])?;
/// assert!(!format!("{material:?}").contains("PRIVATE KEY"));
/// # Ok(()) }
/// ```
pub fn material_for(server: &ServerConfig) -> Result<TlsMaterial> {
    let Some(p12) = server.pkcs12_bytes()? else {
        return server.tls_material();
    };
    let password = server.pkcs12_password()?;
    let p12_path = server.pkcs12.clone();
    let mut material = super::material_from_pkcs12(
        server.ca_pem()?,
        &p12,
        password.as_ref().map_or("", |p| p.as_str()),
    )
    .map_err(|e| match e {
        Error::Config {
            file: None,
            line,
            reason,
        } => Error::Config {
            file: p12_path.as_ref().map(|p| p.display().to_string()),
            line,
            reason: format!("pkcs12 of key server {}: {reason}", server.name),
        },
        other => other,
    })?;
    // The pin belongs to the server, not to the identity file: it is checked either way.
    material.pinned_sha256 = server.fingerprint_sha256;
    material.sources = TlsSources::new(Some(server.ca.clone()), p12_path.clone(), p12_path);
    Ok(material)
}
