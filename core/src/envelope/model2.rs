//! Model 2 — a key per user or document, named from a unique identifier, in versions.
//!
//! The key of identifier `id` (a customer number, a document id) is a series of AES-256 keys on
//! the key manager: version 1 is named `prefix + id`, version N ≥ 2 `prefix + id + "/v" + N`
//! (the naming rule, which keeps every identifier's keys apart from every other's and from
//! Model 1 KEKs, is in [`naming`]). Rotation ([`crate::envelope::rotation::Model2Rotation`])
//! adds, promotes and retires versions; this type encrypts and decrypts:
//!
//! - [`Model2::encrypt`] seals under the **current version**: the highest-numbered one in the
//!   KMIP state Active ([`Model2::key_for`]). On first use it creates version 1 (Create with the
//!   Name and an Encrypt|Decrypt usage mask, then Activate). When versions exist but none is
//!   Active (all Compromised, Deactivated or Destroyed) it refuses, naming the key, the state of
//!   each version and what to do. The key's bytes are fetched into
//!   [`SecretBytes`] and zeroized after use; the ciphertext records
//!   the key reference `{name, version, uid}`.
//! - [`Model2::decrypt`] reads the key reference from the header, checks that it names
//!   `prefix + id`, checks the version's state ([`DecryptPolicy`]: Pre-Active, Active and
//!   Deactivated versions decrypt; Compromised ones only when the caller opts in; Destroyed
//!   ones never), Gets the key by the UID in it and opens the message. Old versions thus keep
//!   decrypting while they are retired.
//!
//! # With a key cache
//!
//! [`Model2::with_cache`] keeps fetched keys in a [`KeyCache`] and remembers which version is
//! current for each identifier for as long as that version's key stays cached, so repeated
//! encryptions and decryptions cost no key-manager round trip. The cache's maximum age is
//! then how long a state change made **elsewhere** (another process revoking a key, or
//! promoting a version) can go unseen here; a key fetched under the Compromised opt-in is never
//! cached. Changes made **through this client's** [`Model2Rotation`] (promote, deactivate,
//! revoke, destroy) evict the version's key and the remembered current version at once. A cache
//! answers for one client identity and cluster only ([`KeyCache::bind`]).
//! Without a cache, every encryption looks up the versions (one Locate per version and a few
//! more, one GetAttributes per version found) and every decryption reads the version's state
//! (one GetAttributes) before its Get.
//!
//! [`Model2Rotation`]: crate::envelope::rotation::Model2Rotation
//!
//! # One key per identifier, even on concurrent first use
//!
//! - Within one `Model2` (shared behind an `Arc` by many tasks), lookups and creations of one name
//!   are serialized by a per-name async lock: the first task creates, the others then find it.
//! - Across `Model2` values, clients and processes there is no lock on the key manager, so two
//!   first uses may both see no key and both Create. Each creator therefore Locates the name again
//!   right after its Create; when more than one key carries the name, every party picks the same
//!   one — the lowest UID, ordered by length then bytes, which for PyKMIP's increasing integer UIDs
//!   is the first created — and a creator whose key lost Destroys it (it is still pre-active and
//!   was never used). Only the winner's creator activates it; a party that finds the name while
//!   its only key is still Pre-Active (a creator between Create and Activate) waits up to five
//!   seconds for that activation before it encrypts, and refuses if it never comes. Readers
//!   that find the name use the same lowest-UID rule. If the losing key cannot be destroyed it stays, unused, and the rule
//!   keeps everyone on the winner. (A server whose UIDs do not grow with time could in a narrow
//!   window let an early creator use a key that a later creator's lower UID then outranks; data
//!   stays decryptable — decryption goes by the UID in the header — but two keys would remain.)
//!
//! ```no_run
//! # async fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
//! use kmipkit::envelope::model2::Model2;
//! let model = Model2::new(client, "customer:")?;
//! let ciphertext = model.encrypt("C-1042", b"table=invoices", b"invoice 7").await?;
//! let plaintext = model.decrypt("C-1042", &ciphertext, b"table=invoices").await?;
//! assert_eq!(&plaintext[..], b"invoice 7");
//! # Ok(()) }
//! ```

