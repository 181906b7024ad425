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

/// Asserts Cosmian KMS's refusal to Get a Deactivated key (measured on 5.28: Revoke with
/// Cessation of Operation, then Get → Wrong Key Lifecycle State, "DENIED"): data sealed under a
/// Deactivated Model 2 version cannot be decrypted there (Cosmian hands revoked keys out only
/// through Export). Declared per test in the kit's table of differences.
pub fn assert_deactivated_get_refused<T: std::fmt::Debug>(result: kmipkit::error::Result<T>) {
    use kmipkit::spec::{Operation, ResultReason};
    match result {
        Err(kmipkit::Error::Server {
            operation: Some(Operation::Get),
            reason: ResultReason::WrongKeyLifecycleState,
            ..
        }) => {}
        other => panic!("expected Cosmian's refusal to Get a Deactivated key, got {other:?}"),
    }
}
