//! A client over the caller's own transport: the C program owns its sockets (and its TLS) and
//! carries the bytes through a send callback; the core's `HostLink::blocking` and
//! `BlockingClient::over` do everything else — version negotiation, failover between the named
//! servers, failover-safe creates. The client made here is an ordinary `kmipkit_client`.

use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

use kmipkit::Error;
use kmipkit::client::{BlockingClient, Options};
use kmipkit::platform::Platform;
use kmipkit::transport::{Cluster, HostLink, Timeouts};
use zeroize::Zeroizing;

use crate::arrays::text_array;
use crate::boundary::{bytes, ffi, give, handle_mut, note_callback_failure, optional_text, out};
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;

/// The send callback delivered the reply (written with `kmipkit_reply_write`).
pub const KMIPKIT_SEND_OK: u32 = 0;
/// The server could not be reached (name resolution, TCP connect, TLS handshake refused):
/// nothing was sent. The call fails over to the next server (a `Connect` failure).
pub const KMIPKIT_SEND_CONNECT_FAILED: u32 = 1;
/// The connection broke before any byte of the request was written: the call fails over (a
/// `ConnectionLost` failure, request not sent).
pub const KMIPKIT_SEND_LOST_NOT_SENT: u32 = 2;
/// The connection broke after some of the request was written: the server may have acted on
/// it, so a create is looked up on the next server before it is sent again (a
/// `ConnectionLost` failure, request sent).
pub const KMIPKIT_SEND_LOST_SENT: u32 = 3;
/// No whole reply came within `time_left_ms` (a `Timeout` failure; the request may have
/// arrived, so it is treated as sent). The call fails over while its deadline allows.
pub const KMIPKIT_SEND_TIMEOUT: u32 = 4;
/// Any other failure of the callback: the call ends at once, without failover, with
/// `KMIPKIT_RESULT_CALLBACK_FAILED`. Any value not listed here counts as this.
pub const KMIPKIT_SEND_FAILED: u32 = 5;

/// Where a send callback writes the reply (`kmipkit_reply_write`) or why it failed
/// (`kmipkit_reply_set_reason`). It lives for one callback invocation only: do not keep it.
///
/// Thread safety: used only by the callback invocation it was given to.
pub struct kmipkit_reply {
    data: Zeroizing<Vec<u8>>,
    reason: Option<String>,
}

/// Sends one KMIP request (TTLV) to server `server` (its index in the names given to
/// `kmipkit_client_over_host`, 0 first) and reads exactly one whole TTLV reply, within
/// `time_left_ms` milliseconds, writing it with `kmipkit_reply_write(reply, ...)`. Returns
/// `KMIPKIT_SEND_OK` or one of the `KMIPKIT_SEND_*` failures, which decide the failover:
/// when no server answers before the deadline, the call ends with
/// `KMIPKIT_RESULT_ALL_SERVERS_FAILED`, whose message names each server's failure
/// (`cannot connect to key server kms1 ...`, `... did not complete the response within ...`);
/// `kmipkit_reply_set_reason` adds the callback's own words to it.
///
/// The request may carry key material (a Register): do not log it; its memory is wiped after
/// the callback returns, so do not keep the pointer.
///
/// Threading: the callback runs on the thread that called the client function (no thread is
/// started), and it is called concurrently when several threads use one client at once — for
/// the same server too. `user_data` is passed back untouched on every thread; what it points
/// to must be safe to use from all of them (a mutex, a pool of connections). The callback may
/// call kmipkit functions that do not use this client (the codec, say), but not this client.
pub type kmipkit_send_callback = Option<
    extern "C" fn(
        user_data: *mut c_void,
        server: usize,
        request: *const u8,
        request_len: usize,
        time_left_ms: u64,
        reply: *mut kmipkit_reply,
    ) -> u32,
>;

/// The caller's callback and data, shared by the threads that call the client.
struct Host {
    send: extern "C" fn(*mut c_void, usize, *const u8, usize, u64, *mut kmipkit_reply) -> u32,
    user_data: *mut c_void,
    names: Vec<String>,
}

// SAFETY: the pointer is only handed back to the caller's callback, never dereferenced here;
// `kmipkit_client_over_host` documents that what it points to must be usable from any thread
// that calls the client, concurrently.
unsafe impl Send for Host {}
// SAFETY: as for Send: shared use only passes the pointer back to the caller.
unsafe impl Sync for Host {}

