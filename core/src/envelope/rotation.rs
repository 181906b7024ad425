//! Key rotation for Model 1 and Model 2, bulk rotation, and dependency reports.
//!
//! # Model 1: re-wrap under a new KEK version
//!
//! A new KEK version is a new [`Model1`] with the same KEK name and a higher version
//! (`Model1::new(client, name, n + 1)` then [`Model1::ensure_kek`], which activates it); from then
//! on [`Model1::current`] picks it for new DEKs (the highest Active version, listed by
//! [`kek_versions`](super::model1::kek_versions)). [`Model1Rotation::rewrap`]
//! unlocks a ciphertext's protected DEK on the key manager (by the method the blob records, KMIP
//! Decrypt or key unwrap, under the KEK UID the blob names, whatever its version), protects the
//! same DEK under the new KEK (with the target model's
//! [`KekMethod`](super::model1::KekMethod): KMIP Encrypt or key wrap) and
//! replaces the header's wrapped-DEK field only ([`format::rewrap`]): the body bytes are unchanged.
//! The header's key reference is bound into the key schedule and so keeps naming the KEK version
//! the message was first sealed under; the protected DEK names the current one
//! ([`current_key_of`], [`protected_dek_of`]).
//!
//! The old KEK must stay **Active** until every protected DEK under it has been re-wrapped: unlock
//! is a server-side Decrypt, and KMIP servers (PyKMIP included) refuse Decrypt with a key that is
//! not Active. Once [`dependency_report`] shows nothing under the old version,
//! [`destroy_version`] revokes and destroys it.
//!
//! # Model 2: new key versions
//!
//! Version 1 of identifier `id`'s key is the key named `prefix + id` ([`Model2::key_name`]);
//! version `n > 1` is named `prefix + id + "/v" + n` ([`version_key_name`]); identifiers and
//! prefixes cannot contain `/`, so no identifier's name is another's version
//! ([`crate::envelope::model2::naming`]). Every ciphertext's key reference carries the **base**
//! name `prefix + id`, the version number and the UID, so [`Model2::decrypt`] decrypts every
//! version unchanged (it fetches the key by UID) while its state allows.
//!
//! [`Model2`] itself encrypts under the primary version and checks states;
//! [`Model2Rotation`] holds the actions that change them. Each action evicts the version's key
//! from the model's cache and forgets the model's remembered primary, so the cache never serves
//! a version after this client changed its state.
//!
//! The KMIP states carry the rotation phases, so every process sharing the key manager agrees:
//!
//! | Phase | Server state | Encrypts with | Decrypts |
//! |---|---|---|---|
//! | old primary | v1 Active | v1 | v1 |
//! | new version added ([`Model2Rotation::add_version`]) | v1 Active, v2 Pre-Active | v1 | v1, v2 |
//! | new primary ([`Model2Rotation::promote`], KMIP Activate) | v1, v2 Active | v2 (highest Active) | v1, v2 |
//! | old deactivated ([`Model2Rotation::deactivate`], KMIP Revoke with Cessation of Operation) | v1 Deactivated, v2 Active | v2 only | v1, v2 |
//! | compromised ([`Model2Rotation::revoke`] with Key Compromise) | v1 Compromised, v2 Active | v2 only | v2; v1 only with [`DecryptPolicy::allow_compromised`] |
//!
//! The primary version is the highest-numbered Active one. Decryption Gets the key bytes by UID
//! and decrypts locally, which PyKMIP allows in the Pre-Active and Deactivated states.
//!
//! New versions are made with KMIP Create (PyKMIP has no ReKey; ReKey is not used yet on servers
//! that have it). The Create carries a `ReplacedObjectLink` to the previous version; a server that
//! refuses it gets the Create again without the Link. PyKMIP 0.11 ends up with no Link on the new
//! key (measured), and the old key's `ReplacementObjectLink` is never set: PyKMIP has no
//! AddAttribute and its ModifyAttribute only changes an attribute that exists. The versions are
//! related by their names, which is all this module relies on.
//! Rotation of one identifier must not run from two places at once (two `add_version` calls may
//! both create the same version name; [`Model2Rotation::versions`] then uses the lowest UID).
//!
//! # Bulk rotation
//!
//! [`Model1Rotation::rewrap_all`] and [`Model2Rotation::reencrypt_all`] take items, hand each new
//! form to the caller's `sink` and report [`Progress`] after each item. The sink must store the new
//! form durably before dropping the old one; then an interruption (a key-manager failure returns
//! the error at once) leaves each item in its old or its new form, both of which decrypt, and a
//! re-run skips the items already in their new form. Key-manager calls are batched by caching:
//! Model 1 unlocks and protects each distinct protected DEK once (cached by its blob bytes; the
//! cache holds protected blobs only, never a DEK); Model 2 Gets each key version once per run
//! (the keys are held in protected memory until the run ends).
//!
//! # Dependency reports
//!
//! [`dependency_report`] reads the headers of many ciphertexts (no key-manager call) and lists, per
//! key version, the items that depend on it. [`destroy_version`] destroys a key version only when
//! the report shows no item depending on it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::format::{self, Header, KeyRef, Params};
use super::model1::{Model1, ProtectedDek, dek_array, protected_dek_of};
use super::model2::{DecryptPolicy, Model2, decryption_key, key_ref_of};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::keys::SecretBytes;
use crate::message::{Attribute, Attributes, CreateRequest, Link, Name};
use crate::spec::{
    CryptographicAlgorithm, CryptographicUsageMask, LinkType, ObjectType, RevocationReasonCode,
    State,
};

