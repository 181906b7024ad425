//! Whether the servers of a cluster share keys, found with a short-lived probe object.
//!
//! vSphere-style KMS clusters replicate: every server holds every key, so any server can serve
//! any request. PyKMIP servers do not: each holds only what was created on it. kmipkit cannot
//! tell from the protocol, so [`Client::key_sharing`] creates a probe key (AES-128, pre-active,
//! never used, named `kmipkit-probe-<random>`) on one server, looks for it by name on the others,
//! and destroys it wherever it is found — also when a step fails — naming any copy it could not
//! remove.

use super::Client;
use crate::error::{Error, Result};
use crate::message::{Attribute, Attributes, CreateRequest, Name, ResponsePayload};
use crate::spec::{CryptographicAlgorithm, CryptographicUsageMask, ObjectType, Operation};

/// How often a server that does not show the probe yet is asked again (replication may lag).
const LOOKS: usize = 3;
/// The pause between those looks.
const LOOK_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// Whether the servers share keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// Every other server that answered holds the probe: the servers replicate.
    Replicated,
    /// No other server holds the probe: each server has its own keys.
    Independent,
    /// Some servers hold the probe and some do not.
    Partial,
    /// Fewer than two servers answered: nothing to compare.
    Unknown,
}

impl Sharing {
    /// `replicated`, `independent`, `partial` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Replicated => "replicated",
            Self::Independent => "independent",
            Self::Partial => "partial",
            Self::Unknown => "unknown",
        }
    }

    /// What failover can promise with servers that share keys this way.
    pub fn promise(self) -> &'static str {
        match self {
            Self::Replicated => {
                "every server holds the same keys: reads and writes fail over to any server; keys created while the primary is down reach it by replication, so [cluster] create_when_primary_down = true is safe"
            }
            Self::Independent | Self::Partial => {
                "a key lives only on the server that created it: kmipkit finds it on any server by UID and name, but while its server is down it cannot be used; while the primary is down, Model 2 and KEK create-on-first-use refuse (the key may exist on the primary), so leave [cluster] create_when_primary_down = false"
            }
            Self::Unknown => {
                "fewer than two servers answered, so kmipkit cannot tell whether they share keys; run the check again when they are all up"
            }
        }
    }
}

/// What one server said about the probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// It holds the probe (under these identifiers).
    Yes(Vec<String>),
    /// It does not.
    No,
    /// It could not be asked.
    Unreachable(String),
}

/// The result of [`Client::key_sharing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingReport {
    /// The verdict.
    pub sharing: Sharing,
    /// The server the probe was created on.
    pub probe_server: String,
    /// Every other server, in asking order, and what it said.
    pub others: Vec<(String, Seen)>,
    /// Copies of the probe that could not be destroyed: (server, identifier, why).
    pub leftovers: Vec<(String, String, String)>,
}

