//! Requests to one chosen server, and finding which server of a cluster holds an object.
//!
//! The servers of a cluster may replicate their objects (vSphere-style KMS clusters) or not
//! (PyKMIP). Servers that do not replicate number their objects independently, so a Unique
//! Identifier means nothing without its server: UID 7 may be `customer-alice` on dc1 and
//! `bob-key` on dc2. A ciphertext records its key's name and UID, so before a key is used its
//! holder is found by both:
//!
//! - [`Client::find_named`] asks the servers one by one (one Get Attributes each, for the Name and
//!   the State) until one holds that UID under that name, and reports which one and what the
//!   others said. The key is then used on that server alone ([`Client::get_on`],
//!   [`Client::decrypt_on`], [`Client::encrypt_on`]).
//! - [`Client::search_name`] looks a name up on the servers until one has it, so "not found"
//!   means "on no server that answered", and says which servers could not be asked.
//!
//! Servers are asked in configured order, except that servers failover currently skips (they
//! failed within [`crate::transport::Timeouts::down_backoff`]) are asked last. Every per-server
//! request goes through the same path as any other call, so it is logged and audited alike.
//!
//! ```no_run
//! # async fn run(client: kmipkit::client::Client) -> kmipkit::error::Result<()> {
//! use kmipkit::message::GetRequest;
//! let holder = client.find_named("7", "customer-alice").await?;
//! if let Some(detour) = holder.detour() {
//!     // "key 7 on dc1 is `bob-key`, not `customer-alice`; found on dc2"
//!     eprintln!("note: {detour}");
//! }
//! let key = client.get_on(&holder.server, GetRequest::new(Some(holder.uid.clone()))).await?;
//! # Ok(()) }
//! ```

use super::operations::unexpected;
use super::{Client, Target, single};
use crate::config::ClusterSettings;
use crate::error::{Attempt, Error, Result};
use crate::message::{
    Attribute, AttributeReference, Attributes, DecryptRequest, DecryptResponse, EncryptRequest,
    EncryptResponse, GetAttributesRequest, GetRequest, GetResponse, LocateRequest, Name,
    RequestPayload, ResponsePayload,
};
use crate::spec::{Operation, ResultReason, State, Tag};

/// The server that holds an object under the name the caller expects, as found by
/// [`Client::find_named`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The server's configured name.
    pub server: String,
    /// The object's Unique Identifier (on that server).
    pub uid: String,
    /// The expected name, which the object carries.
    pub name: String,
    /// The object's KMIP State, when the server reported one.
    pub state: Option<State>,
    /// What each server asked before this one said, in order ("key 7 on dc1 is `bob-key`, not
    /// `customer-alice`", "dc1 has no object 7", "dc1 could not be asked: ..."); empty when the
    /// first server asked held the object.
    pub passed: Vec<String>,
}

impl Holder {
    /// A sentence for the user when the object was not on the first server asked:
    /// "key 7 on dc1 is `bob-key`, not `customer-alice`; found on dc2".
    pub fn detour(&self) -> Option<String> {
        if self.passed.is_empty() {
            return None;
        }
        Some(format!(
            "{}; found on {}",
            self.passed.join("; "),
            self.server
        ))
    }
}

/// What [`Client::search_name`] found: the first server holding the name, and the servers that
/// could not be asked before it (all of them when nothing was found).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameSearch {
    /// The first server (in asking order) that has objects of this name, and their UIDs.
    pub found: Option<(String, Vec<String>)>,
    /// The servers that answered without such an object, in asking order.
    pub absent_on: Vec<String>,
    /// The servers that could not be asked (transport failures), with why.
    pub unreachable: Vec<Attempt>,
}

impl NameSearch {
    /// Whether `server` was asked and could not answer.
    pub fn unreachable(&self, server: &str) -> Option<&Error> {
        self.unreachable
            .iter()
            .find(|a| a.server == server)
            .map(|a| &*a.error)
    }
}

impl Client {
    /// The failover policy (from `[cluster]` when connected from a configuration).
    pub fn cluster_settings(&self) -> ClusterSettings {
        self.cluster_settings
    }

    /// This client with another failover policy (see [`ClusterSettings`]).
    pub fn with_cluster_settings(mut self, settings: ClusterSettings) -> Self {
        self.cluster_settings = settings;
        self
    }

    /// Sends one operation to `server` only: no failover, and never sent twice. Logged like
    /// every other call. A transport failure is returned as it happened.
    pub async fn call_on(
        &self,
        server: &str,
        payload: RequestPayload,
    ) -> Result<Option<ResponsePayload>> {
        let request = self.lock_session().request(vec![payload], self.now())?;
        single(self.exchange(&request, Target::Server(server)).await?)
    }

    /// Get, on `server` only.
    pub async fn get_on(&self, server: &str, request: GetRequest) -> Result<GetResponse> {
        match self.call_on(server, request.into()).await? {
            Some(ResponsePayload::Get(r)) => Ok(r),
            other => Err(unexpected(Operation::Get, other)),
        }
    }

    /// Encrypt, on `server` only.
    pub async fn encrypt_on(
        &self,
        server: &str,
        request: EncryptRequest,
    ) -> Result<EncryptResponse> {
        match self.call_on(server, request.into()).await? {
            Some(ResponsePayload::Encrypt(r)) => Ok(r),
            other => Err(unexpected(Operation::Encrypt, other)),
        }
    }

    /// Decrypt, on `server` only.
    pub async fn decrypt_on(
        &self,
        server: &str,
        request: DecryptRequest,
    ) -> Result<DecryptResponse> {
        match self.call_on(server, request.into()).await? {
            Some(ResponsePayload::Decrypt(r)) => Ok(r),
            other => Err(unexpected(Operation::Decrypt, other)),
        }
    }