pub use super::model2::{KeyVersion, MAX_GAP, version_key_name};

/// Most re-wrapped protected DEKs remembered by one [`Model1Rotation`] (one unlock and one
/// protect per DEK; a few hundred kilobytes at this size).
const MAX_CACHED_REWRAPS: usize = 4096;

/// Progress of a bulk rotation, reported after each item and returned at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Items looked at so far.
    pub processed: usize,
    /// Items rewritten and handed to the sink.
    pub rotated: usize,
    /// Items already in their new form (skipped).
    pub already_current: usize,
    /// Key-manager operations made so far for the items: Model 1 counts Decrypt, Locate (of the
    /// target KEK) and Encrypt per distinct protected DEK; Model 2 counts one for looking up the
    /// primary version (which is several Locates and GetAttributes), one Get of the primary's
    /// key, and a state check (GetAttributes) and a Get per older version.
    pub key_manager_calls: usize,
}

/// Model 1 rotation: re-wraps protected DEKs under `target`'s KEK version.
#[derive(Debug)]
pub struct Model1Rotation {
    target: Model1,
    /// Old protected-DEK blob -> new protected-DEK blob.
    cache: HashMap<Vec<u8>, Vec<u8>>,
}

impl Model1Rotation {
    /// Rotation to `target` (the new KEK version, which must exist: [`Model1::ensure_kek`]).
    pub fn new(target: Model1) -> Self {
        Self {
            target,
            cache: HashMap::new(),
        }
    }

    /// The target model.
    pub fn target(&self) -> &Model1 {
        &self.target
    }

    /// Whether `ciphertext`'s protected DEK is already under the target KEK version.
    /// An [`Error::Integrity`] for a ciphertext under another KEK name than the target's.
    pub fn is_current(&self, ciphertext: &[u8]) -> Result<bool> {
        let protected = self.target.protected_dek(&Header::parse(ciphertext)?.0)?;
        Ok(protected.kek.version == self.target_version())
    }

    fn target_version(&self) -> u32 {
        self.target.kek_version()
    }

    /// `ciphertext` with its protected DEK re-wrapped under the target KEK; the body bytes are
    /// unchanged. Returns the ciphertext as it is when it is already under the target version.
    /// A ciphertext under another KEK name than the target's is refused ([`Error::Integrity`]).
    pub async fn rewrap(&mut self, ciphertext: &[u8]) -> Result<Vec<u8>> {
        let mut calls = 0;
        Ok(self
            .rewrap_counted(ciphertext, &mut calls)
            .await?
            .unwrap_or_else(|| ciphertext.to_vec()))
    }

    /// `None` when already current.
    async fn rewrap_counted(
        &mut self,
        ciphertext: &[u8],
        calls: &mut usize,
    ) -> Result<Option<Vec<u8>>> {
        let (header, _) = Header::parse(ciphertext)?;
        // Checked first: a foreign ciphertext at the target's version number is not "current".
        let protected = self.target.protected_dek(&header)?;
        if protected.kek.version == self.target_version() {
            return Ok(None);
        }
        let new_blob = match self.cache.get(&header.wrapped_dek) {
            Some(blob) => blob.clone(),
            None => {
                let blob = self.reprotect(&protected, calls).await?;
                // Bounded: beyond this many distinct DEKs, start over rather than grow forever.
                if self.cache.len() >= MAX_CACHED_REWRAPS {
                    self.cache.clear();
                }
                self.cache.insert(header.wrapped_dek.clone(), blob.clone());
                blob
            }
        };
        format::rewrap(ciphertext, &new_blob).map(Some)
    }

