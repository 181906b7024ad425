//! `NativeClient`: a connected core client, and [`promise`], the one way every operation turns
//! a core future into a JS Promise (errors converted, cancellation honoured).
//!
//! Adding an operation: in the family's file under `operations/`, a `#[napi]` method taking the
//! converted arguments and, last, `cancel: Option<&Canceller>`, returning
//! `promise(env, cancel, async move { core call })`; convert arguments with `convert` before the
//! future starts (bad arguments reject before anything is sent). Then the JS method in
//! `node/index.js`, its declaration in `node/index.d.ts`, and a test.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use kmipkit::client::Client;
use kmipkit::config::KeyConfig;
use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, AsyncBlockBuilder, ToNapiValue};
use napi_derive::napi;
use serde_json::Value as Json;

use crate::cancel::{Canceller, until_cancelled};
use crate::{config, errors};

/// A Promise of `work`'s result: core errors become [`errors::to_napi`] errors, and `cancel`
/// (when given) stops the work early (see `cancel.rs`).
pub fn promise<T, F>(env: &Env, cancel: Option<&Canceller>, work: F) -> napi::Result<AsyncBlock<T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = kmipkit::error::Result<T>> + Send + 'static,
{
    let token = cancel.map(Canceller::token);
    let work = async move { work.await.map_err(errors::to_napi) };
    AsyncBlockBuilder::new(until_cancelled(token, work)).build(env)
}

/// A connected KMIP client: primary and secondary servers, pooled mutual-TLS connections.
#[napi]
pub struct NativeClient {
    /// `None` once closed. Operations hold their own `Arc`, so closing never cuts one short.
    inner: RwLock<Option<Arc<Client>>>,
    /// The configuration's `[key]` table, for `Model1.fromConfig`.
    key: KeyConfig,
}

impl NativeClient {
    /// The configuration's `[key]` table (KEK name, version, method).
    pub fn key_config(&self) -> KeyConfig {
        self.key.clone()
    }

    /// The client, or an error once closed.
    pub fn client(&self) -> napi::Result<Arc<Client>> {
        self.inner
            .read()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(errors::closed)
    }
}

#[napi]
impl NativeClient {
    /// Loads `kmipkit.toml` at `path` (refused when other users can read it) and connects.
    #[napi(ts_return_type = "Promise<NativeClient>")]
    pub fn connect_path(
        env: &Env,
        path: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeClient>> {
        promise(env, cancel, async move {
            let config = config::from_path(&path)?;
            connected(Client::connect(&config).await?, config.key)
        })
    }

    /// Connects as the plain object `config` says (the fields of `kmipkit.toml`); relative
    /// paths resolve against `base_dir`.
    #[napi(
        ts_return_type = "Promise<NativeClient>",
        ts_args_type = "config: object, baseDir: string, cancel?: Canceller | undefined | null"
    )]
    pub fn connect_object(
        env: &Env,
        config: Json,
        base_dir: String,
        cancel: Option<&Canceller>,
    ) -> napi::Result<AsyncBlock<NativeClient>> {
        promise(env, cancel, async move {
            let config = config::from_object(&config, &PathBuf::from(base_dir))?;
            connected(Client::connect(&config).await?, config.key)
        })
    }

    /// Drops this handle's client: idle connections close now, those in use when their
    /// operation ends. Later calls reject; closing twice does nothing.
    #[napi]
    pub fn close(&self) {
        if let Ok(mut inner) = self.inner.write() {
            inner.take();
        }
    }

    /// Whether [`NativeClient::close`] was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.read().map(|c| c.is_none()).unwrap_or(true)
    }

    /// The negotiated (or pinned) protocol version, e.g. `"2.0"`.
    #[napi(getter)]
    pub fn version(&self) -> napi::Result<String> {
        Ok(self.client()?.version().to_string())
    }

    /// The configured server names, primary first.
    #[napi(getter)]
    pub fn server_names(&self) -> napi::Result<Vec<String>> {
        Ok(self.client()?.server_names())
    }
}

fn connected(client: Client, key: KeyConfig) -> kmipkit::error::Result<NativeClient> {
    Ok(NativeClient {
        inner: RwLock::new(Some(Arc::new(client))),
        key,
    })
}
