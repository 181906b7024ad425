//! Model 2 — a key per user or document, named from a unique identifier.
//!
//! The key of identifier `id` (a customer number, a document id) is the AES-256 key whose KMIP Name
//! is `prefix + id`. [`Model2::encrypt`] finds it by name (Locate), or creates it on first use
//! (Create with the Name and an Encrypt|Decrypt usage mask, then Activate); Gets its bytes into
//! [`SecretBytes`](crate::keys::SecretBytes); seals the data locally in the ciphertext format with
//! the key reference `{name, version, uid}`; and drops (zeroizes) the key. [`Model2::decrypt`]
//! reads the key reference from the header, checks that it names `prefix + id`, Gets the key by the
//! UID in it, and opens the message. Each ciphertext therefore names its key and key version, so a
//! later key version can be introduced without touching old data. The version is [`KEY_VERSION`]
//! (1) until rotation is added.
//!
//! # Identifiers
//!
//! `id` and `prefix` must be free of control characters; `id` must be non-empty and at most
//! [`MAX_ID_LEN`] bytes, the prefix at most [`MAX_PREFIX_LEN`] bytes. Key names are readable by
//! anyone who holds a ciphertext: do not use secrets as identifiers.
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
//!   was never used). Only the winner's creator activates it. Readers that find the name use the
//!   same lowest-UID rule. If the losing key cannot be destroyed it stays, unused, and the rule
//!   keeps everyone on the winner. (A server whose UIDs do not grow with time could in a narrow
//!   window let an early creator use a key that a later creator's lower UID then outranks; data
//!   stays decryptable — decryption goes by the UID in the header — but two keys would remain.)
//!
//! ```no_run
//! # async fn run(client: std::sync::Arc<kmipkit::client::Client>) -> kmipkit::error::Result<()> {
//! use kmipkit::envelope::model2::Model2;
//! let model = Model2::new(client, "customer-")?;
//! let ciphertext = model.encrypt("C-1042", b"table=invoices", b"invoice 7").await?;
//! let plaintext = model.decrypt("C-1042", &ciphertext, b"table=invoices").await?;
//! assert_eq!(&plaintext[..], b"invoice 7");
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::format::{self, Header, KeyRef, Params};
use super::lookup::{existing_or_may_create, fetch_key_of, find_by_name};
use super::model1::dek_array;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::keys::{KeyCache, SecretBytes};

/// The key version Model 2 writes into every ciphertext until rotation exists.
pub const KEY_VERSION: u32 = 1;
/// The longest identifier, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// The longest prefix, in bytes.
pub const MAX_PREFIX_LEN: usize = 256;

/// Model 2: one key on the key manager per identifier, named `prefix + id`.
#[derive(Debug)]
pub struct Model2 {
    client: Arc<Client>,
    prefix: String,
    /// One async lock per key name being looked up or created; entries leave when unused.
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// With a cache: key bytes by UID, and each name's UID once resolved, so that repeated
    /// encryptions cost no key-manager round trip until the cached key expires.
    cache: Option<Arc<KeyCache>>,
    resolved: Mutex<HashMap<String, String>>,
}

impl Model2 {
    /// Model 2 over `client`, naming keys `prefix + id`. Nothing is sent yet.
    pub fn new(client: Arc<Client>, prefix: impl Into<String>) -> Result<Self> {
        let prefix = prefix.into();
        if prefix.len() > MAX_PREFIX_LEN {
            return Err(invalid(format!(
                "the key-name prefix has {} bytes; at most {MAX_PREFIX_LEN}",
                prefix.len()
            )));
        }
        if prefix.chars().any(char::is_control) {
            return Err(invalid("the key-name prefix contains a control character"));
        }
        Ok(Self {
            client,
            prefix,
            locks: Mutex::new(HashMap::new()),
            cache: None,
            resolved: Mutex::new(HashMap::new()),
        })
    }