    async fn reprotect(&self, protected: &ProtectedDek, calls: &mut usize) -> Result<Vec<u8>> {
        *calls += 1;
        let dek = self.target.unlock(protected).await?;
        // protect = Locate of the KEK + Encrypt.
        *calls += 2;
        self.target.protect(&dek).await?.to_bytes()
    }

    /// Re-wraps many items: each new form goes to `sink` (store it before dropping the old form),
    /// `progress` is called after each item. One unlock and one protect per distinct protected DEK
    /// for the life of this `Model1Rotation`. Stops at the first error, leaving the remaining items
    /// in their old form; running again completes the job.
    pub async fn rewrap_all<I, C>(
        &mut self,
        items: impl IntoIterator<Item = (I, C)>,
        mut sink: impl FnMut(&I, Vec<u8>) -> Result<()>,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Progress>
    where
        C: AsRef<[u8]>,
    {
        let mut report = Progress::default();
        for (id, ciphertext) in items {
            match self
                .rewrap_counted(ciphertext.as_ref(), &mut report.key_manager_calls)
                .await?
            {
                Some(new) => {
                    sink(&id, new)?;
                    report.rotated += 1;
                }
                None => report.already_current += 1,
            }
            report.processed += 1;
            progress(&report);
        }
        Ok(report)
    }
}

/// Model 2 rotation: the actions that change an identifier's key versions, and bulk
/// re-encryption to the primary version. Encryption and decryption are [`Model2`]'s.
#[derive(Debug)]
pub struct Model2Rotation {
    model: Arc<Model2>,
    policy: DecryptPolicy,
}

impl Model2Rotation {
    /// Rotation over `model`'s keys.
    pub fn new(model: Arc<Model2>) -> Self {
        Self {
            model,
            policy: DecryptPolicy::default(),
        }
    }

    /// Lets [`Model2Rotation::reencrypt_all`] read items under a Compromised version (to move
    /// their data to the primary version after a compromise), as [`Model2::decrypt_with`] does.
    pub fn with_decrypt_policy(mut self, policy: DecryptPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The model.
    pub fn model(&self) -> &Arc<Model2> {
        &self.model
    }

    fn client(&self) -> &Client {
        self.model.client()
    }

    /// All versions of `id`'s key that exist, oldest first ([`Model2::versions`]).
    pub async fn versions(&self, id: &str) -> Result<Vec<KeyVersion>> {
        self.model.versions(id).await
    }

    /// Adds a new version of `id`'s key (KMIP Create, AES-256, Encrypt|Decrypt, named
    /// [`version_key_name`]); it stays Pre-Active — it decrypts but is not used for encryption —
    /// until [`Model2Rotation::promote`]. Creates version 1 first if there is none.
    pub async fn add_version(&self, id: &str) -> Result<KeyRef> {
        let mut versions = self.versions(id).await?;
        if versions.is_empty() {
            self.model.key_for(id).await?;
            versions = self.versions(id).await?;
        }
        let base = self.model.key_name(id)?;
        let version = versions.last().map_or(1, |v| v.key.version) + 1;
        let mut attributes = Attributes::default();
        attributes.push(Attribute::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        ));
        attributes.push(Attribute::CryptographicLength(256));
        attributes.push(Attribute::CryptographicUsageMask(
            CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt,
        ));
        attributes.push(Attribute::Name(Name::text(version_key_name(
            &base, version,
        ))));
        let plain = attributes.clone();
        if let Some(previous) = versions.last() {
            attributes.push(Attribute::Link(Link {
                link_type: LinkType::ReplacedObjectLink,
                linked_object_identifier: previous.key.uid.clone(),
                extensions: Vec::new(),
            }));
        }
        let uid = match self
            .client()
            .create(CreateRequest::new(ObjectType::SymmetricKey, attributes))
            .await
        {
            Ok(created) => created.unique_identifier,
            // A server that refuses the Link at Create: create without it.
            Err(Error::Server { .. }) => {
                self.client()
                    .create(CreateRequest::new(ObjectType::SymmetricKey, plain))
                    .await?
                    .unique_identifier
            }
            Err(e) => return Err(e),
        };
        Ok(KeyRef {
            name: base,
            version,
            uid,
        })
    }

    /// Makes `version` of `id`'s key usable for encryption (KMIP Activate): being the highest
    /// Active version, it becomes the primary at once for this model.
    pub async fn promote(&self, id: &str, version: u32) -> Result<()> {
        let key = self.version(id, version).await?;
        if key.state == State::Active {
            return Ok(());
        }
        let result = self.client().activate(&key.key.uid).await;
        self.model.state_changed(&key.key.name, &key.key.uid);
        result
    }

