//! kmipkit's ciphertext format, version 1 — specified byte by byte in `docs/FORMAT.md`.
//!
//! A message is a header (magic, version, suite, frame size, salt, key reference, key commitment,
//! wrapped DEK) and a body of AES-256-GCM frames (64 KiB of plaintext each by default). A per-message
//! key, the commitment and the nonce prefix come from HKDF-SHA-256 over the 32-byte data key (DEK),
//! the salt, the header's bound part and the caller's encryption context. The wrapped DEK enters no
//! computation, so [`rewrap`] replaces it without touching the body.
//!
//! - [`seal`] / [`open`]: whole messages in memory; `open` releases no plaintext unless all of it verified.
//!   [`seal_into`] / [`open_into`] do the same into a buffer the caller reuses, [`PreparedSeal`] /
//!   [`PreparedOpen`] into one the caller allocates once it knows the exact length.
//! - [`Encryptor`] / [`Decryptor`]: streaming over [`std::io::Write`] / [`std::io::Read`] in constant
//!   memory (at most two frames buffered). The decryptor releases a frame only after its tag verified,
//!   but a truncation is only known at the end: treat streamed output as unauthenticated until `read`
//!   returned `Ok(0)`.
//!
//! ```
//! # #[cfg(not(target_arch = "wasm32"))] {
//! use kmipkit::envelope::format::{open, seal, KeyRef, Params};
//! use zeroize::Zeroizing;
//! let dek = Zeroizing::new([7u8; 32]);
//! let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
//! let ciphertext = seal(&dek, &params, b"tenant=a", b"hello").unwrap();
//! assert_eq!(&open(&ciphertext, &dek, b"tenant=a").unwrap()[..], b"hello");
//! assert_eq!(open(&ciphertext, &dek, b"tenant=b").unwrap_err().kind(), kmipkit::ErrorKind::Integrity);
//! # }
//! ```

mod context;
mod crypto;
mod external;
mod header;
mod memory;
mod plaintext;
mod schedule;
mod slice;
mod stream;

use std::io;

pub use context::{decode_context, encode_context};
pub use external::{Frame, FramePlan, frame_error, open_frames, plan_open, plan_seal, seal_frames};
pub use header::{
    DEFAULT_FRAME_SIZE, Header, KeyRef, MAGIC, MAX_BOUND_LEN, MAX_FRAME_SIZE, MAX_HEADER_LEN,
    MAX_KEY_FIELD_LEN, MAX_WRAPPED_DEK_LEN, MIN_FRAME_SIZE, SUITE, VERSION,
};
pub use memory::{open, open_into, rewrap, seal_with_salt};
#[cfg(not(target_arch = "wasm32"))]
pub use memory::{seal, seal_into};
pub use plaintext::Plaintext;
pub use slice::{PreparedOpen, PreparedSeal};
pub use stream::{Decryptor, Encryptor};

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use crypto::fill_random;

use crate::error::Error;

/// A 32-byte data encryption key that is zeroized on drop.
pub type Dek = zeroize::Zeroizing<[u8; 32]>;

/// What goes into a new message's header besides the salt and the commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// The key that yields the DEK (FORMAT.md §2.1).
    pub key_ref: KeyRef,
    /// The wrapped DEK to store in the header; empty when the message carries none.
    pub wrapped_dek: Vec<u8>,
    /// Plaintext bytes per frame; [`DEFAULT_FRAME_SIZE`] unless there is a reason.
    pub frame_size: u32,
}

impl Params {
    /// Parameters with no wrapped DEK and the default frame size.
    pub fn new(key_ref: KeyRef) -> Self {
        Self {
            key_ref,
            wrapped_dek: Vec::new(),
            frame_size: DEFAULT_FRAME_SIZE,
        }
    }
}

/// The kmipkit [`Error`] inside an I/O error returned by the streaming API, if there is one
/// (format and integrity failures); `None` for a genuine I/O failure.
pub fn error_of(err: &io::Error) -> Option<&Error> {
    err.get_ref()?.downcast_ref::<Error>()
}

/// Wraps a kmipkit error for the streaming API.
pub(crate) fn to_io(err: Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err)
}

/// Unwraps an error from reading an in-memory slice, where every error is a kmipkit one.
pub(crate) fn into_error(err: io::Error) -> Error {
    let reason = err.to_string();
    match err.into_inner().map(|inner| inner.downcast::<Error>()) {
        Some(Ok(err)) => *err,
        _ => Error::Format { reason },
    }
}

/// Builds the header of a new message and its key schedule.
fn start<B: crypto::Backend>(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
) -> crate::error::Result<(Vec<u8>, schedule::Schedule<B>)> {
    let mut header = Header {
        frame_size: params.frame_size,
        salt,
        key_ref: params.key_ref.clone(),
        commitment: [0; 32],
        wrapped_dek: params.wrapped_dek.clone(),
    };
    let bound = header.bound_part()?;
    let schedule = schedule::Schedule::<B>::derive(dek, &salt, &bound, context)?;
    header.commitment = schedule.commitment;
    Ok((header.to_bytes()?, schedule))
}

/// The key schedule of a parsed header, after its commitment verified.
fn resume<B: crypto::Backend>(
    header: &Header,
    dek: &[u8; 32],
    context: &[u8],
) -> crate::error::Result<schedule::Schedule<B>> {
    if u32::try_from(context.len()).is_err() {
        // No message binds a context whose length does not fit §3's 4-byte field, so this is a
        // wrong context like any other (FORMAT.md §6), never a length taken modulo 2^32.
        return Err(crate::error::Error::Integrity {
            reason: format!(
                "key commitment mismatch: the encryption context is {} bytes, and no message can bind 4 GiB or more",
                context.len()
            ),
        });
    }
    let bound = header.bound_part()?;
    let schedule = schedule::Schedule::<B>::derive(dek, &header.salt, &bound, context)?;
    schedule.verify(&header.commitment)?;
    Ok(schedule)
}

#[cfg(test)]
mod external_tests;
#[cfg(test)]
mod tests;
