//! A Cosmian KMS started explicitly, whatever `KMIPKIT_TEST_SERVER` says, for the tests of what
//! only it offers here (key wrap and unwrap, KMIP over HTTPS, its profile): through the test
//! kit's [`TestServer::try_start_family`], so it is stopped by PID when dropped; when this
//! machine cannot build Cosmian, `None` with the reason printed.

use kmipkit::client::{Client, VersionChoice};
use kmipkit::spec::ProtocolVersion;
use kmipkit_testkit::{Family, ServerCert, TestServer};

use super::client::client_with;
use super::pykmip::TlsIdentity;

/// A fresh Cosmian KMS (new PKI, empty database) on free ports, or `None` with the reason
/// printed when it cannot be built here.
pub fn cosmian() -> Option<TestServer> {
    match TestServer::try_start_family(Family::Cosmian, 0, ServerCert::Good) {
        Ok(server) => Some(server),
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            None
        }
    }
}

/// A client of `server` with the good identity, pinned to `version`.
pub async fn pinned(server: &TestServer, version: ProtocolVersion) -> Client {
    let client = client_with(
        server,
        server.client_material(),
        VersionChoice::Pinned(version),
    )
    .await;
    assert_eq!(client.version(), version);
    client
}
