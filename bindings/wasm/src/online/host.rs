//! The JavaScript transport as the core's [`HostLink`]: `transport.send(server, request,
//! { signal, timeoutMs })` returns a Promise of the reply bytes; its rejection says, by `.code`,
//! what the failover above must know (see [`transport_error`]). Time and the pause between
//! servers come from the host too: `performance.now()` / `Date.now()` and `setTimeout` (or the
//! transport's own `pause(ms)`), never `std::time::Instant`, which wasm32 does not have.

use std::cell::Cell;
use std::time::Duration;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use kmipkit::platform::{Clock, WallClock};
use kmipkit::transport::{HostLink, Peer};
use kmipkit::{Error, Party};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How the client talks to its transport object.
#[derive(Clone)]
pub struct Host {
    /// The transport object (`send`, optional `pause`).
    pub transport: JsValue,
    /// Aborted when the client closes: passed to every `send`.
    pub signal: JsValue,
    /// The longest one attempt may take (`timeouts.requestMs`), besides the time left.
    pub request: Duration,
}

/// A [`HostLink`] over `host` for the servers `names` (primary first); `identity` is the
/// transport's description of its TLS set-up (key caches bind to it).
pub fn link(names: &[String], identity: &[u8], host: Host) -> kmipkit::error::Result<HostLink> {
    let send = method(&host.transport, "send").ok_or_else(|| Error::Config {
        file: None,
        line: None,
        reason: "the transport has no send(server, request, options) method".into(),
    })?;
    let peers = names
        .iter()
        .map(|name| {
            let (host, port) = address(&host.transport, name);
            Peer {
                name: name.clone(),
                host,
                port,
                client_identity: None,
            }
        })
        .collect();
    let names = names.to_vec();
    let pause = method(&host.transport, "pause");
    let pause_on = host.transport.clone();
    HostLink::new(
        peers,
        identity,
        Box::new(move |server, request, left| {
            let name = names.get(server).cloned().unwrap_or_default();
            let timeout = left.min(host.request);
            let sent = call_send(&send, &host, &name, &request, timeout);
            Box::pin(async move {
                let (reply, copy) = sent?;
                let value = JsFuture::from(reply).await;
                // The request may carry key material (a Register): wipe the transport's copy.
                copy.fill(0, 0, copy.length());
                let value = value.map_err(|e| transport_error(&name, &e, timeout))?;
                reply_bytes(&name, value)
            })
        }),
        Box::new(move |pause_for| {
            let waited = wait(&pause_on, pause.as_ref(), pause_for);
            Box::pin(async move {
                // A pause that fails only shortens the wait before the next server.
                let _ = JsFuture::from(waited).await;
            })
        }),
    )
}

/// Where the transport says `name` is (`transport.peers[name]` = `{ host, port }`), for messages
/// and events; empty when it does not say.
fn address(transport: &JsValue, name: &str) -> (String, u16) {
    let peer = Reflect::get(transport, &"peers".into())
        .and_then(|peers| Reflect::get(&peers, &JsValue::from_str(name)))
        .unwrap_or(JsValue::UNDEFINED);
    if peer.is_undefined() || peer.is_null() {
        return (String::new(), 0);
    }
    let field = |key: &str| Reflect::get(&peer, &JsValue::from_str(key)).ok();
    let host = field("host")
        .and_then(|h| h.as_string())
        .unwrap_or_default();
    let port = field("port")
        .and_then(|p| p.as_f64())
        .filter(|p| p.fract() == 0.0 && (0.0..=65535.0).contains(p))
        .map_or(0, |p| p as u16);
    (host, port)
}

fn method(target: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<Function>()
        .ok()
}

fn call_send(
    send: &Function,
    host: &Host,
    name: &str,
    request: &[u8],
    timeout: Duration,
) -> kmipkit::error::Result<(Promise, Uint8Array)> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"signal".into(), &host.signal);
    let _ = Reflect::set(&options, &"timeoutMs".into(), &millis(timeout).into());
    // A copy the transport owns: the core's request buffer is wiped when this attempt ends.
    let bytes = Uint8Array::from(request);
    let called = send.call3(&host.transport, &name.into(), &bytes, &options);
    let value = called.map_err(|e| transport_error(name, &e, timeout))?;
    Ok((Promise::resolve(&value), bytes))
}

