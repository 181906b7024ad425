//! Whole messages in memory: [`seal`], [`open`] and [`rewrap`].
//!
//! Frames are sealed and opened out of place, straight from the input into the output buffer: no
//! plaintext is copied anywhere that would then need wiping, and nothing holding only ciphertext
//! is ever zeroized.

use super::crypto::{Backend, Native};
use super::header::Header;
use super::plaintext::Plaintext;
use super::{Params, resume, start};
use crate::error::{Error, Result};

/// Encrypts `plaintext` under `dek` with a fresh random salt.
#[cfg(not(target_arch = "wasm32"))]
pub fn seal(dek: &[u8; 32], params: &Params, context: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut salt = [0u8; 32];
    super::crypto::fill_random(&mut salt)?;
    seal_with::<Native>(dek, params, context, salt, plaintext)
}

/// Encrypts `plaintext` under `dek` with a fresh random salt, replacing the contents of `out`.
///
/// The same ciphertext as [`seal`]; reusing `out` across messages saves an allocation per message,
/// which for large messages (fresh pages the kernel must fault in) costs more than the encryption.
///
/// ```
/// use kmipkit::envelope::format::{open, seal_into, KeyRef, Params};
/// let dek = [7u8; 32];
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let mut out = Vec::new();
/// for record in [&b"first"[..], b"second"] {
///     seal_into(&dek, &params, b"", record, &mut out).unwrap();
///     assert_eq!(&open(&out, &dek, b"").unwrap()[..], record);
/// }
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn seal_into(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    plaintext: &[u8],
    out: &mut Vec<u8>,
) -> Result<()> {
    let mut salt = [0u8; 32];
    super::crypto::fill_random(&mut salt)?;
    seal_over::<Native>(dek, params, context, salt, plaintext, out)
}

/// Encrypts `plaintext` under `dek` with the caller's salt.
///
/// The salt must be 32 fresh random bytes for every message: two messages with the same DEK, salt,
/// header and context reuse AES-GCM nonces, which breaks confidentiality and integrity. Use [`seal`]
/// where it exists; this is for wasm32 (pass bytes from `crypto.getRandomValues`) and for test vectors.
pub fn seal_with_salt(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    seal_with::<Native>(dek, params, context, salt, plaintext)
}

/// Decrypts a whole message. Returns no plaintext at all unless every frame verified.
pub fn open(ciphertext: &[u8], dek: &[u8; 32], context: &[u8]) -> Result<Plaintext> {
    open_with::<Native>(ciphertext, dek, context)
}

/// Decrypts a whole message into `out`, replacing (and first wiping) what it held; on error `out`
/// is left empty. Reusing `out` across messages saves an allocation per message.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use kmipkit::envelope::format::{open_into, seal, KeyRef, Params, Plaintext};
/// let dek = [7u8; 32];
/// let params = Params::new(KeyRef { name: "orders".into(), version: 1, uid: "42".into() });
/// let mut out = Plaintext::default();
/// open_into(&seal(&dek, &params, b"", b"hello").unwrap(), &dek, b"", &mut out).unwrap();
/// assert_eq!(&out[..], b"hello");
/// # }
/// ```
pub fn open_into(
    ciphertext: &[u8],
    dek: &[u8; 32],
    context: &[u8],
    out: &mut Plaintext,
) -> Result<()> {
    // The new plaintext overwrites the old in place; what it does not cover is wiped after.
    out.overwrite();
    let result = open_append::<Native>(ciphertext, dek, context, out);
    if result.is_err() {
        out.clear();
    }
    out.wipe_stale();
    result
}

/// Replaces the wrapped DEK of a message (re-wrapping under a new KEK); the body is copied unchanged.
///
/// Only the header is parsed; nothing is decrypted, so this needs no key.
pub fn rewrap(ciphertext: &[u8], wrapped_dek: &[u8]) -> Result<Vec<u8>> {
    let (mut header, body_start) = Header::parse(ciphertext)?;
    header.wrapped_dek = wrapped_dek.to_vec();
    let mut out = header.to_bytes()?;
    out.extend_from_slice(&ciphertext[body_start..]);
    Ok(out)
}

pub(crate) fn seal_with<B: Backend>(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    seal_over::<B>(dek, params, context, salt, plaintext, &mut out)?;
    Ok(out)
}

/// Replaces the contents of `out` with the message. Bytes `out` already holds are overwritten
/// where they are (it only ever holds ciphertext, so they need no wiping); growth is zeroed one
/// frame at a time, which keeps it in cache for the cipher that overwrites it.
fn seal_over<B: Backend>(
    dek: &[u8; 32],
    params: &Params,
    context: &[u8],
    salt: [u8; 32],
    plaintext: &[u8],
    out: &mut Vec<u8>,
) -> Result<()> {
    let (header, schedule) = start::<B>(dek, params, context, salt)?;
    let total = header.len() + body_len(params.frame_size, plaintext.len())?;
    out.truncate(total);
    out.reserve_exact(total - out.len());
    let mut grow = Growing { out, at: 0 };
    write_message::<B>(&header, &schedule, params.frame_size, plaintext, &mut grow);
    Ok(())
}

