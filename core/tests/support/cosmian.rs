//! A Cosmian KMS started explicitly, whatever `KMIPKIT_TEST_SERVER` says, for the tests of what
//! only it offers here (key wrap and unwrap, KMIP over HTTPS, its profile): through the test
//! kit's [`TestServer::try_start_family`], so it is stopped by PID when dropped; when this
//! machine cannot build Cosmian, `None` with the reason printed.

use kmipkit_testkit::{Family, ServerCert, TestServer};

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
