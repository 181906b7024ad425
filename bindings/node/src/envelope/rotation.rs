//! Rotation: Model 1 re-wrapping of protected data keys under a new KEK version, and Model 2
//! key versions (add, promote, deactivate, revoke) with re-encryption to the primary version.
//!
//! Bulk runs go to the core in batches (`node/lib/envelope/rotation.js` makes them from any
//! iterable, so a caller's millions of items never sit in memory at once): each batch returns,
//! per item, the new ciphertext (absent when it was already current) and the core's progress
//! counts after that item.

use std::sync::Arc;

use kmipkit::envelope::model2::DecryptPolicy;
use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation, Progress};
use kmipkit::spec::RevocationReasonCode;
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Buffer, Uint8Array};
use napi_derive::napi;
use tokio::sync::Mutex;

use super::model1::NativeModel1;
use super::model2::NativeModel2;
use super::{KeyRefObject, KeyVersionObject, versions_out};
use crate::cancel::Canceller;
use crate::client::promise;
use crate::errors;

/// One item of a bulk run: its new form, and the counts after it.
#[napi(object)]
pub struct RotatedItem {
    /// The new ciphertext; absent when the item was already current (store nothing).
    pub ciphertext: Option<Buffer>,
    /// Items looked at so far in this batch.
    pub processed: u32,
    /// Items rewritten so far in this batch.
    pub rotated: u32,
    /// Items skipped as already current so far in this batch.
    pub already_current: u32,
    /// Key-manager operations so far in this batch.
    pub key_manager_calls: u32,
}

/// One Model 2 item to re-encrypt: its context (canonical bytes) and ciphertext.
#[napi(object)]
pub struct ReencryptItem {
    /// The context the ciphertext was made with.
    pub context: Uint8Array,
    /// The ciphertext.
    pub ciphertext: Uint8Array,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Pairs each item's new form with the progress reported after it.
fn rotated(news: Vec<Option<Vec<u8>>>, progress: Vec<Progress>) -> Vec<RotatedItem> {
    news.into_iter()
        .zip(progress)
        .map(|(new, p)| RotatedItem {
            ciphertext: new.map(Buffer::from),
            processed: count(p.processed),
            rotated: count(p.rotated),
            already_current: count(p.already_current),
            key_manager_calls: count(p.key_manager_calls),
        })
        .collect()
}

/// Model 1 rotation to the target model's KEK version; remembers each re-wrapped data key for
/// its life, so items sharing one are re-wrapped with one unlock and one protect.
#[napi]
pub struct NativeModel1Rotation {
    inner: Arc<Mutex<Model1Rotation>>,
}

#[napi]
impl NativeModel1Rotation {
    /// Rotation to `target` (whose KEK version must exist: `ensureKek()`).
    #[napi(constructor)]
    pub fn new(target: &NativeModel1) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Model1Rotation::new(target.inner.clone()))),
        }
    }

    /// Whether `ciphertext`'s data key is already under the target KEK version.
    #[napi]
    pub fn is_current(&self, ciphertext: Uint8Array) -> napi::Result<bool> {
        let rotation = self.inner.try_lock().map_err(|_| {
            napi::Error::from_reason("a rewrap of this rotation is running; await it first")
        })?;
        rotation.is_current(&ciphertext).map_err(errors::to_napi)
    }

    /// `ciphertext` with its data key re-wrapped under the target KEK (body unchanged).
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn rewrap(
        &self,
        env: &Env,
        ciphertext: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let r = self.inner.clone();
        let ciphertext = ciphertext.to_vec();
        promise(env, cancel, async move {
            Ok(Buffer::from(r.lock().await.rewrap(&ciphertext).await?))
        })
    }

    /// Re-wraps a batch of ciphertexts; stops at the first error.
    #[napi(ts_return_type = "Promise<RotatedItem[]>")]
    pub fn rewrap_batch(
        &self,
        env: &Env,
        ciphertexts: Vec<Uint8Array>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<RotatedItem>>> {
        let r = self.inner.clone();
        let items: Vec<(usize, Vec<u8>)> =
            ciphertexts.iter().map(|c| c.to_vec()).enumerate().collect();
        promise(env, cancel, async move {
            let mut news = vec![None; items.len()];
            let mut progress = Vec::with_capacity(items.len());
            r.lock()
                .await
                .rewrap_all(
                    items,
                    |i, new| {
                        news[*i] = Some(new);
                        Ok(())
                    },
                    |p| progress.push(p.clone()),
                )
                .await?;
            Ok(rotated(news, progress))
        })
    }
}

