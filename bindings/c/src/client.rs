//! `kmipkit_client`: the core's blocking client (`std::net` + rustls, I/O on the calling
//! thread, no runtime, no thread started), shared by threads.

use std::ffi::c_char;

use kmipkit::client::BlockingClient;

use crate::boundary::{ffi, ffi_value, give, handle, out, take_back, text};
use crate::bytes::give_string;
use crate::config::kmipkit_config;
use crate::result::kmipkit_result;

/// A connection to the key servers of a configuration: pooled mutual-TLS connections, version
/// negotiation, failover across the primary and secondaries, failover-safe creates.
///
/// Thread safety: a client may be used from many threads at once (calls run in parallel up to
/// the per-server connection cap, then wait in order); free it once, after every call on it has
/// returned. Calls block the calling thread.
pub struct kmipkit_client {
    pub(crate) inner: BlockingClient,
}

/// Connects as `config` says — the same checks, the same configuration event in the log, the
/// same version negotiation as every kmipkit front end — and writes the client to `*out_client`
/// (freed with `kmipkit_client_free`). Blocks until the first server answers or the deadline
/// passes.
///
/// ```c
/// kmipkit_client *client = NULL;
/// if (kmipkit_client_connect(config, &client) != KMIPKIT_RESULT_OK)
///     return report_last_error();
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_connect(
    config: *const kmipkit_config,
    out_client: *mut *mut kmipkit_client,
) -> kmipkit_result {
    ffi("kmipkit_client_connect", || {
        let slot = out(out_client, "out_client")?;
        *slot = std::ptr::null_mut();
        let inner = BlockingClient::connect(&handle(config, "config")?.inner)?;
        *slot = give(kmipkit_client { inner });
        Ok(())
    })
}

/// Closes the client's connections and frees it. NULL is accepted and ignored. No call on the
/// client may be running or start afterwards.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_free(client: *mut kmipkit_client) {
    ffi_value((), || take_back(client));
}

/// The KMIP protocol version the client speaks (negotiated or pinned), as `*out_major` and
/// `*out_minor`.
///
/// ```c
/// int32_t major, minor;
/// kmipkit_client_version(client, &major, &minor);
/// printf("KMIP %d.%d\n", major, minor);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_version(
    client: *const kmipkit_client,
    out_major: *mut i32,
    out_minor: *mut i32,
) -> kmipkit_result {
    ffi("kmipkit_client_version", || {
        let major = out(out_major, "out_major")?;
        let minor = out(out_minor, "out_minor")?;
        let version = handle(client, "client")?.inner.client().version();
        *major = version.major;
        *minor = version.minor;
        Ok(())
    })
}

/// Creates a 256-bit (or `bits`) AES key named `name` for encrypt and decrypt, failover-safe
/// (never two keys for one call), and writes its unique identifier to `*out_uid` (freed with
/// `kmipkit_string_free`). The key is pre-active until `kmipkit_client_activate`.
///
/// ```c
/// char *uid = NULL;
/// if (kmipkit_client_create_aes_key(client, "payments-kek", 256, &uid) == KMIPKIT_RESULT_OK) {
///     kmipkit_client_activate(client, uid);
///     kmipkit_string_free(uid);
/// }
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_create_aes_key(
    client: *const kmipkit_client,
    name: *const c_char,
    bits: i32,
    out_uid: *mut *mut c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_create_aes_key", || {
        let slot = out(out_uid, "out_uid")?;
        *slot = std::ptr::null_mut();
        let name = text(name, "name")?;
        let client = handle(client, "client")?;
        let uid = client.inner.run(|c| c.create_aes_key(name, bits))?;
        *slot = give_string(uid);
        Ok(())
    })
}

/// Activate: moves the object `uid` from pre-active to active.
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_activate(
    client: *const kmipkit_client,
    uid: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_activate", || {
        let uid = text(uid, "uid")?;
        handle(client, "client")?
            .inner
            .run(|c| c.activate(uid))
            .map_err(Into::into)
    })
}

/// Destroy: destroys the object `uid` on the key server (it must not be active: revoke it
/// first).
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_destroy(
    client: *const kmipkit_client,
    uid: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_destroy", || {
        let uid = text(uid, "uid")?;
        handle(client, "client")?
            .inner
            .run(|c| c.destroy(uid))
            .map_err(Into::into)
    })
}

/// RNG Retrieve: `length` random bytes from the key server's generator, as `*out_bytes`
/// (freed, and wiped, by `kmipkit_bytes_free`).
///
/// ```c
/// kmipkit_bytes *random = NULL;
/// if (kmipkit_client_rng_retrieve(client, 32, &random) == KMIPKIT_RESULT_OK)
///     kmipkit_bytes_free(random);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_rng_retrieve(
    client: *const kmipkit_client,
    length: usize,
    out_bytes: *mut *mut crate::bytes::kmipkit_bytes,
) -> kmipkit_result {
    ffi("kmipkit_client_rng_retrieve", || {
        let slot = out(out_bytes, "out_bytes")?;
        *slot = std::ptr::null_mut();
        let random = handle(client, "client")?
            .inner
            .run(|c| c.rng_retrieve(length))?;
        *slot = crate::bytes::kmipkit_bytes::give(random);
        Ok(())
    })
}