mod name_lock;
pub mod naming;
mod state;
mod versions;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::format::{self, Header, KeyRef, Params};
use super::lookup::{decryptable_key, existing_or_may_create, fetch_key_of, find_by_name};
use super::model1::dek_array;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::keys::{KeyCache, SecretBytes};
use crate::spec::{CryptographicUsageMask, State};

pub use naming::{MAX_ID_LEN, MAX_PREFIX_LEN, version_key_name};
pub use state::DecryptPolicy;
pub(crate) use state::check_decryptable;
pub(crate) use versions::walk_versions;
pub use versions::{KeyVersion, MAX_GAP, MAX_VERSIONS};

/// Most identifiers whose current version one `Model2` remembers; beyond, it starts over.
const MAX_REMEMBERED: usize = 4096;

/// Model 2: one key on the key manager per identifier, named `prefix + id`, in versions.
#[derive(Debug)]
pub struct Model2 {
    client: Arc<Client>,
    prefix: String,
    /// One async lock per key name being looked up or created; entries leave when unused.
    locks: Mutex<HashMap<String, Arc<name_lock::NameLock>>>,
    /// With a cache: key bytes by UID, and each name's current version, trusted while that
    /// version's key is cached.
    cache: Option<Arc<KeyCache>>,
    current: Mutex<HashMap<String, KeyRef>>,
}

impl Model2 {
    /// Model 2 over `client`, naming keys `prefix + id`: the prefix is empty or ends with its
    /// only `:` ([`naming`]). Nothing is sent yet.
    pub fn new(client: Arc<Client>, prefix: impl Into<String>) -> Result<Self> {
        let prefix = prefix.into();
        naming::check_prefix(&prefix)?;
        Ok(Self {
            client,
            prefix,
            locks: Mutex::new(HashMap::new()),
            cache: None,
            current: Mutex::new(HashMap::new()),
        })
    }

    /// The model and identifier of a base key name, as a ciphertext header carries it: the
    /// prefix is the name up to and including its first `:` ([`naming::split_key_name`]).
    pub fn for_key_name(client: Arc<Client>, name: &str) -> Result<(Self, String)> {
        let (prefix, id) = naming::split_key_name(name)?;
        Ok((Self::new(client, prefix)?, id.to_string()))
    }