/// Model 2 rotation: key versions per identifier and re-encryption to the primary version.
#[napi]
pub struct NativeModel2Rotation {
    inner: Arc<Model2Rotation>,
}

#[napi]
impl NativeModel2Rotation {
    /// Rotation over `model`'s keys; re-encryption reads items under a Compromised version only
    /// when `allow_compromised`.
    #[napi(constructor)]
    pub fn new(model: &NativeModel2, allow_compromised: Option<bool>) -> Self {
        let policy = DecryptPolicy::allowing_compromised(allow_compromised.unwrap_or(false));
        Self {
            inner: Arc::new(Model2Rotation::new(model.inner.clone()).with_decrypt_policy(policy)),
        }
    }

    /// Every version of `id`'s key, oldest first.
    #[napi(ts_return_type = "Promise<KeyVersionObject[]>")]
    pub fn versions(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<KeyVersionObject>>> {
        let r = self.inner.clone();
        promise(env, cancel, async move {
            Ok(versions_out(r.versions(&id).await?))
        })
    }

    /// Adds a new (Pre-Active) version of `id`'s key.
    #[napi(ts_return_type = "Promise<KeyRefObject>")]
    pub fn add_version(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<KeyRefObject>> {
        let r = self.inner.clone();
        promise(
            env,
            cancel,
            async move { Ok(r.add_version(&id).await?.into()) },
        )
    }

    /// Makes `version` the primary (KMIP Activate).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn promote(
        &self,
        env: &Env,
        id: String,
        version: u32,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let r = self.inner.clone();
        promise(env, cancel, async move { r.promote(&id, version).await })
    }

    /// Deactivates `version` (it still decrypts).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn deactivate(
        &self,
        env: &Env,
        id: String,
        version: u32,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let r = self.inner.clone();
        promise(env, cancel, async move { r.deactivate(&id, version).await })
    }

    /// Revokes `version` for `reason` (a Revocation Reason Code name, e.g. `KeyCompromise`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn revoke(
        &self,
        env: &Env,
        id: String,
        version: u32,
        reason: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<()>> {
        let r = self.inner.clone();
        let code = RevocationReasonCode::from_name(&reason).ok_or_else(|| kmipkit::Error::Encode {
            what: "revocation reason".into(),
            reason: format!(
                "unknown reason {reason:?}; use a Revocation Reason Code name such as KeyCompromise"
            ),
        });
        promise(
            env,
            cancel,
            async move { r.revoke(&id, version, code?).await },
        )
    }

    /// Re-encrypts a batch of `id`'s items under its primary version; stops at the first error.
    #[napi(ts_return_type = "Promise<RotatedItem[]>")]
    pub fn reencrypt_batch(
        &self,
        env: &Env,
        id: String,
        items: Vec<ReencryptItem>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<RotatedItem>>> {
        let r = self.inner.clone();
        let items: Vec<(usize, Vec<u8>, Vec<u8>)> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (i, item.context.to_vec(), item.ciphertext.to_vec()))
            .collect();
        promise(env, cancel, async move {
            let mut news = vec![None; items.len()];
            let mut progress = Vec::with_capacity(items.len());
            r.reencrypt_all(
                &id,
                items,
                |i, new| {
                    news[*i] = Some(new);
                    Ok(())
                },
                |p| progress.push(p.clone()),
            )
            .await?;
            Ok(rotated(news, progress))
        })
    }
}