impl Host {
    fn send(
        &self,
        server: usize,
        request: &[u8],
        left: Duration,
    ) -> kmipkit::error::Result<Vec<u8>> {
        let mut reply = kmipkit_reply {
            data: Zeroizing::new(Vec::new()),
            reason: None,
        };
        let left_ms = u64::try_from(left.as_millis()).unwrap_or(u64::MAX);
        let status = (self.send)(
            self.user_data,
            server,
            request.as_ptr(),
            request.len(),
            left_ms,
            &mut reply,
        );
        let name = self.names.get(server).cloned().unwrap_or_default();
        let reason = reply
            .reason
            .take()
            .unwrap_or_else(|| "the send callback gave no reason".into());
        match status {
            KMIPKIT_SEND_OK => Ok(std::mem::take(&mut *reply.data)),
            KMIPKIT_SEND_CONNECT_FAILED => Err(Error::Connect {
                server: name,
                address: "the address the send callback uses".into(),
                reason,
            }),
            KMIPKIT_SEND_LOST_NOT_SENT => Err(HostLink::lost(&name, false, reason)),
            KMIPKIT_SEND_LOST_SENT => Err(HostLink::lost(&name, true, reason)),
            KMIPKIT_SEND_TIMEOUT => Err(Error::Timeout {
                server: name,
                phase: "response",
                after_ms: left_ms,
            }),
            other => {
                note_callback_failure();
                Err(Error::Protocol {
                    reason: format!(
                        "the send callback for key server {name} failed (status {other}): {reason}"
                    ),
                })
            }
        }
    }
}

/// A client whose bytes the caller carries: `server_names` (`server_count` distinct names, the
/// first the primary, the others tried in order after it) name the servers in messages and the
/// log; `send` is called with a server's index for every request (see
/// `kmipkit_send_callback`, including its threading rules) and `user_data` is passed back to
/// it untouched. `deadline_ms` bounds each call, failover included, and `failover_delay_ms` is
/// the pause before the next server is tried (0: the defaults, 60 s and 250 ms).
///
/// The version is negotiated here (the first request goes through `send`), so this blocks like
/// `kmipkit_client_connect`. The result is an ordinary client (`kmipkit_client_create_aes_key`,
/// ...), freed with `kmipkit_client_free`; after that `send` is no longer called.
///
/// ```c
/// static uint32_t send(void *conns, size_t server, const uint8_t *request, size_t len,
///                      uint64_t time_left_ms, kmipkit_reply *reply) {
///     SSL *ssl = connect_to(conns, server, time_left_ms);
///     if (ssl == NULL) {
///         kmipkit_reply_set_reason(reply, "TCP connect refused");
///         return KMIPKIT_SEND_CONNECT_FAILED;
///     }
///     // ... write the request, read the 8-byte header and the body into buf ...
///     kmipkit_reply_write(reply, buf, n);
///     return KMIPKIT_SEND_OK;
/// }
/// const char *names[] = {"kms1", "kms2"};
/// kmipkit_client *client = NULL;
/// kmipkit_result rc = kmipkit_client_over_host(names, 2, send, &conns, 0, 0, &client);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_over_host(
    server_names: *const *const c_char,
    server_count: usize,
    send: kmipkit_send_callback,
    user_data: *mut c_void,
    deadline_ms: u64,
    failover_delay_ms: u64,
    out_client: *mut *mut kmipkit_client,
) -> kmipkit_result {
    ffi("kmipkit_client_over_host", || {
        let slot = out(out_client, "out_client")?;
        *slot = std::ptr::null_mut();
        let names: Vec<String> = text_array(server_names, server_count, "server_names")?
            .into_iter()
            .map(str::to_string)
            .collect();
        let Some(send) = send else {
            return crate::boundary::fail(
                kmipkit_result::KMIPKIT_RESULT_NULL_ARGUMENT,
                "argument `send` is NULL",
            );
        };
        let host = Host {
            send,
            user_data,
            names: names.clone(),
        };
        let link = HostLink::blocking(names, move |server, request, left| {
            host.send(server, request, left)
        })?;
        let mut timeouts = Timeouts::default();
        if deadline_ms != 0 {
            timeouts.deadline = Duration::from_millis(deadline_ms);
        }
        if failover_delay_ms != 0 {
            timeouts.failover_delay = Duration::from_millis(failover_delay_ms);
        }
        let platform = Platform::native();
        let cluster = Cluster::new(Arc::new(link), timeouts, platform.clock.clone())?;
        let inner = BlockingClient::over(cluster, platform, Options::default())?;
        *slot = give(kmipkit_client { inner });
        Ok(())
    })
}

