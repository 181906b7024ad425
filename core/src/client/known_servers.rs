//! The client's side of server profiles: recognising each server from a Query, remembering it,
//! and adding what its profile says to the refusals it sends.
//!
//! A refusal that a missing operation gets (Operation Not Supported, Invalid Message, ...) is
//! explained from the server's profile. When the client does not know that server yet, it asks
//! it once — one Query, on that server only — so every front end (CLI, Python, ...) gets the
//! explanation without doing anything; the Query costs a round trip on such refusals only, once
//! per server and client.

use std::sync::Mutex;

use super::{Client, Target, single};
use crate::error::{Error, Result};
use crate::message::{QueryRequest, ResponsePayload};
use crate::session::Request;
use crate::spec::{Operation, QueryFunction, ResultReason};

use super::profile::{Observed, Recognised};

/// What the client learned about each server, by server name: the recognised profile, or
/// `None` when the Query to learn it failed (not asked again).
#[derive(Debug, Default)]
pub(super) struct KnownServers(Mutex<Vec<(String, Option<Recognised>)>>);

impl KnownServers {
    fn get(&self, server: &str) -> Option<Option<Recognised>> {
        let known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        known
            .iter()
            .find(|(s, _)| s == server)
            .map(|(_, r)| r.clone())
    }

    fn put(&self, server: &str, recognised: Option<Recognised>) {
        let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match known.iter_mut().find(|(s, _)| s == server) {
            Some(entry) => entry.1 = recognised,
            None => known.push((server.to_string(), recognised)),
        }
    }
}

impl Client {
    /// The profile of the first configured server that answers a Query (primary first),
    /// merged with what that server said about itself (see [`Recognised`]). The client keeps
    /// it, to explain that server's refusals.
    ///
    /// ```no_run
    /// # async fn run(client: kmipkit::client::Client) -> kmipkit::error::Result<()> {
    /// let server = client.server_profile().await?;
    /// println!("{} (verified: {})", server.title(), server.is_verified());
    /// match server.model1_kek_method() {
    ///     Ok(choice) => println!("Model 1 via {:?}: {}", choice.method, choice.reason),
    ///     Err(no) => eprintln!("{no}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn server_profile(&self) -> Result<Recognised> {
        let mut last = None;
        for server in self.server_names() {
            match self.server_profile_on(&server).await {
                Ok(recognised) => return Ok(recognised),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::Protocol {
            reason: "the client has no key server to ask".into(),
        }))
    }

    /// The profile of `server` (one Query on that server only: operations, objects and server
    /// information), which the client keeps to explain that server's refusals.
    pub async fn server_profile_on(&self, server: &str) -> Result<Recognised> {
        let recognised = self.query_profile(server).await;
        self.known_servers
            .put(server, recognised.as_ref().ok().cloned());
        recognised
    }

    async fn query_profile(&self, server: &str) -> Result<Recognised> {
        let functions = vec![
            QueryFunction::QueryOperations,
            QueryFunction::QueryObjects,
            QueryFunction::QueryServerInformation,
        ];
        let request = self
            .lock_session()
            .request(vec![QueryRequest::new(functions).into()], self.now())?;
        // Boxed: this runs inside `exchange` when a refusal is being explained.
        let outcomes = Box::pin(self.exchange(&request, Target::Server(server))).await?;
        let query = match single(outcomes)? {
            Some(ResponsePayload::Query(q)) => q,
            other => return Err(super::operations::unexpected(Operation::Query, other)),
        };
        let mut observed = Observed::from_query(&query);
        observed.kmip_version = Some(request.version());
        Ok(Recognised::from_observed(observed))
    }

    /// `err` with what `server`'s profile says about it, when it is a refusal the profile
    /// predicts. Learns the server's profile first (one Query) if the client has not yet.
    pub(super) async fn explained(&self, err: Error, server: &str, request: &Request) -> Error {
        let Error::Server {
            operation,
            reason,
            message,
            explanation: None,
        } = err
        else {
            return err;
        };
        // A message-level refusal names no operation; a request of one operation does.
        let mut operations = request.operations();
        let asked = match (operations.next(), operations.next()) {
            (Some(op), None) => Some(op),
            _ => None,
        };
        let refused = operation.or(asked);
        let explanation = match refused {
            Some(op) if may_explain(op, reason) => self.explanation(server, op, reason).await,
            _ => None,
        };
        Error::Server {
            operation,
            reason,
            message,
            explanation,
        }
    }

    async fn explanation(
        &self,
        server: &str,
        operation: Operation,
        reason: ResultReason,
    ) -> Option<String> {
        let recognised = match self.known_servers.get(server) {
            Some(known) => known?,
            None => self.server_profile_on(server).await.ok()?,
        };
        recognised.explain(Some(operation), reason)
    }
}

/// Whether a refusal of `operation` for `reason` is worth asking the profile about: never for
/// Query itself (learning a profile is a Query) nor for reasons about the object or caller.
fn may_explain(operation: Operation, reason: ResultReason) -> bool {
    operation != Operation::Query
        && matches!(
            reason,
            ResultReason::OperationNotSupported
                | ResultReason::InvalidMessage
                | ResultReason::FeatureNotSupported
        )
}
