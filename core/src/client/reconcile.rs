//! Creating objects exactly once across failover.
//!
//! A Create that reached a server which then failed may or may not have made the key. Sending
//! it again could make a second key; giving up could lose the first. So every object the client
//! creates carries an Application Specific Information attribute unique to the request
//! (namespace `kmipkit-request`, data: 128 random bits in hex), and when a request may have been
//! delivered, the client locates objects carrying it: found, the object is returned as if the
//! first answer had arrived; not found, the request did not take effect and is sent again.
//!
//! Application Specific Information rather than a second Name, because servers (PyKMIP among
//! them) refuse two Names without attribute indexes, which KMIP 2.x cannot express.

use super::{Client, Target, single};
use crate::error::{Error, Result};
use crate::message::{
    ApplicationSpecificInformation, Attribute, Attributes, CreateKeyPairResponse, CreateResponse,
    LocateRequest, RegisterResponse, RequestPayload, ResponsePayload,
};
use crate::transport::Retry;

/// Application namespace of the marker attached to every object the client creates.
pub const REQUEST_NAMESPACE: &str = "kmipkit-request";

/// How many times a create is sent again after it provably did not take effect.
const MAX_RESENDS: usize = 3;

pub(super) async fn create_safely(
    client: &Client,
    mut payload: RequestPayload,
) -> Result<Option<ResponsePayload>> {
    let marker = match mark(client, &mut payload)? {
        Some(marker) => marker,
        // Operations without a place for a name: send once, never resend once delivered.
        None => {
            let request = client.lock_session().request(vec![payload], client.now())?;
            return single(
                client
                    .exchange(&request, Target::Failover(Retry::IfNotSent))
                    .await?,
            );
        }
    };
    let mut last_error = None;
    for _ in 0..=MAX_RESENDS {
        let request = client
            .lock_session()
            .request(vec![payload.clone()], client.now())?;
        let error = match client
            .exchange(&request, Target::Failover(Retry::IfNotSent))
            .await
        {
            Ok(outcomes) => return single(outcomes),
            // The transport already tried every server until the deadline; nothing was made.
            Err(e) if e.request_not_sent() => return Err(e),
            Err(e) if e.is_transport_failure() || matches!(e, Error::AllServersFailed { .. }) => e,
            Err(e) => return Err(e),
        };
        if let Some(found) = find(client, &payload, &marker).await? {
            return Ok(Some(found));
        }
        last_error = Some(error);
    }
    Err(last_error.unwrap_or(Error::Protocol {
        reason: "create was not attempted".into(),
    }))
}

/// The marker attribute of a request (`suffix` tells the two halves of a key pair apart).
fn marker_attribute(marker: &str, suffix: &str) -> Attribute {
    Attribute::ApplicationSpecificInformation(ApplicationSpecificInformation {
        application_namespace: REQUEST_NAMESPACE.to_string(),
        application_data: Some(format!("{marker}{suffix}")),
        extensions: Vec::new(),
    })
}

/// Adds the request's unique marker; returns it, or `None` for operations that cannot carry one.
fn mark(client: &Client, payload: &mut RequestPayload) -> Result<Option<String>> {
    let marker = random_hex(client)?;
    let named = |attributes: &mut Attributes, suffix: &str| {
        attributes.push(marker_attribute(&marker, suffix));
    };
    match payload {
        RequestPayload::Create(create) => named(&mut create.attributes, ""),
        RequestPayload::Register(register) => named(&mut register.attributes, ""),
        RequestPayload::CreateKeyPair(pair) => {
            named(
                pair.private_key_attributes
                    .get_or_insert_with(Attributes::default),
                "-private",
            );
            named(
                pair.public_key_attributes
                    .get_or_insert_with(Attributes::default),
                "-public",
            );
        }
        _ => return Ok(None),
    }
    Ok(Some(marker))
}

/// Looks for what a possibly-delivered request created; `None` when it created nothing.
async fn find(
    client: &Client,
    payload: &RequestPayload,
    marker: &str,
) -> Result<Option<ResponsePayload>> {
    let locate = |suffix: &str| {
        let mut attributes = Attributes::default();
        attributes.push(marker_attribute(marker, suffix));
        LocateRequest::new(attributes)
    };
    match payload {
        RequestPayload::Create(create) => Ok(one(client, locate("")).await?.map(|id| {
            ResponsePayload::Create(CreateResponse {
                object_type: create.object_type,
                unique_identifier: id,
                attributes: None,
                extensions: Vec::new(),
            })
        })),
        RequestPayload::Register(_) => Ok(one(client, locate("")).await?.map(|id| {
            ResponsePayload::Register(RegisterResponse {
                unique_identifier: id,
                attributes: None,
                extensions: Vec::new(),
            })
        })),
        RequestPayload::CreateKeyPair(_) => {
            let private = one(client, locate("-private")).await?;
            let public = one(client, locate("-public")).await?;
            Ok(private.zip(public).map(|(private, public)| {
                ResponsePayload::CreateKeyPair(CreateKeyPairResponse {
                    private_key_unique_identifier: private,
                    public_key_unique_identifier: public,
                    private_key_attributes: None,
                    public_key_attributes: None,
                    extensions: Vec::new(),
                })
            }))
        }
        _ => Ok(None),
    }
}

/// The single object a Locate finds; several would mean the request ran twice.
async fn one(client: &Client, locate: LocateRequest) -> Result<Option<String>> {
    let mut found = match client.call_repeatable(locate.into()).await? {
        Some(ResponsePayload::Locate(answer)) => answer.unique_identifier,
        _ => {
            return Err(Error::Protocol {
                reason: "Locate was answered without its payload".into(),
            });
        }
    };
    match found.len() {
        0 | 1 => Ok(found.pop()),
        n => Err(Error::Protocol {
            reason: format!(
                "{n} objects carry one request's unique name: the server applied it {n} times"
            ),
        }),
    }
}

fn random_hex(client: &Client) -> Result<String> {
    let mut bytes = [0u8; 16];
    client.platform.random.fill(&mut bytes)?;
    Ok(crate::ttlv::text::hex_lower(&bytes))
}
