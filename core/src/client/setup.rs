//! A configuration made ready to connect, without connecting: every server's TLS material read
//! and its TLS client configuration built, and the KMIP credential read.
//!
//! [`Client::connect`](super::Client::connect) and [`Config::check`] both go through
//! [`prepare`], so a configuration the check accepts cannot then fail on its files, keys or
//! credential when a command connects.

use super::{Client, Options, VersionChoice, events};
use std::time::Duration;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::message::Credential;
use crate::observe::Logger;
use crate::platform::Platform;
use crate::transport::{
    BlockingTransport, Cluster, Endpoint, PoolSettings, Timeouts, Transport, material_for,
};
use crate::ttlv::Limits;

/// `Client::connect` and `BlockingClient::connect` over the cluster `build` makes: the same
/// checks, the configuration event in the log, the native platform, and the version pinned or
/// negotiated as the configuration says.
pub(super) async fn connect(
    config: &Config,
    build: impl FnOnce(&Links) -> Result<Cluster>,
) -> Result<Client> {
    let Prepared {
        link: cluster,
        credential,
        limits,
    } = prepare(config, build)?;
    let version = match config.protocol.version {
        Some(v) => VersionChoice::Pinned(v),
        None => VersionChoice::Negotiate(config.protocol.start_version()),
    };
    let logger = Logger::shared(&config.log, config.audit.as_ref())?;
    events::log_configuration(&logger, config);
    let options = Options {
        version,
        credential,
        limits,
        logger,
    };
    let mut client = Client::over(cluster, Platform::native(), options).await?;
    client.cluster_settings = config.cluster;
    Ok(client)
}

/// What a configuration becomes before the first byte is sent.
pub(super) struct Prepared<T> {
    /// What `build` made of the servers: a transport, or nothing for a check.
    pub link: T,
    /// The KMIP credential all servers share.
    pub credential: Option<Credential>,
    /// Decoding limits (`max_response_size`).
    pub limits: Limits,
}

/// Reads every file the configuration names and builds each server's TLS client configuration
/// as a connection does; an error without a file of its own names the configuration file.
pub(super) fn prepare<T>(
    config: &Config,
    build: impl FnOnce(&Links) -> Result<T>,
) -> Result<Prepared<T>> {
    prepare_servers(config, build).map_err(|e| in_configuration(e, config))
}

