//! Envelope encryption with the key manager, in memory: Model 1 (a DEK per message protected by
//! a KEK that never leaves the key manager; rotation re-wraps the DEK under a newer KEK version)
//! and Model 2 (a key per identifier, in versions; rotation adds and promotes a version). All
//! of it is the core's ([`kmipkit::envelope`]); this converts arguments and results.

use std::sync::Arc;

use js_sys::{Array, Promise, Uint8Array};
use kmipkit::envelope::format::KeyRef;
use kmipkit::envelope::model1::{KekMethod, Model1};
use kmipkit::envelope::model2::Model2;
use kmipkit::envelope::rotation::{Model1Rotation, Model2Rotation};
use wasm_bindgen::prelude::*;

use super::client::{OnlineClient, promise};
use super::convert::Out;
use super::key_cache::OnlineKeyCache;
use crate::errors::IntoJs;

fn key_ref(key: &KeyRef) -> Out {
    let out = Out::new();
    out.set("name", Some(key.name.clone().into()));
    out.set("version", Some(key.version.into()));
    out.set("uid", Some(key.uid.clone().into()));
    out
}

fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

/// Model 1 over a connected client (the wrapper in `wasm/online.js` is the documented API).
#[wasm_bindgen(js_name = OnlineModel1)]
pub struct OnlineModel1 {
    pub(crate) inner: Model1,
}

#[wasm_bindgen(js_class = OnlineModel1)]
impl OnlineModel1 {
    /// Model 1 with KEK `kek`, version `version` (1 when undefined), protecting DEKs by
    /// `method` (`"encrypt"` or `"key-wrap"`; chosen from the server's profile when undefined).
    #[wasm_bindgen(constructor)]
    pub fn new(
        client: &OnlineClient,
        kek: String,
        version: Option<u32>,
        method: Option<String>,
    ) -> Result<OnlineModel1, JsValue> {
        let mut inner = Model1::new(client.inner.clone(), kek, version.unwrap_or(1)).js()?;
        if let Some(method) = method {
            inner = inner.with_kek_method(method.parse::<KekMethod>().js()?);
        }
        Ok(Self { inner })
    }

    /// Model 1 with the current version of KEK `kek`: the newest Active one on the key
    /// manager, as the core's `Model1::current` finds it (version 1 when there is none yet).
    pub fn current(
        client: &OnlineClient,
        kek: String,
        method: Option<String>,
    ) -> Result<Promise, JsValue> {
        let method = method.map(|m| m.parse::<KekMethod>()).transpose().js()?;
        let client = client.inner.clone();
        Ok(promise(async move {
            let mut inner = Model1::current(client, kek).await?;
            if let Some(method) = method {
                inner = inner.with_kek_method(method);
            }
            Ok(OnlineModel1 { inner }.into())
        }))
    }

    /// This model with unlocked DEKs kept in `cache` (a new object; this one is unchanged).
    #[wasm_bindgen(js_name = withCache)]
    pub fn with_cache(&self, cache: &OnlineKeyCache) -> OnlineModel1 {
        OnlineModel1 {
            inner: self.inner.clone().with_cache(cache.inner.clone()),
        }
    }

    /// The KEK version new DEKs are protected under.
    #[wasm_bindgen(getter, js_name = kekVersion)]
    pub fn kek_version(&self) -> u32 {
        self.inner.kek_version()
    }

    /// The KEK, found by name or created and activated: `{ name, version, uid }`.
    #[wasm_bindgen(js_name = ensureKek)]
    pub fn ensure_kek(&self) -> Promise {
        let model = self.inner.clone();
        promise(async move { Ok(key_ref(&model.ensure_kek().await?).0.into()) })
    }

    /// Encrypts `plaintext` under a fresh DEK from the key manager, protected under the KEK:
    /// the ciphertext carries the protected DEK in its header. The DEK is wiped before this
    /// resolves.
    pub fn encrypt(&self, plaintext: Vec<u8>, context: Vec<u8>) -> Promise {
        let model = self.inner.clone();
        promise(async move {
            let (dek, protected) = model.create_dek().await?;
            Ok(bytes(
                &model.seal_with_dek(&dek, &protected, &context, &plaintext)?,
            ))
        })
    }

