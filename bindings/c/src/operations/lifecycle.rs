//! State changes of one object: Revoke, Archive and Recover (Activate and Destroy are in
//! `client.rs`, with the client).

use std::ffi::c_char;

use kmipkit::message::*;
use kmipkit::spec::*;

use super::{blocking, enum_arg};
use crate::boundary::{ffi, optional_text, text};
use crate::client::kmipkit_client;
use crate::result::kmipkit_result;

/// Revoke: moves the object `uid` to Deactivated (or Compromised) for `reason`, a revocation
/// reason code name (`"CessationOfOperation"`, `"KeyCompromise"`, `"Superseded"`, ...), with an
/// optional `message` (NULL for none). `compromise_date` (Unix seconds, 0 for none) is required
/// by KMIP when the reason is a compromise.
///
/// ```c
/// kmipkit_client_revoke(client, uid, "CessationOfOperation", "rotated", 0);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_revoke(
    client: *const kmipkit_client,
    uid: *const c_char,
    reason: *const c_char,
    message: *const c_char,
    compromise_date: i64,
) -> kmipkit_result {
    ffi("kmipkit_client_revoke", || {
        let uid = text(uid, "uid")?.to_string();
        let code = enum_arg(
            reason,
            "reason",
            "revocation reason",
            RevocationReasonCode::from_name,
        )?;
        let mut request = RevokeRequest::new(Some(uid), code);
        request.revocation_reason.revocation_message =
            optional_text(message, "message")?.map(str::to_string);
        request.compromise_occurrence_date =
            (compromise_date != 0).then_some(DateTime(compromise_date));
        blocking(client)?.run(move |c| c.revoke(request))?;
        Ok(())
    })
}

/// Archive: moves the object `uid` to archival storage (Recover brings it back).
///
/// ```c
/// kmipkit_client_archive(client, uid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_archive(
    client: *const kmipkit_client,
    uid: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_archive", || {
        let uid = text(uid, "uid")?;
        blocking(client)?
            .run(|c| c.archive(uid))
            .map_err(Into::into)
    })
}

/// Recover: brings the archived object `uid` back.
///
/// ```c
/// kmipkit_client_recover(client, uid);
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn kmipkit_client_recover(
    client: *const kmipkit_client,
    uid: *const c_char,
) -> kmipkit_result {
    ffi("kmipkit_client_recover", || {
        let uid = text(uid, "uid")?;
        blocking(client)?
            .run(|c| c.recover(uid))
            .map_err(Into::into)
    })
}
