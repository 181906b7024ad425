//! `kmipkit_result`: the status every fallible function returns.
//!
//! Its values are the core's stable [`ErrorKind`] codes (0x01xx codec, 0x02xx connection, ...)
//! plus the binding's own codes in 0x70xx for what only a C caller can get wrong. A value is
//! never renumbered and never reused; a kind the core adds later gets a new value here, and
//! [`tests::every_core_kind_has_its_code`] fails until it does.

use std::ffi::c_char;

use kmipkit::ErrorKind;

/// What a kmipkit function did: `KMIPKIT_RESULT_OK`, or why it failed. The message of the
/// failure is kept for the calling thread (`kmipkit_last_error_message`).
///
/// The numbers are stable: `KMIPKIT_RESULT_SERVER` is 0x0301 in every release.
///
/// ```c
/// kmipkit_result rc = kmipkit_config_load("kmipkit.toml", &config);
/// if (rc != KMIPKIT_RESULT_OK) {
///     fprintf(stderr, "%s\n", kmipkit_result_name(rc));
/// }
/// ```
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum kmipkit_result {
    /// Success.
    KMIPKIT_RESULT_OK = 0,
    /// TTLV, KMIP XML or JSON that cannot be read.
    KMIPKIT_RESULT_DECODE = 0x0101,
    /// A message or item over a configured limit.
    KMIPKIT_RESULT_LIMIT_EXCEEDED = 0x0102,
    /// KMIP XML or JSON text that is not well formed.
    KMIPKIT_RESULT_SYNTAX = 0x0103,
    /// Well-formed input that does not fit the KMIP model.
    KMIPKIT_RESULT_MODEL = 0x0104,
    /// A value that cannot be encoded.
    KMIPKIT_RESULT_ENCODE = 0x0105,
    /// A key server could not be reached.
    KMIPKIT_RESULT_CONNECT = 0x0201,
    /// The TLS handshake failed.
    KMIPKIT_RESULT_TLS = 0x0202,
    /// A certificate was rejected (by the client or by the server).
    KMIPKIT_RESULT_CERTIFICATE = 0x0203,
    /// The key server refused the client's identity or credential.
    KMIPKIT_RESULT_AUTHENTICATION = 0x0204,
    /// A deadline passed.
    KMIPKIT_RESULT_TIMEOUT = 0x0205,
    /// A connection broke during a request.
    KMIPKIT_RESULT_CONNECTION_LOST = 0x0206,
    /// Every configured key server failed; the message names each.
    KMIPKIT_RESULT_ALL_SERVERS_FAILED = 0x0207,
    /// A key server refused the operation; `kmipkit_last_error_reason` gives the KMIP Result
    /// Reason.
    KMIPKIT_RESULT_SERVER = 0x0301,
    /// A reply that does not fit the request.
    KMIPKIT_RESULT_PROTOCOL = 0x0302,
    /// A configuration file or setting that cannot be used.
    KMIPKIT_RESULT_CONFIG = 0x0401,
    /// A ciphertext that fails authentication: wrong key, wrong context or tampered data.
    KMIPKIT_RESULT_INTEGRITY = 0x0501,
    /// Bytes that are not a kmipkit ciphertext of a known format version.
    KMIPKIT_RESULT_FORMAT = 0x0502,
    /// A log, its state file or the audit trail failed.
    KMIPKIT_RESULT_LOG = 0x0601,
    /// A required pointer argument was NULL.
    KMIPKIT_RESULT_NULL_ARGUMENT = 0x7001,
    /// A text argument was not valid UTF-8.
    KMIPKIT_RESULT_INVALID_UTF8 = 0x7002,
    /// The caller's buffer is too small; the size needed was written to the length output.
    KMIPKIT_RESULT_BUFFER_TOO_SMALL = 0x7003,
    /// An argument is out of its range or names nothing known (an unknown setting, say).
    KMIPKIT_RESULT_INVALID_ARGUMENT = 0x7004,
    /// kmipkit panicked inside the call; the panic was stopped at the boundary. Please report it.
    KMIPKIT_RESULT_PANIC = 0x7005,
    /// A callback the caller supplied reported a failure.
    KMIPKIT_RESULT_CALLBACK_FAILED = 0x7006,
    /// An object was used after it was finished or in a state that does not allow the call
    /// (writing to a stream after `_finish`, say).
    KMIPKIT_RESULT_WRONG_STATE = 0x7007,
    /// A core error kind this build of the binding does not know (never returned by a
    /// release whose tests pass).
    KMIPKIT_RESULT_UNKNOWN = 0x7fff,
}