    /// Deactivates `version` of `id`'s key (KMIP Revoke, Cessation of Operation): it no longer
    /// encrypts but still decrypts. Refused when no higher Active version would remain primary.
    pub async fn deactivate(&self, id: &str, version: u32) -> Result<()> {
        let versions = self.versions(id).await?;
        let key = pick(&versions, id, version)?;
        if key.state == State::Deactivated {
            return Ok(());
        }
        if !versions
            .iter()
            .any(|v| v.key.version != version && v.state == State::Active)
        {
            return Err(refused(format!(
                "version {version} of the key for {id:?} is its only Active version; promote a new version first"
            )));
        }
        self.revoke_key(&key.key, RevocationReasonCode::CessationOfOperation)
            .await
    }

    /// Revokes `version` of `id`'s key for `reason` (KMIP Revoke). With Key Compromise the
    /// version becomes Compromised: it neither encrypts nor decrypts, except through
    /// [`DecryptPolicy::allow_compromised`]. Unlike [`Model2Rotation::deactivate`] it may revoke
    /// the only Active version (encryption then stops until a new version is promoted).
    pub async fn revoke(&self, id: &str, version: u32, reason: RevocationReasonCode) -> Result<()> {
        let key = self.version(id, version).await?;
        self.revoke_key(&key.key, reason).await
    }

    async fn revoke_key(&self, key: &KeyRef, reason: RevocationReasonCode) -> Result<()> {
        let result = self.client().revoke_for(&key.uid, reason).await;
        self.model.state_changed(&key.name, &key.uid);
        result
    }

    /// [`destroy_version`] through this rotation: the version's key also leaves the cache.
    pub async fn destroy_version<I: std::fmt::Debug>(
        &self,
        report: &DependencyReport<I>,
        key: &KeyRef,
    ) -> Result<()> {
        let result = destroy_version(self.client(), report, key).await;
        self.model.state_changed(&key.name, &key.uid);
        result
    }

    async fn version(&self, id: &str, version: u32) -> Result<KeyVersion> {
        let versions = self.versions(id).await?;
        pick(&versions, id, version).cloned()
    }

    /// Re-encrypts many items of identifier `id` under its primary version. Each item is
    /// `(item, context, ciphertext)`; the new form goes to `sink`, `progress` is called after each
    /// item; items already under the primary version are skipped. Each key version is fetched
    /// once per run, after checking its state (a Compromised version only with
    /// [`Model2Rotation::with_decrypt_policy`]). Stops at the first error; running again
    /// completes the job.
    pub async fn reencrypt_all<I, X, C>(
        &self,
        id: &str,
        items: impl IntoIterator<Item = (I, X, C)>,
        mut sink: impl FnMut(&I, Vec<u8>) -> Result<()>,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Progress>
    where
        X: AsRef<[u8]>,
        C: AsRef<[u8]>,
    {
        let mut report = Progress::default();
        // Moving existing ciphertexts never creates a key: an unknown identifier (a typo, a key
        // destroyed since) is refused, not given a fresh version 1 no item was sealed under.
        let Some(primary) = self.model.find_key(id).await? else {
            return Err(refused(format!(
                "no key exists for {id:?}: re-encryption moves ciphertexts to an existing key's \
                 current version and never creates one"
            )));
        };
        report.key_manager_calls += 1;
        let mut keys: HashMap<String, SecretBytes> = HashMap::new();
        for (item, context, ciphertext) in items {
            let ciphertext = ciphertext.as_ref();
            let key_ref = key_ref_of(ciphertext)?;
            if key_ref.name == primary.name && key_ref.version == primary.version {
                report.already_current += 1;
            } else {
                if key_ref.name != primary.name {
                    return Err(Error::Integrity {
                        reason: format!(
                            "the ciphertext was made with key {:?}, not {:?}",
                            key_ref.name, primary.name
                        ),
                    });
                }
                let plaintext = {
                    let old = self.key(&mut keys, &key_ref, true, &mut report).await?;
                    format::open(ciphertext, dek_array(old)?, context.as_ref())?
                };
                let new = self.key(&mut keys, &primary, false, &mut report).await?;
                let sealed = super::seal_for(
                    self.client(),
                    dek_array(new)?,
                    &Params::new(primary.clone()),
                    context.as_ref(),
                    &plaintext,
                )?;
                sink(&item, sealed)?;
                report.rotated += 1;
            }
            report.processed += 1;
            progress(&report);
        }
        Ok(report)
    }

    /// The key of `key_ref`, fetched once per run; an older version's state is checked first.
    async fn key<'k>(
        &self,
        keys: &'k mut HashMap<String, SecretBytes>,
        key_ref: &KeyRef,
        check_state: bool,
        report: &mut Progress,
    ) -> Result<&'k SecretBytes> {
        let uid = &key_ref.uid;
        if !keys.contains_key(uid) {
            let key = if check_state {
                report.key_manager_calls += 2;
                decryption_key(self.client(), key_ref, self.policy).await?
            } else {
                report.key_manager_calls += 1;
                super::lookup::fetch_key_of(self.client(), key_ref).await?.0
            };
            keys.insert(uid.to_string(), key);
        }
        Ok(&keys[uid])
    }
}

