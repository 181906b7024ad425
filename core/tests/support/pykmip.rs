//! Live key servers from the shared test kit (`conformance/testkit`): PyKMIP, or Cosmian KMS
//! with `KMIPKIT_TEST_SERVER=cosmian`, with the kit's table of their measured differences
//! (`differs`, `excluded`); and the core's TLS material from their PKI files (the kit does not
//! depend on the core; see its Cargo.toml).

use kmipkit::config::TlsMaterial;
pub use kmipkit_testkit::{
    Family, ServerCert, TestServer, differs, excluded, free_port, wait_listening,
};

/// [`TlsMaterial`] from a [`TestServer`]'s report.
pub trait TlsIdentity {
    /// The server's CA and the client certificate and key named by their report keys
    /// (`client_cert`/`client_key`, `expired_client_cert`/`expired_client_key`, ...).
    fn material(&self, cert_key: &str, key_key: &str) -> TlsMaterial;

    /// The good client identity.
    fn client_material(&self) -> TlsMaterial {
        self.material("client_cert", "client_key")
    }
}

impl TlsIdentity for TestServer {
    fn material(&self, cert_key: &str, key_key: &str) -> TlsMaterial {
        TlsMaterial::new(self.pem("ca"), self.pem(cert_key), self.pem(key_key), None)
    }
}