use kmipkit_result as R;

/// Every value with its stable name, in numeric order.
const NAMES: [(kmipkit_result, &str); 27] = [
    (R::KMIPKIT_RESULT_OK, "Ok\0"),
    (R::KMIPKIT_RESULT_DECODE, "Decode\0"),
    (R::KMIPKIT_RESULT_LIMIT_EXCEEDED, "LimitExceeded\0"),
    (R::KMIPKIT_RESULT_SYNTAX, "Syntax\0"),
    (R::KMIPKIT_RESULT_MODEL, "Model\0"),
    (R::KMIPKIT_RESULT_ENCODE, "Encode\0"),
    (R::KMIPKIT_RESULT_CONNECT, "Connect\0"),
    (R::KMIPKIT_RESULT_TLS, "Tls\0"),
    (R::KMIPKIT_RESULT_CERTIFICATE, "Certificate\0"),
    (R::KMIPKIT_RESULT_AUTHENTICATION, "Authentication\0"),
    (R::KMIPKIT_RESULT_TIMEOUT, "Timeout\0"),
    (R::KMIPKIT_RESULT_CONNECTION_LOST, "ConnectionLost\0"),
    (R::KMIPKIT_RESULT_ALL_SERVERS_FAILED, "AllServersFailed\0"),
    (R::KMIPKIT_RESULT_SERVER, "Server\0"),
    (R::KMIPKIT_RESULT_PROTOCOL, "Protocol\0"),
    (R::KMIPKIT_RESULT_CONFIG, "Config\0"),
    (R::KMIPKIT_RESULT_INTEGRITY, "Integrity\0"),
    (R::KMIPKIT_RESULT_FORMAT, "Format\0"),
    (R::KMIPKIT_RESULT_LOG, "Log\0"),
    (R::KMIPKIT_RESULT_NULL_ARGUMENT, "NullArgument\0"),
    (R::KMIPKIT_RESULT_INVALID_UTF8, "InvalidUtf8\0"),
    (R::KMIPKIT_RESULT_BUFFER_TOO_SMALL, "BufferTooSmall\0"),
    (R::KMIPKIT_RESULT_INVALID_ARGUMENT, "InvalidArgument\0"),
    (R::KMIPKIT_RESULT_PANIC, "Panic\0"),
    (R::KMIPKIT_RESULT_CALLBACK_FAILED, "CallbackFailed\0"),
    (R::KMIPKIT_RESULT_WRONG_STATE, "WrongState\0"),
    (R::KMIPKIT_RESULT_UNKNOWN, "Unknown\0"),
];

impl kmipkit_result {
    /// The value for a core error kind.
    pub(crate) fn from_kind(kind: ErrorKind) -> Self {
        NAMES
            .iter()
            .map(|(r, _)| *r)
            .find(|r| *r as u32 == kind.code())
            .unwrap_or(R::KMIPKIT_RESULT_UNKNOWN)
    }
}

/// The stable name of a result value (`"Server"`, `"NullArgument"`, ...) as a static
/// NUL-terminated string that the caller must not free; `"Unknown"` for a number that is not a
/// `kmipkit_result`. Never fails, never NULL. Thread-safe.
///
/// It takes the number rather than the enumeration so that any integer is safe to pass.
///
/// ```c
/// printf("%s\n", kmipkit_result_name(KMIPKIT_RESULT_SERVER)); // Server
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_result_name(result: u32) -> *const c_char {
    NAMES
        .iter()
        .find(|(r, _)| *r as u32 == result)
        .map_or("Unknown\0", |(_, name)| name)
        .as_ptr()
        .cast()
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn every_core_kind_has_its_code() {
        for kind in ErrorKind::ALL {
            let result = kmipkit_result::from_kind(kind);
            assert_eq!(result as u32, kind.code(), "{kind:?}");
            // SAFETY: kmipkit_result_name returns a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(kmipkit_result_name(result as u32)) };
            assert_eq!(name.to_str().unwrap(), kind.name());
        }
    }

    #[test]
    fn names_are_unique_and_in_order() {
        for pair in NAMES.windows(2) {
            assert!((pair[0].0 as u32) < (pair[1].0 as u32), "{:?}", pair[1].0);
        }
        // SAFETY: kmipkit_result_name returns a static NUL-terminated string.
        let unknown = unsafe { CStr::from_ptr(kmipkit_result_name(0x1234_5678)) };
        assert_eq!(unknown.to_str().unwrap(), "Unknown");
    }
}