    /// Keeps fetched keys in `cache` (max age, max uses, max bytes; see [`KeyCache`]) and
    /// remembers each identifier's current version while its key is cached, so encrypting
    /// again for the same identifier costs no key-manager round trip. The cache binds itself to
    /// this client's identity and servers on first use ([`KeyCache::bind`]).
    pub fn with_cache(mut self, cache: Arc<KeyCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The client.
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// The key-name prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The KMIP Name of version 1 of `id`'s key (the base name ciphertexts carry): `prefix +
    /// id`, after checking `id` ([`naming::check_id`]).
    pub fn key_name(&self, id: &str) -> Result<String> {
        naming::check_id(&self.prefix, id)?;
        Ok(format!("{}{id}", self.prefix))
    }

    /// Forgets what is cached for `id` (its current version and that version's key): call it
    /// when the key changed elsewhere and must not wait for the cache's maximum age.
    pub fn forget(&self, id: &str) -> Result<()> {
        let name = self.key_name(id)?;
        let remembered = self.current_map().remove(&name);
        if let (Some(cache), Some(key)) = (&self.cache, remembered) {
            cache.evict(&cache_id(&key.name, &key.uid));
        }
        Ok(())
    }

    /// Forgets `name`'s current version and evicts `uid`'s key: its state changed.
    pub(crate) fn state_changed(&self, name: &str, uid: &str) {
        self.current_map().remove(name);
        if let Some(cache) = &self.cache {
            cache.evict(&cache_id(name, uid));
        }
    }

    /// The current version of `id`'s key (the highest Active one), creating version 1 on first
    /// use; an error naming the key and its versions' states when none is Active.
    pub async fn key_for(&self, id: &str) -> Result<KeyRef> {
        let name = self.key_name(id)?;
        if let Some((key, _)) = self.remembered(&name)? {
            return Ok(key);
        }
        self.resolve(&name).await
    }

    /// The current version of `id`'s key if the key exists; never creates one.
    pub async fn find_key(&self, id: &str) -> Result<Option<KeyRef>> {
        let name = self.key_name(id)?;
        let versions = self.versions_named(&name).await?;
        if versions.is_empty() {
            // On no server that answered; "it does not exist" only if the primary answered (it
            // may hold the key while it is down).
            find_by_name(&self.client, &name).await?;
            return Ok(None);
        }
        versions::primary_of(&name, &versions).map(Some)
    }

    /// The current version of `id`'s key and its bytes, for encryption (streaming callers seal
    /// with them; [`Model2::encrypt`] does it all). Drop the key as soon as possible.
    pub async fn encryption_key(&self, id: &str) -> Result<(KeyRef, Arc<SecretBytes>)> {
        let name = self.key_name(id)?;
        if let Some(found) = self.remembered(&name)? {
            return Ok(found);
        }
        let key_ref = self.resolve(&name).await?;
        // Resolution just read the version's state: Active.
        let key = match &self.cache {
            Some(cache) => {
                let fetch = || async { Ok(fetch_key_of(&self.client, &key_ref).await?.0) };
                cache
                    .get_or_fetch(&cache_id(&key_ref.name, &key_ref.uid), fetch)
                    .await?
            }
            None => Arc::new(fetch_key_of(&self.client, &key_ref).await?.0),
        };
        if self.cache.is_some() {
            let mut current = self.current_map();
            if current.len() >= MAX_REMEMBERED {
                current.clear();
            }
            current.insert(name, key_ref.clone());
        }
        Ok((key_ref, key))
    }

    /// Encrypts `plaintext` for `id` under the current version of its key, with `context` bound
    /// as associated data. The key is created on first use, fetched into protected memory, and
    /// zeroized before this returns (unless cached).
    pub async fn encrypt(&self, id: &str, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let (key_ref, key) = self.encryption_key(id).await?;
        let params = Params::new(key_ref);
        super::seal_for(&self.client, dek_array(&key)?, &params, context, plaintext)
    }

    /// Decrypts a ciphertext made by [`Model2::encrypt`] for `id`, with any version that is
    /// Pre-Active, Active or Deactivated ([`Model2::decrypt_with`] for Compromised ones). The
    /// ciphertext must name `id`'s key (else [`Error::Integrity`] without contacting the key
    /// manager). No plaintext is returned unless all of it verified.
    pub async fn decrypt(
        &self,
        id: &str,
        ciphertext: &[u8],
        context: &[u8],
    ) -> Result<format::Plaintext> {
        self.decrypt_with(id, ciphertext, context, DecryptPolicy::default())
            .await
    }

    /// [`Model2::decrypt`] under `policy`: [`DecryptPolicy::allow_compromised`] also decrypts
    /// with a Compromised version, to recover data before re-encrypting it.
    pub async fn decrypt_with(
        &self,
        id: &str,
        ciphertext: &[u8],
        context: &[u8],
        policy: DecryptPolicy,
    ) -> Result<format::Plaintext> {
        let key_ref = key_ref_of(ciphertext)?;
        let key = self.decryption_key(id, &key_ref, policy).await?;
        format::open(ciphertext, dek_array(&key)?, context)
    }

    /// The key that a ciphertext with `key_ref` in its header was sealed under, for `id`: the
    /// reference must name `id`'s key, its UID must be held under that version's name on one of
    /// the servers ([`super::lookup`]), and its state must be one `policy` accepts.
    pub async fn decryption_key(
        &self,
        id: &str,
        key_ref: &KeyRef,
        policy: DecryptPolicy,
    ) -> Result<Arc<SecretBytes>> {
        Ok(self.located_decryption_key(id, key_ref, policy).await?.0)
    }

    /// As [`Model2::decryption_key`], with a sentence for the user when the key was not on the
    /// first server asked ("key 7 on dc1 is `bob-key`, not `customer:alice`; found on dc2").
    pub async fn located_decryption_key(
        &self,
        id: &str,
        key_ref: &KeyRef,
        policy: DecryptPolicy,
    ) -> Result<(Arc<SecretBytes>, Option<String>)> {
        let name = self.key_name(id)?;
        if key_ref.name != name {
            return Err(Error::Integrity {
                reason: format!(
                    "the ciphertext was made with key {:?}, not {name:?}: it belongs to another identifier",
                    key_ref.name
                ),
            });
        }
        if key_ref.uid.is_empty() {
            return Err(Error::Format {
                reason: "the ciphertext's key reference has no key UID".into(),
            });
        }
        let Some(cache) = &self.cache else {
            let (key, _, detour) = decryptable_key(&self.client, key_ref, policy).await?;
            return Ok((Arc::new(key), detour));
        };
        cache.bind(self.client.cache_scope())?;
        if let Some(key) = cache.get(&cache_id(&key_ref.name, &key_ref.uid)) {
            return Ok((key, None));
        }
        let (key, cacheable, detour) = decryptable_key(&self.client, key_ref, policy).await?;
        if !cacheable {
            // Compromised, read on request: for this call only, never for the cache's others.
            return Ok((Arc::new(key), detour));
        }
        let key = cache
            .get_or_fetch(&cache_id(&key_ref.name, &key_ref.uid), || async { Ok(key) })
            .await?;
        Ok((key, detour))
    }

    /// The remembered current version of `name` and its cached key, if both are still there.
    fn remembered(&self, name: &str) -> Result<Option<(KeyRef, Arc<SecretBytes>)>> {
        let Some(cache) = &self.cache else {
            return Ok(None);
        };
        cache.bind(self.client.cache_scope())?;
        let Some(key_ref) = self.current_map().get(name).cloned() else {
            return Ok(None);
        };
        match cache.get(&cache_id(&key_ref.name, &key_ref.uid)) {
            Some(key) => Ok(Some((key_ref, key))),
            None => {
                // Expired or evicted: resolve again, the state may have changed.
                self.current_map().remove(name);
                Ok(None)
            }
        }
    }

    /// Looks up the current version of `name`, creating version 1 when there is no version.
    async fn resolve(&self, name: &str) -> Result<KeyRef> {
        let lock = self.lock_for(name);
        let resolved = {
            let _guard = lock.lock().await;
            self.resolve_locked(name).await
        };
        drop(lock);
        self.release(name);
        resolved
    }

    async fn resolve_locked(&self, name: &str) -> Result<KeyRef> {
        let mut versions = self.versions_named(name).await?;
        if let [only] = versions.as_mut_slice()
            && only.key.version == 1
            && only.state == State::PreActive
        {
            // Another party's first use, between its Create and its Activate.
            if let Some(state) = await_activation(&self.client, name, &only.key.uid).await? {
                only.state = state;
            }
        }
        if !versions.is_empty() {
            return versions::primary_of(name, &versions);
        }
        let uid = find_or_create(&self.client, name).await?;
        Ok(KeyRef {
            name: name.to_string(),
            version: 1,
            uid,
        })
    }

    fn current_map(&self) -> std::sync::MutexGuard<'_, HashMap<String, KeyRef>> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_for(&self, name: &str) -> Arc<name_lock::NameLock> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(name.to_string()).or_default().clone()
    }