    /// Decrypts a Model 1 ciphertext under this KEK (any version): unlocks its DEK on the key
    /// manager and returns the plaintext once all of it verified.
    pub fn decrypt(&self, ciphertext: Vec<u8>, context: Vec<u8>) -> Promise {
        let model = self.inner.clone();
        promise(async move {
            let plaintext = model.open(&ciphertext, &context).await?;
            Ok(bytes(plaintext.as_slice()))
        })
    }

    /// Whether `ciphertext`'s DEK is already protected under this model's KEK version.
    #[wasm_bindgen(js_name = isCurrent)]
    pub fn is_current(&self, ciphertext: &[u8]) -> Result<bool, JsValue> {
        Model1Rotation::new(self.inner.clone())
            .is_current(ciphertext)
            .js()
    }

    /// Rotation: `ciphertext` with its DEK re-wrapped under this model's KEK version (the body
    /// is unchanged); as it is when already current.
    pub fn rewrap(&self, ciphertext: Vec<u8>) -> Promise {
        let mut rotation = Model1Rotation::new(self.inner.clone());
        promise(async move { Ok(bytes(&rotation.rewrap(&ciphertext).await?)) })
    }
}

/// Model 2 over a connected client (the wrapper in `wasm/online.js` is the documented API).
#[wasm_bindgen(js_name = OnlineModel2)]
pub struct OnlineModel2 {
    pub(crate) inner: Arc<Model2>,
}

#[wasm_bindgen(js_class = OnlineModel2)]
impl OnlineModel2 {
    /// Model 2 with keys named `prefix` + identifier.
    #[wasm_bindgen(constructor)]
    pub fn new(client: &OnlineClient, prefix: String) -> Result<OnlineModel2, JsValue> {
        let inner = Model2::new(client.inner.clone(), prefix).js()?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Model 2 with keys named `prefix` + identifier, fetched keys (and which version is
    /// current) kept in `cache`.
    pub fn cached(
        client: &OnlineClient,
        prefix: String,
        cache: &OnlineKeyCache,
    ) -> Result<OnlineModel2, JsValue> {
        let inner = Model2::new(client.inner.clone(), prefix)
            .js()?
            .with_cache(cache.inner.clone());
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Encrypts `plaintext` for `id` under the current version of its key (created on first
    /// use).
    pub fn encrypt(&self, id: String, plaintext: Vec<u8>, context: Vec<u8>) -> Promise {
        let model = self.inner.clone();
        promise(async move { Ok(bytes(&model.encrypt(&id, &context, &plaintext).await?)) })
    }

    /// Decrypts a Model 2 ciphertext of `id` (any usable version of its key).
    pub fn decrypt(&self, id: String, ciphertext: Vec<u8>, context: Vec<u8>) -> Promise {
        let model = self.inner.clone();
        promise(async move {
            let plaintext = model.decrypt(&id, &ciphertext, &context).await?;
            Ok(bytes(plaintext.as_slice()))
        })
    }

    /// The versions of `id`'s key, oldest first: `[{ name, version, uid, state }]`.
    pub fn versions(&self, id: String) -> Promise {
        let model = self.inner.clone();
        promise(async move {
            let versions = model.versions(&id).await?;
            let list = Array::new();
            for v in &versions {
                let out = key_ref(&v.key);
                out.set("state", Some(v.state.to_string().into()));
                list.push(&out.0);
            }
            Ok(list.into())
        })
    }

    /// Rotation: adds a new version of `id`'s key (Pre-Active until promoted): `{ name,
    /// version, uid }`.
    #[wasm_bindgen(js_name = addVersion)]
    pub fn add_version(&self, id: String) -> Promise {
        let rotation = Model2Rotation::new(self.inner.clone());
        promise(async move { Ok(key_ref(&rotation.add_version(&id).await?).0.into()) })
    }

    /// Rotation: makes `version` of `id`'s key the one new data is encrypted under (Activate).
    pub fn promote(&self, id: String, version: u32) -> Promise {
        let rotation = Model2Rotation::new(self.inner.clone());
        promise(async move {
            rotation.promote(&id, version).await?;
            Ok(JsValue::UNDEFINED)
        })
    }
}