fn pick<'v>(versions: &'v [KeyVersion], id: &str, version: u32) -> Result<&'v KeyVersion> {
    versions
        .iter()
        .find(|v| v.key.version == version)
        .ok_or_else(|| Error::Protocol {
            reason: format!("the key for {id:?} has no version {version}"),
        })
}

fn refused(reason: String) -> Error {
    Error::Protocol { reason }
}

/// Which items depend on which key version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyReport<I> {
    /// Per key version (base name, version, UID): the items whose ciphertext needs it.
    pub by_version: BTreeMap<(String, u32, String), Vec<I>>,
    /// Items whose header could not be read: they may depend on any version.
    pub unreadable: Vec<I>,
}

impl<I> DependencyReport<I> {
    /// The items that depend on version `version` of the key named `name` (base name).
    pub fn dependents(&self, name: &str, version: u32) -> Vec<&I> {
        self.by_version
            .iter()
            .filter(|((n, v, _), _)| n == name && *v == version)
            .flat_map(|(_, items)| items)
            .collect()
    }
}

/// The key version a ciphertext depends on now: for a Model 1 ciphertext (one that carries a
/// protected DEK) the KEK its protected DEK is under — after a re-wrap, not the KEK in the header's
/// key reference, which keeps the version it was first sealed under — and for a Model 2 ciphertext
/// the header's key reference.
pub fn current_key_of(ciphertext: &[u8]) -> Result<KeyRef> {
    let (header, _) = Header::parse(ciphertext)?;
    if header.wrapped_dek.is_empty() {
        Ok(header.key_ref)
    } else {
        Ok(protected_dek_of(ciphertext)?.kek)
    }
}

/// Reads which key version each ciphertext depends on ([`current_key_of`]) without contacting
/// the key manager.
pub fn dependency_report<I, C: AsRef<[u8]>>(
    items: impl IntoIterator<Item = (I, C)>,
) -> DependencyReport<I> {
    let mut report = DependencyReport {
        by_version: BTreeMap::new(),
        unreadable: Vec::new(),
    };
    for (item, ciphertext) in items {
        match current_key_of(ciphertext.as_ref()) {
            Ok(k) => report
                .by_version
                .entry((k.name, k.version, k.uid))
                .or_default()
                .push(item),
            Err(_) => report.unreadable.push(item),
        }
    }
    report
}

/// Destroys the key version `key` (base name, version, UID) on the key manager — Revoke (Cessation
/// of Operation) unless already Deactivated, then Destroy — but only if `report` shows no item
/// depending on it and no unreadable item. The report must cover every ciphertext that exists.
pub async fn destroy_version<I: std::fmt::Debug>(
    client: &Client,
    report: &DependencyReport<I>,
    key: &KeyRef,
) -> Result<()> {
    let dependents = report.dependents(&key.name, key.version);
    if !dependents.is_empty() {
        return Err(refused(format!(
            "version {} of key {:?} is still needed by {} item(s), e.g. {:?}; re-wrap or re-encrypt them first",
            key.version,
            key.name,
            dependents.len(),
            dependents[0]
        )));
    }
    if !report.unreadable.is_empty() {
        return Err(refused(format!(
            "{} item(s) have unreadable headers and may depend on version {} of key {:?}",
            report.unreadable.len(),
            key.version,
            key.name
        )));
    }
    match client.state(&key.uid).await? {
        State::Active | State::PreActive => {
            client
                .revoke_for(&key.uid, RevocationReasonCode::CessationOfOperation)
                .await?
        }
        _ => {}
    }
    client.destroy(&key.uid).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        assert_eq!(version_key_name("c:7", 1), "c:7");
        assert_eq!(version_key_name("c:7", 2), "c:7/v2");
    }
}
