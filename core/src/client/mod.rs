//! The high-level async [`Client`]: one method per KMIP operation, typed results, failover.
//!
//! A client owns a [`Cluster`] (failover over any [`Link`](crate::transport::Link): the tokio
//! mutual-TLS pool, the blocking pool, or I/O the embedder does) and a sans-IO [`Session`]
//! (protocol version, credential, batch ids). Each call builds a request, sends it with the retry
//! rule its operation allows, and matches the reply. Time and randomness come from its
//! [`Platform`], so the client runs wherever a link and a platform exist (wasm32 included).
//!
//! Operations that create objects (Create, Register, Create Key Pair, ...) are never resent
//! blindly: the client marks what it creates with a request-unique Application Specific
//! Information attribute, and when a request may have reached a server that then failed, it
//! looks the object up by that marker before deciding to send again (see `reconcile.rs`).
//!
//! ```no_run
//! # async fn run() -> kmipkit::error::Result<()> {
//! use kmipkit::client::Client;
//! use kmipkit::config::Config;
//! let client = Client::connect(&Config::load("kmipkit.toml")?).await?;
//! let id = client.create_aes_key("payments-kek", 256).await?;
//! client.activate(&id).await?;
//! # Ok(()) }
//! ```

#[cfg(feature = "net")]
mod blocking;
pub mod catalog;
mod cluster;
mod events;
mod known_servers;
mod operations;
pub mod profile;
mod reconcile;
mod scope;
#[cfg(feature = "net")]
mod setup;
mod sharing;

#[cfg(feature = "net")]
pub use blocking::BlockingClient;
pub use catalog::{ClientOperation, OPERATIONS};
pub use cluster::{Holder, NameSearch};
pub use sharing::{Seen, Sharing, SharingReport};

use std::sync::{Arc, Mutex};

use zeroize::Zeroize;

use crate::config::ClusterSettings;
#[cfg(feature = "net")]
use crate::config::Config;
use crate::error::{Error, Result};
use crate::message::{Credential, RequestPayload, ResponsePayload};
use crate::observe::Logger;
use crate::platform::Platform;
use crate::session::{Negotiation, Outcome, Request, Session, Step, check_reply};
use crate::spec::{Operation, ProtocolVersion, Tag};
#[cfg(feature = "net")]
use crate::transport::Transport;
use crate::transport::{Cluster, Retry};
use crate::ttlv::Limits;

/// How the protocol version is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionChoice {
    /// Negotiate with Discover Versions, starting from this version and falling back.
    Negotiate(ProtocolVersion),
    /// Speak exactly this version.
    Pinned(ProtocolVersion),
}

/// An async KMIP client. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Client {
    cluster: Cluster,
    platform: Platform,
    session: Mutex<Session>,
    limits: Limits,
    logger: Arc<Logger>,
    /// The KMIP credential's user name; without one, events name the client certificate's
    /// common name of the server that answered.
    user: Option<String>,
    scope: crate::keys::CacheScope,
    cluster_settings: ClusterSettings,
    /// The servers recognised so far (to explain their refusals).
    known_servers: known_servers::KnownServers,
}

/// How a client speaks: version choice, credential, limits and logger (see [`Client::over`]).
#[derive(Debug)]
pub struct Options {
    /// Negotiate from a version down, or speak one version.
    pub version: VersionChoice,
    /// The KMIP credential sent with every request, if any.
    pub credential: Option<Credential>,
    /// Decoding limits of replies.
    pub limits: Limits,
    /// Where every operation is reported.
    pub logger: Arc<Logger>,
}

