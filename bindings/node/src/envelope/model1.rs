//! `NativeModel1`: data keys protected by a key-encryption key (KEK) that never leaves the key
//! manager; and `NativeDataKey`, one such data key held in the core's protected memory.

use std::sync::Arc;

use kmipkit::envelope::model1::{KekMethod, Model1, ProtectedDek};
use kmipkit::keys::SecretBytes;
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, Buffer, Uint8Array};
use napi_derive::napi;

use super::cache::NativeKeyCache;
use super::stream::{NativeHeaderReader, NativeOpener, NativeSealer};
use super::{KeyRefObject, plain_buffer};
use crate::cancel::Canceller;
use crate::client::{NativeClient, promise};
use crate::errors;

/// Model 1 over one KEK (`name/vN` on the key manager).
#[napi]
pub struct NativeModel1 {
    pub(crate) inner: Model1,
}

fn method(text: Option<String>) -> kmipkit::error::Result<Option<KekMethod>> {
    text.map(|t| t.parse::<KekMethod>()).transpose()
}

#[napi]
impl NativeModel1 {
    /// Model 1 over version `kek_version` of the KEK `kek_name`.
    #[napi(factory)]
    pub fn create(
        client: &NativeClient,
        kek_name: String,
        kek_version: u32,
        cache: Option<&NativeKeyCache>,
        kek_method: Option<String>,
    ) -> napi::Result<Self> {
        let mut inner =
            Model1::new(client.client()?, kek_name, kek_version).map_err(errors::to_napi)?;
        if let Some(c) = cache {
            inner = inner.with_cache(c.inner.clone());
        }
        if let Some(m) = method(kek_method).map_err(errors::to_napi)? {
            inner = inner.with_kek_method(m);
        }
        Ok(Self { inner })
    }

