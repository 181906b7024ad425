//! The online client: the core's [`kmipkit::client::Client`] over the host's transport
//! ([`super::host`]). `wasm/online.js` wraps it with options objects and `close()`; each method
//! here converts its arguments, runs the core's future, and returns a JavaScript Promise.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use js_sys::{Array, Promise};
use kmipkit::client::{Client, Options, VersionChoice};
use kmipkit::platform::Platform;
use kmipkit::transport::{Cluster, Timeouts};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert;
use super::host::{self, Host, HostClock, HostWallClock};
use crate::errors::{IntoJs, invalid};
use crate::random::HostRandom;

/// A connected KMIP client (the wrapper in `wasm/online.js` is the documented API).
#[wasm_bindgen(js_name = OnlineClient)]
pub struct OnlineClient {
    pub(crate) inner: Arc<Client>,
}

/// Runs `future` as a Promise: its `Ok` resolves, its core error rejects with the JavaScript
/// `Error` of `errors.rs`.
pub(crate) fn promise<F>(future: F) -> Promise
where
    F: Future<Output = kmipkit::error::Result<JsValue>> + 'static,
{
    future_to_promise(async move { future.await.js() })
}

/// A duration from milliseconds given by JavaScript (`undefined`: the default).
fn duration(ms: Option<f64>, default: Duration, what: &str) -> Result<Duration, JsValue> {
    let Some(ms) = ms else {
        return Ok(default);
    };
    if !(0.0..=86_400_000.0).contains(&ms) {
        return Err(invalid(&format!(
            "timeouts.{what} must be a number of milliseconds from 0 to 86400000"
        )));
    }
    Ok(Duration::from_secs_f64(ms / 1000.0))
}

#[wasm_bindgen(js_class = OnlineClient)]
impl OnlineClient {
    /// Connects over `transport` to the servers `servers` (primary first) and negotiates the
    /// version down from `negotiate_from` (default 2.1), or speaks `pinned` exactly.
    #[allow(clippy::too_many_arguments)]
    pub fn connect(
        servers: Vec<String>,
        transport: JsValue,
        signal: JsValue,
        identity: Vec<u8>,
        pinned: Option<String>,
        negotiate_from: Option<String>,
        deadline_ms: Option<f64>,
        request_ms: Option<f64>,
        failover_delay_ms: Option<f64>,
        down_backoff_ms: Option<f64>,
    ) -> Result<Promise, JsValue> {
        let defaults = Timeouts::default();
        let timeouts = Timeouts {
            deadline: duration(deadline_ms, defaults.deadline, "deadlineMs")?,
            request: duration(request_ms, defaults.request, "requestMs")?,
            failover_delay: duration(
                failover_delay_ms,
                defaults.failover_delay,
                "failoverDelayMs",
            )?,
            down_backoff: duration(down_backoff_ms, defaults.down_backoff, "downBackoffMs")?,
            ..defaults
        };
        let version = match (pinned, negotiate_from) {
            (Some(v), _) => VersionChoice::Pinned(convert::version(&v).js()?),
            (None, Some(v)) => VersionChoice::Negotiate(convert::version(&v).js()?),
            (None, None) => Options::default().version,
        };
        let host = Host {
            transport,
            signal,
            request: timeouts.request,
        };
        let link = host::link(&servers, &identity, host).js()?;
        let platform = Platform::new(
            Arc::new(HostClock::default()),
            Arc::new(HostWallClock),
            Arc::new(HostRandom),
        );
        let cluster = Cluster::new(Arc::new(link), timeouts, platform.clock.clone()).js()?;
        let options = Options {
            version,
            ..Options::default()
        };
        Ok(promise(async move {
            let client = Client::over(cluster, platform, options).await?;
            let inner = Arc::new(client);
            Ok(OnlineClient { inner }.into())
        }))
    }

    /// The protocol version in use (`"1.4"`).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        self.inner.version().to_string()
    }

    /// The configured server names, primary first.
    #[wasm_bindgen(getter, js_name = serverNames)]
    pub fn server_names(&self) -> Array {
        self.inner
            .server_names()
            .iter()
            .map(|n| JsValue::from_str(n))
            .collect()
    }
}
