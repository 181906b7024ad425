//! Key versions of a Model 2 identifier, their KMIP states, and which one encrypts.
//!
//! Version 1 of identifier `id`'s key is the key named `prefix + id`; version `n > 1` is named
//! `prefix + id + "/v" + n` ([`version_key_name`]). The primary version — the one that
//! encrypts — is the highest-numbered **Active** one; the KMIP states carry the rotation phases
//! (see [`crate::envelope::rotation`]), so every process sharing the key manager agrees.

use super::naming::{invalid, version_key_name};
use super::{Model2, canonical};
use crate::client::Client;
use crate::envelope::format::KeyRef;
use crate::error::{Error, Result};
use crate::spec::State;

/// How many consecutive missing (destroyed) versions [`Model2::versions`] looks past before it
/// concludes there are no more.
pub const MAX_GAP: u32 = 4;

/// The most versions one key may have. Each version costs a round trip to look up, so a server
/// that answers every name (faulty or hostile) must not keep the walk going for ever.
pub const MAX_VERSIONS: u32 = 10_000;

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
        walk_versions(client, base, |version| version_key_name(base, version)).await
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
            } else if matches!(versions, [v] if v.key.version == 1 && v.state == State::PreActive) {
                "; or, if a first use elsewhere stopped between creating and activating version 1, activate it (`kmipkit key activate`)"
            } else {
                ""
            }
        ),
    })
}

/// Every version of the key whose version `n` is named `name_of(n)`, oldest first, recorded as
/// versions of `base`: Model 2 keys and Model 1 KEKs alike. Looks names up on every server that
/// answers (a key lives only where it was made when servers do not replicate) and reads each
/// version's State on the server that holds it, until [`MAX_GAP`] consecutive versions are
/// missing. A server that cannot be asked is passed over: a version only it holds is not seen
/// (deciding to *create* a key is stricter: `lookup::existing_or_may_create`).
pub(crate) async fn walk_versions(
    client: &Client,
    base: &str,
    name_of: impl Fn(u32) -> String,
) -> Result<Vec<KeyVersion>> {
    let mut out = Vec::new();
    let mut missing = 0;
    for version in 1..=MAX_VERSIONS + 1 {
        if version > MAX_VERSIONS {
            return Err(Error::Protocol {
                reason: format!(
                    "the key servers report more than {MAX_VERSIONS} versions of {base:?}; kmipkit stops there (a server that answers every name?)"
                ),
            });
        }
        let search = client.search_name(&name_of(version)).await?;
        if search.found.is_none() && search.absent_on.is_empty() {
            // No server answered: nothing can be said about any version.
            return Err(Error::AllServersFailed {
                deadline_ms: u64::try_from(client.cluster().timeouts().deadline.as_millis())
                    .unwrap_or(u64::MAX),
                attempts: search.unreachable,
            });
        }
        let found = search
            .found
            .and_then(|(server, ids)| canonical(ids).map(|uid| (server, uid)));
        let Some((server, uid)) = found else {
            // Destroyed versions leave gaps (PyKMIP deletes destroyed objects).
            missing += 1;
            if missing > MAX_GAP {
                break;
            }
            continue;
        };
        missing = 0;
        let state = client
            .names_and_state_on(&server, &uid)
            .await?
            .1
            .ok_or_else(|| Error::Protocol {
                reason: format!("{server} returned no State for {uid:?}"),
            })?;
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