    /// Model 1 over `kek` (else the configuration's `[key] name`), at `kek_version` (else the
    /// configured or current one); `null` when neither names a KEK.
    #[napi(ts_return_type = "Promise<NativeModel1 | null>")]
    pub fn from_config(
        env: &Env,
        client: &NativeClient,
        kek: Option<String>,
        kek_version: Option<u32>,
        cache: Option<&NativeKeyCache>,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Option<NativeModel1>>> {
        let c = client.client()?;
        let key = client.key_config();
        let cache = cache.map(|c| c.inner.clone());
        promise(env, cancel, async move {
            let model = Model1::from_config(c, &key, kek.as_deref(), kek_version, cache).await?;
            Ok(model.map(|inner| NativeModel1 { inner }))
        })
    }

    /// The KEK's name.
    #[napi(getter)]
    pub fn kek_name(&self) -> String {
        self.inner.kek_name().to_string()
    }

    /// The KEK version new data keys are protected under.
    #[napi(getter)]
    pub fn kek_version(&self) -> u32 {
        self.inner.kek_version()
    }

    /// The KEK's KMIP Name (`name/vN`).
    #[napi(getter)]
    pub fn kek_key_name(&self) -> String {
        self.inner.kek_key_name()
    }

    /// How new data keys are protected: `"encrypt"` or `"key-wrap"`.
    #[napi(getter)]
    pub fn kek_method(&self) -> String {
        self.inner.kek_method().as_str().to_string()
    }

    /// Finds the KEK, or creates and activates it.
    #[napi(ts_return_type = "Promise<KeyRefObject>")]
    pub fn ensure_kek(
        &self,
        env: &Env,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<KeyRefObject>> {
        let m = self.inner.clone();
        promise(env, cancel, async move { Ok(m.ensure_kek().await?.into()) })
    }

    /// Finds the KEK.
    #[napi(ts_return_type = "Promise<KeyRefObject>")]
    pub fn kek(
        &self,
        env: &Env,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<KeyRefObject>> {
        let m = self.inner.clone();
        promise(env, cancel, async move { Ok(m.kek().await?.into()) })
    }

    /// A new data key and its protected form; `local`: from the local CSPRNG instead of the
    /// key manager (still protected by the KEK there).
    #[napi(ts_return_type = "Promise<NativeDataKey>")]
    pub fn create_dek(
        &self,
        env: &Env,
        local: bool,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeDataKey>> {
        let m = self.inner.clone();
        promise(env, cancel, async move {
            let (key, protected) = if local {
                m.create_local_dek().await?
            } else {
                m.create_dek().await?
            };
            Ok(NativeDataKey {
                model: m,
                key: Arc::new(key),
                protected,
            })
        })
    }

    /// Sends protected-DEK bytes to the key manager for decryption: the data key.
    #[napi(ts_return_type = "Promise<NativeDataKey>")]
    pub fn unlock(
        &self,
        env: &Env,
        protected: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeDataKey>> {
        let m = self.inner.clone();
        let protected = ProtectedDek::from_bytes(&protected);
        promise(env, cancel, async move {
            let protected = protected?;
            let key = m.unlock(&protected).await?;
            Ok(NativeDataKey {
                model: m,
                key: Arc::new(key),
                protected,
            })
        })
    }

    /// Protects the caller's 32-byte data key under the current KEK: the protected-DEK bytes.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn protect(
        &self,
        env: &Env,
        key: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let m = self.inner.clone();
        let key = SecretBytes::from(&key[..]);
        promise(env, cancel, async move {
            super::key32(key.expose())?;
            Ok(Buffer::from(m.protect(&key).await?.to_bytes()?))
        })
    }

    /// Encrypts `plaintext` under a new data key from the key manager (one round trip).
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn encrypt(
        &self,
        env: &Env,
        context: Uint8Array,
        plaintext: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let m = self.inner.clone();
        let (context, plaintext) = (context.to_vec(), super::PlaintextIn(plaintext.to_vec()));
        promise(env, cancel, async move {
            let (key, protected) = m.create_dek().await?;
            let sealed = m.seal_with_dek(&key, &protected, &context, &plaintext.0)?;
            Ok(Buffer::from(sealed))
        })
    }

    /// Decrypts a Model 1 ciphertext (its data key unlocked on the key manager, or the cache).
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn decrypt(
        &self,
        env: &Env,
        context: Uint8Array,
        ciphertext: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<Buffer>> {
        let m = self.inner.clone();
        let (context, ciphertext) = (context.to_vec(), ciphertext.to_vec());
        promise(env, cancel, async move {
            Ok(plain_buffer(m.open(&ciphertext, &context).await?))
        })
    }

    /// A push encryptor under a new data key.
    #[napi(ts_return_type = "Promise<NativeSealer>")]
    pub fn start_encrypt(
        &self,
        env: &Env,
        context: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeSealer>> {
        let m = self.inner.clone();
        let context = context.to_vec();
        promise(env, cancel, async move {
            Ok(NativeSealer::new(m.start_encrypt(&context).await?))
        })
    }

    /// A push decryptor for the body after the header `reader` collected (refused unless the
    /// header names this model's KEK).
    #[napi(ts_return_type = "Promise<NativeOpener>")]
    pub fn start_decrypt(
        &self,
        env: &Env,
        reader: &NativeHeaderReader,
        context: Uint8Array,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeOpener>> {
        let m = self.inner.clone();
        let header = reader.complete()?;
        let context = context.to_vec();
        promise(env, cancel, async move {
            Ok(NativeOpener::new(m.start_decrypt(&header, &context).await?))
        })
    }
}

/// A Model 1 data key in the core's protected memory, and its protected form (safe to store).
/// Its bytes reach JavaScript only through `expose()`.
#[napi]
pub struct NativeDataKey {
    model: Model1,
    key: Arc<SecretBytes>,
    protected: ProtectedDek,
}

#[napi]
impl NativeDataKey {
    /// The protected form: the key encrypted under the KEK.
    #[napi(getter)]
    pub fn protected(&self) -> napi::Result<Buffer> {
        Ok(Buffer::from(
            self.protected.to_bytes().map_err(errors::to_napi)?,
        ))
    }

    /// The key bytes, only on explicit request.
    #[napi]
    pub fn expose(&self) -> Buffer {
        Buffer::from(self.key.expose().to_vec())
    }

    /// Encrypts locally under this key; the ciphertext carries the protected form.
    #[napi]
    pub fn seal(&self, context: Uint8Array, plaintext: Uint8Array) -> napi::Result<Buffer> {
        let sealed = self
            .model
            .seal_with_dek(&self.key, &self.protected, &context, &plaintext);
        Ok(Buffer::from(sealed.map_err(errors::to_napi)?))
    }

    /// A push encryptor under this key.
    #[napi]
    pub fn sealer(&self, context: Uint8Array) -> napi::Result<NativeSealer> {
        let key = self
            .model
            .sealing_key_with(self.key.clone(), &self.protected)
            .and_then(|k| k.sealer(&context))
            .map_err(errors::to_napi)?;
        Ok(NativeSealer::new(key))
    }
}