    /// Forgets the lock of `name` once no task holds or waits for it.
    fn release(&self, name: &str) {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        if locks.get(name).is_some_and(|l| Arc::strong_count(l) == 1) {
            locks.remove(name);
        }
    }
}

/// The key that a Model 2 ciphertext with `key_ref` in its header was sealed under, from the
/// server that holds its UID under its version's name, after checking the version's state against
/// `policy` (see [`super::lookup`]). Unlike [`Model2::decryption_key`] it checks no identifier:
/// the caller checks the name.
pub async fn decryption_key(
    client: &Client,
    key_ref: &KeyRef,
    policy: DecryptPolicy,
) -> Result<SecretBytes> {
    Ok(decryptable_key(client, key_ref, policy).await?.0)
}

/// The cache entry of version `uid` of the key named `name`: the UID alone is not enough, since
/// servers that do not replicate number their keys independently and one cluster may hold two
/// different keys under one UID (the name tells them apart, as [`super::lookup`] does).
fn cache_id(name: &str, uid: &str) -> String {
    format!("model2:{}:{name}:{uid}", name.len())
}

/// The key reference in a ciphertext's header (no key needed).
pub fn key_ref_of(ciphertext: &[u8]) -> Result<KeyRef> {
    Ok(Header::parse(ciphertext)?.0.key_ref)
}