impl Default for Options {
    /// Negotiate from KMIP 2.1 down, no credential, default limits, no logging.
    fn default() -> Self {
        Self {
            version: VersionChoice::Negotiate(ProtocolVersion::V2_1),
            credential: None,
            limits: Limits::default(),
            logger: Arc::new(Logger::disabled()),
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("servers", &self.cluster.server_names())
            .field("version", &self.version())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects as `config` says: builds the TLS settings of every server, then negotiates the
    /// protocol version with the first server that answers (unless the version is pinned).
    #[cfg(feature = "net")]
    pub async fn connect(config: &Config) -> Result<Client> {
        setup::connect(config, setup::Links::tokio_cluster).await
    }

    /// [`Client::connect`] over `transport`, made from the same `config` by
    /// [`Config::transport`] (so the caller could look at a handshake first): the same
    /// credential, limits, logger and version choice.
    #[cfg(feature = "net")]
    pub async fn connect_over(config: &Config, transport: Transport) -> Result<Client> {
        setup::connect(config, |_| Ok(transport.cluster().clone())).await
    }

    /// A client over an existing transport.
    #[cfg(feature = "net")]
    pub async fn with_transport(
        transport: Transport,
        version: VersionChoice,
        credential: Option<Credential>,
        limits: Limits,
    ) -> Result<Client> {
        let logger = Arc::new(Logger::disabled());
        Self::with_transport_and_logger(transport, version, credential, limits, logger).await
    }

    /// A client over an existing transport that logs every operation to `logger` (one event per
    /// batch item, success or failure; see [`crate::observe`]).
    #[cfg(feature = "net")]
    pub async fn with_transport_and_logger(
        transport: Transport,
        version: VersionChoice,
        credential: Option<Credential>,
        limits: Limits,
        logger: Arc<Logger>,
    ) -> Result<Client> {
        let options = Options {
            version,
            credential,
            limits,
            logger,
        };
        Self::over(transport.cluster().clone(), Platform::native(), options).await
    }

    /// A client over any cluster: a [`Cluster`] over the tokio pool, the blocking pool or a
    /// [`HostLink`](crate::transport::HostLink) whose I/O the embedder does, reading time and
    /// randomness from `platform`. Negotiates the version unless it is pinned.
    ///
    /// ```no_run
    /// # async fn run(link: kmipkit::transport::HostLink) -> kmipkit::error::Result<()> {
    /// use std::sync::Arc;
    /// use kmipkit::client::{Client, Options};
    /// use kmipkit::platform::Platform;
    /// use kmipkit::transport::{Cluster, Timeouts};
    /// let platform = Platform::native();
    /// let cluster = Cluster::new(Arc::new(link), Timeouts::default(), platform.clock.clone())?;
    /// let client = Client::over(cluster, platform, Options::default()).await?;
    /// println!("speaking KMIP {}", client.version());
    /// # Ok(()) }
    /// ```
    pub async fn over(cluster: Cluster, platform: Platform, options: Options) -> Result<Client> {
        let Options {
            version,
            credential,
            limits,
            logger,
        } = options;
        let scope = scope::scope_of(cluster.identity_digest(), credential.as_ref());
        let user = match &credential {
            Some(Credential::UsernameAndPassword { username, .. }) => Some(username.clone()),
            _ => None,
        };
        let start = match version {
            VersionChoice::Pinned(v) | VersionChoice::Negotiate(v) => v,
        };
        let mut session = Session::new(start);
        if let Some(c) = credential {
            session = session.with_credential(c);
        }
        if let Ok(size) = i32::try_from(limits.max_message_size) {
            session = session.with_maximum_response_size(size);
        }
        let client = Client {
            cluster,
            platform,
            session: Mutex::new(session),
            limits,
            logger,
            user,
            scope,
            cluster_settings: ClusterSettings::default(),
            known_servers: Default::default(),
        };
        if let VersionChoice::Negotiate(highest) = version {
            let agreed = client.negotiate(highest).await?;
            client.lock_session().set_version(agreed);
        }
        Ok(client)
    }

    /// The protocol version in use.
    pub fn version(&self) -> ProtocolVersion {
        self.lock_session().version()
    }

    /// Who this client is and which servers it asks (client certificates, KMIP credential,
    /// server addresses and CAs), as a digest: a [`KeyCache`](crate::keys::KeyCache) binds
    /// itself to the first scope that uses it and refuses the others.
    pub fn cache_scope(&self) -> crate::keys::CacheScope {
        self.scope
    }

    /// The names of the configured servers, primary first.
    pub fn server_names(&self) -> Vec<String> {
        self.cluster.server_names()
    }

    /// The logger every operation is reported to.
    pub fn logger(&self) -> &Arc<Logger> {
        &self.logger
    }

    /// The cluster the client sends through: servers, their health, connection statistics.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Where the client reads the time and draws random bytes.
    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// The current time in Unix seconds, for request time stamps.
    fn now(&self) -> i64 {
        self.platform.unix_seconds()
    }

    async fn negotiate(&self, highest: ProtocolVersion) -> Result<ProtocolVersion> {
        let mut negotiation = Negotiation::new(highest);
        loop {
            let request = negotiation.request(self.now());
            let started = self.platform.clock.now();
            let sent = self.cluster.send(request.bytes(), Retry::Any).await;
            let (reply, step) = match sent {
                Ok(reply) => {
                    let step = negotiation.on_reply(&request, &reply.bytes, &self.limits);
                    let step = step.map_err(|e| with_server(e, &reply.server));
                    (Some(reply), step)
                }
                Err(e) => (None, Err(e)),
            };
            let error = step.as_ref().err();
            let logged = events::Negotiated {
                request: &request,
                reply: reply.as_ref(),
                error,
                elapsed: self.platform.clock.now().saturating_sub(started),
            };
            events::log_negotiation(&self.observer(), logged);
            match step? {
                Step::Agreed(v) => return Ok(v),
                Step::Retry => continue,
            }
        }
    }

    /// Sends `payloads` as one batch; one outcome per payload, in order.
    ///
    /// The batch is resent to another server only if every operation in it may be repeated
    /// (no Create, Register, ...), or if it provably never reached a server.
    pub async fn batch(&self, payloads: Vec<RequestPayload>) -> Result<Vec<Outcome>> {
        let retry = if payloads.iter().all(|p| is_repeatable(p.operation())) {
            Retry::Any
        } else {
            Retry::IfNotSent
        };
        let request = self.lock_session().request(payloads, self.now())?;
        self.exchange(&request, Target::Failover(retry)).await
    }

    /// Sends a request and checks the reply: the one place every operation passes through,
    /// so it is also where each one is logged.
    async fn exchange(&self, request: &Request, target: Target<'_>) -> Result<Vec<Outcome>> {
        let started = self.platform.clock.now();
        let logging = self.logger.level() > crate::observe::Level::None || self.logger.has_audit();
        let mut exchange = events::Exchange {
            request,
            request_items: match logging {
                true => events::items(request.bytes(), &self.limits, Tag::RequestPayload),
                false => Vec::new(),
            },
            response_items: Vec::new(),
            server: None,
            failed_attempts: 0,
            response_bytes: 0,
            elapsed: Default::default(),
        };
        let result = self
            .exchange_unlogged(request, target, &mut exchange, logging)
            .await;
        if logging {
            exchange.elapsed = self.platform.clock.now().saturating_sub(started);
            let result = result.as_ref().map(Vec::as_slice);
            events::emit(&self.observer(), &exchange, result);
        }
        result
    }

    async fn exchange_unlogged(
        &self,
        request: &Request,
        target: Target<'_>,
        exchange: &mut events::Exchange<'_>,
        logging: bool,
    ) -> Result<Vec<Outcome>> {
        let mut reply = match target {
            Target::Failover(retry) => self.cluster.send(request.bytes(), retry).await?,
            Target::Server(name) => self.cluster.send_to(name, request.bytes()).await?,
        };
        exchange.server = Some(reply.server.clone());
        exchange.failed_attempts = reply.failed_attempts.len();
        exchange.response_bytes = reply.bytes.len();
        if logging {
            exchange.response_items =
                events::items(&reply.bytes, &self.limits, Tag::ResponsePayload);
        }
        let checked = check_reply(request, &reply.bytes, &self.limits);
        // The reply may carry key material; the typed payload now holds what is needed.
        reply.bytes.zeroize();
        let server = reply.server;
        let outcomes = match checked {
            Ok(outcomes) => outcomes,
            Err(e) => {
                let e = with_server(e, &server);
                return Err(self.explained(e, &server, request).await);
            }
        };
        let mut checked = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            checked.push(match outcome {
                Ok(payload) => Ok(payload),
                Err(e) => {
                    let e = with_server(e, &server);
                    Err(self.explained(e, &server, request).await)
                }
            });
        }
        Ok(checked)
    }

    /// Sends one operation and returns its payload (or the server's refusal).
    async fn call(&self, payload: RequestPayload) -> Result<Option<ResponsePayload>> {
        let operation = payload.operation();
        if !is_repeatable(operation) {
            return reconcile::create_safely(self, payload).await;
        }
        self.call_repeatable(payload).await
    }

    /// Sends an operation that may safely go to another server if one fails.
    async fn call_repeatable(&self, payload: RequestPayload) -> Result<Option<ResponsePayload>> {
        let request = self.lock_session().request(vec![payload], self.now())?;
        single(
            self.exchange(&request, Target::Failover(Retry::Any))
                .await?,
        )
    }

    /// What events about this client's exchanges are written with.
    fn observer(&self) -> events::Observer<'_> {
        events::Observer {
            logger: &self.logger,
            cluster: &self.cluster,
            user: self.user.as_deref(),
            unix_ms: self.platform.wall.unix_millis(),
        }
    }

