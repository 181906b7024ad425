//! Frames sealed or opened by an AES-256-GCM outside the core (a browser's WebCrypto): the core
//! keeps every format decision — the header, the key schedule and its commitment check, where
//! each frame starts and ends, its nonce (counter and last-frame flag), its associated data
//! (empty in version 1) and what a failed frame means — and the host only runs AES-GCM on the
//! frames this plan lists. A frame's bytes are AES-GCM's output as WebCrypto returns it:
//! ciphertext then the 16-byte tag.
//!
//! ```
//! use kmipkit::envelope::format::{open, plan_seal, seal_frames, KeyRef, Params};
//! # use aes_gcm::{aead::{AeadInOut, KeyInit}, Aes256Gcm, Nonce};
//! let dek = [7u8; 32];
//! let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
//! let (header, plan) = plan_seal(&dek, &params, b"tenant=a", [9; 32]).unwrap();
//! let plaintext = b"hello";
//! let mut message = header;
//! for frame in seal_frames(plan.frame_size(), plaintext.len()).unwrap() {
//!     // The host's AES-256-GCM: key plan.key(), nonce plan.nonce(frame.index, frame.last), no AAD.
//!     let aes = Aes256Gcm::new(plan.key().into());
//!     let mut buf = plaintext[frame.start..frame.end].to_vec();
//!     let nonce = Nonce::from(plan.nonce(frame.index, frame.last));
//!     let tag = aes.encrypt_inout_detached(&nonce, plan.aad(), buf.as_mut_slice().into()).unwrap();
//!     message.extend_from_slice(&buf);
//!     message.extend_from_slice(&tag);
//! }
//! assert_eq!(&open(&message, &dek, b"tenant=a").unwrap()[..], b"hello");
//! ```

use zeroize::Zeroizing;

use super::crypto::Native;
use super::header::Header;
use super::memory::{body_len, too_many_frames};
use super::schedule::{derive_bytes, nonce_of};
use super::{Params, stream};
use crate::error::{Error, Result};

/// A message's per-frame key (K of FORMAT.md §3, zeroized on drop), nonce prefix and frame size.
/// Its `Debug` shows no key byte.
pub struct FramePlan {
    key: Zeroizing<[u8; 32]>,
    prefix: [u8; 7],
    frame_size: u32,
}

impl std::fmt::Debug for FramePlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FramePlan")
            .field("frame_size", &self.frame_size)
            .finish_non_exhaustive()
    }
}

impl FramePlan {
    /// The AES-256-GCM key of every frame of this message (not the DEK: derived from it).
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }
    /// Plaintext bytes per frame (the last frame may be shorter, or empty).
    pub fn frame_size(&self) -> u32 {
        self.frame_size
    }
    /// The nonce of frame `index`; `last` for the final frame only (FORMAT.md §4).
    pub fn nonce(&self, index: u32, last: bool) -> [u8; 12] {
        nonce_of(&self.prefix, index, last)
    }
    /// The associated data of every frame: empty in format version 1 (the header is bound through
    /// the key schedule instead).
    pub fn aad(&self) -> &'static [u8] {
        b""
    }
}

/// Where one frame lies: plaintext bytes `start..end` when sealing, frame bytes (ciphertext and
/// tag) `start..end` of the body when opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Its counter, from 0.
    pub index: u32,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The final frame (its nonce's flag is 1).
    pub last: bool,
}

/// The header of a new message under `salt` (32 fresh random bytes: see
/// [`seal_with_salt`](super::seal_with_salt)) and the plan of its frames.
pub fn plan_seal(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
) -> Result<(Vec<u8>, FramePlan)> {
    let mut header = Header {
        frame_size: params.frame_size,
        salt,
        key_ref: params.key_ref.clone(),
        commitment: [0; 32],
        wrapped_dek: params.wrapped_dek.clone(),
    };
    let bound = header.bound_part()?;
    let (key, commitment, prefix) = derive_bytes::<Native>(dek, &salt, &bound, context)?;
    header.commitment = commitment;
    let plan = FramePlan {
        key,
        prefix,
        frame_size: params.frame_size,
    };
    Ok((header.to_bytes()?, plan))
}

/// Parses the header of `ciphertext`, verifies its key commitment (a wrong key or context fails
/// here, before any frame), and returns the plan and where the body starts.
pub fn plan_open(ciphertext: &[u8], dek: &[u8; 32], context: &[u8]) -> Result<(FramePlan, usize)> {
    let (header, body_start) = Header::parse(ciphertext)?;
    // The same check as every other opening path, through the software schedule.
    super::resume::<Native>(&header, dek, context)?;
    let bound = header.bound_part()?;
    let (key, _, prefix) = derive_bytes::<Native>(dek, &header.salt, &bound, context)?;
    let plan = FramePlan {
        key,
        prefix,
        frame_size: header.frame_size,
    };
    Ok((plan, body_start))
}

/// The frames of a plaintext of `plaintext_len` bytes (at least one, possibly empty).
pub fn seal_frames(frame_size: u32, plaintext_len: usize) -> Result<Vec<Frame>> {
    body_len(frame_size, plaintext_len)?; // the 2^32-frame limit
    let size = frame_size as usize;
    let count = plaintext_len.div_ceil(size).max(1);
    Ok((0..count)
        .map(|i| Frame {
            index: i as u32,
            start: i * size,
            end: plaintext_len.min((i + 1) * size),
            last: i + 1 == count,
        })
        .collect())
}

/// The frames of a body of `body_len` bytes, as the software path reads them; an error for a body
/// cut inside a tag (the same error as the software path).
pub fn open_frames(frame_size: u32, body_len: usize) -> Result<Vec<Frame>> {
    let full = frame_size as usize + 16;
    let mut frames = Vec::with_capacity(body_len / full + 1);
    let mut start = 0usize;
    loop {
        let rest = body_len - start;
        let last = rest <= full;
        let len = rest.min(full);
        let index = u32::try_from(frames.len()).map_err(|_| too_many_frames())?;
        if len < 16 {
            return Err(stream::cut_short(index, len));
        }
        frames.push(Frame {
            index,
            start,
            end: start + len,
            last,
        });
        if last {
            return Ok(frames);
        }
        start += full;
    }
}

/// The error for `frame` (from [`open_frames`]) failing authentication. When a final frame of
/// full length fails, the host tries it once more with `nonce(index, false)`: `verifies_as_non_final`
/// tells whether that passed (the message was cut at a frame boundary). The same error as the
/// software path.
pub fn frame_error(frame: &Frame, frame_size: u32, verifies_as_non_final: bool) -> Error {
    let full = frame.end - frame.start == frame_size as usize + 16;
    stream::frame_failed(
        frame.index,
        frame.last,
        full,
        frame.last && full && verifies_as_non_final,
    )
}
