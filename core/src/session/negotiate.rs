//! Protocol version negotiation with Discover Versions, falling back version by version.

use super::{Request, check_reply};
use crate::error::{Error, Result};
use crate::message::{
    DateTime, DiscoverVersionsRequest, RequestBatchItem, RequestMessage, ResponsePayload,
};
use crate::spec::{ProtocolVersion, ResultReason};
use crate::ttlv::Limits;

/// Negotiates the protocol version, one request at a time (sans-IO).
///
/// It asks with Discover Versions written in the highest candidate version and listing every
/// candidate; the server answers with the versions it shares, best first. A server that cannot
/// read that version (PyKMIP answers a 2.1 header with a message-level Invalid Message) is asked
/// again one version lower. A server without Discover Versions (KMIP 1.0) is spoken to in the
/// version it last accepted.
///
/// ```
/// use kmipkit::session::{Negotiation, Step};
/// use kmipkit::spec::ProtocolVersion;
/// let negotiation = Negotiation::new(ProtocolVersion::V2_1);
/// let request = negotiation.request(0);
/// assert_eq!(request.version(), ProtocolVersion::V2_1);
/// ```
#[derive(Debug, Clone)]
pub struct Negotiation {
    candidates: Vec<ProtocolVersion>,
    current: usize,
}

/// What to do after an answer to a negotiation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Negotiation is over: use this version.
    Agreed(ProtocolVersion),
    /// Send [`Negotiation::request`] again: it now asks in a lower version.
    Retry,
}

impl Negotiation {
    /// Starts at `highest` and may fall back to any lower version kmipkit speaks.
    pub fn new(highest: ProtocolVersion) -> Self {
        let mut candidates: Vec<ProtocolVersion> = ProtocolVersion::ALL
            .into_iter()
            .filter(|v| *v <= highest)
            .collect();
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        Self {
            candidates,
            current: 0,
        }
    }

    /// The version the next request is written in.
    pub fn version(&self) -> ProtocolVersion {
        self.candidates
            .get(self.current)
            .copied()
            .unwrap_or(ProtocolVersion::V1_0)
    }

    /// The Discover Versions request to send now, stamped `now` (Unix seconds).
    pub fn request(&self, now: i64) -> Request {
        // Written by hand rather than through `Session::request`: Discover Versions exists from
        // KMIP 1.1, yet a 1.0 server must be asked in 1.0 all the same (it answers Operation
        // Not Supported, which settles on 1.0), so the strict-encoding check does not apply.
        let item = RequestBatchItem::new(DiscoverVersionsRequest::new(self.candidates.clone()));
        let mut message = RequestMessage::new(self.version(), vec![item]);
        message.header.time_stamp = Some(DateTime(now));
        Request::from_message(message)
    }

    /// Reads the server's reply to [`Negotiation::request`].
    pub fn on_reply(&mut self, request: &Request, reply: &[u8], limits: &Limits) -> Result<Step> {
        let refused = match check_reply(request, reply, limits) {
            Ok(mut outcomes) => match outcomes.pop() {
                Some(Ok(Some(ResponsePayload::DiscoverVersions(answer)))) => {
                    return self.choose(&answer.protocol_version);
                }
                Some(Ok(_)) => {
                    return Err(Error::Protocol {
                        reason: "Discover Versions was answered without its payload".into(),
                    });
                }
                Some(Err(e)) => e,
                None => {
                    return Err(Error::Protocol {
                        reason: "empty response".into(),
                    });
                }
            },
            Err(e) => e,
        };
        match refused {
            Error::Server {
                reason: ResultReason::OperationNotSupported,
                ..
            } => Ok(Step::Agreed(self.version())),
            Error::Server {
                reason: ResultReason::InvalidMessage,
                ..
            } if self.current + 1 < self.candidates.len() => {
                self.current += 1;
                Ok(Step::Retry)
            }
            other => Err(other),
        }
    }

    fn choose(&self, offered: &[ProtocolVersion]) -> Result<Step> {
        // The server lists what it shares with us, preferred first; an empty list (or only
        // versions we never offered) means there is nothing in common.
        match offered.iter().find(|v| self.candidates.contains(v)) {
            Some(v) => Ok(Step::Agreed(*v)),
            None => Err(Error::Protocol {
                reason: format!(
                    "the key server shares no protocol version with kmipkit (it offers {}; kmipkit speaks {})",
                    list(offered),
                    list(&self.candidates)
                ),
            }),
        }
    }
}

fn list(versions: &[ProtocolVersion]) -> String {
    if versions.is_empty() {
        return "none".into();
    }
    versions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