    fn lock_session(&self) -> std::sync::MutexGuard<'_, Session> {
        // The lock is held only to build bytes, never across an await; a poisoned lock means a
        // panic while building, and the session (version, counter) is still consistent.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Where [`Client::exchange`] sends a request.
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    /// The transport's choice, failing over as the [`Retry`] rule allows.
    Failover(Retry),
    /// This server only: no failover, no resend (see `cluster.rs`).
    Server(&'a str),
}

/// Whether resending `operation` to another server cannot create anything twice.
pub fn is_repeatable(operation: Operation) -> bool {
    !matches!(
        operation,
        Operation::Create
            | Operation::CreateKeyPair
            | Operation::Register
            | Operation::ReKey
            | Operation::ReKeyKeyPair
            | Operation::DeriveKey
            | Operation::Certify
            | Operation::ReCertify
            | Operation::CreateSplitKey
            | Operation::JoinSplitKey
            | Operation::RNGSeed
    )
}

fn single(mut outcomes: Vec<Outcome>) -> Result<Option<ResponsePayload>> {
    match (outcomes.pop(), outcomes.is_empty()) {
        (Some(outcome), true) => outcome,
        _ => Err(Error::Protocol {
            reason: "expected exactly one batch item in the response".into(),
        }),
    }
}

/// Names the server in errors the session could not attribute.
fn with_server(err: Error, server: &str) -> Error {
    match err {
        Error::Authentication { server: s, reason } if s.is_empty() => Error::Authentication {
            server: server.to_string(),
            reason,
        },
        other => other,
    }
}