fn reply_bytes(name: &str, value: JsValue) -> kmipkit::error::Result<Vec<u8>> {
    match value.dyn_into::<Uint8Array>() {
        Ok(bytes) => {
            let reply = bytes.to_vec();
            // The reply may carry key material (a Get): the module holds the copy it needs.
            bytes.fill(0, 0, bytes.length());
            Ok(reply)
        }
        Err(_) => Err(Error::Protocol {
            reason: format!(
                "the transport's send for key server {name} resolved to something other than a Uint8Array; it must resolve to the reply's bytes"
            ),
        }),
    }
}

/// The core error for a transport's rejection, by its `.code`:
/// - `KMIPKIT_CONNECT`: the server could not be reached, nothing was sent (fails over);
/// - `KMIPKIT_CONNECTION_LOST` with `.requestSent` (a boolean; `true` when absent): cut during
///   the exchange (fails over; a create is looked up first when the request may have left);
/// - `KMIPKIT_TIMEOUT`: no whole reply in time (fails over, counted as sent);
/// - `KMIPKIT_CERTIFICATE` / `KMIPKIT_TLS`: a certificate refused, a handshake that cannot work
///   (that server is not retried in the call);
/// - `KMIPKIT_AUTHENTICATION`: the server refused the client's identity (the call ends);
/// - anything else (an abort, a bug): the call ends at once with the message, no failover.
pub fn transport_error(server: &str, err: &JsValue, timeout: Duration) -> Error {
    let text = |key: &str| {
        Reflect::get(err, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    let reason = text("message").unwrap_or_else(|| "the transport gave no reason".into());
    let server = server.to_string();
    match text("code").as_deref() {
        Some("KMIPKIT_CONNECT") => Error::Connect {
            server,
            address: text("address").unwrap_or_else(|| "the transport's address".into()),
            reason,
        },
        Some("KMIPKIT_CONNECTION_LOST") => {
            let sent = Reflect::get(err, &JsValue::from_str("requestSent"))
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            HostLink::lost(&server, sent, reason)
        }
        Some("KMIPKIT_TIMEOUT") => Error::Timeout {
            server,
            phase: "response",
            after_ms: millis(timeout) as u64,
        },
        Some("KMIPKIT_CERTIFICATE") => Error::Certificate {
            server,
            rejected_by: match text("rejectedBy").as_deref() {
                Some("server") => Party::Server,
                _ => Party::Client,
            },
            reason,
        },
        Some("KMIPKIT_TLS") => Error::Tls { server, reason },
        Some("KMIPKIT_AUTHENTICATION") => Error::Authentication { server, reason },
        _ => Error::Protocol {
            reason: format!("the transport failed to send to key server {server}: {reason}"),
        },
    }
}

/// A Promise that resolves after `pause`: the transport's `pause(ms)` if it has one, else the
/// global `setTimeout`; at once if neither exists.
fn wait(transport: &JsValue, pause: Option<&Function>, duration: Duration) -> Promise {
    let ms = JsValue::from(millis(duration));
    if let Some(Ok(value)) = pause.map(|pause| pause.call1(transport, &ms)) {
        return Promise::resolve(&value);
    }
    let global = js_sys::global();
    let Some(set_timeout) = method(&global, "setTimeout") else {
        return Promise::resolve(&JsValue::UNDEFINED);
    };
    Promise::new(&mut |resolve, _reject| {
        if set_timeout.call2(&global, &resolve, &ms).is_err() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    })
}

fn millis(d: Duration) -> f64 {
    d.as_millis() as f64
}

/// The host's monotonic clock: `performance.now()` where it exists, else `Date.now()` held
/// from going backwards (a wall clock can be set back).
#[derive(Default)]
pub struct HostClock {
    last: Cell<f64>,
}

impl Clock for HostClock {
    fn now(&self) -> Duration {
        let global = js_sys::global();
        let performance = Reflect::get(&global, &"performance".into()).ok();
        let now = performance
            .as_ref()
            .and_then(|p| method(p, "now")?.call0(p).ok()?.as_f64())
            .unwrap_or_else(js_sys::Date::now);
        let now = now.max(self.last.get());
        self.last.set(now);
        Duration::from_secs_f64(now.max(0.0) / 1000.0)
    }
}

/// The host's calendar clock: `Date.now()`.
#[derive(Debug, Default, Clone, Copy)]
pub struct HostWallClock;

impl WallClock for HostWallClock {
    fn unix_millis(&self) -> u64 {
        js_sys::Date::now().max(0.0) as u64
    }
}