fn prepare_servers<T>(
    config: &Config,
    build: impl FnOnce(&Links) -> Result<T>,
) -> Result<Prepared<T>> {
    let endpoints = config
        .servers
        .iter()
        .map(|s| {
            Ok(
                Endpoint::new(s.name.clone(), s.host.clone(), s.port, material_for(s)?)
                    .with_wire(s.wire.clone()),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let t = &config.timeouts;
    let timeouts = Timeouts {
        connect: t.connect,
        request: t.request,
        deadline: t.deadline,
        failover_delay: t.failover_delay,
        down_backoff: t.down_backoff,
    };
    let p = &config.pool;
    let pool = PoolSettings {
        max_idle_per_server: p.max_idle_per_server,
        idle_timeout: p.idle_timeout,
        max_lifetime: p.max_lifetime,
        probe_after_idle: p.probe_after_idle,
        max_connections_per_server: p.max_connections_per_server,
    };
    let limits = Limits {
        max_message_size: config.protocol.max_response_size,
        ..Limits::default()
    };
    let settings = Links {
        endpoints,
        timeouts,
        pool,
        limits,
    };
    // Builds each server's rustls configuration: bad PEM, a wrong-type file, a key that does not
    // match its certificate fail here.
    let link = build(&settings)?;
    let credential = shared_credential(config)?;
    Ok(Prepared {
        link,
        credential,
        limits,
    })
}

/// What any of the TLS links is built from.
pub(super) struct Links {
    pub endpoints: Vec<Endpoint>,
    pub timeouts: Timeouts,
    pub pool: PoolSettings,
    pub limits: Limits,
}

impl Links {
    /// Builds every server's TLS configuration as a link does, opening nothing.
    fn check(&self) -> Result<()> {
        self.tokio().map(drop)
    }

    /// The tokio pool over these servers (no connection opened yet).
    pub fn tokio(&self) -> Result<Transport> {
        Transport::new(
            self.endpoints.clone(),
            self.timeouts,
            self.pool,
            self.limits,
        )
    }

    /// The blocking pool over these servers (no connection opened yet).
    pub fn blocking(&self) -> Result<BlockingTransport> {
        BlockingTransport::new(
            self.endpoints.clone(),
            self.timeouts,
            self.pool,
            self.limits,
        )
    }

    /// The cluster over the tokio pool.
    pub fn tokio_cluster(&self) -> Result<Cluster> {
        Ok(self.tokio()?.cluster().clone())
    }

    /// The cluster over the blocking pool.
    pub fn blocking_cluster(&self) -> Result<Cluster> {
        self.blocking()?.into_cluster()
    }
}

impl Config {
    /// This configuration with only the server named `name` and no failover: the deadline is
    /// one connect plus one request. Checks of one server at a time (`kmipkit servers check`)
    /// connect with it. An unknown name is a [`Error::Config`] listing the configured ones.
    ///
    /// ```no_run
    /// # async fn run() -> kmipkit::error::Result<()> {
    /// use kmipkit::client::Client;
    /// let config = kmipkit::config::Config::load("kmipkit.toml")?;
    /// let secondary = config.only_server("secondary")?;
    /// let transport = secondary.transport()?;
    /// println!("{}", transport.tls_info("secondary").await?.protocol_version);
    /// let client = Client::connect_over(&secondary, transport).await?;
    /// # Ok(()) }
    /// ```
    pub fn only_server(&self, name: &str) -> Result<Config> {
        let Some(server) = self.servers.iter().find(|s| s.name == name) else {
            let names: Vec<&str> = self.servers.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::Config {
                file: self.path.as_ref().map(|p| p.display().to_string()),
                line: None,
                reason: format!(
                    "no server is named {name:?}; the configured ones are {}",
                    names.join(", ")
                ),
            });
        };
        let mut one = self.clone();
        one.servers = vec![server.clone()];
        one.timeouts.deadline = self.timeouts.connect + self.timeouts.request;
        one.timeouts.failover_delay = Duration::ZERO;
        one.timeouts.down_backoff = Duration::ZERO;
        Ok(one)
    }

    /// The tokio transport this configuration connects over, with every file read and every
    /// server's TLS configuration built, but no connection opened: for a caller that looks at a
    /// server's handshake ([`Transport::tls_info`]) before [`Client::connect_over`].
    pub fn transport(&self) -> Result<Transport> {
        prepare(self, Links::tokio).map(|prepared| prepared.link)
    }

    /// Checks the configuration as a connection would use it, without opening one: reads every
    /// CA, certificate, key, PKCS#12 and password file, builds each server's TLS client
    /// configuration (so an empty or garbage CA, a key that is not a key or does not match its
    /// certificate fail here), and reads the KMIP credential (an unset `password_env` fails).
    ///
    /// [`Client::connect`](super::Client::connect) makes the same checks first; what passes
    /// here can then fail only on the network or the server.
    ///
    /// ```no_run
    /// # fn example() -> kmipkit::error::Result<()> {
    /// let config = kmipkit::config::Config::load("kmipkit.toml")?;
    /// config.check()?;
    /// # Ok(()) }
    /// ```
    pub fn check(&self) -> Result<()> {
        prepare(self, Links::check).map(drop)
    }
}

/// The KMIP credential, which every server of a cluster must share: requests are built once
/// and may be answered by any server.
fn shared_credential(config: &Config) -> Result<Option<Credential>> {
    let mut found: Option<(String, Option<Credential>)> = None;
    for server in &config.servers {
        let credential = server.credential()?;
        match &found {
            None => found = Some((server.name.clone(), credential)),
            Some((first, c)) if *c != credential => {
                return Err(Error::Config {
                    file: None,
                    line: None,
                    reason: format!(
                        "servers {first} and {} have different KMIP credentials; a failover cluster shares one user and password",
                        server.name
                    ),
                });
            }
            Some(_) => {}
        }
    }
    Ok(found.and_then(|(_, c)| c))
}

/// A configuration error that names no file is about the configuration file itself.
fn in_configuration(error: Error, config: &Config) -> Error {
    match error {
        Error::Config {
            file: None,
            line,
            reason,
        } => Error::Config {
            file: config.path.as_ref().map(|p| p.display().to_string()),
            line,
            reason,
        },
        other => other,
    }
}