/// Where sealed bytes and opened frames go: a growing `Vec`, a [`Plaintext`], or a slice the
/// caller sized exactly (see `slice.rs`).
pub(super) trait Output {
    /// The next `len` bytes of the output.
    fn next(&mut self, len: usize) -> &mut [u8];
    /// Bytes handed out so far.
    fn written(&self) -> usize;
    /// Forgets (and, for plaintext, wipes) what was handed out from `at` on.
    fn cut(&mut self, at: usize);
}

/// A `Vec` overwritten from its start, zeroed one frame at a time where it is too short.
struct Growing<'a> {
    out: &'a mut Vec<u8>,
    at: usize,
}

impl Output for Growing<'_> {
    fn next(&mut self, len: usize) -> &mut [u8] {
        let start = self.at;
        self.at += len;
        if self.out.len() < self.at {
            self.out.resize(self.at, 0);
        }
        &mut self.out[start..self.at]
    }
    fn written(&self) -> usize {
        self.at
    }
    fn cut(&mut self, at: usize) {
        self.out.truncate(at);
        self.at = at;
    }
}

impl Output for Plaintext {
    fn next(&mut self, len: usize) -> &mut [u8] {
        self.extend(len)
    }
    fn written(&self) -> usize {
        self.as_slice().len()
    }
    fn cut(&mut self, at: usize) {
        self.truncate(at);
    }
}

/// Body bytes of a message with `plaintext_len` bytes in frames of `frame_size`.
pub(super) fn body_len(frame_size: u32, plaintext_len: usize) -> Result<usize> {
    let frames = plaintext_len.div_ceil(frame_size as usize).max(1);
    if frames as u64 > 1 << 32 {
        return Err(Error::Encode {
            what: "ciphertext".into(),
            reason: format!("{frames} frames exceed the limit of 2^32; use a larger frame size"),
        });
    }
    Ok(plaintext_len + 16 * frames)
}

/// Writes the header and every frame, sealed straight from `plaintext` into `out`.
pub(super) fn write_message<B: Backend>(
    header: &[u8],
    schedule: &super::schedule::Schedule<B>,
    frame_size: u32,
    plaintext: &[u8],
    out: &mut impl Output,
) {
    let frame_size = frame_size as usize;
    let frames = plaintext.len().div_ceil(frame_size).max(1);
    out.next(header.len()).copy_from_slice(header);
    for index in 0..frames {
        let chunk = &plaintext[index * frame_size..plaintext.len().min((index + 1) * frame_size)];
        let nonce = schedule.nonce(index as u32, index + 1 == frames);
        let tag = B::seal_to(&schedule.key, &nonce, chunk, out.next(chunk.len()));
        out.next(16).copy_from_slice(&tag);
    }
}

pub(crate) fn open_with<B: Backend>(
    ciphertext: &[u8],
    dek: &[u8; 32],
    context: &[u8],
) -> Result<Plaintext> {
    let mut out = Plaintext::default();
    open_append::<B>(ciphertext, dek, context, &mut out)?;
    Ok(out)
}

/// Appends the verified plaintext to `out`; on error the caller wipes it.
fn open_append<B: Backend>(
    ciphertext: &[u8],
    dek: &[u8; 32],
    context: &[u8],
    out: &mut Plaintext,
) -> Result<()> {
    let (header, body_start) = Header::parse(ciphertext)?;
    let body = &ciphertext[body_start..];
    // Exact for a well-formed body, so the output never reallocates.
    out.reserve(opened_body_len(header.frame_size, body.len()));
    open_body::<B>(&header, body, dek, context, out)
}

/// Plaintext bytes in a well-formed body of `body_len` bytes (an upper bound for any other).
pub(super) fn opened_body_len(frame_size: u32, body_len: usize) -> usize {
    let frames = body_len.div_ceil(frame_size as usize + 16).max(1);
    body_len.saturating_sub(16 * frames)
}

/// Verifies the commitment and opens every frame of `body` into `out`; on error the caller
/// wipes `out`.
pub(super) fn open_body<B: Backend>(
    header: &Header,
    body: &[u8],
    dek: &[u8; 32],
    context: &[u8],
    out: &mut impl Output,
) -> Result<()> {
    let schedule = resume::<B>(header, dek, context)?;
    let full = header.frame_size as usize + 16;
    let mut rest = body;
    let mut counter = 0u32;
    loop {
        let last = rest.len() <= full;
        let frame = &rest[..rest.len().min(full)];
        let Some(split) = frame.len().checked_sub(16) else {
            return Err(super::stream::cut_short(counter, frame.len()));
        };
        if !last && counter == u32::MAX {
            return Err(too_many_frames());
        }
        let (body, tag) = frame.split_at(split);
        let tag: &[u8; 16] = tag.try_into().expect("16 bytes");
        let start = out.written();
        let target = out.next(split);
        if !B::open_to(
            &schedule.key,
            &schedule.nonce(counter, last),
            body,
            tag,
            target,
        ) {
            // A full frame at the end that verifies as a non-final one: the rest was cut off.
            let truncated = last
                && frame.len() == full
                && B::open_to(
                    &schedule.key,
                    &schedule.nonce(counter, false),
                    body,
                    tag,
                    target,
                );
            out.cut(start);
            return Err(super::stream::frame_failed(
                counter,
                last,
                frame.len() == full,
                truncated,
            ));
        }
        if last {
            return Ok(());
        }
        rest = &rest[full..];
        counter += 1;
    }
}

pub(crate) fn too_many_frames() -> Error {
    Error::Integrity {
        reason: "more than 2^32 frames without a final frame".into(),
    }
}
