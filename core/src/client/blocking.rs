//! A blocking facade over [`Client`] for code without an async runtime.

use std::future::Future;
use std::sync::Arc;

use super::{Client, Options, setup};
use crate::config::Config;
use crate::error::Result;
use crate::platform::{Platform, block_on};
use crate::transport::Cluster;

/// A [`Client`] whose every call blocks the calling thread until it completes.
///
/// No async runtime is involved: [`BlockingClient::connect`] puts the client on a
/// [`BlockingTransport`](crate::transport::BlockingTransport) (`std::net` and rustls), whose I/O
/// happens on the calling thread, and each call is driven by [`block_on`]. No thread is
/// started. It is `Send + Sync`: threads may share one client (behind an `Arc` or a reference)
/// and call it at once, up to the per-server connection cap.
///
/// Use [`BlockingClient::run`] to call any async [`Client`] method:
///
/// ```no_run
/// # fn main() -> kmipkit::error::Result<()> {
/// use kmipkit::client::BlockingClient;
/// use kmipkit::config::Config;
/// let client = BlockingClient::connect(&Config::load("kmipkit.toml")?)?;
/// let id = client.run(|c| c.create_aes_key("payments-kek", 256))?;
/// client.run(|c| c.activate(&id))?;
/// # Ok(()) }
/// ```
pub struct BlockingClient {
    /// Behind an `Arc` so that the envelope models, which keep an `Arc<Client>`, can be driven
    /// by a blocking client too ([`BlockingClient::shared`]).
    client: Arc<Client>,
}

impl std::fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingClient")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BlockingClient {
    /// Connects as `config` says, as [`Client::connect`] does (the same checks, the same
    /// configuration event in the log, the same version negotiation), on the blocking
    /// transport.
    ///
    /// Do not call it, or [`BlockingClient::run`], from inside an async runtime's task: the
    /// I/O blocks the thread. Use [`Client`] there.
    pub fn connect(config: &Config) -> Result<Self> {
        let client = block_on(setup::connect(config, setup::Links::blocking_cluster))?;
        Ok(Self {
            client: Arc::new(client),
        })
    }

    /// A blocking client over any cluster whose link does its I/O without an async runtime:
    /// a [`BlockingTransport`](crate::transport::BlockingTransport), or a
    /// [`HostLink::blocking`](crate::transport::HostLink::blocking) whose sockets the embedder
    /// owns. Negotiates the version unless it is pinned (see [`Client::over`]).
    ///
    /// ```no_run
    /// # fn run(material: kmipkit::config::TlsMaterial) -> kmipkit::error::Result<()> {
    /// use kmipkit::client::{BlockingClient, Options};
    /// use kmipkit::platform::Platform;
    /// use kmipkit::transport::{BlockingTransport, Endpoint, PoolSettings, Timeouts};
    /// let kms = Endpoint::new("kms", "kms.example.com", 5696, material);
    /// let transport = BlockingTransport::new(vec![kms], Timeouts::default(),
    ///     PoolSettings::default(), kmipkit::ttlv::Limits::default())?;
    /// let client = BlockingClient::over(transport.into_cluster()?, Platform::native(),
    ///     Options::default())?;
    /// println!("speaking KMIP {}", client.client().version());
    /// # Ok(()) }
    /// ```
    pub fn over(cluster: Cluster, platform: Platform, options: Options) -> Result<Self> {
        let client = block_on(Client::over(cluster, platform, options))?;
        Ok(Self {
            client: Arc::new(client),
        })
    }

    /// Runs one async client call to completion on this thread.
    pub fn run<'a, T, F>(&'a self, call: impl FnOnce(&'a Client) -> F) -> Result<T>
    where
        F: Future<Output = Result<T>> + 'a,
    {
        block_on(call(&self.client))
    }

    /// The async client inside, for reading its state (version, servers, statistics).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The async client inside, shared: what [`Model1`](crate::envelope::model1::Model1) and
    /// [`Model2`](crate::envelope::model2::Model2) are made from. Their async calls, driven by
    /// [`BlockingClient::run`] (or [`crate::platform::block_on`]), do their I/O on the calling
    /// thread over this client's blocking transport.
    ///
    /// ```no_run
    /// # fn main() -> kmipkit::error::Result<()> {
    /// use kmipkit::client::BlockingClient;
    /// use kmipkit::config::Config;
    /// use kmipkit::envelope::model2::Model2;
    /// let client = BlockingClient::connect(&Config::load("kmipkit.toml")?)?;
    /// let model = Model2::new(client.shared(), "invoices:")?;
    /// let ciphertext = kmipkit::platform::block_on(model.encrypt("C-1042", b"t=inv", b"invoice 7"))?;
    /// # Ok(()) }
    /// ```
    pub fn shared(&self) -> Arc<Client> {
        Arc::clone(&self.client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn a_blocking_client_is_shareable_between_threads() {
        assert_send_sync::<BlockingClient>();
    }
}
