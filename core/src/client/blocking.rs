//! A blocking facade over [`Client`] for code without an async runtime.

use std::future::Future;

use super::Client;
use crate::config::Config;
use crate::error::{Error, Result};

/// A [`Client`] with its own small tokio runtime; every call blocks until it completes.
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
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl std::fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingClient")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BlockingClient {
    /// Connects as `config` says (see [`Client::connect`]).
    ///
    /// Must not be called from inside an async runtime; use [`Client`] there.
    pub fn connect(config: &Config) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kmipkit-io")
            .enable_all()
            .build()
            .map_err(|e| Error::Protocol {
                reason: format!("cannot start the I/O runtime: {e}"),
            })?;
        let client = runtime.block_on(Client::connect(config))?;
        Ok(Self { runtime, client })
    }

    /// Runs one async client call to completion.
    pub fn run<'a, T, F>(&'a self, call: impl FnOnce(&'a Client) -> F) -> Result<T>
    where
        F: Future<Output = Result<T>> + 'a,
    {
        self.runtime.block_on(call(&self.client))
    }

    /// The async client inside, for reading its state (version, servers).
    pub fn client(&self) -> &Client {
        &self.client
    }
}