    /// The identifiers of the objects named `name` on `server` only.
    pub async fn locate_on(&self, server: &str, name: &str) -> Result<Vec<String>> {
        let mut attributes = Attributes::default();
        attributes.push(Attribute::Name(Name::text(name)));
        match self
            .call_on(server, LocateRequest::new(attributes).into())
            .await?
        {
            Some(ResponsePayload::Locate(r)) => Ok(r.unique_identifier),
            other => Err(unexpected(Operation::Locate, other)),
        }
    }

    /// The Names and State of object `uid` on `server` only (one Get Attributes).
    pub async fn names_and_state_on(
        &self,
        server: &str,
        uid: &str,
    ) -> Result<(Vec<String>, Option<State>)> {
        let request = GetAttributesRequest::new(
            Some(uid.to_string()),
            vec![
                AttributeReference::Tag(Tag::Name),
                AttributeReference::Tag(Tag::State),
            ],
        );
        let attributes = match self.call_on(server, request.into()).await? {
            Some(ResponsePayload::GetAttributes(r)) => r.attributes,
            other => return Err(unexpected(Operation::GetAttributes, other)),
        };
        let mut names = Vec::new();
        let mut state = None;
        for attribute in attributes.iter() {
            match attribute {
                Attribute::Name(n) => names.push(n.name_value.clone()),
                Attribute::State(s) => state = Some(*s),
                _ => {}
            }
        }
        Ok((names, state))
    }

    /// The server that holds object `uid` under the name `name`, with its State.
    ///
    /// Asks the servers one by one until one has `uid` with that Name. Errors:
    /// [`Error::Server`] with `ItemNotFound` when every server that answered lacks it or holds
    /// another object under that UID (the message says what each server holds, and which could
    /// not be asked); [`Error::AllServersFailed`] when no server answered.
    pub async fn find_named(&self, uid: &str, name: &str) -> Result<Holder> {
        let mut passed = Vec::new();
        let mut unreachable = Vec::new();
        for server in self.cluster.preferred_order() {
            match self.names_and_state_on(&server, uid).await {
                Ok((names, state)) if names.iter().any(|n| n == name) => {
                    return Ok(Holder {
                        server,
                        uid: uid.to_string(),
                        name: name.to_string(),
                        state,
                        passed,
                    });
                }
                Ok((names, _)) => passed.push(format!(
                    "key {uid} on {server} is {}, not `{name}`",
                    shown_names(&names)
                )),
                Err(Error::Server {
                    reason: ResultReason::ItemNotFound,
                    ..
                }) => passed.push(format!("{server} has no object {uid}")),
                Err(e @ Error::Server { .. }) => passed.push(format!("{server}: {e}")),
                Err(e) => {
                    passed.push(format!("{server} could not be asked: {e}"));
                    unreachable.push(Attempt::new(server, e));
                }
            }
        }
        let answered = passed.len() > unreachable.len();
        if !answered {
            return Err(self.all_failed(unreachable));
        }
        let retry = match unreachable.is_empty() {
            true => String::new(),
            false => "; it may be on a server that could not be asked: try again when it is back"
                .to_string(),
        };
        Err(Error::Server {
            operation: Some(Operation::GetAttributes),
            reason: ResultReason::ItemNotFound,
            message: Some(format!(
                "no key server holds key `{name}` as {uid} (destroyed, or the reference names a key it was not made with): {}{retry}",
                passed.join("; ")
            )),
            explanation: None,
        })
    }

    /// Looks `name` up on the servers one by one until one has objects of that name (Locate).
    ///
    /// Transport failures are collected in [`NameSearch::unreachable`], not returned, so the
    /// caller can decide what a partial answer allows; [`Error::AllServersFailed`] when no
    /// server answered. Refusals other than transport failures are returned at once.
    pub async fn search_name(&self, name: &str) -> Result<NameSearch> {
        let mut search = NameSearch::default();
        for server in self.cluster.preferred_order() {
            match self.locate_on(&server, name).await {
                Ok(ids) if !ids.is_empty() => {
                    search.found = Some((server, ids));
                    return Ok(search);
                }
                Ok(_) => search.absent_on.push(server),
                Err(e) if e.is_transport_failure() => {
                    search.unreachable.push(Attempt::new(server, e))
                }
                Err(e) => return Err(e),
            }
        }
        if search.absent_on.is_empty() {
            return Err(self.all_failed(search.unreachable));
        }
        Ok(search)
    }

    fn all_failed(&self, attempts: Vec<Attempt>) -> Error {
        let deadline = self.cluster.timeouts().deadline.as_millis();
        Error::AllServersFailed {
            deadline_ms: u64::try_from(deadline).unwrap_or(u64::MAX),
            attempts,
        }
    }
}

/// Names as shown in messages: `a`, or `a` and `b`, or "unnamed".
fn shown_names(names: &[String]) -> String {
    match names {
        [] => "unnamed".to_string(),
        names => names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detour_names_every_server_asked() {
        let holder = Holder {
            server: "dc2".into(),
            uid: "7".into(),
            name: "customer-alice".into(),
            state: Some(State::Active),
            passed: vec!["key 7 on dc1 is `bob-key`, not `customer-alice`".into()],
        };
        assert_eq!(
            holder.detour().unwrap(),
            "key 7 on dc1 is `bob-key`, not `customer-alice`; found on dc2"
        );
        let direct = Holder {
            passed: Vec::new(),
            ..holder
        };
        assert_eq!(direct.detour(), None);
        assert_eq!(shown_names(&[]), "unnamed");
        assert_eq!(shown_names(&["a".into(), "b".into()]), "`a` and `b`");
    }
}
