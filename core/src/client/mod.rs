//! The high-level async [`Client`]: one method per KMIP operation, typed results, failover.
//!
//! A client owns a [`Transport`] (pooled mutual-TLS connections to a primary and secondary key
//! servers) and a sans-IO [`Session`] (protocol version, credential, batch ids). Each call
//! builds a request, sends it with the retry rule its operation allows, and matches the reply.
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

mod blocking;
pub mod catalog;
mod cluster;
mod events;
mod operations;
mod reconcile;
mod scope;
mod setup;
mod sharing;

pub use blocking::BlockingClient;
pub use cluster::{Holder, NameSearch};
pub use sharing::{Seen, Sharing, SharingReport};

use std::sync::{Arc, Mutex};

use std::time::{Instant, SystemTime, UNIX_EPOCH};
use zeroize::Zeroize;

use crate::config::{ClusterSettings, Config};
use crate::error::{Error, Result};
use crate::message::{Credential, RequestPayload, ResponsePayload};
use crate::observe::Logger;
use crate::session::{Negotiation, Outcome, Request, Session, Step, check_reply};
use crate::spec::{Operation, ProtocolVersion, Tag};
use crate::transport::{Retry, Transport};
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
    transport: Transport,
    session: Mutex<Session>,
    limits: Limits,
    logger: Arc<Logger>,
    /// The KMIP credential's user name; without one, events name the client certificate's
    /// common name of the server that answered.
    user: Option<String>,
    scope: crate::keys::CacheScope,
    cluster: ClusterSettings,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("servers", &self.transport.server_names())
            .field("version", &self.version())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects as `config` says: builds the TLS settings of every server, then negotiates the
    /// protocol version with the first server that answers (unless the version is pinned).
    pub async fn connect(config: &Config) -> Result<Client> {
        let setup::Prepared {
            transport,
            credential,
            limits,
        } = setup::prepare(config)?;
        let choice = match config.protocol.version {
            Some(v) => VersionChoice::Pinned(v),
            None => VersionChoice::Negotiate(config.protocol.start_version()),
        };
        let logger = Logger::shared(&config.log, config.audit.as_ref())?;
        events::log_configuration(&logger, config);
        let mut client =
            Self::with_transport_and_logger(transport, choice, credential, limits, logger).await?;
        client.cluster = config.cluster;
        Ok(client)
    }

    /// A client over an existing transport.
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
    pub async fn with_transport_and_logger(
        transport: Transport,
        version: VersionChoice,
        credential: Option<Credential>,
        limits: Limits,
        logger: Arc<Logger>,
    ) -> Result<Client> {
        let scope = scope::scope_of(&transport, credential.as_ref());
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
            transport,
            session: Mutex::new(session),
            limits,
            logger,
            user,
            scope,
            cluster: ClusterSettings::default(),
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
        self.transport.server_names()
    }

    /// The logger every operation is reported to.
    pub fn logger(&self) -> &Arc<Logger> {
        &self.logger
    }

    /// The transport, for diagnostics (`tls_info`, statistics).
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    async fn negotiate(&self, highest: ProtocolVersion) -> Result<ProtocolVersion> {
        let mut negotiation = Negotiation::new(highest);
        loop {
            let request = negotiation.request(now());
            let started = Instant::now();
            let sent = self.transport.send(request.bytes(), Retry::Any).await;
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
                started,
            };
            events::log_negotiation(&self.logger, &self.transport, self.user.as_deref(), logged);
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
        let request = self.lock_session().request(payloads, now())?;
        self.exchange(&request, Target::Failover(retry)).await
    }

    /// Sends a request and checks the reply: the one place every operation passes through,
    /// so it is also where each one is logged.
    async fn exchange(&self, request: &Request, target: Target<'_>) -> Result<Vec<Outcome>> {
        let started = Instant::now();
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
            exchange.elapsed = started.elapsed();
            let result = result.as_ref().map(Vec::as_slice);
            events::emit(
                &self.logger,
                &self.transport,
                self.user.as_deref(),
                &exchange,
                result,
            );
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
            Target::Failover(retry) => self.transport.send(request.bytes(), retry).await?,
            Target::Server(name) => self.transport.send_to(name, request.bytes()).await?,
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
        let outcomes = checked.map_err(|e| with_server(e, &reply.server))?;
        Ok(outcomes
            .into_iter()
            .map(|o| o.map_err(|e| with_server(e, &reply.server)))
            .collect())
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
        let request = self.lock_session().request(vec![payload], now())?;
        single(
            self.exchange(&request, Target::Failover(Retry::Any))
                .await?,
        )
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

/// The current time in Unix seconds, for request time stamps.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