impl Client {
    /// Whether the configured servers share keys: creates a probe key on the first server that
    /// accepts it, looks for it on the others and destroys every copy found. Errors only when no
    /// server would create the probe.
    pub async fn key_sharing(&self) -> Result<SharingReport> {
        let name = probe_name(&*self.platform.random)?;
        let order = self.cluster.preferred_order();
        let mut last_error = None;
        let mut made = None;
        for server in &order {
            match self.create_probe(server, &name).await {
                Ok(uid) => {
                    made = Some((server.clone(), uid));
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        let Some((probe_server, uid)) = made else {
            // A create that failed in flight may still have made the probe: remove it.
            let _ = self.remove_probe(&order, &name).await;
            return Err(last_error.unwrap_or_else(|| Error::Protocol {
                reason: "no key server to probe".into(),
            }));
        };
        let mut others = Vec::new();
        for server in order.iter().filter(|s| **s != probe_server) {
            others.push((server.clone(), self.look_for(server, &name).await));
        }
        let mut leftovers = Vec::new();
        if let Err(e) = self.destroy_on(&probe_server, &uid).await {
            leftovers.push((probe_server.clone(), uid, e.to_string()));
        }
        leftovers.extend(self.remove_probe(&order, &name).await);
        Ok(SharingReport {
            sharing: verdict(&others),
            probe_server,
            others,
            leftovers,
        })
    }

    async fn create_probe(&self, server: &str, name: &str) -> Result<String> {
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        ));
        attributes.push(Attribute::CryptographicLength(128));
        // PyKMIP requires a usage mask; the probe is never activated, so never usable.
        attributes.push(Attribute::CryptographicUsageMask(
            CryptographicUsageMask::Encrypt,
        ));
        attributes.push(Attribute::Name(Name::text(name)));
        let request = CreateRequest::new(ObjectType::SymmetricKey, attributes);
        match self.call_on(server, request.into()).await? {
            Some(ResponsePayload::Create(r)) => Ok(r.unique_identifier),
            other => Err(super::operations::unexpected(Operation::Create, other)),
        }
    }

    async fn look_for(&self, server: &str, name: &str) -> Seen {
        for look in 0..LOOKS {
            match self.locate_on(server, name).await {
                Ok(ids) if !ids.is_empty() => return Seen::Yes(ids),
                Ok(_) if look + 1 < LOOKS => self.cluster.link().pause(LOOK_PAUSE).await,
                Ok(_) => return Seen::No,
                Err(e) => return Seen::Unreachable(e.to_string()),
            }
        }
        Seen::No
    }

    async fn destroy_on(&self, server: &str, uid: &str) -> Result<()> {
        let request = crate::message::DestroyRequest::new(Some(uid.to_string()));
        self.call_on(server, request.into()).await.map(drop)
    }

    /// Destroys every copy of the probe still found on any server; what could not be destroyed.
    async fn remove_probe(&self, order: &[String], name: &str) -> Vec<(String, String, String)> {
        let mut leftovers = Vec::new();
        for server in order {
            let Ok(ids) = self.locate_on(server, name).await else {
                continue;
            };
            for uid in ids {
                if let Err(e) = self.destroy_on(server, &uid).await {
                    leftovers.push((server.clone(), uid, e.to_string()));
                }
            }
        }
        leftovers
    }
}

fn verdict(others: &[(String, Seen)]) -> Sharing {
    let yes = others
        .iter()
        .filter(|(_, s)| matches!(s, Seen::Yes(_)))
        .count();
    let no = others.iter().filter(|(_, s)| *s == Seen::No).count();
    match (yes, no) {
        (0, 0) => Sharing::Unknown,
        (_, 0) => Sharing::Replicated,
        (0, _) => Sharing::Independent,
        _ => Sharing::Partial,
    }
}

fn probe_name(random: &dyn crate::platform::Random) -> Result<String> {
    let mut bytes = [0u8; 8];
    random.fill(&mut bytes)?;
    Ok(format!(
        "kmipkit-probe-{}",
        crate::ttlv::text::hex_lower(&bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_follows_what_the_others_saw() {
        let yes = |n: &str| (n.to_string(), Seen::Yes(vec!["1".into()]));
        let no = |n: &str| (n.to_string(), Seen::No);
        let down = |n: &str| (n.to_string(), Seen::Unreachable("refused".into()));
        assert_eq!(verdict(&[yes("b"), down("c")]), Sharing::Replicated);
        assert_eq!(verdict(&[no("b"), no("c")]), Sharing::Independent);
        assert_eq!(verdict(&[yes("b"), no("c")]), Sharing::Partial);
        assert_eq!(verdict(&[down("b")]), Sharing::Unknown);
        assert_eq!(verdict(&[]), Sharing::Unknown);
        assert!(
            probe_name(&crate::platform::SystemRandom)
                .unwrap()
                .starts_with("kmipkit-probe-")
        );
    }
}