/// Appends `len` bytes of the reply (call it once with the whole reply, or once a chunk).
/// The bytes are copied; memory the reply outgrows is wiped.
///
/// ```c
/// kmipkit_reply_write(reply, header, 8);
/// kmipkit_reply_write(reply, body, body_len);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_reply_write(
    reply: *mut kmipkit_reply,
    data: *const u8,
    len: usize,
) -> kmipkit_result {
    ffi("kmipkit_reply_write", || {
        let data = bytes(data, len, "data")?;
        let reply = handle_mut(reply, "reply")?;
        let needed = reply.data.len().saturating_add(data.len());
        if needed > reply.data.capacity() {
            // Grown by hand, not by `extend`: the old buffer (part of a reply that may hold
            // key material) is wiped when its Zeroizing wrapper drops.
            let mut grown = Zeroizing::new(Vec::with_capacity(needed.max(2 * reply.data.len())));
            grown.extend_from_slice(&reply.data);
            reply.data = grown;
        }
        reply.data.extend_from_slice(data);
        Ok(())
    })
}

/// Says why the send failed, for the error message of the call (`"connection refused"`).
/// NULL clears it. Never put secrets in it.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_reply_set_reason(
    reply: *mut kmipkit_reply,
    reason: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_reply_set_reason", || {
        let reason = optional_text(reason, "reason")?.map(str::to_string);
        handle_mut(reply, "reply")?.reason = reason;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A callback that answers with the status `user_data` points to, writing the request
    /// back in two chunks as the reply.
    extern "C" fn echo(
        user_data: *mut c_void,
        _server: usize,
        request: *const u8,
        request_len: usize,
        _time_left_ms: u64,
        reply: *mut kmipkit_reply,
    ) -> u32 {
        let half = request_len / 2;
        kmipkit_reply_write(reply, request, half);
        // SAFETY: `request_len` bytes at `request`, as the caller of a send callback promises.
        kmipkit_reply_write(reply, unsafe { request.add(half) }, request_len - half);
        kmipkit_reply_set_reason(reply, c"told to".as_ptr());
        // SAFETY: the tests pass a pointer to a live u32.
        unsafe { *user_data.cast::<u32>() }
    }

    fn host(status: &mut u32) -> Host {
        Host {
            send: echo,
            user_data: std::ptr::from_mut(status).cast(),
            names: vec!["kms1".into()],
        }
    }

    #[test]
    fn the_reply_is_the_chunks_written() {
        let mut status = KMIPKIT_SEND_OK;
        let request: Vec<u8> = (0..=255).collect();
        let reply = host(&mut status).send(0, &request, Duration::from_secs(1));
        assert_eq!(reply.unwrap(), request);
    }

    #[test]
    fn each_status_is_its_error() {
        let cases = [
            (KMIPKIT_SEND_CONNECT_FAILED, kmipkit::ErrorKind::Connect),
            (
                KMIPKIT_SEND_LOST_NOT_SENT,
                kmipkit::ErrorKind::ConnectionLost,
            ),
            (KMIPKIT_SEND_LOST_SENT, kmipkit::ErrorKind::ConnectionLost),
            (KMIPKIT_SEND_TIMEOUT, kmipkit::ErrorKind::Timeout),
        ];
        for (mut status, kind) in cases {
            let error = host(&mut status)
                .send(0, b"x", Duration::from_millis(5))
                .unwrap_err();
            assert_eq!(error.kind(), kind, "status {status}");
            assert!(error.to_string().contains("kms1"), "{error}");
            assert_eq!(
                error.request_not_sent(),
                status != KMIPKIT_SEND_LOST_SENT && status != KMIPKIT_SEND_TIMEOUT
            );
        }
    }

    #[test]
    fn another_status_is_a_callback_failure() {
        for mut status in [KMIPKIT_SEND_FAILED, 99] {
            let result = ffi("test", || {
                host(&mut status).send(0, b"x", Duration::from_millis(5))?;
                Ok(())
            });
            assert_eq!(result, kmipkit_result::KMIPKIT_RESULT_CALLBACK_FAILED);
        }
        // The next call on the thread is not marked.
        let result = ffi(
            "test",
            || Err(Error::Protocol { reason: "x".into() }.into()),
        );
        assert_eq!(result, kmipkit_result::KMIPKIT_RESULT_PROTOCOL);
    }
}