    /// Keeps fetched keys in `cache` (max age, max uses, max bytes; see [`KeyCache`]) and
    /// remembers which UID each name resolved to, so encrypting again for the same identifier
    /// costs no key-manager round trip while the key is cached.
    pub fn with_cache(mut self, cache: Arc<KeyCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Forgets what is cached for `id` (its resolved UID and key bytes): call it when the key is
    /// revoked, destroyed or rotated.
    pub fn forget(&self, id: &str) -> Result<()> {
        let name = self.key_name(id)?;
        let uid = self.resolved_map().remove(&name);
        if let (Some(cache), Some(uid)) = (&self.cache, uid) {
            cache.evict(&uid);
        }
        Ok(())
    }

    fn resolved_map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.resolved.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key bytes of `key_ref` (its UID under its version's name, on whichever server holds
    /// it: [`fetch_key_of`]), through the cache when there is one.
    async fn key_bytes(&self, key_ref: &KeyRef) -> Result<Arc<SecretBytes>> {
        let fetch = || async { Ok(fetch_key_of(&self.client, key_ref).await?.0) };
        match &self.cache {
            Some(cache) => cache.get_or_fetch(&key_ref.uid, fetch).await,
            None => fetch().await.map(Arc::new),
        }
    }

    /// The client.
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// The KMIP Name of `id`'s key: `prefix + id`, after checking `id`.
    pub fn key_name(&self, id: &str) -> Result<String> {
        check_name_part("identifier", id, MAX_ID_LEN)?;
        Ok(format!("{}{id}", self.prefix))
    }

    /// The key reference of `id`'s key, creating the key on first use.
    pub async fn key_for(&self, id: &str) -> Result<KeyRef> {
        let name = self.key_name(id)?;
        if self.cache.is_some()
            && let Some(uid) = self.resolved_map().get(&name).cloned()
        {
            return Ok(KeyRef {
                name,
                version: KEY_VERSION,
                uid,
            });
        }
        let lock = self.lock_for(&name);
        let uid = {
            let _guard = lock.lock().await;
            find_or_create(&self.client, &name).await
        };
        drop(lock);
        self.release(&name);
        let uid = uid?;
        if self.cache.is_some() {
            self.resolved_map().insert(name.clone(), uid.clone());
        }
        Ok(KeyRef {
            name,
            version: KEY_VERSION,
            uid,
        })
    }

    /// The key reference of `id`'s key if it exists; never creates one.
    pub async fn find_key(&self, id: &str) -> Result<Option<KeyRef>> {
        let name = self.key_name(id)?;
        let uid = find_by_name(&self.client, &name).await?;
        Ok(uid.map(|uid| KeyRef {
            name,
            version: KEY_VERSION,
            uid,
        }))
    }

    /// Encrypts `plaintext` for `id` with `context` bound as associated data. The key is created on
    /// first use, fetched into protected memory, and zeroized before this returns.
    pub async fn encrypt(&self, id: &str, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let key_ref = self.key_for(id).await?;
        let key = match self.key_bytes(&key_ref).await {
            Ok(key) => key,
            Err(e) => {
                // A remembered UID may have been destroyed since: resolve again next time.
                self.resolved_map().remove(&key_ref.name);
                return Err(e);
            }
        };
        format::seal(dek_array(&key)?, &Params::new(key_ref), context, plaintext)
    }

    /// Decrypts a ciphertext made by [`Model2::encrypt`] for `id`. The ciphertext must name `id`'s
    /// key (else [`Error::Integrity`] without contacting the key manager); the key is fetched by
    /// the UID in the header, on the server that holds that UID under the key's name
    /// ([`super::lookup`]). No plaintext is returned unless all of it verified.
    pub async fn decrypt(
        &self,
        id: &str,
        ciphertext: &[u8],
        context: &[u8],
    ) -> Result<format::Plaintext> {
        let name = self.key_name(id)?;
        let key_ref = key_ref_of(ciphertext)?;
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
        let key = self.key_bytes(&key_ref).await?;
        format::open(ciphertext, dek_array(&key)?, context)
    }

    fn lock_for(&self, name: &str) -> Arc<tokio::sync::Mutex<()>> {
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
    if let Some(uid) = existing_or_may_create(client, name).await? {
        return Ok(uid);
    }
    let mine = client.create_aes_key(name, 256).await?;
    let winner = canonical(client.locate_by_name(name).await?).unwrap_or_else(|| mine.clone());
    if winner == mine {
        client.activate(&mine).await?;
    } else {
        // Another party created the name first; ours is pre-active and unused. If it cannot be
        // destroyed it stays unused: every party picks the winner.
        let _ = client.destroy(&mine).await;
    }
    Ok(winner)
}

/// Checks a name part: non-empty, at most `max` bytes, no control characters.
pub(crate) fn check_name_part(what: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(invalid(format!("the {what} is empty")));
    }
    if value.len() > max {
        return Err(invalid(format!(
            "the {what} has {} bytes; at most {max}",
            value.len()
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("the {what} contains a control character")));
    }
    Ok(())
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::Encode {
        what: "key name".into(),
        reason: reason.into(),
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

    #[test]
    fn identifiers_are_checked() {
        assert!(check_name_part("identifier", "C-1042", MAX_ID_LEN).is_ok());
        assert!(check_name_part("identifier", "", MAX_ID_LEN).is_err());
        assert!(check_name_part("identifier", "a\nb", MAX_ID_LEN).is_err());
        assert!(check_name_part("identifier", "a\u{7f}", MAX_ID_LEN).is_err());
        assert!(check_name_part("identifier", &"x".repeat(257), MAX_ID_LEN).is_err());
    }
}
