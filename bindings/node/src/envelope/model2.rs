//! `NativeModel2`: one key per identifier (a user, a document), named `prefix + id`, held by the
//! key manager in versions.

use std::sync::Arc;

use kmipkit::envelope::model2::{DecryptPolicy, Model2};
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Buffer, Uint8Array};
use napi_derive::napi;

use super::cache::NativeKeyCache;
use super::stream::{NativeHeaderReader, NativeOpener, NativeSealer};
use super::{KeyRefObject, KeyVersionObject, PlaintextIn, plain_buffer, versions_out};
use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::errors;

/// Model 2 over the keys named `prefix + id`.
#[napi]
pub struct NativeModel2 {
    pub(crate) inner: Arc<Model2>,
}

#[napi]
impl NativeModel2 {
    /// Model 2 with key names `prefix + id`, unwrapped keys kept in `cache` when given.
    #[napi(factory)]
    pub fn create(
        client: &NativeClient,
        prefix: String,
        cache: Option<&NativeKeyCache>,
    ) -> napi::Result<Self> {
        let mut inner = Model2::new(client.client()?, prefix).map_err(errors::to_napi)?;
        if let Some(c) = cache {
            inner = inner.with_cache(c.inner.clone());
        }
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The prefix of key names.
    #[napi(getter)]
    pub fn prefix(&self) -> String {
        self.inner.prefix().to_string()
    }

    /// The KMIP Name of `id`'s key.
    #[napi]
    pub fn key_name(&self, id: String) -> napi::Result<String> {
        self.inner.key_name(&id).map_err(errors::to_napi)
    }

    /// Forgets what is cached for `id` (its versions and keys).
    #[napi]
    pub fn forget(&self, id: String) -> napi::Result<()> {
        self.inner.forget(&id).map_err(errors::to_napi)
    }

    /// Every version of `id`'s key, oldest first (empty when it has none).
    #[napi(ts_return_type = "Promise<KeyVersionObject[]>")]
    pub fn versions(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Vec<KeyVersionObject>>> {
        let m = self.inner.clone();
        promise(env, cancel, async move {
            Ok(versions_out(m.versions(&id).await?))
        })
    }

    /// The current (highest Active) version of `id`'s key, created on first use.
    #[napi(ts_return_type = "Promise<KeyRefObject>")]
    pub fn key_for(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<KeyRefObject>> {
        let m = self.inner.clone();
        promise(env, cancel, async move { Ok(m.key_for(&id).await?.into()) })
    }

    /// The current version of `id`'s key, or `null` when it has none (nothing is created).
    #[napi(ts_return_type = "Promise<KeyRefObject | null>")]
    pub fn find_key(
        &self,
        env: &Env,
        id: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Option<KeyRefObject>>> {
        let m = self.inner.clone();
        promise(env, cancel, async move {
            Ok(m.find_key(&id).await?.map(Into::into))
        })
    }

    /// Encrypts `plaintext` for `id` with `context` bound as associated data.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn encrypt(
        &self,
        env: &Env,
        id: String,
        context: Uint8Array,
        plaintext: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let m = self.inner.clone();
        let (context, plaintext) = (context.to_vec(), PlaintextIn(plaintext.to_vec()));
        promise(env, cancel, async move {
            Ok(Buffer::from(m.encrypt(&id, &context, &plaintext.0).await?))
        })
    }

    /// Decrypts a ciphertext made for `id`; under a Compromised version only when
    /// `allow_compromised`.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn decrypt(
        &self,
        env: &Env,
        id: String,
        context: Uint8Array,
        ciphertext: Uint8Array,
        allow_compromised: bool,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let m = self.inner.clone();
        let (context, ciphertext) = (context.to_vec(), ciphertext.to_vec());
        let policy = DecryptPolicy::allowing_compromised(allow_compromised);
        promise(env, cancel, async move {
            Ok(plain_buffer(
                m.decrypt_with(&id, &ciphertext, &context, policy).await?,
            ))
        })
    }

    /// A push encryptor under `id`'s current key version.
    #[napi(ts_return_type = "Promise<NativeSealer>")]
    pub fn start_encrypt(
        &self,
        env: &Env,
        id: String,
        context: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeSealer>> {
        let m = self.inner.clone();
        let context = context.to_vec();
        promise(env, cancel, async move {
            Ok(NativeSealer::new(m.start_encrypt(&id, &context).await?))
        })
    }

    /// A push decryptor for the body after the header `reader` collected (refused unless the
    /// header names `id`'s key).
    #[napi(ts_return_type = "Promise<NativeOpener>")]
    pub fn start_decrypt(
        &self,
        env: &Env,
        id: String,
        reader: &NativeHeaderReader,
        context: Uint8Array,
        allow_compromised: bool,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeOpener>> {
        let m = self.inner.clone();
        let header = reader.complete()?;
        let context = context.to_vec();
        let policy = DecryptPolicy::allowing_compromised(allow_compromised);
        promise(env, cancel, async move {
            Ok(NativeOpener::new(
                m.start_decrypt(&id, &header, &context, policy).await?,
            ))
        })
    }
}
