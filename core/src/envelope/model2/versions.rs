//! Key versions of a Model 2 identifier, their KMIP states, and which one encrypts.
//!
//! Version 1 of identifier `id`'s key is the key named `prefix + id`; version `n > 1` is named
//! `prefix + id + "/v" + n` ([`version_key_name`]). The primary version — the one that
//! encrypts — is the highest-numbered **Active** one; the KMIP states carry the rotation phases
//! (see [`crate::envelope::rotation`]), so every process sharing the key manager agrees.

use super::Model2;
use super::naming::{invalid, version_key_name};
use crate::client::Client;
use crate::envelope::format::KeyRef;
use crate::envelope::lookup::existing_or_may_create;
use crate::error::{Error, Result};
use crate::message::{Attribute, AttributeReference, GetAttributesRequest};
use crate::spec::{State, Tag};

/// How many consecutive missing (destroyed) versions [`Model2::versions`] looks past before it
/// concludes there are no more.
pub const MAX_GAP: u32 = 4;

/// One version of a key and its KMIP state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVersion {
    /// Base name, version and UID, as written into ciphertexts.
    pub key: KeyRef,
    /// The KMIP state.
    pub state: State,
}

impl Model2 {
    /// All versions of `id`'s key that exist, oldest first; empty when the key was never
    /// created. Looks up `base`, `base/v2`, … until [`MAX_GAP`] consecutive versions are
    /// missing, so at most [`MAX_GAP`] consecutive versions may be destroyed.
    ///
    /// Without a prefix, an identifier whose name is also a Model 1 KEK's (`name/v1` exists) is
    /// refused: its versions would be the KEK's (see [`super::naming`]).
    pub async fn versions(&self, id: &str) -> Result<Vec<KeyVersion>> {
        let base = self.key_name(id)?;
        self.versions_named(&base).await
    }

    pub(super) async fn versions_named(&self, base: &str) -> Result<Vec<KeyVersion>> {
        let client = self.client();
        if self.prefix().is_empty()
            && !client
                .locate_by_name(&format!("{base}/v1"))
                .await?
                .is_empty()
        {
            return Err(invalid(format!(
                "{base:?} is also the name of a Model 1 KEK ({base:?}/v1 exists): its versions would be the KEK's; give Model 2 keys a prefix (for example \"customer:\")"
            )));
        }
        let mut out = Vec::new();
        let mut missing = 0;
        for version in 1.. {
            // Every server is asked (servers that do not replicate hold different keys); with
            // the primary unreachable and the name on no other server, this cannot tell whether
            // the version exists, and says so unless the cluster replicates (`super::super::lookup`).
            let found = existing_or_may_create(client, &version_key_name(base, version)).await?;
            let Some(uid) = found else {
                // Destroyed versions leave gaps (PyKMIP deletes destroyed objects).
                missing += 1;
                if missing > MAX_GAP {
                    break;
                }
                continue;
            };
            missing = 0;
            let state = state_of(client, &uid).await?;
            out.push(KeyVersion {
                key: KeyRef {
                    name: base.to_string(),
                    version,
                    uid,
                },
                state,
            });
        }
        Ok(out)
    }
}

/// The primary version among `versions`: the highest-numbered Active one, or an error naming
/// the key, the state of each version and what to do.
pub(super) fn primary_of(base: &str, versions: &[KeyVersion]) -> Result<KeyRef> {
    if let Some(v) = versions.iter().rev().find(|v| v.state == State::Active) {
        return Ok(v.key.clone());
    }
    let states = versions
        .iter()
        .map(|v| format!("version {} is {}", v.key.version, v.state))
        .collect::<Vec<_>>()
        .join(", ");
    let compromised = versions
        .iter()
        .any(|v| v.state == State::Compromised || v.state == State::DestroyedCompromised);
    Err(Error::Protocol {
        reason: format!(
            "key {base:?} has no Active version ({states}): kmipkit does not encrypt under it; add and promote a new version (Model2Rotation add_version + promote, or `kmipkit key rotate {base}`){}",
            if compromised {
                ", then re-encrypt the data of the compromised version under it"
            } else {
                ""
            }
        ),
    })
}

/// The KMIP state of `uid`.
pub(crate) async fn state_of(client: &Client, uid: &str) -> Result<State> {
    let request = GetAttributesRequest::new(
        Some(uid.to_string()),
        vec![AttributeReference::Tag(Tag::State)],
    );
    let attributes = client.get_attributes(request).await?.attributes;
    attributes
        .iter()
        .find_map(|a| match a {
            Attribute::State(s) => Some(*s),
            _ => None,
        })
        .ok_or_else(|| Error::Protocol {
            reason: format!("the key manager returned no State for {uid:?}"),
        })
}