/// The UID every party picks among several keys of one name: the lowest, by length then bytes.
pub(crate) fn canonical(mut ids: Vec<String>) -> Option<String> {
    ids.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    ids.into_iter().next()
}

/// The UID of the AES-256 key named `name`, created (and activated) if there is none; see the
/// module documentation for how concurrent creators agree on one key.
pub(crate) async fn find_or_create(client: &Client, name: &str) -> Result<String> {
    let usage = CryptographicUsageMask::Encrypt | CryptographicUsageMask::Decrypt;
    find_or_create_with(client, name, usage).await
}

/// [`find_or_create`] of a key that may be used as `usage` says (Model 1's KEK for key wrap
/// gets Wrap Key and Unwrap Key only).
pub(crate) async fn find_or_create_with(
    client: &Client,
    name: &str,
    usage: CryptographicUsageMask,
) -> Result<String> {
    // Every server is asked; with the primary unreachable and the name on no other server,
    // creating is refused unless the cluster replicates (see `super::lookup`).
    if let Some(uid) = existing_or_may_create(client, name).await? {
        return Ok(uid);
    }
    let mine = client.create_aes_key_with_usage(name, 256, usage).await?;
    let winner = canonical(client.locate_by_name(name).await?).unwrap_or_else(|| mine.clone());
    if winner == mine {
        client.activate(&mine).await?;
    } else {
        // Another party created the name first; ours is pre-active and unused. If it cannot be
        // destroyed it stays unused: every party picks the winner.
        let _ = client.destroy(&mine).await;
        // The winner's creator activates it; nothing is encrypted under it before that.
        match await_activation(client, name, &winner).await {
            Ok(Some(State::Active)) => {}
            outcome => {
                let seen = match outcome {
                    Ok(Some(state)) => format!("it is {state}"),
                    Ok(None) => "it has no State".to_string(),
                    Err(e) => format!("reading it failed: {e}"),
                };
                return Err(Error::Protocol {
                    reason: format!(
                        "concurrent first use of {name:?}: another party's key {winner} won but did not become Active ({seen}); try again"
                    ),
                });
            }
        }
    }
    Ok(winner)
}

/// How long a party that finds a name's first key still Pre-Active waits for its creator (a
/// first use elsewhere, between its Create and its Activate: three round trips) to activate it.
const FIRST_USE_WAIT: Duration = Duration::from_secs(5);

/// The State of key `uid` named `name` once it has left Pre-Active, or Pre-Active still after
/// [`FIRST_USE_WAIT`] (or the client's deadline, if shorter): its creator then stopped before
/// activating it, and [`versions::primary_of`] names the state and what to do.
async fn await_activation(client: &Client, name: &str, uid: &str) -> Result<Option<State>> {
    let budget = FIRST_USE_WAIT.min(client.cluster().timeouts().deadline);
    let mut waited = Duration::ZERO;
    let mut pause = Duration::from_millis(10);
    loop {
        let state = client.find_named(uid, name).await?.state;
        if state != Some(State::PreActive) || waited >= budget {
            return Ok(state);
        }
        // The link's own pause: a tokio sleep natively, the host's timer over a host transport.
        client.cluster().link().pause(pause).await;
        waited += pause;
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_is_numeric_for_integer_uids() {
        let ids = vec!["10".to_string(), "9".into(), "11".into()];
        assert_eq!(canonical(ids).as_deref(), Some("9"));
        assert_eq!(canonical(Vec::new()), None);
    }
}
