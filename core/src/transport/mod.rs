//! The client's I/O seam and what carries the bytes.
//!
//! - [`Link`] (`seam.rs`): send one request to server *i*, get its reply. Everything above it
//!   is transport-independent.
//! - [`Cluster`] (`cluster.rs`): failover, back-off and the call's deadline, over any link.
//! - How each server is reached, its [`Wire`]: KMIP's TTLV stream on the TLS connection, or
//!   KMIP over HTTPS (`http.rs`, OASIS KMIP Profiles §5.3: one HTTP/1.1 POST per request on the
//!   same pooled, kept-open connections, with TTLV or JSON bodies, `https_body.rs`). Both TLS
//!   pools below speak both; timeouts, failover and the pool's rules are the same.
//! - Implementations: [`Transport`] (feature `net`), the tokio mutual-TLS pool;
//!   [`BlockingTransport`] (feature `net`), the same on `std::net` with no async runtime;
//!   [`HostLink`], I/O done by the embedder (C callbacks, JavaScript async functions).
//!
//! The TLS links: rustls with the aws-lc-rs provider, TLS 1.2 and 1.3; the only trust anchor is
//! the configured CA; SNI and host-name verification always (an IP host is checked against IP
//! SANs); optional SHA-256 pin of the server's certificate checked in addition. There is no way
//! to turn verification off. Per server, at most [`PoolSettings::max_connections_per_server`]
//! connections are open; a request that finds them all busy waits for one (first come, first
//! served) until its deadline. Idle connections are reused most-recent first; those idle longer
//! than [`PoolSettings::idle_timeout`] or older than [`PoolSettings::max_lifetime`] are closed.
//! A pooled connection is checked for a close before reuse, and after
//! [`PoolSettings::probe_after_idle`] also probed with a DiscoverVersions round trip. A pooled
//! connection that turns out dead before the request reached the server is replaced by a fresh
//! one, transparently. They know nothing of KMIP beyond the 8-byte TTLV header that frames a
//! reply (and a DiscoverVersions request used as a liveness probe).

mod cluster;
mod host;
mod https_body;
mod seam;
mod settings;

#[cfg(feature = "net")]
mod async_pool;
#[cfg(feature = "net")]
mod blocking;
#[cfg(feature = "net")]
mod cert_info;
#[cfg(feature = "net")]
mod conn;
#[cfg(feature = "net")]
mod http;
#[cfg(feature = "net")]
mod identity;
#[cfg(feature = "net")]
mod idle;
#[cfg(feature = "net")]
mod pool;
#[cfg(feature = "net")]
mod tls;
#[cfg(feature = "net")]
mod tls_link;

pub use cluster::Cluster;
pub use host::{HostLink, HostPause, HostSend};
pub use https_body::{JSON_EXPANSION, https_reply_ttlv, https_request_body};
pub use seam::{Call, Link, Peer, Sent, ServerStats};
pub use settings::{Endpoint, HttpsEncoding, PoolSettings, Reply, Retry, Timeouts, Wire};

#[cfg(feature = "net")]
pub use async_pool::{TlsPool, Transport};
#[cfg(feature = "net")]
pub use blocking::BlockingTransport;
#[cfg(feature = "net")]
pub use cert_info::{CertificateInfo, TlsInfo};
#[cfg(feature = "net")]
pub use identity::material_for;
#[cfg(feature = "net")]
pub use tls::material_from_pkcs12;

#[cfg(all(test, feature = "net"))]
mod tests {
    use zeroize::Zeroizing;

    use super::*;
    use crate::config::{MAX_SERVERS, TlsMaterial};
    use crate::error::{Error, Result};
    use crate::ttlv::Limits;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn transport_is_shareable() {
        assert_send_sync::<Transport>();
    }

    #[test]
    fn no_servers_is_a_config_error() {
        let err = Transport::new(
            Vec::new(),
            Timeouts::default(),
            PoolSettings::default(),
            Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }

    fn endpoints(names: impl IntoIterator<Item = String>) -> Vec<Endpoint> {
        let material = TlsMaterial::new(Vec::new(), Vec::new(), Vec::new(), None);
        names
            .into_iter()
            .map(|name| Endpoint::new(name, "kms.example", 5696, material.clone()))
            .collect()
    }

    fn transport(endpoints: Vec<Endpoint>) -> Result<Transport> {
        Transport::new(
            endpoints,
            Timeouts::default(),
            PoolSettings::default(),
            Limits::default(),
        )
    }

    #[test]
    fn duplicate_names_are_refused() {
        let names = ["a", "b", "c", "b"].map(String::from);
        let err = transport(endpoints(names)).unwrap_err();
        assert!(err.to_string().contains("named `b`"), "{err}");
    }

    #[test]
    fn more_servers_than_the_limit_are_refused() {
        let names = (0..=MAX_SERVERS).map(|i| format!("s{i}"));
        let err = transport(endpoints(names)).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("{} key servers", MAX_SERVERS + 1)),
            "{err}"
        );
        assert!(err.to_string().contains("at most 64"), "{err}");
    }

    #[test]
    fn reply_debug_hides_the_bytes() {
        let reply = Reply {
            bytes: Zeroizing::new(vec![0x42; 16]),
            server: "a".into(),
            failed_attempts: Vec::new(),
        };
        assert!(format!("{reply:?}").contains("<16 bytes>"));
    }
}
